import { useParams } from 'react-router-dom';
import { useI18n } from '../../i18n/I18nProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { StatisticsView } from './StatisticsView';

/** /organizations/:slug/statistics — an organization's open statistics, public. */
export function OpenStatisticsPage() {
  const { t } = useI18n();
  const { slug = '' } = useParams();
  useDocumentTitle(t('capture.open.title'));
  return (
    <>
      <div className="page-heading">
        <h1>{t('capture.open.heading')}</h1>
        <p className="lead">{t('capture.open.lead')}</p>
      </div>
      <StatisticsView source={{ organization: slug }} />
    </>
  );
}

/** /developers/apps/:id/statistics — an app's audience, for those who manage it. */
export function AppStatisticsPage() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  useDocumentTitle(t('capture.app.title'));
  return (
    <>
      <div className="page-heading">
        <h1>{t('capture.app.heading')}</h1>
        <p className="lead">{t('capture.app.lead')}</p>
      </div>
      <StatisticsView source={{ app: id }} />
    </>
  );
}
