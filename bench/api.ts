// npm run bench:api — request rate of GET /api/v1/me with a personal access token, on SQLite,
// next to /healthz (no auth, no database) as the ceiling. autocannon, 32 connections, 10 s each
// (BENCH_DURATION, BENCH_CONNECTIONS). The server runs in its own process. Results: bench/results/api.json.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdirSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);

const server = spawn(process.execPath, ['--import', 'tsx', 'bench/fixture-server.ts'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const firstLine = await new Promise<string>((resolve, reject) => {
  createInterface({ input: server.stdout! }).once('line', resolve);
  server.once('exit', (code) => reject(new Error(`benchmark server exited with ${code}`)));
});
const { base, token } = JSON.parse(firstLine) as { base: string; token: string };

function run(path: string, headers: Record<string, string>, seconds: number) {
  return new Promise<autocannon.Result>((resolve, reject) => {
    autocannon({ url: base + path, connections, duration: seconds, headers }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
  });
}

const results = [];
for (const [title, path, headers] of [
  ['GET /healthz (no auth, no database)', '/healthz', {}],
  ['GET /api/v1/me with a bearer token', '/api/v1/me', { authorization: `Bearer ${token}` }],
] as Array<[string, string, Record<string, string>]>) {
  await run(path, headers, 2); // warm-up
  const r = await run(path, headers, duration);
  const entry = {
    title,
    requestsPerSecond: r.requests.average,
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99 },
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    connections,
    durationSeconds: duration,
  };
  console.log(JSON.stringify(entry));
  results.push(entry);
}

mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/api.json',
  JSON.stringify({ date: new Date().toISOString(), node: process.version, database: 'sqlite', results }, null, 2) +
    '\n',
);
server.kill('SIGTERM');
