import { Link, useSearchParams } from 'react-router-dom';
import { useCases } from '../api/services';
import { useI18n } from '../i18n/I18nProvider';
import type { MessageKey } from '../i18n/en';
import { RequireUser } from '../session/RequireUser';
import { useDocumentTitle } from '../shell/useDocumentTitle';
import { Loading, useErrorMessage } from '../ui/Messages';
import { TableWrap } from '../ui/TableWrap';
import { STATUS } from './CasePage';

const VIEWS = ['requester', 'operator', 'organization'] as const;
const VIEW_LABEL: Record<(typeof VIEWS)[number], MessageKey> = {
  requester: 'services.cases.asRequester',
  operator: 'services.cases.asOperator',
  organization: 'services.cases.asOrganization',
};

/** /cases — my requests, and the back office: cases routed to my organizations, or of my organizations' services. */
export function CasesPage() {
  const { t } = useI18n();
  useDocumentTitle(t('services.cases.title'));
  return <RequireUser>{() => <Cases />}</RequireUser>;
}

function Cases() {
  const { t, lang } = useI18n();
  const errorMessage = useErrorMessage();
  const [params] = useSearchParams();
  const asked = params.get('as');
  const as = VIEWS.find((v) => v === asked) ?? 'requester';
  const list = useCases({ as });
  const date = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium' });
  return (
    <>
      <h1>{t('services.cases.title')}</h1>
      <nav aria-label={t('services.cases.views')}>
        <ul className="inline-list">
          {VIEWS.map((v) => (
            <li key={v}>
              <Link to={`/cases?as=${v}`} aria-current={v === as ? 'page' : undefined}>
                {t(VIEW_LABEL[v])}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {list.loading && !list.data ? (
        <Loading />
      ) : list.error ? (
        <p className="notice notice--error">{errorMessage(list.error)}</p>
      ) : !list.data || list.data.items.length === 0 ? (
        <div className="empty-state">
          <p>{t('services.cases.empty')}</p>
          <p>
            <Link to="/services">{t('services.list.title')}</Link>
          </p>
        </div>
      ) : (
        <TableWrap label={t('services.cases.title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('services.cases.service')}</th>
                <th scope="col">{t('services.case.status')}</th>
                <th scope="col">{t('services.operators.operator')}</th>
                <th scope="col">{t('services.case.submitted')}</th>
                <th scope="col">{t('services.case.due')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <Link to={`/cases/${c.id}`}>{c.service.title}</Link>
                  </th>
                  <td>{STATUS[c.status] ? t(STATUS[c.status]!) : c.status}</td>
                  <td>{c.operator?.name ?? '—'}</td>
                  <td>{date.format(new Date(c.submittedAt))}</td>
                  <td>{date.format(new Date(c.resolveDueAt))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </>
  );
}
