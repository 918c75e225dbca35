/**
 * One rule for text from clients, applied at the edge: a string may not hold a NUL (U+0000) or a lone UTF-16
 * surrogate. PostgreSQL cannot store either in text (and a lone surrogate is not Unicode at all), SQLite would
 * store them but other clients choke on them; refusing them everywhere keeps both databases answering the same.
 * `hostileText` walks a decoded value (path parameters, query strings, JSON bodies, multipart fields) and names
 * the first offending field; the HTTP layer answers 400 problem+json with it.
 */
import { AppError } from './errors.js';

// A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const HOSTILE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string is refused, or undefined when it is fine. */
export function hostileReason(text: string): string | undefined {
  const match = HOSTILE.exec(text);
  if (!match) return undefined;
  return match[0] === '\u0000'
    ? 'must not contain a NUL character (U+0000)'
    : 'must be valid Unicode (a lone surrogate)';
}

const MAX_DEPTH = 64;

/** The first string (or object key) in `value` that breaks the rule, with its field path. */
export function hostileText(value: unknown, path: string, depth = 0): { field: string; message: string } | undefined {
  if (typeof value === 'string') {
    const reason = hostileReason(value);
    return reason ? { field: path, message: reason } : undefined;
  }
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = hostileText(value[i], `${path}.${i}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const keyReason = hostileReason(key);
    if (keyReason) return { field: path, message: `has a field name that ${keyReason}` };
    const found = hostileText(item, path ? `${path}.${key}` : key, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Throws the 400 for the first hostile string of a request part (`params`, `querystring`, `body`). */
export function assertCleanText(value: unknown, part: string): void {
  const found = hostileText(value, '');
  if (!found) return;
  const field = found.field.replace(/^\./, '') || part;
  throw new AppError('validation_failed', `Invalid ${part}: ${field} ${found.message}`, {
    errors: [{ field, message: found.message }],
  });
}

/**
 * The first number in `value` that is not finite, with its field path. JSON cannot write one, so it comes from
 * an overflow: `1e309` in a JSON body, or a query parameter coerced by the validator (Ajv 8 lets `Infinity` pass
 * an integer schema with a maximum when it coerces).
 */
function nonFinite(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = nonFinite(item, path ? `${path}.${key}` : key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Throws a 400 naming the first number of a validated request part that overflowed to ±Infinity or NaN. */
export function assertFiniteNumbers(value: unknown, part: string): void {
  const found = nonFinite(value, '');
  if (found === undefined) return;
  const field = found || part;
  const message = 'must be a finite number within range';
  throw new AppError('validation_failed', `Invalid ${part}: ${field} ${message}`, { errors: [{ field, message }] });
}

/** The largest integer a 32-bit column holds (version numbers, line numbers): bounds in schemas stop overflow at the edge. */
export const INT32_MAX = 2_147_483_647;
/** Row ids are 64-bit in the database and numbers in JSON: bounded by what a JSON number holds exactly. */
export const SAFE_INTEGER_MAX = Number.MAX_SAFE_INTEGER;

/**
 * Names shown to others (people, organizations) may not hold bidirectional controls (U+202A–U+202E, U+2066–U+2069,
 * U+200E/U+200F, U+061C): they reorder the text around them, so a name could pass for another or hide a link.
 */
export const NO_BIDI_CONTROLS = '^[^\\u202A-\\u202E\\u2066-\\u2069\\u200E\\u200F\\u061C]*$';
