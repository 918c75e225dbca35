import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, type Session, type TestApp } from '../../testing/harness.js';
import { multipartBody } from '../../testing/multipart.js';

let t: TestApp;
let editor: Session;
let sharer: Session;
let other: Session;
let org: string;

beforeAll(async () => {
  t = await createTestApp();
  editor = await register(t.app, 'cr-editor');
  sharer = await register(t.app, 'cr-sharer');
  other = await register(t.app, 'cr-other');
  org = (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: asSession(editor),
      payload: { name: `Commune partagée ${process.pid}` },
    })
  ).json().slug;
});
afterAll(async () => t.cleanup());

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, session?: Session, payload?: object) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: session ? asSession(session) : {},
    ...(payload ? { payload } : {}),
  });

let n = 0;
async function newDataset(status: 'draft' | 'published' = 'published') {
  n += 1;
  const res = await api('POST', '/datasets', editor, {
    title: `Ressources communautaires ${n}`,
    organization: org,
    license: 'etalab-2.0',
    status,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().slug as string;
}

function share(slug: string, session: Session | undefined, fileName: string, content: string, title = fileName) {
  const body = multipartBody(
    { fileName, content, contentType: 'text/csv' },
    { title, description: 'Corrigé à la main' },
  );
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/datasets/${slug}/community-resources`,
    headers: { ...(session ? asSession(session) : {}), ...body.headers },
    payload: body.payload,
  });
}

const csv = 'code,nom,population\n25056,Besançon,119198\n25462,Pontarlier,17413\n';

describe('community resources', () => {
  it('shares a tabular file: imported, queryable, listed apart with its owner, and announced publicly', async () => {
    const slug = await newDataset();
    const res = await share(slug, sharer, 'communes.csv', csv, 'Communes corrigées');
    expect(res.statusCode, res.body).toBe(201);
    const { resource, job } = res.json();
    expect(resource).toMatchObject({
      title: 'Communes corrigées',
      description: 'Corrigé à la main',
      community: true,
      owner: { handle: sharer.handle },
      kind: 'file',
      format: 'CSV',
    });
    expect(job).not.toBeNull();
    await t.data.runner.drain();
    const rows = await api('GET', `/datasets/${slug}/resources/${resource.id}/rows?_sort=code`);
    expect(rows.statusCode, rows.body).toBe(200);
    expect(rows.json().rows.map((r: { nom: string }) => r.nom)).toEqual(['Besançon', 'Pontarlier']);

    const ds = (await api('GET', `/datasets/${slug}`)).json();
    expect(ds.resources).toHaveLength(0);
    expect(ds.communityResources).toHaveLength(1);
    expect(ds.communityResources[0]).toMatchObject({
      id: resource.id,
      community: true,
      owner: { handle: sharer.handle },
      tabular: true,
    });

    const events = (await api('GET', `/activity?type=community_resource.created&actor=${sharer.handle}`)).json();
    expect(
      events.items.some((e: { subject?: unknown; payload?: { resource?: string } }) =>
        JSON.stringify(e).includes(resource.id),
      ),
    ).toBe(true);

    // Not the publisher's: no format facet, no DCAT distribution.
    const search = (await api('GET', `/datasets?format=CSV&organization=${org}`)).json();
    expect(search.items.map((d: { slug: string }) => d.slug)).not.toContain(slug);
    const catalog = await t.app.inject({ method: 'GET', url: '/catalog', headers: { accept: 'application/ld+json' } });
    expect(catalog.body).not.toContain(resource.id);
  });

  it('shares a link, with publisher resources kept separate', async () => {
    const slug = await newDataset();
    const mine = await api('POST', `/datasets/${slug}/resources`, editor, {
      title: 'Officiel',
      url: 'https://93.184.215.14/officiel.pdf',
    });
    expect(mine.statusCode, mine.body).toBe(201);
    expect(mine.json().resource).toMatchObject({ community: false, owner: null });
    const res = await api('POST', `/datasets/${slug}/community-resources`, sharer, {
      title: 'Carte interactive',
      url: 'https://93.184.215.14/carte.html',
      description: 'Une visualisation',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      resource: { kind: 'url', community: true, owner: { handle: sharer.handle } },
      job: null,
    });
    const ds = (await api('GET', `/datasets/${slug}`, sharer)).json();
    expect(ds.resources.map((r: { title: string }) => r.title)).toEqual(['Officiel']);
    expect(ds.communityResources.map((r: { title: string }) => r.title)).toEqual(['Carte interactive']);
  });

  it('requires a signed-in member, a published dataset, and someone who does not edit it', async () => {
    const slug = await newDataset();
    expect((await share(slug, undefined, 'a.csv', csv)).statusCode).toBe(401);
    expect(
      (
        await api('POST', `/datasets/${slug}/community-resources`, undefined, {
          title: 'x',
          url: 'https://93.184.215.14/x',
        })
      ).statusCode,
    ).toBe(401);
    const draft = await newDataset('draft');
    expect((await share(draft, sharer, 'a.csv', csv)).statusCode).toBe(404);
    expect((await share('no-such-dataset', sharer, 'a.csv', csv)).statusCode).toBe(404);
    expect((await share(slug, editor, 'a.csv', csv)).statusCode).toBe(403);
    expect((await api('PATCH', `/datasets/${slug}`, editor, { status: 'archived' })).statusCode).toBe(200);
    expect((await share(slug, sharer, 'a.csv', csv)).statusCode).toBe(409);
  });

  it('refuses hostile input: private URLs, empty files, unknown fields', async () => {
    const slug = await newDataset();
    for (const url of [
      'http://127.0.0.1/secret.csv',
      'http://10.0.0.1/x.csv',
      'http://[::1]/x',
      'http://[::ffff:127.0.0.1]/x',
      'http://[::ffff:a00:1]/x',
      'http://169.254.169.254/latest/meta-data',
    ]) {
      const res = await api('POST', `/datasets/${slug}/community-resources`, sharer, { title: 'SSRF', url });
      expect(res.statusCode, url).toBe(400);
    }
    expect(
      (
        await api('POST', `/datasets/${slug}/community-resources`, sharer, {
          title: 'ftp',
          url: 'ftp://93.184.215.14/x',
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await api('POST', `/datasets/${slug}/community-resources`, sharer, {
          title: 'extra',
          url: 'https://93.184.215.14/x',
          community: false,
        })
      ).statusCode,
    ).toBe(400);
    const empty = await share(slug, sharer, 'vide.csv', '');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0].field).toBe('file');
    expect((await api('GET', `/datasets/${slug}`)).json().communityResources).toHaveLength(0);
  });

  it('lets only the owner upload versions; editors cannot take a community resource over', async () => {
    const slug = await newDataset();
    const { resource } = (await share(slug, sharer, 'v1.csv', csv)).json();
    await t.data.runner.drain();
    const v2 = multipartBody({
      fileName: 'v2.csv',
      content: `${csv}39300,Lons-le-Saunier,17300\n`,
      contentType: 'text/csv',
    });
    const as = (s: Session, path: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/datasets/${slug}/${path}/${resource.id}/versions`,
        headers: { ...asSession(s), ...v2.headers },
        payload: v2.payload,
      });
    expect((await as(editor, 'resources')).statusCode).toBe(403);
    expect((await as(editor, 'community-resources')).statusCode).toBe(403);
    expect((await as(other, 'community-resources')).statusCode).toBe(403);
    const ok = await as(sharer, 'community-resources');
    expect(ok.statusCode, ok.body).toBe(201);
    await t.data.runner.drain();
    const versions = (await api('GET', `/datasets/${slug}/resources/${resource.id}/versions`)).json().items;
    expect(versions.map((v: { number: number }) => v.number)).toEqual([2, 1]);
    const rows = (await api('GET', `/datasets/${slug}/resources/${resource.id}/rows`)).json().rows;
    expect(rows).toHaveLength(3);
    // The publisher's resources are not reachable through the community endpoints.
    const mine = (
      await api('POST', `/datasets/${slug}/resources`, editor, {
        title: 'Officiel',
        url: 'https://93.184.215.14/officiel.pdf',
      })
    ).json().resource;
    expect((await api('DELETE', `/datasets/${slug}/community-resources/${mine.id}`, editor)).statusCode).toBe(404);
  });

  it('is removed by its owner or by an editor (moderation), not by others; files stay', async () => {
    const slug = await newDataset();
    const a = (await share(slug, sharer, 'a.csv', csv, 'A')).json().resource;
    const b = (await share(slug, sharer, 'b.csv', csv, 'B')).json().resource;
    await t.data.runner.drain();
    expect((await api('DELETE', `/datasets/${slug}/community-resources/${a.id}`)).statusCode).toBe(401);
    expect((await api('DELETE', `/datasets/${slug}/community-resources/${a.id}`, other)).statusCode).toBe(403);
    expect((await api('DELETE', `/datasets/${slug}/community-resources/${a.id}`, sharer)).statusCode).toBe(204);
    expect((await api('DELETE', `/datasets/${slug}/community-resources/${b.id}`, editor)).statusCode).toBe(204);
    expect((await api('DELETE', `/datasets/${slug}/community-resources/${b.id}`, editor)).statusCode).toBe(404);
    expect((await api('GET', `/datasets/${slug}`)).json().communityResources).toHaveLength(0);
    expect((await api('GET', `/datasets/${slug}/resources/${a.id}`)).statusCode).toBe(404);
    expect((await api('GET', `/datasets/${slug}/resources/${a.id}/rows`)).statusCode).toBe(404);
    // Soft deletion: the versions (and so their blobs) are kept.
    expect((await t.data.store.versionsOf(t.db.kysely, a.id))[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const deleted = (await api('GET', `/activity?type=community_resource.deleted`)).json().items;
    expect(deleted.some((e: unknown) => JSON.stringify(e).includes(a.id))).toBe(true);
    // The editor's removal is a moderation act: not in the public feed.
    expect(deleted.some((e: unknown) => JSON.stringify(e).includes(b.id))).toBe(false);
  });
});
