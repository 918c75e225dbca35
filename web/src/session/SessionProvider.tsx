import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { fetchMe as getMe, signOutRequest, type User } from '../api/platform';

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
    return await getMe();
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return null;
    throw err;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);
  const [signedOut, setSignedOut] = useState(false);
  const client = useQueryClient();
  // Cached answers depend on who asks (viewerCanEdit, my organizations…): drop them when the account changes
  // (no refetch here: the pages shown next ask again, which keeps anonymous traffic under its rate limit).
  const cachedFor = useRef<string | null | undefined>(undefined);
  const userId = user?.id ?? null;
  useEffect(() => {
    if (loading) return;
    if (cachedFor.current !== undefined && cachedFor.current !== userId) client.removeQueries();
    cachedFor.current = userId;
  }, [loading, userId, client]);

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
      await signOutRequest();
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
