import type { CatalogFacet } from '../../api/data';
import type { QueryOf } from '../../api/schema';

export const FACETS: readonly CatalogFacet[] = ['organization', 'theme', 'keyword', 'license', 'format'];
export const SORTS = ['relevance', '-updated', '-popularity', 'title'] as const;
export type CatalogSort = (typeof SORTS)[number];

export const PAGE_SIZE = 20;

const isSort = (value: string | null): value is CatalogSort => (SORTS as readonly string[]).includes(value ?? '');

/**
 * The API query of the catalog page. Page URL parameters: q, sort and one value per facet (the API's names without
 * the leading "_").
 */
export function catalogQuery(params: URLSearchParams, cursor?: string | null): QueryOf<'/api/v1/datasets'> {
  const query: QueryOf<'/api/v1/datasets'> = { _limit: PAGE_SIZE };
  const q = params.get('q')?.trim();
  if (q) query._q = q;
  for (const facet of FACETS) {
    const value = params.get(facet);
    if (value) query[facet] = value;
  }
  const sort = params.get('sort');
  if (isSort(sort)) query._sort = sort;
  if (cursor) query._cursor = cursor;
  return query;
}

/** The page's query string with `key` set (or removed when value is null). */
export function withParam(params: URLSearchParams, key: string, value: string | null): string {
  const next = new URLSearchParams(params);
  if (value === null || value === '') next.delete(key);
  else next.set(key, value);
  const text = next.toString();
  return text ? `?${text}` : '';
}

export function hasCriteria(params: URLSearchParams): boolean {
  return Boolean(params.get('q')) || FACETS.some((f) => params.get(f));
}
