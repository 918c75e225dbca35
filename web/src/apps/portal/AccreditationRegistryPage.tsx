import { useState } from 'react';
import { Link } from 'react-router-dom';
import { toApiError, type ApiError } from '../../api/client';
import { fetchPublicAccreditations, usePublicAccreditations, type PublicAccreditation } from '../../api/developers';
import { cursorOf } from '../../api/platform';
import { useI18n } from '../../i18n/I18nProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { ErrorAlert, Loading, useErrorMessage } from '../../ui/Messages';

/** /accreditations: the public registry of approved accreditations. */
export function AccreditationRegistryPage() {
  const { t, formatDate } = useI18n();
  useDocumentTitle(t('dev.registry.title'));
  const errorMessage = useErrorMessage();
  const first = usePublicAccreditations();
  const [more, setMore] = useState<PublicAccreditation[]>([]);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  const items = [...(first.data?.items ?? []), ...more];
  const nextLink = next === undefined ? (first.data?.next ?? null) : next;

  const loadMore = async () => {
    const cursor = cursorOf(nextLink);
    if (!cursor) return;
    try {
      const page = await fetchPublicAccreditations(cursor);
      setMore((m) => [...m, ...page.items]);
      setNext(page.next);
    } catch (err) {
      setMoreError(toApiError(err));
    }
  };

  return (
    <>
      <div className="page-heading">
        <h1>{t('dev.registry.heading')}</h1>
        <p className="lead">{t('dev.registry.lead')}</p>
      </div>
      {first.loading && !first.data ? (
        <Loading />
      ) : first.error ? (
        <p className="notice notice--error">{errorMessage(first.error)}</p>
      ) : items.length === 0 ? (
        <div className="empty-state">
          <p>{t('dev.registry.empty')}</p>
          <p>
            <Link to="/developers">{t('dev.registry.emptyLink')}</Link>
          </p>
        </div>
      ) : (
        <ul className="card-list">
          {items.map((a) => (
            <li key={a.id} className="card">
              <h2 className="card__title">
                {a.app.homepage ? (
                  <a href={a.app.homepage} rel="noopener noreferrer">
                    {a.app.name}
                  </a>
                ) : (
                  a.app.name
                )}
              </h2>
              <p className="muted">
                {t('dev.registry.by')}{' '}
                <Link to={`/organizations/${encodeURIComponent(a.organization.slug)}`}>{a.organization.name}</Link>
                {' · '}
                {t('dev.registry.approvedOn', { date: formatDate(a.approvedAt) })}
              </p>
              <dl className="details">
                <div>
                  <dt>{t('dev.acc.scopes')}</dt>
                  <dd>
                    {a.scopes.map((s) => (
                      <code key={s} className="tag">
                        {s}
                      </code>
                    ))}
                  </dd>
                </div>
                <div>
                  <dt>{t('dev.acc.purpose')}</dt>
                  <dd className="prewrap">{a.purpose}</dd>
                </div>
                <div>
                  <dt>{t('dev.acc.legalBasis')}</dt>
                  <dd className="prewrap">{a.legalBasis}</dd>
                </div>
                <div>
                  <dt>{t('dev.acc.retention')}</dt>
                  <dd className="prewrap">{a.retention}</dd>
                </div>
                <div>
                  <dt>{t('dev.acc.dpo')}</dt>
                  <dd>
                    {a.dpo.name} — <a href={`mailto:${a.dpo.email}`}>{a.dpo.email}</a>
                  </dd>
                </div>
              </dl>
            </li>
          ))}
        </ul>
      )}
      <ErrorAlert error={moreError} />
      {nextLink && (
        <p className="load-more">
          <button type="button" className="button button--secondary" onClick={() => void loadMore()}>
            {t('dev.common.loadMore')}
          </button>
        </p>
      )}
    </>
  );
}
