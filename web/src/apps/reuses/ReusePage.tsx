import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { seg } from '../../api/client';
import { useAction } from '../../api/hooks';
import { useReuse, useReuseActions } from '../../api/reuses';
import { Discussions } from '../../community/discussions/Discussions';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/en';
import type { Vars } from '../../i18n/I18nProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { typeKey } from './ReuseCard';
import { reuseEditPath } from './paths';

/** /reuses/:slug — a reuse: what it is, the datasets it uses, who made it, featuring, discussion. */
export function ReusePage() {
  const { t, formatDate } = useI18n();
  const { slug = '' } = useParams();
  const location = useLocation();
  const navigate = useNavigate();
  const errorMessage = useErrorMessage();
  const reuse = useReuse(slug);
  const reuses = useReuseActions();
  const action = useAction();
  const [status, setStatus] = useState<{ key: MessageKey; vars?: Vars } | null>(
    (location.state as { saved?: boolean } | null)?.saved ? { key: 'reuses.saved' } : null,
  );
  const data = reuse.data;
  const notFound = reuse.error?.status === 404;
  useDocumentTitle(data?.title ?? (notFound ? t('reuses.page.notFound') : t('reuses.page.loading')));

  if (!data) {
    return (
      <>
        <h1>{notFound ? t('reuses.page.notFound') : t('reuses.page.loading')}</h1>
        {reuse.loading ? (
          <Loading />
        ) : (
          <p className="notice notice--error">
            {notFound ? t('reuses.page.notFoundBody') : reuse.error ? errorMessage(reuse.error) : t('error.loadFailed')}
          </p>
        )}
        <p>
          <Link to="/reuses">{t('reuses.page.back')}</Link>
        </p>
      </>
    );
  }

  const toggleFeature = async (org: { slug: string; name: string; featured: boolean }) => {
    const result = await action.run(() =>
      org.featured ? reuses.unfeature(org.slug, data.slug) : reuses.feature(org.slug, data.slug),
    );
    if (result.ok && result.value) {
      reuse.setData(() => result.value);
      setStatus({
        key: org.featured ? 'reuses.feature.removed' : 'reuses.feature.added',
        vars: { organization: org.name },
      });
    }
  };

  const remove = async () => {
    if (!window.confirm(t('reuses.page.confirmDelete', { title: data.title }))) return;
    const result = await action.run(() => reuses.remove(data.slug));
    if (result.ok) navigate('/reuses', { state: { deleted: data.title } });
  };

  return (
    <article className="reuse-page">
      <p className="small">
        <Link to="/reuses">{t('reuses.page.back')}</Link>
      </p>
      <div className="page-heading">
        <h1>{data.title}</h1>
        <p className="reuse-card__badges">
          <span className="badge reuse-type">{t(typeKey(data.type))}</span>
          {data.featuredBy.map((o) => (
            <span key={o.slug} className="badge badge--featured">
              {t('reuses.featuredBy', { organization: o.name })}
            </span>
          ))}
        </p>
      </div>
      <StatusMessage>{status ? t(status.key, status.vars) : ''}</StatusMessage>
      <ErrorAlert error={action.error} />

      <div className="reuse-page__main">
        {data.image && (
          <img
            className="reuse-page__image"
            src={data.image}
            alt={t('reuses.page.imageAlt', { title: data.title })}
            referrerPolicy="no-referrer"
          />
        )}
        <div>
          <p>
            <a className="button" href={data.url} rel="noopener noreferrer nofollow ugc" target="_blank">
              {t('reuses.page.visit')}
              <span className="visually-hidden"> {t('reuses.page.newTab')}</span>
            </a>
          </p>
          {data.description ? (
            <div className="prose" dangerouslySetInnerHTML={{ __html: data.descriptionHtml }} />
          ) : (
            <p className="muted">{t('reuses.page.noDescription')}</p>
          )}
        </div>
      </div>

      <dl className="reuse-meta">
        <dt>{t('reuses.page.author')}</dt>
        <dd>
          {data.owner ? (
            <Link to={`/users/${seg(data.owner.handle)}`}>{data.owner.name}</Link>
          ) : (
            t('reuses.unknownAuthor')
          )}
        </dd>
        {data.organization && (
          <>
            <dt>{t('reuses.field.organization')}</dt>
            <dd>
              <Link to={`/organizations/${seg(data.organization.slug)}`}>{data.organization.name}</Link>
            </dd>
          </>
        )}
        <dt>{t('reuses.field.topics')}</dt>
        <dd>
          {data.topics.length ? (
            data.topics.map((tp) => (
              <Link key={tp} className="tag" to={`/reuses?topic=${encodeURIComponent(tp)}`}>
                {tp}
              </Link>
            ))
          ) : (
            <span className="muted">{t('reuses.page.noTopics')}</span>
          )}
        </dd>
        <dt>{t('reuses.page.views')}</dt>
        <dd>{data.views}</dd>
        <dt>{t('reuses.page.published')}</dt>
        <dd>
          <time dateTime={data.createdAt}>{formatDate(data.createdAt)}</time>
        </dd>
      </dl>

      <section aria-labelledby="reuse-datasets" className="subpanel">
        <h2 id="reuse-datasets">{t('reuses.page.datasets')}</h2>
        {data.datasets.length === 0 ? (
          <p className="muted">{t('reuses.page.noDatasets')}</p>
        ) : (
          <ul className="link-list">
            {data.datasets.map((d) => (
              <li key={d.slug}>
                <Link to={`/datasets/${seg(d.slug)}`}>{d.title}</Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      {(data.viewerCanEdit || data.viewerCanFeature.length > 0) && (
        <section aria-labelledby="reuse-manage" className="subpanel">
          <h2 id="reuse-manage">{t('reuses.page.manage')}</h2>
          {data.viewerCanFeature.length > 0 && (
            <>
              <p className="small muted">{t('reuses.feature.hint')}</p>
              <ul className="button-list">
                {data.viewerCanFeature.map((o) => (
                  <li key={o.slug}>
                    <button
                      type="button"
                      className="button button--secondary"
                      aria-pressed={o.featured}
                      disabled={action.pending}
                      onClick={() => void toggleFeature(o)}
                    >
                      {t('reuses.feature.toggle', { organization: o.name })}
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
          {data.viewerCanEdit && (
            <p className="inline-form">
              <Link className="button button--secondary" to={reuseEditPath(data.slug)}>
                {t('reuses.page.edit')}
              </Link>
              <button
                type="button"
                className="button button--danger"
                disabled={action.pending}
                onClick={() => void remove()}
              >
                {t('reuses.page.delete')}
              </button>
            </p>
          )}
        </section>
      )}

      <Discussions kind="reuse" id={data.id} />
    </article>
  );
}
