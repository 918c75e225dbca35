// npm run bench:cluster — several instances behind a load balancer, under load, then under faults.
//
// 1, 2 and 3 instances of the built server (child processes of server/bin/multitude.mjs: build it first) behind
// HAProxy (/usr/sbin/haproxy; installed with apt-get when missing and allowed) or, failing that, a tiny Node
// round-robin proxy — the output says which. They share a fresh PostgreSQL database (created on the test cluster,
// dropped afterwards), a Redis started here on a free port (never the shared 6379) and an S3 server
// (@20minutes/s3rver, in this process). Redis keeps an append-only file (`--appendonly yes --appendfsync
// everysec`), so its restart keeps the counters, as recommended in production. Mixed workload from
// BENCH_CONNECTIONS (16) loops: 70 % reads (rows of a table, the dataset list), 20 % authenticated API calls with
// two apps' API keys, 10 % each: one on a tiny `free` plan (BENCH_KEY_LIMIT, 10 per 10 s) that is always over its
// limit, one on a realistic `partner` plan (BENCH_REALISTIC_LIMIT, 100 per 10 s),
// 10 % writes (new datasets, CSV uploads that S3 stores and an import job reads). Throughput and p99 for each
// instance count (BENCH_PHASE_SECONDS, 20 s each), then a fault run on 3 instances (BENCH_FAULT_SECONDS, 60 s;
// the schedule below scales with it): Redis restarted at 10 s, kill -9 one instance at 20 s and 40 s (restarted at
// once), S3 paused for 5 s at 30 s, the read replica stopped for 5 s at 50 s. Reads may go to a real streaming
// replica of the database (server/src/testing/pg-replica.ts, DATABASE_READ_URLS) when the test cluster allows one
// (BENCH_NO_REPLICA=1: none). Writes publish datasets, and a webhook receiver here (signatures verified with
// standardwebhooks, deliveries identified by webhook-id) is subscribed to them.
// Counted: failed requests by class — HAProxy 503 (no backend), other load-balancer 5xx (502/504: an instance
// died mid-answer), instance 5xx (problem+json), connection resets, client timeouts (BENCH_CLIENT_TIMEOUT_MS,
// 30 s) — and by the faults under way when they started (with the requests in flight on a killed instance, read
// from HAProxy's stats socket just before the kill); events lost (after settling, events past some consumer's
// cursor); webhook messages lost or delivered twice; imports left unfinished; rate-limit overshoot per plan and
// overall: calls accepted beyond what the plan allows, window by window (see `overshoot` below).
// Results: bench/results/cluster.json and a table. Default run: about 5 minutes.
// The machine is shared: read the figures as ratios, with the load average printed next to them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { startTestS3 } from '../server/src/testing/s3.js';
import { replicaSupport, startReplica, type PgReplica } from '../server/src/testing/pg-replica.js';
import { registerBenchUser } from './session.js';

const PHASE_SECONDS = Number(process.env.BENCH_PHASE_SECONDS ?? 20);
const FAULT_SECONDS = Number(process.env.BENCH_FAULT_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const CLIENT_TIMEOUT_MS = Number(process.env.BENCH_CLIENT_TIMEOUT_MS ?? 30_000);
/** A failure counts for the faults under way when it started, and for this long after a fault ended. */
const FAULT_GRACE_MS = 2000;
const ADMIN_URL =
  process.env.BENCH_DATABASE_URL ?? process.env.MULTITUDE_TEST_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const HAPROXY = '/usr/sbin/haproxy';
const SHARED_FILES = ['secret.key', 'log.key', 'log.next.key'];
/** The app plans of the benchmark's two keys (MULTITUDE_RATE_LIMITS overrides the built-in `free` and `partner`). */
const KEY_PLANS = {
  tiny: { plan: 'free', burst: { limit: Number(process.env.BENCH_KEY_LIMIT ?? 10), windowSeconds: 10 } },
  realistic: { plan: 'partner', burst: { limit: Number(process.env.BENCH_REALISTIC_LIMIT ?? 100), windowSeconds: 10 } },
};
type KeyName = keyof typeof KEY_PLANS;
const KEY_NAMES = Object.keys(KEY_PLANS) as KeyName[];

if (!existsSync('server/dist/cli.js')) {
  console.error('Build the server first: npm run build -w server');
  process.exit(1);
}

const progress = (what: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${what}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const work = mkdtempSync(join(tmpdir(), 'multitude-bench-cluster-'));
const cleanups: Array<() => Promise<void> | void> = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, timeoutMs: number, test: () => Promise<boolean>) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await test().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

// PostgreSQL: a database of our own.
const dbName = `mt_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const databaseUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${dbName}` }).toString();
cleanups.push(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e: unknown) => console.error(String(e)));
  await admin.end();
});

// A streaming replica of the test cluster (so of our database), when the cluster allows one.
let replica: PgReplica | undefined;
let replicaNote = 'none (BENCH_NO_REPLICA=1)';
if (process.env.BENCH_NO_REPLICA !== '1') {
  const support = await replicaSupport(ADMIN_URL);
  if (support.ok) {
    progress('making a streaming replica (pg_basebackup)');
    replica = await startReplica(databaseUrl, support.bin!);
    cleanups.push(() => replica!.remove());
    replicaNote = 'streaming replica (DATABASE_READ_URLS)';
  } else replicaNote = `none: ${support.reason}`;
}

// Redis: our own, on a free port, so that restarting it disturbs nobody else.
const redisPort = await freePort();
const redisDir = join(work, 'redis');
mkdirSync(redisDir, { recursive: true });
let redis: ChildProcess | undefined;
const redisPing = () =>
  new Promise<boolean>((resolve) => {
    const socket = connect(redisPort, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(String(d).startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
async function startRedis() {
  redis = spawn(
    'redis-server',
    // The append-only file survives the restart (Redis writes it out on SIGTERM), as in production.
    [
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--dir',
      redisDir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
    ],
    {
      stdio: 'ignore',
    },
  );
  await waitFor('Redis', 10_000, redisPing);
}
async function stopRedis() {
  const r = redis;
  redis = undefined;
  if (!r || r.exitCode !== null) return;
  await new Promise((resolve) => {
    r.once('exit', resolve);
    r.kill('SIGTERM');
  });
}
// Everything started from here on is stopped in the `finally` below, even when the run fails.
try {
  await startRedis();
  cleanups.push(stopRedis);

  // S3: in this process.
  const s3 = await startTestS3();
  cleanups.push(() => s3.cleanup());

  // The instances.
  interface Instance {
    n: number;
    port: number;
    dir: string;
    child?: ChildProcess;
  }
  const instances: Instance[] = [];
  for (let n = 1; n <= 3; n++) instances.push({ n, port: await freePort(), dir: join(work, `instance-${n}`) });
  const proxyPort = await freePort();

  async function startInstance(instance: Instance) {
    mkdirSync(instance.dir, { recursive: true });
    if (instance.n > 1)
      for (const file of SHARED_FILES) {
        const from = join(instances[0]!.dir, file);
        if (existsSync(from) && !existsSync(join(instance.dir, file))) copyFileSync(from, join(instance.dir, file));
      }
    const child = spawn(process.execPath, ['server/bin/multitude.mjs', 'serve'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        PORT: String(instance.port),
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        MULTITUDE_S3_URL: s3.settings.url,
        MULTITUDE_S3_BUCKET: s3.settings.bucket,
        MULTITUDE_S3_ACCESS_KEY_ID: s3.settings.accessKeyId,
        MULTITUDE_S3_SECRET_ACCESS_KEY: s3.settings.secretAccessKey,
        MULTITUDE_S3_PREFIX: s3.settings.prefix,
        MULTITUDE_DATA_DIR: instance.dir,
        MULTITUDE_DEMO: '0',
        MULTITUDE_BASE_URL: `http://127.0.0.1:${proxyPort}`,
        MULTITUDE_TRUST_PROXY: '1',
        MULTITUDE_QUERY_WORKERS: '2',
        MULTITUDE_JOB_LEASE_MS: '5000',
        ...(replica ? { DATABASE_READ_URLS: replica.url } : {}),
        // The webhook receiver listens on 127.0.0.1.
        MULTITUDE_OUTBOUND_ALLOW_PRIVATE: '1',
        MULTITUDE_RATE_LIMIT_PREFIX: `mt:bench:rl:`,
        // A tiny `free` plan, so that its key is over its limit even on a slow machine, and a realistic `partner` one.
        MULTITUDE_RATE_LIMITS: JSON.stringify({
          [KEY_PLANS.tiny.plan]: { burst: KEY_PLANS.tiny.burst, daily: null },
          [KEY_PLANS.realistic.plan]: { burst: KEY_PLANS.realistic.burst, daily: null },
        }),
        // Until Redis has counted them, the limits' fallback assumes 3 instances (each allows a third).
        MULTITUDE_INSTANCES: '3',
        LOG_LEVEL: 'error',
      },
    });
    instance.child = child;
    await waitFor(`instance ${instance.n}`, 180_000, async () => {
      if (child.exitCode !== null) throw new Error(`instance ${instance.n} exited with ${child.exitCode}`);
      return (await fetch(`http://127.0.0.1:${instance.port}/readyz`, { signal: AbortSignal.timeout(2000) })).ok;
    });
  }
  function killInstance(instance: Instance, signal: NodeJS.Signals) {
    const child = instance.child;
    instance.child = undefined;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
  cleanups.push(async () => {
    await Promise.all(instances.map((i) => killInstance(i, 'SIGTERM')));
  });
  progress('starting 3 instances');
  await startInstance(instances[0]!); // migrates the database, makes the shared keys
  // One after the other: starting is CPU-heavy, and the machine may be shared.
  for (const instance of instances.slice(1)) await startInstance(instance);

  // The load balancer.
  let proxyKind: 'haproxy' | 'node round-robin' = 'node round-robin';
  if (!existsSync(HAPROXY) && process.env.BENCH_NO_APT !== '1') {
    console.error('haproxy missing: apt-get install haproxy …');
    spawnSync('apt-get', ['install', '-y', '-qq', 'haproxy'], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  if (existsSync(HAPROXY)) proxyKind = 'haproxy';
  let haproxy: ChildProcess | undefined;
  let nodeProxy: ReturnType<typeof createServer> | undefined;
  let backends: Instance[] = [];
  const statsSocket = join(work, 'haproxy.sock');
  /** Requests in flight on instance `n` now, from HAProxy's stats (scur of its server); null without HAProxy. */
  function inFlight(n: number): Promise<number | null> {
    if (proxyKind !== 'haproxy') return Promise.resolve(null);
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      const socket = connect(statsSocket, () => socket.write('show stat\n'));
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', () => resolve(null));
      socket.on('end', () => {
        const lines = Buffer.concat(chunks).toString('utf8').split('\n');
        const header = (lines[0] ?? '').replace(/^# /, '').split(',');
        const row = lines.map((l) => l.split(',')).find((f) => f[0] === 'multitude' && f[1] === `m${n}`);
        const value = row?.[header.indexOf('scur')];
        resolve(value === undefined ? null : Number(value));
      });
    });
  }

  /** HAProxy as in deploy/haproxy.cfg (health checks on /readyz, retries on connection failures), on `count`. */
  async function balance(count: number) {
    backends = instances.slice(0, count);
    if (proxyKind === 'haproxy') {
      if (haproxy) await stopProcess(haproxy);
      const cfg = join(work, 'haproxy.cfg');
      writeFileSync(
        cfg,
        [
          'global',
          '    maxconn 4000',
          `    stats socket ${statsSocket} mode 600 level admin`,
          'defaults',
          '    mode http',
          '    option forwardfor',
          '    option http-server-close',
          '    timeout connect 3s',
          '    timeout client 60s',
          '    timeout server 60s',
          // A loaded instance may take seconds to answer /readyz: a check fails on a refused connection at
          // once, not on a slow answer (the default check timeout, `inter`, dropped busy instances: all 503s).
          '    timeout check 5s',
          '    retries 3',
          '    option redispatch 1',
          '    retry-on conn-failure empty-response',
          'frontend www',
          `    bind 127.0.0.1:${proxyPort}`,
          // A write cut by a dying instance may have committed: only GET/HEAD are sent again after a response
          // went missing (refused connections are retried whatever the method).
          '    http-request disable-l7-retry if !METH_GET',
          '    default_backend multitude',
          'backend multitude',
          '    balance leastconn',
          '    option httpchk',
          '    http-check send meth GET uri /readyz',
          '    http-check expect status 200',
          // A refused connection on live traffic takes the instance out at once (observe layer4), before the
          // checks notice; the request is redispatched to another instance.
          '    default-server inter 1s fastinter 500ms fall 2 rise 2 observe layer4 error-limit 1 on-error mark-down',
          ...backends.map((b) => `    server m${b.n} 127.0.0.1:${b.port} check`),
          '',
        ].join('\n'),
      );
      haproxy = spawn(HAPROXY, ['-db', '-f', cfg], { stdio: 'ignore' });
    } else if (!nodeProxy) {
      let turn = 0;
      nodeProxy = createServer((req: IncomingMessage, res: ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks);
          // One retry on another instance when the connection fails (as HAProxy's retry-on conn-failure).
          const attempt = (left: number) => {
            const target = backends[turn++ % backends.length]!;
            const out = httpRequest(
              { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers },
              (upstream) => {
                res.writeHead(upstream.statusCode ?? 502, upstream.headers);
                upstream.pipe(res);
              },
            );
            out.on('error', () => (left > 0 ? attempt(left - 1) : res.writeHead(502).end()));
            out.end(body);
          };
          attempt(backends.length);
        });
      });
      await new Promise<void>((resolve) => nodeProxy!.listen(proxyPort, '127.0.0.1', resolve));
    }
    await waitFor(
      'the load balancer',
      20_000,
      async () => (await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) })).ok,
    );
    // Every backend in rotation (HAProxy's health checks rise after 2 passes).
    await sleep(proxyKind === 'haproxy' ? 2500 : 0);
  }
  function stopProcess(child: ChildProcess) {
    return new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
  cleanups.push(async () => {
    if (haproxy) await stopProcess(haproxy);
    nodeProxy?.closeAllConnections();
    nodeProxy?.close();
  });
  const base = `http://127.0.0.1:${proxyPort}`;

  {
    progress(`instances ready; load balancer: ${proxyKind}`);
    await balance(3);

    // A publisher with a session, a personal token, a table, and two apps: one key on each plan.
    const user = { email: 'bench@example.org', password: 'quiet harbour lantern 8271', handle: 'bench', name: 'Bench' };
    const { headers: asUser } = await registerBenchUser(base, user);
    const post = async (path: string, body: object) => {
      const r = await fetch(`${base}/api/v1${path}`, { method: 'POST', headers: asUser, body: JSON.stringify(body) });
      if (r.status >= 300) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as Record<string, unknown>;
    };
    const { token } = (await post('/me/tokens', { name: 'bench', scopes: ['data:read', 'data:write'] })) as {
      token: string;
    };
    const keys = {} as Record<KeyName, string>;
    for (const name of KEY_NAMES) {
      const app = await post('/apps', { name: `Bench ${name}`, description: 'load', redirectUris: [] });
      keys[name] = (
        (await post(`/apps/${String(app.id)}/keys`, { name: 'bench', scopes: ['data:read'] })) as { key: string }
      ).key;
      // The plan, set as an administrator would (PUT /apps/:id/plan), straight in the database: the bench user is not one.
      const db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      await db.query('UPDATE apps SET plan = $1 WHERE id = $2', [KEY_PLANS[name].plan, app.id]);
      await db.end();
    }
    const bearer = { authorization: `Bearer ${token}` };

    // The webhook receiver: verifies every signature, counts deliveries by webhook-id.
    const received = new Map<string, number>();
    let signatureFailures = 0;
    // Set once subscribed (the secret comes with the subscription, which needs the receiver's address).
    const verifier: { webhook?: Webhook } = {};
    const receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const id = String(req.headers['webhook-id']);
        try {
          verifier.webhook!.verify(Buffer.concat(chunks).toString('utf8'), {
            'webhook-id': id,
            'webhook-timestamp': String(req.headers['webhook-timestamp']),
            'webhook-signature': String(req.headers['webhook-signature']),
          });
          received.set(id, (received.get(id) ?? 0) + 1);
        } catch {
          signatureFailures += 1;
        }
        res.writeHead(204).end();
      });
    });
    const receiverPort = await freePort();
    await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));
    cleanups.push(() => {
      receiver.closeAllConnections();
      receiver.close();
    });
    // Subscribed before any dataset is published: every dataset.published event must reach it.
    const subscription = (await post('/webhooks', {
      url: `http://127.0.0.1:${receiverPort}/hook`,
      events: ['dataset.published'],
    })) as { id: string; secret: string };
    verifier.webhook = new Webhook(subscription.secret);
    const upload = async (slug: string, rows: number, signal?: AbortSignal) => {
      const form = new FormData();
      const csv = ['n,label', ...Array.from({ length: rows }, (_, i) => `${i},row ${i}`)].join('\n') + '\n';
      form.append('file', new Blob([csv], { type: 'text/csv' }), 'table.csv');
      return fetch(`${base}/api/v1/datasets/${slug}/resources`, {
        method: 'POST',
        headers: bearer,
        body: form,
        signal,
      });
    };
    const datasets: string[] = [];
    for (let i = 0; i < 4; i++) {
      const d = (await post('/datasets', { title: `Bench ${i}`, license: 'etalab-2.0', status: 'published' })) as {
        slug: string;
      };
      datasets.push(d.slug);
    }
    const first = (await (await upload(datasets[0]!, 2000)).json()) as { resource?: { id: string }; id?: string };
    const resourceId = first.resource?.id ?? first.id!;
    const rowsPath = `/api/v1/datasets/${datasets[0]}/resources/${resourceId}/rows`;
    await waitFor('the first import', 60_000, async () => (await fetch(`${base}${rowsPath}?_limit=1`)).ok);

    progress('data ready');
    const windowMs = Math.max(...KEY_NAMES.map((n) => KEY_PLANS[n].burst.windowSeconds)) * 1000;

    type FailureClass =
      'haproxy 503 (no backend)' | 'load balancer 502/504' | 'instance 5xx' | 'connection reset' | 'client timeout';
    interface Failure {
      /** When the request started and when it failed. */
      at: number;
      end: number;
      cls: FailureClass;
      detail: string;
    }
    interface Tally {
      latencies: number[];
      ok: number;
      failed: number;
      limited: number;
      /** Per key: when each accepted call started (ms since the run's start). */
      keyAccepted: Record<KeyName, number[]>;
      errors: Record<string, number>;
      failures: Failure[];
    }
    async function load(seconds: number): Promise<Tally & { seconds: number }> {
      const tally: Tally = {
        latencies: [],
        ok: 0,
        failed: 0,
        limited: 0,
        keyAccepted: { tiny: [], realistic: [] },
        errors: {},
        failures: [],
      };
      const runStart = Date.now();
      const fail = (at: number, cls: FailureClass, detail: string) => {
        tally.failed += 1;
        tally.errors[detail] = (tally.errors[detail] ?? 0) + 1;
        tally.failures.push({ at, end: Date.now(), cls, detail });
      };
      const end = Date.now() + seconds * 1000;
      const one = async () => {
        const r = Math.random();
        const started = performance.now();
        const startedAt = Date.now();
        const signal = AbortSignal.timeout(CLIENT_TIMEOUT_MS);
        let kind = 'read';
        let keyName: KeyName = 'tiny';
        let response: Response;
        let body: ArrayBuffer;
        try {
          if (r < 0.35) response = await fetch(`${base}${rowsPath}?_limit=20`, { signal });
          else if (r < 0.55)
            response = await fetch(`${base}${rowsPath}?n__gte=${Math.floor(Math.random() * 2000)}&_limit=20`, {
              headers: bearer,
              signal,
            });
          else if (r < 0.7) response = await fetch(`${base}/api/v1/datasets?_limit=20`, { signal });
          else if (r < 0.9) {
            kind = 'key';
            keyName = r < 0.8 ? 'tiny' : 'realistic';
            response = await fetch(`${base}/api/v1/datasets?_limit=5`, {
              headers: { authorization: `Bearer ${keys[keyName]}` },
              signal,
            });
          } else if (r < 0.95) {
            kind = 'write';
            // Published: each one is a dataset.published event for the webhook subscription.
            response = await fetch(`${base}/api/v1/datasets`, {
              method: 'POST',
              headers: { ...bearer, 'content-type': 'application/json' },
              body: JSON.stringify({
                title: `Load ${randomBytes(3).toString('hex')}`,
                license: 'etalab-2.0',
                status: 'published',
              }),
              signal,
            });
          } else {
            kind = 'upload';
            response = await upload(datasets[1 + Math.floor(Math.random() * 3)]!, 50, signal);
          }
          body = await response.arrayBuffer();
        } catch (error) {
          const e = error as Error & { cause?: { code?: string } };
          if (e.name === 'TimeoutError' || e.name === 'AbortError')
            fail(startedAt, 'client timeout', `${kind}: timeout`);
          else fail(startedAt, 'connection reset', `${kind}: ${e.cause?.code ?? e.message}`);
          return;
        }
        tally.latencies.push(performance.now() - started);
        if (response.status === 429) tally.limited += 1;
        else if (response.status >= 500) {
          // An instance answers problem+json; HAProxy answers its own HTML pages.
          const fromInstance = (response.headers.get('content-type') ?? '').includes('problem+json');
          let code = '';
          if (fromInstance)
            try {
              code = ` ${String((JSON.parse(Buffer.from(body).toString('utf8')) as { code?: string }).code ?? '')}`;
            } catch {
              // not JSON after all
            }
          if (fromInstance) fail(startedAt, 'instance 5xx', `${kind} ${response.status}${code}`);
          else if (response.status === 503) fail(startedAt, 'haproxy 503 (no backend)', `${kind} 503 (load balancer)`);
          else fail(startedAt, 'load balancer 502/504', `${kind} ${response.status} (load balancer)`);
        } else tally.ok += 1;
        if (kind === 'key' && response.status < 300) tally.keyAccepted[keyName].push(startedAt - runStart);
      };
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (Date.now() < end) await one();
        }),
      );
      return { ...tally, seconds };
    }
    const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);
    /**
     * Rate-limit overshoot of one key, window by window (windows of the plan's length from the run's start): a
     * window may accept the plan's limit plus what the bucket still held at its start — a full bucket in the first
     * window (the runs start after a pause), then at most the previous window's unused allowance, capped at the
     * limit. Calls beyond that are the excess; overshoot = excess / calls accepted within the allowance, i.e.
     * (accepted − allowed) / allowed for a key that is over its limit all along. Times are when the client sent
     * the call, so a call decided just after a window's end may count in the previous one; the carried allowance
     * absorbs that. `gcraBound` is the whole run's bound: limit + run seconds × refill rate.
     */
    function overshoot(burst: { limit: number; windowSeconds: number }, accepted: number[], seconds: number) {
      const w = burst.windowSeconds * 1000;
      const windows = Math.max(1, Math.ceil((seconds * 1000) / w));
      const counts = new Array<number>(windows).fill(0);
      for (const at of accepted) counts[Math.min(windows - 1, Math.floor(at / w))]! += 1;
      let carry = burst.limit;
      let excess = 0;
      let worst = 0;
      for (const n of counts) {
        const allowed = burst.limit + carry;
        const over = Math.max(0, n - allowed);
        excess += over;
        worst = Math.max(worst, over);
        carry = Math.min(burst.limit, Math.max(0, allowed - n));
      }
      const gcraBound = burst.limit + Math.floor((seconds * burst.limit) / burst.windowSeconds);
      return {
        plan: `${burst.limit} per ${burst.windowSeconds} s`,
        accepted: accepted.length,
        gcraBound,
        excess,
        worstWindowExcess: worst,
        overshootPercent: percent(excess, accepted.length - excess),
        overGcraBoundPercent: percent(Math.max(0, accepted.length - gcraBound), gcraBound),
      };
    }
    const summary = (name: string, t: Awaited<ReturnType<typeof load>>) => {
      const sorted = [...t.latencies].sort((a, b) => a - b);
      const p = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
      const perPlan = Object.fromEntries(
        KEY_NAMES.map((n) => [n, overshoot(KEY_PLANS[n].burst, t.keyAccepted[n], t.seconds)]),
      ) as Record<KeyName, ReturnType<typeof overshoot>>;
      const excess = KEY_NAMES.reduce((sum, n) => sum + perPlan[n].excess, 0);
      const within = KEY_NAMES.reduce((sum, n) => sum + perPlan[n].accepted - perPlan[n].excess, 0);
      return {
        run: name,
        requestsPerSecond: Math.round((t.ok + t.limited + t.failed) / t.seconds),
        p50Ms: p(0.5),
        p99Ms: p(0.99),
        ok: t.ok,
        limited429: t.limited,
        failed: t.failed,
        failureClasses: t.failures.reduce<Record<string, number>>(
          (counts, f) => ({ ...counts, [f.cls]: (counts[f.cls] ?? 0) + 1 }),
          {},
        ),
        errors: t.errors,
        rateLimits: perPlan,
        rateLimitOvershootPercent: percent(excess, within),
        loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
      };
    };

    const runs = [];
    for (const count of [1, 2, 3]) {
      progress(`run: ${count} instance(s)`);
      await balance(count);
      // The key's bucket refills between runs, so each run starts alike.
      await sleep(windowMs);
      await load(2); // warm-up
      await sleep(windowMs);
      const s = summary(`${count} instance${count > 1 ? 's' : ''}`, await load(PHASE_SECONDS));
      console.log(JSON.stringify(s));
      runs.push(s);
    }

    // Faults on 3 instances. Each is a phase, from its start to its recovery; a failure counts for the phases
    // under way when its request started (or ended at most FAULT_GRACE_MS before).
    progress('run: faults');
    await balance(3);
    await sleep(windowMs);
    interface Phase {
      name: string;
      from: number;
      to?: number;
      /** kill -9: requests in flight on the instance just before (HAProxy's stats). */
      inFlightAtKill?: number | null;
    }
    const phases: Phase[] = [];
    const faults: string[] = [];
    const t0 = Date.now();
    const at = () => `${Math.round((Date.now() - t0) / 100) / 10}s`;
    /** Seconds of the 60 s schedule, scaled to BENCH_FAULT_SECONDS. */
    const when = (second: number) => Math.round((second / 60) * FAULT_SECONDS * 1000);
    const timers: NodeJS.Timeout[] = [];
    const pending: Promise<unknown>[] = [];
    const phase = (name: string, run: (p: Phase) => Promise<void>) => {
      const p: Phase = { name, from: Date.now() };
      phases.push(p);
      faults.push(`${at()} ${name}`);
      pending.push(
        run(p)
          .then(() => faults.push(`${at()} ${name}: recovered`))
          .catch((error: unknown) => faults.push(`${at()} ${name}: recovery failed: ${String(error)}`))
          .finally(() => (p.to = Date.now())),
      );
    };
    let victim = 0;
    for (const second of [20, 40])
      timers.push(
        setTimeout(() => {
          const instance = instances[victim++ % instances.length]!;
          phase(`kill -9 instance ${instance.n}`, async (p) => {
            p.inFlightAtKill = await inFlight(instance.n);
            await killInstance(instance, 'SIGKILL');
            await startInstance(instance);
          });
        }, when(second)),
      );
    timers.push(setTimeout(() => phase('Redis restart', () => stopRedis().then(startRedis)), when(10)));
    timers.push(
      setTimeout(
        () =>
          phase('S3 paused 5 s', async () => {
            await s3.stop();
            await sleep(5000);
            await s3.start();
          }),
        when(30),
      ),
    );
    let replicaXacts: number | null = null;
    if (replica)
      timers.push(
        setTimeout(
          () =>
            phase('replica stopped 5 s', async () => {
              // How much the replica served before (transactions on our database there).
              const client = new pg.Client({ connectionString: replica!.url });
              await client.connect();
              replicaXacts = Number(
                (await client.query('SELECT xact_commit FROM pg_stat_database WHERE datname = $1', [dbName])).rows[0]
                  ?.xact_commit ?? 0,
              );
              await client.end();
              await replica!.stop();
              await sleep(5000);
              await replica!.start();
              await replica!.caughtUp(60_000);
            }),
          when(50),
        ),
      );
    const faultTally = await load(FAULT_SECONDS);
    timers.forEach(clearTimeout);
    await Promise.all(pending);
    const faultRun = summary('3 instances, faults', faultTally);
    console.log(JSON.stringify(faultRun));
    const failuresByPhase: Record<string, Record<string, number>> = {};
    // Which failures the goal allows: requests in flight on a killed instance (connection reset, or a
    // 502/504 from HAProxy), and uploads answered 503 + Retry-After while S3 is away (the specified behaviour).
    const goal = {
      inFlightOnKilledInstances: phases.reduce((sum, p) => sum + (p.inFlightAtKill ?? 0), 0),
      failuresFromKills: 0,
      uploads503WhileS3Paused: 0,
      otherFailures: 0,
      met: false,
    };
    for (const f of faultTally.failures) {
      const under = phases
        .filter((p) => p.from <= f.end && f.at <= (p.to ?? Infinity) + FAULT_GRACE_MS)
        .map((p) => p.name);
      const key = under.length ? under.join(' + ') : 'no fault under way';
      const counts = (failuresByPhase[key] ??= {});
      counts[f.cls] = (counts[f.cls] ?? 0) + 1;
      if (
        (f.cls === 'connection reset' || f.cls === 'load balancer 502/504') &&
        under.some((n) => n.startsWith('kill'))
      )
        goal.failuresFromKills += 1;
      else if (f.cls === 'instance 5xx' && f.detail.startsWith('upload 503') && under.some((n) => n.startsWith('S3')))
        goal.uploads503WhileS3Paused += 1;
      else goal.otherFailures += 1;
    }
    goal.met = goal.failuresFromKills <= goal.inFlightOnKilledInstances && goal.otherFailures === 0;
    const phaseTable = phases.map((p) => ({
      fault: p.name,
      fromSecond: Math.round((p.from - t0) / 100) / 10,
      seconds: p.to ? Math.round((p.to - p.from) / 100) / 10 : null,
      ...(p.inFlightAtKill !== undefined ? { inFlightAtKill: p.inFlightAtKill } : {}),
    }));

    // Settle, then count what was lost.
    progress('settling');
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const count = async (text: string, values: unknown[] = []) =>
      Number((await db.query<{ n: string }>(text, values)).rows[0]!.n);
    const unfinished = () => count(`SELECT count(*) AS n FROM resource_versions WHERE status = 'importing'`);
    const behind = async () =>
      (
        await db.query<{ consumer: string; behind: string }>(
          `SELECT c.consumer, (SELECT count(*) FROM events e WHERE e.position > c.position) AS behind
           FROM event_cursors c ORDER BY c.consumer`,
        )
      ).rows.map((r) => ({ consumer: r.consumer, behind: Number(r.behind) }));
    const webhooksPending = () =>
      count(`SELECT count(*) AS n FROM webhook_messages WHERE subscription_id = $1 AND status = 'pending'`, [
        subscription.id,
      ]);
    const settleStart = Date.now();
    await waitFor('imports, consumers and webhooks to settle', 120_000, async () => {
      return (
        (await unfinished()) === 0 && (await behind()).every((c) => c.behind === 0) && (await webhooksPending()) === 0
      );
    }).catch(() => undefined);
    const settleSeconds = Math.round((Date.now() - settleStart) / 1000);
    const consumers = await behind();
    const failedImports = await count(`SELECT count(*) AS n FROM resource_versions WHERE status = 'failed'`);
    const events = await count('SELECT count(*) AS n FROM events');
    const importsUnfinished = await unfinished();
    // Webhooks: every dataset.published event must have a message, and every message must have reached the
    // receiver (identified by webhook-id); a second delivery of the same webhook-id is a duplicate.
    const published = await count(`SELECT count(*) AS n FROM events WHERE type = 'dataset.published'`);
    const withoutMessage = await count(
      `SELECT count(*) AS n FROM events e WHERE e.type = 'dataset.published' AND NOT EXISTS
         (SELECT 1 FROM webhook_messages m WHERE m.event_id = e.id AND m.subscription_id = $1)`,
      [subscription.id],
    );
    const messages = (
      await db.query<{ id: string; status: string }>(
        'SELECT id, status FROM webhook_messages WHERE subscription_id = $1',
        [subscription.id],
      )
    ).rows;
    await db.end();
    const messageIds = new Set(messages.map((m) => m.id));
    const notReceived = messages.filter((m) => !received.has(m.id));
    const deliveries = [...received.values()].reduce((a, b) => a + b, 0);
    const webhookMessages = {
      eventsPublished: published,
      messages: messages.length,
      delivered: messages.filter((m) => m.status === 'delivered').length,
      receivedDistinct: received.size,
      deliveries,
      lost: withoutMessage + notReceived.length,
      lostStatuses: notReceived.reduce<Record<string, number>>(
        (counts, m) => ({ ...counts, [m.status]: (counts[m.status] ?? 0) + 1 }),
        {},
      ),
      duplicatesSameWebhookId: deliveries - received.size,
      unknownWebhookIds: [...received.keys()].filter((id) => !messageIds.has(id)).length,
      signatureFailures,
    };
    const faultTable = {
      requestsFailed: faultRun.failed,
      requestsTotal: faultRun.ok + faultRun.limited429 + faultRun.failed,
      failureClasses: faultRun.failureClasses,
      failuresByPhase,
      goal,
      phases: phaseTable,
      eventsRecorded: events,
      eventsLost: consumers.reduce((sum, c) => sum + c.behind, 0),
      consumers: consumers.length,
      importsUnfinished,
      importsFailed: failedImports,
      rateLimitOvershootPercent: faultRun.rateLimitOvershootPercent,
      rateLimits: faultRun.rateLimits,
      rateLimitNote:
        'Redis keeps an append-only file across its restart; while it is away each instance allows a third of each limit',
      webhookMessages,
      readReplica: replicaNote,
      replicaTransactionsBeforeStop: replicaXacts,
      settleSeconds,
      faults,
    };

    console.log(
      `\nLoad balancer: ${proxyKind}; ${CONNECTIONS} connections; PostgreSQL + Redis (:${redisPort}) + S3 (s3rver); replica: ${replicaNote}`,
    );
    console.table(
      [...runs, faultRun].map((r) => ({
        run: r.run,
        'req/s': r.requestsPerSecond,
        'p50 ms': r.p50Ms,
        'p99 ms': r.p99Ms,
        failed: r.failed,
        '429': r.limited429,
        'overshoot %': r.rateLimitOvershootPercent,
        ...Object.fromEntries(KEY_NAMES.map((n) => [`${n} %`, r.rateLimits[n].overshootPercent])),
        load: r.loadAverage.join(' '),
      })),
    );
    console.table(Object.entries(faultTable).map(([what, value]) => ({ what, value: JSON.stringify(value) })));
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(
      'bench/results/cluster.json',
      JSON.stringify(
        {
          date: new Date().toISOString(),
          node: process.version,
          loadBalancer: proxyKind,
          readReplica: replicaNote,
          clientTimeoutMs: CLIENT_TIMEOUT_MS,
          connections: CONNECTIONS,
          phaseSeconds: PHASE_SECONDS,
          faultSeconds: FAULT_SECONDS,
          workload:
            '70% reads (rows, filtered rows, dataset list), 20% API keys (10% tiny plan, 10% realistic plan), 10% writes (datasets, CSV uploads)',
          runs,
          faultRun,
          faultTable,
        },
        null,
        2,
      ) + '\n',
    );
  }
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
