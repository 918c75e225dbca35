// npm run bench:data — the open-data benchmark on SQLite:
// 1. generates a deterministic 1,000,000-row CSV (10 columns: integers, decimals, dates, booleans,
//    short codes, French text) — BENCH_ROWS to change the size;
// 2. uploads it through the HTTP API (the same code path as a publisher's upload) to a server running in
//    its own process, and follows the import job: rows/s, load and indexing times, the server's peak RSS;
// 3. drives the query API with autocannon (32 connections, BENCH_DURATION s each, default 10) and times
//    the first (cold) answer of each aggregate shape;
// 4. writes bench/results/data.json.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, openAsBlob, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { rng } from './random.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);

const words = [
  'rue',
  'place',
  'école',
  'mairie',
  'église',
  'marché',
  'forêt',
  'rivière',
  'château',
  'jardin',
  'pont',
  'gare',
  'musée',
  'bibliothèque',
  'piscine',
  'stade',
  'collège',
  'lycée',
  'hôpital',
  'parc',
  'fontaine',
  'moulin',
  'vigne',
  'montagne',
  'lac',
  'port',
  'plage',
  'village',
  'quartier',
  'avenue',
];
const regions = ['ARA', 'BFC', 'BRE', 'CVL', 'COR', 'GES', 'HDF', 'IDF', 'NOR', 'NAQ', 'OCC', 'PDL', 'PAC'];

async function generate(path: string) {
  const random = rng(42);
  const out = createWriteStream(path);
  out.write('id,code,region,population,superficie,densite,date_creation,actif,categorie,description\n');
  let chunk = '';
  for (let i = 1; i <= ROWS; i++) {
    const population = Math.floor(random() * 200_000);
    const superficie = Math.round(random() * 50_000) / 100;
    const day = 1 + Math.floor(random() * 28);
    const month = 1 + Math.floor(random() * 12);
    const year = 1900 + Math.floor(random() * 125);
    const description = `${words[Math.floor(random() * words.length)]} ${words[Math.floor(random() * words.length)]} ${words[Math.floor(random() * words.length)]}`;
    chunk += `${i},C${String(Math.floor(random() * 100_000)).padStart(5, '0')},${regions[i % regions.length]},${population},${superficie},${(population / (superficie || 1)).toFixed(2)},${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')},${random() < 0.5 ? 'true' : 'false'},K${Math.floor(random() * 20)},${description}\n`;
    if (i % 10_000 === 0) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024);
}

const work = join(tmpdir(), `multitude-bench-data-${process.pid}`);
mkdirSync(work, { recursive: true });
const csvPath = join(work, 'bench.csv');
let started = Date.now();
await generate(csvPath);
console.log(
  `generated ${ROWS} rows (${(statSync(csvPath).size / 1e6).toFixed(0)} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);

const server = spawn(
  process.execPath,
  [
    ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    '--import',
    'tsx',
    'bench/fixture-server.ts',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, MULTITUDE_OUTBOUND_ALLOW_PRIVATE: '0' } },
);
const { base, token } = JSON.parse(
  await new Promise<string>((resolve, reject) => {
    createInterface({ input: server.stdout! }).once('line', resolve);
    server.once('exit', (code) => reject(new Error(`benchmark server exited with ${code}`)));
  }),
) as { base: string; token: string };
const auth = { authorization: `Bearer ${token}` };
// Whatever happens, the server process goes down with the benchmark.
process.on('exit', () => server.kill('SIGTERM'));
process.on('uncaughtException', (error) => {
  console.error(error);
  process.exit(1);
});
const call = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(base + path, { ...init, headers: { ...auth, ...(init.headers ?? {}) } });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
};

await call('/api/v1/datasets', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ title: 'Benchmark', slug: 'bench', license: 'CC0-1.0', status: 'published' }),
});
const form = new FormData();
form.append('title', 'Un million de lignes');
form.append('file', await openAsBlob(csvPath, { type: 'text/csv' }), 'bench.csv');
started = Date.now();
const created = (await call('/api/v1/datasets/bench/resources', { method: 'POST', body: form })) as {
  resource: { id: string };
  job: { id: string };
};
const uploadMs = Date.now() - started;
let job: {
  status: string;
  progress: { percent: number | null };
  report: { rowsImported: number; timings?: { loadMs: number; indexMs?: number } } | null;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
};
let lastPercent = -1;
for (;;) {
  job = (await call(`/api/v1/jobs/${created.job.id}`)) as typeof job;
  if (job.progress.percent !== null && Math.floor(job.progress.percent / 10) !== Math.floor(lastPercent / 10)) {
    lastPercent = job.progress.percent;
    process.stdout.write(`import ${job.progress.percent}%\n`);
  }
  if (job.status === 'succeeded' || job.status === 'failed') break;
  await new Promise((r) => setTimeout(r, 250));
}
if (job.status !== 'succeeded') throw new Error(`import failed: ${job.error}`);
const importMs = new Date(job.finishedAt!).getTime() - new Date(job.startedAt).getTime();
const timings = job.report!.timings!;
const importResult = {
  rows: job.report!.rowsImported,
  uploadSeconds: uploadMs / 1000,
  loadSeconds: timings.loadMs / 1000,
  rowsPerSecondTypedAndLoaded: Math.round(job.report!.rowsImported / (timings.loadMs / 1000)),
  indexSeconds: (timings.indexMs ?? 0) / 1000,
  queryableAndIndexedSeconds: importMs / 1000,
  serverPeakRssMb: peakRssMb(server.pid!),
};
console.log(JSON.stringify({ import: importResult }));

const rowsPath = `/api/v1/datasets/bench/resources/${created.resource.id}`;
const firstPage = (await call(`${rowsPath}/rows?_limit=100`)) as { next: string };
const deepCursor = new URL(
  ((await call(`${rowsPath}/rows?population__gte=150000&_sort=population&_limit=100`)) as { next: string }).next,
).searchParams.get('_cursor');

async function cold(path: string) {
  const t0 = performance.now();
  await call(path);
  return Math.round(performance.now() - t0);
}
const coldAnswers = {
  groupByRegionMs: await cold(`${rowsPath}/aggregate?_group=region&_agg=count,sum:population,avg:superficie`),
  facetCategorieMs: await cold(`${rowsPath}/rows?_facet=categorie&_limit=1`),
  facetUnderFilterMs: await cold(`${rowsPath}/rows?_facet=region&actif=true&_limit=1`),
};
console.log(JSON.stringify({ cold: coldAnswers }));

const scenarios: Array<[string, string]> = [
  ['first page', `${rowsPath}/rows?_limit=100`],
  ['keyset page', new URL(firstPage.next).pathname + new URL(firstPage.next).search],
  ['equality filter + sort', `${rowsPath}/rows?region=BRE&_sort=-population&_limit=100`],
  [
    'range filter + keyset page',
    `${rowsPath}/rows?population__gte=150000&_sort=population&_limit=100&_cursor=${deepCursor}`,
  ],
  ['full-text search', `${rowsPath}/rows?_q=ch%C3%A2teau%20moulin&_limit=100`],
  ['group-by aggregation (repeated)', `${rowsPath}/aggregate?_group=region&_agg=count,sum:population,avg:superficie`],
  ['facet (repeated)', `${rowsPath}/rows?_facet=categorie&_limit=1`],
];
const queries = [];
for (const [title, path] of scenarios) {
  const r = await new Promise<autocannon.Result>((resolve, reject) =>
    autocannon({ url: base + path, connections, duration }, (err, result) => (err ? reject(err) : resolve(result))),
  );
  const entry = {
    title,
    path,
    requestsPerSecond: r.requests.average,
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99 },
    non2xx: r.non2xx,
    errors: r.errors,
  };
  console.log(JSON.stringify(entry));
  queries.push(entry);
}

mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/data.json',
  JSON.stringify(
    {
      date: new Date().toISOString(),
      node: process.version,
      database: 'sqlite',
      rows: ROWS,
      connections,
      durationSeconds: duration,
      import: importResult,
      cold: coldAnswers,
      queries,
      serverPeakRssMb: peakRssMb(server.pid!),
    },
    null,
    2,
  ) + '\n',
);
server.kill('SIGTERM');
rmSync(work, { recursive: true, force: true });
