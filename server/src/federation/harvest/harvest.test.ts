/**
 * Harvesting real-world catalog files (server/test/fixtures/federation, see SOURCES.md) served by a local HTTP
 * server that stands for the public portals: the outbound guard refuses every local address except that server's
 * exact address:port (the test-only `outboundExempt`).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { addMember, apiClient, newDataset, newOrganization, newUser, type TestUser } from '../../testing/fixtures.js';
import { anonymous } from '../../kernel/actor.js';
import { createHarvestService, type RunView } from './service.js';
import { createHarvestStore } from './store.js';
import { createEventRecorder } from '../../events/recorder.js';
import { createEventStore } from '../../events/store.js';
import { createOutbound } from '../../kernel/outbound.js';
import { createSecretBox } from '../../kernel/secret-box.js';
import { systemClock } from '../../kernel/clock.js';
import type { HarvestedWriter } from '../../data/index.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/federation');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;
let server: Server;
let origin = '';
const routes = new Map<string, Handler>();
const send = (type: string, body: string) => (_req: IncomingMessage, res: ServerResponse) =>
  res.writeHead(200, { 'content-type': type }).end(body);

let t: TestApp;
let owner: TestUser;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const handler = routes.get(url.pathname);
    if (handler) handler(req, res, url);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  t = await createTestApp({
    config: { allowPrivateUrls: false },
    outboundExempt: [`127.0.0.1:${port}`],
    // Small write batches, so every harvest here is written in several transactions.
    harvestLimits: { pageTimeoutMs: 1500, maxPages: 8, maxRecords: 60, writeBatch: 5 },
  });
  api = apiClient(t);
  owner = await newUser(t, { prefix: 'hv-owner' });
});
afterAll(async () => {
  await t?.cleanup();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

async function source(org: string, kind: string, path: string, by: TestUser = owner) {
  const res = await api('POST', `/organizations/${org}/harvest-sources`, by, {
    name: `${kind} ${path}`,
    kind,
    url: `${origin}${path}`,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

async function harvest(sourceId: string): Promise<RunView> {
  const res = await api('POST', `/harvest-sources/${sourceId}/runs`, owner);
  expect(res.statusCode, res.body).toBe(202);
  await t.federation.harvest.drain();
  const run = await api('GET', `/harvest-runs/${(res.json() as RunView).id}`, owner);
  expect(run.statusCode, run.body).toBe(200);
  return run.json() as RunView;
}

async function datasetsOf(org: string) {
  const page = await t.data.datasets.search(anonymous, { organization: org, _limit: 100, _sort: 'title' });
  return page.items;
}

describe('harvesting real-world catalogs', () => {
  it('DCAT-AP JSON-LD paged with Hydra: four datasets, updated in place, withdrawn when gone', async () => {
    const org = await newOrganization(t, owner);
    let withFourth = true;
    routes.set(
      '/jsonld/page1',
      send(
        'application/ld+json',
        fixture('dcat-jsonld-hydra-page-1.jsonld').replaceAll(
          'http://data.test.org/catalog.jsonld?page=2',
          `${origin}/jsonld/page2`,
        ),
      ),
    );
    routes.set('/jsonld/page2', (req, res) => {
      const page = JSON.parse(fixture('dcat-jsonld-hydra-page-2.jsonld')) as { '@id': string }[];
      const kept = withFourth ? page : page.filter((n) => n['@id'] !== 'http://data.test.org/datasets/4');
      res.writeHead(200, { 'content-type': 'application/ld+json' }).end(JSON.stringify(kept));
    });
    const s = await source(org.slug, 'dcat', '/jsonld/page1');
    const first = await harvest(s.id);
    expect(first).toMatchObject({ status: 'succeeded', created: 4, updated: 0, withdrawn: 0, errors: 0 });
    expect(first.report.pages).toBe(2);
    const items = await datasetsOf(org.slug);
    expect(items.map((d) => d.title).sort()).toEqual(['Dataset 1', 'Dataset 1', 'Dataset 2', 'Dataset 3']);
    // The two "Dataset 1" (identifiers 1 and 4) are two datasets with their own slugs.
    expect(new Set(items.map((d) => d.slug)).size).toBe(4);
    const one = await t.data.datasets.get(anonymous, items.find((d) => d.title === 'Dataset 2')!.slug);
    expect(one.description).toBe('Dataset 2 description');
    expect(one.resources.length).toBeGreaterThan(0);
    expect(one.resources[0]!.url).toMatch(/^https?:\/\//);

    const again = await harvest(s.id);
    expect(again).toMatchObject({ status: 'succeeded', created: 0, updated: 0, unchanged: 4, withdrawn: 0 });

    withFourth = false;
    const third = await harvest(s.id);
    expect(third).toMatchObject({ status: 'succeeded', created: 0, unchanged: 3, withdrawn: 1 });
    expect((await datasetsOf(org.slug)).length).toBe(3);

    withFourth = true;
    const back = await harvest(s.id);
    expect(back).toMatchObject({ created: 0, updated: 1, unchanged: 3 });
    expect((await datasetsOf(org.slug)).length).toBe(4);
  });

  it('DCAT-AP RDF/XML (udata) and Turtle (Felles datakatalog)', async () => {
    const org = await newOrganization(t, owner);
    routes.set('/vanves.rdf', send('application/rdf+xml', fixture('dcat-rdfxml-udata-vanves.xml')));
    routes.set('/fdk.ttl', send('text/turtle', fixture('dcat-turtle-fdk-harvest-response-3.ttl')));
    const xml = await harvest((await source(org.slug, 'dcat', '/vanves.rdf')).id);
    expect(xml).toMatchObject({ status: 'succeeded', created: 2, errors: 0 });
    const ttl = await harvest((await source(org.slug, 'dcat', '/fdk.ttl')).id);
    expect(ttl).toMatchObject({ status: 'succeeded', created: 2, errors: 0 });
    const titles = (await datasetsOf(org.slug)).map((d) => d.title);
    expect(titles).toContain('Bureaux de vote - Vanves');
    expect(titles).toContain('Ut mot havet');
    const vanves = await t.data.datasets.get(
      anonymous,
      (await datasetsOf(org.slug)).find((d) => d.title === 'Bureaux de vote - Vanves')!.slug,
    );
    expect(vanves.resources.length).toBe(4);
  });

  it('CKAN package_search, paged by the server two packages at a time', async () => {
    const org = await newOrganization(t, owner);
    const all = JSON.parse(fixture('ckan-package-search-demo-ckan.json')) as {
      result: { count: number; results: unknown[] };
    };
    routes.set('/ckan/api/3/action/package_search', (_req, res, url) => {
      const start = Number(url.searchParams.get('start') ?? 0);
      const body = { ...all, result: { ...all.result, results: all.result.results.slice(start, start + 2) } };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    const run = await harvest((await source(org.slug, 'ckan', '/ckan')).id);
    expect(run).toMatchObject({ status: 'succeeded', created: 3, errors: 0 });
    expect(run.report.pages).toBe(2);
    const items = await datasetsOf(org.slug);
    expect(items.map((d) => d.title)).toContain('100 Validated Species of Plants');
    expect(items.map((d) => d.title)).toContain('規管海外物業銷售');
  });

  it('udata API v1: a bare listing and a paged one', async () => {
    const org = await newOrganization(t, owner);
    const body = (
      JSON.parse(fixture('udata-api1-angers-datasets-cassette.json')) as { response: { body: string } }[]
    )[0]!.response.body;
    routes.set('/udata/organizations/angers/datasets/', send('application/json', body));
    const list = JSON.parse(body) as unknown[];
    routes.set('/udata/api/1/datasets/', (_req, res, url) => {
      const page = Number(url.searchParams.get('page') ?? 1);
      const data = list.slice((page - 1) * 10, page * 10);
      const next = page * 10 < list.length ? `${origin}/udata/api/1/datasets/?page=${page + 1}` : null;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data, next_page: next, page, page_size: 10, total: list.length }));
    });
    const bare = await harvest((await source(org.slug, 'udata', '/udata/organizations/angers/datasets/')).id);
    expect(bare).toMatchObject({ status: 'succeeded', created: 18, errors: 0 });
    const other = await newOrganization(t, owner);
    const paged = await harvest((await source(other.slug, 'udata', '/udata/api/1/datasets/')).id);
    expect(paged).toMatchObject({ status: 'succeeded', created: 18 });
    expect(paged.report.pages).toBe(2);
    const items = await datasetsOf(other.slug);
    expect(items.length).toBe(18);
    expect(items.map((d) => d.title)).toContain('Nomenclature des déchets');
  });
});

describe('bad sources', () => {
  it('an invalid page fails the run and leaves the previous state untouched', async () => {
    const org = await newOrganization(t, owner);
    let broken = false;
    routes.set(
      '/flaky/page1',
      send(
        'application/ld+json',
        fixture('dcat-jsonld-hydra-page-1.jsonld').replaceAll(
          'http://data.test.org/catalog.jsonld?page=2',
          `${origin}/flaky/page2`,
        ),
      ),
    );
    routes.set('/flaky/page2', (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/ld+json' })
        .end(broken ? '[{"@id": "x", ' : fixture('dcat-jsonld-hydra-page-2.jsonld')),
    );
    const s = await source(org.slug, 'dcat', '/flaky/page1');
    expect(await harvest(s.id)).toMatchObject({ status: 'succeeded', created: 4 });
    const before = (await datasetsOf(org.slug)).map((d) => [d.slug, d.updatedAt]);
    broken = true;
    const failed = await harvest(s.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/flaky\/page2/);
    expect(failed.report.skipped.join(' ')).toMatch(/skipped/);
    expect((await datasetsOf(org.slug)).map((d) => [d.slug, d.updatedAt])).toEqual(before);
  });

  it('one bad record is reported with its source id; the others go in', async () => {
    const org = await newOrganization(t, owner);
    routes.set(
      '/bad-record',
      send(
        'application/json',
        JSON.stringify([
          {
            id: 'good-1',
            title: 'Good one',
            description: '',
            tags: ['a'],
            resources: [{ url: 'https://example.org/a.csv', title: 'a', format: 'csv' }],
          },
          { id: 'no-title', description: 'nothing else' },
          { id: 'good-1', title: 'Twice the same id' },
          'not an object',
          { id: 'good-2', title: 'Good two', resources: [{ url: 'javascript:alert(1)', title: 'x' }] },
        ]),
      ),
    );
    const run = await harvest((await source(org.slug, 'udata', '/bad-record')).id);
    expect(run).toMatchObject({ status: 'succeeded', created: 2, errors: 3 });
    expect(run.report.errors.map((e) => e.sourceId)).toEqual(['no-title', 'good-1', '(unknown)']);
    const two = (await datasetsOf(org.slug)).find((d) => d.title === 'Good two')!;
    expect((await t.data.datasets.get(anonymous, two.slug)).resources).toEqual([]);
  });

  it('endless paging stops at the page cap; a page linking back stops the crawl; no withdrawal after a cap', async () => {
    const org = await newOrganization(t, owner);
    routes.set('/forever', (_req, res, url) => {
      const page = Number(url.searchParams.get('page') ?? 1);
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          data: [{ id: `ds-${page}`, title: `Page ${page}` }],
          next_page: `${origin}/forever?page=${page + 1}`,
        }),
      );
    });
    const run = await harvest((await source(org.slug, 'udata', '/forever')).id);
    expect(run).toMatchObject({ status: 'succeeded', created: 8 });
    expect(run.report.skipped.join(' ')).toMatch(/More than 8 pages/);

    routes.set('/loop', (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data: [{ id: 'l', title: 'Loop' }], next_page: `${origin}/loop` })),
    );
    const loop = await harvest((await source(org.slug, 'udata', '/loop')).id);
    expect(loop).toMatchObject({ status: 'succeeded', created: 1 });
    expect(loop.report.skipped.join(' ')).toMatch(/already read/);
  });

  it('too many records: bounded, reported', async () => {
    const org = await newOrganization(t, owner);
    const many = Array.from({ length: 100 }, (_, i) => ({ id: `m${i}`, title: `Many ${i}` }));
    routes.set('/many', send('application/json', JSON.stringify(many)));
    const run = await harvest((await source(org.slug, 'udata', '/many')).id);
    expect(run).toMatchObject({ status: 'succeeded', created: 60 });
    expect(run.report.skipped.join(' ')).toMatch(/More than 60 records/);
  });

  it('a slow source times out; a redirect to a private address is refused; nothing is created', async () => {
    const org = await newOrganization(t, owner);
    routes.set('/slow', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      // Never finishes: the page's time limit ends it.
    });
    const slow = await harvest((await source(org.slug, 'udata', '/slow')).id);
    expect(slow.status).toBe('failed');
    expect(slow.error).toMatch(/took more than/);
    routes.set('/to-private', (_req, res) => res.writeHead(302, { location: 'http://127.0.0.2:8080/catalog' }).end());
    const redirected = await harvest((await source(org.slug, 'dcat', '/to-private')).id);
    expect(redirected.status).toBe('failed');
    expect(redirected.error).toMatch(/refused/);
    expect(await datasetsOf(org.slug)).toEqual([]);
  });

  it('refuses private and non-http URLs up front, and unknown kinds', async () => {
    const org = await newOrganization(t, owner);
    for (const url of ['http://127.0.0.1:1/x', 'http://169.254.169.254/latest', 'file:///etc/passwd', 'not a url']) {
      const res = await api('POST', `/organizations/${org.slug}/harvest-sources`, owner, {
        name: 'x',
        kind: 'dcat',
        url,
      });
      expect(res.statusCode, url).toBe(400);
    }
    const res = await api('POST', `/organizations/${org.slug}/harvest-sources`, owner, {
      name: 'x',
      kind: 'ftp',
      url: `${origin}/x`,
    });
    expect(res.statusCode).toBe(400);
  });

  it('a run asked for while one is running is queued after it, and sees the change the first one missed', async () => {
    const org = await newOrganization(t, owner);
    let hits = 0;
    let second: RunView | undefined;
    routes.set('/changing', (_req, res) => {
      hits++;
      const body = JSON.stringify(
        hits === 1
          ? [{ id: 'c1', title: 'Before' }]
          : [
              { id: 'c1', title: 'Before' },
              { id: 'c2', title: 'After' },
            ],
      );
      if (hits > 1) return void res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      // The source changes while the first run reads it, and someone asks for a run at that moment.
      void api('POST', `/harvest-sources/${s.id}/runs`, owner).then((r) => {
        second = r.json() as RunView;
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      });
    });
    const s = await source(org.slug, 'udata', '/changing');
    const first = await harvest(s.id);
    expect(first).toMatchObject({ status: 'succeeded', created: 1 });
    expect(second?.id).toBeDefined();
    expect(second!.id).not.toBe(first.id);
    const after = (await api('GET', `/harvest-runs/${second!.id}`, owner)).json() as RunView;
    expect(after).toMatchObject({ status: 'succeeded', created: 1, unchanged: 1 });
    expect((await datasetsOf(org.slug)).map((d) => d.title).sort()).toEqual(['After', 'Before']);
  });

  it('members read the reports; only editors and above manage sources; others see nothing', async () => {
    const member = await newUser(t, { prefix: 'hv-member' });
    const stranger = await newUser(t, { prefix: 'hv-stranger' });
    const org = await newOrganization(t, owner);
    await addMember(t, org.slug, owner, member, 'member');
    routes.set('/tiny', send('application/json', JSON.stringify([{ id: 't', title: 'Tiny' }])));
    const s = await source(org.slug, 'udata', '/tiny');
    await harvest(s.id);
    expect((await api('GET', `/organizations/${org.slug}/harvest-sources`, member)).statusCode).toBe(200);
    expect((await api('GET', `/harvest-sources/${s.id}/runs`, member)).json().items).toHaveLength(1);
    expect((await api('POST', `/harvest-sources/${s.id}/runs`, member)).statusCode).toBe(403);
    expect(
      (
        await api('POST', `/organizations/${org.slug}/harvest-sources`, member, {
          name: 'x',
          kind: 'udata',
          url: `${origin}/tiny`,
        })
      ).statusCode,
    ).toBe(403);
    expect((await api('GET', `/organizations/${org.slug}/harvest-sources`, stranger)).statusCode).toBe(403);
    expect((await api('GET', `/harvest-sources/${s.id}/runs`, stranger)).statusCode).toBe(403);
    expect((await api('GET', `/organizations/${org.slug}/harvest-sources`)).statusCode).toBe(401);
    expect((await api('DELETE', `/harvest-sources/${s.id}`, stranger)).statusCode).toBe(403);
    expect((await api('DELETE', `/harvest-sources/${s.id}`, owner)).statusCode).toBe(204);
  });
});

describe('writing a run in batches, and the mass-withdrawal guard', () => {
  const listing = (n: number, from = 0) =>
    JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: `w${from + i}`, title: `Withdrawable ${from + i}` })));

  it('a source that suddenly lists nothing withdraws nothing until the organization confirms', async () => {
    const member = await newUser(t, { prefix: 'hv-guard-member' });
    const org = await newOrganization(t, owner);
    await addMember(t, org.slug, owner, member, 'member');
    let body = listing(12);
    routes.set('/guarded', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    const s = await source(org.slug, 'udata', '/guarded');
    expect(await harvest(s.id)).toMatchObject({ status: 'succeeded', created: 12 });

    // 12 of 12 gone (more than half, more than 10): held back, reported.
    body = '[]';
    const empty = await harvest(s.id);
    expect(empty).toMatchObject({ status: 'succeeded', withdrawn: 0 });
    expect(empty.report.heldWithdrawals).toBe(12);
    expect(empty.report.skipped.join(' ')).toMatch(/no longer lists 12 of its 12 datasets/);
    expect(await datasetsOf(org.slug)).toHaveLength(12);

    // Only managers confirm; a plain member may not.
    expect((await api('POST', `/harvest-runs/${empty.id}/withdrawals`, member)).statusCode).toBe(403);
    const confirmed = await api('POST', `/harvest-runs/${empty.id}/withdrawals`, owner);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ withdrawn: 12, report: { heldWithdrawals: 0 } });
    expect(await datasetsOf(org.slug)).toEqual([]);
    // The source's records say so, for its members too.
    const records = await api('GET', `/harvest-sources/${s.id}/records?_limit=5`, member);
    expect(records.statusCode, records.body).toBe(200);
    expect(records.json()).toMatchObject({ total: 12 });
    expect(records.json().items).toHaveLength(5);
    expect(records.json().items[0]).toMatchObject({ state: 'withdrawn', dataset: { status: 'archived' } });
    expect((await api('GET', `/harvest-sources/${s.id}/records`)).statusCode).toBe(401);
    // Confirmed once: nothing left to confirm.
    expect((await api('POST', `/harvest-runs/${empty.id}/withdrawals`, owner)).statusCode).toBe(409);
    expect((await api('POST', `/harvest-runs/hvr_nope/withdrawals`, owner)).statusCode).toBe(404);
  });

  it('a held run cannot be confirmed once a later run exists; a small withdrawal is not held', async () => {
    const org = await newOrganization(t, owner);
    let body = listing(14);
    routes.set('/guarded-2', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    const s = await source(org.slug, 'udata', '/guarded-2');
    await harvest(s.id);
    body = listing(2);
    const held = await harvest(s.id);
    expect(held).toMatchObject({ withdrawn: 0, unchanged: 2, report: { heldWithdrawals: 12 } });
    // The source is fixed; the next run sees everything again and the held run is stale.
    body = listing(14);
    expect(await harvest(s.id)).toMatchObject({ unchanged: 14, withdrawn: 0, report: { heldWithdrawals: 0 } });
    expect((await api('POST', `/harvest-runs/${held.id}/withdrawals`, owner)).statusCode).toBe(409);
    expect(await datasetsOf(org.slug)).toHaveLength(14);
    // 4 of 14 gone: under half, withdrawn at once.
    body = listing(10);
    expect(await harvest(s.id)).toMatchObject({ withdrawn: 4, report: { heldWithdrawals: 0 } });
    expect(await datasetsOf(org.slug)).toHaveLength(10);
  });

  it('a database error mid-run keeps the batches written, withdraws nothing, and the next run finishes', async () => {
    const org = await newOrganization(t, owner);
    let body = listing(3, 100);
    routes.set('/mid-run', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    const s = await source(org.slug, 'udata', '/mid-run');
    expect(await harvest(s.id)).toMatchObject({ created: 3 });

    // A second harvest service over the same database whose writer fails at its 5th creation (batches of 2): the
    // first two batches (4 records) commit, the third rolls back.
    let creations = 0;
    const failing: HarvestedWriter = {
      ...t.data.harvested,
      async create(trx, organization, dataset, fallback) {
        if (++creations === 5) throw new Error('disk full (simulated)');
        return t.data.harvested.create(trx, organization, dataset, fallback);
      },
    };
    const outbound = createOutbound({ allowPrivate: false, exempt: [new URL(origin).host] });
    const service = createHarvestService({
      db: t.db.kysely,
      store: createHarvestStore(),
      events: createEventRecorder({ store: createEventStore(t.db.dialect), clock: systemClock, validate: true }),
      clock: systemClock,
      access: t.platform.access,
      writer: failing,
      datasets: t.data.lookup,
      fetchPublic: (url) => outbound.fetchPublic(url),
      assertPublicUrl: (url) => outbound.assertPublicUrl(url),
      secrets: createSecretBox('x'.repeat(32), 'test'),
      limits: { writeBatch: 2 },
    });
    body = listing(6, 0); // the 3 earlier records are gone, 6 new ones
    const queued = (await api('POST', `/harvest-sources/${s.id}/runs`, owner)).json() as RunView;
    await service.drain();
    await outbound.close();
    const failed = (await api('GET', `/harvest-runs/${queued.id}`, owner)).json() as RunView;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/after writing 4 of 6 records.*disk full/);
    expect(failed).toMatchObject({ created: 4, withdrawn: 0 });
    const titles = (await datasetsOf(org.slug)).map((d) => d.title);
    // Batches 1 and 2 stay, batch 3 rolled back whole, and the 3 earlier datasets were not withdrawn.
    expect(titles.filter((x) => /Withdrawable [0-5]$/.test(x)).sort()).toEqual(
      ['Withdrawable 0', 'Withdrawable 1', 'Withdrawable 2', 'Withdrawable 3'].sort(),
    );
    expect(titles.filter((x) => /Withdrawable 10[0-2]$/.test(x))).toHaveLength(3);

    // The regular service carries on: the last two are created, the three gone ones withdrawn (3 of 7 active).
    expect(await harvest(s.id)).toMatchObject({ status: 'succeeded', created: 2, unchanged: 4, withdrawn: 3 });
    expect((await datasetsOf(org.slug)).map((d) => d.title).sort()).toEqual(
      Array.from({ length: 6 }, (_, i) => `Withdrawable ${i}`).sort(),
    );
  });
});

describe('mirroring a harvested file on demand', () => {
  it('imports a harvested CSV into a queryable table; private addresses are refused, at once or by redirect', async () => {
    const member = await newUser(t, { prefix: 'hv-mirror-member' });
    const org = await newOrganization(t, owner);
    await addMember(t, org.slug, owner, member, 'member');
    routes.set('/files/trees.csv', send('text/csv', 'species,height\nOak,12\nBirch,8\n'));
    // No extension: the format the source declared names the file.
    routes.set('/files/download', send('application/octet-stream', 'code,label\n1,un\n2,deux\n3,trois\n'));
    routes.set('/files/to-private', (_req, res) =>
      res.writeHead(302, { location: 'http://127.0.0.2:8080/x.csv' }).end(),
    );
    const resources = [
      { url: `${origin}/files/trees.csv`, title: 'Trees', format: 'csv' },
      { url: `${origin}/files/download?id=3`, title: 'Codes', format: 'CSV' },
      { url: 'http://127.0.0.2:8080/secret.csv', title: 'Private', format: 'csv' },
      { url: `${origin}/files/to-private`, title: 'Redirected', format: 'csv' },
    ];
    routes.set(
      '/mirror-source',
      send('application/json', JSON.stringify([{ id: 'trees', title: 'Trees', resources }])),
    );
    const s = await source(org.slug, 'udata', '/mirror-source');
    expect(await harvest(s.id)).toMatchObject({ status: 'succeeded', created: 1 });
    const slug = (await datasetsOf(org.slug))[0]!.slug;
    const byTitle = async (title: string) =>
      (await t.data.datasets.get(anonymous, slug)).resources.find((r) => r.title === title)!;
    const mirror = (id: string, by: TestUser = owner) => api('POST', `/datasets/${slug}/resources/${id}/mirror`, by);
    const rows = async (id: string) => {
      const res = await api('GET', `/datasets/${slug}/resources/${id}/rows`);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { rows: Record<string, unknown>[] }).rows.map(({ _id, ...r }) => r);
    };

    const trees = await byTitle('Trees');
    expect(trees.tabular).toBe(false);
    expect((await mirror(trees.id, member)).statusCode).toBe(403);
    const done = await mirror(trees.id);
    expect(done.statusCode, done.body).toBe(202);
    expect(done.json().jobId).toMatch(/^job_/);
    await t.data.runner.drain();
    expect(await rows(trees.id)).toEqual([
      { species: 'Oak', height: 12 },
      { species: 'Birch', height: 8 },
    ]);
    const codes = await byTitle('Codes');
    expect((await mirror(codes.id)).statusCode).toBe(202);
    await t.data.runner.drain();
    expect(await rows(codes.id)).toHaveLength(3);

    for (const title of ['Private', 'Redirected']) {
      const r = await byTitle(title);
      const refused = await mirror(r.id);
      expect(refused.statusCode, title).toBe(400);
      expect(refused.json().detail, title).toMatch(/refused|not allowed|private/i);
      expect((await byTitle(title)).currentVersion, title).toBeNull();
    }

    // The next harvest matches the mirrored resource by its link and keeps its table.
    expect(await harvest(s.id)).toMatchObject({ status: 'succeeded', unchanged: 1 });
    expect(await rows(trees.id)).toHaveLength(2);
  });

  it('only harvested datasets, only links, and 404 for what does not exist', async () => {
    const org = await newOrganization(t, owner);
    const own = await newDataset(t, owner, { organization: org.slug, title: 'Not harvested' });
    const link = await api('POST', `/datasets/${own.slug}/resources`, owner, {
      title: 'A page',
      url: `${origin}/page.html`,
    });
    expect(link.statusCode, link.body).toBe(201);
    const id = (link.json() as { resource: { id: string } }).resource.id;
    expect((await api('POST', `/datasets/${own.slug}/resources/${id}/mirror`, owner)).statusCode).toBe(409);
    expect((await api('POST', `/datasets/${own.slug}/resources/res_nope/mirror`, owner)).statusCode).toBe(404);
    expect((await api('POST', `/datasets/no-such-dataset/resources/${id}/mirror`, owner)).statusCode).toBe(404);
    expect((await api('POST', `/datasets/${own.slug}/resources/${id}/mirror`)).statusCode).toBe(401);
  });
});
