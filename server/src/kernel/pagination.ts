import { AppError } from './errors.js';

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, or null at the end. */
  nextCursor: string | null;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Decodes a cursor made by encodeCursor; anything else is the client's mistake (400). */
export function decodeCursor<T>(cursor: string, check: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (!check(value)) {
    throw new AppError('validation_failed', 'Malformed cursor', {
      errors: [{ field: '_cursor', message: 'Malformed cursor' }],
    });
  }
  return value;
}

export const isPositionCursor = (v: unknown): v is { p: number } =>
  typeof v === 'object' && v !== null && Number.isSafeInteger((v as { p: unknown }).p);

export const isKeyCursor = (v: unknown): v is { k: string } =>
  typeof v === 'object' && v !== null && typeof (v as { k: unknown }).k === 'string';

/** Fetch one more than asked to know whether a next page exists. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (last: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? cursorOf(last) : null };
}
