// npm run bench:data — the open-data benchmark on SQLite:
// 1. generates a deterministic 1,000,000-row CSV (10 columns: integers, decimals, dates, booleans,
//    short codes, French text) — BENCH_ROWS to change the size;
// 2. uploads it through the HTTP API (the same code path as a publisher's upload) to a server running in
//    its own process, and follows the import job: rows/s, load and indexing times, then the time until the
//    columnar copy answers (x-multitude-engine: columnar) and the server's peak RSS through all of it;
// 3. drives the query API with autocannon (BENCH_CONNECTIONS connections, default 32, BENCH_DURATION s each,
//    default 10): every query repeated (the result cache answers) and "varying" (a filter value that changes
//    on each request, so no cache helps), with the server's CPU time per answer (all its threads);
// 4. single-request latencies under a varying filter (group-by, facet, count), the stall probe (/healthz
//    while 4 heavy queries are in flight, against its idle latency) and a Parquet download of the whole table;
//    (BENCH_ONLY=<regex on titles> runs only those scenarios and stops there: for profiling);
// 5. prints a before/after table against BENCH_BASELINE (default bench/results/data-before.json, when it
//    exists) and writes bench/results/data.json (BENCH_OUT to write elsewhere).
// Smoke run (checks that it works, figures meaningless), about 1.5 min:
//   BENCH_ROWS=20000 BENCH_DURATION=2 BENCH_CONNECTIONS=8 BENCH_STALL_SECONDS=1 BENCH_SINGLE=5 \
//   BENCH_OUT=/tmp/bench-smoke.json npm run bench:data
// The full run (1M rows, defaults) takes about 6–8 min on 2 cores: ~1 min to generate, upload and import,
// 15 scenarios × 10 s, single requests, the stall probe and the Parquet download. Run it on a quiet machine.
import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  openAsBlob,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { rng } from './random.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const outFile = process.env.BENCH_OUT ?? 'bench/results/data.json';
const baselineFile = process.env.BENCH_BASELINE ?? 'bench/results/data-before.json';

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

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

/** Restarts the process's peak RSS (VmHWM) from its current RSS (Linux: `5` into clear_refs). */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU time the server process has used (every thread: event loop, query workers, DuckDB), in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime (fields 14 and 15 of the line, 12 and 13 after the command), in clock ticks (100 Hz).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

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
  await new Promise((r) => setTimeout(r, 100));
}
if (job.status !== 'succeeded') throw new Error(`import failed: ${job.error}`);
const importEnd = new Date(job.finishedAt!).getTime();
const importMs = importEnd - new Date(job.startedAt).getTime();
const timings = job.report!.timings!;
const rowsPath = `/api/v1/datasets/bench/resources/${created.resource.id}`;

// The columnar copy: built in the background after the import; an analytics answer says which engine served it.
// A server without one never says "columnar": give up after BENCH_COLUMNAR_WAIT seconds (default 60).
let columnarReadyAfterSeconds: number | null = null;
const columnarDeadline = Date.now() + Number(process.env.BENCH_COLUMNAR_WAIT ?? 60) * 1000;
for (let probe = 0; Date.now() < columnarDeadline; probe++) {
  const res = await fetch(`${base}${rowsPath}/aggregate?_agg=count&_id__gt=${probe}`, { headers: auth });
  await res.arrayBuffer();
  if (res.headers.get('x-multitude-engine') === 'columnar') {
    columnarReadyAfterSeconds = round((Date.now() - importEnd) / 1000, 2);
    break;
  }
  await new Promise((r) => setTimeout(r, 100));
}
const importResult = {
  rows: job.report!.rowsImported,
  uploadSeconds: uploadMs / 1000,
  loadSeconds: timings.loadMs / 1000,
  rowsPerSecondTypedAndLoaded: Math.round(job.report!.rowsImported / (timings.loadMs / 1000)),
  indexSeconds: (timings.indexMs ?? 0) / 1000,
  queryableAndIndexedSeconds: importMs / 1000,
  columnarReadyAfterImportSeconds: columnarReadyAfterSeconds,
  serverPeakRssMbImportAndColumnar: peakRssMb(server.pid!),
};
console.log(JSON.stringify({ import: importResult }));

const firstPage = (await call(`${rowsPath}/rows?_limit=100`)) as { next: string };
const deepCursor = new URL(
  ((await call(`${rowsPath}/rows?population__gte=150000&_sort=population&_limit=100`)) as { next: string }).next,
).searchParams.get('_cursor');
// A keyset cursor is base64url JSON {s: sort signature, v: the last row's sort values}: the varying variant
// starts each request at another _id.
const idCursor = JSON.parse(
  Buffer.from(new URL(firstPage.next).searchParams.get('_cursor')!, 'base64url').toString(),
) as { s: string };
const cursorAt = (id: number) => Buffer.from(JSON.stringify({ s: idCursor.s, v: [id] })).toString('base64url');

// Answers past the time limit (503) are timed and counted, not fatal: the benchmark reports them.
let failedAnswers = 0;
async function timed(path: string) {
  const t0 = performance.now();
  const res = await fetch(base + path, { headers: auth });
  await res.arrayBuffer();
  if (res.status === 503) failedAnswers += 1;
  else if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return performance.now() - t0;
}
const coldAnswers = {
  groupByRegionMs: Math.round(
    await timed(`${rowsPath}/aggregate?_group=region&_agg=count,sum:population,avg:superficie`),
  ),
  facetCategorieMs: Math.round(await timed(`${rowsPath}/rows?_facet=categorie&_limit=1`)),
  facetUnderFilterMs: Math.round(await timed(`${rowsPath}/rows?_facet=region&actif=true&_limit=1`)),
};
console.log(JSON.stringify({ cold: coldAnswers }));

// A different value on every request: deterministic, spread over the column's range.
let counter = 0;
const next = () => (counter = (counter + 7919) % 180_000);
const band = (v: number) => `population__gte=${v}&population__lt=${v + 20_000}`;
const pair = (v: number) =>
  encodeURIComponent(`${words[v % words.length]} ${words[Math.floor(v / words.length) % words.length]!.slice(0, 4)}`);

type Scenario = { title: string; path: string } | { title: string; varying: (v: number) => string };
const scenarios: Scenario[] = [
  { title: 'first page', path: `${rowsPath}/rows?_limit=100` },
  { title: 'first page (varying)', varying: (v) => `${rowsPath}/rows?_limit=100&_id__gt=${v * 5}` },
  { title: 'keyset page', path: new URL(firstPage.next).pathname + new URL(firstPage.next).search },
  { title: 'keyset page (varying)', varying: (v) => `${rowsPath}/rows?_limit=100&_cursor=${cursorAt(v * 5)}` },
  { title: 'equality filter + sort', path: `${rowsPath}/rows?region=BRE&_sort=-population&_limit=100` },
  {
    title: 'equality filter + sort (varying)',
    varying: (v) => `${rowsPath}/rows?region=BRE&population__lt=${v + 20_000}&_sort=-population&_limit=100`,
  },
  {
    title: 'range filter + keyset page',
    path: `${rowsPath}/rows?population__gte=150000&_sort=population&_limit=100&_cursor=${deepCursor}`,
  },
  {
    title: 'range filter + sort page (varying)',
    varying: (v) => `${rowsPath}/rows?population__gte=${v}&_sort=population&_limit=100`,
  },
  { title: 'full-text search', path: `${rowsPath}/rows?_q=ch%C3%A2teau%20moulin&_limit=100` },
  {
    title: 'full-text search, prefix of the last word, ranked (varying)',
    varying: (v) => `${rowsPath}/rows?_q=${pair(v)}&population__gte=${v}&_limit=100`,
  },
  {
    title: 'group-by aggregation (repeated)',
    path: `${rowsPath}/aggregate?_group=region&_agg=count,sum:population,avg:superficie`,
  },
  {
    title: 'group-by aggregation (varying)',
    varying: (v) => `${rowsPath}/aggregate?_group=region&_agg=count,sum:population,avg:superficie&${band(v)}`,
  },
  { title: 'facet (repeated)', path: `${rowsPath}/rows?_facet=categorie&_limit=1` },
  { title: 'facet (varying)', varying: (v) => `${rowsPath}/rows?_facet=categorie&_limit=1&${band(v)}` },
  { title: 'count (varying)', varying: (v) => `${rowsPath}/aggregate?_agg=count&${band(v)}` },
];

function load(scenario: Scenario, seconds: number, conns = connections) {
  const options: autocannon.Options = { url: base, connections: conns, duration: seconds, headers: auth };
  if ('path' in scenario) options.url = base + scenario.path;
  else
    options.requests = [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: scenario.varying(next()) }),
      },
    ];
  return new Promise<autocannon.Result>((resolve, reject) =>
    autocannon(options, (err, result) => (err ? reject(err) : resolve(result))),
  );
}

const queries = [];
// BENCH_ONLY: a regular expression on the titles, to run (and profile, with BENCH_CPU_PROF) a few scenarios.
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : undefined;
for (const scenario of scenarios.filter((s) => !only || only.test(s.title))) {
  const cpuBefore = cpuMs(server.pid!);
  const r = await load(scenario, duration);
  const entry = {
    title: scenario.title,
    path: 'path' in scenario ? scenario.path : scenario.varying(0),
    requestsPerSecond: r.requests.average,
    // Server CPU per answer: what a request costs, much less sensitive to a loaded machine than req/s.
    serverCpuMsPerRequest: round((cpuMs(server.pid!) - cpuBefore) / Math.max(1, r.requests.total), 2),
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99 },
    non2xx: r.non2xx,
    errors: r.errors,
  };
  console.log(JSON.stringify(entry));
  queries.push(entry);
}

if (only) {
  server.kill('SIGTERM');
  process.exit(0);
}

// One request at a time, a new filter value each: what one user waits for.
async function single(make: (v: number) => string, n = Number(process.env.BENCH_SINGLE ?? 31)) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await timed(make(next())));
  times.sort((a, b) => a - b);
  return { p50: round(quantile(times, 0.5)), p90: round(quantile(times, 0.9)), n };
}
const singleRequest = {
  groupByVaryingMs: await single(
    (v) => `${rowsPath}/aggregate?_group=region&_agg=count,sum:population,avg:superficie&${band(v)}`,
  ),
  facetVaryingMs: await single((v) => `${rowsPath}/rows?_facet=categorie&_limit=1&${band(v)}`),
  countVaryingMs: await single((v) => `${rowsPath}/aggregate?_agg=count&${band(v)}`),
  rowsWithTotalVaryingMs: await single((v) => `${rowsPath}/rows?_limit=20&${band(v)}`),
};
console.log(JSON.stringify({ singleRequest }));

// The stall probe: /healthz one request at a time, idle, then while 4 heavy uncached queries are in flight.
async function healthz(seconds: number) {
  const times: number[] = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) times.push(await timed('/healthz'));
  times.sort((a, b) => a - b);
  return { p50: round(quantile(times, 0.5), 2), p99: round(quantile(times, 0.99), 2), n: times.length };
}
const stallSeconds = Number(process.env.BENCH_STALL_SECONDS ?? Math.min(duration, 5));
const idle = await healthz(stallSeconds);
let heavyDone = 0;
let stop = false;
const heavy = [
  (v: number) => `${rowsPath}/aggregate?_group=region&_agg=count,sum:population,avg:superficie&${band(v)}`,
  (v: number) => `${rowsPath}/rows?_facet=categorie&_facet=region&_limit=1&${band(v)}`,
  (v: number) => `${rowsPath}/aggregate?_group=categorie,actif&_agg=count,avg:densite&${band(v)}`,
  (v: number) => `${rowsPath}/rows?_q=${pair(v)}&region__in=BRE,IDF&_sort=-superficie&population__gte=${v}`,
];
const loops = heavy.map(async (make) => {
  while (!stop) {
    await timed(make(next()));
    heavyDone++;
  }
});
const underLoad = await healthz(stallSeconds);
stop = true;
await Promise.all(loops);
const stall = {
  idle,
  under4HeavyQueries: underLoad,
  heavyQueriesCompleted: heavyDone,
  p99Ratio: round(underLoad.p99 / Math.max(idle.p99, 0.01), 2),
};
console.log(JSON.stringify({ stall }));

// The whole table as Parquet, streamed. The server's peak RSS is restarted just before, so that the download's own
// peak shows apart from what the query scenarios left (caches, 32 connections): constant memory means close to
// the RSS before it.
let parquet: {
  seconds: number;
  bytes: number;
  serverPeakRssMbAfter: number;
  serverRssMbBefore: number;
  serverPeakRssMbDuring: number | null;
} | null = null;
const peakBeforeParquet = peakRssMb(server.pid!);
{
  const rssBefore = rssMb(server.pid!);
  const reset = resetPeakRss(server.pid!);
  const t0 = performance.now();
  const res = await fetch(`${base}${rowsPath}/rows.parquet`, { headers: auth });
  if (res.ok) {
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    const during = peakRssMb(server.pid!);
    parquet = {
      seconds: round((performance.now() - t0) / 1000, 2),
      bytes,
      serverPeakRssMbAfter: Math.max(peakBeforeParquet, during),
      serverRssMbBefore: rssBefore,
      serverPeakRssMbDuring: reset ? during : null,
    };
  } else await res.arrayBuffer();
  console.log(JSON.stringify({ parquet }));
}

const result = {
  date: new Date().toISOString(),
  node: process.version,
  database: 'sqlite',
  rows: ROWS,
  connections,
  durationSeconds: duration,
  import: importResult,
  cold: coldAnswers,
  queries,
  singleRequest,
  stall,
  parquet,
  answers503: failedAnswers,
  serverPeakRssMb: Math.max(peakBeforeParquet, peakRssMb(server.pid!)),
};
mkdirSync('bench/results', { recursive: true });
writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');

// Before/after: every figure of the targets, next to the baseline's when there is one.
type Result = typeof result;
const before: Partial<Result> | null =
  existsSync(baselineFile) && baselineFile !== outFile
    ? (JSON.parse(readFileSync(baselineFile, 'utf8')) as Partial<Result>)
    : null;
const rps = (r: Partial<Result> | null, title: string) => r?.queries?.find((q) => q.title === title)?.requestsPerSecond;
const lines: Array<[string, unknown, unknown, string]> = [
  [
    'group-by, varying filter, one request p50 (ms)',
    before?.singleRequest?.groupByVaryingMs.p50,
    singleRequest.groupByVaryingMs.p50,
    '≤ 30',
  ],
  [
    'facet, varying filter, one request p50 (ms)',
    before?.singleRequest?.facetVaryingMs.p50,
    singleRequest.facetVaryingMs.p50,
    '≤ 30',
  ],
  [
    'group-by, varying filter (req/s)',
    rps(before, 'group-by aggregation (varying)'),
    rps(result, 'group-by aggregation (varying)'),
    '≥ 60',
  ],
  ['facet, varying filter (req/s)', rps(before, 'facet (varying)'), rps(result, 'facet (varying)'), '≥ 60'],
  ['/healthz p99 under 4 heavy queries ÷ idle p99', before?.stall?.p99Ratio, stall.p99Ratio, '≤ 3'],
  [
    'range filter + sort page, varying (req/s)',
    rps(before, 'range filter + sort page (varying)'),
    rps(result, 'range filter + sort page (varying)'),
    '≥ 1,500',
  ],
  [
    'count, varying filter, one request p50 (ms)',
    before?.singleRequest?.countVaryingMs.p50,
    singleRequest.countVaryingMs.p50,
    '≤ 20',
  ],
  [
    'columnar copy ready after the import (s)',
    before?.import?.columnarReadyAfterImportSeconds,
    importResult.columnarReadyAfterImportSeconds,
    '≤ 5',
  ],
  [
    'peak RSS, import + columnar build (MB)',
    before?.import?.serverPeakRssMbImportAndColumnar,
    importResult.serverPeakRssMbImportAndColumnar,
    '≤ 600',
  ],
  [
    'import: queryable and indexed (s)',
    before?.import?.queryableAndIndexedSeconds,
    importResult.queryableAndIndexedSeconds,
    '',
  ],
  ...queries
    .filter((q) => !q.title.includes('varying'))
    .map(
      (q) =>
        [`${q.title} (req/s)`, rps(before, q.title), q.requestsPerSecond, 'cached: ≥ 90 % of before'] as [
          string,
          unknown,
          unknown,
          string,
        ],
    ),
  ...queries
    .filter((q) => q.title.includes('varying'))
    .map(
      (q) =>
        [`${q.title} (req/s)`, rps(before, q.title), q.requestsPerSecond, ''] as [string, unknown, unknown, string],
    ),
  ['Parquet download of every row (s)', before?.parquet?.seconds, parquet?.seconds, ''],
  [
    'peak RSS after the Parquet download (MB)',
    before?.parquet?.serverPeakRssMbAfter,
    parquet?.serverPeakRssMbAfter,
    '',
  ],
  ['server RSS before the Parquet download (MB)', undefined, parquet?.serverRssMbBefore, ''],
  ['peak RSS during the Parquet download (MB)', undefined, parquet?.serverPeakRssMbDuring, ''],
];
const show = (v: unknown) => (v === undefined || v === null ? '—' : String(v));
const width = Math.max(...lines.map(([l]) => l.length));
console.log(`\n${'figure'.padEnd(width)} | ${'before'.padStart(8)} | ${'after'.padStart(8)} | target`);
console.log(`${'-'.repeat(width)}-|----------|----------|-------`);
for (const [label, b, a, target] of lines)
  console.log(`${label.padEnd(width)} | ${show(b).padStart(8)} | ${show(a).padStart(8)} | ${target}`);
if (!before) console.log(`(no baseline at ${baselineFile}: the "before" column is empty)`);

server.kill('SIGTERM');
rmSync(work, { recursive: true, force: true });
