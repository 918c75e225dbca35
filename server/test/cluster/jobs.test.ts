/**
 * Jobs anywhere (issue 16, item 2): import jobs are claimed from the database by any instance under a lease with a
 * fencing token. Two instances never hold one job at once; a holder whose lease passed on can write nothing; and
 * when the process running an import is killed (SIGKILL), another process finishes it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataStore } from '../../src/data/store.js';
import { newId } from '../../src/kernel/ids.js';
import { createTestDb, testDialect, type TestDb } from '../../src/testing/harness.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { startTestS3, type TestS3 } from '../../src/testing/s3.js';

let testDb: TestDb;
const store = createDataStore();

beforeAll(async () => {
  testDb = await createTestDb();
  await migrateToLatest(testDb.db);
});
afterAll(async () => testDb?.cleanup());

const k = () => testDb.db.kysely;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

async function queueJob(createdAt = iso(0)) {
  const id = newId('job');
  await k()
    .insertInto('jobs')
    .values({
      id,
      kind: 'import',
      status: 'queued',
      resourceId: null,
      versionId: null,
      input: '{}',
      rowsRead: 0,
      rowsRejected: 0,
      bytesRead: 0,
      totalBytes: null,
      error: null,
      report: null,
      createdBy: null,
      createdAt,
      startedAt: null,
      finishedAt: null,
      attempts: 0,
      leaseUntil: null,
      leaseOwner: null,
      fence: 0,
    })
    .execute();
  return id;
}

const claim = (owner: string, now = iso(0), leaseMs = 10_000) =>
  store.claimNextJob(k(), { now, leaseUntil: iso(leaseMs), owner, dialect: testDialect });

describe('job leases and fencing tokens', () => {
  it('gives each job to one claimer; a second holder after the lease ended fences the first out', async () => {
    await k().deleteFrom('jobs').execute();
    const id = await queueJob();
    const first = await claim('a');
    expect(first).toMatchObject({ id, status: 'running', leaseOwner: 'a' });
    expect(Number(first!.fence)).toBe(1);
    // Held under a live lease: nobody else gets it.
    expect(await claim('b')).toBeUndefined();
    expect(await store.fenceJob(k(), id, 1, { rowsRead: 10 })).toBe(true);
    // "a" stalls past its lease (as if its clock, or the world, stopped): "b" claims with a new token.
    const second = await claim('b', iso(60_000));
    expect(second).toMatchObject({ id, leaseOwner: 'b' });
    expect(Number(second!.fence)).toBe(2);
    expect(Number(second!.attempts)).toBe(2);
    // Split brain: both think they hold the job. Only the current token's writes land; the result of "a" is refused.
    expect(await store.fenceJob(k(), id, 1, { status: 'succeeded', rowsRead: 999 })).toBe(false);
    expect(await store.fenceJob(k(), id, 2, { rowsRead: 20 })).toBe(true);
    const row = await k().selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'running', leaseOwner: 'b' });
    expect(Number(row.rowsRead)).toBe(20);
    // A finished job is nobody's to write any more, whatever the token.
    expect(await store.fenceJob(k(), id, 2, { status: 'succeeded' })).toBe(true);
    expect(await store.fenceJob(k(), id, 2, { rowsRead: 1 })).toBe(false);
  });

  it('hands concurrent claimers different jobs, never one job twice', async () => {
    await k().deleteFrom('jobs').execute();
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => queueJob(iso(i))));
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => claim(`w${i}`)));
    const got = claims.filter((c) => c !== undefined).map((c) => c.id);
    expect(new Set(got).size).toBe(got.length);
    // Everyone who got nothing got nothing because the queue was empty for them.
    const left = await claim('late');
    expect(got.length + (left ? 1 : 0)).toBeLessThanOrEqual(ids.length);
    const fences = await k().selectFrom('jobs').select('fence').execute();
    expect(fences.every((f) => Number(f.fence) <= 1)).toBe(true);
  });
});

// Two real server processes on one database: the one running an import is killed, the other finishes it.
const fixture = fileURLToPath(new URL('../fixtures/crash-server.ts', import.meta.url));
const serverDir = fileURLToPath(new URL('../..', import.meta.url));

describe('kill -9 of the instance running an import', () => {
  const procs = new Map<number, ChildProcess>();
  const dirs: string[] = [];
  // The uploaded file must be readable by whichever instance resumes the import: an object store.
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startTestS3();
  });
  afterAll(async () => {
    for (const p of procs.values()) p.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await s3?.cleanup();
  });

  async function startInstance(port: number, dataDir: string) {
    const location = testDb.db.location;
    let output = '';
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      cwd: serverDir,
      env: {
        ...process.env,
        CRASH_DATA_DIR: dataDir,
        CRASH_PORT: String(port),
        CRASH_JOB_LEASE_MS: '3000',
        CRASH_S3: JSON.stringify(s3.config),
        ...(location.databaseUrl
          ? { CRASH_DATABASE_URL: location.databaseUrl, CRASH_PG_SCHEMA: location.pgSchema ?? '' }
          : { CRASH_SQLITE_FILE: location.sqliteFile! }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c) => (output += String(c)));
    child.stderr!.on('data', (c) => (output += String(c)));
    procs.set(port, child);
    const end = Date.now() + 60_000;
    for (;;) {
      if (
        await fetch(`http://127.0.0.1:${port}/readyz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (Date.now() > end || child.exitCode !== null) throw new Error(`instance ${port} did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return child;
  }

  it('is resumed and finished by the other instance, once, with every row', async () => {
    const portA = 21000 + Math.floor(Math.random() * 19000);
    const portB = portA + 1;
    const dirA = mkdtempSync(join(tmpdir(), 'multitude-a-'));
    const dirB = mkdtempSync(join(tmpdir(), 'multitude-b-'));
    dirs.push(dirA, dirB);
    // The database file (SQLite) lives with the test database; instance B shares A's secret (sessions).
    const secret = `${randomBytes(32).toString('base64url')}\n`;
    writeFileSync(join(dirA, 'secret.key'), secret, { mode: 0o600 });
    writeFileSync(join(dirB, 'secret.key'), secret, { mode: 0o600 });
    await Promise.all([startInstance(portA, dirA), startInstance(portB, dirB)]);

    const api = async (port: number, method: string, path: string, body?: unknown, headers = {}) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
        method,
        headers: { ...headers, ...(body && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}) },
        body: body instanceof FormData ? body : body ? JSON.stringify(body) : undefined,
      });
      return { res, json: await res.json().catch(() => null) };
    };
    const handle = `kill-${process.pid}`;
    const reg = await fetch(`http://127.0.0.1:${portA}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `${handle}@example.org`, password: 'a quiet kill test', handle, name: handle }),
    });
    expect(reg.status).toBe(201);
    const cookies = reg.headers.getSetCookie().map((c) => c.split(';')[0]!);
    const session = {
      cookie: cookies.filter((c) => /^mt_(session|csrf)=/.test(c)).join('; '),
      'x-csrf-token': cookies.find((c) => c.startsWith('mt_csrf='))!.slice('mt_csrf='.length),
    };
    // Sessions are valid on any instance: the dataset is created through B.
    const ds = await api(portB, 'POST', '/datasets', { title: 'Kill', license: 'etalab-2.0' }, session);
    expect(ds.res.status, JSON.stringify(ds.json)).toBe(201);
    const total = 30_000;
    const lines = ['code,nom,population'];
    for (let i = 0; i < total; i++) lines.push(`${i},Commune ${i},${(i * 7919) % 100000}`);
    const form = new FormData();
    form.set('file', new Blob([lines.join('\n')], { type: 'text/csv' }), 'big.csv');
    const up = await api(portA, 'POST', `/datasets/${ds.json.slug}/resources`, form, session);
    expect(up.res.status, JSON.stringify(up.json)).toBe(201);
    const jobId = up.json.job.id as string;

    // Wait until some instance holds the job and has written rows, then kill that one.
    let holder: { leaseOwner: string | null; fence: number } | undefined;
    const end = Date.now() + 90_000;
    while (!holder) {
      const row = await k()
        .selectFrom('jobs')
        .select(['status', 'rowsRead', 'leaseOwner', 'fence'])
        .where('id', '=', jobId)
        .executeTakeFirst();
      if (row?.status === 'running' && Number(row.rowsRead) > 0) holder = row;
      else if (Date.now() > end || row?.status === 'succeeded')
        throw new Error(`job not caught running: ${row?.status}`);
      else await new Promise((r) => setTimeout(r, 20));
    }
    const victimPid = Number(holder.leaseOwner!.split(':').pop());
    const [victimPort, victim] = [...procs.entries()].find(([, p]) => p.pid === victimPid)!;
    const survivor = victimPort === portA ? portB : portA;
    victim.kill('SIGKILL');
    await new Promise((r) => victim.once('exit', r));
    procs.delete(victimPort);

    let done: { status: string; attempts: number; leaseOwner: string | null; fence: number } | undefined;
    const end2 = Date.now() + 120_000;
    while (!done) {
      const row = await k()
        .selectFrom('jobs')
        .select(['status', 'attempts', 'leaseOwner', 'fence', 'error'])
        .where('id', '=', jobId)
        .executeTakeFirstOrThrow();
      if (row.status === 'succeeded' || row.status === 'failed') done = row;
      else if (Date.now() > end2) throw new Error('the surviving instance did not finish the job');
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(done.status, JSON.stringify(done)).toBe('succeeded');
    expect(Number(done.attempts)).toBe(2);
    expect(Number(done.fence)).toBe(Number(holder.fence) + 1);
    expect(done.leaseOwner).not.toBe(holder.leaseOwner);
    const resource = await api(
      survivor,
      'GET',
      `/datasets/${ds.json.slug}/resources/${up.json.resource.id}`,
      undefined,
      session,
    );
    expect(resource.json.currentVersion.rowCount).toBe(total);
    const imported = await k().selectFrom('events').select('id').where('type', '=', 'resource.imported').execute();
    expect(imported).toHaveLength(1);
  }, 240_000);
});
