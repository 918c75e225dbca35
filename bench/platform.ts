// npm run bench:platform — what API keys, rate limits and usage capture cost per request.
// The same endpoint (a data query: the first 20 rows of a 1,000-row resource, the call apps make most) anonymous and with an
// app's API key, whose plan sets limits high enough never to trigger; on a server in its own process
// (SQLite), with the limits counted in memory, then on a second server with REDIS_URL (the Lua script).
// autocannon, 32 connections, 10 s each after a 2 s warm-up (BENCH_CONNECTIONS, BENCH_DURATION);
// BENCH_ROUNDS alternates the runs that many times and keeps each one's best round (the machine is shared).
// Then the webhook fan-out (bench/webhook-fanout.ts, by the webhooks part) when present.
// Results: bench/results/platform.json.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { registerBenchUser } from './session.js';

const ROWS_QUERY = '/rows?_limit=20';
// High enough never to trigger at any rate this machine reaches, low enough to be real limits.
const HIGH_LIMITS = JSON.stringify({ free: { burst: { limit: 10_000_000, windowSeconds: 1 }, daily: 2_000_000_000 } });

interface Fixture {
  base: string;
  path: string;
  key: string;
  unlimitedKey: string;
  token: string;
}

if (process.argv.includes('--serve')) await serve();
else if (process.argv.includes('--hooks'))
  console.log(JSON.stringify(await microbench(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')));
else await main();

/** The server process: a fresh SQLite database, a user, an app on the free plan (limits lifted) and one on `unlimited`, a key each. */
async function serve() {
  const { buildApp } = await import('../server/src/app.js');
  const { loadConfig } = await import('../server/src/config.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'multitude-bench-platform-'));
  const config = {
    ...loadConfig({
      ...process.env,
      MULTITUDE_DATA_DIR: dataDir,
      MULTITUDE_DEMO: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      MULTITUDE_RATE_LIMITS: HIGH_LIMITS,
    }),
    host: '127.0.0.1',
  };
  const multitude = await buildApp({ config, startDispatcher: true });
  await multitude.app.listen({ port: 0, host: '127.0.0.1' });
  const address = multitude.app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const user = { email: 'bench@example.org', password: 'bench password 123', handle: 'bench', name: 'Bench' };
  const { headers } = await registerBenchUser(base, user);
  const post = async (url: string, body: object) => {
    const res = await fetch(base + url, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, string>>;
  };
  const path = await createResource(base, headers);
  const app = await post('/api/v1/apps', { name: 'Bench app', description: 'bench:platform', redirectUris: [] });
  const key = (await post(`/api/v1/apps/${app.id}/keys`, { name: 'bench', scopes: ['data:read'] })).key!;
  const other = await post('/api/v1/apps', {
    name: 'Bench app (unlimited plan)',
    description: 'bench:platform',
    redirectUris: [],
  });
  await multitude.db.kysely.updateTable('apps').set({ plan: 'unlimited' }).where('id', '=', other.id!).execute();
  const unlimitedKey = (await post(`/api/v1/apps/${other.id}/keys`, { name: 'bench', scopes: ['data:read'] })).key!;
  const token = (await post('/api/v1/me/tokens', { name: 'bench', scopes: ['data:read'] })).token!;
  process.stdout.write(JSON.stringify({ base, path, key, unlimitedKey, token } satisfies Fixture) + '\n');
  process.once('SIGTERM', () => {
    void multitude.close().then(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

/** A published dataset with a 1,000-row CSV resource, imported; returns the rows query's path. */
async function createResource(base: string, headers: Record<string, string>): Promise<string> {
  const json = { ...headers, 'content-type': 'application/json' };
  const created = await fetch(`${base}/api/v1/datasets`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ title: 'Bench', slug: 'bench', license: 'CC0-1.0', status: 'published' }),
  });
  if (!created.ok) throw new Error(`dataset: ${created.status} ${await created.text()}`);
  let csv = 'id,code,region,population\n';
  for (let i = 1; i <= 1000; i++)
    csv += `${i},C${String((i * 7919) % 100_000).padStart(5, '0')},R${i % 13},${(i * 104_729) % 200_000}\n`;
  const form = new FormData();
  form.append('title', 'Bench rows');
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'bench.csv');
  const { 'content-type': _json, ...multipart } = json;
  const upload = await fetch(`${base}/api/v1/datasets/bench/resources`, {
    method: 'POST',
    headers: multipart,
    body: form,
  });
  if (!upload.ok) throw new Error(`upload: ${upload.status} ${await upload.text()}`);
  const { resource, job } = (await upload.json()) as { resource: { id: string }; job: { id: string } };
  for (;;) {
    const state = (await (await fetch(`${base}/api/v1/jobs/${job.id}`, { headers: multipart })).json()) as {
      status: string;
      error: string | null;
    };
    if (state.status === 'succeeded') break;
    if (state.status === 'failed') throw new Error(`import failed: ${state.error}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return `/api/v1/datasets/bench/resources/${resource.id}${ROWS_QUERY}`;
}

async function startServer(
  env: Record<string, string | undefined>,
): Promise<{ fixture: Fixture; process: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      '--import',
      'tsx',
      'bench/platform.ts',
      '--serve',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`benchmark server exited with ${code}`)));
  });
  return { fixture: JSON.parse(line) as Fixture, process: child };
}

async function stopServer(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function main() {
  const duration = Number(process.env.BENCH_DURATION ?? 10);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

  const run = (url: string, headers: Record<string, string>, seconds: number) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      autocannon({ url, connections, duration: seconds, headers }, (err, result) =>
        err ? reject(err) : resolve(result),
      );
    });

  interface Entry {
    title: string;
    requestsPerSecond: number;
    latencyMs: { p50: number; p99: number; mean: number };
    requests: number;
    non2xx: number;
    errors: number;
    rateLimitHeaders: boolean;
  }
  const best = new Map<string, Entry>();
  async function measure(title: string, fixture: Fixture, headers: Record<string, string>) {
    const url = fixture.base + fixture.path;
    const probe = await fetch(url, { headers });
    if (!probe.ok) throw new Error(`${title}: ${probe.status} ${await probe.text()}`);
    const rateLimitHeaders = probe.headers.has('ratelimit');
    await run(url, headers, 2); // warm-up
    const r = await run(url, headers, duration);
    const entry: Entry = {
      title,
      requestsPerSecond: r.requests.average,
      latencyMs: { p50: r.latency.p50, p99: r.latency.p99, mean: r.latency.average },
      requests: r.requests.total,
      non2xx: r.non2xx,
      errors: r.errors,
      rateLimitHeaders,
    };
    console.log(JSON.stringify(entry));
    const previous = best.get(title);
    if (!previous || entry.requestsPerSecond > previous.requestsPerSecond) best.set(title, entry);
  }

  const ANON = 'rows query anonymous';
  const KEY = 'rows query with an API key, rate limits (in memory) and usage capture';
  const KEY_NO_LIMITS = 'rows query with an API key on the unlimited plan (key auth and usage capture, no limits)';
  const TOKEN = 'rows query with a personal access token (no limits)';
  const KEY_REDIS = 'rows query with an API key, rate limits in Redis and usage capture';
  const ANON_REDIS = 'rows query anonymous (server with REDIS_URL)';

  const memory = await startServer({ REDIS_URL: '' });
  const m = memory.fixture;
  for (let i = 0; i < rounds; i++) {
    await measure(ANON, m, {});
    await measure(KEY, m, { authorization: `Bearer ${m.key}` });
    await measure(KEY_NO_LIMITS, m, { authorization: `Bearer ${m.unlimitedKey}` });
    await measure(TOKEN, m, { authorization: `Bearer ${m.token}` });
  }
  await stopServer(memory.process);

  const redis = await startServer({ REDIS_URL: redisUrl, MULTITUDE_RATE_LIMIT_PREFIX: `mt:bench:${process.pid}:` });
  const r = redis.fixture;
  for (let i = 0; i < rounds; i++) {
    await measure(ANON_REDIS, r, {});
    await measure(KEY_REDIS, r, { authorization: `Bearer ${r.key}` });
  }
  await stopServer(redis.process);

  // Overhead against the anonymous run on the same server: at p50 (autocannon's latencies are whole ms),
  // in mean latency, and in server time per request (1/throughput: the server is saturated at 32 connections).
  const compare = (title: string, baseline: string) => {
    const a = best.get(baseline)!;
    const b = best.get(title)!;
    return {
      title,
      against: baseline,
      p50OverheadMs: b.latencyMs.p50 - a.latencyMs.p50,
      meanOverheadMs: Math.round((b.latencyMs.mean - a.latencyMs.mean) * 1000) / 1000,
      serverTimePerRequestOverheadMs:
        Math.round((1000 / b.requestsPerSecond - 1000 / a.requestsPerSecond) * 1000) / 1000,
      throughputLossPercent: Math.round((1 - b.requestsPerSecond / a.requestsPerSecond) * 1000) / 10,
    };
  };
  const overhead = [
    compare(KEY, ANON),
    compare(KEY_NO_LIMITS, ANON),
    compare(KEY, KEY_NO_LIMITS),
    compare(TOKEN, ANON),
    compare(KEY_REDIS, ANON_REDIS),
  ];
  for (const o of overhead) console.log(JSON.stringify(o));

  const hooks = await microbench(redisUrl);
  console.log(JSON.stringify({ hooks }));

  // ---- webhook fan-out (bench/webhook-fanout.ts, written by the webhooks part) ----
  let webhooks: unknown = null;
  if (existsSync('bench/webhook-fanout.ts')) {
    const { webhookFanout } = (await import('./webhook-fanout.js')) as {
      webhookFanout: (o?: { log?: (line: string) => void }) => Promise<unknown>;
    };
    webhooks = await webhookFanout({ log: (line) => console.log(line) });
    console.log(JSON.stringify({ webhooks }));
  }
  // ---- end webhook fan-out ----

  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    'bench/results/platform.json',
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        database: 'sqlite',
        endpoint: `GET /api/v1/datasets/{slug}/resources/{id}${ROWS_QUERY}`,
        connections,
        durationSeconds: duration,
        rounds,
        targets: { p50OverheadMs: 0.3, throughputLossPercent: 15 },
        results: [...best.values()],
        overhead,
        hooks,
        webhooks,
      },
      null,
      2,
    ) + '\n',
  );
}

/**
 * The hooks' own CPU cost, in this process (the load test's figures move with whatever else runs on the
 * machine): the limiter's decision for an app key (plan cached, memory store), with the header text;
 * the usage capture; and one Redis round trip of the Lua script, sequential (loopback latency included).
 */
async function microbench(redisUrl: string) {
  const { createLimitsService } = await import('../server/src/apps/limits/service.js');
  const { createMemoryStore } = await import('../server/src/apps/limits/limiter.js');
  const { createRedisStore } = await import('../server/src/apps/limits/redis.js');
  const { openRedis, closeRedis } = await import('../server/src/kernel/redis.js');
  const { resolvePlans } = await import('../server/src/apps/limits/plans.js');
  const { rateLimitHeader, policyHeader } = await import('../server/src/apps/limits/hook.js');
  const { createUsageService } = await import('../server/src/apps/usage/service.js');
  const plans = resolvePlans(HIGH_LIMITS);
  const logger = { warn: () => undefined, info: () => undefined, error: () => undefined };
  const clock = { now: () => new Date() };
  const planStore = { planOf: async () => 'free' };
  const actor = {
    kind: 'user' as const,
    userId: 'acc_bench',
    handle: 'bench',
    isAdmin: false,
    via: 'key' as const,
    scopes: new Set(['data:read']),
    client: { appId: 'app_bench', keyId: 'key_bench' },
  };
  const timeIt = async (n: number, f: () => unknown) => {
    for (let i = 0; i < Math.min(n, 10_000); i++) await f();
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await f();
    return Number(process.hrtime.bigint() - start) / n / 1000; // µs per call
  };
  const memory = createLimitsService({
    db: { kysely: null } as never,
    clock,
    plans,
    planStore: planStore as never,
    store: createMemoryStore(),
    logger,
  });
  const limiterUs = await timeIt(200_000, async () => {
    const d = (await memory.check(actor, '127.0.0.1'))!;
    return policyHeader(d.plan) + rateLimitHeader(d);
  });
  const usage = createUsageService({ db: null as never, clock, store: null as never, access: null as never, logger });
  const usageUs = await timeIt(200_000, () =>
    usage.record({
      appId: 'app_bench',
      method: 'GET',
      route: '/api/v1/datasets/:slug',
      status: 200,
      ms: 3.2,
      datasetSlug: 'bench-0',
    }),
  );
  const client = openRedis(redisUrl, () => undefined);
  const store = createRedisStore(client, `mt:bench:${process.pid}:micro:`);
  const shared = createLimitsService({
    db: { kysely: null } as never,
    clock,
    plans,
    planStore: planStore as never,
    store,
    logger,
  });
  const redisUs = await timeIt(5_000, () => shared.check(actor, '127.0.0.1'));
  const keys = await client.keys(`mt:bench:${process.pid}:*`);
  if (keys.length) await client.del(...keys);
  await closeRedis(client);
  const round = (x: number) => Math.round(x * 100) / 100;

  // The whole request in this process (fastify's inject: no sockets), alternating the variants and
  // keeping each one's best round: per-request overhead with less noise than the load test.
  const { buildApp } = await import('../server/src/app.js');
  const { loadConfig } = await import('../server/src/config.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'multitude-bench-hooks-'));
  const multitude = await buildApp({
    config: loadConfig({
      MULTITUDE_DATA_DIR: dataDir,
      MULTITUDE_DEMO: '0',
      LOG_LEVEL: 'warn',
      MULTITUDE_RATE_LIMITS: HIGH_LIMITS,
    }),
    startDispatcher: true,
  });
  await multitude.app.listen({ port: 0, host: '127.0.0.1' });
  const address = multitude.app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const inject = multitude.app.inject.bind(multitude.app);
  const reg = await inject({
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email: 'hooks@example.org', password: 'bench password 123', handle: 'hooks', name: 'Hooks' },
  });
  const cookies = reg.cookies as Array<{ name: string; value: string }>;
  const session = {
    cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '),
    'x-csrf-token': cookies.find((c) => c.name === 'mt_csrf')!.value,
  };
  const post = async (url: string, payload: object) =>
    (await inject({ method: 'POST', url, headers: session, payload })).json() as Record<string, string>;
  const path = await createResource(base, session);
  const limitedApp = await post('/api/v1/apps', { name: 'Hooks app', description: '', redirectUris: [] });
  const key = (await post(`/api/v1/apps/${limitedApp.id}/keys`, { name: 'k', scopes: ['data:read'] })).key!;
  const unlimitedApp = await post('/api/v1/apps', { name: 'Hooks app (unlimited)', description: '', redirectUris: [] });
  await multitude.db.kysely.updateTable('apps').set({ plan: 'unlimited' }).where('id', '=', unlimitedApp.id!).execute();
  const unlimitedKey = (await post(`/api/v1/apps/${unlimitedApp.id}/keys`, { name: 'k', scopes: ['data:read'] })).key!;
  const variants: Record<string, Record<string, string>> = {
    anonymous: {},
    keyWithLimits: { authorization: `Bearer ${key}` },
    keyUnlimitedPlan: { authorization: `Bearer ${unlimitedKey}` },
  };
  const bestUs: Record<string, number> = {};
  const entries = Object.entries(variants);
  for (let roundNo = 0; roundNo < 3; roundNo++) {
    // Each round starts with another variant: no variant always follows the same one.
    for (const [name, headers] of [
      ...entries.slice(roundNo % entries.length),
      ...entries.slice(0, roundNo % entries.length),
    ]) {
      const us = await timeIt(3_000, async () => {
        const res = await inject({ method: 'GET', url: path, headers });
        if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode} ${res.body}`);
      });
      bestUs[name] = Math.min(bestUs[name] ?? Infinity, us);
    }
  }
  const keyBearer = multitude.apps.bearers.find((b) => b.matches(key))!;
  const keyLookupUs = await timeIt(5_000, () => keyBearer.resolve(key));
  await multitude.close();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    limiterMemoryMicroseconds: round(limiterUs),
    usageCaptureMicroseconds: round(usageUs),
    limiterRedisRoundTripMicroseconds: round(redisUs),
    apiKeyLookupMicroseconds: round(keyLookupUs),
    inProcessRequestMicroseconds: Object.fromEntries(Object.entries(bestUs).map(([k, v]) => [k, round(v)])),
    inProcessOverheadMicroseconds: {
      keyAuthAndLimits: round(bestUs.keyWithLimits! - bestUs.anonymous!),
      keyAuthOnly: round(bestUs.keyUnlimitedPlan! - bestUs.anonymous!),
      limitsOnly: round(bestUs.keyWithLimits! - bestUs.keyUnlimitedPlan!),
    },
  };
}
