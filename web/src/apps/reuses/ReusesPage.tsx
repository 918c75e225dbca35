import { useId, useState, type FormEvent } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router-dom';
import { useAction } from '../../api/hooks';
import { fetchReuses, REUSE_TYPES, useReuses, type ReuseGallery, type ReuseSummary } from '../../api/reuses';
import { cursorOf } from '../../api/platform';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/en';
import { useSession } from '../../session/SessionProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { signInPath } from '../../ui/navigation';
import { ReuseCard, typeKey } from './ReuseCard';
import { MostUsedReuses } from './MostUsedReuses';
import { GALLERY_FILTERS, galleryQuery } from './paths';

const SORTS = ['recent', 'popular', 'featured'] as const;

/** /reuses — the gallery: search, filters by type, topic and dataset, sort, "load more". */
export function ReusesPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const location = useLocation();
  const errorMessage = useErrorMessage();
  const [params, setParams] = useSearchParams();
  useDocumentTitle(t('reuses.gallery.title'));
  const path = params.toString();
  const first = useReuses(galleryQuery(params));
  const [more, setMore] = useState<{ base: string; items: ReuseSummary[]; next: string | null } | null>(null);
  const loadMore = useAction();
  const extra = more?.base === path ? more : null;
  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  const next = extra ? extra.next : (first.data?.next ?? null);
  const filtered = GALLERY_FILTERS.some((k) => k !== 'sort' && params.get(k));
  const deleted = (location.state as { deleted?: string } | null)?.deleted;

  const onLoadMore = async () => {
    const cursor = cursorOf(next);
    if (!cursor) return;
    const result = await loadMore.run(() => fetchReuses(galleryQuery(params, cursor)));
    if (!result.ok) return;
    const firstNew = items.length;
    setMore({ base: path, items: [...(extra?.items ?? []), ...result.value.items], next: result.value.next });
    requestAnimationFrame(() =>
      document.querySelectorAll<HTMLElement>('.reuse-card .card__title a')[firstNew]?.focus(),
    );
  };

  return (
    <>
      <div className="page-heading catalog-heading">
        <div>
          <h1>{t('reuses.gallery.heading')}</h1>
          <p className="muted">{t('reuses.gallery.intro')}</p>
        </div>
        <Link to={user ? '/reuses/new' : signInPath('/reuses/new')} className="button">
          {t('reuses.gallery.add')}
        </Link>
      </div>
      {deleted && <StatusMessage>{t('reuses.deleted', { title: deleted })}</StatusMessage>}

      <GalleryFilters key={params.toString()} params={params} gallery={first.data} onApply={(p) => setParams(p)} />
      {!filtered && <MostUsedReuses />}

      <section aria-labelledby="reuse-results" className="reuse-results">
        <h2 id="reuse-results" className="visually-hidden">
          {t('reuses.gallery.results')}
        </h2>
        {first.loading && !first.data ? (
          <Loading />
        ) : first.error && !first.data ? (
          <p className="notice notice--error">{errorMessage(first.error)}</p>
        ) : items.length === 0 ? (
          <div className="empty-state">
            {filtered ? (
              <>
                <p>{t('reuses.gallery.noMatch')}</p>
                <p>
                  <Link to="/reuses">{t('reuses.gallery.clear')}</Link>
                </p>
              </>
            ) : (
              <>
                <p>{t('reuses.gallery.empty')}</p>
                <p>
                  <Link to={user ? '/reuses/new' : signInPath('/reuses/new')}>{t('reuses.gallery.addFirst')}</Link>
                </p>
              </>
            )}
          </div>
        ) : (
          <>
            <ul className="card-list reuse-grid" aria-busy={first.loading}>
              {items.map((r) => (
                <ReuseCard key={r.id} reuse={r} />
              ))}
            </ul>
            <ErrorAlert error={loadMore.error} />
            {next && (
              <p className="load-more">
                <button
                  type="button"
                  className="button button--secondary"
                  disabled={loadMore.pending}
                  onClick={() => void onLoadMore()}
                >
                  {loadMore.pending ? t('common.loading') : t('reuses.gallery.more')}
                </button>
              </p>
            )}
          </>
        )}
      </section>
    </>
  );
}

/** One form for the words, the filters and the order; applied together. */
function GalleryFilters({
  params,
  gallery,
  onApply,
}: {
  params: URLSearchParams;
  gallery: ReuseGallery | undefined;
  onApply: (p: URLSearchParams) => void;
}) {
  const { t } = useI18n();
  const ids = { q: useId(), type: useId(), topic: useId(), dataset: useId(), sort: useId() };
  const [values, setValues] = useState<Record<(typeof GALLERY_FILTERS)[number], string>>({
    q: params.get('q') ?? '',
    type: params.get('type') ?? '',
    topic: params.get('topic') ?? '',
    dataset: params.get('dataset') ?? '',
    sort: params.get('sort') ?? '',
  });
  const set = (k: keyof typeof values) => (v: string) => setValues((cur) => ({ ...cur, [k]: v }));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const out = new URLSearchParams();
    for (const k of GALLERY_FILTERS) if (values[k].trim()) out.set(k, values[k].trim());
    onApply(out);
  };
  const typeCounts = new Map((gallery?.facets.types ?? []).map((f) => [f.value, f.count]));
  const topics = gallery?.facets.topics ?? [];
  const topicOptions =
    values.topic && !topics.some((f) => f.value === values.topic)
      ? [{ value: values.topic, count: 0 }, ...topics]
      : topics;
  return (
    <form role="search" className="reuse-filters" onSubmit={onSubmit} aria-label={t('reuses.gallery.filters')}>
      <div className="field reuse-filters__q">
        <label htmlFor={ids.q}>{t('reuses.gallery.search')}</label>
        <input
          id={ids.q}
          type="search"
          value={values.q}
          onChange={(e) => set('q')(e.target.value)}
          autoComplete="off"
        />
      </div>
      <div className="field">
        <label htmlFor={ids.type}>{t('reuses.field.type')}</label>
        <select id={ids.type} value={values.type} onChange={(e) => set('type')(e.target.value)}>
          <option value="">{t('reuses.gallery.anyType')}</option>
          {REUSE_TYPES.map((ty) => (
            <option key={ty} value={ty}>
              {t(typeKey(ty))}
              {typeCounts.has(ty) ? ` (${typeCounts.get(ty)})` : ''}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.topic}>{t('reuses.field.topic')}</label>
        <select id={ids.topic} value={values.topic} onChange={(e) => set('topic')(e.target.value)}>
          <option value="">{t('reuses.gallery.anyTopic')}</option>
          {topicOptions.map((f) => (
            <option key={f.value} value={f.value}>
              {f.value}
              {f.count ? ` (${f.count})` : ''}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.dataset}>{t('reuses.gallery.dataset')}</label>
        <input
          id={ids.dataset}
          value={values.dataset}
          onChange={(e) => set('dataset')(e.target.value)}
          placeholder="decoupage-administratif"
          autoComplete="off"
        />
      </div>
      <div className="field">
        <label htmlFor={ids.sort}>{t('reuses.gallery.sort')}</label>
        <select id={ids.sort} value={values.sort} onChange={(e) => set('sort')(e.target.value)}>
          {SORTS.map((s) => (
            <option key={s} value={s === 'recent' ? '' : s}>
              {t(`reuses.sort.${s}` as MessageKey)}
            </option>
          ))}
        </select>
      </div>
      <div className="reuse-filters__actions">
        <button type="submit" className="button">
          {t('reuses.gallery.apply')}
        </button>
      </div>
    </form>
  );
}
