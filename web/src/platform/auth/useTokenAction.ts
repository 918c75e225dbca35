import { useEffect, useRef, useState } from 'react';
import { toApiError, type ApiError } from '../../api/client';

export type TokenActionState<T> =
  { status: 'idle' } | { status: 'pending' } | { status: 'done'; value: T } | { status: 'failed'; error: ApiError };

/**
 * Runs a one-shot POST for a link token (verification, invitation) once,
 * as soon as `enabled` becomes true. Guarded against StrictMode double effects.
 */
export function useTokenAction<T>(enabled: boolean, fn: () => Promise<T>): TokenActionState<T> {
  const [state, setState] = useState<TokenActionState<T>>({ status: 'idle' });
  const started = useRef(false);
  const fnRef = useRef(fn);
  fnRef.current = fn;

  useEffect(() => {
    if (!enabled || started.current) return;
    started.current = true;
    setState({ status: 'pending' });
    fnRef.current().then(
      (value) => setState({ status: 'done', value }),
      (err: unknown) => setState({ status: 'failed', error: toApiError(err) }),
    );
  }, [enabled]);

  return state;
}
