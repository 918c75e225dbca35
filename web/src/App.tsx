import { BadgesPage } from './recognition/BadgesPage';
import { LeaderboardPage } from './recognition/LeaderboardPage';
import { ProfilePage } from './recognition/ProfilePage';
import { TrustLevelsPage } from './recognition/TrustLevelsPage';
import { NotificationsPage } from './notifications/NotificationsPage';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { ThreadPage } from './community/discussions/ThreadPage';
import { ModerationPage } from './community/moderation/ModerationPage';
import { ContributionPage } from './community/contributions/ContributionPage';
import { MyProposalsPage } from './community/contributions/MyProposalsPage';
import { ReviewQueuePage } from './community/contributions/ReviewQueuePage';
import { CatalogPage } from './data/catalog/CatalogPage';
import { DatasetPage } from './data/dataset/DatasetPage';
import { ExplorerPage } from './data/explorer/ExplorerPage';
import { EditDatasetPage, NewDatasetPage } from './data/publish/DatasetFormPage';
import { I18nProvider } from './i18n/I18nProvider';
import { AccountPage } from './platform/account/AccountPage';
import { AcceptInvitationPage } from './platform/auth/AcceptInvitationPage';
import { ResetPasswordPage } from './platform/auth/ResetPasswordPage';
import { SignInPage } from './platform/auth/SignInPage';
import { SignUpPage } from './platform/auth/SignUpPage';
import { VerifyEmailPage } from './platform/auth/VerifyEmailPage';
import { HomePage } from './platform/HomePage';
import { NotFoundPage } from './platform/NotFoundPage';
import { OrganizationPage } from './platform/org/OrganizationPage';
import { ServicesPage } from './services/ServicesPage';
import { ServicePage } from './services/ServicePage';
import { ManageServicePage, NewServicePage } from './services/ServiceEditor';
import { CasePage } from './services/CasePage';
import { CasesPage } from './services/CasesPage';
import { AccreditationRegistryPage } from './apps/portal/AccreditationRegistryPage';
import { PortalPage } from './apps/portal/PortalPage';
import { AppPage } from './apps/core/AppPage';
import { AppsPage } from './apps/core/AppsPage';
import { OrgAccreditationsPage } from './apps/core/OrgAccreditationsPage';
import { AuthorizedAppsPage } from './apps/oauth/AuthorizedAppsPage';
import { MyDataPage } from './ledger/MyDataPage';
import { HarvestPage } from './federation/HarvestPage';
import { TransparencyPage } from './ledger/TransparencyPage';
import { AccountabilityPage } from './ledger/AccountabilityPage';
import { ConsentPage } from './apps/oauth/ConsentPage';
import { UsagePage } from './apps/usage/UsagePage';
import { WebhookPage } from './apps/webhooks/WebhookPage';
import { WebhooksPage } from './apps/webhooks/WebhooksPage';
import { ReusesPage } from './apps/reuses/ReusesPage';
import { ReusePage } from './apps/reuses/ReusePage';
import { EditReusePage, NewReusePage } from './apps/reuses/ReuseFormPage';
import { SessionProvider } from './session/SessionProvider';
import { Layout } from './shell/Layout';
import { AppStatisticsPage, OpenStatisticsPage } from './iteration/capture/OpenStatisticsPage';
import { ExperimentResultsPage } from './iteration/experiments/ExperimentResultsPage';
import { FlagPage } from './iteration/flags/FlagPage';
import { FlagsPage } from './iteration/flags/FlagsPage';

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <BrowserRouter>
          <Routes>
            <Route element={<Layout />}>
              <Route index element={<HomePage />} />
              <Route path="signup" element={<SignUpPage />} />
              <Route path="signin" element={<SignInPage />} />
              <Route path="account" element={<AccountPage />} />
              <Route path="organizations/:slug" element={<OrganizationPage />} />
              <Route path="datasets" element={<CatalogPage />} />
              <Route path="datasets/new" element={<NewDatasetPage />} />
              <Route path="datasets/:slug" element={<DatasetPage />} />
              <Route path="datasets/:slug/edit" element={<EditDatasetPage />} />
              <Route path="datasets/:slug/resources/:id" element={<ExplorerPage />} />
              <Route path="contributions/:id" element={<ContributionPage />} />
              <Route path="review" element={<ReviewQueuePage />} />
              <Route path="proposals" element={<MyProposalsPage />} />
              <Route path="invitations/accept" element={<AcceptInvitationPage />} />
              <Route path="verify-email" element={<VerifyEmailPage />} />
              <Route path="reset-password" element={<ResetPasswordPage />} />
              <Route path="users/:handle" element={<ProfilePage />} />
              <Route path="leaderboards" element={<LeaderboardPage />} />
              <Route path="badges" element={<BadgesPage />} />
              <Route path="trust-levels" element={<TrustLevelsPage />} />
              <Route path="notifications" element={<NotificationsPage />} />
              <Route path="discussions/:id" element={<ThreadPage />} />
              <Route path="moderation" element={<ModerationPage />} />
              <Route path="developers" element={<PortalPage />} />
              <Route path="developers/apps" element={<AppsPage />} />
              <Route path="developers/apps/:id" element={<AppPage />} />
              <Route path="organizations/:slug/accreditations" element={<OrgAccreditationsPage />} />
              <Route path="organizations/:slug/harvest" element={<HarvestPage />} />
              <Route path="accreditations" element={<AccreditationRegistryPage />} />
              <Route path="oauth/consent/:uid" element={<ConsentPage />} />
              <Route path="account/apps" element={<AuthorizedAppsPage />} />
              <Route path="account/data" element={<MyDataPage />} />
              <Route path="transparency" element={<TransparencyPage />} />
              <Route path="accountability" element={<AccountabilityPage />} />
              <Route path="developers/apps/:id/usage" element={<UsagePage />} />
              <Route path="developers/webhooks" element={<WebhooksPage />} />
              <Route path="developers/webhooks/:id" element={<WebhookPage />} />
              <Route path="organizations/:slug/statistics" element={<OpenStatisticsPage />} />
              <Route path="developers/apps/:id/statistics" element={<AppStatisticsPage />} />
              <Route path="developers/apps/:id/experiments/:key" element={<ExperimentResultsPage />} />
              <Route path="developers/apps/:id/flags" element={<FlagsPage />} />
              <Route path="developers/apps/:id/flags/:key" element={<FlagPage />} />
              <Route path="reuses" element={<ReusesPage />} />
              <Route path="reuses/new" element={<NewReusePage />} />
              <Route path="reuses/:slug" element={<ReusePage />} />
              <Route path="reuses/:slug/edit" element={<EditReusePage />} />
              <Route path="services" element={<ServicesPage />} />
              <Route path="services/new" element={<NewServicePage />} />
              <Route path="services/:code" element={<ServicePage />} />
              <Route path="services/:code/manage" element={<ManageServicePage />} />
              <Route path="cases" element={<CasesPage />} />
              <Route path="cases/:id" element={<CasePage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </SessionProvider>
    </I18nProvider>
  );
}
