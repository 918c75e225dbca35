/** Only same-site relative paths are accepted as post-login destinations. */
export function safeNext(next: string | null | undefined, fallback = '/account'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  return next;
}

/** Build "/signin?next=…" for the current location. */
export function signInPath(next: string): string {
  return `/signin?next=${encodeURIComponent(next)}`;
}
