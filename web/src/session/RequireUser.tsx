import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import type { User } from '../api/platform';
import { Loading } from '../ui/Messages';
import { signInPath } from '../ui/navigation';
import { useSession } from './SessionProvider';

/** Renders children with the signed-in user, or redirects to /signin?next=…. */
export function RequireUser({ children }: { children: (user: User) => ReactNode }) {
  const { user, loading, signedOut } = useSession();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!user) {
    // Just signed out from this page: go home rather than offering to sign back in.
    const target = signedOut ? '/' : signInPath(`${location.pathname}${location.search}`);
    return <Navigate to={target} replace />;
  }
  return <>{children(user)}</>;
}
