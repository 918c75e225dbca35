import { useState } from 'react';
import { useParams, useSearchParams, Link } from 'react-router-dom';
import { isManager, useOrganization } from '../../api/platform';
import { useT } from '../../i18n/I18nProvider';
import { useSession } from '../../session/SessionProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { Tabs, type TabDef } from '../../ui/Tabs';
import { InvitationsPanel } from './InvitationsPanel';
import { MembersPanel } from './MembersPanel';
import { OrgProfilePanel } from './OrgProfilePanel';
import { ReviewTargetSection } from '../../community/contributions/ReviewTargetSection';
import { OrganizationServices } from '../../services/ServicesPage';

type TabId = 'profile' | 'members' | 'invitations';

export function OrganizationPage() {
  const t = useT();
  const { slug = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const { user } = useSession();
  const errorMessage = useErrorMessage();
  const org = useOrganization(slug);
  const [status, setStatus] = useState<string | null>(null);

  const data = org.data;
  const notFound = org.error?.status === 404;
  useDocumentTitle(data?.name ?? (notFound ? t('org.notFound') : t('org.loadingTitle')));

  if (org.loading && !data) {
    return (
      <>
        <h1>{t('org.loadingTitle')}</h1>
        <Loading />
      </>
    );
  }
  if (!data) {
    return (
      <>
        <h1>{notFound ? t('org.notFound') : t('org.loadingTitle')}</h1>
        <p className="notice notice--error">
          {notFound ? t('org.notFoundBody', { slug }) : org.error ? errorMessage(org.error) : t('error.loadFailed')}
        </p>
      </>
    );
  }

  const manager = isManager(data.viewerRole);
  const tabs: TabDef<TabId>[] = [
    { id: 'profile', label: t('org.tab.profile') },
    { id: 'members', label: t('org.tab.members') },
    ...(manager ? [{ id: 'invitations' as const, label: t('org.tab.invitations') }] : []),
  ];
  const requested = params.get('tab');
  const active: TabId = tabs.find((tab) => tab.id === requested)?.id ?? 'profile';
  const setActive = (id: TabId) => {
    setStatus(null);
    setParams(id === 'profile' ? {} : { tab: id }, { replace: true });
  };

  return (
    <>
      <div className="page-heading">
        <h1>{data.name}</h1>
        <p className="muted">
          /{data.slug}
          {data.viewerRole && <span className="badge">{t(`role.${data.viewerRole}`)}</span>}
        </p>
        {manager && (
          <p>
            <Link to={`/organizations/${data.slug}/accreditations`}>{t('org.accreditationsLink')}</Link>
          </p>
        )}
        {data.viewerRole && (
          <p>
            <Link to={`/organizations/${data.slug}/harvest`}>{t('org.harvestLink')}</Link>
          </p>
        )}
      </div>
      <StatusMessage>{status}</StatusMessage>
      <Tabs label={t('org.tabs')} tabs={tabs} active={active} onChange={setActive}>
        {active === 'profile' && (
          <>
            <OrgProfilePanel
              org={data}
              onUpdated={(updated) => org.setData((current) => current && { ...current, ...updated })}
            />
            <ReviewTargetSection slug={data.slug} manager={manager} />
            <OrganizationServices
              slug={data.slug}
              canPublish={data.viewerRole === 'owner' || data.viewerRole === 'admin' || data.viewerRole === 'editor'}
            />
          </>
        )}
        {active === 'members' && (
          <MembersPanel org={data} viewerHandle={user?.handle ?? null} onStatus={setStatus} onOrgChanged={org.reload} />
        )}
        {active === 'invitations' && manager && <InvitationsPanel org={data} />}
      </Tabs>
    </>
  );
}
