import { existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { AppError } from '../../kernel/errors.js';
import { buildApp } from '../../app.js';
import { openDatabase } from '../../db/database.js';
import {
  asSession,
  createTestApp,
  register,
  testConfig,
  testDialect,
  type Session,
  type TestApp,
} from '../../testing/harness.js';
import { multipartBody } from '../../testing/multipart.js';
import { createColumnar } from './columnar.js';
import { run } from './physical.js';

// The columnar copy's life cycle through the API, with the default path (auto): built after the import, used
// once ready, never when stale, corrupt or missing (the row store answers, the copy is rebuilt), dropped with
// its version. That its answers equal the row store's is the business of the whole query suite, run with
// MULTITUDE_TEST_QUERY_PATH=columnar (tables.test.ts, rows.test.ts).

// The last column's name is hostile: it must reach Parquet as it is, and nothing else.
const HOSTILE = `'; drop "x" --`;
const lines = [`code,region,population,surface,actif,creation,maj,"${HOSTILE.replaceAll('"', '""')}"`];
for (let i = 1; i <= 2000; i++)
  lines.push(
    `C${i},${['BRE', 'IDF', 'OCC', ''][i % 4]},${i % 9 === 0 ? '' : i * 37},${(i % 100) / 4},${i % 3 === 0},2001-0${1 + (i % 9)}-1${i % 10},2020-01-0${1 + (i % 9)}T10:00:00Z,"x ""${i}"", y"`,
  );
const CSV = `${lines.join('\n')}\n`;

let t: TestApp;
let owner: Session;
let base: string;
let dir: string;

async function upload(content: string, existing?: { slug: string; id: string }) {
  let s = existing?.slug;
  if (!s) {
    const ds = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: asSession(owner),
      payload: {
        title: `Colonnes ${Math.random().toString(36).slice(2, 8)}`,
        license: 'etalab-2.0',
        status: 'published',
      },
    });
    expect(ds.statusCode, ds.body).toBe(201);
    s = ds.json().slug as string;
  }
  const body = multipartBody({ fileName: 'd.csv', content, contentType: 'text/csv' }, { title: 'd.csv' });
  const res = await t.app.inject({
    method: 'POST',
    url: existing ? `/api/v1/datasets/${s}/resources/${existing.id}/versions` : `/api/v1/datasets/${s}/resources`,
    headers: { ...asSession(owner), ...body.headers },
    payload: body.payload,
  });
  expect([201, 202], res.body).toContain(res.statusCode);
  await t.data.runner.drain();
  return { slug: s, id: existing?.id ?? (res.json().resource.id as string) };
}

const QUERIES = [
  '/aggregate?_group=region&_agg=count,sum:population,avg:surface,min:creation,max:maj,distinct:code,min:actif&actif=true',
  '/aggregate?_agg=count&population__gte=10000&population__lt=40000',
  '/rows?_limit=3&_facet=region&_facet=actif&surface__lt=12.5',
  '/rows?_limit=1&region__in=BRE,OCC&code__startswith=C1&_facet=actif&_total=exact',
  '/stats',
];

async function answers(app = t.app) {
  const out: Array<{ by: string | undefined; body: unknown }> = [];
  for (const q of QUERIES) {
    const res = await app.inject({ method: 'GET', url: base + q });
    expect(res.statusCode, res.body).toBe(200);
    out.push({ by: res.headers['x-multitude-engine'] as string | undefined, body: res.json() });
  }
  return out;
}
const files = () => readdirSync(dir).filter((f) => f.endsWith('.parquet'));

beforeAll(async () => {
  t = await createTestApp({ config: { queryPath: 'auto' } });
  dir = join(t.config.dataDir, 'columnar');
  // Leftovers of a dead process: an old one is swept at start, a fresh one (maybe another instance's) kept.
  writeFileSync(join(dir, 'rows_x.import.dead.csv'), 'old');
  utimesSync(join(dir, 'rows_x.import.dead.csv'), new Date(0), new Date(0));
  writeFileSync(join(dir, 'rows_y.import.live.csv'), 'new');
  createColumnar({ dir });
  expect(readdirSync(dir).filter((f) => f.endsWith('.csv'))).toEqual(['rows_y.import.live.csv']);
  rmSync(join(dir, 'rows_y.import.live.csv'));
  owner = await register(t.app, 'owner');
});
afterAll(async () => t?.cleanup());

describe(`columnar copy (${testDialect})`, () => {
  let rowAnswers: Array<{ by: string | undefined; body: unknown }>;
  let slug: string;
  let id: string;

  it('is built after the import and answers the same as the row store', async () => {
    ({ slug, id } = await upload(CSV));
    base = `/api/v1/datasets/${slug}/resources/${id}`;
    // The row store's answers, from another instance on the same database that never uses the copies.
    const rowsOnly = await buildApp({
      config: testConfig(join(t.config.dataDir, 'rows-only'), { queryPath: 'rows' }),
      db: openDatabase(t.db.location),
    });
    try {
      rowAnswers = await answers(rowsOnly.app);
    } finally {
      await rowsOnly.close();
    }
    expect(rowAnswers.map((a) => a.by)).toEqual(QUERIES.map(() => 'rows'));
    await t.data.columnar!.idle();
    expect(files()).toHaveLength(1);
    expect(files()[0]).toMatch(/\.g0\.parquet$/);
    const columnar = await answers();
    expect(columnar.map((a) => a.by)).toEqual(QUERIES.map(() => 'columnar'));
    expect(columnar.map((a) => a.body)).toEqual(rowAnswers.map((a) => a.body));
    // `_q` needs the full-text index: the row store answers it.
    const searched = await t.app.inject({ method: 'GET', url: `${base}/aggregate?_agg=count&_q=C12` });
    expect(searched.headers['x-multitude-engine']).toBe('rows');
    expect(searched.json().rows[0].count).toBe(111); // C12, C120…C129, C1200…C1299
  });

  it('a corrupt or missing file is never read: the row store answers and the copy is rebuilt', async () => {
    const file = join(dir, files()[0]!);
    const size = statSync(file).size;
    writeFileSync(file, Buffer.alloc(size, 7)); // same size, other bytes
    const corrupt = await answers();
    expect(corrupt[0]!.by).toBe('rows');
    expect(corrupt.map((a) => a.body)).toEqual(rowAnswers.map((a) => a.body));
    await t.data.columnar!.idle();
    const rebuilt = await answers();
    expect(rebuilt.map((a) => a.by)).toEqual(QUERIES.map(() => 'columnar'));
    expect(rebuilt.map((a) => a.body)).toEqual(rowAnswers.map((a) => a.body));

    // Corrupt again, keeping size and modification time: the read fails, the file is checked and dropped.
    const again = join(dir, files()[0]!);
    const { mtime } = statSync(again);
    writeFileSync(again, Buffer.alloc(statSync(again).size, 9));
    utimesSync(again, mtime, mtime);
    const unnoticed = await answers();
    expect(unnoticed[0]!.by).toBe('rows');
    expect(unnoticed.map((a) => a.body)).toEqual(rowAnswers.map((a) => a.body));
    await t.data.columnar!.idle();
    expect((await answers()).map((a) => a.by)).toEqual(QUERIES.map(() => 'columnar'));

    rmSync(join(dir, files()[0]!));
    const missing = await answers();
    expect(missing[0]!.by).toBe('rows');
    await t.data.columnar!.idle();
    expect((await answers()).map((a) => a.body)).toEqual(rowAnswers.map((a) => a.body));
    expect(files()).toHaveLength(1);
  });

  it('a write makes the copy stale: the row store answers the new rows until the new copy is ready', async () => {
    const contributor = await register(t.app, 'contributor');
    const proposal = await t.app.inject({
      method: 'POST',
      url: `${base}/contributions`,
      headers: asSession(contributor),
      payload: { changes: [{ op: 'update', rowId: 1, values: { region: 'COR' } }], comment: 'Corse' },
    });
    expect(proposal.statusCode, proposal.body).toBe(201);
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/contributions/${proposal.json().id as string}/accept`,
      headers: asSession(owner),
      payload: {},
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    const facet = async () => {
      const res = await t.app.inject({ method: 'GET', url: `${base}/rows?_limit=1&_facet=region` });
      return { by: res.headers['x-multitude-engine'], values: res.json().facets.region as unknown[] };
    };
    const stale = await facet();
    expect(stale.by).toBe('rows');
    expect(stale.values).toContainEqual({ value: 'COR', count: 1 });
    await t.data.columnar!.idle();
    const fresh = await facet();
    expect(fresh).toEqual({ ...stale, by: 'columnar' });
    expect(files()).toEqual([expect.stringMatching(/\.g1\.parquet$/)]);
  });

  it('is dropped with its version', async () => {
    const before = files()[0]!;
    await upload(CSV.replace('C1,', 'X1,'), { slug, id });
    await t.data.columnar!.idle();
    expect(existsSync(join(dir, before))).toBe(false);
    expect(files()).toHaveLength(1);
    expect(files()[0]).not.toBe(before);
  });

  it('stops a statement at its deadline and when its client goes away', async () => {
    const columnar = t.data.columnar!;
    const slow = 'SELECT count(*) AS "n" FROM range(20000000000) AS r(x) WHERE x % 7 = 3';
    const t0 = Date.now();
    const timedOut = await columnar
      .within({ deadline: Date.now() + 100, timeoutMs: 100 }, () => run(columnar.db, slow))
      .catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(AppError);
    expect((timedOut as AppError).code).toBe('query_timeout');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const gone = await columnar
      .within({ signal: controller.signal }, () => run(columnar.db, slow))
      .catch((e: unknown) => e);
    expect((gone as Error).name).toBe('AbortError');
    expect(Date.now() - t0).toBeLessThan(20_000);
    // Still serving.
    expect(await columnar.within({}, () => run(columnar.db, 'SELECT 42 AS "v"'))).toEqual([{ v: 42 }]);
  });

  it('Parquet downloads: the same rows as JSON, typed from the Table Schema, read by an independent reader', async () => {
    const views = [
      '',
      '?region=BRE&_sort=-population&_limit=50',
      '?_fields=maj,code,actif&population__isnull=1',
      '?_q=C12&_q_mode=words',
    ];
    for (const view of views) {
      const json = await t.app.inject({ method: 'GET', url: `${base}/rows.json${view}` });
      const res = await t.app.inject({ method: 'GET', url: `${base}/rows.parquet${view}` });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.apache.parquet');
      expect(res.headers['content-disposition']).toMatch(/\.parquet"$/);
      const bytes = new Uint8Array(res.rawPayload).slice().buffer;
      const rows = await parquetReadObjects({ file: bytes });
      const expected = json.json() as Array<Record<string, unknown>>;
      expect(rows.length, view).toBe(expected.length);
      // Back to the JSON forms: INT64 as BigInt, DATE and TIMESTAMP as Date.
      const plain = rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k,
            typeof v === 'bigint'
              ? Number(v)
              : v instanceof Date
                ? k === 'creation'
                  ? v.toISOString().slice(0, 10)
                  : v.toISOString()
                : v,
          ]),
        ),
      );
      expect(plain, view).toEqual(expected);
    }
    const all = await t.app.inject({ method: 'GET', url: `${base}/rows.parquet` });
    const meta = parquetMetadata(new Uint8Array(all.rawPayload).slice().buffer);
    const types = Object.fromEntries(
      meta.schema.slice(1).map((e) => [e.name, [e.type, e.converted_type ?? null, e.logical_type?.type ?? null]]),
    );
    // [physical type, converted type, logical type]
    expect(types).toEqual({
      _id: ['INT64', 'INT_64', null],
      code: ['BYTE_ARRAY', 'UTF8', null],
      region: ['BYTE_ARRAY', 'UTF8', null],
      population: ['INT64', 'INT_64', null],
      surface: ['DOUBLE', null, null],
      actif: ['BOOLEAN', null, null],
      creation: ['INT32', 'DATE', null],
      maj: ['INT64', 'TIMESTAMP_MICROS', 'TIMESTAMP'],
      [HOSTILE]: ['BYTE_ARRAY', 'UTF8', null],
    });
    const maj = meta.schema.find((e) => e.name === 'maj')!.logical_type as { isAdjustedToUTC?: boolean };
    expect(maj.isAdjustedToUTC).toBe(true);
    // The DCAT catalog lists it as a distribution of the dataset.
    const catalog = await t.app.inject({ method: 'GET', url: '/catalog?format=ttl' });
    expect(catalog.statusCode).toBe(200);
    expect(catalog.body).toContain(`${base}/rows.parquet`);
    expect(catalog.body).toContain('file-type/PARQUET');
    expect(catalog.body).toContain('application/vnd.apache.parquet');
    const bad = await t.app.inject({ method: 'GET', url: `${base}/rows.parquet?nope=1` });
    expect(bad.statusCode).toBe(400);
    // Each temporary file is deleted once its stream closes.
    const temporary = () => readdirSync(dir).filter((f) => f.startsWith('download.'));
    for (let i = 0; i < 100 && temporary().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(temporary()).toEqual([]);
  });
});
