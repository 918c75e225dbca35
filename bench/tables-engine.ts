/**
 * Load and query timings of the tabular engine on SQLite (not a test).
 *   node --import tsx bench/tables-engine.ts [rows=1000000]
 * Generates rows with 10 columns, loads them as the importer would (batches of 5,000 in one
 * transaction), finalizes, then times the main query shapes in-process (no HTTP).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../server/src/db/database.js';
import type { Cell, TableSchema } from '../server/src/data/table-schema.js';
import {
  createQueryEngine,
  createTabularStore,
  parseAggregateQuery,
  parseRowQuery,
  QueryCache,
} from '../server/src/data/tables/index.js';

const N = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'multitude-perf-'));
const file = join(dir, 'perf.db');
const db = openDatabase({ sqliteFile: file });
const kysely = db.kysely;
const cache = new QueryCache();
const store = createTabularStore('sqlite', { cache });
const cachedEngine = createQueryEngine('sqlite', { cache });
// Query-rate figures are measured without any cache (every request hits SQLite), except where noted.
const engine = createQueryEngine('sqlite', { cache: new QueryCache({ maxEntries: 0 }), cacheRows: false });

const schema: TableSchema = {
  missingValues: [''],
  fields: [
    { name: 'code', type: 'string' },
    { name: 'commune', type: 'string' },
    { name: 'département', type: 'string' },
    { name: 'population', type: 'integer' },
    { name: 'surface', type: 'number' },
    { name: 'côtière', type: 'boolean' },
    { name: 'création', type: 'date' },
    { name: 'mise à jour', type: 'datetime' },
    { name: 'rang', type: 'integer' },
    { name: 'description', type: 'string' },
  ],
};

let seed = 7;
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};
const vocabulary = [
  'école',
  'château',
  'forêt',
  'rivière',
  'marché',
  'église',
  'musée',
  'plage',
  'gare',
  'boulangerie',
  'hôpital',
  'théâtre',
  'mairie',
  'pont',
  'port',
  'jardin',
  'stade',
  'piscine',
  'collège',
  'lycée',
];
const syllables = [
  'ba',
  'ri',
  'mon',
  'ville',
  'sur',
  'lès',
  'saint',
  'é',
  'tienne',
  'gny',
  'court',
  'ac',
  'anges',
  'bourg',
];
const depts = Array.from({ length: 101 }, (_, i) => String(i + 1).padStart(2, '0'));

function row(i: number): Cell[] {
  const y = 1950 + Math.floor(rand() * 70);
  const m = String(1 + Math.floor(rand() * 12)).padStart(2, '0');
  const d = String(1 + Math.floor(rand() * 28)).padStart(2, '0');
  return [
    `C${String(i).padStart(7, '0')}`,
    rand() < 0.02
      ? null
      : Array.from({ length: 2 + Math.floor(rand() * 3) }, () => syllables[Math.floor(rand() * syllables.length)]).join(
          '',
        ),
    depts[Math.floor(rand() * depts.length)] as string,
    rand() < 0.05 ? null : Math.floor(rand() * rand() * 500_000),
    Math.round(rand() * 50_000) / 100,
    rand() < 0.3,
    `${y}-${m}-${d}`,
    `${y}-${m}-${d}T${String(Math.floor(rand() * 24)).padStart(2, '0')}:00:00.000Z`,
    i % 1000,
    Array.from({ length: 3 + Math.floor(rand() * 6) }, () => vocabulary[Math.floor(rand() * vocabulary.length)]).join(
      ' ',
    ),
  ];
}

const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
async function time<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const t = process.hrtime.bigint();
  const r = await fn();
  console.log(`${label.padEnd(52)} ${ms(t).toFixed(1).padStart(9)} ms`);
  return r;
}
async function rate(label: string, iterations: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.min(50, iterations); i++) await fn(i); // warm-up
  const t = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn(i);
  const elapsed = ms(t);
  console.log(
    `${label.padEnd(52)} ${(iterations / (elapsed / 1000)).toFixed(0).padStart(9)} req/s  (${(elapsed / iterations).toFixed(3)} ms each)`,
  );
}

const table = 'rows_perf';
console.log(`SQLite ${N.toLocaleString('en')} rows × ${schema.fields.length} columns — ${file}`);
const BATCH = 5000;
const tLoad = process.hrtime.bigint();
await store.createTable(kysely, table, schema);
await kysely.transaction().execute(async (trx) => {
  for (let start = 0; start < N; start += BATCH) {
    const rows: Cell[][] = [];
    for (let i = start; i < Math.min(N, start + BATCH); i++) rows.push(row(i));
    await store.insertRows(trx, table, schema, rows);
  }
});
const loadMs = ms(tLoad);
console.log(
  `${'insert (incl. generating rows)'.padEnd(52)} ${loadMs.toFixed(0).padStart(9)} ms  ${(N / (loadMs / 1000)).toFixed(0)} rows/s`,
);
// Generation alone, to separate it from the insert cost.
seed = 7;
const tGen = process.hrtime.bigint();
for (let i = 0; i < N; i++) row(i);
const genMs = ms(tGen);
console.log(
  `${'  of which generating rows'.padEnd(52)} ${genMs.toFixed(0).padStart(9)} ms  → insert alone ${(N / ((loadMs - genMs) / 1000)).toFixed(0)} rows/s`,
);
await time('finalize (10 indexes + FTS5 + ANALYZE)', () => store.finalize(kysely, table, schema));
console.log(`database file ${(statSync(file).size / 1e6).toFixed(0)} MB`);

const q = (params: Record<string, string | string[]>) => parseRowQuery(params, schema);
const first = q({});
await rate('first page (100 rows, _id)', 3000, () => engine.selectRows(kysely, table, schema, first));
await rate('first page, cached', 20000, () => cachedEngine.selectRows(kysely, table, schema, first));
const cursors: string[] = [];
let c: string | null = null;
for (let i = 0; i < 200; i++) {
  const page: { nextCursor: string | null } = await engine.selectRows(
    kysely,
    table,
    schema,
    q({ _sort: '-population', ...(c ? { _cursor: c } : {}) }),
  );
  c = page.nextCursor;
  if (c) cursors.push(c);
}
const keysetQueries = cursors.map((cursor) => q({ _sort: '-population', _cursor: cursor }));
await rate('keyset page (100 rows, _sort=-population, deep)', 3000, (i) =>
  engine.selectRows(kysely, table, schema, keysetQueries[i % keysetQueries.length]!),
);
const idCursors: string[] = [];
c = null;
for (let i = 0; i < 200; i++) {
  const page: { nextCursor: string | null } = await engine.selectRows(
    kysely,
    table,
    schema,
    q(c ? { _cursor: c } : {}),
  );
  c = page.nextCursor;
  if (c) idCursors.push(c);
}
const idQueries = idCursors.map((cursor) => q({ _cursor: cursor }));
await rate('keyset page (100 rows, _id)', 3000, (i) =>
  engine.selectRows(kysely, table, schema, idQueries[i % idQueries.length]!),
);
const eqSort = depts.map((d) => q({ département: d, _sort: '-population' }));
await rate('eq filter + sort (département=…, -population)', 2000, (i) =>
  engine.selectRows(kysely, table, schema, eqSort[i % eqSort.length]!),
);
const eqOnly = depts.map((d) => q({ département: d }));
await rate('eq filter + sort, cached (101 distinct queries)', 20000, (i) =>
  cachedEngine.selectRows(kysely, table, schema, eqSort[i % eqSort.length]!),
);
await rate('eq filter (département=…, _id order)', 2000, (i) =>
  engine.selectRows(kysely, table, schema, eqOnly[i % eqOnly.length]!),
);
const range = q({ population__gte: '100000', population__lt: '100500', _sort: 'population' });
await rate('range filter + sort (population)', 2000, () => engine.selectRows(kysely, table, schema, range));
const fts = vocabulary.map((w) => q({ _q: w }));
await rate('FTS _q=<common word> (≈30% of rows)', 500, (i) =>
  engine.selectRows(kysely, table, schema, fts[i % fts.length]!),
);
await rate('FTS _q=<common word>, cached', 20000, (i) =>
  cachedEngine.selectRows(kysely, table, schema, fts[i % fts.length]!),
);
const ftsTwo = vocabulary.map((w, i) => q({ _q: `${w} ${vocabulary[(i + 3) % vocabulary.length]}` }));
await rate('FTS _q=<two words>', 500, (i) => engine.selectRows(kysely, table, schema, ftsTwo[i % ftsTwo.length]!));
const ftsRare = q({ _q: 'saintsaintsaint' });
await rate('FTS _q=<rare word>', 500, () => engine.selectRows(kysely, table, schema, ftsRare));
const ftsSorted = q({ _q: 'musée', _sort: '-population' });
await rate('FTS + _sort=-population', 200, () => engine.selectRows(kysely, table, schema, ftsSorted));

const agg = parseAggregateQuery({ _group: 'département', _agg: 'count,sum:population,avg:surface' }, schema);
await time('group-by département (cold)', () => cachedEngine.aggregate(kysely, table, schema, agg));
await time('group-by département (warm)', () => cachedEngine.aggregate(kysely, table, schema, agg));
const agg2 = parseAggregateQuery(
  { _group: 'département,côtière', _agg: 'count,max:population', création__gte: '2000-01-01' },
  schema,
);
await time('group-by 2 columns + filter (cold)', () => cachedEngine.aggregate(kysely, table, schema, agg2));
const agg3 = parseAggregateQuery(
  { _group: 'rang', _agg: 'count,avg:population', _sort: '-avg:population', _limit: '10' },
  schema,
);
await time('group-by rang, sort by avg (cold)', () => cachedEngine.aggregate(kysely, table, schema, agg3));
const facetQ = q({ _facet: ['département', 'côtière'] });
await time('facets département + côtière (cold)', () => cachedEngine.facets(kysely, table, schema, facetQ));
await time('facets département + côtière (warm)', () => cachedEngine.facets(kysely, table, schema, facetQ));
const facetHigh = q({ _facet: 'commune' });
await time('facet commune, high cardinality (cold)', () => cachedEngine.facets(kysely, table, schema, facetHigh));
const facetFiltered = q({ _facet: ['côtière', 'rang'], département: '42' });
await time('facets under eq filter (cold)', () => cachedEngine.facets(kysely, table, schema, facetFiltered));
const facetFts = q({ _facet: 'département', _q: 'plage' });
await time('facet under _q (cold)', () => cachedEngine.facets(kysely, table, schema, facetFts));
await time('count(*) (cold)', () => cachedEngine.count(kysely, table, schema, first));
await time('count under _q (cold)', () => cachedEngine.count(kysely, table, schema, fts[0]!));
await time('column stats, 10 columns (cold)', () => cachedEngine.columnStats(kysely, table, schema));
await time('column stats (warm)', () => cachedEngine.columnStats(kysely, table, schema));
let streamed = 0;
await time('stream all rows (-population)', async () => {
  for await (const _ of engine.streamRows(kysely, table, schema, q({ _sort: '-population' }))) streamed += 1;
});
console.log(`streamed ${streamed} rows`);

await db.close();
rmSync(dir, { recursive: true, force: true });
