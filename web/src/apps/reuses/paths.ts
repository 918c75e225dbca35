import { seg } from '../../api/client';

/** Browser path of a reuse page (slug, or `reu_…` id). */
export const reusePath = (slug: string) => `/reuses/${seg(slug)}`;
export const reuseEditPath = (slug: string) => `/reuses/${seg(slug)}/edit`;
/** API path (relative to /api/v1) of a reuse. */
export const reuseApi = (slug: string) => `/reuses/${seg(slug)}`;
export const usedByApi = (datasetSlug: string, limit = 6) => `/datasets/${seg(datasetSlug)}/reuses?_limit=${limit}`;
export const featureApi = (orgSlug: string, reuseSlug: string) =>
  `/organizations/${seg(orgSlug)}/featured-reuses/${seg(reuseSlug)}`;

export const GALLERY_FILTERS = ['q', 'type', 'topic', 'dataset', 'sort'] as const;

/** The gallery's API path for the page's query string. */
export function galleryApi(params: URLSearchParams, cursor?: string | null): string {
  const out = new URLSearchParams();
  for (const key of GALLERY_FILTERS) {
    const v = params.get(key);
    if (v) out.set(key, v);
  }
  out.set('_limit', '12');
  if (cursor) out.set('_cursor', cursor);
  return `/reuses?${out.toString()}`;
}
