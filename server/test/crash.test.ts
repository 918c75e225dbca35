/**
 * The crash table: a real server in a child process is killed with SIGKILL in the middle of an operation, then
 * started again on the same database and data directory. After the restart nothing committed is lost and nothing
 * half-done is live. Runs on SQLite and PostgreSQL (the suite's dialect).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer, type ServerResponse } from 'node:http';
import { readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { createTestDb, testDialect, type TestDb } from '../src/testing/harness.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/crash-server.ts', import.meta.url));

let testDb: TestDb;
let child: ChildProcess | undefined;
let output = '';
/** Only grows: a restart may be "later" (an expired lease), never earlier. */
let clockOffsetMs = 0;
/** What each scenario saw, printed at the end: the crash table of the report. */
const table: string[] = [];
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
      CRASH_ALLOW_PRIVATE: '1',
      CRASH_CLOCK_OFFSET_MS: String(clockOffsetMs),
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
  console.log(`crash table (${testDialect}):\n${table.join('\n')}`);
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
    table.push(
      `import: killed at ${at.rowsRead} of ${total} rows; v1 served meanwhile; rerun from the start -> v2 live with ${total} rows; orphan tables swept`,
    );
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tmpDir = () => join(testDb.dataDir, 'files', 'tmp');

describe('kill -9 during an upload', () => {
  it('keeps nothing of the cut upload: no version, no partial file after the restart, the live one unchanged', async () => {
    const created = await api('POST', `/datasets/${slug}/resources`, { as: editor, form: csvForm(smallCsv) });
    const resourceId = created.json.resource.id as string;
    expect((await jobDone(created.json.job.id)).status).toBe('succeeded');
    const boundary = 'crash-upload-boundary';
    const encoder = new TextEncoder();
    let chunks = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (chunks === 0)
          controller.enqueue(
            encoder.encode(
              `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\ncode,nom,population\n`,
            ),
          );
        const rows = Array.from({ length: 2000 }, (_, i) => `${chunks * 2000 + i},Ville,${i}`).join('\n') + '\n';
        controller.enqueue(encoder.encode(rows));
        chunks++;
        await sleep(10);
      },
    });
    const request = fetch(`${base}/api/v1/datasets/${slug}/resources/${resourceId}/versions`, {
      method: 'POST',
      headers: {
        cookie: editor.cookie,
        'x-csrf-token': editor.csrf,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      body,
      duplex: 'half',
    } as RequestInit).catch((e: unknown) => e);
    const partial = await waitFor(
      async () => {
        const files = readdirSync(tmpDir()).map((f) => join(tmpDir(), f));
        return files.find((f) => statSync(f).size > 500_000);
      },
      60_000,
      'a partial upload on disk',
    );
    await kill();
    await request;
    // The partial file is an hour old at the next start (a live upload elsewhere would still be writing it).
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(partial, old, old);
    await startServer();
    expect(readdirSync(tmpDir())).toEqual([]);
    const versions = await k()
      .selectFrom('resourceVersions')
      .select('number')
      .where('resourceId', '=', resourceId)
      .execute();
    expect(versions.map((v) => Number(v.number))).toEqual([1]);
    const resource = (await api('GET', `/datasets/${slug}/resources/${resourceId}`)).json;
    expect(resource.currentVersion.number).toBe(1);
    expect((await api('GET', `/datasets/${slug}/resources/${resourceId}/rows?_limit=100`)).json.rows).toHaveLength(50);
    table.push('upload: killed mid-body; no version row, v1 live; partial temp file removed at start');
  }, 180_000);
});

describe('kill -9 during a contribution accept', () => {
  it('applies all of it or none of it, whenever the process dies', async () => {
    const rows = 500;
    const csv = 'code,nom,population\n' + Array.from({ length: rows }, (_, i) => `${i},Ville ${i},${i}`).join('\n');
    const created = await api('POST', `/datasets/${slug}/resources`, { as: editor, form: csvForm(csv) });
    const resourceId = created.json.resource.id as string;
    expect((await jobDone(created.json.job.id)).status).toBe('succeeded');
    const contributor = await registerClient('crash-contrib');
    const outcomes: string[] = [];
    // The last variant kills right after the answer: the committed accept must survive.
    for (const [n, delay] of [20, 150, 400, 1000, 'answered' as const].entries()) {
      const value = 1_000_000 + n;
      const proposal = await api('POST', `/datasets/${slug}/resources/${resourceId}/contributions`, {
        as: contributor,
        body: {
          comment: `crash ${n}`,
          changes: Array.from({ length: rows }, (_, i) => ({
            op: 'update',
            rowId: i + 1,
            values: { population: value },
          })),
        },
      });
      expect(proposal.status, proposal.text).toBe(201);
      const id = proposal.json.id as string;
      const accept = api('POST', `/contributions/${id}/accept`, { as: editor, body: {} }).catch((e: unknown) => e);
      if (delay === 'answered') await accept;
      else await sleep(delay);
      await kill();
      const answered = await accept;
      await startServer();
      const status = (await api('GET', `/contributions/${id}`, { as: editor })).json.status as string;
      const changed = (await api('GET', `/datasets/${slug}/resources/${resourceId}/rows?population=${value}&_limit=1`))
        .json.total as number;
      const revisions = await sql<{
        n: number | string;
      }>`SELECT count(*) AS n FROM row_revisions WHERE contribution_id = ${id}`.execute(k());
      const events = await k()
        .selectFrom('events')
        .select('id')
        .where('type', '=', 'contribution.accepted')
        .where('subjectId', '=', id)
        .execute();
      if (status === 'accepted') {
        expect([changed, Number(revisions.rows[0]!.n), events.length]).toEqual([rows, rows, 1]);
      } else {
        expect(status).toBe('pending');
        expect([changed, Number(revisions.rows[0]!.n), events.length]).toEqual([0, 0, 0]);
        // Nothing half-done: it can still be accepted, whole.
        const again = await api('POST', `/contributions/${id}/accept`, { as: editor, body: {} });
        expect(again.status, again.text).toBe(200);
        expect(
          (await api('GET', `/datasets/${slug}/resources/${resourceId}/rows?population=${value}&_limit=1`)).json.total,
        ).toBe(rows);
      }
      outcomes.push(
        `${delay}${delay === 'answered' ? '' : ' ms'}: ${status}${answered instanceof Error ? '' : ' (answered)'}`,
      );
    }
    table.push(`contribution accept (${rows} changes), killed after ${outcomes.join('; ')}; all-or-nothing each time`);
  }, 300_000);
});

describe('kill -9 during a webhook delivery', () => {
  it('delivers the message again after the restart, and never marks it delivered without an answer', async () => {
    const received: string[] = [];
    const held: ServerResponse[] = [];
    let hold = true;
    const receiver = createServer((req, res) => {
      received.push(String(req.headers['webhook-id']));
      req.resume();
      if (hold) held.push(res);
      else res.end('ok');
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const sub = await api('POST', '/webhooks', { as: editor, body: { url, events: ['dataset.published'] } });
      expect(sub.status, sub.text).toBe(201);
      const ping = await api('POST', `/webhooks/${sub.json.id}/test`, { as: editor });
      expect(ping.status, ping.text).toBe(202);
      const messageId = ping.json.id as string;
      await waitFor(async () => (received.length > 0 ? true : undefined), 60_000, 'the first delivery');
      await kill();
      for (const res of held) res.destroy();
      const left = await k()
        .selectFrom('webhookMessages')
        .selectAll()
        .where('id', '=', messageId)
        .executeTakeFirstOrThrow();
      expect(left.status).toBe('pending');
      hold = false;
      // The restart comes after the dead process's lease (2 minutes for a full batch) has run out.
      clockOffsetMs += 5 * 60_000;
      await startServer();
      const delivered = await waitFor(
        async () => {
          const d = (await api('GET', `/webhooks/${sub.json.id}/deliveries/${messageId}`, { as: editor })).json;
          return d.status === 'delivered' ? d : undefined;
        },
        60_000,
        'the delivery after the restart',
      );
      expect(delivered.status).toBe('delivered');
      expect(received.length).toBeGreaterThanOrEqual(2);
      expect(new Set(received).size).toBe(1); // the same webhook-id: the receiver can drop the duplicate
      table.push(
        `webhook delivery: killed while the receiver held the request; message stayed pending; delivered after the lease (${received.length} requests, one webhook-id)`,
      );
    } finally {
      receiver.close();
    }
  }, 180_000);
});

describe('kill -9 during token and API key creation', () => {
  it('leaves only whole credentials: each one answered works, none exists without its event', async () => {
    const app = await api('POST', '/apps', {
      as: editor,
      body: { name: 'Crash app', description: 'keys under fire', redirectUris: ['https://example.org/cb'] },
    });
    expect(app.status, app.text).toBe(201);
    const appId = app.json.id as string;
    // Requests keep arriving 30 ms apart; the kill falls in the middle of them, once a few were answered.
    let answered = 0;
    const count = <T>(p: Promise<T>) => p.finally(() => answered++);
    const tokenCalls = Array.from({ length: 10 }, async (_, i) =>
      sleep(i * 30).then(() =>
        count(api('POST', '/me/tokens', { as: editor, body: { name: `t${i}`, scopes: ['profile:read'] } })).catch(
          () => null,
        ),
      ),
    );
    const keyCalls = Array.from({ length: 10 }, async (_, i) =>
      sleep(i * 30).then(() =>
        count(
          api('POST', `/apps/${appId}/keys`, { as: editor, body: { name: `k${i}`, scopes: ['profile:read'] } }),
        ).catch(() => null),
      ),
    );
    await waitFor(async () => (answered >= 4 ? true : undefined), 30_000, 'the first credentials');
    await kill();
    const tokens = (await Promise.all(tokenCalls)).filter((r) => r?.status === 201).map((r) => r!.json);
    const keys = (await Promise.all(keyCalls)).filter((r) => r?.status === 201).map((r) => r!.json);
    expect(tokens.length + keys.length, output.slice(-2000)).toBeGreaterThan(0);
    await startServer();
    for (const secret of [...tokens.map((t) => t.token as string), ...keys.map((x) => x.key as string)]) {
      const me = await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
      expect(me.status, secret.slice(0, 8)).toBe(200);
    }
    // Every stored credential committed with its event (one transaction): no half-created one.
    const tokenRows = await k().selectFrom('personalTokens').select('id').execute();
    const tokenEvents = await k()
      .selectFrom('events')
      .select('subjectId')
      .where('type', '=', 'token.created')
      .execute();
    expect(tokenRows.map((r) => r.id).sort()).toEqual(tokenEvents.map((e) => e.subjectId).sort());
    const keyRows = await k().selectFrom('appKeys').select('id').where('appId', '=', appId).execute();
    const keyEvents = await k().selectFrom('events').select('payload').where('type', '=', 'app.key_created').execute();
    const keyIds = keyEvents.map((e) => (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload).keyId);
    expect(keyRows.map((r) => r.id).sort()).toEqual(keyIds.sort());
    table.push(
      `token/key creation: 10 + 10 in flight, 30 ms apart, killed after 4 answers; ${tokens.length} tokens and ${keys.length} keys answered, all usable after restart; stored ${tokenRows.length} tokens / ${keyRows.length} keys, each with its event (unanswered ones are listed, their secret was never shown)`,
    );
  }, 180_000);
});
