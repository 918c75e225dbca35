import { Link } from 'react-router-dom';
import { useServices, type ServiceSummary } from '../api/services';
import { useI18n } from '../i18n/I18nProvider';
import { useDocumentTitle } from '../shell/useDocumentTitle';
import { Loading, useErrorMessage } from '../ui/Messages';

function ServiceList({ items }: { items: ServiceSummary[] }) {
  const { t } = useI18n();
  return (
    <ul className="card-list">
      {items.map((s) => (
        <li key={s.code} className="card">
          <h3 className="card__title">
            <Link to={`/services/${s.code}`}>{s.title}</Link>
          </h3>
          <p className="muted">
            {s.organization.name} · {t('services.objectives', { ack: s.acknowledgeHours, resolve: s.resolveHours })} ·{' '}
            {t('services.operatorCount', { count: s.operators })}
          </p>
          {s.description && <p>{s.description}</p>}
        </li>
      ))}
    </ul>
  );
}

/** /services — every service people can request, beside the datasets of the catalog. */
export function ServicesPage() {
  const { t } = useI18n();
  const errorMessage = useErrorMessage();
  useDocumentTitle(t('services.list.title'));
  const list = useServices();
  return (
    <>
      <div className="page-heading">
        <h1>{t('services.list.title')}</h1>
        <p className="muted">{t('services.list.intro')}</p>
        <p>
          <Link to="/cases">{t('services.cases.mine')}</Link>
        </p>
      </div>
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <p className="notice notice--error">{errorMessage(list.error)}</p>
      ) : list.data && list.data.items.length > 0 ? (
        <ServiceList items={list.data.items} />
      ) : (
        <div className="empty-state">
          <p>{t('services.list.empty')}</p>
        </div>
      )}
    </>
  );
}

/** The services of an organization, on its page; its owners, admins and editors may publish one. */
export function OrganizationServices({ slug, canPublish }: { slug: string; canPublish: boolean }) {
  const { t } = useI18n();
  const list = useServices({ organization: slug });
  const items = list.data?.items ?? [];
  if (items.length === 0 && !canPublish) return null;
  return (
    <section aria-labelledby="org-services">
      <h2 id="org-services">{t('services.list.title')}</h2>
      {canPublish && (
        <p>
          <Link to={`/services/new?organization=${encodeURIComponent(slug)}`}>{t('services.publishLink')}</Link>
        </p>
      )}
      {items.length > 0 ? <ServiceList items={items} /> : <p className="empty-state">{t('services.orgEmpty')}</p>}
    </section>
  );
}
