// npm run bench:community — the contributions benchmark on SQLite:
// 1. generates a deterministic CSV of BENCH_ROWS rows (default 1,000,000) and imports it through the HTTP
//    API into a server running in its own process (this file, started with --serve);
// 2. BENCH_USERS users (default 8, trust level 4 so that no daily limit applies) submit BENCH_CONTRIBUTIONS
//    pending proposals (default 10,000; one row update each) over HTTP from BENCH_CLIENTS concurrent
//    clients (default 8) → proposals/s;
// 3. the dataset's owner accepts them all over HTTP (BENCH_ACCEPT_CLIENTS concurrent clients, default 4):
//    each accept applies the row, writes its revision and changelog entry and records its events → accepts/s;
// 4. the lag of the reputation consumer: from the last accept's answer until every author's reputation
//    (GET /api/v1/users/{handle}) shows every accept;
// 5. writes bench/results/community.json.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, openAsBlob, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { rng } from './random.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CONTRIBUTIONS = Number(process.env.BENCH_CONTRIBUTIONS ?? 10_000);
const USERS = Number(process.env.BENCH_USERS ?? 8);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const ACCEPT_CLIENTS = Number(process.env.BENCH_ACCEPT_CLIENTS ?? 4);

interface Session {
  cookie: string;
  csrf: string;
  handle: string;
}
const sessionOf = (res: Response, handle: string): Session => {
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, csrf: /mt_csrf=([^;]+)/.exec(cookie)![1]!, handle };
};

if (process.argv.includes('--serve')) {
  // The server process: prints one JSON line {base, admin} when ready; stops on SIGTERM.
  const { buildApp } = await import('../server/src/app.js');
  const { loadConfig } = await import('../server/src/config.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'multitude-bench-community-'));
  const config = {
    ...loadConfig({ MULTITUDE_DATA_DIR: dataDir, MULTITUDE_DEMO: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' }),
    host: '127.0.0.1',
  };
  const multitude = await buildApp({ config, startDispatcher: true });
  await multitude.app.listen({ port: 0, host: '127.0.0.1' });
  const address = multitude.app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const user = {
    email: 'bench-admin@example.org',
    password: 'bench password 123',
    handle: 'bench-admin',
    name: 'Bench admin',
  };
  const reg = await fetch(`${base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  await multitude.platform.accounts.createAdmin({ email: user.email });
  process.stdout.write(JSON.stringify({ base, admin: sessionOf(reg, user.handle) }) + '\n');
  process.once('SIGTERM', () => {
    void multitude.close().then(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  });
} else {
  await runBenchmark();
}

async function generate(path: string) {
  const random = rng(7);
  const out = createWriteStream(path);
  out.write('id,code,commune,population,superficie\n');
  let chunk = '';
  for (let i = 1; i <= ROWS; i++) {
    chunk += `${i},C${String(Math.floor(random() * 100_000)).padStart(5, '0')},Commune ${i},${Math.floor(random() * 200_000)},${Math.round(random() * 50_000) / 100}\n`;
    if (i % 10_000 === 0) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
}

/** Runs `count` tasks with `clients` concurrent workers. */
async function pool(count: number, clients: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < count; i = next++) await task(i);
    }),
  );
}

async function runBenchmark() {
  if (CONTRIBUTIONS > ROWS) throw new Error('BENCH_CONTRIBUTIONS must not exceed BENCH_ROWS (one row per proposal)');
  const work = join(tmpdir(), `multitude-bench-community-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const csvPath = join(work, 'communes.csv');
  let started = Date.now();
  await generate(csvPath);
  console.log(`generated ${ROWS} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const server = spawn(process.execPath, ['--import', 'tsx', 'bench/community.ts', '--serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  const { base, admin } = JSON.parse(
    await new Promise<string>((resolve, reject) => {
      createInterface({ input: server.stdout! }).once('line', resolve);
      server.once('exit', (code) => reject(new Error(`benchmark server exited with ${code}`)));
    }),
  ) as { base: string; admin: Session };
  process.on('exit', () => server.kill('SIGTERM'));
  process.on('uncaughtException', (error) => {
    console.error(error);
    process.exit(1);
  });
  const call = async <T = Record<string, unknown>>(
    who: Session | undefined,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> => {
    const headers: Record<string, string> = who ? { cookie: who.cookie, 'x-csrf-token': who.csrf } : {};
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(base + path, { method, headers, body: payload });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<T>;
  };

  // The dataset and its resource, imported through the API.
  await call(admin, 'POST', '/api/v1/datasets', {
    title: 'Communes (benchmark)',
    slug: 'bench-communes',
    license: 'etalab-2.0',
    status: 'published',
  });
  const form = new FormData();
  form.append('title', 'Communes');
  form.append('file', await openAsBlob(csvPath, { type: 'text/csv' }), 'communes.csv');
  started = Date.now();
  const created = await call<{ resource: { id: string }; job: { id: string } }>(
    admin,
    'POST',
    '/api/v1/datasets/bench-communes/resources',
    form,
  );
  for (;;) {
    const job = await call<{ status: string; error: string | null }>(admin, 'GET', `/api/v1/jobs/${created.job.id}`);
    if (job.status === 'failed') throw new Error(`import failed: ${job.error}`);
    if (job.status === 'succeeded') break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const importSeconds = (Date.now() - started) / 1000;
  console.log(JSON.stringify({ import: { rows: ROWS, seconds: importSeconds } }));
  const base_ = `/api/v1/datasets/bench-communes/resources/${created.resource.id}`;

  // Contributors: trust level 4 (no daily proposal limit), set by the administrator.
  const users: Session[] = [];
  for (let u = 0; u < USERS; u++) {
    const user = {
      email: `bench-${u}@example.org`,
      password: 'bench password 123',
      handle: `bench-user-${u}`,
      name: `Bench user ${u}`,
    };
    const res = await fetch(`${base}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(user),
    });
    if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
    users.push(sessionOf(res, user.handle));
    await call(admin, 'PUT', `/api/v1/users/${user.handle}/trust-level`, { level: 4, reason: 'benchmark' });
  }

  // Proposals: one row update each, distinct rows (no conflicts), round-robin over the users.
  const ids: string[] = new Array<string>(CONTRIBUTIONS);
  const perUser = new Map<string, number>();
  started = performance.now();
  await pool(CONTRIBUTIONS, CLIENTS, async (i) => {
    const who = users[i % USERS]!;
    const rowId = 1 + Math.floor((i * ROWS) / CONTRIBUTIONS);
    const c = await call<{ id: string }>(who, 'POST', `${base_}/contributions`, {
      changes: [{ op: 'update', rowId, values: { population: 1_000_000 + i } }],
      comment: `Recensement ${i}`,
    });
    ids[i] = c.id;
    perUser.set(who.handle, (perUser.get(who.handle) ?? 0) + 1);
  });
  const proposeSeconds = (performance.now() - started) / 1000;
  const proposals = {
    count: CONTRIBUTIONS,
    users: USERS,
    clients: CLIENTS,
    seconds: proposeSeconds,
    perSecond: Math.round(CONTRIBUTIONS / proposeSeconds),
  };
  console.log(JSON.stringify({ proposals }));

  // Accepts by the dataset's owner.
  started = performance.now();
  await pool(CONTRIBUTIONS, ACCEPT_CLIENTS, async (i) => {
    await call(admin, 'POST', `/api/v1/contributions/${ids[i]}/accept`, {});
  });
  const lastAcceptAt = performance.now();
  const acceptSeconds = (lastAcceptAt - started) / 1000;
  const accepts = {
    count: CONTRIBUTIONS,
    clients: ACCEPT_CLIENTS,
    seconds: acceptSeconds,
    perSecond: Math.round(CONTRIBUTIONS / acceptSeconds),
  };
  console.log(JSON.stringify({ accepts }));

  // Reputation: 10 points per accepted contribution + 1 per row (one row each).
  const expected = new Map([...perUser].map(([handle, n]) => [handle, n * 11]));
  let polls = 0;
  for (;;) {
    polls += 1;
    const totals = await Promise.all(
      [...expected.keys()].map(
        async (h) => (await call<{ reputation: number }>(undefined, 'GET', `/api/v1/users/${h}`)).reputation,
      ),
    );
    if ([...expected.values()].every((v, k) => totals[k] === v)) break;
    if (performance.now() - lastAcceptAt > 600_000)
      throw new Error(`reputation never caught up: ${JSON.stringify(totals)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const reputationLag = { seconds: (performance.now() - lastAcceptAt) / 1000, polls };
  console.log(JSON.stringify({ reputationLag }));

  const rss = Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid!}/status`, 'utf8'))![1]) / 1024);
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    'bench/results/community.json',
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        database: 'sqlite',
        rows: ROWS,
        import: { seconds: importSeconds },
        proposals,
        accepts,
        reputationLag,
        serverPeakRssMb: rss,
      },
      null,
      2,
    ) + '\n',
  );
  server.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
