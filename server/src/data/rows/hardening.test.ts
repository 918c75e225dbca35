/** Downloads and imports as an attacker tries them: formula cells, paging of downloads, HEAD, huge or NUL cells, temp files. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { asSession, createTestApp, register, type Session, type TestApp } from '../../testing/harness.js';
import { multipartBody } from '../../testing/multipart.js';

let t: TestApp;
let editor: Session;
let slug: string;
let resource: string;

async function upload(fileName: string, content: string | Buffer, fields: Record<string, string> = {}) {
  const body = multipartBody({ fileName, content, contentType: 'text/csv' }, fields);
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/datasets/${slug}/resources`,
    headers: { ...asSession(editor), ...body.headers },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  await t.data.runner.drain();
  const job = (await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${res.json().job.id}` })).json();
  return { id: res.json().resource.id as string, job };
}

beforeAll(async () => {
  t = await createTestApp();
  editor = await register(t.app, 'csvinj');
  const org = (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: asSession(editor),
      payload: { name: `Formules ${process.pid}` },
    })
  ).json().slug as string;
  slug = (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: asSession(editor),
      payload: { title: 'Formules', organization: org, license: 'etalab-2.0', status: 'published' },
    })
  ).json().slug;
  const csv = [
    'nom,valeur',
    '"=1+1",1',
    '"+SUM(A1:A9)",-2',
    '"-2+3",3',
    '"@cmd",4',
    '"\tTAB",5',
    '"\rCR",6',
    'ordinaire,7',
  ].join('\n');
  resource = (await upload('formules.csv', csv)).id;
});
afterAll(async () => t.cleanup());

const rowsUrl = (suffix: string) => `/api/v1/datasets/${slug}/resources/${resource}/${suffix}`;

describe('CSV downloads', () => {
  it('neutralise formula cells (= + - @ tab CR) unless _raw=1, and keep numbers as numbers', async () => {
    const safe = await t.app.inject({ method: 'GET', url: rowsUrl('rows.csv') });
    expect(safe.statusCode).toBe(200);
    const lines = safe.body.replace(/^\uFEFF/, '').split('\r\n');
    const cells = lines.slice(1, 8).map((l) => l.split(',')[1]);
    expect(cells).toEqual(["'=1+1", "'+SUM(A1:A9)", "'-2+3", "'@cmd", `'\tTAB`, `"'\rCR"`, 'ordinaire']);
    expect(lines[2]!.endsWith(',-2')).toBe(true);
    const raw = await t.app.inject({ method: 'GET', url: rowsUrl('rows.csv?_raw=1') });
    expect(raw.body).toContain(',=1+1,');
    expect(raw.body).toContain(',@cmd,');
    // JSON downloads carry values, not formulas: untouched.
    expect((await t.app.inject({ method: 'GET', url: rowsUrl('rows.json') })).body).toContain('"=1+1"');
    expect((await t.app.inject({ method: 'GET', url: rowsUrl('rows.csv?_raw=yes') })).statusCode).toBe(400);
  });

  it('honour _limit and refuse a malformed _cursor', async () => {
    const two = await t.app.inject({ method: 'GET', url: rowsUrl('rows.csv?_limit=2&_sort=valeur') });
    expect(two.body.trim().split('\r\n')).toHaveLength(3);
    const ndjson = await t.app.inject({ method: 'GET', url: rowsUrl('rows.ndjson?_limit=3') });
    expect(ndjson.body.trim().split('\n')).toHaveLength(3);
    for (const cursor of ['garbage!', 'eyJ4Ijox', 'AAAA', '%00']) {
      const res = await t.app.inject({ method: 'GET', url: rowsUrl(`rows.csv?_cursor=${cursor}`) });
      expect(res.statusCode, cursor).toBe(400);
    }
    for (const limit of ['0', '-1', '1001', 'abc', '1e3']) {
      const res = await t.app.inject({ method: 'GET', url: rowsUrl(`rows.csv?_limit=${limit}`) });
      expect(res.statusCode, limit).toBe(400);
    }
    // A cursor from a page resumes the download after that page.
    const page = (await t.app.inject({ method: 'GET', url: rowsUrl('rows?_limit=5&_sort=valeur') })).json();
    const rest = await t.app.inject({
      method: 'GET',
      url: rowsUrl(`rows.csv?_sort=valeur&_cursor=${new URL(page.next).searchParams.get('_cursor')}`),
    });
    expect(rest.body.trim().split('\r\n')).toHaveLength(3);
  });
});

describe('HEAD', () => {
  it('answers wherever GET does, without a body', async () => {
    for (const url of [
      '/api/v1/datasets',
      `/api/v1/datasets/${slug}`,
      rowsUrl('rows'),
      rowsUrl('rows.csv'),
      rowsUrl('schema'),
      '/catalog',
      '/sitemap.xml',
      '/healthz',
      '/api/v1/openapi.json',
    ]) {
      const res = await t.app.inject({ method: 'HEAD', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe('');
    }
    expect((await t.app.inject({ method: 'HEAD', url: '/api/v1/datasets/nope' })).statusCode).toBe(404);
  });
});

describe('imports', () => {
  it('reject a 5 MB cell and a NUL in a cell with a row-level reason, and keep the other rows', async () => {
    const huge = 'x'.repeat(5 * 1024 * 1024);
    // Half the rows rejected: forced past the publish guard (publish-guard.test.ts), to see the reasons.
    const { job } = await upload('gros.csv', `a,b\n1,petit\n2,${huge}\n3,"a\u0000b"\n4,fin\n`, { force: '1' });
    expect(job.status).toBe('succeeded');
    expect(job.report.rowsImported).toBe(2);
    expect(job.report.rowsRejected).toBe(2);
    const reasons = job.report.rejectedSample.map((r: { line: number; reason: string }) => [r.line, r.reason]);
    expect(reasons[0][0]).toBe(3);
    expect(reasons[0][1]).toMatch(/more than the 4194304/);
    expect(reasons[1][0]).toBe(4);
    expect(reasons[1][1]).toMatch(/NUL/);
  });

  it('leave no temporary file behind a rejected upload', async () => {
    const tmp = join(t.config.dataDir, 'files', 'tmp');
    const good = multipartBody({ fileName: 'c.csv', content: 'a,b\n1,2\n'.repeat(1000) });
    for (const payload of [good.payload.subarray(0, good.payload.length - 40), good.payload.subarray(0, 300)]) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/datasets/${slug}/resources`,
        headers: { ...asSession(editor), ...good.headers },
        payload,
      });
      expect(res.statusCode).toBe(400);
    }
    const wrong = await t.app.inject({
      method: 'POST',
      url: `/api/v1/datasets/does-not-exist/resources`,
      headers: { ...asSession(editor), ...good.headers },
      payload: good.payload,
    });
    expect(wrong.statusCode).toBe(404);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
