import { Link } from 'react-router-dom';
import { itemsOf, useMyOrganizations } from '../../api/platform';
import { useT } from '../../i18n/I18nProvider';
import { Disclosure } from '../../ui/Disclosure';
import { Loading, useErrorMessage } from '../../ui/Messages';
import { CreateOrganizationForm } from './CreateOrganizationForm';

export function MyOrganizationsSection() {
  const t = useT();
  const errorMessage = useErrorMessage();
  const orgs = useMyOrganizations();
  const items = itemsOf(orgs.data);

  return (
    <section aria-labelledby="my-orgs-heading" className="panel">
      <h2 id="my-orgs-heading">{t('myOrgs.heading')}</h2>
      {orgs.loading && !orgs.data ? (
        <Loading />
      ) : orgs.error ? (
        <p className="notice notice--error">{errorMessage(orgs.error)}</p>
      ) : items.length === 0 ? (
        <p className="empty-state">{t('myOrgs.empty')}</p>
      ) : (
        <ul className="link-list">
          {items.map((org) => (
            <li key={org.slug}>
              <Link to={`/organizations/${encodeURIComponent(org.slug)}`}>{org.name}</Link>{' '}
              <span className="badge">{t(`role.${org.role}`)}</span>
            </li>
          ))}
        </ul>
      )}
      <Disclosure label={t('orgCreate.heading')}>{() => <CreateOrganizationForm />}</Disclosure>
    </section>
  );
}
