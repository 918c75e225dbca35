// A Multitude server for benchmarks, in its own process so that the load generator does not share its
// event loop. Prints one JSON line {base, token} when ready; stops on SIGTERM.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { registerBenchUser } from './session.js';

const dataDir = mkdtempSync(join(tmpdir(), 'multitude-bench-'));
const config = {
  ...loadConfig({
    MULTITUDE_DATA_DIR: dataDir,
    MULTITUDE_DEMO: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // A benchmark measuring an endpoint rather than an app plan lifts the plan's limits (bench/iteration-flags.ts).
    ...(process.env.MULTITUDE_RATE_LIMITS ? { MULTITUDE_RATE_LIMITS: process.env.MULTITUDE_RATE_LIMITS } : {}),
    // The query engine's tuning, to compare settings (unset: the defaults).
    MULTITUDE_QUERY_WORKERS: process.env.MULTITUDE_QUERY_WORKERS,
    MULTITUDE_COLUMNAR_THREADS: process.env.MULTITUDE_COLUMNAR_THREADS,
  }),
  host: '127.0.0.1',
};
// BENCH_MAIN_PROF=<file>: the event loop's CPU profile, written when the server is told to stop (before it closes,
// so a slow close or exit cannot lose it, as can happen with --cpu-prof).
const mainProfile = process.env.BENCH_MAIN_PROF;
const profiler = mainProfile ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
// BENCH_MEMORY_LOG=<ms>: the server's memory (RSS, V8 heap, external, array buffers, in MB) on stderr at that period,
// to find what makes the peak during an import and the columnar build.
if (process.env.BENCH_MEMORY_LOG) {
  const mb = (n: number) => Math.round(n / 1048576);
  setInterval(() => {
    const m = process.memoryUsage();
    // Anonymous memory (heaps, SQLite and DuckDB caches) apart from file pages (mapped code, mmap'ed files).
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name: string) => Math.round(Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
    process.stderr.write(
      `memory ${new Date().toISOString()} rss=${mb(m.rss)} anon=${kb('RssAnon')} file=${kb('RssFile')} heap=${mb(m.heapUsed)}/${mb(m.heapTotal)} external=${mb(m.external)} buffers=${mb(m.arrayBuffers)}\n`,
    );
  }, Number(process.env.BENCH_MEMORY_LOG)).unref();
}
const multitude = await buildApp({ config, startDispatcher: true });
await multitude.app.listen({ port: 0, host: '127.0.0.1' });
const address = multitude.app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

const user = { email: 'bench@example.org', password: 'quiet harbour lantern 8271', handle: 'bench', name: 'Bench' };
const { cookie: cookies, csrf } = await registerBenchUser(base, user);
const created = await fetch(`${base}/api/v1/me/tokens`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', cookie: cookies, 'x-csrf-token': csrf },
  body: JSON.stringify({ name: 'bench', scopes: ['profile:read', 'data:read', 'data:write'] }),
});
const { token } = (await created.json()) as { token: string };
process.stdout.write(JSON.stringify({ base, token }) + '\n');

// The benchmark may send SIGTERM twice (BENCH_ONLY stops the server, then its exit handler does): the second must
// not kill the process mid-close, which would lose the --cpu-prof profile written at exit.
let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  // A close that hangs (a connection the load generator left open) must not keep the process, and with it
  // the benchmark's output pipe and the profile, waiting forever.
  setTimeout(() => process.exit(0), 5000).unref();
  if (profiler)
    void profiler.post('Profiler.stop').then(({ profile }) => writeFileSync(mainProfile!, JSON.stringify(profile)));
  void multitude.close().then(() => {
    // BENCH_KEEP_DATA: leave the data directory, to look at the database afterwards.
    if (process.env.BENCH_KEEP_DATA) console.error(`data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});
