/** Reuses (apps, visualizations, articles built on datasets): types from the generated schema, and hooks. */
import { useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { invalidate, useApiQuery } from './query';
import type { QueryOf, RequestBody, ResponseData } from './schema';

export type ReuseGallery = ResponseData<'/api/v1/reuses', 'get'>;
export type ReuseSummary = ReuseGallery['items'][number];
export type ReuseType = ReuseSummary['type'];
export type ReuseFacet = ReuseGallery['facets']['types'][number];
export type ReuseView = ResponseData<'/api/v1/reuses/{slug}', 'get'>;
export type ReuseUsedByPage = ResponseData<'/api/v1/datasets/{slug}/reuses', 'get'>;
export type ReuseInput = RequestBody<'/api/v1/reuses', 'post'>;
/** GET /stats/reuses: the most used reuses (views plus the API calls of their app). */
export type ReuseStats = ResponseData<'/api/v1/stats/reuses', 'get'>;

export const REUSE_TYPES = [
  'application',
  'visualization',
  'article',
  'api',
  'other',
] as const satisfies readonly ReuseType[];

const REUSE = '/api/v1/reuses/{slug}';
const FEATURE = '/api/v1/organizations/{orgSlug}/featured-reuses/{reuseSlug}';
/** Every list a reuse appears in: the gallery (and each reuse), a dataset's "used by", the ranking. */
const REUSE_LISTS = ['/api/v1/reuses', '/api/v1/datasets/{slug}/reuses', '/api/v1/stats/reuses'];

export const useReuse = (slug: string) => useApiQuery(REUSE, { params: { path: { slug } } });
export const useReuses = (query: QueryOf<'/api/v1/reuses'>) => useApiQuery('/api/v1/reuses', { params: { query } });
export const fetchReuses = (query: QueryOf<'/api/v1/reuses'>) => api.GET('/api/v1/reuses', { params: { query } });
export const useDatasetReuses = (datasetSlug: string, limit = 6) =>
  useApiQuery('/api/v1/datasets/{slug}/reuses', { params: { path: { slug: datasetSlug }, query: { _limit: limit } } });
export const useReuseStats = (days: number, limit: number) =>
  useApiQuery('/api/v1/stats/reuses', { params: { query: { days, _limit: limit } } });

/** Reuse edits and featuring; each refreshes the lists the reuse appears in. */
export function useReuseActions() {
  const client = useQueryClient();
  const done = <T>(value: T) => invalidate(client, REUSE_LISTS).then(() => value);
  const feature = (orgSlug: string, reuseSlug: string) => ({ params: { path: { orgSlug, reuseSlug } } });
  return {
    create: (body: ReuseInput) => api.POST('/api/v1/reuses', { body }).then(done),
    update: (slug: string, body: RequestBody<typeof REUSE, 'patch'>) =>
      api.PATCH(REUSE, { params: { path: { slug } }, body }).then(done),
    /** The deleted reuse's own query is left alone: refetching it would only answer 404. */
    remove: (slug: string) =>
      api
        .DELETE(REUSE, { params: { path: { slug } } })
        .then(() => Promise.all(REUSE_LISTS.map((prefix) => client.invalidateQueries({ queryKey: [prefix] })))),
    feature: (orgSlug: string, reuseSlug: string) => api.PUT(FEATURE, feature(orgSlug, reuseSlug)).then(done),
    unfeature: (orgSlug: string, reuseSlug: string) => api.DELETE(FEATURE, feature(orgSlug, reuseSlug)).then(done),
  };
}
