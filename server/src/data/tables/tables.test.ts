import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../kernel/errors.js';
import { migrateToLatest } from '../../db/migrate.js';
import { createTestDb, testDialect, testQueryPath, type TestDb } from '../../testing/harness.js';
import type { Cell, TableSchema } from '../table-schema.js';
import {
  QueryCache,
  createQueryEngine,
  createTabularStore,
  parseAggregateQuery,
  parseRowQuery,
  rowQueryParams,
  type AnyDb,
  type QueryEngine,
  type Row,
} from './index.js';
import { createColumnar, type Columnar } from './columnar.js';

// fixture

const NAME = 'Commune';
const POP = 'population';
const AREA = 'surface (km²)';
const COAST = 'côtière';
const CREATED = 'date de création';
const UPDATED = 'mis à jour';
const DEPT = 'dépt "code"';
const HOSTILE = `'; drop table x;--`;
const DESC = 'description';

const schema: TableSchema = {
  missingValues: [''],
  fields: [
    { name: NAME, type: 'string' },
    { name: POP, type: 'integer' },
    { name: AREA, type: 'number' },
    { name: COAST, type: 'boolean' },
    { name: CREATED, type: 'date' },
    { name: UPDATED, type: 'datetime' },
    { name: DEPT, type: 'string' },
    { name: HOSTILE, type: 'string' },
    { name: DESC, type: 'string' },
  ],
};

let seed = 42;
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const maybe = <T>(v: T, p = 0.12): T | null => (rand() < p ? null : v);

const communes = [
  'Paris',
  'Marseille',
  'Lyon',
  'Besançon',
  'Évry',
  'Orléans',
  'Saint-Étienne',
  'Nîmes',
  'Aÿ-Champagne',
  'Zürich',
  "L'Haÿ-les-Roses",
  'Montréal',
  'Ajaccio',
  'Île-d’Yeu',
  'a',
  'Œuf',
  'Lille',
];
const words = [
  'école',
  'château',
  'forêt',
  'rivière',
  'pâtisserie',
  'marché',
  'église',
  'musée',
  'plage',
  'gare',
  'boulangerie',
  'hôpital',
  'théâtre',
];
const depts = ['75', '13', '69', '2A', '2B', '971', '01'];

function makeRow(i: number): Cell[] {
  const day = String(1 + Math.floor(rand() * 28)).padStart(2, '0');
  const month = String(1 + Math.floor(rand() * 12)).padStart(2, '0');
  const year = 1900 + Math.floor(rand() * 120);
  const text = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(words)).join(' ');
  return [
    maybe(`${pick(communes)}${rand() < 0.3 ? ` ${i % 7}` : ''}`),
    maybe(Math.floor(rand() * 2000) - 100),
    maybe(Math.round(rand() * 100000) / 100),
    maybe(rand() < 0.4),
    maybe(`${year}-${month}-${day}`),
    maybe(`${year}-${month}-${day}T${String(Math.floor(rand() * 24)).padStart(2, '0')}:30:00.000Z`),
    maybe(pick(depts), 0.1),
    maybe(rand() < 0.5 ? `'; DROP TABLE t;-- ${i}` : `x"y ${i % 5}`),
    maybe(`${text}${rand() < 0.2 ? ' "guillemets" AND OR NOT' : ''}`),
  ];
}

const ROWS = 300;
const data: Cell[][] = Array.from({ length: ROWS }, (_, i) => makeRow(i));
// A few exact values the tests rely on.
data[0] = [
  'Besançon',
  120,
  65.05,
  false,
  '2000-02-29',
  '2000-02-29T12:00:00.000Z',
  '2A',
  HOSTILE,
  "L'école du château",
];
data[1] = ['Évry', 120, null, true, null, null, '75', null, 'Forêt de Sénart, ECOLE'];

type Full = Row;
const full: Full[] = data.map((r, i) => {
  const row: Full = { _id: i + 1 };
  schema.fields.forEach((f, j) => (row[f.name] = r[j] ?? null));
  return row;
});

// reference implementation

function cmpValues(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = [...String(a)].map((c) => c.codePointAt(0) as number);
  const y = [...String(b)].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

function refSort(rows: Full[], spec: Array<[string, boolean]>): Full[] {
  const keys = [...spec];
  if (!keys.some(([f]) => f === '_id')) keys.push(['_id', keys[0]?.[1] ?? false]);
  return [...rows].sort((a, b) => {
    for (const [f, desc] of keys) {
      const x = a[f] ?? null;
      const y = b[f] ?? null;
      if (x === null && y === null) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const c = cmpValues(x, y);
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  });
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const wordsOf = (s: string) => fold(s).match(/[\p{L}\p{N}]+/gu) ?? [];
/** The reference of `_q`: every word whole, the last one as a prefix while typed (prefix), or a phrase. */
function refSearch(row: Full, q: string, mode: 'prefix' | 'words' | 'phrase' = 'prefix'): boolean {
  const texts = schema.fields.filter((f) => f.type === 'string').map((f) => row[f.name] ?? null);
  const docWords = texts.flatMap((v) => wordsOf(String(v ?? '')));
  const wanted = wordsOf(q);
  if (wanted.length === 0) return false;
  if (mode === 'phrase') {
    const all = wordsOf(texts.filter((v) => v !== null).join(' '));
    return all.some((_, i) => wanted.every((w, j) => all[i + j] === w));
  }
  const typing = mode === 'prefix' && /[\p{L}\p{N}]$/u.test(q);
  return wanted.every((w, i) =>
    typing && i === wanted.length - 1 ? docWords.some((d) => d.startsWith(w)) : docWords.includes(w),
  );
}

// harness

// One cache shared by the store (which invalidates it on writes) and the engine, as the app wires them.
const queryCache = new QueryCache();
const store = createTabularStore(testDialect, { cache: queryCache });
const engine = createQueryEngine(testDialect, { cache: queryCache });
let t: TestDb;
let db: AnyDb;
let columnar: Columnar | null = null;

/**
 * Facets, counts, aggregates and statistics as the rows service answers them: with MULTITUDE_TEST_QUERY_PATH
 * =columnar, from the DuckDB copy of the table (rebuilt before each query, since tests write without bumping
 * generations; `_q` stays on the row store, as in the service); otherwise from the row store.
 */
let generation = 0;
async function analyticsOf(table: string, s: TableSchema, q: { q: string | null } | null) {
  if (!columnar || (q && q.q !== null)) return { e: engine, on: db };
  const gen = ++generation;
  const source = {
    async *rows() {
      for await (const row of engine.streamRows(db, table, s, parseRowQuery({}, s)))
        yield s.fields.map((f) => row[f.name] ?? null);
    },
    generation: async () => gen,
  };
  await columnar.ensure(table, gen, s, source);
  return { e: createQueryEngine('duckdb', { cache: new QueryCache() }), on: columnar.db };
}
const analytics: Pick<QueryEngine, 'facets' | 'count' | 'aggregate' | 'columnStats'> = {
  facets: async (_db, table, s, q) => {
    const { e, on } = await analyticsOf(table, s, q);
    return e.facets(on, table, s, q);
  },
  count: async (_db, table, s, q, bound) => {
    const { e, on } = await analyticsOf(table, s, q);
    return e.count(on, table, s, q, bound);
  },
  aggregate: async (_db, table, s, q) => {
    const { e, on } = await analyticsOf(table, s, q);
    return e.aggregate(on, table, s, q);
  },
  columnStats: async (_db, table, s) => {
    const { e, on } = await analyticsOf(table, s, null);
    return e.columnStats(on, table, s);
  },
};
const TABLE = 'rows_main';

async function load(table: string, rows: Cell[][], s: TableSchema = schema, batch = 64) {
  await store.createTable(db, table, s);
  for (let i = 0; i < rows.length; i += batch) await store.insertRows(db, table, s, rows.slice(i, i + batch));
  await store.finalize(db, table, s);
}

/** The ids of rows, in `_id` order: `_q` without `_sort` returns them by relevance. */
const byId = (rows: readonly Row[]) => rows.map((r) => r._id).sort((a, b) => a - b);

async function select(params: Record<string, string | string[]>, table = TABLE) {
  return engine.selectRows(db, table, schema, parseRowQuery(params, schema));
}

async function all(params: Record<string, string | string[]>, table = TABLE, pageSize = 1000): Promise<Full[]> {
  const out: Full[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 10_000; guard++) {
    const page: { rows: Row[]; nextCursor: string | null } = await select(
      { ...params, _limit: String(pageSize), ...(cursor ? { _cursor: cursor } : {}) },
      table,
    );
    out.push(...page.rows);
    cursor = page.nextCursor;
    if (!cursor) return out;
  }
  throw new Error('paging does not end');
}

function badRequest(fn: () => unknown, field: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    const err = e as AppError;
    expect(err.status).toBe(400);
    expect(err.code).toBe('validation_failed');
    expect(err.extra.errors?.map((x) => x.field)).toContain(field);
    return;
  }
  throw new Error(`expected a 400 on ${field}`);
}

async function rejects(p: Promise<unknown>, field: string) {
  await p.then(
    () => {
      throw new Error(`expected a 400 on ${field}`);
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).status).toBe(400);
      expect((e as AppError).extra.errors?.map((x) => x.field)).toContain(field);
    },
  );
}

beforeAll(async () => {
  t = await createTestDb();
  if (testQueryPath === 'columnar') columnar = createColumnar({ dir: `${t.dataDir}/columnar` });
  await migrateToLatest(t.db);
  db = t.db.kysely;
  await load(TABLE, data);
});
afterAll(async () => {
  await columnar?.close();
  await t?.cleanup();
});

// tests

describe(`tabular store (${testDialect}, analytics on ${testQueryPath})`, () => {
  it('stores typed rows with stable ids 1..n, unicode and hostile names as keys', async () => {
    expect(await store.countRows(db, TABLE)).toBe(ROWS);
    const { rows, nextCursor } = await select({ _limit: '3' });
    expect(rows).toEqual(full.slice(0, 3));
    expect(Object.keys(rows[0] as Row)).toEqual(['_id', ...schema.fields.map((f) => f.name)]);
    expect(nextCursor).toEqual(expect.any(String));
    expect(await all({})).toEqual(full);
  });

  it('default page is 100 rows, _limit 1..1000', async () => {
    expect((await select({})).rows).toHaveLength(100);
    badRequest(() => parseRowQuery({ _limit: '1001' }, schema), '_limit');
    badRequest(() => parseRowQuery({ _limit: '0' }, schema), '_limit');
    badRequest(() => parseRowQuery({ _limit: '1.5' }, schema), '_limit');
    badRequest(() => parseRowQuery({ _limit: '10; drop table x' }, schema), '_limit');
    badRequest(() => parseRowQuery({ _limit: ['1', '2'] }, schema), '_limit');
  });

  const cmp = (field: string, pred: (v: Cell) => boolean) => full.filter((r) => pred(r[field] ?? null));
  const num = (v: Cell) => v as number;
  const cases: Array<[string, Record<string, string | string[]>, Full[]]> = [
    ['eq integer', { [POP]: '120' }, cmp(POP, (v) => v === 120)],
    ['eq via __eq', { [`${POP}__eq`]: '120' }, cmp(POP, (v) => v === 120)],
    ['ne keeps nulls', { [`${POP}__ne`]: '120' }, cmp(POP, (v) => v !== 120)],
    ['lt', { [`${POP}__lt`]: '500' }, cmp(POP, (v) => v !== null && num(v) < 500)],
    ['lte', { [`${POP}__lte`]: '120' }, cmp(POP, (v) => v !== null && num(v) <= 120)],
    ['gt', { [`${AREA}__gt`]: '500.5' }, cmp(AREA, (v) => v !== null && num(v) > 500.5)],
    ['gte negative', { [`${POP}__gte`]: '-50' }, cmp(POP, (v) => v !== null && num(v) >= -50)],
    [
      'range',
      { [`${POP}__gte`]: '100', [`${POP}__lt`]: '900' },
      cmp(POP, (v) => v !== null && num(v) >= 100 && num(v) < 900),
    ],
    ['in comma list', { [`${DEPT}__in`]: '75,2A' }, cmp(DEPT, (v) => v === '75' || v === '2A')],
    ['in repeated', { [`${DEPT}__in`]: ['75', '13,69'] }, cmp(DEPT, (v) => v === '75' || v === '13' || v === '69')],
    ['in JSON', { [`${NAME}__in`]: '["Besançon","Évry"]' }, cmp(NAME, (v) => v === 'Besançon' || v === 'Évry')],
    [
      'in escaped comma',
      { [`${HOSTILE}__in`]: `x"y 1,x"y 2\\,z` },
      cmp(HOSTILE, (v) => v === 'x"y 1' || v === 'x"y 2,z'),
    ],
    ['in integers', { [`${POP}__in`]: '120,7' }, cmp(POP, (v) => v === 120 || v === 7)],
    [
      'contains (case-sensitive)',
      { [`${DESC}__contains`]: 'château' },
      cmp(DESC, (v) => typeof v === 'string' && v.includes('château')),
    ],
    [
      'contains quote',
      { [`${HOSTILE}__contains`]: `'; DROP` },
      cmp(HOSTILE, (v) => typeof v === 'string' && v.includes(`'; DROP`)),
    ],
    ['contains %', { [`${DESC}__contains`]: '%' }, []],
    [
      'startswith',
      { [`${NAME}__startswith`]: 'Saint-É' },
      cmp(NAME, (v) => typeof v === 'string' && v.startsWith('Saint-É')),
    ],
    ['startswith _', { [`${NAME}__startswith`]: '_' }, []],
    ['isnull 1', { [`${POP}__isnull`]: '1' }, cmp(POP, (v) => v === null)],
    ['isnull false', { [`${CREATED}__isnull`]: 'false' }, cmp(CREATED, (v) => v !== null)],
    ['bool eq true', { [COAST]: 'true' }, cmp(COAST, (v) => v === true)],
    ['bool eq 0', { [COAST]: '0' }, cmp(COAST, (v) => v === false)],
    ['date gte', { [`${CREATED}__gte`]: '2000-01-01' }, cmp(CREATED, (v) => v !== null && String(v) >= '2000-01-01')],
    ['date eq', { [CREATED]: '2000-02-29' }, cmp(CREATED, (v) => v === '2000-02-29')],
    [
      'datetime lt, offset normalized',
      { [`${UPDATED}__lt`]: '1950-01-01T01:00:00+01:00' },
      cmp(UPDATED, (v) => v !== null && String(v) < '1950-01-01T00:00:00.000Z'),
    ],
    [
      'datetime eq, no zone = UTC',
      { [UPDATED]: '2000-02-29 12:00' },
      cmp(UPDATED, (v) => v === '2000-02-29T12:00:00.000Z'),
    ],
    ['string eq accents', { [NAME]: 'Évry' }, cmp(NAME, (v) => v === 'Évry')],
    ['hostile column and value', { [HOSTILE]: HOSTILE }, cmp(HOSTILE, (v) => v === HOSTILE)],
    ['_id filters', { _id__gt: '290', _id__ne: '295' }, full.filter((r) => r._id > 290 && r._id !== 295)],
    ['_id in', { _id__in: '3,1,2' }, full.slice(0, 3)],
    ['empty in never matches', { [`${DEPT}__in`]: '[]' }, []],
    ['two filters on one column AND', { [`${POP}__gt`]: ['10', '1000'] }, cmp(POP, (v) => v !== null && num(v) > 1000)],
  ];
  for (const [name, params, expected] of cases) {
    it(`filter: ${name}`, async () => {
      expect(expected.length === 0 || expected.length < ROWS).toBe(true);
      expect(await all(params)).toEqual(expected);
      expect(await analytics.count(db, TABLE, schema, parseRowQuery(params, schema))).toBe(expected.length);
    });
  }

  const sorts: Array<[string, Array<[string, boolean]>]> = [
    [POP, [[POP, false]]],
    [`-${POP}`, [[POP, true]]],
    [NAME, [[NAME, false]]],
    [`-${NAME}`, [[NAME, true]]],
    [
      `${COAST},-${AREA}`,
      [
        [COAST, false],
        [AREA, true],
      ],
    ],
    [
      `-${COAST},${CREATED}`,
      [
        [COAST, true],
        [CREATED, false],
      ],
    ],
    [
      `${DEPT.replace(/[\\,]/g, '\\$&')},-${UPDATED},${POP}`,
      [
        [DEPT, false],
        [UPDATED, true],
        [POP, false],
      ],
    ],
    [`-_id`, [['_id', true]]],
    [
      `${POP},_id,${NAME}`,
      [
        [POP, false],
        ['_id', false],
      ],
    ],
    [UPDATED, [[UPDATED, false]]],
    [`-${AREA}`, [[AREA, true]]],
  ];
  for (const [spec, ref] of sorts) {
    it(`sort ${spec}: keyset pages (size 7) equal the full ordered scan, NULLs last`, async () => {
      const expected = refSort(full, ref);
      const paged = await all({ _sort: spec }, TABLE, 7);
      expect(paged.map((r) => r._id)).toEqual(expected.map((r) => r._id));
      expect(new Set(paged.map((r) => r._id)).size).toBe(ROWS);
      // With a filter too.
      const filtered = await all({ _sort: spec, [`${POP}__gt`]: '300' }, TABLE, 11);
      expect(filtered.map((r) => r._id)).toEqual(
        expected.filter((r) => r[POP] !== null && (r[POP] as number) > 300).map((r) => r._id),
      );
    });
  }

  it('keyset paging is stable while rows are inserted between pages', async () => {
    const table = 'rows_concurrent';
    const original = data.slice(0, 120);
    await load(table, original);
    for (const spec of [
      [[POP, false]],
      [[NAME, true]],
      [
        [AREA, false],
        [COAST, true],
      ],
    ] as Array<Array<[string, boolean]>>) {
      const sortParam = spec.map(([f, d]) => `${d ? '-' : ''}${f.replace(/[\\,]/g, '\\$&')}`).join(',');
      const before = await store.countRows(db, table);
      const expected = refSort(
        (await all({}, table)).filter((r) => r._id <= before),
        spec,
      ).map((r) => r._id);
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { rows: Row[]; nextCursor: string | null } = await engine.selectRows(
          db,
          table,
          schema,
          parseRowQuery({ _sort: sortParam, _limit: '9', ...(cursor ? { _cursor: cursor } : {}) }, schema),
        );
        seen.push(...page.rows.map((r) => r._id));
        cursor = page.nextCursor;
        await store.insertRows(db, table, schema, [
          makeRow(1),
          makeRow(2),
          [null, null, null, null, null, null, null, null, null],
        ]);
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => id <= before)).toEqual(expected);
    }
  });

  it('_fields selects a subset (in the order asked), _id always included', async () => {
    const { rows } = await select({ _fields: `${POP},${NAME}`, _limit: '2', _sort: `-${AREA}` });
    expect(Object.keys(rows[0] as Row)).toEqual(['_id', POP, NAME]);
    const expected = refSort(full, [[AREA, true]]).slice(0, 2);
    expect(rows).toEqual(expected.map((r) => ({ _id: r._id, [POP]: r[POP], [NAME]: r[NAME] })));
    // Paging works when the sort column is not among the fields.
    const paged = await all({ _fields: NAME, _sort: `-${AREA}` }, TABLE, 13);
    expect(paged.map((r) => r._id)).toEqual(refSort(full, [[AREA, true]]).map((r) => r._id));
    badRequest(() => parseRowQuery({ _fields: 'nope' }, schema), '_fields');
  });

  it('streams every matching row in order', async () => {
    const q = parseRowQuery({ _sort: `-${POP}`, [`${AREA}__isnull`]: '0' }, schema);
    const rows: Row[] = [];
    for await (const r of engine.streamRows(db, TABLE, schema, q, 17)) rows.push(r);
    expect(rows.map((r) => r._id)).toEqual(
      refSort(
        full.filter((r) => r[AREA] !== null),
        [[POP, true]],
      ).map((r) => r._id),
    );
  });

  it('_q full-text: French words, accent- and case-insensitive, ANDed, combined with filters', async () => {
    for (const q of ['école', 'ECOLE', 'ecole chateau', 'forêt', 'Sénart', 'besancon', "l'école", 'évry']) {
      const got = await all({ _q: q });
      const expected = full.filter((r) => refSearch(r, q));
      expect(byId(got), q).toEqual(expected.map((r) => r._id));
      expect(expected.length, q).toBeGreaterThan(0);
    }
    const filtered = await all({ _q: 'musée', [`${POP}__gt`]: '500', _sort: `-${POP}` }, TABLE, 5);
    expect(filtered.map((r) => r._id)).toEqual(
      refSort(
        full.filter((r) => refSearch(r, 'musée') && r[POP] !== null && (r[POP] as number) > 500),
        [[POP, true]],
      ).map((r) => r._id),
    );
    expect(await analytics.count(db, TABLE, schema, parseRowQuery({ _q: 'plage' }, schema))).toBe(
      full.filter((r) => refSearch(r, 'plage')).length,
    );
  });

  it('_q finds words by their first letters, accent-insensitive; _q_mode words and phrase', async () => {
    for (const [q, mode] of [
      ['besan', 'prefix'],
      ['chat', 'prefix'],
      ['Plou', 'prefix'],
      ['école chât', 'prefix'],
      ['ecole chateau', 'prefix'],
      ['chat ', 'prefix'],
      ['chat', 'words'],
      ['château', 'words'],
      ['école du château', 'phrase'],
      ['du chateau', 'phrase'],
      ['château école', 'phrase'],
      ['forêt de sénart', 'phrase'],
    ] as const) {
      const expected = full.filter((r) => refSearch(r, q, mode));
      const got = await all({ _q: q, _q_mode: mode });
      expect(byId(got), `${q} (${mode})`).toEqual(expected.map((r) => r._id));
      expect(await analytics.count(db, TABLE, schema, parseRowQuery({ _q: q, _q_mode: mode }, schema))).toBe(
        expected.length,
      );
    }
    // The cases that matter: found by a prefix, not by whole words.
    expect(full.filter((r) => refSearch(r, 'besan')).length).toBeGreaterThan(0);
    expect(full.filter((r) => refSearch(r, 'besan', 'words'))).toHaveLength(0);
    expect((await all({ _q: 'école du château', _q_mode: 'phrase' })).map((r) => r._id)).toContain(1);
    expect((await all({ _q: 'château du école', _q_mode: 'phrase' })).map((r) => r._id)).not.toContain(1);
    badRequest(() => parseRowQuery({ _q: 'x', _q_mode: 'regex' }, schema), '_q_mode');
    badRequest(() => parseAggregateQuery({ _q: 'x', _q_mode: ['words', 'phrase'] }, schema), '_q_mode');
  });

  it('_q without _sort ranks rows by relevance, with a stable keyset across pages', async () => {
    const ranked = schema.fields.map(() => null) as Cell[];
    const row = (text: string): Cell[] => ranked.map((_, i) => (schema.fields[i]!.name === DESC ? text : null));
    await load('rows_ranked', [
      row('gare longue longue longue longue longue longue longue rue'),
      row('rue rue rue'),
      row('place'),
      ...Array.from({ length: 40 }, (_, i) => row(`rue ${i % 2 ? 'du port' : 'de la gare longue longue longue'} ${i}`)),
    ]);
    const one = await all({ _q: 'rue' }, 'rows_ranked', 1000);
    expect(one.map((r) => r._id).indexOf(2)).toBeLessThan(one.map((r) => r._id).indexOf(1));
    expect(byId(one)).toEqual([1, 2, ...Array.from({ length: 40 }, (_, i) => i + 4)]);
    expect(one.map((r) => r._id)).not.toEqual(byId(one));
    // Small pages follow each other exactly: no row twice, none missed.
    expect((await all({ _q: 'rue' }, 'rows_ranked', 3)).map((r) => r._id)).toEqual(one.map((r) => r._id));
    expect((await all({ _q: 'ru', _fields: DESC }, 'rows_ranked', 4)).map((r) => r._id)).toEqual(one.map((r) => r._id));
    // An explicit _sort wins; the re-serialized query does not spell the implied rank.
    expect((await all({ _q: 'rue', _sort: '_id' }, 'rows_ranked', 5)).map((r) => r._id)).toEqual(byId(one));
    expect(rowQueryParams(parseRowQuery({ _q: 'rue' }, schema)).toString()).toBe('_q=rue');
    const first = await select({ _q: 'rue', _limit: '2' }, 'rows_ranked');
    badRequest(() => parseRowQuery({ _q: 'rue', _sort: '_id', _cursor: first.nextCursor! }, schema), '_cursor');
    await store.dropTable(db, 'rows_ranked');
  });

  it('_q never turns hostile FTS syntax into a 500', async () => {
    for (const q of [
      '"unbalanced',
      'AND OR NOT',
      'NEAR(a b)',
      'a*',
      '^école',
      'col:école',
      '(((',
      "'; drop table x;--",
      'école -château',
      'NOT',
      '+',
      '"',
      '*',
    ]) {
      try {
        const got = await all({ _q: q });
        expect(byId(got), q).toEqual(full.filter((r) => refSearch(r, q)).map((r) => r._id));
      } catch (e) {
        expect(e, q).toBeInstanceOf(AppError);
        expect((e as AppError).status).toBe(400);
      }
    }
    expect((await all({ _q: 'AND OR NOT' })).length).toBeGreaterThan(0);
    badRequest(() => parseRowQuery({ _q: '"' }, schema), '_q');
    expect(await store.countRows(db, TABLE)).toBe(ROWS);
  });

  it('facets: top values with counts under the filters, then nulls', async () => {
    const q = parseRowQuery({ _facet: [DEPT, COAST], [`${POP}__gt`]: '200' }, schema);
    const facets = await analytics.facets(db, TABLE, schema, q);
    const subset = full.filter((r) => r[POP] !== null && (r[POP] as number) > 200);
    for (const f of [DEPT, COAST]) {
      const counts = new Map<Cell, number>();
      for (const r of subset) counts.set(r[f] ?? null, (counts.get(r[f] ?? null) ?? 0) + 1);
      const nonNull = [...counts].filter(([v]) => v !== null).sort((a, b) => b[1] - a[1] || cmpValues(a[0], b[0]));
      const expected = nonNull.slice(0, 20).map(([value, count]) => ({ value, count }));
      if (counts.get(null)) expected.push({ value: null, count: counts.get(null) as number });
      expect(facets[f]).toEqual(expected);
    }
    // More than 20 distinct values: capped at 20 (+ nulls).
    const many = await analytics.facets(db, TABLE, schema, parseRowQuery({ _facet: HOSTILE }, schema));
    expect((many[HOSTILE] as unknown[]).length).toBe(21);
    badRequest(() => parseRowQuery({ _facet: 'nope' }, schema), '_facet');
  });

  it('aggregates: sum/avg/count/min/max/distinct, multi-column group, sort and limit', async () => {
    const q = parseAggregateQuery(
      {
        _group: `${DEPT},${COAST}`,
        _agg: `count,sum:${POP},avg:${AREA},min:${CREATED},max:${UPDATED},count:${POP},distinct:${NAME},min:${COAST}`,
        [`${AREA}__lt`]: '900',
      },
      schema,
    );
    const { rows } = await analytics.aggregate(db, TABLE, schema, q);
    const subset = full.filter((r) => r[AREA] !== null && (r[AREA] as number) < 900);
    const groups = new Map<string, Full[]>();
    for (const r of subset) {
      const k = JSON.stringify([r[DEPT], r[COAST]]);
      groups.set(k, [...(groups.get(k) ?? []), r]);
    }
    const vals = (rs: Full[], f: string) =>
      rs.map((r) => r[f] ?? null).filter((v): v is Exclude<Cell, null> => v !== null);
    const expected = [...groups].map(([k, rs]) => {
      const [d, c] = JSON.parse(k) as [Cell, Cell];
      const pops = vals(rs, POP) as number[];
      const areas = vals(rs, AREA) as number[];
      const created = (vals(rs, CREATED) as string[]).sort();
      const updated = (vals(rs, UPDATED) as string[]).sort();
      const coast = vals(rs, COAST) as boolean[];
      return {
        [DEPT]: d,
        [COAST]: c,
        count: rs.length,
        [`sum:${POP}`]: pops.length ? pops.reduce((a, b) => a + b, 0) : null,
        [`avg:${AREA}`]: areas.length ? areas.reduce((a, b) => a + b, 0) / areas.length : null,
        [`min:${CREATED}`]: created[0] ?? null,
        [`max:${UPDATED}`]: updated[updated.length - 1] ?? null,
        [`count:${POP}`]: pops.length,
        [`distinct:${NAME}`]: new Set(vals(rs, NAME)).size,
        [`min:${COAST}`]: coast.length ? coast.every(Boolean) : null,
      };
    });
    const sorted = refSort(expected.map((e, i) => ({ ...e, _id: i })) as Full[], [
      [DEPT, false],
      [COAST, false],
    ]).map(({ _id, ...rest }) => rest);
    expect(rows.length).toBe(sorted.length);
    rows.forEach((row, i) => {
      const exp = sorted[i] as Record<string, Cell>;
      for (const [k, v] of Object.entries(exp)) {
        if (typeof v === 'number' && !Number.isInteger(v)) expect(row[k], k).toBeCloseTo(v, 6);
        else expect(row[k], k).toEqual(v);
      }
    });

    const top = await analytics.aggregate(
      db,
      TABLE,
      schema,
      parseAggregateQuery({ _group: DEPT, _agg: `count,sum:${POP}`, _sort: `-sum:${POP}`, _limit: '3' }, schema),
    );
    expect(top.rows).toHaveLength(3);
    const sums = top.rows.map((r) => r[`sum:${POP}`] as number);
    expect([...sums].sort((a, b) => b - a)).toEqual(sums);

    const total = await analytics.aggregate(
      db,
      TABLE,
      schema,
      parseAggregateQuery({ _agg: `count,max:${POP},min:${NAME}` }, schema),
    );
    expect(total.rows).toEqual([
      {
        count: ROWS,
        [`max:${POP}`]: Math.max(...(vals(full, POP) as number[])),
        [`min:${NAME}`]: (vals(full, NAME) as string[]).sort(cmpValues)[0],
      },
    ]);

    const search = await analytics.aggregate(db, TABLE, schema, parseAggregateQuery({ _q: 'école' }, schema));
    expect(search.rows).toEqual([{ count: full.filter((r) => refSearch(r, 'école')).length }]);

    badRequest(() => parseAggregateQuery({ _agg: `sum:${NAME}` }, schema), '_agg');
    badRequest(() => parseAggregateQuery({ _agg: 'median:x' }, schema), '_agg');
    badRequest(() => parseAggregateQuery({ _group: 'nope' }, schema), '_group');
    badRequest(() => parseAggregateQuery({ _group: DEPT, _sort: POP }, schema), '_sort');
    badRequest(() => parseAggregateQuery({ _cursor: 'x' }, schema), '_cursor');
  });

  it('column stats: min, max, nulls, distinct, top values', async () => {
    const stats = await analytics.columnStats(db, TABLE, schema);
    for (const f of schema.fields) {
      const values = full.map((r) => r[f.name] ?? null);
      const nonNull = values.filter((v): v is Exclude<Cell, null> => v !== null);
      const sorted = [...nonNull].sort(cmpValues);
      const s = stats[f.name];
      expect(s?.nulls, f.name).toBe(values.length - nonNull.length);
      expect(s?.min, f.name).toEqual(sorted[0]);
      expect(s?.max, f.name).toEqual(sorted[sorted.length - 1]);
      expect(s?.distinct, f.name).toBe(new Set(nonNull).size);
      const counts = new Map<Cell, number>();
      for (const v of nonNull) counts.set(v, (counts.get(v) ?? 0) + 1);
      const top = [...counts].sort((a, b) => b[1] - a[1] || cmpValues(a[0], b[0])).slice(0, 10);
      expect(s?.top, f.name).toEqual(top.map(([value, count]) => ({ value, count })));
    }
  });

  it('the cache never serves stale data across tables, re-creations or writes', async () => {
    const cache = new QueryCache({ maxEntries: 50 });
    const s2 = createTabularStore(testDialect, { cache });
    const e2 = createQueryEngine(testDialect, { cache });
    const agg = parseAggregateQuery({ _group: DEPT }, schema);
    const counts = async (table: string) => (await e2.aggregate(db, table, schema, agg)).rows;
    await s2.createTable(db, 'rows_v1', schema);
    await s2.insertRows(db, 'rows_v1', schema, data.slice(0, 10));
    await s2.finalize(db, 'rows_v1', schema);
    await s2.createTable(db, 'rows_v2', schema);
    await s2.insertRows(db, 'rows_v2', schema, data.slice(10, 40));
    await s2.finalize(db, 'rows_v2', schema);
    const v1 = await counts('rows_v1');
    const v2 = await counts('rows_v2');
    expect(v1.reduce((a, r) => a + (r.count as number), 0)).toBe(10);
    expect(v2.reduce((a, r) => a + (r.count as number), 0)).toBe(30);
    expect(await counts('rows_v1')).toBe(v1); // a hit: the same frozen object
    expect(cache.hits).toBeGreaterThan(0);
    expect(Object.isFrozen(v1)).toBe(true);
    const q = parseRowQuery({}, schema);
    expect(await e2.count(db, 'rows_v1', schema, q)).toBe(10);
    await s2.insertRows(db, 'rows_v1', schema, data.slice(0, 5));
    expect(await e2.count(db, 'rows_v1', schema, q)).toBe(15);
    expect((await counts('rows_v1')).reduce((a, r) => a + (r.count as number), 0)).toBe(15);
    await s2.dropTable(db, 'rows_v1');
    await s2.createTable(db, 'rows_v1', schema);
    await s2.insertRows(db, 'rows_v1', schema, data.slice(0, 2));
    await s2.finalize(db, 'rows_v1', schema);
    expect(await e2.count(db, 'rows_v1', schema, q)).toBe(2);
    const stats = await e2.columnStats(db, 'rows_v1', schema);
    expect(stats[POP]?.max).toBe(120);
    await s2.dropTable(db, 'rows_v1');
    await s2.dropTable(db, 'rows_v2');
    expect(await s2.tableExists(db, 'rows_v1')).toBe(false);
    for (let i = 0; i < 80; i++) await cache.get('x', String(i), async () => i);
    expect(cache.size).toBeLessThanOrEqual(50);
  });

  it('concurrent identical cold queries share one computation', async () => {
    const cache = new QueryCache();
    let calls = 0;
    const slow = async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 20));
      return 7;
    };
    const results = await Promise.all([
      cache.get('t', 'k', slow),
      cache.get('t', 'k', slow),
      cache.get('t', 'k', slow),
    ]);
    expect(results).toEqual([7, 7, 7]);
    expect(calls).toBe(1);
    // A write during the computation: its result is returned but not kept.
    const p = cache.get('t', 'k2', slow);
    cache.invalidate('t');
    await p;
    await cache.get('t', 'k2', slow);
    expect(calls).toBe(3);
  });

  it('rejects hostile or malformed input with a 400 naming the parameter, and the table survives', () => {
    badRequest(() => parseRowQuery({ nope: '1' }, schema), 'nope');
    badRequest(() => parseRowQuery({ nope__gt: '1' }, schema), 'nope__gt');
    badRequest(() => parseRowQuery({ [`${POP}__like`]: '1' }, schema), `${POP}__like`);
    badRequest(() => parseRowQuery({ [`${POP}__gt`]: 'abc' }, schema), `${POP}__gt`);
    badRequest(() => parseRowQuery({ [POP]: '1.5' }, schema), POP);
    badRequest(() => parseRowQuery({ [POP]: '1 OR 1=1' }, schema), POP);
    badRequest(() => parseRowQuery({ [POP]: '99999999999999999999' }, schema), POP);
    badRequest(() => parseRowQuery({ [`${AREA}__lt`]: 'Infinity' }, schema), `${AREA}__lt`);
    badRequest(() => parseRowQuery({ [AREA]: 'NaN' }, schema), AREA);
    badRequest(() => parseRowQuery({ [COAST]: 'maybe' }, schema), COAST);
    badRequest(() => parseRowQuery({ [CREATED]: '2023-02-30' }, schema), CREATED);
    badRequest(() => parseRowQuery({ [CREATED]: "2020-01-01' OR '1'='1" }, schema), CREATED);
    badRequest(() => parseRowQuery({ [UPDATED]: 'yesterday' }, schema), UPDATED);
    badRequest(() => parseRowQuery({ [`${POP}__contains`]: '1' }, schema), `${POP}__contains`);
    badRequest(() => parseRowQuery({ [`${POP}__isnull`]: 'yes' }, schema), `${POP}__isnull`);
    badRequest(() => parseRowQuery({ [`${POP}__in`]: '1,x' }, schema), `${POP}__in`);
    badRequest(() => parseRowQuery({ [NAME]: 'a\u0000b' }, schema), NAME);
    badRequest(() => parseRowQuery({ _sort: 'nope' }, schema), '_sort');
    badRequest(() => parseRowQuery({ _sort: `${POP}; drop table x` }, schema), '_sort');
    badRequest(() => parseRowQuery({ _sort: `${POP},${POP}` }, schema), '_sort');
    badRequest(() => parseRowQuery({ _sort: 'c1' }, schema), '_sort');
    badRequest(() => parseRowQuery({ _bogus: '1' }, schema), '_bogus');
    badRequest(() => parseRowQuery({ _group: POP }, schema), '_group');
    badRequest(() => parseRowQuery({ _cursor: 'not a cursor' }, schema), '_cursor');
    badRequest(() => parseRowQuery({ _cursor: Buffer.from('{"s":1}').toString('base64url') }, schema), '_cursor');
    badRequest(() => parseRowQuery({ _cursor: 'eyJ' }, schema), '_cursor');
    badRequest(() => parseRowQuery({ _q: 'x'.repeat(600) }, schema), '_q');
    // A cursor is bound to its sort and its value types.
    const sorted = parseRowQuery({ _sort: POP }, schema);
    const cursor = Buffer.from(JSON.stringify({ s: 'x', v: [1, 2] })).toString('base64url');
    badRequest(() => parseRowQuery({ _sort: POP, _cursor: cursor }, schema), '_cursor');
    expect(sorted.sort.map((k) => k.field)).toEqual([POP, '_id']);
    // All errors are reported together.
    try {
      parseRowQuery({ nope: '1', _limit: 'x' }, schema);
    } catch (e) {
      expect((e as AppError).extra.errors?.map((x) => x.field).sort()).toEqual(['_limit', 'nope']);
    }
  });

  it('cursor of one sort is refused by another; a cursor with wrong value types is refused', async () => {
    const page = await select({ _sort: POP, _limit: '5' });
    badRequest(() => parseRowQuery({ _sort: `-${POP}`, _cursor: page.nextCursor as string }, schema), '_cursor');
    const forged = JSON.parse(Buffer.from(page.nextCursor as string, 'base64url').toString()) as {
      s: string;
      v: unknown[];
    };
    forged.v[0] = '1; drop table x';
    badRequest(
      () => parseRowQuery({ _sort: POP, _cursor: Buffer.from(JSON.stringify(forged)).toString('base64url') }, schema),
      '_cursor',
    );
    expect((await select({ _sort: POP, _cursor: page.nextCursor as string, _limit: '1' })).rows).toHaveLength(1);
  });

  it('rowQueryParams re-serializes a parsed query to the same query', async () => {
    const params = {
      [`${DEPT}__in`]: `75,2A`,
      [`${POP}__gt`]: '3',
      _q: 'école',
      _sort: `-${AREA},${NAME}`,
      _fields: `${NAME},${AREA}`,
      _limit: '7',
      [`${CREATED}__isnull`]: '0',
    };
    const q1 = parseRowQuery(params, schema);
    const q2 = parseRowQuery(Object.fromEntries(groupParams(rowQueryParams(q1))), schema);
    expect(q2).toEqual(q1);
  });

  it('field named _id is refused; bad table names are refused', async () => {
    await expect(
      store.createTable(db, 'rows_bad', { missingValues: [], fields: [{ name: '_id', type: 'integer' }] }),
    ).rejects.toThrow(/_id/);
    await expect(store.createTable(db, 'x; drop table y', schema)).rejects.toThrow(/table name/);
    await expect(store.createTable(db, 'a"b', schema)).rejects.toThrow(/table name/);
  });

  it('a table without text columns refuses _q; large batches load', async () => {
    const s: TableSchema = {
      missingValues: [],
      fields: [
        { name: 'n', type: 'integer' },
        { name: 'ok', type: 'boolean' },
      ],
    };
    badRequest(() => parseRowQuery({ _q: 'x' }, s), '_q');
    await store.createTable(db, 'rows_numbers', s);
    await store.insertRows(
      db,
      'rows_numbers',
      s,
      Array.from({ length: 12_345 }, (_, i) => [i % 13 === 0 ? null : i, i % 2 === 0]),
    );
    await store.finalize(db, 'rows_numbers', s);
    await store.finalize(db, 'rows_numbers', s); // idempotent
    expect(await store.countRows(db, 'rows_numbers')).toBe(12_345);
    const e = createQueryEngine(testDialect, { cache: queryCache });
    const last = await e.selectRows(db, 'rows_numbers', s, parseRowQuery({ _sort: '-_id', _limit: '1' }, s));
    expect(last.rows).toEqual([{ _id: 12_345, n: 12_344, ok: true }]);
    const agg = await e.aggregate(db, 'rows_numbers', s, parseAggregateQuery({ _group: 'ok', _agg: 'count,sum:n' }, s));
    expect(agg.rows.map((r) => r.count)).toEqual([6172, 6173]);
    await store.dropTable(db, 'rows_numbers');
  });

  it('SQL in values and names is harmless', async () => {
    await rejects(
      Promise.resolve().then(() => select({ [`${POP}__gt`]: `1; DROP TABLE ${TABLE};--` })),
      `${POP}__gt`,
    );
    expect(await all({ [NAME]: `x'; DROP TABLE ${TABLE};--` })).toEqual([]);
    expect(await all({ _q: `x'; DROP TABLE ${TABLE};--` })).toEqual([]);
    await analytics.aggregate(
      db,
      TABLE,
      schema,
      parseAggregateQuery({ _group: HOSTILE, _agg: `max:${HOSTILE}` }, schema),
    );
    expect(await store.countRows(db, TABLE)).toBe(ROWS);
    expect(await store.tableExists(db, TABLE)).toBe(true);
  });
});

function groupParams(p: URLSearchParams): Array<[string, string | string[]]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of p) out.set(k, [...(out.get(k) ?? []), v]);
  return [...out].map(([k, v]) => [k, v.length === 1 ? (v[0] as string) : v]);
}
