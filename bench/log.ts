// npm run bench:log — what the transparency log costs, in one process on the embedded SQLite (or PostgreSQL
// with BENCH_DATABASE_URL): N public events (BENCH_LOG_ENTRIES, default 5,000) appended by the log's consumer,
// then integrated and signed; the latency of an inclusion proof (ledger.entry, 1,000 random entries); full hash
// tiles served per second over HTTP (autocannon, 16 connections, 5 s); and `log verify` of the whole log.
// Results: bench/results/log.json.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { createEventStore } from '../server/src/events/store.js';
import { verifyLog } from '../server/src/ledger/verify.js';

const N = Number(process.env.BENCH_LOG_ENTRIES ?? 5000);
const dataDir = mkdtempSync(join(tmpdir(), 'multitude-bench-log-'));
const config = {
  ...loadConfig({ MULTITUDE_DATA_DIR: dataDir, MULTITUDE_DEMO: '0', LOG_LEVEL: 'warn' }),
  databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
};
const multitude = await buildApp({ config });
const { db, ledger, dispatcher } = multitude;
const store = createEventStore(db.dialect);

// The events themselves are written beforehand: the figure is the log's own cost.
for (let i = 0; i < N; i += 500) {
  await db.kysely.transaction().execute(async (trx) => {
    for (let j = i; j < Math.min(N, i + 500); j++) {
      await store.insert(trx, {
        id: randomUUID(),
        type: 'dataset.changed',
        actorId: null,
        subjectId: `s${j}`,
        organizationId: null,
        visibility: 'public',
        payload: { j },
        occurredAt: new Date().toISOString(),
      });
    }
  });
}

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
const tiles = await autocannon({ url: `${base}/log/tile/0/000`, connections: 16, duration: 5 });

t0 = performance.now();
const key = (await (await fetch(`${base}/log/key`)).text()).trim();
await verifyLog({ baseUrl: base, key, stateFile: join(dataDir, 'state.json') });
const verifyMs = performance.now() - t0;

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
  logVerifyMs: Math.round(verifyMs),
  note: 'One process on the shared 2-core machine; the consumer appends one event per transaction (the spine contract).',
};
console.log(JSON.stringify(result, null, 2));
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  join(import.meta.dirname, 'results', `log${db.dialect === 'postgres' ? '-postgres' : ''}.json`),
  `${JSON.stringify(result, null, 2)}\n`,
);
await multitude.close();
