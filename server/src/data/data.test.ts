import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { asSession, createTestApp, register, type Session, type TestApp } from '../testing/harness.js';
import { multipartBody } from '../testing/multipart.js';

let t: TestApp;
let editor: Session;
let outsider: Session;
let org: string;

beforeAll(async () => {
  t = await createTestApp();
  editor = await register(t.app, 'publisher');
  outsider = await register(t.app, 'outsider');
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/organizations',
    headers: asSession(editor),
    payload: { name: `Ville ouverte ${process.pid}` },
  });
  org = res.json().slug;
});
afterAll(async () => t.cleanup());

const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, session?: Session, payload?: object) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: session ? asSession(session) : {},
    ...(payload ? { payload } : {}),
  });

let n = 0;
async function newDataset(extra: object = {}) {
  n += 1;
  const res = await api('POST', '/datasets', editor, {
    title: `Jeu de données ${n}`,
    organization: org,
    license: 'etalab-2.0',
    status: 'published',
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().slug as string;
}

async function upload(
  slug: string,
  fileName: string,
  content: Buffer | string,
  contentType = 'text/csv',
  fields: Record<string, string> = {},
) {
  const body = multipartBody({ fileName, content, contentType }, { title: fileName, ...fields });
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/datasets/${slug}/resources`,
    headers: { ...asSession(editor), ...body.headers },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  await t.data.runner.drain();
  return res.json() as { resource: { id: string }; job: { id: string } | null };
}

const communes = [
  'code;nom;population;superficie;date_creation;chef_lieu',
  '25056;Besançon;119 198;65,05;01/01/1790;oui',
  '25462;Pontarlier;17 413;41,5;01/01/1790;non',
  '2A004;Ajaccio;71 361;82,03;01/01/1790;oui',
  '01001;L’Abergement-Clémenciat;860;15,95;01/01/1790;non',
  '39300;Lons-le-Saunier;17 300;7,69;;oui',
].join('\n');

describe('datasets', () => {
  it('creates a draft visible only to its editors, then publishes it', async () => {
    const res = await api('POST', '/datasets', editor, {
      title: 'Budget primitif 2026',
      organization: org,
      license: 'etalab-2.0',
      description: 'Le **budget** <script>alert(1)</script>',
      keywords: ['budget', 'finances'],
      themes: ['ECON'],
    });
    expect(res.statusCode).toBe(201);
    const ds = res.json();
    expect(ds).toMatchObject({
      slug: 'budget-primitif-2026',
      status: 'draft',
      license: { id: 'etalab-2.0' },
      organization: { slug: org },
    });
    expect(ds.descriptionHtml).toContain('<strong>budget</strong>');
    expect(ds.descriptionHtml).not.toContain('<script');
    expect((await api('GET', '/datasets/budget-primitif-2026')).statusCode).toBe(404);
    expect((await api('GET', '/datasets/budget-primitif-2026', outsider)).statusCode).toBe(404);
    // A draft does not exist for outsiders, even when they try to change it.
    expect((await api('PATCH', '/datasets/budget-primitif-2026', outsider, { status: 'published' })).statusCode).toBe(
      404,
    );
    expect((await api('PATCH', '/datasets/budget-primitif-2026', editor, { status: 'published' })).json().status).toBe(
      'published',
    );
    expect((await api('GET', '/datasets/budget-primitif-2026')).statusCode).toBe(200);
    expect((await api('PATCH', '/datasets/budget-primitif-2026', editor, { status: 'draft' })).statusCode).toBe(400);
  });

  it('refuses outsiders publishing in an organization, duplicates, bad licences and unknown fields', async () => {
    expect(
      (await api('POST', '/datasets', outsider, { title: 'Not mine', organization: org, license: 'etalab-2.0' }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await api('POST', '/datasets', editor, {
          title: 'Budget primitif 2026',
          organization: org,
          license: 'etalab-2.0',
        })
      ).statusCode,
    ).toBe(409);
    expect((await api('POST', '/datasets', editor, { title: 'Bad licence', license: 'WTFPL' })).statusCode).toBe(400);
    expect((await api('POST', '/datasets', editor, { title: 'Extra', license: 'CC0-1.0', hack: 1 })).statusCode).toBe(
      400,
    );
    expect(
      (
        await api('POST', '/datasets', editor, {
          title: 'Bad period',
          license: 'CC0-1.0',
          temporal: { start: '2026-01-01', end: '2020-01-01' },
        })
      ).statusCode,
    ).toBe(400);
    expect((await api('POST', '/datasets', undefined, { title: 'Anonymous', license: 'CC0-1.0' })).statusCode).toBe(
      401,
    );
  });

  it('lets anyone publish a personal dataset', async () => {
    const res = await api('POST', '/datasets', outsider, {
      title: 'Mes relevés de qualité de l’air',
      license: 'CC-BY-4.0',
      status: 'published',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ organization: null, owner: { handle: outsider.handle } });
  });

  it('finds datasets by stemmed words in French and English, with facets', async () => {
    await newDataset({
      title: 'Population des communes',
      keywords: ['population', 'communes'],
      themes: ['SOCI'],
      description: 'Recensement de la population',
    });
    const search = (await api('GET', '/datasets?_q=commune')).json();
    expect(search.items.map((d: { title: string }) => d.title)).toContain('Population des communes');
    expect((await api('GET', '/datasets?_q=populations')).json().total).toBeGreaterThan(0);
    expect((await api('GET', '/datasets?_q=zzzzunlikely')).json().total).toBe(0);
    expect(search.facets.theme).toEqual(expect.arrayContaining([expect.objectContaining({ value: 'SOCI' })]));
    const byOrgAndTheme = await api('GET', `/datasets?organization=${org}&theme=SOCI`);
    expect(byOrgAndTheme.statusCode, byOrgAndTheme.body).toBe(200);
    expect(byOrgAndTheme.json().total).toBe(1);
    expect((await api('GET', '/datasets?_cursor=garbage')).statusCode).toBe(400);
  });
});

describe('resources and imports', () => {
  it('imports a messy French CSV into typed, queryable rows', async () => {
    const slug = await newDataset();
    const { resource, job } = await upload(slug, 'communes.csv', iconv.encode(communes, 'win1252'));
    const jobView = (await api('GET', `/jobs/${job!.id}`)).json();
    expect(jobView).toMatchObject({ status: 'succeeded', progress: { percent: 100 } });
    const schema = (await api('GET', `/datasets/${slug}/resources/${resource.id}/schema`)).json();
    expect(schema.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`)).toEqual([
      'code:string',
      'nom:string',
      'population:integer',
      'superficie:number',
      'date_creation:date',
      'chef_lieu:boolean',
    ]);
    const rows = (await api('GET', `/datasets/${slug}/resources/${resource.id}/rows?_sort=-population`)).json().rows;
    expect(rows[0]).toMatchObject({
      code: '25056',
      nom: 'Besançon',
      population: 119198,
      superficie: 65.05,
      date_creation: '1790-01-01',
      chef_lieu: true,
    });
    expect(rows.find((r: { code: string }) => r.code === '01001').code).toBe('01001');
    const filtered = (
      await api('GET', `/datasets/${slug}/resources/${resource.id}/rows?population__gte=17400&_fields=nom`)
    ).json().rows;
    expect(filtered.map((r: { nom: string }) => r.nom).sort()).toEqual(['Ajaccio', 'Besançon', 'Pontarlier']);
    const ds = (await api('GET', `/datasets/${slug}`)).json();
    expect(ds.resources[0]).toMatchObject({
      format: 'CSV',
      tabular: true,
      currentVersion: { rowCount: 5, rejectedCount: 0 },
    });
  });

  it('rejects bad rows with line and reason, and keeps the others', async () => {
    const slug = await newDataset();
    // Half the rows rejected: over the publish guard's threshold, so the publisher forces it (see publish-guard.test.ts).
    const { job } = await upload(slug, 'ragged.csv', 'a,b\n1,2\n3\n4,5,6\n7,8\n', 'text/csv', { force: '1' });
    const view = (await api('GET', `/jobs/${job!.id}`)).json();
    expect(view.status).toBe('succeeded');
    expect(view.report.rowsImported).toBe(2);
    expect(view.report.rowsRejected).toBe(2);
    const rejections = (await api('GET', `/jobs/${job!.id}/rejections`)).json().items;
    expect(rejections.map((r: { line: number }) => r.line)).toEqual([3, 4]);
    expect(rejections[0].reason).toMatch(/expected 2/i);
    // Beside the English text, a code and parameters a client translates; the report's sample too.
    expect(rejections[0]).toEqual({
      line: 3,
      reason: 'line 3: expected 2 values, found 1',
      code: 'row.width',
      params: { line: 3, expected: 2, found: 1 },
    });
    expect(view.report.rejectedSample[1]).toMatchObject({ line: 4, code: 'row.width', params: { found: 3 } });
  });

  it('re-imports as text an integer column whose codes have leading zeros below the inference sample', async () => {
    const slug = await newDataset();
    // 10,050 rows: the sample (10,000) sees plain numbers of 1 to 3 digits; a code "01" comes after.
    const body = Array.from({ length: 10_050 }, (_, i) => `${i},${i < 10_040 ? 1 + (i % 150) : '01'},${i % 7}`);
    const { resource, job } = await upload(slug, 'levels.csv', `n,level,x\n${body.join('\n')}\n`);
    const view = (await api('GET', `/jobs/${job!.id}`)).json();
    expect(view.status).toBe('succeeded');
    expect(view.report.rowsImported).toBe(10_050);
    expect(view.report.warnings).toContainEqual(
      expect.objectContaining({ code: 'column.codesAsText', params: { count: 1, columns: "'level'", line: 10_042 } }),
    );
    const schema = (await api('GET', `/datasets/${slug}/resources/${resource.id}/schema`)).json();
    expect(schema.fields.map((f: { type: string }) => f.type)).toEqual(['integer', 'string', 'integer']);
    const last = (await api('GET', `/datasets/${slug}/resources/${resource.id}/rows?_sort=-n&_limit=1`)).json().rows;
    expect(last[0]).toMatchObject({ n: 10_049, level: '01' });
    const first = (await api('GET', `/datasets/${slug}/resources/${resource.id}/rows?n=0`)).json().rows;
    expect(first[0]).toMatchObject({ level: '1' });
  });

  it('a failed import leaves the previous version live', async () => {
    const slug = await newDataset();
    const { resource } = await upload(slug, 'good.csv', 'x,y\n1,2\n3,4\n');
    const bad = multipartBody({
      fileName: 'bad.csv',
      content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]),
    });
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/datasets/${slug}/resources/${resource.id}/versions`,
      headers: { ...asSession(editor), ...bad.headers },
      payload: bad.payload,
    });
    expect(res.statusCode).toBe(201);
    // The drain reports the failed job: a test that expects one says so.
    await expect(t.data.runner.drain()).rejects.toThrow(new RegExp(`${res.json().job.id}: .*PNG image`));
    expect(await t.data.runner.drain()).toEqual([]);
    const job = (await api('GET', `/jobs/${res.json().job.id}`)).json();
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/PNG image, not a table/);
    const rows = (await api('GET', `/datasets/${slug}/resources/${resource.id}/rows`)).json().rows;
    expect(rows).toHaveLength(2);
    const versions = (await api('GET', `/datasets/${slug}/resources/${resource.id}/versions`)).json().items;
    expect(versions.map((v: { number: number; status: string }) => `${v.number}:${v.status}`)).toEqual([
      '2:failed',
      '1:live',
    ]);
  });

  it('a new version replaces the rows; the earlier file stays downloadable', async () => {
    const slug = await newDataset();
    const { resource } = await upload(slug, 'v1.csv', 'id,valeur\n1,10\n2,20\n');
    const v2 = multipartBody({ fileName: 'v2.csv', content: 'id,valeur\n1,11\n2,20\n3,30\n' });
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/datasets/${slug}/resources/${resource.id}/versions`,
      headers: { ...asSession(editor), ...v2.headers },
      payload: v2.payload,
    });
    await t.data.runner.drain();
    expect((await api('GET', `/datasets/${slug}/resources/${resource.id}/rows`)).json().rows).toHaveLength(3);
    const v1 = await api('GET', `/datasets/${slug}/resources/${resource.id}/versions/1/download`);
    expect(v1.statusCode).toBe(200);
    expect(v1.body).toBe('id,valeur\n1,10\n2,20\n');
    const versions = (await api('GET', `/datasets/${slug}/resources/${resource.id}/versions`)).json().items;
    // Without a primary key, rows are matched on their content: (1,11) and (3,30) are new, (1,10) is gone.
    expect(versions[0].diff).toMatchObject({
      rowsBefore: 2,
      rowsAfter: 3,
      rowsAdded: 2,
      rowsRemoved: 1,
      rowsChanged: null,
      matchedOn: 'content',
    });

    // The publisher declares `id` as the primary key; the next upload keeps that schema and is matched on it.
    const schema = (await api('GET', `/datasets/${slug}/resources/${resource.id}/schema`)).json();
    expect(
      (
        await api('PUT', `/datasets/${slug}/resources/${resource.id}/schema`, editor, {
          ...schema,
          primaryKey: ['nope'],
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (await api('PUT', `/datasets/${slug}/resources/${resource.id}/schema`, editor, { ...schema, primaryKey: ['id'] }))
        .statusCode,
    ).toBe(202);
    await t.data.runner.drain();
    const v4 = multipartBody({ fileName: 'v4.csv', content: 'id,valeur\n1,12\n3,30\n4,40\n' });
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/datasets/${slug}/resources/${resource.id}/versions`,
      headers: { ...asSession(editor), ...v4.headers },
      payload: v4.payload,
    });
    await t.data.runner.drain();
    const latest = (await api('GET', `/datasets/${slug}/resources/${resource.id}/versions`)).json().items[0];
    expect(latest.number).toBe(4);
    expect(latest.diff).toMatchObject({
      rowsBefore: 3,
      rowsAfter: 3,
      rowsAdded: 1,
      rowsRemoved: 1,
      rowsChanged: 1,
      matchedOn: 'primaryKey',
    });
    expect((await api('GET', `/datasets/${slug}/resources/${resource.id}/schema`)).json().primaryKey).toEqual(['id']);
  });

  it('re-types a column by re-importing with the edited schema', async () => {
    const slug = await newDataset();
    // A plain name: "code" would make fixed-width digits text already (see import/infer.ts).
    const { resource } = await upload(slug, 'codes.csv', 'value,label\n100,a\n200,b\n');
    const schema = (await api('GET', `/datasets/${slug}/resources/${resource.id}/schema`)).json();
    expect(schema.fields[0].type).toBe('integer');
    schema.fields[0].type = 'string';
    const res = await api('PUT', `/datasets/${slug}/resources/${resource.id}/schema`, editor, schema);
    expect(res.statusCode).toBe(202);
    await t.data.runner.drain();
    expect((await api('GET', `/datasets/${slug}/resources/${resource.id}/schema`)).json().fields[0].type).toBe(
      'string',
    );
    expect((await api('GET', `/datasets/${slug}/resources/${resource.id}/rows`)).json().rows[0].value).toBe('100');
    expect(
      (
        await api('PUT', `/datasets/${slug}/resources/${resource.id}/schema`, editor, {
          fields: [{ name: 'only', type: 'string' }],
        })
      ).statusCode,
    ).toBe(400);
  });

  it('downloads any filtered view as CSV, JSON and NDJSON, and counts downloads', async () => {
    const slug = await newDataset();
    const { resource } = await upload(slug, 'communes.csv', communes);
    const base = `/datasets/${slug}/resources/${resource.id}`;
    const csv = await api('GET', `${base}/rows.csv?population__gt=20000&_sort=nom`);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(
      csv.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n'),
    ).toEqual([
      '_id,code,nom,population,superficie,date_creation,chef_lieu',
      '3,2A004,Ajaccio,71361,82.03,1790-01-01,true',
      '1,25056,Besançon,119198,65.05,1790-01-01,true',
    ]);
    const json = (await api('GET', `${base}/rows.json?code=25056`)).json();
    expect(json).toEqual([expect.objectContaining({ nom: 'Besançon' })]);
    const ndjson = (await api('GET', `${base}/rows.ndjson`)).body.trim().split('\n');
    expect(ndjson).toHaveLength(5);
    await t.dispatcher.drain();
    const ds = (await api('GET', `/datasets/${slug}`)).json();
    expect(ds.metrics.downloads).toBe(3);
    expect(ds.resources[0].metrics.downloads).toBe(3);
  });

  it('answers 400 for unknown columns, operators, SQL in names and values, huge limits and bad cursors', async () => {
    const slug = await newDataset();
    const { resource } = await upload(slug, 'communes.csv', communes);
    const base = `/datasets/${slug}/resources/${resource.id}/rows`;
    for (const query of [
      'nope=1',
      'population__like=1',
      'population__gt=abc',
      '_limit=1e9',
      '_limit=5000',
      '_cursor=xyz',
      '_sort=nope',
      'nom%3B%20drop%20table%20x=1',
      '_unknown=1',
    ]) {
      const res = await api('GET', `${base}?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
    const sqlValue = await api('GET', `${base}?nom=${encodeURIComponent("x'; DROP TABLE users; --")}`);
    expect(sqlValue.statusCode).toBe(200);
    expect(sqlValue.json().rows).toEqual([]);
    expect((await api('GET', base)).json().rows).toHaveLength(5);
  });

  it('publishes a source column named _id as _id_source, keeping _id the row id', async () => {
    const slug = await newDataset();
    const { resource } = await upload(slug, 'ids.csv', '_id,name\n9,a\n7,b\n');
    const rows = (await api('GET', `/datasets/${slug}/resources/${resource.id}/rows`)).json().rows;
    expect(rows).toEqual([
      expect.objectContaining({ _id: 1, _id_source: 9, name: 'a' }),
      expect.objectContaining({ _id: 2, _id_source: 7, name: 'b' }),
    ]);
  });

  it('refuses URL resources on private addresses, and rejects an empty upload', async () => {
    const slug = await newDataset();
    const res = await api('POST', `/datasets/${slug}/resources`, editor, {
      title: 'Internal',
      url: 'http://127.0.0.1:9/data.csv',
    });
    expect(res.statusCode).toBe(400);
    const empty = multipartBody({ fileName: 'empty.csv', content: '' });
    const up = await t.app.inject({
      method: 'POST',
      url: `/api/v1/datasets/${slug}/resources`,
      headers: { ...asSession(editor), ...empty.headers },
      payload: empty.payload,
    });
    expect(up.statusCode).toBe(400);
  });
});
