/**
 * Pure checks of one captured event, before anything is stored: property bombs (rejected, with reasons), timestamps
 * outside the accepted window (clamped to the receive time and flagged), and the country read from Accept-Language.
 * No I/O here; the capture service applies these to each event of a batch, so one bad event never sinks the rest.
 */

/** Deepest nesting of properties accepted: `{a:{b:{c:{d:{e:1}}}}}` is depth 5. */
export const MAX_DEPTH = 5;
/** Most keys in an event's properties, counted over every nested object. */
export const MAX_KEYS = 100;
/** Longest string value (or key), in UTF-8 bytes. */
export const MAX_STRING_BYTES = 8 * 1024;
/** An event may say it happened up to this long before it was received… */
export const MAX_PAST_MS = 7 * 24 * 3600 * 1000;
/** …and this far in the future (clock skew). */
export const MAX_FUTURE_MS = 5 * 60 * 1000;

// A UTF-16 code unit is at most 3 bytes of UTF-8: short strings need no counting.
const tooLong = (s: string) => s.length * 3 > MAX_STRING_BYTES && Buffer.byteLength(s, 'utf8') > MAX_STRING_BYTES;

/** Why the properties of an event are refused; empty when they are acceptable. */
export function propertyProblems(properties: unknown): string[] {
  if (properties === undefined) return [];
  const state = { keys: 0, reasons: new Set<string>() };
  walk(properties, 1, state);
  return [...state.reasons];
}

// At module level, not a closure per event: this runs for every captured event.
function walk(value: unknown, depth: number, state: { keys: number; reasons: Set<string> }): void {
  const { reasons } = state;
  if (typeof value === 'string') {
    if (tooLong(value)) reasons.add(`a string is longer than ${MAX_STRING_BYTES} bytes`);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_DEPTH) {
    reasons.add(`properties nest deeper than ${MAX_DEPTH} levels`);
    return;
  }
  // Array items are not keys (their indexes are never long); an object's keys count, nested ones included.
  const array = Array.isArray(value);
  const names = array ? undefined : Object.keys(value);
  if (names) state.keys += names.length;
  if (state.keys > MAX_KEYS) {
    reasons.add(`properties have more than ${MAX_KEYS} keys`);
    return;
  }
  if (array) {
    for (const item of value as unknown[]) {
      walk(item, depth + 1, state);
      if (reasons.size && state.keys > MAX_KEYS) return;
    }
    return;
  }
  for (const key of names!) {
    if (tooLong(key)) reasons.add(`a key is longer than ${MAX_STRING_BYTES} bytes`);
    walk((value as Record<string, unknown>)[key], depth + 1, state);
    if (reasons.size && state.keys > MAX_KEYS) return;
  }
}

export type TimeFlag = 'clamped_future' | 'clamped_past';

/** The time kept for an event said to happen at `claimed` (ms) and received at `now`; clamped and flagged when outside the window. */
export function clampTime(claimed: number | undefined, now: number): { ts: number; flag?: TimeFlag } {
  if (claimed === undefined || !Number.isFinite(claimed)) return { ts: now };
  if (claimed > now + MAX_FUTURE_MS) return { ts: now, flag: 'clamped_future' };
  if (claimed < now - MAX_PAST_MS) return { ts: now, flag: 'clamped_past' };
  return { ts: claimed };
}

/**
 * The country of a visitor as the browser's first language tag says it (`fr-BE` → BE), never from a network lookup.
 * A tag without a region (`fr`) says nothing about a country: null.
 */
export function countryFromAcceptLanguage(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(',').slice(0, 10)) {
    const tag = part.split(';')[0]!.trim();
    const subtags = tag.split('-');
    for (const sub of subtags.slice(1)) if (/^[A-Za-z]{2}$/.test(sub)) return sub.toUpperCase();
  }
  return null;
}

/** The path of a URL (`https://x.org/a/b?c` → `/a/b`), or the value itself when it already is a path; bounded. */
export function pathOf(url: unknown): string | null {
  if (typeof url !== 'string' || !url) return null;
  if (url.startsWith('/')) return url.split(/[?#]/)[0]!.slice(0, 500);
  try {
    return new URL(url).pathname.slice(0, 500);
  } catch {
    return null;
  }
}

/** The host of a referrer URL (`https://www.search.example/?q=…` → `www.search.example`); query strings never kept. */
export function referrerHost(url: unknown): string | null {
  if (typeof url !== 'string' || !url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.hostname.slice(0, 253) : null;
  } catch {
    return null;
  }
}
