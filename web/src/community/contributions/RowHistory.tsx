import { Link } from 'react-router-dom';
import { useRowRevisions } from '../../api/community';
import type { TableField } from '../../api/data';
import type { MessageKey } from '../../i18n/en';
import { useI18n } from '../../i18n/I18nProvider';
import { Loading, useErrorMessage } from '../../ui/Messages';
import { CellDiffTable } from './CellDiffTable';
import { contributionPath } from './paths';

interface Props {
  slug: string;
  resourceId: string;
  rowId: string;
  fields: TableField[];
  onClose: () => void;
  /** The row's title ("Dole"), named in the heading. */
  title?: string;
}

/** Revisions of one row, newest first: who, when, through which contribution, before / after. */
export function RowHistory({ slug, resourceId, rowId, fields, onClose, title }: Props) {
  const { t, formatDateTime } = useI18n();
  const errorMessage = useErrorMessage();
  const revisions = useRowRevisions(slug, resourceId, Number(rowId));
  const headingId = `row-history-${rowId}`;
  return (
    <section className="row-history" aria-labelledby={headingId}>
      <h3 id={headingId} className="h3">
        {title ? t('contrib.history.headingTitled', { id: rowId, title }) : t('contrib.history.heading', { id: rowId })}
      </h3>
      {revisions.loading && !revisions.data ? (
        <Loading />
      ) : revisions.error ? (
        <p className="notice notice--error">{errorMessage(revisions.error)}</p>
      ) : !revisions.data?.items.length ? (
        <p className="muted">{t('contrib.history.none')}</p>
      ) : (
        <ol className="revision-list">
          {revisions.data.items.map((r) => (
            <li key={r.id} className="revision">
              <p>
                <strong>{t('contrib.history.revision', { n: r.revision })}</strong>
                {' · '}
                {t(`contrib.op.${r.op}` as MessageKey)}
                {' · '}
                {r.author && r.actor && r.author.handle !== r.actor.handle ? (
                  <>
                    {t('contrib.history.proposedBy')} <Link to={`/users/${r.author.handle}`}>@{r.author.handle}</Link>
                    {', '}
                    {t('contrib.history.acceptedBy')} <Link to={`/users/${r.actor.handle}`}>@{r.actor.handle}</Link>
                  </>
                ) : r.actor ? (
                  <>
                    {t('contrib.history.changedBy')} <Link to={`/users/${r.actor.handle}`}>@{r.actor.handle}</Link>
                  </>
                ) : (
                  t('contrib.byUnknown')
                )}
                {' · '}
                <time dateTime={r.createdAt}>{formatDateTime(r.createdAt)}</time>
                {r.contributionId && (
                  <>
                    {' · '}
                    <Link to={contributionPath(r.contributionId)}>{t('contrib.history.viaContribution')}</Link>
                  </>
                )}
              </p>
              <CellDiffTable
                before={r.before}
                after={r.after}
                fields={fields.map((f) => f.name)}
                caption={t('contrib.history.revision', { n: r.revision })}
              />
            </li>
          ))}
        </ol>
      )}
      <button type="button" className="button button--small button--secondary" onClick={onClose}>
        {t('contrib.history.close')}
      </button>
    </section>
  );
}
