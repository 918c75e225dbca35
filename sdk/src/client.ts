import createFetchClient, {
  type Client,
  type ClientPathsWithMethod,
  type FetchOptions,
  type FetchResponse,
} from 'openapi-fetch';
import { MultitudeError } from './errors.js';
import { retryingFetch, type RetryOptions } from './retry.js';
import type { paths } from './schema.js';

export const VERSION = '0.1.0';

export interface ClientOptions {
  /** The instance's root URL, e.g. `https://data.example.org` (paths start with `/api/v1`). */
  baseUrl: string;
  /**
   * A bearer credential: an app key (`mtk_…`), an OAuth access token or a personal access token (`mtp_…`).
   * A function is called before every request (to hand out a refreshed OAuth token).
   */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** The fetch implementation (default: the global one). */
  fetch?: (request: Request) => Promise<Response>;
  /** Retries on 408/429/5xx and network errors (see RetryOptions); `false` turns them off. */
  retry?: RetryOptions | false;
  /** Prepended to the SDK's own `User-Agent` (`my-app/1.2 multitude-sdk/0.1.0`). */
  userAgent?: string;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

/** Options every call accepts besides the typed `params`, `body` and `headers`. */
export interface CallOptions {
  /** Retry settings for this call, merged over the client's; `false` turns retries off for it. */
  retry?: RetryOptions | false;
}

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch' | 'head';
type RequiredKeysOf<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/** Paths that have the given method. */
export type PathsWith<M extends Method> = ClientPathsWithMethod<Client<paths>, M>;
/** What a call to `method path` accepts: typed `params` (path, query, header), `body`, `headers`, `signal`, …. */
export type RequestOptions<P extends keyof paths, M extends Method> = FetchOptions<paths[P][M]> & CallOptions;
type Args<P extends keyof paths, M extends Method> =
  RequiredKeysOf<FetchOptions<paths[P][M]>> extends never
    ? [init?: RequestOptions<P, M>]
    : [init: RequestOptions<P, M>];
type SuccessData<P extends keyof paths, M extends Method> = Exclude<
  Extract<
    FetchResponse<paths[P][M] & Record<string | number, unknown>, object, `${string}/${string}`>,
    { error?: never }
  >['data'],
  undefined
>;
/** The decoded body of a successful `method path` (undefined for 204 answers). */
export type ResponseData<P extends keyof paths, M extends Method> = [SuccessData<P, M>] extends [never]
  ? undefined
  : SuccessData<P, M>;

type Call<M extends Method> = <P extends PathsWith<M>>(path: P, ...init: Args<P, M>) => Promise<ResponseData<P, M>>;

/** GET paths that answer a page: a `next` link plus `items` (or `rows` for the data API). */
export type ListPath = {
  [P in PathsWith<'get'>]: ResponseData<P, 'get'> extends { next: string | null }
    ? ResponseData<P, 'get'> extends { items: unknown[] } | { rows: unknown[] }
      ? P
      : never
    : never;
}[PathsWith<'get'>];
/** One page of a list path. */
export type PageOf<P extends ListPath> = ResponseData<P, 'get'>;
/** The items of a list path's pages. */
export type ItemOf<P extends ListPath> =
  PageOf<P> extends { items: Array<infer I> } ? I : PageOf<P> extends { rows: Array<infer R> } ? R : never;

/** A row of the data API: `_id` and one property per column. */
export type Row = { _id: number } & Record<string, unknown>;
/** Filters (`column=value`, `column__op=value`) and reserved parameters (`_sort`, `_limit`, `_fields`, `_q`, `_facet`). */
export type RowQuery = Record<string, string | number | boolean | Array<string | number>>;

type DatasetsQuery = NonNullable<NonNullable<FetchOptions<paths['/api/v1/datasets']['get']>['params']>['query']>;
export type DatasetSummary = ItemOf<'/api/v1/datasets'>;
export type Dataset = ResponseData<'/api/v1/datasets/{slug}', 'get'>;
export type Me = ResponseData<'/api/v1/me', 'get'>;

export interface MultitudeClient {
  /** Typed calls: the decoded body on success; a MultitudeError (problem+json) otherwise. */
  GET: Call<'get'>;
  POST: Call<'post'>;
  PUT: Call<'put'>;
  PATCH: Call<'patch'>;
  DELETE: Call<'delete'>;
  HEAD: Call<'head'>;
  /** The underlying openapi-fetch client (same auth and retries), answering `{ data, error, response }` without throwing. */
  raw: Client<paths>;
  /** Every item of a paginated list, following `next` cursors page after page. */
  paginate<P extends ListPath>(path: P, ...init: Args<P, 'get'>): AsyncGenerator<ItemOf<P>, void, undefined>;
  /** The pages of a paginated list (for `total`, `facets`, …). */
  pages<P extends ListPath>(path: P, ...init: Args<P, 'get'>): AsyncGenerator<PageOf<P>, void, undefined>;
  /** The signed-in account. */
  me(options?: CallOptions & { signal?: AbortSignal }): Promise<Me>;
  datasets: {
    /** Every dataset matching the query (`_q`, `organization`, `theme`, …), across pages. */
    list(
      query?: DatasetsQuery,
      options?: CallOptions & { signal?: AbortSignal },
    ): AsyncGenerator<DatasetSummary, void, undefined>;
    /** A dataset with its resources. */
    get(slug: string, options?: CallOptions & { signal?: AbortSignal }): Promise<Dataset>;
  };
  /**
   * Every row of a tabular resource matching the query, in keyset pages of `_limit` rows (default 1000):
   * rows are seen once each even while the table grows.
   */
  rows<T extends Row = Row>(
    slug: string,
    resourceId: string,
    query?: RowQuery,
    options?: CallOptions & { signal?: AbortSignal },
  ): AsyncGenerator<T, void, undefined>;
}

export function createClient(options: ClientOptions): MultitudeClient {
  if (!options?.baseUrl) throw new TypeError('createClient needs a baseUrl, e.g. https://data.example.org');
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const baseFetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const clientRetry = options.retry;
  const fetcherFor = (retry: RetryOptions | false | undefined) => {
    if (retry === false || (retry === undefined && clientRetry === false)) return baseFetch;
    return retryingFetch(baseFetch, { ...(clientRetry || {}), ...retry });
  };
  const defaultFetch = fetcherFor(undefined);
  const userAgent = `${options.userAgent ? `${options.userAgent} ` : ''}multitude-sdk/${VERSION}`;

  const raw = createFetchClient<paths>({ baseUrl, fetch: defaultFetch });
  raw.use({
    async onRequest({ request }) {
      for (const [name, value] of Object.entries(options.headers ?? {}))
        if (!request.headers.has(name)) request.headers.set(name, value);
      request.headers.set('user-agent', userAgent);
      if (!request.headers.has('accept')) request.headers.set('accept', 'application/json, application/problem+json');
      if (options.token !== undefined && !request.headers.has('authorization')) {
        const token = typeof options.token === 'function' ? await options.token() : options.token;
        if (token) request.headers.set('authorization', `Bearer ${token}`);
      }
      return request;
    },
  });

  async function call(
    method: Method,
    path: string,
    init: (Record<string, unknown> & CallOptions) | undefined,
  ): Promise<unknown> {
    const { retry, ...rest } = init ?? {};
    const fetchInit = retry === undefined ? rest : { ...rest, fetch: fetcherFor(retry) };
    const result = await (
      raw.request as (
        m: string,
        p: string,
        i: object,
      ) => Promise<{ data?: unknown; error?: unknown; response: Response }>
    )(method, path, fetchInit);
    if (!result.response.ok)
      throw MultitudeError.fromResponse(
        result.response,
        result.error,
        method.toUpperCase(),
        result.response.url || baseUrl + path,
      );
    return result.data;
  }
  const typed = <M extends Method>(method: M) =>
    ((path: string, init?: Record<string, unknown>) => call(method, path, init)) as unknown as Call<M>;

  async function* pages(
    path: string,
    init?: Record<string, unknown> & { params?: { query?: Record<string, unknown>; path?: Record<string, unknown> } },
  ) {
    let query: Record<string, unknown> = { ...(init?.params?.query ?? {}) };
    let previous: string | undefined;
    for (;;) {
      const page = (await call('get', path, { ...init, params: { ...init?.params, query } })) as {
        next?: string | null;
      };
      yield page;
      if (!page || typeof page.next !== 'string' || !page.next) return;
      const next = new URL(page.next, baseUrl);
      // The link repeats the request's parameters with a new cursor; keep our own path and base URL
      // (the server's public base URL may differ from the one this client talks to).
      const linked: Record<string, string | string[]> = {};
      for (const key of new Set(next.searchParams.keys())) {
        const values = next.searchParams.getAll(key);
        linked[key] = values.length > 1 ? values : values[0]!;
      }
      const marker = next.search;
      if (marker === previous)
        throw new Error(
          `Pagination of ${path} is not moving forward: the server sent the same next link twice (${page.next})`,
        );
      previous = marker;
      query = { ...query, ...linked };
    }
  }

  async function* paginate(path: string, init?: Record<string, unknown>) {
    for await (const page of pages(path, init)) {
      const items =
        (page as { items?: unknown[]; rows?: unknown[] }).items ?? (page as { rows?: unknown[] }).rows ?? [];
      yield* items;
    }
  }

  const client: MultitudeClient = {
    GET: typed('get'),
    POST: typed('post'),
    PUT: typed('put'),
    PATCH: typed('patch'),
    DELETE: typed('delete'),
    HEAD: typed('head'),
    raw,
    paginate: paginate as MultitudeClient['paginate'],
    pages: pages as MultitudeClient['pages'],
    me: (opts) => client.GET('/api/v1/me', { ...opts }),
    datasets: {
      list: (query, opts) => client.paginate('/api/v1/datasets', { ...opts, params: { query: query ?? {} } }),
      get: (slug, opts) => client.GET('/api/v1/datasets/{slug}', { ...opts, params: { path: { slug } } }),
    },
    rows: <T extends Row = Row>(
      slug: string,
      resourceId: string,
      query: RowQuery = {},
      opts?: CallOptions & { signal?: AbortSignal },
    ) =>
      // The route takes free-form filters, which the OpenAPI document cannot list (its query is typed `never`).
      paginate('/api/v1/datasets/{slug}/resources/{id}/rows', {
        ...opts,
        params: { path: { slug, id: resourceId }, query: { _limit: 1000, ...query } },
      }) as AsyncGenerator<T, void, undefined>,
  };
  return client;
}
