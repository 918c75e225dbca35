import { Link, useLocation } from 'react-router-dom';
import type { TableField } from '../../api/data';
import { useT } from '../../i18n/I18nProvider';
import { useSession } from '../../session/SessionProvider';
import { signInPath } from '../../ui/navigation';
import { InsertEditor } from './InsertEditor';
import type { ProposalDraft } from './useProposalDraft';

/** "Suggest an edit" toggle and "Add a row" above the explorer table (signed-in users). */
export function SuggestEditBar({ draft, fields }: { draft: ProposalDraft; fields: TableField[] }) {
  const t = useT();
  const { user, loading } = useSession();
  const location = useLocation();
  if (loading) return null;
  if (!user) {
    return (
      <p className="small muted suggest-bar">
        <Link to={signInPath(`${location.pathname}${location.search}`)}>{t('contrib.edit.signIn')}</Link>
      </p>
    );
  }
  const open =
    draft.open?.kind === 'insert'
      ? draft.draft.inserts.find((i) => draft.open?.kind === 'insert' && i.key === draft.open.key)
      : undefined;
  return (
    <div className="suggest-bar">
      <div className="actions">
        <button
          type="button"
          className={`button button--small${draft.editing ? '' : ' button--secondary'}`}
          aria-pressed={draft.editing}
          onClick={() => draft.setEditing(!draft.editing)}
        >
          {t('contrib.edit.toggle')}
        </button>
        {draft.editing && (
          <button type="button" className="button button--small button--secondary" onClick={() => draft.addRow()}>
            {t('contrib.edit.addRow')}
          </button>
        )}
      </div>
      {draft.editing && <p className="small muted">{t('contrib.edit.help')}</p>}
      {draft.editing && open && <InsertEditor insert={open} fields={fields} draft={draft} />}
    </div>
  );
}
