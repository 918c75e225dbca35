import { Link, useNavigate } from 'react-router-dom';
import { itemsOf, useActivity, useHome, useOrganizations, type HomeView } from '../api/platform';
import { type DatasetSummary } from '../api/data';
import { ReuseCard } from '../apps/reuses/ReuseCard';
import { formatNumber } from '../data/format';
import { humanDuration } from '../recognition/localized';
import { profilePath } from '../recognition/paths';
import { SearchForm } from '../ui/SearchForm';
import { useI18n } from '../i18n/I18nProvider';
import { useSession } from '../session/SessionProvider';
import { useDocumentTitle } from '../shell/useDocumentTitle';
import { Loading, useErrorMessage } from '../ui/Messages';

function OrganizationList() {
  const { t } = useI18n();
  const { user } = useSession();
  const errorMessage = useErrorMessage();
  const orgs = useOrganizations();
  const items = itemsOf(orgs.data);

  if (orgs.loading && !orgs.data) return <Loading />;
  if (orgs.error) return <p className="notice notice--error">{errorMessage(orgs.error)}</p>;
  if (items.length === 0) {
    return (
      <div className="empty-state">
        <p>{t('home.orgs.empty')}</p>
        <p className="muted">{user ? t('home.orgs.emptySignedIn') : t('home.orgs.emptySignedOut')}</p>
      </div>
    );
  }
  return (
    <ul className="card-list">
      {items.map((org) => (
        <li key={org.slug} className="card">
          <h3 className="card__title">
            <Link to={`/organizations/${encodeURIComponent(org.slug)}`}>{org.name}</Link>
          </h3>
          {org.description && <p className="card__body">{org.description}</p>}
          {typeof org.membersCount === 'number' && (
            <p className="muted small">{t('home.orgs.members', { count: org.membersCount })}</p>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The public activity, each event told by the server in the reader's language (a new language refetches). */
function ActivityFeed() {
  const { t, lang, formatDateTime } = useI18n();
  const errorMessage = useErrorMessage();
  const activity = useActivity(lang);
  const items = itemsOf(activity.data);

  if (activity.loading && !activity.data) return <Loading />;
  if (activity.error) return <p className="notice notice--error">{errorMessage(activity.error)}</p>;
  if (items.length === 0) return <p className="empty-state">{t('home.activity.empty')}</p>;
  return (
    <ol className="activity">
      {items.map((item, index) => (
        <li key={item.id ?? index} className="activity__item">
          <p>{item.text}</p>
          <p className="muted small">
            <time dateTime={item.occurredAt}>{formatDateTime(item.occurredAt)}</time>
            {item.organization && (
              <>
                {' · '}
                <Link to={`/organizations/${encodeURIComponent(item.organization.slug)}`}>
                  {item.organization.name}
                </Link>
              </>
            )}
          </p>
        </li>
      ))}
    </ol>
  );
}

/** The platform's figures, in the reader's language. */
function Figures({ figures }: { figures: HomeView['figures'] }) {
  const { t, lang } = useI18n();
  const n = (v: number) => formatNumber(lang, v);
  const items: Array<[string, string]> = [
    [t('home.figures.datasets'), n(figures.datasets)],
    [t('home.figures.rows'), n(figures.rows)],
    [t('home.figures.contributors'), n(figures.contributors)],
    [t('home.figures.acceptedThisMonth'), n(figures.acceptedThisMonth)],
    [
      t('home.figures.medianReview'),
      figures.medianReviewSeconds === null ? '—' : humanDuration(t, figures.medianReviewSeconds),
    ],
  ];
  return (
    <dl className="home-figures">
      {items.map(([label, value]) => (
        <div key={label} className="home-figures__item">
          <dt className="small muted">{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function DatasetList({ items }: { items: DatasetSummary[] }) {
  const { t, lang } = useI18n();
  return (
    <ul className="card-list home-list">
      {items.map((d) => (
        <li key={d.slug} className="card">
          <h3 className="card__title">
            <Link to={`/datasets/${encodeURIComponent(d.slug)}`}>{d.title}</Link>
          </h3>
          {d.organization && <p className="muted small">{d.organization.name}</p>}
          {d.excerpt && <p className="card__body home-list__excerpt">{d.excerpt}</p>}
          <p className="small muted">
            {t('data.metrics.views', { count: formatNumber(lang, d.metrics.views) })} ·{' '}
            {t('data.metrics.downloads', { count: formatNumber(lang, d.metrics.downloads) })}
          </p>
        </li>
      ))}
    </ul>
  );
}

function LatestContributions({ items }: { items: HomeView['latestContributions'] }) {
  const { t, formatDateTime } = useI18n();
  if (items.length === 0) return <p className="empty-state">{t('home.latest.empty')}</p>;
  return (
    <ol className="activity">
      {items.map((c) => (
        <li key={c.id} className="activity__item">
          <p>
            <Link to={profilePath(c.author.handle)}>@{c.author.handle}</Link>{' '}
            {t(c.partial ? 'home.latest.partial' : 'home.latest.accepted', { count: c.changes })}{' '}
            <Link to={`/datasets/${encodeURIComponent(c.dataset.slug)}`}>{c.dataset.title}</Link>
          </p>
          <p className="muted small">
            <time dateTime={c.acceptedAt}>{formatDateTime(c.acceptedAt)}</time>
          </p>
        </li>
      ))}
    </ol>
  );
}

export function HomePage() {
  const { t } = useI18n();
  const { user } = useSession();
  const navigate = useNavigate();
  const errorMessage = useErrorMessage();
  const home = useHome();
  useDocumentTitle(t('home.title'));
  const view = home.data;
  const datasets = view && (view.featuredDatasets.length > 0 ? view.featuredDatasets : view.popularDatasets);
  const reuses = view && (view.featuredReuses.length > 0 ? view.featuredReuses : view.popularReuses);

  return (
    <>
      <section className="hero home-hero" aria-labelledby="home-heading">
        <h1 id="home-heading">{t('app.name')}</h1>
        <p className="lead">{t('home.intro1')}</p>
        <SearchForm
          label={t('home.search.label')}
          buttonLabel={t('home.search.button')}
          initial=""
          onSearch={(q) => navigate(q ? `/datasets?q=${encodeURIComponent(q)}` : '/datasets')}
        />
        {user ? (
          <p>
            {t('home.welcome', { name: user.name || user.handle })} <Link to="/account">{t('home.goToAccount')}</Link>
          </p>
        ) : (
          <p className="actions">
            <Link to="/signup" className="button">
              {t('home.ctaSignUp')}
            </Link>
            <Link to="/signin" className="button button--secondary">
              {t('home.ctaSignIn')}
            </Link>
          </p>
        )}
      </section>
      {home.error && <p className="notice notice--error">{errorMessage(home.error)}</p>}
      {home.loading && !view && <Loading />}
      {view && (
        <>
          <section aria-labelledby="home-figures">
            <h2 id="home-figures" className="visually-hidden">
              {t('home.figures.heading')}
            </h2>
            <Figures figures={view.figures} />
          </section>
          <div className="grid-2">
            <section aria-labelledby="home-datasets">
              <h2 id="home-datasets">
                {view.featuredDatasets.length > 0 ? t('home.datasets.featured') : t('home.datasets.popular')}
              </h2>
              {datasets && datasets.length > 0 ? (
                <DatasetList items={datasets} />
              ) : (
                <p className="empty-state">{t('home.datasets.empty')}</p>
              )}
              <p>
                <Link to="/datasets">{t('home.datasets.all')}</Link>
              </p>
            </section>
            <section aria-labelledby="home-reuses">
              <h2 id="home-reuses">
                {view.featuredReuses.length > 0 ? t('home.reuses.featured') : t('home.reuses.popular')}
              </h2>
              {reuses && reuses.length > 0 ? (
                <ul className="card-list home-list">
                  {reuses.map((r) => (
                    <ReuseCard key={r.slug} reuse={r} headingLevel={3} />
                  ))}
                </ul>
              ) : (
                <p className="empty-state">{t('home.reuses.empty')}</p>
              )}
              <p>
                <Link to="/reuses">{t('home.reuses.all')}</Link>
              </p>
            </section>
          </div>
        </>
      )}
      <div className="grid-2">
        <section aria-labelledby="home-latest">
          <h2 id="home-latest">{t('home.latest.heading')}</h2>
          {view && <LatestContributions items={view.latestContributions} />}
        </section>
        <section aria-labelledby="home-activity">
          <h2 id="home-activity">{t('home.activity.heading')}</h2>
          <ActivityFeed />
        </section>
      </div>
      <section aria-labelledby="home-orgs">
        <h2 id="home-orgs">{t('home.orgs.heading')}</h2>
        <OrganizationList />
      </section>
    </>
  );
}
