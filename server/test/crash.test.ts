/**
 * The crash table: a real server in a child process is killed with SIGKILL in the middle of an operation, then
 * started again on the same database and data directory. After the restart nothing committed is lost and nothing
 * half-done is live. Runs on SQLite and PostgreSQL (the suite's dialect).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { createTestDb, testDialect, type TestDb } from '../src/testing/harness.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/crash-server.ts', import.meta.url));

let testDb: TestDb;
let child: ChildProcess | undefined;
let output = '';
const port = 21000 + Math.floor(Math.random() * 19000);
const base = `http://127.0.0.1:${port}`;

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; server output:\n${output.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts the server process and waits until it answers. */
async function startServer(extraEnv: Record<string, string> = {}): Promise<void> {
  const location = testDb.db.location;
  child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    cwd: serverDir,
    env: {
      ...process.env,
      CRASH_DATA_DIR: testDb.dataDir,
      CRASH_PORT: String(port),
      ...extraEnv,
      ...(location.databaseUrl
        ? { CRASH_DATABASE_URL: location.databaseUrl, CRASH_PG_SCHEMA: location.pgSchema ?? '' }
        : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c) => (output += String(c)));
  child.stderr!.on('data', (c) => (output += String(c)));
  await waitFor(async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined), 60_000, 'the server');
}

/** SIGKILL: no shutdown hook, no finally, no flush. */
async function kill(): Promise<void> {
  const proc = child!;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
  child = undefined;
}

interface Client {
  cookie: string;
  csrf: string;
}
let editor: Client;
let slug: string;

async function api(
  method: string,
  path: string,
  options: { body?: unknown; form?: FormData; as?: Client; signal?: AbortSignal } = {},
) {
  const headers: Record<string, string> = {};
  if (options.as) Object.assign(headers, { cookie: options.as.cookie, 'x-csrf-token': options.as.csrf });
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers,
    body: options.form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    signal: options.signal,
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: (text ? JSON.parse(text) : null) as ReturnType<typeof JSON.parse>,
    text,
  };
}

async function registerClient(prefix: string): Promise<Client> {
  const handle = `${prefix}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  const res = await fetch(`${base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${handle}@example.org`, password: 'a quiet crash test', handle, name: prefix }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const session = cookies.find((c) => c.startsWith('mt_session='))!;
  const csrf = cookies.find((c) => c.startsWith('mt_csrf='))!.slice('mt_csrf='.length);
  return { cookie: session, csrf };
}

const csvForm = (content: string | Blob, fields: Record<string, string> = {}) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', typeof content === 'string' ? new Blob([content], { type: 'text/csv' }) : content, 'data.csv');
  return form;
};

async function jobDone(id: string, timeoutMs = 120_000) {
  return waitFor(
    async () => {
      const j = (await api('GET', `/jobs/${id}`)).json;
      return j.status === 'succeeded' || j.status === 'failed' ? j : undefined;
    },
    timeoutMs,
    `job ${id}`,
  );
}

const k = () => testDb.db.kysely;

/** Names of every table of resource versions in the database (derived full-text tables included). */
async function versionTables(): Promise<string[]> {
  const rows =
    testDialect === 'sqlite'
      ? await sql<{
          name: string;
        }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rows\_%' ESCAPE '\\'`.execute(k())
      : await sql<{
          name: string;
        }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'rows\_%' ESCAPE '\\'`.execute(
          k(),
        );
  return rows.rows.map((r) => r.name).sort();
}

beforeAll(async () => {
  testDb = await createTestDb();
  await startServer();
  editor = await registerClient('crash');
  const org = await api('POST', '/organizations', { as: editor, body: { name: `Crash ${process.pid}` } });
  expect(org.status, org.text).toBe(201);
  const ds = await api('POST', '/datasets', {
    as: editor,
    body: { title: 'Crash', organization: org.json.slug, license: 'etalab-2.0', status: 'published' },
  });
  expect(ds.status, ds.text).toBe(201);
  slug = ds.json.slug;
}, 120_000);

afterAll(async () => {
  if (child) await kill();
  await testDb?.cleanup();
});

const smallCsv =
  'code,nom,population\n' + Array.from({ length: 50 }, (_, i) => `${i},Ville ${i},${1000 + i}`).join('\n');
function bigCsv(rows: number): string {
  const lines = ['code,nom,population,surface,commentaire'];
  for (let i = 0; i < rows; i++)
    lines.push(`${i},Commune numéro ${i},${(i * 7919) % 100000},${(i % 1000) / 10},texte libre de la ligne ${i}`);
  return lines.join('\n');
}

describe('kill -9 during an import', () => {
  it('restarts the interrupted job cleanly: previous version live meanwhile, no orphan table after', async () => {
    const first = await api('POST', `/datasets/${slug}/resources`, { as: editor, form: csvForm(smallCsv) });
    expect(first.status, first.text).toBe(201);
    const resourceId = first.json.resource.id as string;
    expect((await jobDone(first.json.job.id)).status).toBe('succeeded');

    const total = 300_000;
    const upload = await api('POST', `/datasets/${slug}/resources/${resourceId}/versions`, {
      as: editor,
      form: csvForm(bigCsv(total)),
    });
    expect(upload.status, upload.text).toBe(201);
    const jobId = upload.json.job.id as string;
    // Kill at about 30 % of the file.
    const at = await waitFor(
      async () => {
        const p = (await api('GET', `/jobs/${jobId}`)).json.progress;
        return p.totalBytes && p.bytesRead / p.totalBytes >= 0.3 ? p : undefined;
      },
      120_000,
      '30 % of the import',
    );
    await kill();
    expect(at.rowsRead).toBeLessThan(total);

    // What the dead process left: a half-filled table, a job still "running", v1 still live.
    const version2 = (await k()
      .selectFrom('resourceVersions')
      .selectAll()
      .where('resourceId', '=', resourceId)
      .where('number', '=', 2)
      .executeTakeFirstOrThrow())!;
    const table2 = `rows_${version2.id.replace(/^ver_/, '')}`;
    expect(await versionTables()).toContain(table2);
    const job = await k().selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();
    expect(job.status).toBe('running');
    // And an orphan from an older accident: a table whose version failed long ago.
    const orphanVersion = 'ver_01jzzzzzzzzzzzzzzzzzzzzzzz';
    const orphan = `rows_${orphanVersion.slice(4)}`;
    await sql`CREATE TABLE ${sql.table(orphan)} (c0 text)`.execute(k());

    await startServer();
    // While the job runs again, the previous version is the one served.
    const during = await api('GET', `/datasets/${slug}/resources/${resourceId}/rows?_limit=1`);
    expect(during.status).toBe(200);
    const done = await jobDone(jobId, 240_000);
    expect(done.status, JSON.stringify(done)).toBe('succeeded');
    expect(done.progress.rowsRead).toBe(total);
    const resource = (await api('GET', `/datasets/${slug}/resources/${resourceId}`)).json;
    expect(resource.currentVersion.number).toBe(2);
    const page = (await api('GET', `/datasets/${slug}/resources/${resourceId}/rows?_limit=1&code=${total - 1}`)).json;
    expect(page.rows).toHaveLength(1);
    const count = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql.table(table2)}`.execute(k());
    expect(Number(count.rows[0]!.n)).toBe(total); // not 130 % of it: the dead attempt's rows were dropped
    const live = await k().selectFrom('jobs').select('attempts').where('id', '=', jobId).executeTakeFirstOrThrow();
    expect(Number(live.attempts)).toBe(2);
    // The sweep removed the orphan, and the superseded v1 table is gone: only v2's table (and derived) remain.
    const tables = await versionTables();
    expect(tables).not.toContain(orphan);
    expect(tables.every((t) => t.startsWith(table2))).toBe(true);
  }, 400_000);

  it('fails a job that the process died on three times, with its reason, and keeps the live version', async () => {
    const resourceId = (await k()
      .selectFrom('resources')
      .select('id')
      .where('currentVersionId', 'is not', null)
      .executeTakeFirstOrThrow())!.id;
    const upload = await api('POST', `/datasets/${slug}/resources/${resourceId}/versions`, {
      as: editor,
      form: csvForm(bigCsv(100_000)),
    });
    const jobId = upload.json.job.id as string;
    await waitFor(
      async () => ((await api('GET', `/jobs/${jobId}`)).json.status === 'running' ? true : undefined),
      60_000,
      'the job to run',
    );
    await kill();
    // As if this was already its third death.
    await k().updateTable('jobs').set({ attempts: 3 }).where('id', '=', jobId).execute();
    await startServer();
    const done = await jobDone(jobId);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/stopped 3 times/);
    const resource = (await api('GET', `/datasets/${slug}/resources/${resourceId}`)).json;
    expect(resource.currentVersion.number).toBe(2);
    const version3 = await k()
      .selectFrom('resourceVersions')
      .select(['id', 'status'])
      .where('resourceId', '=', resourceId)
      .where('number', '=', 3)
      .executeTakeFirstOrThrow();
    expect(version3.status).toBe('failed');
    expect(await versionTables()).not.toContain(`rows_${version3.id.slice(4)}`);
  }, 240_000);
});
