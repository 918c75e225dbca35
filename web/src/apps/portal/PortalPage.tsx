import { Link } from 'react-router-dom';
import { useT } from '../../i18n/I18nProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { CodeExamples } from './CodeExamples';

/** /developers: getting started, examples, the reference, limits, webhooks and OAuth. */
export function PortalPage() {
  const t = useT();
  useDocumentTitle(t('dev.portal.title'));
  const origin = window.location.origin;
  return (
    <>
      <div className="page-heading">
        <h1>{t('dev.portal.heading')}</h1>
        <p className="lead">{t('dev.portal.lead')}</p>
      </div>
      <nav aria-label={t('dev.portal.quickLinks')} className="dev-quick-links">
        <ul className="inline-list">
          <li>
            <Link className="button" to="/developers/apps">
              {t('dev.portal.yourApps')}
            </Link>
          </li>
          <li>
            <a className="button button--secondary" href="/api/docs">
              {t('dev.portal.reference')}
            </a>
          </li>
          <li>
            <Link className="button button--secondary" to="/developers/webhooks">
              {t('dev.portal.webhooks')}
            </Link>
          </li>
          <li>
            <Link className="button button--secondary" to="/accreditations">
              {t('dev.portal.registry')}
            </Link>
          </li>
        </ul>
      </nav>

      <div className="stack">
        <section aria-labelledby="dev-start" className="panel">
          <h2 id="dev-start">{t('dev.portal.start.heading')}</h2>
          <ol className="dev-steps">
            <li>
              <h3>{t('dev.portal.step1.title')}</h3>
              <p>{t('dev.portal.step1.body')}</p>
              <p>
                <Link to="/developers/apps">{t('dev.portal.step1.link')}</Link>
              </p>
            </li>
            <li>
              <h3>{t('dev.portal.step2.title')}</h3>
              <p>{t('dev.portal.step2.body')}</p>
            </li>
            <li>
              <h3>{t('dev.portal.step3.title')}</h3>
              <p>{t('dev.portal.step3.body')}</p>
              <CodeExamples origin={origin} />
            </li>
          </ol>
        </section>

        <section aria-labelledby="dev-reference" className="panel">
          <h2 id="dev-reference">{t('dev.portal.ref.heading')}</h2>
          <p>{t('dev.portal.ref.body')}</p>
          <ul>
            <li>
              <a href="/api/docs">{t('dev.portal.ref.tryIt')}</a>
            </li>
            <li>
              <a href="/api/v1/openapi.json">{t('dev.portal.ref.json')}</a> <code>/api/v1/openapi.json</code>
            </li>
          </ul>
          <p>{t('dev.portal.ref.errors')}</p>
        </section>

        <section aria-labelledby="dev-limits" className="panel">
          <h2 id="dev-limits">{t('dev.portal.limits.heading')}</h2>
          <p>{t('dev.portal.limits.body')}</p>
          <p>{t('dev.portal.limits.headers')}</p>
          <p>{t('dev.portal.limits.usage')}</p>
        </section>

        <section aria-labelledby="dev-sensitive" className="panel">
          <h2 id="dev-sensitive">{t('dev.portal.sensitive.heading')}</h2>
          <p>{t('dev.portal.sensitive.body')}</p>
          <pre className="code" tabIndex={0} aria-label={t('dev.examples.codeLabel')}>
            <code>{`curl -X POST -H 'Authorization: Bearer mtk_…' \\\n  -H 'X-Purpose: Nightly import of the bus timetables' \\\n  -H 'Content-Type: application/json' \\\n  -d '{"title":"Bus stops","license":"CC0-1.0"}' \\\n  '${origin}/api/v1/datasets'`}</code>
          </pre>
          <p>
            <Link to="/accreditations">{t('dev.portal.sensitive.registry')}</Link>
          </p>
        </section>

        <section aria-labelledby="dev-more" className="panel">
          <h2 id="dev-more">{t('dev.portal.more.heading')}</h2>
          <p>
            {t('dev.portal.webhooks.body')} <Link to="/developers/webhooks">{t('dev.portal.webhooks.link')}</Link>
          </p>
          <p>
            {t('dev.portal.oauth.body')}{' '}
            <a href="/.well-known/oauth-authorization-server">{t('dev.portal.oauth.link')}</a>
          </p>
        </section>
      </div>
    </>
  );
}
