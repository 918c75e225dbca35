import { randomBytes } from 'node:crypto';

// Crockford base32, as in ULID: ids sort by creation time as plain strings.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = 0;
let lastRandom = new Uint8Array(10);

function encode(bytes: Uint8Array, chars: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out.slice(0, chars);
}

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

/** A time-ordered, monotonic (within this process) ULID. */
export function ulid(now = Date.now()): string {
  if (now <= lastTime) {
    // Same millisecond: increment the random part so order is kept.
    const next = new Uint8Array(lastRandom);
    for (let i = next.length - 1; i >= 0; i--) {
      if (next[i] === 255) next[i] = 0;
      else {
        next[i]! += 1;
        break;
      }
    }
    lastRandom = next;
    now = lastTime;
  } else {
    lastTime = now;
    lastRandom = new Uint8Array(randomBytes(10));
  }
  return encodeTime(now) + encode(lastRandom, 16);
}

export type IdPrefix =
  | 'usr'
  | 'org'
  | 'evt'
  | 'tok'
  | 'inv'
  | 'mail'
  | 'mem'
  | 'idn'
  | 'ds'
  | 'res'
  | 'ver'
  | 'job'
  | 'rep'
  // developer platform: apps, API keys, accreditations, sensitive calls, webhooks, webhook messages (Standard Webhooks' msg_), attempts, reuses
  | 'app'
  | 'key'
  | 'acc'
  | 'call'
  | 'whk'
  | 'msg'
  | 'att'
  | 'reu'
  // ledger: personal-data access records, data exports
  | 'pda'
  | 'exp'
  // iteration: capture keys, experiments
  | 'ck'
  | 'xp'
  // services: services, operator accreditations, cases (Open311 service requests), case notes
  | 'svc'
  | 'sop'
  | 'case'
  | 'note'
  // flags: flags, segments, scheduled changes, release plans
  | 'flg'
  | 'seg'
  | 'fsc'
  | 'frp'
  // federation: harvest sources and runs
  | 'hvs'
  | 'hvr';

/** Opaque, prefixed, time-ordered id such as `usr_01J…`. */
export const newId = (prefix: IdPrefix) => `${prefix}_${ulid().toLowerCase()}`;
