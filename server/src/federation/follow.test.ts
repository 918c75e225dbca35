/**
 * Two Multitude instances in one process, each on a real local port: B harvests A's paged DCAT catalog, then
 * follows A (source kind `multitude`: A's CKAN-compatible API) and is told of A's changes by A's webhooks (a
 * subscription made on A's developer platform; B verifies the Standard Webhooks signature) instead of polling.
 * B's outbound guard refuses every local address but A's exact address:port.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/harness.js';
import { apiClient, newDataset, newOrganization, newUser, type TestUser } from '../testing/fixtures.js';
import { anonymous } from '../kernel/actor.js';
import type { RunView } from './index.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let a: TestApp;
let b: TestApp;
let aUrl = '';
let bUrl = '';
let alice: TestUser; // publishes on A
let bob: TestUser; // harvests into B
let aOrg: { slug: string };
let bOrg: { slug: string };

beforeAll(async () => {
  const [aPort, bPort] = [await freePort(), await freePort()];
  aUrl = `http://127.0.0.1:${aPort}`;
  bUrl = `http://127.0.0.1:${bPort}`;
  // A delivers its webhooks to B on this machine: A allows local addresses (its own test setting only).
  a = await createTestApp({ config: { baseUrl: aUrl, allowPrivateUrls: true } });
  b = await createTestApp({
    config: { baseUrl: bUrl, allowPrivateUrls: false },
    outboundExempt: [`127.0.0.1:${aPort}`],
  });
  await a.app.listen({ port: aPort, host: '127.0.0.1' });
  await b.app.listen({ port: bPort, host: '127.0.0.1' });
  alice = await newUser(a, { prefix: 'fed-alice' });
  bob = await newUser(b, { prefix: 'fed-bob' });
  aOrg = await newOrganization(a, alice, { name: `Région A ${process.pid}` });
  bOrg = await newOrganization(b, bob, { name: `Portail B ${process.pid}` });
  for (const title of ['Qualité de l’air', 'Pistes cyclables', 'Écoles publiques'])
    await newDataset(a, alice, { organization: aOrg.slug, title, keywords: ['région'] });
});
afterAll(async () => {
  await b?.cleanup();
  await a?.cleanup();
});

const titlesIn = async (t: TestApp, org: string) =>
  (await t.data.datasets.search(anonymous, { organization: org, _limit: 100, _sort: 'title' })).items.map(
    (d) => d.title,
  );

async function runOnB(sourceId: string): Promise<RunView> {
  const api = apiClient(b);
  const queued = await api('POST', `/harvest-sources/${sourceId}/runs`, bob);
  expect(queued.statusCode, queued.body).toBe(202);
  await b.federation.harvest.drain();
  return (await api('GET', `/harvest-runs/${(queued.json() as RunView).id}`, bob)).json() as RunView;
}

/**
 * Delivers A's webhooks until B's source has `count` runs. On PostgreSQL, A's dispatcher reads only events older
 * than every transaction in flight on the server (other test files' too), so one drain may not see them yet.
 */
async function webhookRuns(sourceId: string, count: number): Promise<RunView[]> {
  let runs: RunView[] = [];
  await expect
    .poll(
      async () => {
        await a.dispatcher.drain();
        await a.apps.webhooks.worker.drain();
        runs = (await apiClient(b)('GET', `/harvest-sources/${sourceId}/runs`, bob)).json().items as RunView[];
        return runs.length;
      },
      { timeout: 20_000, interval: 200 },
    )
    .toBe(count);
  return runs;
}

describe('between Multitude instances', () => {
  it('A’s paged DCAT-AP catalog links its pages with Hydra, and B harvests it page by page', async () => {
    const page1 = await a.app.inject({
      method: 'GET',
      url: '/catalog/pages/1?pageSize=2',
      headers: { accept: 'text/turtle' },
    });
    expect(page1.statusCode).toBe(200);
    expect(page1.body).toContain('PartialCollectionView');
    expect(page1.body).toContain(`${aUrl}/catalog/pages/2?pageSize=2`);
    expect((await a.app.inject({ method: 'GET', url: '/catalog/pages/3?pageSize=2' })).statusCode).toBe(404);
    expect((await a.app.inject({ method: 'GET', url: '/catalog/pages/0' })).statusCode).toBe(400);
    // The whole catalog and its pages negotiate alike: ?format= or Accept, 406 for what they cannot give.
    for (const url of ['/catalog', '/catalog/pages/1?pageSize=2']) {
      const refused = await a.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect(refused.statusCode, url).toBe(406);
      expect(refused.headers['content-type'], url).toMatch(/problem\+json/);
      const rdf = await a.app.inject({ method: 'GET', url: `${url}${url.includes('?') ? '&' : '?'}format=rdf` });
      expect(rdf.headers['content-type'], url).toMatch(/application\/rdf\+xml/);
      const jsonld = await a.app.inject({ method: 'GET', url, headers: { accept: 'application/ld+json' } });
      expect(jsonld.headers['content-type'], url).toMatch(/application\/ld\+json/);
      expect(jsonld.headers.vary, url).toBe('Accept');
    }

    const api = apiClient(b);
    const created = await api('POST', `/organizations/${bOrg.slug}/harvest-sources`, bob, {
      name: 'Région A (DCAT)',
      kind: 'dcat',
      url: `${aUrl}/catalog/pages/1?pageSize=2`,
    });
    expect(created.statusCode, created.body).toBe(201);
    const run = await runOnB(created.json().id);
    expect(run).toMatchObject({ status: 'succeeded', created: 3, errors: 0 });
    expect(run.report.pages).toBe(2);
    expect(await titlesIn(b, bOrg.slug)).toEqual(['Écoles publiques', 'Pistes cyclables', 'Qualité de l’air'].sort());
    // Clean up: this source's datasets are not the next test's concern.
    expect((await api('DELETE', `/harvest-sources/${created.json().id}`, bob)).statusCode).toBe(204);
  });

  it('B follows A through its CKAN API and harvests again when A’s webhook says something changed', async () => {
    const apiB = apiClient(b);
    const apiA = apiClient(a);
    const other = await newOrganization(b, bob);
    const source = await apiB('POST', `/organizations/${other.slug}/harvest-sources`, bob, {
      name: 'Région A',
      kind: 'multitude',
      url: aUrl,
    });
    expect(source.statusCode, source.body).toBe(201);
    const sourceId = source.json().id as string;
    const first = await runOnB(sourceId);
    expect(first).toMatchObject({ status: 'succeeded', created: 3, trigger: 'manual' });

    // On A's developer platform: a subscription to dataset events, delivered to B's source.
    const sub = await apiA('POST', '/webhooks', alice, {
      url: `${bUrl}/api/v1/harvest-sources/${sourceId}/webhook`,
      events: ['dataset.published', 'dataset.updated', 'dataset.archived'],
    });
    expect(sub.statusCode, sub.body).toBe(201);
    const patched = await apiB('PATCH', `/harvest-sources/${sourceId}`, bob, { webhookSecret: sub.json().secret });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().webhook).toBe(true);

    await newDataset(a, alice, { organization: aOrg.slug, title: 'Parcs et jardins', keywords: ['nature'] });
    const runs = await webhookRuns(sourceId, 2);
    expect(runs[0]).toMatchObject({ trigger: 'webhook' });
    await b.federation.harvest.drain();
    const after = (await apiB('GET', `/harvest-runs/${runs[0]!.id}`, bob)).json() as RunView;
    expect(after).toMatchObject({ status: 'succeeded', created: 1, unchanged: 3 });
    expect(await titlesIn(b, other.slug)).toContain('Parcs et jardins');

    // A renamed and an archived dataset at A reach B the same way: updated in place, withdrawn.
    const apiA2 = apiClient(a);
    const onA = (await a.data.datasets.search(anonymous, { organization: aOrg.slug, _limit: 100 })).items;
    const air = onA.find((d) => d.title === 'Qualité de l’air');
    const schools = onA.find((d) => d.title === 'Écoles publiques');
    expect((await apiA2('PATCH', `/datasets/${air!.slug}`, alice, { title: 'Qualité de l’air 2026' })).statusCode).toBe(
      200,
    );
    expect((await apiA2('PATCH', `/datasets/${schools!.slug}`, alice, { status: 'archived' })).statusCode).toBe(200);
    // Two deliveries: B coalesces them into one queued run, or queues a second when the first already started.
    let followed: string[] = [];
    await expect
      .poll(
        async () => {
          await a.dispatcher.drain();
          await a.apps.webhooks.worker.drain();
          await b.federation.harvest.drain();
          followed = await titlesIn(b, other.slug);
          return followed.includes('Qualité de l’air 2026') && !followed.includes('Écoles publiques');
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe(true);
    const allRuns = (await apiB('GET', `/harvest-sources/${sourceId}/runs`, bob)).json().items as RunView[];
    const changeRuns = allRuns.slice(0, allRuns.length - 2);
    expect(changeRuns.length).toBeGreaterThanOrEqual(1);
    expect(changeRuns.length).toBeLessThanOrEqual(2);
    for (const run of changeRuns) expect(run).toMatchObject({ trigger: 'webhook', status: 'succeeded' });
    expect(changeRuns.reduce((sum, run) => sum + run.updated, 0)).toBe(1);
    expect(changeRuns.reduce((sum, run) => sum + run.withdrawn, 0)).toBe(1);

    // A delivery B cannot verify queues nothing.
    const forged = await b.app.inject({
      method: 'POST',
      url: `/api/v1/harvest-sources/${sourceId}/webhook`,
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_forged',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,bm90IGEgc2lnbmF0dXJl',
      },
      payload: JSON.stringify({ type: 'dataset.published' }),
    });
    expect(forged.statusCode).toBe(401);
    expect(((await apiB('GET', `/harvest-sources/${sourceId}/runs`, bob)).json().items as RunView[]).length).toBe(
      allRuns.length,
    );
  });
});
