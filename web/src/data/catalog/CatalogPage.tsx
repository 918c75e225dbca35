import { useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useAction } from '../../api/hooks';
import { fetchDatasets, useDatasetSearch, type DatasetSummary } from '../../api/data';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/en';
import { useSession } from '../../session/SessionProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { ErrorAlert, Loading, useErrorMessage } from '../../ui/Messages';
import { formatNumber } from '../format';
import { cursorFromNext } from '../paths';
import { CatalogEmpty } from './CatalogEmpty';
import { CatalogSearchForm } from './CatalogSearchForm';
import { FACETS, SORTS, catalogQuery, hasCriteria, withParam } from './catalogQuery';
import { DatasetCard } from './DatasetCard';
import { FacetGroup } from './FacetGroup';

interface More {
  base: string;
  items: DatasetSummary[];
  next: string | null;
}

export function CatalogPage() {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const errorMessage = useErrorMessage();
  const [params, setParams] = useSearchParams();
  const sortId = useId();
  const facetsId = useId();
  const [filtersOpen, setFiltersOpen] = useState(false);
  useDocumentTitle(t('data.catalog.title'));

  const query = catalogQuery(params);
  const path = JSON.stringify(query);
  const first = useDatasetSearch(query);
  const [more, setMore] = useState<More | null>(null);
  const loadMore = useAction();
  const extra = more?.base === path ? more : null;
  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  const next = extra ? extra.next : (first.data?.next ?? null);
  const filtered = hasCriteria(params);
  const q = params.get('q') ?? '';
  const sort = params.get('sort') ?? '';

  const onLoadMore = async () => {
    const cursor = cursorFromNext(next);
    if (!cursor) return;
    const result = await loadMore.run(() => fetchDatasets(catalogQuery(params, cursor)));
    if (!result.ok) return;
    setMore({ base: path, items: [...(extra?.items ?? []), ...result.value.items], next: result.value.next });
    // Move focus to the first new result so keyboard users continue from there.
    const firstNew = items.length;
    requestAnimationFrame(() => {
      document.querySelectorAll<HTMLElement>('.dataset-card .card__title a')[firstNew]?.focus();
    });
  };

  const update = (key: string, value: string | null) => {
    setParams(new URLSearchParams(withParam(params, key, value)));
  };

  const facets = first.data?.facets ?? {};
  const activeFilters = FACETS.filter((f) => params.get(f));

  return (
    <>
      <div className="page-heading catalog-heading">
        <div>
          <h1>{t('data.catalog.heading')}</h1>
          <p className="muted">{t('data.catalog.intro')}</p>
        </div>
        {user && (
          <Link to="/datasets/new" className="button">
            {t('data.catalog.publish')}
          </Link>
        )}
      </div>

      <CatalogSearchForm key={q} initial={q} onSearch={(value) => update('q', value || null)} />

      {/* On a phone the results come first: the filters wait behind this button (hidden on wider screens). */}
      <button
        type="button"
        className="button button--secondary catalog__filters-toggle"
        aria-expanded={filtersOpen}
        aria-controls={facetsId}
        onClick={() => setFiltersOpen((v) => !v)}
      >
        {activeFilters.length > 0
          ? t('data.catalog.filtersActive', { count: activeFilters.length })
          : t('data.catalog.filters')}
      </button>

      <div className={`catalog${filtersOpen ? ' catalog--filters-open' : ''}`}>
        <aside id={facetsId} className="catalog__facets" aria-label={t('data.catalog.filters')}>
          <h2 className="h3">{t('data.catalog.filters')}</h2>
          {activeFilters.length > 0 && (
            <p>
              <Link to={q ? `?q=${encodeURIComponent(q)}` : '?'}>{t('data.catalog.clearFilters')}</Link>
            </p>
          )}
          {FACETS.map((facet) => (
            <FacetGroup key={facet} facet={facet} values={facets[facet] ?? []} params={params} />
          ))}
        </aside>

        <section className="catalog__results" aria-labelledby="catalog-results-heading">
          <h2 id="catalog-results-heading" className="visually-hidden">
            {t('data.catalog.results')}
          </h2>
          <div className="catalog__toolbar">
            <p role="status" className="catalog__count">
              {first.data
                ? t(first.data.total === 1 ? 'data.catalog.countOne' : 'data.catalog.count', {
                    count: formatNumber(lang, first.data.total),
                  })
                : ''}
            </p>
            <div className="field field--inline">
              <label htmlFor={sortId}>{t('data.catalog.sort')}</label>
              <select id={sortId} value={sort} onChange={(e) => update('sort', e.target.value || null)}>
                <option value="">{t('data.sort.default')}</option>
                {SORTS.map((s) => (
                  <option key={s} value={s}>
                    {t(`data.sort.${s}` as MessageKey)}
                  </option>
                ))}
              </select>
            </div>
          </div>

          {first.loading && !first.data ? (
            <Loading />
          ) : first.error && !first.data ? (
            <p className="notice notice--error">{errorMessage(first.error)}</p>
          ) : items.length === 0 ? (
            <CatalogEmpty filtered={filtered} />
          ) : (
            <>
              <ul className="card-list" aria-busy={first.loading}>
                {items.map((d) => (
                  <DatasetCard key={d.id} dataset={d} />
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
                    {loadMore.pending ? t('common.loading') : t('data.catalog.loadMore')}
                  </button>
                </p>
              )}
            </>
          )}
        </section>
      </div>
    </>
  );
}
