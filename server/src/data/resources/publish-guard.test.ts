/** A version with nothing in it, or that lost too many rows, never goes live unless the publisher forces it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, type Session, type TestApp } from '../../testing/harness.js';
import { multipartBody } from '../../testing/multipart.js';

let t: TestApp;
let editor: Session;
let slug: string;

beforeAll(async () => {
  t = await createTestApp();
  editor = await register(t.app, 'guard');
  const org = (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: asSession(editor),
      payload: { name: `Garde ${process.pid}` },
    })
  ).json().slug as string;
  slug = (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: asSession(editor),
      payload: { title: 'Garde', organization: org, license: 'etalab-2.0', status: 'published' },
    })
  ).json().slug;
});
afterAll(async () => t.cleanup());

const good = 'code,nom,population\n' + Array.from({ length: 20 }, (_, i) => `${i},Ville ${i},${1000 + i}`).join('\n');

async function send(url: string, content: string, fields: Record<string, string> = {}) {
  const body = multipartBody({ fileName: 'v.csv', content, contentType: 'text/csv' }, fields);
  const res = await t.app.inject({
    method: 'POST',
    url,
    headers: { ...asSession(editor), ...body.headers },
    payload: body.payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  // The guard's cases fail their import on purpose: each asserts the job's status.
  await t.data.runner.drain({ allowFailures: true });
  return res.json() as { resource: { id: string }; job: { id: string } };
}
const job = async (id: string) => (await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${id}` })).json();
const resourceOf = async (id: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/v1/datasets/${slug}/resources/${id}` })).json();
const rowCount = async (id: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/v1/datasets/${slug}/resources/${id}/rows?_limit=1000` })).json().rows
    .length as number;

describe('the publish guard', () => {
  let id: string;
  beforeAll(async () => {
    id = (await send(`/api/v1/datasets/${slug}/resources`, good)).resource.id;
    expect(await rowCount(id)).toBe(20);
  });

  it('fails a version whose every row is rejected, with its report, and keeps the previous one live', async () => {
    const broken = 'code,nom,population\n' + Array.from({ length: 10 }, (_, i) => `${i},"Ville ${i},${i}`).join('\n');
    for (const content of [broken, 'code,nom,population\n']) {
      const r = await send(`/api/v1/datasets/${slug}/resources/${id}/versions`, content);
      const j = await job(r.job.id);
      expect(j.status).toBe('failed');
      expect(j.error).toMatch(/not published|no data row/);
      expect(await rowCount(id)).toBe(20);
      expect((await resourceOf(id)).currentVersion.number).toBe(1);
    }
  });

  it('fails a re-typing that converts no value, and one that loses more than the threshold', async () => {
    const schema = (
      await t.app.inject({ method: 'GET', url: `/api/v1/datasets/${slug}/resources/${id}/schema` })
    ).json();
    const retype = (fields: Array<{ name: string; type: string }>, force?: boolean) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/v1/datasets/${slug}/resources/${id}/schema`,
        headers: asSession(editor),
        payload: { fields, ...(force === undefined ? {} : { force }) },
      });
    const asInteger = schema.fields.map((f: { name: string; type: string }) =>
      f.name === 'nom' ? { name: 'nom', type: 'integer' } : { name: f.name, type: f.type },
    );
    const res = await retype(asInteger);
    expect(res.statusCode, res.body).toBe(202);
    expect((await t.data.runner.drain({ allowFailures: true })).map((f) => f.id)).toEqual([res.json().job.id]);
    const j = await job(res.json().job.id);
    expect(j.status).toBe('failed');
    expect(j.report.rowsRejected).toBe(20);
    expect(await rowCount(id)).toBe(20);
    // 3 of 20 rows lost (15 %) is over the default 10 %.
    const lossy = good
      .replace('1,Ville 1,1001', '1,"Ville 1,1001')
      .replace('2,Ville 2,1002', '2,Ville 2,x')
      .replace('3,Ville 3,1003', '3,Ville 3,y');
    const v = await send(`/api/v1/datasets/${slug}/resources/${id}/versions`, lossy);
    expect((await job(v.job.id)).error).toMatch(/rows were rejected .*more than the 10\.0 %/);
    expect(await rowCount(id)).toBe(20);
  });

  it('follows a per-resource threshold, and lets the publisher force an empty or lossy version', async () => {
    const lossy = good
      .replace('2,Ville 2,1002', '2,Ville 2,x')
      .replace('3,Ville 3,1003', '3,Ville 3,y')
      .replace('4,Ville 4,1004', '4,Ville 4,z');
    const patch = (value: unknown) =>
      t.app.inject({
        method: 'PATCH',
        url: `/api/v1/datasets/${slug}/resources/${id}`,
        headers: asSession(editor),
        payload: { maxRejectedShare: value },
      });
    for (const bad of [-0.1, 1.5, 'NaN', 'abc']) expect((await patch(bad)).statusCode).toBe(400);
    const set = await patch(0.2);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().maxRejectedShare).toBe(0.2);
    const within = await send(`/api/v1/datasets/${slug}/resources/${id}/versions`, lossy);
    const withinJob = await job(within.job.id);
    expect(withinJob.status, withinJob.error).toBe('succeeded');
    expect(await rowCount(id)).toBe(17);
    // Forced: even a version whose every row was rejected goes live, empty.
    const allRejected = 'code,nom,population\n1,Ville,x\n2,Autre,y\n';
    const forced = await send(`/api/v1/datasets/${slug}/resources/${id}/versions`, allRejected, { force: '1' });
    expect((await job(forced.job.id)).status).toBe('succeeded');
    expect((await resourceOf(id)).currentVersion.rowCount).toBe(0);
    // A header-only file, forced: an empty version with the header's columns (unforced, it fails: see above).
    const headerOnly = await send(`/api/v1/datasets/${slug}/resources/${id}/versions`, 'code,nom,population\n', {
      force: '1',
    });
    const headerJob = await job(headerOnly.job.id);
    expect(headerJob.status, headerJob.error).toBe('succeeded');
    const empty = await resourceOf(id);
    expect(empty.currentVersion.rowCount).toBe(0);
    const page = (
      await t.app.inject({ method: 'GET', url: `/api/v1/datasets/${slug}/resources/${id}/rows?nom=x` })
    ).json();
    expect(page.rows).toEqual([]);
    const columns = (await t.app.inject({ method: 'GET', url: `/api/v1/datasets/${slug}/resources/${id}/schema` }))
      .json()
      .fields.map((f: { name: string }) => f.name);
    expect(columns).toEqual(['code', 'nom', 'population']);
    const reset = await patch(null);
    expect(reset.json().maxRejectedShare).toBe(0.1);
    // Someone who does not edit the dataset cannot change the threshold.
    const stranger = await register(t.app, 'guard-stranger');
    const denied = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/datasets/${slug}/resources/${id}`,
      headers: asSession(stranger),
      payload: { maxRejectedShare: 1 },
    });
    expect(denied.statusCode).toBe(403);
  });
});
