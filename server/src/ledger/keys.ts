/**
 * The log's Ed25519 signing key, kept in the data directory as `log.key` (Go sumdb/note signer
 * format, mode 0600), generated on first start with the origin as key name. The key is the log's
 * identity: losing it means verifiers must pin a new key (see README, key rotation).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSignerKey, parseSignerKey, type NoteSigner } from './note.js';

export const LOG_KEY_FILE = 'log.key';

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
