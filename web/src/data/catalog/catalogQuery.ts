import type { CatalogFacet } from '../../api/types';

export const FACETS: readonly CatalogFacet[] = ['organization', 'theme', 'keyword', 'license', 'format'];
export const SORTS = ['relevance', '-updated', '-popularity', 'title'] as const;
export type CatalogSort = (typeof SORTS)[number];

export const PAGE_SIZE = 20;

/** Page URL parameters: q, sort and one value per facet (the API's names without the leading "_"). */
export function catalogApiPath(params: URLSearchParams, cursor?: string | null): string {
  const query = new URLSearchParams();
  const q = params.get('q')?.trim();
  if (q) query.set('_q', q);
  for (const facet of FACETS) {
    const value = params.get(facet);
    if (value) query.set(facet, value);
  }
  const sort = params.get('sort');
  if (sort && (SORTS as readonly string[]).includes(sort)) query.set('_sort', sort);
  query.set('_limit', String(PAGE_SIZE));
  if (cursor) query.set('_cursor', cursor);
  return `/datasets?${query.toString()}`;
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
