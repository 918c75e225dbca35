/**
 * The explorer's state lives in the page URL so a view can be shared.
 *
 * Query API parameters are kept as the API spells them — filters `col__op=value`,
 * `_q`, `_sort`, `_fields`, `_cursor` — so the page URL reads like the API call.
 * UI-only parameters: `_prev` (cursors of the pages before the current one, for
 * "Previous page"), `_tab`, and the chart settings `_chart`, `_x`, `_y`, `_agg`.
 * They are stripped before calling the API (which rejects unknown `_` names).
 */

export const OPS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'contains', 'startswith', 'isnull'] as const;
export type Op = (typeof OPS)[number];

export const TABS = ['table', 'chart', 'map', 'stats', 'api'] as const;
export type Tab = (typeof TABS)[number];

export const CHART_TYPES = ['bar', 'line', 'scatter'] as const;
export type ChartType = (typeof CHART_TYPES)[number];

export const AGGS = ['count', 'sum', 'avg', 'min', 'max'] as const;
export type Agg = (typeof AGGS)[number];

export interface Filter {
  column: string;
  op: Op;
  value: string;
}

export interface SortKey {
  column: string;
  desc: boolean;
}

export interface ChartSettings {
  type: ChartType;
  x: string;
  y: string;
  agg: Agg;
}

export interface ViewState {
  filters: Filter[];
  q: string;
  sort: SortKey[];
  /** Visible columns; null = all. */
  fields: string[] | null;
  cursor: string | null;
  prev: string[];
  tab: Tab;
  chart: ChartSettings;
}

const API_KEYS = new Set(['_q', '_sort', '_fields', '_cursor']);
const UI_KEYS = new Set(['_prev', '_tab', '_chart', '_x', '_y', '_agg']);

const isOne = <T extends string>(list: readonly T[], v: string | null): v is T =>
  v !== null && (list as readonly string[]).includes(v);

/** Comma-separated list with the API's escapes (`\,` and `\\`). */
export function splitList(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      cur += ch + text[i + 1];
      i++;
    } else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.filter((s) => s !== '');
}

const unescapeItem = (s: string) => s.replace(/\\(.)/g, '$1');
const escapeItem = (s: string) => s.replace(/[\\,]/g, (c) => `\\${c}`);
const escapeSortItem = (s: string) => escapeItem(s).replace(/^-/, '\\-');

export function parseSort(text: string | null): SortKey[] {
  if (!text) return [];
  return splitList(text).map((item) =>
    item.startsWith('-')
      ? { column: unescapeItem(item.slice(1)), desc: true }
      : { column: unescapeItem(item), desc: false },
  );
}

export const formatSort = (sort: SortKey[]) =>
  sort.map((s) => `${s.desc ? '-' : ''}${escapeSortItem(s.column)}`).join(',');

export function parseFilterKey(key: string): { column: string; op: Op } {
  const at = key.lastIndexOf('__');
  if (at > 0) {
    const op = key.slice(at + 2);
    if (isOne(OPS, op)) return { column: key.slice(0, at), op };
  }
  return { column: key, op: 'eq' };
}

export const filterKey = (f: Filter) => (f.op === 'eq' && !f.column.includes('__') ? f.column : `${f.column}__${f.op}`);

export function parseView(params: URLSearchParams): ViewState {
  const filters: Filter[] = [];
  for (const [key, value] of params) {
    if (API_KEYS.has(key) || UI_KEYS.has(key)) continue;
    filters.push({ ...parseFilterKey(key), value });
  }
  const fieldsText = params.get('_fields');
  const tab = params.get('_tab');
  const type = params.get('_chart');
  const agg = params.get('_agg');
  return {
    filters,
    q: params.get('_q') ?? '',
    sort: parseSort(params.get('_sort')),
    fields: fieldsText ? splitList(fieldsText).map(unescapeItem) : null,
    cursor: params.get('_cursor') || null,
    prev: (params.get('_prev') ?? '').split(',').filter(Boolean),
    tab: isOne(TABS, tab) ? tab : 'table',
    chart: {
      type: isOne(CHART_TYPES, type) ? type : 'bar',
      x: params.get('_x') ?? '',
      y: params.get('_y') ?? '',
      agg: isOne(AGGS, agg) ? agg : 'count',
    },
  };
}

/** The query parameters of the current view for the API (filters, search, sort, fields, optionally the page). */
export function apiParams(
  view: ViewState,
  options: { page?: boolean; fields?: boolean; sort?: boolean } = {},
): URLSearchParams {
  const out = new URLSearchParams();
  for (const f of view.filters) out.append(filterKey(f), f.value);
  if (view.q.trim()) out.set('_q', view.q.trim());
  if (options.sort !== false && view.sort.length) out.set('_sort', formatSort(view.sort));
  if (options.fields !== false && view.fields?.length) out.set('_fields', view.fields.map(escapeItem).join(','));
  if (options.page && view.cursor) out.set('_cursor', view.cursor);
  return out;
}

/** The page URL query string of a view. */
export function serializeView(view: ViewState): URLSearchParams {
  const out = apiParams(view, { page: true });
  if (view.prev.length) out.set('_prev', view.prev.join(','));
  if (view.tab !== 'table') out.set('_tab', view.tab);
  if (view.tab === 'chart' || view.chart.x) {
    out.set('_chart', view.chart.type);
    if (view.chart.x) out.set('_x', view.chart.x);
    if (view.chart.y) out.set('_y', view.chart.y);
    out.set('_agg', view.chart.agg);
  }
  return out;
}

/** A copy of the view on its first page. */
export const firstPage = (view: ViewState): ViewState => ({ ...view, cursor: null, prev: [] });
