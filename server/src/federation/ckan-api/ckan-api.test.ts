/**
 * The CKAN-compatible action API, called the way CKAN clients call it: ckanapi's RemoteCKAN POSTs a JSON body to
 * /api/3/action/{name} with its own User-Agent; ckanext-harvest's CKAN harvester and udata's GET package_search
 * with rows/start (and fq). No npm CKAN client exists on the registry; the answers are checked against the
 * shapes of the real CKAN answers in test/fixtures/federation (ckan-package-search-demo-ckan.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { newDataset, newOrganization, newUser, type TestUser } from '../../testing/fixtures.js';

let t: TestApp;
let owner: TestUser;
let org: { id: string; slug: string };
let other: { id: string; slug: string };

const ckanapi = (action: string, data: object = {}) =>
  t.app.inject({
    method: 'POST',
    url: `/api/3/action/${action}`,
    headers: { 'content-type': 'application/json', 'user-agent': 'ckanapi/4.11 (+https://github.com/ckan/ckanapi)' },
    payload: JSON.stringify(data),
  });
const get = (action: string, query = '') => t.app.inject({ method: 'GET', url: `/api/3/action/${action}${query}` });

beforeAll(async () => {
  t = await createTestApp({ config: { allowPrivateUrls: true } });
  owner = await newUser(t, { prefix: 'ckan-owner' });
  org = await newOrganization(t, owner, { name: `Ville de Test ${process.pid}` });
  other = await newOrganization(t, owner);
  const trees = await newDataset(t, owner, {
    organization: org.slug,
    title: 'Arbres remarquables',
    description: 'Les arbres de la ville',
    keywords: ['arbres', 'nature'],
    license: 'etalab-2.0',
  });
  await t.data.resources.addUrl(owner.actor, trees.slug, {
    title: 'Export CSV',
    url: 'https://example.org/arbres.csv',
    format: 'csv',
  });
  await newDataset(t, owner, { organization: org.slug, title: 'Budget primitif', keywords: ['finances'] });
  await newDataset(t, owner, { organization: other.slug, title: 'Horaires des bus', keywords: ['transport'] });
  await newDataset(t, owner, { organization: org.slug, title: 'Brouillon caché', status: 'draft' });
});
afterAll(async () => {
  await t?.cleanup();
});

describe('CKAN action API', () => {
  it('status_show and license_list answer in the envelope', async () => {
    const res = await get('status_show');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ success: true, result: { ckan_version: expect.stringMatching(/^2\./) } });
    expect(body.help).toMatch(/help_show\?name=status_show$/);
    const licenses = (await ckanapi('license_list')).json().result as { id: string; title: string }[];
    expect(licenses.map((l) => l.id)).toContain('etalab-2.0');
  });

  it('package_list lists published datasets only', async () => {
    const names = (await ckanapi('package_list')).json().result as string[];
    expect(names).toEqual(expect.arrayContaining(['arbres-remarquables', 'budget-primitif', 'horaires-des-bus']));
    expect(names).not.toContain('brouillon-cache');
    const paged = (await get('package_list', '?limit=1&offset=1')).json().result as string[];
    expect(paged).toHaveLength(1);
  });

  it('package_show gives a CKAN package with its organization, tags and resources', async () => {
    const res = await ckanapi('package_show', { id: 'arbres-remarquables' });
    expect(res.statusCode).toBe(200);
    const pkg = res.json().result;
    // The keys a CKAN package_show answer has (the real one in the fixtures), for what clients read.
    const real = JSON.parse(
      readFileSync(
        join(
          import.meta.dirname,
          '../../../test/fixtures/federation/ckan-package-show-62513382-3b26-4bc8-9096-40b6ce8383c0.json',
        ),
        'utf8',
      ),
    ).result as Record<string, unknown>;
    for (const key of [
      'id',
      'name',
      'title',
      'notes',
      'license_id',
      'tags',
      'resources',
      'organization',
      'owner_org',
      'metadata_modified',
      'state',
      'type',
      'num_resources',
    ])
      expect(Object.keys(real), key).toContain(key);
    expect(pkg).toMatchObject({
      name: 'arbres-remarquables',
      title: 'Arbres remarquables',
      notes: 'Les arbres de la ville',
      license_id: 'etalab-2.0',
      state: 'active',
      type: 'dataset',
      owner_org: org.id,
      organization: { name: org.slug, is_organization: true },
      num_resources: 1,
    });
    expect(pkg.tags.map((x: { name: string }) => x.name).sort()).toEqual(['arbres', 'nature']);
    expect(pkg.resources[0]).toMatchObject({
      url: 'https://example.org/arbres.csv',
      format: 'CSV',
      name: 'Export CSV',
    });
    // Machine reads do not count as views.
    expect((await t.data.datasets.peek(owner.actor, 'arbres-remarquables')).metrics.views).toBe(0);
  });

  it('package_search with q, fq (organization, tags), rows and start', async () => {
    const all = (await get('package_search', '?q=*:*&rows=2')).json().result;
    expect(all.count).toBe(3);
    expect(all.results).toHaveLength(2);
    const rest = (await get('package_search', '?q=*:*&rows=2&start=2')).json().result;
    expect(rest.results).toHaveLength(1);
    const names = new Set([...all.results, ...rest.results].map((p: { name: string }) => p.name));
    expect(names.size).toBe(3);

    const byOrg = (await ckanapi('package_search', { fq: `organization:${org.slug}` })).json().result;
    expect(byOrg.count).toBe(2);
    const byTag = (await ckanapi('package_search', { fq: `organization:${org.slug} AND tags:"nature"` })).json().result;
    expect(byTag.results.map((p: { name: string }) => p.name)).toEqual(['arbres-remarquables']);
    const byText = (await get('package_search', `?q=${encodeURIComponent('horaires')}`)).json().result;
    expect(byText.results.map((p: { name: string }) => p.name)).toEqual(['horaires-des-bus']);
    const byOrgId = (await get('package_search', `?fq=${encodeURIComponent(`owner_org:${other.id}`)}`)).json().result;
    expect(byOrgId.count).toBe(1);
    const capped = (await get('package_search', '?rows=5000')).json();
    expect(capped.success).toBe(true);
  });

  it('organization_list and organization_show', async () => {
    const names = (await ckanapi('organization_list')).json().result as string[];
    expect(names).toEqual(expect.arrayContaining([org.slug, other.slug]));
    const full = (await ckanapi('organization_list', { all_fields: true })).json().result as { name: string }[];
    expect(full.find((o) => o.name === org.slug)).toMatchObject({ title: `Ville de Test ${process.pid}` });
    const show = (await get('organization_show', `?id=${org.slug}`)).json().result;
    expect(show).toMatchObject({ id: org.id, name: org.slug, package_count: 2 });
    expect((await get('organization_show', `?id=${org.id}`)).json().result.name).toBe(org.slug);
  });

  it('answers CKAN errors: unknown action, not found, missing or bad parameters, bad fq', async () => {
    const unknown = await get('package_create');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ success: false, error: { __type: 'Bad Request' } });
    const missing = await ckanapi('package_show', { id: 'nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ success: false, error: { __type: 'Not Found Error' } });
    const draft = await ckanapi('package_show', { id: 'brouillon-cache' });
    expect(draft.statusCode).toBe(404);
    const noId = await ckanapi('package_show', {});
    expect(noId.statusCode).toBe(409);
    expect(noId.json()).toMatchObject({ error: { __type: 'Validation Error', id: ['Missing value'] } });
    for (const q of [
      '?rows=-1',
      '?start=abc',
      '?rows=1e999',
      `?fq=${encodeURIComponent('title:x')}`,
      `?fq=${encodeURIComponent('organization:"unterminated')}`,
    ]) {
      const res = await get('package_search', q);
      expect(res.statusCode, q).toBe(409);
      expect(res.json().success).toBe(false);
    }
    const unknownOrg = await get('organization_show', '?id=nowhere');
    expect(unknownOrg.statusCode).toBe(404);
    const weird = await ckanapi('package_show', { id: { $ne: 1 } });
    expect(weird.statusCode).toBe(409);
  });
});
