/**
 * The transparency log checked by a verifier nobody here wrote the logic of: a small Go program on Go's own
 * sumdb/tlog and sumdb/note packages (golang.org/x/mod, from Debian's golang-golang-x-mod-dev), fed only
 * /log/key, /log/checkpoint, the tiles and the JSON inclusion proof of a dataset publication. Skipped (and
 * reported as skipped) where Go or those sources are missing; `.ci/run` installs both.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, type TestApp } from '../src/testing/harness.js';
import { createEventStore } from '../src/events/store.js';
import { generateSignerKey, parseSignerKey, verifierKeyString } from '../src/ledger/note.js';
import { entryBundle } from '../src/ledger/entry.js';

const GOPATH = '/usr/share/gocode';
const haveGo = (() => {
  if (!existsSync(join(GOPATH, 'src/golang.org/x/mod/sumdb/tlog/tlog.go'))) return false;
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const source = join(dirname(fileURLToPath(import.meta.url)), 'go-verifier', 'main.go');
const work = mkdtempSync(join(tmpdir(), 'multitude-go-verifier-'));
const binary = join(work, 'go-verifier');

function verify(...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

let t: TestApp;
let baseUrl: string;
let publicationId: string;

describe.skipIf(!haveGo)('an independent Go verifier (sumdb/tlog + sumdb/note)', () => {
  beforeAll(async () => {
    // GOPATH mode reads golang.org/x/mod from Debian's source package: no module download needed.
    execFileSync('go', ['build', '-o', binary, source], {
      env: { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: join(work, 'cache'), GOFLAGS: '' },
      stdio: 'pipe',
    });
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    baseUrl = `http://127.0.0.1:${address.port}`;

    // A real publication through the API, among enough other entries for two full tiles, a partial
    // one and a level-1 tile.
    const owner = await register(t.app, 'publisher');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: asSession(owner),
      payload: { title: 'Communes du Finistère', license: 'etalab-2.0', status: 'published' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const datasetId = created.json().id as string;
    const store = createEventStore(t.db.dialect);
    for (let i = 0; i < 600; i++) {
      await store.insert(t.db.kysely, {
        id: randomUUID(),
        type: 'dataset.updated',
        actorId: null,
        subjectId: `s${i}`,
        organizationId: null,
        visibility: 'public',
        payload: { i },
        occurredAt: new Date().toISOString(),
      });
    }
    await t.dispatcher.drain();
    await t.ledger.integrate();
    const published = await t.db.kysely
      .selectFrom('events')
      .select('id')
      .where('type', '=', 'dataset.published')
      .where('subjectId', '=', datasetId)
      .executeTakeFirstOrThrow();
    publicationId = published.id;
  }, 120_000);
  afterAll(async () => t?.cleanup());

  it('verifies the signed checkpoint, every tile and every entry, and the publication inclusion proof', async () => {
    const key = (await (await fetch(`${baseUrl}/log/key`)).text()).trim();
    const r = await verify('-url', baseUrl, '-key', key, '-event', publicationId);
    expect(r.out).toMatch(/^OK localhost:3000\/log: 60[1-9] entries, root /m);
    expect(r.out).toContain(`OK event ${publicationId} is entry `);
    expect(r.out).toContain('"type":"dataset.published"');
    expect(r.code).toBe(0);
  });

  it('refuses a checkpoint signed by another key with the same name', async () => {
    const impostor = verifierKeyString(parseSignerKey(generateSignerKey('localhost:3000/log')).verifier);
    const r = await verify('-url', baseUrl, '-key', impostor);
    expect(r.out).toMatch(/FAIL: checkpoint signature/);
    expect(r.code).toBe(1);
  });

  it('refuses an inclusion proof for an event the log does not hold', async () => {
    const r = await verify('-url', baseUrl, '-event', randomUUID());
    expect(r.out).toMatch(/FAIL: GET api\/v1\/log\/events\/.*HTTP 404/);
    expect(r.code).toBe(1);
  });

  // Last: it rewrites the stored past, as an operator with write access to the database could.
  it('catches an entry rewritten in the database after it was logged', async () => {
    const row = await t.db.kysely
      .selectFrom('logEntries')
      .select(['idx', 'entry'])
      .where('idx', '=', 7)
      .executeTakeFirstOrThrow();
    await t.db.kysely
      .updateTable('logEntries')
      .set({ entry: row.entry.replace('{', '{"forged":true,') })
      .where('idx', '=', 7)
      .execute();
    // ...and the stored bytes of the full entry bundle that serves it.
    const bundle = entryBundle(
      (await t.db.kysely.selectFrom('logEntries').select('entry').where('idx', '<', 256).orderBy('idx').execute()).map(
        (e) => e.entry,
      ),
    );
    await t.db.kysely.updateTable('logBundles').set({ bundle }).where('idx', '=', 0).execute();
    t.ledger.dropCaches(); // the dishonest operator restarts: the tiles held in memory go
    const r = await verify('-url', baseUrl);
    expect(r.out).toContain('FAIL: entry 7 does not hash to its leaf');
    expect(r.code).toBe(1);
  });
});
