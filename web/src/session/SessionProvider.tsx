import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError } from '../api/client';
import type { User } from '../api/types';

export interface Session {
  /** True until the first GET /me has answered. */
  loading: boolean;
  /** The signed-in user, or null when signed out. */
  user: User | null;
  /** Re-read GET /me (after sign-in, sign-up, profile change…). */
  refresh: () => Promise<User | null>;
  /** Replace the cached user (e.g. with a PATCH /me response). */
  setUser: (user: User | null) => void;
  /** POST /auth/logout, then forget the user. Throws if the server refuses. */
  signOut: () => Promise<void>;
  /** True after an explicit sign-out (protected pages then go home, not to /signin). */
  signedOut: boolean;
}

const SessionContext = createContext<Session | null>(null);

async function fetchMe(): Promise<User | null> {
  try {
    return await api.get<User>('/me');
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return null;
    throw err;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);
  const [signedOut, setSignedOut] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const me = await fetchMe();
      setUser(me);
      if (me) setSignedOut(false);
      return me;
    } catch {
      // Server unreachable or failing: behave as signed out, pages show their own errors.
      setUser(null);
      return null;
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const signOut = useCallback(async () => {
    try {
      await api.post<void>('/auth/logout');
    } catch (err) {
      // Already signed out on the server: just forget the user locally.
      if (!(err instanceof ApiError && err.status === 401)) throw err;
    }
    setSignedOut(true);
    setUser(null);
  }, []);

  const value = useMemo<Session>(
    () => ({ loading, user, refresh, setUser, signOut, signedOut }),
    [loading, user, refresh, signOut, signedOut],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}
