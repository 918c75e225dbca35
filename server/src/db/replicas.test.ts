/**
 * Read replicas: the settings on both dialects, then (PostgreSQL) a real streaming replica of the test cluster
 * made by pg_basebackup — reads reach it, read-your-writes, falling behind, going away. The replica suite is
 * reported as skipped, with the reason in its name, where a replica cannot be made.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createQueryReader, type QueryReader } from '../data/tables/workers/reader.js';
import type { AnyDb } from '../data/tables/physical.js';
import { buildApp } from '../app.js';
import { asSession, testConfig, testDialect, type TestApp } from '../testing/harness.js';
import { apiClient, newPublishedTable, newUser, type TestUser } from '../testing/fixtures.js';
import { replicaSupport, startReplica, type PgReplica } from '../testing/pg-replica.js';
import { openDatabase, type Db } from './database.js';
import { parseLsn, redactUrl, withReadScope, type ReplicaOptions } from './replicas.js';

describe('read replica settings', () => {
  it('refuses DATABASE_READ_URLS without PostgreSQL, with a clear message', () => {
    expect(() => loadConfig({ DATABASE_READ_URLS: 'postgres://replica/db' })).toThrow(/needs DATABASE_URL/);
    expect(() => openDatabase({ sqliteFile: ':memory:', readUrls: ['postgres://replica/db'] })).toThrow(/not SQLite/);
  });
  it('refuses a replica URL that is not PostgreSQL, and a pin not longer than the lag bound', () => {
    const primary = { DATABASE_URL: 'postgres://primary/db' };
    expect(() => loadConfig({ ...primary, DATABASE_READ_URLS: 'mysql://replica/db' })).toThrow(/postgres:\/\//);
    expect(() =>
      loadConfig({ ...primary, MULTITUDE_REPLICA_MAX_LAG_MS: '5000', MULTITUDE_READ_YOUR_WRITES_MS: '5000' }),
    ).toThrow(/must exceed/);
    expect(() => loadConfig({ ...primary, MULTITUDE_REPLICA_MAX_LAG_MS: '-1' })).toThrow(/positive integer/);
  });
  it('reads the settings: comma-separated replicas, defaults for the bounds', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://primary/db',
      DATABASE_READ_URLS: ' postgres://r1/db , postgresql://r2/db,',
    });
    expect(config.databaseReadUrls).toEqual(['postgres://r1/db', 'postgresql://r2/db']);
    expect([config.replicaMaxLagMs, config.readYourWritesMs]).toEqual([2000, 5000]);
    expect(loadConfig({}).databaseReadUrls).toEqual([]);
  });
  it('parses LSNs and hides passwords in what it logs', () => {
    expect(parseLsn('16/B374D848')).toBe(0x16b374d848n);
    expect(parseLsn('0/0')).toBe(0n);
    expect(parseLsn('1/0') > parseLsn('0/FFFFFFFF')).toBe(true);
    expect(redactUrl('postgres://u:secret@h:5/d')).toBe('postgres://u:***@h:5/d');
  });
});

const primaryUrl = process.env.MULTITUDE_TEST_DATABASE_URL;
const support =
  testDialect === 'postgres' ? await replicaSupport(primaryUrl) : { ok: false, reason: 'PostgreSQL suite only' };

describe.skipIf(!support.ok)(`a streaming replica${support.ok ? '' : ` (skipped: ${support.reason})`}`, () => {
  let replica: PgReplica;
  const opened: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    replica = await startReplica(primaryUrl!, support.bin!);
  }, 120_000);
  afterAll(async () => {
    for (const close of opened.reverse()) await close();
    await replica?.remove();
  }, 60_000);

  /** A schema with a table on the primary, a Db reading through the replica, and the query reader over both. */
  async function setup(replicas: Omit<ReplicaOptions, 'primaryUrl' | 'readUrls'>) {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: primaryUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.notes (id int PRIMARY KEY, body text)`);
    const db: Db = openDatabase({
      databaseUrl: primaryUrl,
      pgSchema: schema,
      pgPoolSize: 2,
      readUrls: [replica.url],
      replicas,
    });
    const reader: QueryReader = createQueryReader({
      dialect: 'postgres',
      location: db.location,
      size: 2,
      timeoutMs: 10_000,
      main: db.kysely as unknown as AnyDb,
      replicas: db.replicas,
    });
    opened.push(async () => {
      await reader.close();
      await db.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    });
    const router = db.replicas!;
    /** Runs a statement as a request's read does (inside `within`). */
    const read = async <T>(query: RawBuilder<T>) =>
      (await reader.within({ timeoutMs: 10_000 }, () => query.execute(reader.db))).rows;
    const onReplica = async () => (await read(sql<{ r: boolean }>`SELECT pg_is_in_recovery() AS r`))[0]!.r;
    const notes = async () => Number((await read(sql<{ n: string }>`SELECT count(*) AS n FROM notes`))[0]!.n);
    const write = (id: number) => admin.query(`INSERT INTO ${schema}.notes VALUES ($1, 'x')`, [id]);
    // In use once a check has seen it caught up.
    await replica.caughtUp();
    await until(async () => {
      await router.check();
      return router.states()[0]!.usable;
    });
    return { db, reader, router, read, onReplica, notes, write };
  }

  it('sends reads inside within() to the replica, which sees a write only once it has replayed it', async () => {
    // A bound long enough that the paused replica stays in use: what it answers is its own, older, state.
    const t = await setup({ maxLagMs: 60_000, readYourWritesMs: 120_000, checkEveryMs: 100 });
    expect(await t.onReplica()).toBe(true);
    // Outside within() (rebuilding a columnar copy after a write): the primary.
    const outside = await sql<{ r: boolean }>`SELECT pg_is_in_recovery() AS r`.execute(t.reader.db);
    expect(outside.rows[0]!.r).toBe(false);

    await replica.pauseReplay();
    try {
      await t.write(1);
      expect(await t.notes()).toBe(0);
    } finally {
      await replica.resumeReplay();
    }
    await replica.caughtUp();
    expect(await t.notes()).toBe(1);
    expect(await t.onReplica()).toBe(true);
  });

  it('reads the primary for a caller who just wrote, for a request that writes, and after a table write', async () => {
    const t = await setup({ maxLagMs: 60_000, readYourWritesMs: 700, checkEveryMs: 100 });
    await replica.pauseReplay();
    try {
      await t.write(1);
      t.router.wrote('alice');
      // Alice sees her write (primary); Bob still reads the replica, which has not replayed it.
      expect(await withReadScope({ key: 'alice' }, t.notes)).toBe(1);
      expect(await withReadScope({ key: 'alice' }, t.onReplica)).toBe(false);
      expect(await withReadScope({ key: 'bob' }, t.notes)).toBe(0);
      expect(await withReadScope({ key: 'bob', primary: true }, t.notes)).toBe(1);
      // After the pin, Alice is back on the replica.
      await new Promise((r) => setTimeout(r, 800));
      expect(await withReadScope({ key: 'alice' }, t.onReplica)).toBe(true);
      // A table write pins everyone for a while.
      t.router.pinAll();
      expect(await withReadScope({ key: 'bob' }, t.notes)).toBe(1);
    } finally {
      await replica.resumeReplay();
    }
  });

  it('reads the primary while the replica lags beyond the bound, and the replica again once it caught up', async () => {
    const t = await setup({ maxLagMs: 300, readYourWritesMs: 1000, checkEveryMs: 50 });
    await replica.pauseReplay();
    try {
      await t.write(1);
      await until(async () => {
        await t.router.check();
        return !t.router.states()[0]!.usable;
      });
      const [state] = t.router.states();
      expect(state!.up).toBe(true);
      expect(state!.lagMs).toBeGreaterThan(300);
      expect(state!.reason).toMatch(/lags/);
      expect(await t.onReplica()).toBe(false);
      expect(await t.notes()).toBe(1);
    } finally {
      await replica.resumeReplay();
    }
    await replica.caughtUp();
    await until(async () => {
      await t.router.check();
      return t.router.states()[0]!.usable;
    });
    expect(await t.onReplica()).toBe(true);
    expect(await t.notes()).toBe(1);
  });

  /** An app on a fresh schema whose reads may go to the replica (checks every 100 ms, no lag bound to speak of). */
  async function httpApp(readYourWritesMs: number) {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: primaryUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const db = openDatabase({
      databaseUrl: primaryUrl,
      pgSchema: schema,
      pgPoolSize: 3,
      readUrls: [replica.url],
      replicas: { maxLagMs: 60_000, readYourWritesMs, checkEveryMs: 100 },
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'multitude-replica-app-'));
    const multitude = await buildApp({
      config: testConfig(dataDir, { queryPath: 'rows' }),
      db,
      validateEvents: true,
      logStream: new Writable({ write: (_chunk, _encoding, done) => done() }),
    });
    const t = { ...multitude, logs: () => '', cleanup: async () => undefined } as TestApp;
    opened.push(async () => {
      await multitude.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
      rmSync(dataDir, { recursive: true, force: true });
    });
    return { t, admin, schema };
  }

  it('over HTTP: rows come from the replica, but a caller who just wrote reads the primary', async () => {
    const { t, admin, schema } = await httpApp(1500);
    const alice = await newUser(t);
    const { base, resourceId } = await newPublishedTable(t, alice, [{ a: 1 }, { a: 2 }]);
    const api = apiClient(t);
    // The count of a filtered query runs on the query reader (a plain first page reads the main pool). Distinct
    // filters, so that no answer comes from the query results cache.
    const rowCount = async (floor: number, as?: TestUser) => {
      const response = await api('GET', `${base}/rows?a__gte=${-floor}`, as);
      expect(response.statusCode).toBe(200);
      return (response.json() as { total: number }).total;
    };
    await replica.caughtUp();
    // The import wrote a table: everyone reads the primary until the pin ends.
    await new Promise((r) => setTimeout(r, 1600));
    const [{ table }] = (
      await admin.query<{ table: string }>(
        `SELECT table_name AS table FROM ${schema}.resource_versions WHERE resource_id = $1 AND status = 'live'`,
        [resourceId],
      )
    ).rows as [{ table: string }];
    await replica.pauseReplay();
    try {
      // Rows gone on the primary only: whoever still counts 2 read the replica.
      await admin.query(`DELETE FROM ${schema}."${table}"`);
      expect(await rowCount(10)).toBe(2);
      expect(await rowCount(11, alice)).toBe(2);
      // Alice writes (any request that may write): her next reads see the primary, on this instance.
      const wrote = await api('POST', '/datasets', alice, { title: 'Another', license: 'etalab-2.0' });
      expect(wrote.statusCode).toBe(201);
      expect(await rowCount(12, alice)).toBe(0);
      expect(await rowCount(13)).toBe(2);
    } finally {
      await replica.resumeReplay();
    }
  });

  it('over HTTP: the dataset list, the DCAT catalog and the activity feed come from the replica too', async () => {
    const { t } = await httpApp(1500);
    const alice = await newUser(t);
    const api = apiClient(t);
    const created = await api('POST', '/datasets', alice, {
      title: 'Tide tables',
      license: 'etalab-2.0',
      status: 'published',
    });
    expect(created.statusCode).toBe(201);
    await replica.caughtUp();
    // Alice's pin (she wrote) ends; the replica has everything so far.
    await new Promise((r) => setTimeout(r, 1600));
    const titles = async (as?: TestUser) => {
      const response = await api('GET', '/datasets?_limit=50', as);
      expect(response.statusCode).toBe(200);
      return (response.json() as { items: Array<{ title: string }> }).items.map((i) => i.title).sort();
    };
    const catalog = async (as?: TestUser) => {
      const response = await t.app.inject({
        method: 'GET',
        url: '/catalog?format=turtle',
        headers: as ? asSession(as) : {},
      });
      expect(response.statusCode).toBe(200);
      return response.body;
    };
    const feed = async (as?: TestUser) => {
      const response = await api('GET', '/activity?type=dataset.published', as);
      expect(response.statusCode).toBe(200);
      return (response.json() as { items: Array<{ payload: { title?: string } }> }).items.map((i) => i.payload.title);
    };
    expect(await titles()).toEqual(['Tide tables']);
    await replica.pauseReplay();
    try {
      // Written on the primary only, while the replica stands still.
      const wrote = await api('POST', '/datasets', alice, {
        title: 'Moon phases',
        license: 'etalab-2.0',
        status: 'published',
      });
      expect(wrote.statusCode).toBe(201);
      // Anyone else reads the replica, which has not replayed it: the list, the catalog, the feed lack it.
      expect(await titles()).toEqual(['Tide tables']);
      expect(await catalog()).toContain('Tide tables');
      expect(await catalog()).not.toContain('Moon phases');
      expect(await feed()).not.toContain('Moon phases');
      // Alice, who just wrote, reads the primary: she sees her dataset everywhere.
      expect(await titles(alice)).toEqual(['Moon phases', 'Tide tables']);
      expect(await catalog(alice)).toContain('Moon phases');
      expect(await feed(alice)).toContain('Moon phases');
    } finally {
      await replica.resumeReplay();
    }
    await replica.caughtUp();
    expect(await titles()).toEqual(['Moon phases', 'Tide tables']);
  });

  // Last: it stops the replica.
  it('reads the primary when the replica goes away, before a health check has noticed', async () => {
    // Checks far apart: the failed connection itself sets the replica aside.
    const t = await setup({ maxLagMs: 1000, readYourWritesMs: 2000, checkEveryMs: 60_000 });
    await t.write(1);
    expect(await t.onReplica()).toBe(true);
    // A statement under way on the replica when it stops: read again on the primary, without an error.
    const slow = t.read(sql<{ r: boolean }>`SELECT pg_is_in_recovery() AS r FROM pg_sleep(1.5)`);
    await new Promise((r) => setTimeout(r, 500));
    await replica.stop();
    expect((await slow)[0]!.r).toBe(false);
    expect(await t.onReplica()).toBe(false);
    expect(await t.notes()).toBe(1);
    const [state] = t.router.states();
    expect(state!.up).toBe(false);
    expect(state!.reason).toMatch(/unreachable/);
    // And a health check agrees.
    await t.router.check();
    expect(t.router.states()[0]!.usable).toBe(false);
    expect(await t.onReplica()).toBe(false);
    // Started again, it is read again once a check finds it up and caught up.
    await replica.start();
    await replica.caughtUp();
    await until(async () => {
      await t.router.check();
      return t.router.states()[0]!.usable;
    });
    expect(await t.onReplica()).toBe(true);
  });
});

async function until(test: () => Promise<boolean>, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
