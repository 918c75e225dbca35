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
  // Plain loops and string appends: this runs for every payload the log appends.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      const v: unknown = value[i];
      out += canonicalJson(v === undefined ? null : v);
    }
    return `${out}]`;
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    let out = '{';
    for (const k of Object.keys(record).sort()) {
      const v = record[k];
      if (v === undefined) continue;
      if (out.length > 1) out += ',';
      out += `${JSON.stringify(k)}:${canonicalJson(v)}`;
    }
    return `${out}}`;
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
  const fields = {
    v: 1,
    eventId: f.eventId,
    type: f.type,
    occurredAt: f.occurredAt,
    actor: f.actor,
    subject: f.subject,
    organization: f.organization,
    payloadSha256,
  };
  // The canonical JSON of `fields` written out with its keys in sorted order (the same bytes, without sorting and
  // recursing per entry); a field left undefined is dropped, which only the general path does.
  const entry = [f.eventId, f.type, f.occurredAt, f.actor, f.subject, f.organization].includes(undefined as never)
    ? canonicalJson(fields)
    : `{"actor":${JSON.stringify(f.actor)},"eventId":${JSON.stringify(f.eventId)},` +
      `"occurredAt":${JSON.stringify(f.occurredAt)},"organization":${JSON.stringify(f.organization)},` +
      `"payloadSha256":"${payloadSha256}","subject":${JSON.stringify(f.subject)},"type":${JSON.stringify(f.type)},"v":1}`;
  checkEntrySize(entry);
  return entry;
}

export function checkEntrySize(entry: string): void {
  const bytes = Buffer.byteLength(entry, 'utf8');
  if (bytes > MAX_ENTRY_BYTES) throw new EntryTooLargeError(bytes);
}

/** A C2SP tlog-tiles entry bundle: each entry prefixed by its length as a big-endian uint16. */
export function entryBundle(entries: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const bytes = Buffer.from(entry, 'utf8');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(bytes.length, 0);
    parts.push(length, bytes);
  }
  return Buffer.concat(parts);
}
