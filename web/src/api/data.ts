/** Datasets, resources, versions, import jobs and rows: types from the generated schema, and hooks. */
import { useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { invalidate, useApiQuery, type QueryOptions, type Resource } from './query';
import type { ItemOf, QueryOf, RequestBody, ResponseData } from './schema';

type ResourcePath = '/api/v1/datasets/{slug}/resources/{id}';

export type DatasetSearchResult = ResponseData<'/api/v1/datasets', 'get'>;
export type DatasetSummary = ItemOf<DatasetSearchResult>;
/** The facets the catalog page offers (the API answers a facet list per name). */
export type CatalogFacet = 'organization' | 'theme' | 'keyword' | 'license' | 'format';
export type FacetValue = DatasetSearchResult['facets'][string][number];
export type DatasetView = ResponseData<'/api/v1/datasets/{slug}', 'get'>;
export type DatasetStatus = DatasetView['status'];
export type OrgRef = NonNullable<DatasetSummary['organization']>;
export type DatasetMetrics = DatasetSummary['metrics'];
export type ResourceView = DatasetView['resources'][number];
export type VersionView = NonNullable<ResourceView['currentVersion']>;
export type VersionStatus = VersionView['status'];
export type VersionDiff = NonNullable<VersionView['diff']>;
export type ImportReport = NonNullable<VersionView['report']>;
export type ImportMessage = Exclude<ImportReport['warnings'][number], string>;
export type Rejection = ImportReport['rejectedSample'][number];
export type RejectionPage = ResponseData<'/api/v1/jobs/{id}/rejections', 'get'>;
export type JobView = ResponseData<'/api/v1/jobs/{id}', 'get'>;
export type JobStatus = JobView['status'];
/** Body of POST /datasets (PATCH takes the same fields, all optional, without slug/organization). */
export type DatasetInput = RequestBody<'/api/v1/datasets', 'post'>;
export type ResourceCreated = ResponseData<'/api/v1/datasets/{slug}/resources', 'post'>;
export type TableSchema = ResponseData<`${ResourcePath}/schema`, 'get'>;
export type TableField = TableSchema['fields'][number];
/**
 * A row as the explorer reads it. The API describes a row as an open object (`_id` and one property per column,
 * typed by the resource's table schema), so this UI view model names the cell types the table schema allows.
 */
export type DataRow = { _id: number } & Record<string, Cell>;
type RowsAnswer = ResponseData<`${ResourcePath}/rows`, 'get'>;
export type RowsPage = Omit<RowsAnswer, 'rows' | 'facets'> & {
  rows: DataRow[];
  facets?: Record<string, Array<{ value: Cell; count: number }>>;
};
export type StatsResult = ResponseData<`${ResourcePath}/stats`, 'get'>;
export type ColumnStats = StatsResult['columns'][string];
export type AggregateResult = ResponseData<`${ResourcePath}/aggregate`, 'get'>;

/** A cell as the explorer shows it. */
export type Cell = string | number | boolean | null;
/** Body of PUT …/schema: the column types the publisher chose. */
export type SchemaInput = RequestBody<`${ResourcePath}/schema`, 'put'>;
export type FieldType = SchemaInput['fields'][number]['type'];
export const FIELD_TYPES = [
  'string',
  'integer',
  'number',
  'boolean',
  'date',
  'datetime',
] as const satisfies readonly FieldType[];

/** Catalog search (`null`: no search yet). */
export const useDatasetSearch = (query: QueryOf<'/api/v1/datasets'> | null, options?: QueryOptions) =>
  useApiQuery('/api/v1/datasets', query === null ? null : { params: { query } }, options);
export const fetchDatasets = (query: QueryOf<'/api/v1/datasets'>) => api.GET('/api/v1/datasets', { params: { query } });
export const useDataset = (slug: string | null) =>
  useApiQuery('/api/v1/datasets/{slug}', slug === null ? null : { params: { path: { slug } } });

const DATASET = '/api/v1/datasets/{slug}';
const RESOURCE = '/api/v1/datasets/{slug}/resources/{id}';
const resourceParams = (slug: string, id: string) => ({ params: { path: { slug, id } } });

export const useTableSchema = (slug: string, id: string, enabled = true) =>
  useApiQuery(`${RESOURCE}/schema`, enabled ? resourceParams(slug, id) : null);
export const useColumnStats = (slug: string, id: string, enabled = true) =>
  useApiQuery(`${RESOURCE}/stats`, enabled ? resourceParams(slug, id) : null);
export const useVersions = (slug: string, id: string) => useApiQuery(`${RESOURCE}/versions`, resourceParams(slug, id));
export const fetchJob = (id: string) => api.GET('/api/v1/jobs/{id}', { params: { path: { id } } });
export const fetchRejections = (jobId: string, query: QueryOf<'/api/v1/jobs/{id}/rejections'>) =>
  api.GET('/api/v1/jobs/{id}/rejections', { params: { path: { id: jobId }, query } });

/** Dataset and resource edits; each refreshes the dataset's queries (its page, resources, schema, rows). */
export function useDatasetActions() {
  const client = useQueryClient();
  const done = <T>(value: T) => invalidate(client, ['/api/v1/datasets', '/api/v1/home']).then(() => value);
  return {
    create: (body: DatasetInput) =>
      api
        .POST('/api/v1/datasets', { body })
        .then((created) => invalidate(client, ['/api/v1/datasets']).then(() => created)),
    update: (slug: string, body: RequestBody<typeof DATASET, 'patch'>) =>
      api.PATCH(DATASET, { params: { path: { slug } }, body }).then(done),
    updateResource: (slug: string, id: string, body: RequestBody<typeof RESOURCE, 'patch'>) =>
      api.PATCH(RESOURCE, { ...resourceParams(slug, id), body }).then(done),
    /** A link resource (a file goes through the upload, with its progress); `community`: a community resource. */
    addLink: (slug: string, body: RequestBody<`${typeof DATASET}/resources`, 'post'>, community = false) =>
      api
        .POST(community ? `${DATASET}/community-resources` : `${DATASET}/resources`, {
          params: { path: { slug } },
          body,
        })
        .then(done),
    removeCommunityResource: (slug: string, id: string) =>
      api.DELETE(`${DATASET}/community-resources/{id}`, resourceParams(slug, id)).then(done),
  };
}

/** A resource of a dataset, as the explorer's panels address it. */
export interface ResourceRef {
  slug: string;
  id: string;
}
type RowsQuery = QueryOf<`${ResourcePath}/rows`>;
type AggregateQuery = QueryOf<`${ResourcePath}/aggregate`>;

/**
 * The row and aggregate APIs take each filter as its own parameter (`population__gte=10000`), which the document
 * describes as a `filters` object: spread it into the query string. Arrays repeat their parameter (`_facet`).
 */
function rowsQueryString(query: Record<string, unknown>): string {
  const out = new URLSearchParams();
  const append = (key: string, value: unknown) => {
    for (const v of Array.isArray(value) ? value : [value])
      if (v !== undefined && v !== null) out.append(key, String(v));
  };
  for (const [key, value] of Object.entries(query)) {
    if (key === 'filters' && typeof value === 'object' && value !== null)
      for (const [column, v] of Object.entries(value)) append(column, v);
    else append(key, value);
  }
  return out.toString();
}

/**
 * A query string as the explorer builds it, in the API's spelling (`_q`, `_sort`… and `column__op` filters), as the
 * typed query of the rows or aggregate API: `_`-parameters by name, every other one a filter. A filter given twice
 * keeps both values (the serializer repeats them), which the document's one-string-per-filter type does not say.
 */
function viewQuery<Q extends RowsQuery | AggregateQuery>(params: URLSearchParams): Q {
  const query: Record<string, unknown> = {};
  const filters: Record<string, string | string[]> = {};
  params.forEach((value, key) => {
    const into: Record<string, unknown> = key.startsWith('_') ? query : filters;
    const seen = into[key];
    into[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  });
  if (Object.keys(filters).length) query.filters = filters;
  return query as Q;
}

/** Rows of a resource under a view's parameters (`null`: not needed yet). */
export const useRows = (resource: ResourceRef, params: URLSearchParams | null) =>
  useApiQuery(
    `${RESOURCE}/rows`,
    params === null
      ? null
      : { params: { path: resource, query: viewQuery<RowsQuery>(params) }, querySerializer: rowsQueryString },
  ) as unknown as Resource<RowsPage>;

/** Grouped aggregates of a resource (`_group`, `_agg`…) under a view's parameters (`null`: not needed yet). */
export const useAggregate = (resource: ResourceRef, params: URLSearchParams | null) =>
  useApiQuery(
    `${RESOURCE}/aggregate`,
    params === null
      ? null
      : { params: { path: resource, query: viewQuery<AggregateQuery>(params) }, querySerializer: rowsQueryString },
  );
