/**
 * Log entries: what one public event becomes in the transparency log.
 *
 * An entry is canonical JSON — object keys sorted by UTF-16 code units (as JavaScript sorts
 * strings), no insignificant white space, strings and numbers as JSON.stringify writes them,
 * encoded in UTF-8 — of:
 *   { "v": 1, "eventId", "type", "occurredAt", "actor" (handle or null), "subject" (id or null),
 *     "organization" (id or null), "payloadSha256" (hex SHA-256 of the canonical JSON payload) }
 * The payload itself is never in the log, so erasing personal data never breaks it.
 * An entry is at most 65,535 bytes (entry bundles prefix each entry with a uint16 length);
 * longer ones are refused.
 */
import { createHash } from 'node:crypto';

export const MAX_ENTRY_BYTES = 65_535;

export class EntryTooLargeError extends Error {
  constructor(readonly bytes: number) {
    super(`a log entry is at most ${MAX_ENTRY_BYTES} bytes; this one has ${bytes}`);
    this.name = 'EntryTooLargeError';
  }
}

/** Canonical JSON of plain data (objects, arrays, strings, finite numbers, booleans, null). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value as object)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
}

export interface EntryFields {
  eventId: string;
  type: string;
  occurredAt: string;
  actor: string | null;
  subject: string | null;
  organization: string | null;
  payload: unknown;
}

export function buildEntry(f: EntryFields): string {
  const payloadSha256 = createHash('sha256')
    .update(canonicalJson(f.payload ?? {}), 'utf8')
    .digest('hex');
  const entry = canonicalJson({
    v: 1,
    eventId: f.eventId,
    type: f.type,
    occurredAt: f.occurredAt,
    actor: f.actor,
    subject: f.subject,
    organization: f.organization,
    payloadSha256,
  });
  checkEntrySize(entry);
  return entry;
}

export function checkEntrySize(entry: string): void {
  const bytes = Buffer.byteLength(entry, 'utf8');
  if (bytes > MAX_ENTRY_BYTES) throw new EntryTooLargeError(bytes);
}
