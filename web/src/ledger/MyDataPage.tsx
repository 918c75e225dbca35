import { useState } from 'react';
import { Link } from 'react-router-dom';
import { API_BASE } from '../api/client';
import { useDataAccess, type AccessRecord } from '../api/ledger';
import { useI18n } from '../i18n/I18nProvider';
import { RequireUser } from '../session/RequireUser';
import { useDocumentTitle } from '../shell/useDocumentTitle';
import { Loading, useErrorMessage } from '../ui/Messages';
import { ErasureSection, ExportSection } from './MyDataExport';

const FIELD_KEYS = { email: 'myData.field.email', account: 'myData.field.account' } as const;

function AccessItem({ record }: { record: AccessRecord }) {
  const { t, formatDateTime } = useI18n();
  const when = <time dateTime={record.occurredAt}>{formatDateTime(record.occurredAt)}</time>;
  if (record.hidden) {
    return (
      <li className="card data-access data-access--hidden">
        <p>
          <strong>{t('myData.hidden.title')}</strong> · {when}
        </p>
        <p>
          {t('myData.hidden.until', { date: formatDateTime(record.hiddenUntil) })}
          <br />
          {t('myData.hidden.reason', { reason: record.hiddenReason ?? '' })}
        </p>
        <p className="small muted">{t('myData.hidden.counted')}</p>
      </li>
    );
  }
  const fields = record.fields
    .map((f) => (f in FIELD_KEYS ? t(FIELD_KEYS[f as keyof typeof FIELD_KEYS]) : f))
    .join(', ');
  return (
    <li className="card data-access">
      <p>
        {record.organization
          ? t('myData.item.byOrganization', {
              actor: `@${record.actor?.handle ?? '?'}`,
              organization: record.organization.name,
              fields,
            })
          : t('myData.item.by', { actor: `@${record.actor?.handle ?? '?'}`, fields })}{' '}
        · {when}
      </p>
      <dl className="data-access__facts small">
        <dt>{t('myData.item.purpose')}</dt>
        <dd>{record.purpose}</dd>
        <dt>{t('myData.item.legalBasis')}</dt>
        <dd>{record.legalBasis}</dd>
        {record.app && (
          <>
            <dt>{t('myData.item.app')}</dt>
            <dd>
              <code>{record.app.id}</code>
            </dd>
          </>
        )}
      </dl>
      <details className="small">
        <summary>{t('myData.item.proof')}</summary>
        <p>{t('myData.item.proofLead')}</p>
        <p>
          <code className="break">{record.recordHash}</code>
        </p>
        <p>
          <a href={`${API_BASE}/log/events/${encodeURIComponent(record.eventId)}`}>{t('myData.item.proofLink')}</a>
        </p>
      </details>
    </li>
  );
}

function AccessList() {
  const { t } = useI18n();
  const errorMessage = useErrorMessage();
  const [cursor, setCursor] = useState<string | null>(null);
  const page = useDataAccess(cursor);
  const items = page.data?.items ?? [];
  const next = page.data?.next ? new URL(page.data.next, window.location.origin).searchParams.get('_cursor') : null;

  return (
    <section className="panel" aria-labelledby="data-access-heading" aria-busy={page.loading}>
      <h2 id="data-access-heading">{t('myData.access.heading')}</h2>
      <p>{t('myData.access.lead')}</p>
      {page.loading && !page.data ? (
        <Loading />
      ) : page.error ? (
        <p className="notice notice--error">{errorMessage(page.error)}</p>
      ) : items.length === 0 ? (
        <div className="empty-state">
          <p>{t('myData.access.empty')}</p>
          <p className="muted">{t('myData.access.emptyHint')}</p>
        </div>
      ) : (
        <>
          <ul className="card-list">
            {items.map((record) => (
              <AccessItem key={record.id} record={record} />
            ))}
          </ul>
          <p className="actions">
            {cursor && (
              <button type="button" className="button button--secondary" onClick={() => setCursor(null)}>
                {t('myData.access.newest')}
              </button>
            )}
            {next && (
              <button type="button" className="button button--secondary" onClick={() => setCursor(next)}>
                {t('myData.access.older')}
              </button>
            )}
          </p>
        </>
      )}
    </section>
  );
}

/** /account/data — export my data, who read it (when, why, on which legal basis), erase my account. */
export function MyDataPage() {
  const { t } = useI18n();
  useDocumentTitle(t('myData.title'));
  return (
    <>
      <nav aria-label={t('dev.common.breadcrumb')} className="breadcrumb">
        <Link to="/account">{t('oauth.apps.back')}</Link>
      </nav>
      <div className="page-heading">
        <h1>{t('myData.heading')}</h1>
        <p className="lead">{t('myData.lead')}</p>
      </div>
      <RequireUser>
        {() => (
          <>
            <ExportSection />
            <AccessList />
            <ErasureSection />
          </>
        )}
      </RequireUser>
    </>
  );
}
