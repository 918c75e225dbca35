import { useCallback, useEffect, useState } from 'react';
import { api, fieldErrors, toApiError, type ApiError } from './client';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
  /** Local update after a mutation, without refetching. */
  setData: (update: (current: T | undefined) => T | undefined) => void;
}

/** GET `path` on mount and whenever it changes; `null` skips the request. */
export function useApiGet<T>(path: string | null): Resource<T> {
  // Results are tagged with their path so a new path never shows stale data.
  const [result, setResult] = useState<{ path: string | null; data?: T; error: ApiError | null }>({
    path: null,
    error: null,
  });
  const [loading, setLoading] = useState(path !== null);
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setLoading(true);
    api.get<T>(path, { signal: controller.signal }).then(
      (data) => {
        setResult({ path, data, error: null });
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setResult((prev) => ({ path, data: prev.path === path ? prev.data : undefined, error: toApiError(err) }));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [path, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  const setData = useCallback(
    (update: (current: T | undefined) => T | undefined) => setResult((prev) => ({ ...prev, data: update(prev.data) })),
    [],
  );

  const fresh = result.path === path;
  return {
    data: fresh ? result.data : undefined,
    error: fresh ? result.error : null,
    loading: loading || (path !== null && !fresh),
    reload,
    setData,
  };
}

export type Outcome<T> = { ok: true; value: T } | { ok: false };

export interface Action {
  pending: boolean;
  error: ApiError | null;
  /** Field name → server message (from problem `errors`). */
  fieldErrors: Record<string, string>;
  run: <T>(fn: () => Promise<T>) => Promise<Outcome<T>>;
  reset: () => void;
}

/** Tracks one mutation: pending flag and the last problem returned. */
export function useAction(): Action {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const run = useCallback(async <T>(fn: () => Promise<T>): Promise<Outcome<T>> => {
    setPending(true);
    setError(null);
    try {
      const value = await fn();
      return { ok: true, value };
    } catch (err) {
      setError(toApiError(err));
      return { ok: false };
    } finally {
      setPending(false);
    }
  }, []);

  const reset = useCallback(() => setError(null), []);

  return { pending, error, fieldErrors: fieldErrors(error), run, reset };
}
