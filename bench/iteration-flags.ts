// npm run bench:iteration — flag evaluation (issue 14, item 6), two parts:
// 1. local evaluations per second: a 50 % rollout flag with one targeting rule (an `in` on country), evaluated by
//    the shared evaluator (sdk/src/flags/evaluate.ts) for rotating users, on one core (BENCH_DURATION s);
// 2. server evaluation over real HTTP: autocannon against a server in its own process (bench/fixture-server.ts, on
//    SQLite), an app with 20 flags, BENCH_CONNECTIONS (32) connections for BENCH_HTTP_DURATION (10) s each:
//    `GET /healthz` (the ceiling), `POST /api/v1/flags/evaluate` for one flag, the OFREP bulk call, and the OFREP bulk call whose ETag matches (304).
// BENCH_HTTP=0 skips part 2, BENCH_ONLY=<part of a title> runs only those HTTP runs, BENCH_PROFILE=1 writes the
// server's CPU profile to bench/results/profiles/. Results: bench/results/iteration.json. Figures taken on a loaded shared machine are
// indicative only.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdirSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { compileRuleset, type Ruleset } from '../sdk/src/flags/evaluate.js';
import { registerBenchUser } from './session.js';

const seconds = Number(process.env.BENCH_DURATION ?? 3);
const ruleset: Ruleset = {
  environment: 'production',
  version: '1',
  segments: {},
  flags: {
    'new-checkout': {
      key: 'new-checkout',
      type: 'boolean',
      variants: { on: true, off: false },
      enabled: true,
      offVariant: 'off',
      seed: 'a1b2c3',
      rules: [
        {
          id: 'eu',
          conditions: [{ attribute: 'country', op: 'in', value: ['FR', 'BE', 'DE', 'IT'] }],
          serve: { variant: 'on' },
        },
      ],
      fallthrough: {
        rollout: [
          { variant: 'on', weight: 5000 },
          { variant: 'off', weight: 5000 },
        ],
      },
    },
  },
};
const compiled = compileRuleset(ruleset);
const contexts = Array.from({ length: 4096 }, (_, i) => ({
  targetingKey: `user-${i}`,
  country: i % 5 === 0 ? 'FR' : 'US',
}));

function measure(): { evaluations: number; perSecond: number; on: number } {
  let n = 0;
  let on = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 100_000; i++) if (compiled.evaluate('new-checkout', contexts[i & 4095]!).value === true) on++;
    n += 100_000;
  }
  return { evaluations: n, perSecond: Math.round(n / seconds), on };
}

measure(); // warm-up
const r = measure();
const local = { localEvaluationsPerSecond: r.perSecond, shareOn: Math.round((r.on / r.evaluations) * 1000) / 1000 };
console.log(JSON.stringify(local));

const serverEvaluation = process.env.BENCH_HTTP === '0' ? undefined : await measureServer();

const result = {
  benchmark: 'iteration-flags',
  date: new Date().toISOString(),
  node: process.version,
  note: 'local evaluation on one core; server evaluation with the load generator on the same 2 cores; taken on a machine shared with other work: indicative only',
  ...local,
  ...(serverEvaluation ? { serverEvaluation } : {}),
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/iteration.json', `${JSON.stringify(result, null, 2)}\n`);

async function measureServer() {
  const duration = Number(process.env.BENCH_HTTP_DURATION ?? 10);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
  const server = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=bench/results/profiles'] : []),
      '--import',
      'tsx',
      'bench/fixture-server.ts',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      // The free plan allows 100 calls per 10 s: measured here is the endpoint, not the plan.
      env: { ...process.env, MULTITUDE_RATE_LIMITS: JSON.stringify({ free: { burst: null, daily: null } }) },
    },
  );
  try {
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: server.stdout! }).once('line', resolve);
      server.once('exit', (code) => reject(new Error(`benchmark server exited with ${code}`)));
    });
    const { base } = JSON.parse(firstLine) as { base: string };
    const key = await setUp(base);
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const context = { targetingKey: 'user-42', country: 'US', plan: 'pro', appVersion: '2.3.1' };
    const bulk = await fetch(`${base}/ofrep/v1/evaluate/flags`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ context }),
    });
    if (!bulk.ok) throw new Error(`OFREP bulk answered ${bulk.status}: ${await bulk.text()}`);
    const etag = bulk.headers.get('etag')!;
    const run = (path: string, headers: Record<string, string>, body: object | undefined, seconds: number) =>
      new Promise<autocannon.Result>((resolve, reject) => {
        autocannon(
          {
            url: base + path,
            method: body ? 'POST' : 'GET',
            connections,
            duration: seconds,
            headers,
            ...(body ? { body: JSON.stringify(body) } : {}),
          },
          (err, out) => (err ? reject(err) : resolve(out)),
        );
      });
    const results = [];
    for (const [title, path, headers, body, expected] of [
      // The ceiling on this machine at this moment: Fastify answering without authentication or database.
      ['GET /healthz (ceiling: no auth, no database)', '/healthz', {}, undefined, 200],
      [
        'POST /api/v1/flags/evaluate (one flag)',
        '/api/v1/flags/evaluate',
        auth,
        { context, flagKey: 'new-checkout' },
        200,
      ],
      ['POST /ofrep/v1/evaluate/flags (20 flags)', '/ofrep/v1/evaluate/flags', auth, { context }, 200],
      [
        'POST /ofrep/v1/evaluate/flags with a matching If-None-Match (304)',
        '/ofrep/v1/evaluate/flags',
        { ...auth, 'if-none-match': etag },
        { context },
        304,
      ],
    ] as Array<[string, string, Record<string, string>, object | undefined, number]>) {
      if (process.env.BENCH_ONLY && !title.includes(process.env.BENCH_ONLY)) continue;
      await run(path, headers, body, 2); // warm-up
      const out = await run(path, headers, body, duration);
      const entry = {
        title,
        requestsPerSecond: out.requests.average,
        latencyMs: { p50: out.latency.p50, p99: out.latency.p99 },
        requests: out.requests.total,
        // 304 counts as non-2xx for autocannon: for that run, every answer is expected to be one
        unexpected: expected === 200 ? out.non2xx : out.requests.total - (out.statusCodeStats?.['304']?.count ?? 0),
        errors: out.errors,
        connections,
        durationSeconds: duration,
      };
      console.log(JSON.stringify(entry));
      results.push(entry);
    }
    return { database: 'sqlite', flags: 20, results };
  } finally {
    server.kill('SIGTERM');
  }
}

/** An app, its flags:evaluate key and 20 flags: the bench flag above, and 19 others with a rule each. */
async function setUp(base: string): Promise<string> {
  const { headers } = await registerBenchUser(base, {
    email: 'flags-bench@example.org',
    password: 'amber meadow compass 5520',
    handle: 'flagsbench',
    name: 'Flags bench',
  });
  const call = async (method: string, path: string, body: object) => {
    const res = await fetch(`${base}/api/v1${path}`, { method, headers, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const app = await call('POST', '/apps', { name: 'Flags bench', description: '', redirectUris: [] });
  const key = await call('POST', `/apps/${String(app.id)}/keys`, { name: 'bench', scopes: ['flags:evaluate'] });
  const flag = ruleset.flags['new-checkout']!;
  for (let i = 0; i < 20; i++) {
    const flagKey = i === 0 ? 'new-checkout' : `feature-${i}`;
    await call('POST', `/apps/${String(app.id)}/flags`, {
      key: flagKey,
      type: 'boolean',
      variants: flag.variants,
      offVariant: 'off',
      reason: 'benchmark',
    });
    await call('PATCH', `/apps/${String(app.id)}/flags/${flagKey}/environments/production`, {
      enabled: true,
      rules:
        i === 0
          ? flag.rules
          : [
              {
                id: 'r',
                conditions: [
                  {
                    attribute: i % 2 ? 'plan' : 'appVersion',
                    op: i % 2 ? 'in' : 'semver_gte',
                    value: i % 2 ? ['enterprise'] : '3.0.0',
                  },
                ],
                serve: { variant: 'on' },
              },
            ],
      fallthrough: flag.fallthrough,
      reason: 'benchmark',
    });
  }
  return String(key.key);
}
