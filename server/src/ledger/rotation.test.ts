import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../testing/harness.js';
import { emitPublished, runCli } from './test-support.js';
import { systemClock } from '../kernel/clock.js';
import { loadNextLogSigner, loadOrCreateLogSigner, NEXT_LOG_KEY_FILE } from './keys.js';
import { NoteError, openNote, verifierKeyString } from './note.js';
import { ledgerRootRoutes } from './routes.js';
import { createLedger } from './service.js';
import { createLedgerStore } from './store.js';

let t: TestApp;

/** What the server builds at its next start, from the keys in the data directory. */
function restarted() {
  return createLedger({
    db: t.db.kysely,
    store: createLedgerStore(t.db.dialect),
    clock: systemClock,
    directory: t.platform.directory,
    signer: loadOrCreateLogSigner(t.config.dataDir, t.ledger.origin),
    nextSigner: loadNextLogSigner(t.config.dataDir),
    origin: t.ledger.origin,
  });
}

beforeAll(async () => {
  t = await createTestApp();
  await emitPublished(t, 3, { prefix: 'r', integrate: false });
  await t.ledger.integrate();
});
afterAll(async () => t?.cleanup());
afterEach(() => vi.restoreAllMocks());

describe('rotating the log key', () => {
  it('signs with both keys during the window, then with the new one alone', async () => {
    const old = loadOrCreateLogSigner(t.config.dataDir, t.ledger.origin).verifier;
    expect((await runCli('log', 'rotate-key', '--help')).out).toContain('multitude log rotate-key');
    expect((await runCli('log', 'rotate-key', '--finish', '--data-dir', t.config.dataDir)).code).toBe(1);

    const started = await runCli('log', 'rotate-key', '--data-dir', t.config.dataDir);
    expect(started.code).toBe(0);
    expect(existsSync(join(t.config.dataDir, NEXT_LOG_KEY_FILE))).toBe(true);
    // One rotation at a time.
    expect((await runCli('log', 'rotate-key', '--data-dir', t.config.dataDir)).code).toBe(1);

    const during = restarted();
    const next = loadNextLogSigner(t.config.dataDir)!.verifier;
    expect(started.out).toContain(verifierKeyString(next));
    await emitPublished(t, 2, { prefix: 'r', integrate: false });
    const cp = await during.integrate();
    // Both keys sign the same checkpoint: a verifier pinning either one accepts it.
    expect(openNote(cp.note, [old]).verified).toHaveLength(1);
    expect(openNote(cp.note, [next]).verified).toHaveLength(1);
    const server = Fastify();
    await server.register(ledgerRootRoutes, { ledger: during });
    expect((await server.inject({ method: 'GET', url: '/log/next-key' })).body.trim()).toBe(verifierKeyString(next));
    await server.close();

    const finished = await runCli('log', 'rotate-key', '--finish', '--data-dir', t.config.dataDir);
    expect(finished.code).toBe(0);
    expect(readdirSync(t.config.dataDir).some((f) => f.startsWith('log.key.retired-'))).toBe(true);
    const after = restarted();
    expect(after.verifierKey).toBe(verifierKeyString(next));
    expect(after.nextVerifierKey).toBeUndefined();
    await emitPublished(t, 1, { prefix: 'r', integrate: false });
    const last = await after.integrate();
    expect(openNote(last.note, [next]).verified).toHaveLength(1);
    expect(() => openNote(last.note, [old])).toThrow(NoteError);
  });
});
