/**
 * The log's Ed25519 signing key, kept in the data directory as `log.key` (Go sumdb/note signer
 * format, mode 0600), generated on first start with the origin as key name. The key is the log's
 * identity: losing it means verifiers must pin a new key (see README, key rotation).
 *
 * Rotation: `multitude log rotate-key` writes `log.next.key`; while it exists, every checkpoint is signed by both
 * keys (verifiers pin the new one from /log/next-key during that window); `--finish` makes it the key and keeps
 * the old one as `log.key.retired-<time>`.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSignerKey, parseSignerKey, verifierKeyString, type NoteSigner } from './note.js';

export const LOG_KEY_FILE = 'log.key';
export const NEXT_LOG_KEY_FILE = 'log.next.key';

export function loadOrCreateLogSigner(dataDir: string, origin: string): NoteSigner {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOG_KEY_FILE);
  if (!existsSync(file)) {
    // wx: two processes starting at once never overwrite each other's key.
    try {
      writeFileSync(file, `${generateSignerKey(origin)}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return parseSignerKey(readFileSync(file, 'utf8'));
}

/** The key that co-signs checkpoints during a rotation, if one is under way. */
export function loadNextLogSigner(dataDir: string): NoteSigner | undefined {
  const file = join(dataDir, NEXT_LOG_KEY_FILE);
  return existsSync(file) ? parseSignerKey(readFileSync(file, 'utf8')) : undefined;
}

/**
 * Starts a rotation (a new key beside the current one) or, with `finish`, ends it (the new key becomes the key).
 * Returns the verifier key verifiers must pin. The server picks the change up at its next start.
 */
export function rotateLogKey(dataDir: string, origin: string, finish: boolean, now = new Date()): string {
  const current = join(dataDir, LOG_KEY_FILE);
  const next = join(dataDir, NEXT_LOG_KEY_FILE);
  if (!existsSync(current)) throw new Error(`no log key in ${dataDir}: start the server once first`);
  if (finish) {
    if (!existsSync(next)) throw new Error('no rotation under way: run "multitude log rotate-key" first');
    renameSync(current, join(dataDir, `${LOG_KEY_FILE}.retired-${now.toISOString().replace(/[:.]/g, '-')}`));
    renameSync(next, current);
    return verifierKeyString(parseSignerKey(readFileSync(current, 'utf8')).verifier);
  }
  if (existsSync(next)) throw new Error('a rotation is already under way: finish it with --finish');
  const name = parseSignerKey(readFileSync(current, 'utf8')).name;
  if (name !== origin) throw new Error(`the log key is named ${name}, the log's origin is ${origin}`);
  writeFileSync(next, `${generateSignerKey(name)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(next, 0o600);
  return verifierKeyString(parseSignerKey(readFileSync(next, 'utf8')).verifier);
}
