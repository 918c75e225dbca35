import { seg } from '../../api/client';
import type { QueryOf } from '../../api/schema';

/** Browser path of a reuse page (slug, or `reu_…` id). */
export const reusePath = (slug: string) => `/reuses/${seg(slug)}`;
export const reuseEditPath = (slug: string) => `/reuses/${seg(slug)}/edit`;

export const GALLERY_FILTERS = ['q', 'type', 'topic', 'dataset', 'sort'] as const;

/** The gallery's API query for the page's query string. */
export function galleryQuery(params: URLSearchParams, cursor?: string | null): QueryOf<'/api/v1/reuses'> {
  const out: Record<string, string | number> = { _limit: 12 };
  for (const key of GALLERY_FILTERS) {
    const v = params.get(key);
    if (v) out[key] = v;
  }
  if (cursor) out._cursor = cursor;
  // `type` and `sort` come from the address bar as typed: the server answers a 400 problem for an unknown one.
  return out as QueryOf<'/api/v1/reuses'>;
}
