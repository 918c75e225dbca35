import { lazy, Suspense, useMemo, useRef } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useRows, type ResourceView, type TableSchema } from '../../api/data';
import { explorerHighlights, rowDetailOpen } from '../../community/contributions/explorerHighlights';
import { titleFieldOf } from '../../community/contributions/rowLabel';
import { ProposalPanel } from '../../community/contributions/ProposalPanel';
import { RowActions } from '../../community/contributions/RowActions';
import { RowDetail } from '../../community/contributions/RowDetail';
import { SuggestEditBar } from '../../community/contributions/SuggestEditBar';
import { useProposalDraft } from '../../community/contributions/useProposalDraft';
import { useI18n } from '../../i18n/I18nProvider';
import { Loading, useErrorMessage } from '../../ui/Messages';
import { Tabs, type TabDef } from '../../ui/Tabs';
import { formatNumber } from '../format';
import { cursorFromNext, resourceApi } from '../paths';
import { ApiSnippet } from './ApiSnippet';
import { ColumnPicker } from './ColumnPicker';
import { DataTable } from './DataTable';
import { DownloadLinks } from './DownloadLinks';
import { FilterBuilder } from './FilterBuilder';
import { FilterChips } from './FilterChips';
import { detectGeo } from './geo';
import { Pager } from './Pager';
import { RowSearch } from './RowSearch';
import { StatsPanel } from './StatsPanel';
import { apiParams, firstPage, parseView, serializeView, type Tab, type ViewState } from './viewState';

// Chart.js and Leaflet are only downloaded when their tab is opened.
const ChartPanel = lazy(() => import('./ChartPanel'));
const MapPanel = lazy(() => import('./MapPanel'));

const PAGE_SIZE = 50;

export function Explorer({ slug, resource, schema }: { slug: string; resource: ResourceView; schema: TableSchema }) {
  const { t, lang } = useI18n();
  const errorMessage = useErrorMessage();
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => parseView(params), [params]);
  const ref = useMemo(() => ({ slug, id: resource.id }), [slug, resource.id]);
  const rowsPath = `${resourceApi(slug, resource.id)}/rows`;
  const fields = schema.fields;
  const geo = useMemo(() => detectGeo(fields), [fields]);
  // The column that names rows (the publisher's choice, else a name-like or the first text column outside the key).
  const label = titleFieldOf(fields, schema.primaryKey ?? [], resource.titleColumn);
  const draft = useProposalDraft(slug, resource.id, fields, label?.name ?? null); // Contributions: "Suggest an edit"

  const filtersMenu = useRef<HTMLDetailsElement>(null);
  const go = (next: ViewState, replace = false) => setParams(serializeView(next), { replace });
  /** A change of filters, search, sort or columns: back to the first page. */
  const change = (patch: Partial<ViewState>) => go({ ...firstPage(view), ...patch });

  const query = apiParams(view, { page: true });
  query.set('_limit', String(PAGE_SIZE));
  // One person looking: worth an exact count (up to the API's bound) for "N rows match".
  query.set('_total', 'exact');
  const rows = useRows(ref, query);
  const nextCursor = cursorFromNext(rows.data?.next);
  const page = view.cursor ? view.prev.length + 2 : 1;

  const shown = view.fields ? fields.filter((f) => view.fields!.includes(f.name)) : fields;
  // The label column comes first: it stays in place while scrolling sideways.
  const titleField = shown.find((f) => f === label);
  const visible = titleField ? [titleField, ...shown.filter((f) => f !== titleField)] : shown;
  const downloadQuery = apiParams(view).toString();
  const snippetParams = apiParams(view, { page: true });
  snippetParams.set('_limit', String(PAGE_SIZE));

  const onSort = (column: string) => {
    const current = view.sort[0];
    const sort = current?.column !== column ? [{ column, desc: false }] : current.desc ? [] : [{ column, desc: true }];
    change({ sort });
  };

  const tabs: TabDef<Tab>[] = [
    { id: 'table', label: t('data.explorer.tab.table') },
    { id: 'chart', label: t('data.explorer.tab.chart') },
    ...(geo ? [{ id: 'map' as const, label: t('data.explorer.tab.map') }] : []),
    { id: 'stats', label: t('data.explorer.tab.stats') },
    { id: 'api', label: t('data.explorer.tab.api') },
  ];
  const active: Tab = tabs.some((x) => x.id === view.tab) ? view.tab : 'table';

  return (
    <div className="explorer">
      <div className="explorer__tools">
        <div className="explorer__toolbar">
          <RowSearch key={view.q} initial={view.q} onSearch={(q) => change({ q })} />
          <details className="explorer__menu" ref={filtersMenu}>
            <summary>
              {view.filters.length > 0
                ? t('data.explorer.filtersCount', { count: view.filters.length })
                : t('data.explorer.filtersButton')}
            </summary>
            <div className="explorer__popover">
              <FilterBuilder
                fields={fields}
                onAdd={(f) => {
                  change({ filters: [...view.filters, f] });
                  // The chip now says it; the rows come back into view.
                  if (filtersMenu.current) filtersMenu.current.open = false;
                }}
              />
            </div>
          </details>
          <ColumnPicker fields={fields} visible={view.fields} onChange={(f) => change({ fields: f })} />
          <details className="explorer__menu">
            <summary>{t('data.explorer.downloadButton')}</summary>
            <div className="explorer__popover explorer__popover--end">
              <DownloadLinks rowsPath={rowsPath} query={downloadQuery} />
            </div>
          </details>
          {/* How many rows the filters and search keep ("more than" when the server stopped counting at its bound). */}
          {rows.data && typeof rows.data.total === 'number' && (
            <p className="small muted explorer__matches" role="status">
              {t(rows.data.totalExact ? 'data.explorer.matching' : 'data.explorer.matchingAbout', {
                count: rows.data.total,
              })}
            </p>
          )}
        </div>
        <FilterChips
          filters={view.filters}
          q={view.q}
          onRemove={(i) => change({ filters: view.filters.filter((_, j) => j !== i) })}
          onClearSearch={() => change({ q: '' })}
          onClearAll={() => change({ filters: [], q: '' })}
        />
      </div>

      <Tabs label={t('data.explorer.views')} tabs={tabs} active={active} onChange={(tab) => go({ ...view, tab }, true)}>
        {active === 'table' && (
          <section aria-label={t('data.explorer.tab.table')}>
            {/* On wide screens, the row count and "Suggest an edit" sit at the right of the tab bar. */}
            <div className="explorer__aside">
              {rows.data && rows.data.rows.length > 0 && (
                <p className="small muted explorer__status" role="status">
                  {t('data.explorer.showing', { count: formatNumber(lang, rows.data.rows.length), page })}
                  {resource.currentVersion?.rowCount != null &&
                    ` · ${t('data.explorer.totalRows', { count: resource.currentVersion.rowCount })}`}
                </p>
              )}
              {!draft.editing && <SuggestEditBar draft={draft} fields={fields} />}
            </div>
            {draft.editing && <SuggestEditBar draft={draft} fields={fields} />}
            {rows.error ? (
              <p className="notice notice--error" role="alert">
                {errorMessage(rows.error)}
              </p>
            ) : rows.loading && !rows.data ? (
              <Loading />
            ) : rows.data && rows.data.rows.length === 0 ? (
              <div className="empty-state">
                <p>{view.filters.length || view.q ? t('data.explorer.noMatch') : t('data.explorer.noRows')}</p>
              </div>
            ) : rows.data ? (
              <>
                <div aria-busy={rows.loading}>
                  <DataTable
                    caption={t('data.explorer.tableCaption', { title: resource.title, page })}
                    fields={visible}
                    rows={rows.data.rows}
                    sort={view.sort}
                    onSort={onSort}
                    rowActions={(row) => <RowActions row={row} draft={draft} fields={fields} />}
                    rowDetail={(row) =>
                      rowDetailOpen(draft, row) && (
                        <RowDetail row={row} fields={fields} draft={draft} slug={slug} resourceId={resource.id} />
                      )
                    }
                    {...explorerHighlights(draft)}
                  />
                </div>
              </>
            ) : null}
            <Pager
              page={page}
              busy={rows.loading}
              hasPrev={Boolean(view.cursor)}
              hasNext={Boolean(nextCursor)}
              onPrev={() => {
                const prev = [...view.prev];
                const cursor = prev.pop() ?? null;
                go({ ...view, cursor, prev });
              }}
              onNext={() => {
                if (!nextCursor) return;
                go({ ...view, cursor: nextCursor, prev: view.cursor ? [...view.prev, view.cursor] : view.prev });
              }}
            />
            {(draft.editing || draft.submitted) && (
              // A sticky footer: the pending proposal stays in view while scrolling the table.
              <div className="explorer__proposal">
                <ProposalPanel draft={draft} fields={fields} />
              </div>
            )}
          </section>
        )}
        {active === 'chart' && (
          <Suspense fallback={<Loading />}>
            <ChartPanel resource={ref} fields={fields} view={view} onChange={(chart) => go({ ...view, chart }, true)} />
          </Suspense>
        )}
        {active === 'map' && geo && (
          <Suspense fallback={<Loading />}>
            <MapPanel resource={ref} fields={fields} geo={geo} view={view} />
          </Suspense>
        )}
        {active === 'stats' && <StatsPanel resource={ref} fields={fields} />}
        {active === 'api' && <ApiSnippet rowsPath={rowsPath} params={snippetParams} />}
      </Tabs>
    </div>
  );
}
