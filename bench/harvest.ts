// npm run bench:harvest — a harvest of a large udata-style source (BENCH_HARVEST_DATASETS, default 10,000, served
// 100 per page from a local server in this process) into an organization of a fresh SQLite app (in process, as the
// test harness builds it; MULTITUDE_TEST_DB=postgres with MULTITUDE_TEST_DATABASE_URL for PostgreSQL). Three runs:
// the first creates everything, the second finds everything unchanged, the third after 1 % of the records changed
// and 1 % disappeared. For each: wall time, datasets per second, and the event loop's longest stall (the run's
// batches of 100 records, one transaction each, are applied on the event loop, awaiting each query). Results:
// bench/results/harvest.json.
// The machine is shared: figures are indicative.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createTestApp } from '../server/src/testing/harness.js';
import { newOrganization, newUser } from '../server/src/testing/fixtures.js';

const total = Number(process.env.BENCH_HARVEST_DATASETS ?? 10_000);
const PAGE = 100;
let generation = 0;

const record = (i: number) => {
  const changed = generation >= 2 && i % 100 === 1;
  return {
    id: `bench-${i}`,
    title: `Jeu de données ${i}${changed ? ' (révisé)' : ''}`,
    description: `Description du jeu ${i}, avec quelques mots pour la recherche : budget, transport, écoles.`,
    tags: ['bench', `t${i % 50}`],
    license: 'fr-lo',
    page: `https://portal.example/datasets/bench-${i}/`,
    resources: [{ title: 'CSV', url: `https://portal.example/files/${i}.csv`, format: 'csv' }],
  };
};

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const page = Number(url.searchParams.get('page') ?? 1);
  const ids = Array.from({ length: PAGE }, (_, k) => (page - 1) * PAGE + k).filter(
    (i) => i < total && !(generation >= 2 && i % 100 === 2),
  );
  const last = page * PAGE >= total;
  res.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      data: ids.map(record),
      next_page: last
        ? null
        : `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/1/datasets/?page=${page + 1}`,
      page,
      page_size: PAGE,
      total,
    }),
  );
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

const t = await createTestApp({
  validateEvents: false,
  config: { allowPrivateUrls: false, logLevel: 'warn' },
  outboundExempt: [`127.0.0.1:${port}`],
  harvestLimits: { maxRecords: total + 1000, maxPages: Math.ceil(total / PAGE) + 10 },
});
const owner = await newUser(t, { prefix: 'bench-harvest' });
const org = await newOrganization(t, owner);
const source = await t.federation.harvest.addSource(owner.actor, org.slug, {
  name: 'Bench portal',
  kind: 'udata',
  url: `http://127.0.0.1:${port}/api/1/datasets/`,
});

const results = [];
for (const [label, gen] of [
  ['first run: every dataset created', 1],
  ['second run: everything unchanged', 1],
  ['third run: 1 % changed, 1 % gone', 2],
] as const) {
  generation = gen;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  const run = await t.federation.harvest.requestRun(owner.actor, source.id);
  await t.federation.harvest.drain();
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  const done = await t.federation.harvest.getRun(owner.actor, run.id);
  const entry = {
    label,
    dialect: t.db.dialect,
    datasets: total,
    status: done.status,
    ...(done.error ? { error: done.error } : {}),
    created: done.created,
    updated: done.updated,
    unchanged: done.unchanged,
    withdrawn: done.withdrawn,
    pages: done.report.pages,
    seconds: Number(seconds.toFixed(2)),
    recordsPerSecond: Math.round(done.report.records / seconds),
    eventLoopMaxStallMs: Math.round(delay.max / 1e6),
    eventLoopP99Ms: Math.round(delay.percentile(99) / 1e6),
  };
  console.log(JSON.stringify(entry));
  results.push(entry);
}

await t.cleanup();
server.close();
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/harvest.json',
  `${JSON.stringify({ at: new Date().toISOString(), note: 'shared 2-core machine: indicative figures', results }, null, 2)}\n`,
);
