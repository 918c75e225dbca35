// npm run bench:log — what the transparency log costs, in one process on the embedded SQLite, or on PostgreSQL with
// BENCH_LOG_DB=postgres (BENCH_DATABASE_URL, else MULTITUDE_TEST_DATABASE_URL, else postgres://root@127.0.0.1:5432/test;
// the bench works in a fresh schema it drops at the end, so a shared test database is left as it was): N public events (BENCH_LOG_ENTRIES, default 100,000) appended by the log's consumer
// alone (the spine's other consumers are not its cost), in the batches the dispatcher hands it, then integrated
// and signed; the latency of an inclusion proof (ledger.entry, 1,000 random entries); full hash tiles served per
// second over HTTP (autocannon in a worker thread, 16 connections, 5 s each for a hash tile and an entry bundle);
// and `log verify` of the whole log in its own process, twice (the second run also proves consistency with the
// first). BENCH_LOG_ENTRIES=1000000 for the figure.
// Results: bench/results/log.json (log-postgres.json).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { buildApp } from '../server/src/app.js';
import { openDatabase } from '../server/src/db/database.js';
import { loadConfig } from '../server/src/config.js';
import { createEventStore } from '../server/src/events/store.js';
import { createDispatcher } from '../server/src/events/dispatcher.js';
import { systemClock } from '../server/src/kernel/clock.js';

const N = Number(process.env.BENCH_LOG_ENTRIES ?? 100_000);
const dataDir = mkdtempSync(join(tmpdir(), 'multitude-bench-log-'));
const onPostgres = process.env.BENCH_LOG_DB === 'postgres' || !!process.env.BENCH_DATABASE_URL;
const pgUrl = onPostgres
  ? process.env.BENCH_DATABASE_URL || process.env.MULTITUDE_TEST_DATABASE_URL || 'postgres://root@127.0.0.1:5432/test'
  : undefined;
const pgSchema = pgUrl ? `bench_log_${randomBytes(6).toString('hex')}` : undefined;
/** Runs one statement on the PostgreSQL database outside the bench's schema (creating and dropping it). */
async function admin(statement: string) {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
if (pgSchema) await admin(`create schema ${pgSchema}`);
const config = {
  ...loadConfig({ MULTITUDE_DATA_DIR: dataDir, MULTITUDE_DEMO: '0', LOG_LEVEL: 'warn' }),
  databaseUrl: pgUrl,
};
const multitude = await buildApp({
  config,
  ...(pgUrl ? { db: openDatabase({ databaseUrl: pgUrl, pgSchema }) } : {}),
});
const { db, ledger } = multitude;
const store = createEventStore(db.dialect);

// The events themselves are written beforehand: the figure is the log's own cost.
for (let i = 0; i < N; i += 2000) {
  await db.kysely.transaction().execute(async (trx) => {
    for (let j = i; j < Math.min(N, i + 2000); j++) {
      await store.insert(trx, {
        id: randomUUID(),
        type: 'dataset.published',
        actorId: null,
        subjectId: `s${j}`,
        organizationId: null,
        visibility: 'public',
        payload: { slug: `d${j}`, title: `Dataset ${j}` },
        occurredAt: new Date().toISOString(),
      });
    }
  });
}

const dispatcher = createDispatcher({
  db: db.kysely,
  store,
  clock: systemClock,
  consumers: [ledger.consumer],
  batchSize: Number(process.env.BENCH_LOG_BATCH ?? 1000),
});
let t0 = performance.now();
await dispatcher.drain();
const appendMs = performance.now() - t0;
t0 = performance.now();
const cp = await ledger.integrate();
const integrateMs = performance.now() - t0;

const latencies: number[] = [];
for (let i = 0; i < 1000; i++) {
  const index = Math.floor(Math.random() * cp.size);
  const s = performance.now();
  await ledger.entry(index);
  latencies.push(performance.now() - s);
}
latencies.sort((a, b) => a - b);

await multitude.app.listen({ port: 0, host: '127.0.0.1' });
const address = multitude.app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
// The load comes from a worker thread, so the server's event loop is its own.
const tiles = await autocannon({ url: `${base}/log/tile/0/000`, connections: 16, duration: 5, workers: 1 });
const bundles = await autocannon({ url: `${base}/log/tile/entries/000`, connections: 16, duration: 5, workers: 1 });

// `log verify` in its own process, against the server in this one, so the verifier and the server each have a
// core as they would on two machines. The child times the verification itself, not its own start (tsx compiling).
const key = (await (await fetch(`${base}/log/key`)).text()).trim();
const verifyOnce = async () => {
  const verify = join(import.meta.dirname, '../server/src/ledger/verify.ts');
  const script = [
    `const { verifyLog } = await import(${JSON.stringify(verify)});`,
    'const [baseUrl, key, stateFile] = process.argv.slice(1);',
    'const start = performance.now();',
    'await verifyLog({ baseUrl, key, stateFile });',
    'console.log(performance.now() - start);',
  ].join('\n');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script, base, key, join(dataDir, 'state.json')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`log verify exited with ${code}`);
  return Number(out.trim());
};
const verifyMs = await verifyOnce();
// The second run proves consistency with the state the first one kept.
const reverifyMs = await verifyOnce();

const result = {
  date: new Date().toISOString(),
  database: db.dialect,
  entries: cp.size,
  consumerAppendsPerSecond: Math.round(N / (appendMs / 1000)),
  integrateAndSignMs: Math.round(integrateMs),
  integratedEntriesPerSecond: Math.round(N / (integrateMs / 1000)),
  durableAppendsPerSecondEndToEnd: Math.round(N / ((appendMs + integrateMs) / 1000)),
  inclusionProofMs: { p50: +latencies[500]!.toFixed(3), p95: +latencies[950]!.toFixed(3) },
  fullTileRequestsPerSecond: Math.round(tiles.requests.average),
  fullEntryBundleRequestsPerSecond: Math.round(bundles.requests.average),
  logVerifyMs: Math.round(verifyMs),
  logVerifyAgainMs: Math.round(reverifyMs),
  note: 'One process on the 2-core machine; the log consumer appends the batches the dispatcher reads (BENCH_LOG_BATCH, default 1,000) in one transaction each.',
};
console.log(JSON.stringify(result, null, 2));
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  join(import.meta.dirname, 'results', `log${db.dialect === 'postgres' ? '-postgres' : ''}.json`),
  `${JSON.stringify(result, null, 2)}\n`,
);
await multitude.close();
if (pgSchema && !process.env.BENCH_KEEP) await admin(`drop schema ${pgSchema} cascade`);
