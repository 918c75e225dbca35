import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../testing/harness.js';
import { emitPublished, runCli } from './test-support.js';
import { generateSignerKey, parseSignerKey, verifierKeyString } from './note.js';

let t: TestApp;
let baseUrl: string;
const dir = mkdtempSync(join(tmpdir(), 'multitude-verify-'));

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  baseUrl = `http://127.0.0.1:${address.port}`;
  await emitPublished(t, 270);
});
afterAll(async () => t?.cleanup());
afterEach(() => vi.restoreAllMocks());

describe('multitude log verify', () => {
  it('has help', async () => {
    const r = await runCli('log', 'verify', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('multitude log verify <base-url>');
    expect((await runCli('log', 'verify')).code).toBe(2);
    expect((await runCli('log', 'verify', 'ftp://x')).code).toBe(2);
  });

  it('verifies a live log, pins its key, then proves consistency with the last verified checkpoint', async () => {
    const state = join(dir, 'ok.json');
    const key = (await (await fetch(`${baseUrl}/log/key`)).text()).trim();
    const first = await runCli('log', 'verify', baseUrl, '--key', key, '--state', state);
    expect(first.out).toMatch(/OK .*: 270 entries/);
    expect(first.code).toBe(0);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as Record<string, { size: number; key: string }>;
    expect(saved[baseUrl]).toMatchObject({ size: 270, key });

    await emitPublished(t, 30);
    const second = await runCli('log', 'verify', baseUrl, '--state', state);
    expect(second.out).toContain('300 entries');
    expect(second.out).toContain('consistent with size 270');
    expect(second.code).toBe(0);
  });

  it('refuses a checkpoint signed by another key, and a first run without a key', async () => {
    const other = verifierKeyString(parseSignerKey(generateSignerKey('localhost:3000/log')).verifier);
    const r = await runCli('log', 'verify', baseUrl, '--key', other, '--state', join(dir, 'other.json'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/not signed by the pinned key/);
    const none = await runCli('log', 'verify', baseUrl, '--state', join(dir, 'none.json'));
    expect(none.code).toBe(1);
    expect(none.out).toMatch(/no pinned key/);
  });

  it('catches a log served with a rewritten past, even when re-signed with the genuine key', async () => {
    const state = join(dir, 'rewrite.json');
    const key = (await (await fetch(`${baseUrl}/log/key`)).text()).trim();
    expect((await runCli('log', 'verify', baseUrl, '--key', key, '--state', state)).code).toBe(0);

    // The operator rewrites entry 3 and re-signs a larger tree from scratch with the log's own key.
    const entry = await t.db.kysely
      .selectFrom('logEntries')
      .select('entry')
      .where('idx', '=', 3)
      .executeTakeFirstOrThrow();
    await sql`delete from log_nodes`.execute(t.db.kysely);
    await sql`delete from log_bundles`.execute(t.db.kysely);
    await sql`delete from log_checkpoints`.execute(t.db.kysely);
    await t.db.kysely
      .updateTable('logEntries')
      .set({ entry: entry.entry.replace('"subject":"s3"', '"subject":"s3-rewritten"') })
      .where('idx', '=', 3)
      .execute();
    t.ledger.dropCaches(); // what the dishonest operator's restart does
    await emitPublished(t, 5);

    const r = await runCli('log', 'verify', baseUrl, '--state', state);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/rewrote its past/);
  });

  it('catches entries that do not match the signed root', async () => {
    const state = join(dir, 'tamper.json');
    const key = (await (await fetch(`${baseUrl}/log/key`)).text()).trim();
    expect((await runCli('log', 'verify', baseUrl, '--key', key, '--state', state)).code).toBe(0);
    // An entry changed under a signed checkpoint, in the stored full bundle that serves it: its hash no longer
    // matches the served tile.
    const { bundle } = await t.db.kysely
      .selectFrom('logBundles')
      .select('bundle')
      .where('idx', '=', 0)
      .executeTakeFirstOrThrow();
    const forged = Buffer.from(
      Buffer.from(bundle).toString('latin1').replace('"subject":"s10"', '"subject":"s99"'),
      'latin1',
    );
    expect(forged.equals(Buffer.from(bundle))).toBe(false);
    await t.db.kysely.updateTable('logBundles').set({ bundle: forged }).where('idx', '=', 0).execute();
    t.ledger.dropCaches();
    const r = await runCli('log', 'verify', baseUrl, '--state', state);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/entry 10 does not match its hash/);
    await t.db.kysely.updateTable('logBundles').set({ bundle }).where('idx', '=', 0).execute();
    t.ledger.dropCaches();
  });

  it('catches an entry changed in a bundle built from the entry rows (a partial one)', async () => {
    const state = join(dir, 'tamper-partial.json');
    const key = (await (await fetch(`${baseUrl}/log/key`)).text()).trim();
    expect((await runCli('log', 'verify', baseUrl, '--key', key, '--state', state)).code).toBe(0);
    const last = await t.ledger.checkpoint();
    expect(last.size % 256).not.toBe(0);
    await t.db.kysely
      .updateTable('logEntries')
      .set({ entry: '{"forged":true}' })
      .where('idx', '=', last.size - 1)
      .execute();
    const r = await runCli('log', 'verify', baseUrl, '--state', state);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`entry ${last.size - 1} does not match its hash`));
  });
});
