import { useDataset } from '../../api/data';
import { useReasonTemplates } from '../../api/community';
import { useT } from '../../i18n/I18nProvider';

/** The organization's rejection reason templates as quick picks (nothing when there are none or they are not readable). */
export function ReasonTemplates({ dataset, onPick }: { dataset: string; onPick: (body: string) => void }) {
  const t = useT();
  const ds = useDataset(dataset);
  const org = ds.data?.organization?.slug;
  const templates = useReasonTemplates(org ?? null);
  const items = templates.data?.items ?? [];
  if (!items.length) return null;
  return (
    <div className="reason-templates" role="group" aria-label={t('contrib.review.templates')}>
      <p className="small muted">{t('contrib.review.templates')}</p>
      <ul className="tag-buttons">
        {items.map((tpl) => (
          <li key={tpl.id}>
            <button
              type="button"
              className="button button--small button--secondary"
              title={tpl.body}
              onClick={() => onPick(tpl.body)}
            >
              {tpl.title}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
