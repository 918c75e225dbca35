/**
 * TanStack Query over the typed client: the cache every page shares, a typed query hook keyed by path and params,
 * and a typed mutation hook that invalidates the paths it changes. Resource modules (api/<resource>.ts) build
 * their per-resource hooks on these two; components use those, never `api.*` directly.
 *
 * Query keys are `[pathTemplate, params]`, e.g. `['/api/v1/datasets/{slug}', { path: { slug: 'trees' } }]`, so
 * a mutation invalidates by path template (every query whose template starts with a prefix), optionally only
 * for given path parameters.
 */
import { QueryClient, useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, ApiError, fieldErrors, toApiError, type Args } from './client';
import type { CallInit, Method, PathsWith, ResponseData, paths } from './schema';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // A problem answer (4xx) is final; retry only when the server could not be reached or failed.
        retry: (count, error) =>
          count < 2 && (!(error instanceof ApiError) || error.status === 0 || error.status >= 500),
      },
      mutations: { retry: false },
    },
  });
}

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | null;
  /** True until the first answer (or when the query is disabled). */
  loading: boolean;
  /** Refetch now (e.g. after an action this page did not make through a mutation hook). */
  reload: () => void;
  /** Local update of the cached answer, without refetching. */
  setData: (update: (current: T | undefined) => T | undefined) => void;
}

export interface QueryOptions {
  /** Poll every n milliseconds (false: no polling). */
  refetchInterval?: number | false;
  /** Keep showing the previous answer while a new key loads (paging, filters). */
  keepPrevious?: boolean;
}

type GetPath = PathsWith<'get'>;

export function queryKeyOf<P extends GetPath>(path: P, init?: CallInit<P, 'get'>): QueryKey {
  const params = (init as { params?: unknown } | undefined)?.params;
  return params === undefined ? [path] : [path, params];
}

/** GET `path` with `init` (typed params); `null` skips the request. */
export function useApiQuery<P extends GetPath>(
  path: P,
  init: CallInit<P, 'get'> | null,
  options: QueryOptions = {},
): Resource<ResponseData<P, 'get'>> {
  type T = ResponseData<P, 'get'>;
  const client = useQueryClient();
  const key = queryKeyOf(path, init ?? undefined);
  const query = useQuery<T, ApiError>({
    queryKey: key,
    queryFn: async ({ signal }) => {
      const args = [{ ...(init ?? {}), signal }] as unknown as Args<P, 'get'>;
      try {
        return await api.GET(path, ...args);
      } catch (err) {
        throw toApiError(err);
      }
    },
    enabled: init !== null,
    refetchInterval: options.refetchInterval,
    placeholderData: options.keepPrevious ? (previous) => previous : undefined,
  });
  const { refetch } = query;
  const reload = useCallback(() => void refetch(), [refetch]);
  const keyJson = JSON.stringify(key);
  const setData = useCallback(
    (update: (current: T | undefined) => T | undefined) => client.setQueryData<T>(JSON.parse(keyJson), update),
    [client, keyJson],
  );
  return {
    data: query.data,
    error: query.error ?? null,
    loading: query.isPending || (query.isPlaceholderData && query.isFetching),
    reload,
    setData,
  };
}

/** Which cached queries a mutation makes stale: path templates (prefixes), optionally limited to path params. */
export type Invalidation = { prefix: string; path?: Record<string, string | number> };

export function invalidate(client: QueryClient, targets: ReadonlyArray<Invalidation | string>): Promise<void> {
  return client.invalidateQueries({
    predicate: ({ queryKey }) => {
      const [template, params] = queryKey as [string, { path?: Record<string, unknown> } | undefined];
      return targets.some((t) => {
        const target = typeof t === 'string' ? { prefix: t } : t;
        if (!String(template).startsWith(target.prefix)) return false;
        if (!target.path) return true;
        return Object.entries(target.path).every(([k, v]) => String(params?.path?.[k]) === String(v));
      });
    },
  });
}

export type Outcome<T> = { ok: true; value: T } | { ok: false };

export interface Mutation<I, T> {
  pending: boolean;
  error: ApiError | null;
  /** Field name → server message (from the problem's `errors`). */
  fieldErrors: Record<string, string>;
  /** Sends the request; the error is kept in `error` (shown by the page), never thrown. */
  run: (init: I) => Promise<Outcome<T>>;
  reset: () => void;
}

/**
 * A typed mutation `method path`; after success, the queries named by `invalidates(init, answer)` are marked stale
 * and refetched when shown.
 */
export function useApiMutation<M extends Exclude<Method, 'get'>, P extends PathsWith<M>>(
  method: M,
  path: P,
  invalidates: (init: CallInit<P, M>, answer: ResponseData<P, M>) => ReadonlyArray<Invalidation | string> = () => [],
): Mutation<CallInit<P, M>, ResponseData<P, M>> {
  type T = ResponseData<P, M>;
  const client = useQueryClient();
  const upper = method.toUpperCase() as Uppercase<M>;
  const mutation = useMutation<T, ApiError, CallInit<P, M>>({
    mutationFn: async (init) => {
      const send = api[upper] as unknown as (path: P, init: CallInit<P, M>) => Promise<T>;
      try {
        return await send(path, init);
      } catch (err) {
        throw toApiError(err);
      }
    },
    onSuccess: (answer, init) => invalidate(client, invalidates(init, answer)),
  });
  const { mutateAsync, reset } = mutation;
  const run = useCallback(
    async (init: CallInit<P, M>): Promise<Outcome<T>> => {
      try {
        return { ok: true, value: await mutateAsync(init) };
      } catch {
        return { ok: false };
      }
    },
    [mutateAsync],
  );
  const error = mutation.error ?? null;
  return { pending: mutation.isPending, error, fieldErrors: fieldErrors(error), run, reset };
}

export type { paths };
