import { useCallback, useState } from 'react';
import { fieldErrors, toApiError, type ApiError } from './client';

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
