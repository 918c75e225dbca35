import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { newApp, newDataset, newOrganization, newUser, type TestUser } from '../../testing/fixtures.js';
import { asSession } from '../../testing/harness.js';
import { visitorHash } from './visitor.js';

let t: TestApp;
let owner: TestUser;
let org: { id: string; slug: string };
let appId: string;
let publicKey: string;
let serverKey: string;
// A movable clock: the daily job is tested by moving a day on.
let nowMs = Date.parse('2026-03-10T12:00:00Z');
const ORIGIN = 'https://shop.example.org';

const send = (payload: object, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/capture',
    headers: { 'user-agent': 'Mozilla/5.0 test', origin: ORIGIN, 'accept-language': 'fr-BE,fr;q=0.9', ...headers },
    payload,
  });
const rows = () =>
  t.db.kysely.selectFrom('captureEvents').selectAll().where('appId', '=', appId).orderBy('ts').execute();
const rollup = async (name: string, grain = 'day') =>
  Number(
    (
      await t.db.kysely
        .selectFrom('captureRollups')
        .select('count')
        .where('scope', '=', `app:${appId}`)
        .where('grain', '=', grain as 'day')
        .where('name', '=', name)
        .execute()
    ).reduce((a, r) => a + Number(r.count), 0),
  );

beforeAll(async () => {
  t = await createTestApp({ clock: { now: () => new Date(nowMs) } });
  owner = await newUser(t, { prefix: 'cap-owner' });
  org = await newOrganization(t, owner);
  const made = await newApp(t, owner, { organization: org.slug, scopes: ['apps:read'] });
  appId = made.app.id;
  serverKey = made.key!.key;
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/apps/${appId}/capture-keys`,
    headers: asSession(owner),
    payload: { name: 'web', origins: [ORIGIN] },
  });
  expect(res.statusCode, res.body).toBe(201);
  publicKey = res.json().key;
  expect(publicKey).toMatch(/^mtc_/);
});
afterAll(async () => t?.cleanup());

describe('capture', () => {
  it('stores a batch cookieless: a daily hash, no address, the country from Accept-Language', async () => {
    const res = await send({
      batch: randomUUID(),
      key: publicKey,
      events: [
        {
          name: 'pageview',
          properties: { url: 'https://shop.example.org/a?x=1', referrer: 'https://search.example/?q=secret' },
        },
        { name: 'pageview', distinctId: 'user-42', properties: { url: '/b' } },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 2, duplicates: 0, replayed: false, rejected: [], flagged: [] });
    const stored = await rows();
    expect(stored).toHaveLength(2);
    // Without consent the distinct id is not kept: both events carry the same daily hash.
    expect(stored[0]!.visitor).toBe(stored[1]!.visitor);
    expect(stored[0]!.visitor).not.toContain('user-42');
    expect(stored.map((r) => r.identified)).toEqual([0, 0]);
    expect(stored.map((r) => r.path).sort()).toEqual(['/a', '/b']);
    expect(stored.find((r) => r.path === '/a')!.referrer).toBe('search.example');
    expect(stored[0]!.country).toBe('BE');
    expect(JSON.stringify(stored)).not.toContain('127.0.0.1');
    expect(JSON.stringify(stored)).not.toContain('secret');
    // Another user agent is another visitor.
    await send({ batch: randomUUID(), key: publicKey, events: [{ name: 'pageview' }] }, { 'user-agent': 'Other/1.0' });
    expect(new Set((await rows()).map((r) => r.visitor)).size).toBe(2);
  });

  it('gives the same daily id to every batch of a visitor: the keyed hash of the day’s salt, site, address, agent', async () => {
    const agents = ['Mozilla/5.0 test', 'Other/1.0', 'Mozilla/5.0 test'];
    for (const [i, ua] of agents.entries())
      expect(
        (await send({ batch: randomUUID(), key: publicKey, events: [{ name: `daily-${i}` }] }, { 'user-agent': ua }))
          .statusCode,
      ).toBe(200);
    const stored = await rows();
    const fresh = agents.map((_, i) => stored.find((r) => r.name === `daily-${i}`)!);
    const { salt } = await t.db.kysely
      .selectFrom('captureSalts')
      .select('salt')
      .where('day', '=', '2026-03-10')
      .executeTakeFirstOrThrow();
    // inject's client address is 127.0.0.1.
    expect(fresh.map((r) => r.visitor)).toEqual([
      visitorHash(salt, appId, '127.0.0.1', 'Mozilla/5.0 test'),
      visitorHash(salt, appId, '127.0.0.1', 'Other/1.0'),
      visitorHash(salt, appId, '127.0.0.1', 'Mozilla/5.0 test'),
    ]);
  });

  it('keeps a stable id with consent, or from a server key', async () => {
    await send({
      batch: randomUUID(),
      key: publicKey,
      events: [{ name: 'signup', distinctId: 'user-7', properties: { consent: true } }],
    });
    const server = await t.app.inject({
      method: 'POST',
      url: '/api/v1/capture',
      headers: { authorization: `Bearer ${serverKey}` },
      payload: {
        batch: randomUUID(),
        events: [{ name: 'purchase', distinctId: 'user-7', properties: { amount: 12.5 } }],
      },
    });
    expect(server.statusCode, server.body).toBe(200);
    const stable = (await rows()).filter((r) => r.visitor === 'user-7');
    expect(stable.map((r) => r.name).sort()).toEqual(['purchase', 'signup']);
    expect(stable.every((r) => r.identified === 1)).toBe(true);
  });

  it('never counts a retried batch or a resent event twice', async () => {
    const batch = randomUUID();
    const uuid = randomUUID();
    const payload = { batch, key: publicKey, events: [{ uuid, name: 'retry' }, { name: 'retry' }] };
    const first = await send(payload);
    expect(first.json()).toMatchObject({ accepted: 2, replayed: false });
    const again = await send(payload);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ accepted: 2, replayed: true });
    // The same event in another batch: a duplicate.
    const other = await send({ batch: randomUUID(), key: publicKey, events: [{ uuid, name: 'retry' }] });
    expect(other.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    expect((await rows()).filter((r) => r.name === 'retry')).toHaveLength(2);
    expect(await rollup('retry')).toBe(2);
    expect(await rollup('retry', 'minute')).toBe(2);
  });

  it('answers a retried batch of events without uuid with its first answer, counting nothing', async () => {
    const payload = {
      batch: randomUUID(),
      key: publicKey,
      events: [{ name: 'no-uuid' }, { name: 'no-uuid', properties: { s: 'x'.repeat(8 * 1024 + 1) } }],
    };
    const first = await send(payload);
    expect(first.json()).toEqual({
      batch: payload.batch,
      accepted: 1,
      duplicates: 0,
      replayed: false,
      rejected: [{ index: 1, reasons: ['a string is longer than 8192 bytes'] }],
      flagged: [],
    });
    const again = await send(payload);
    expect(again.json()).toEqual({ ...first.json(), replayed: true });
    expect((await rows()).filter((r) => r.name === 'no-uuid')).toHaveLength(1);
  });

  it('refuses property bombs one by one and clamps times outside the window', async () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 6; i++) deep = { d: deep };
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]));
    const res = await send({
      batch: randomUUID(),
      key: publicKey,
      events: [
        { name: 'ok' },
        { name: 'deep', properties: deep },
        { name: 'wide', properties: many },
        { name: 'long', properties: { s: 'x'.repeat(8 * 1024 + 1) } },
        { name: 'future', time: new Date(nowMs + 86_400_000).toISOString() },
        { name: 'ancient', time: '2001-01-01T00:00:00Z' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.accepted).toBe(3);
    expect(body.rejected).toEqual([
      { index: 1, reasons: ['properties nest deeper than 5 levels'] },
      { index: 2, reasons: ['properties have more than 100 keys'] },
      { index: 3, reasons: ['a string is longer than 8192 bytes'] },
    ]);
    expect(body.flagged).toEqual([
      { index: 4, flags: ['clamped_future'] },
      { index: 5, flags: ['clamped_past'] },
    ]);
    const clamped = (await rows()).filter((r) => r.name === 'future' || r.name === 'ancient');
    expect(clamped.map((r) => Number(r.ts))).toEqual([nowMs, nowMs]);
  });

  it('answers problems for what it refuses', async () => {
    const big = await send({
      batch: randomUUID(),
      key: publicKey,
      events: Array.from({ length: 1001 }, () => ({ name: 'x' })),
    });
    expect(big.statusCode).toBe(413);
    expect(big.headers['content-type']).toContain('application/problem+json');
    expect((await send({ batch: randomUUID(), key: 'mtc_nope', events: [] })).statusCode).toBe(401);
    expect((await send({ batch: randomUUID(), events: [{ name: 'x' }] })).statusCode).toBe(401);
    const elsewhere = await send(
      { batch: randomUUID(), key: publicKey, events: [{ name: 'x' }] },
      { origin: 'https://evil.example' },
    );
    expect(elsewhere.statusCode).toBe(403);
    expect((await send({ batch: 'not-a-uuid', key: publicKey, events: [] })).statusCode).toBe(400);
    expect((await send({ batch: randomUUID(), key: publicKey, events: [{ name: '' }] })).statusCode).toBe(400);
    // A stranger cannot make keys for someone's app.
    const stranger = await newUser(t, { prefix: 'cap-stranger' });
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/apps/${appId}/capture-keys`,
      headers: asSession(stranger),
      payload: { name: 'x', origins: [] },
    });
    expect(res.statusCode).toBe(404);
    // The preflight of a browser is answered for the capture route.
    const pre = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/capture',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(pre.headers['access-control-allow-origin']).toBe(ORIGIN);
  });

  it('takes the platform’s footprint from the event spine, once', async () => {
    const ds = await newDataset(t, owner, { organization: org.slug });
    await t.data.datasets.get(owner.actor, ds.slug);
    await t.data.datasets.get(owner.actor, ds.slug);
    // On PostgreSQL the outbox is read up to the oldest running transaction of the whole server (other suites' too):
    // drain until the two views are past that horizon.
    const viewsOf = async () => {
      await t.dispatcher.drain();
      return t.db.kysely
        .selectFrom('captureEvents')
        .selectAll()
        .where('source', '=', 'platform')
        .where('datasetId', '=', ds.id)
        .execute();
    };
    await expect.poll(async () => (await viewsOf()).length, { timeout: 20_000, interval: 200 }).toBe(2);
    const views = await viewsOf();
    expect(views.map((v) => v.name)).toEqual(['dataset_viewed', 'dataset_viewed']);
    expect(views[0]!.organizationId).toBe(org.id);
    const stats = await t.app.inject({
      method: 'GET',
      url: `/api/v1/capture/stats?dataset=${ds.slug}`,
      headers: asSession(owner),
    });
    expect(stats.statusCode, stats.body).toBe(200);
    expect(stats.json().totals.events).toBe(2);
  });

  it('serves dashboards, funnels, cohorts, CSV and open statistics', async () => {
    const stats = await t.app.inject({
      method: 'GET',
      url: `/api/v1/capture/stats?app=${appId}&grain=hour&from=2026-03-10T00:00:00Z&to=2026-03-11T00:00:00Z`,
      headers: asSession(owner),
    });
    expect(stats.statusCode, stats.body).toBe(200);
    const s = stats.json();
    expect(s.series).toHaveLength(24);
    expect(s.series.reduce((a: number, p: { count: number }) => a + p.count, 0)).toBe(s.totals.events);
    expect(s.series[12].count).toBe(s.totals.events);
    expect(s.pages).toEqual(expect.arrayContaining([{ value: '/a', count: 1, visitors: 1 }]));
    expect(s.countries[0].value).toBe('BE');
    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/v1/capture/stats?app=${appId}&format=csv`,
      headers: asSession(owner),
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')[0]).toBe('chart,key,count,visitors');
    expect(csv.body).toContain('pages,/a,1,1');

    const funnel = await t.app.inject({
      method: 'POST',
      url: `/api/v1/capture/funnel?app=${appId}`,
      headers: asSession(owner),
      payload: { steps: ['signup', 'purchase'], windowSeconds: 3600 },
    });
    expect(funnel.statusCode, funnel.body).toBe(200);
    expect(funnel.json().steps).toEqual([
      { name: 'signup', visitors: 1, share: 1 },
      { name: 'purchase', visitors: 1, share: 1 },
    ]);
    const retention = await t.app.inject({
      method: 'GET',
      url: `/api/v1/capture/retention?app=${appId}`,
      headers: asSession(owner),
    });
    expect(retention.json().cohorts).toEqual([{ week: '2026-03-09', size: 1, retained: [1] }]);

    // Members only, except the open statistics.
    const stranger = await newUser(t, { prefix: 'cap-reader' });
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/capture/stats?organization=${org.slug}`,
          headers: asSession(stranger),
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/capture/stats?app=${appId}`, headers: asSession(stranger) }))
        .statusCode,
    ).toBe(404);
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/capture/stats?app=${appId}&organization=${org.slug}`,
          headers: asSession(owner),
        })
      ).statusCode,
    ).toBe(400);
    const open = await t.app.inject({ method: 'GET', url: `/api/v1/organizations/${org.slug}/open-statistics` });
    expect(open.statusCode, open.body).toBe(200);
    expect(open.json().totals.events).toBeGreaterThan(0);
    // Pages seen by fewer than 3 visitors are not published.
    expect(open.json().pages).toEqual([]);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/organizations/nope-nope/open-statistics' })).statusCode,
    ).toBe(404);
  });

  it('stops a revoked capture key, or the key of a deleted app, at once', async () => {
    const other = await newApp(t, owner, { organization: org.slug });
    const keyOf = async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/apps/${other.app.id}/capture-keys`,
        headers: asSession(owner),
        payload: { name: 'web', origins: [ORIGIN] },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string; key: string };
    };
    const capture = (key: string) => send({ batch: randomUUID(), key, events: [{ name: 'x' }] });
    const revoked = await keyOf();
    const kept = await keyOf();
    // Both resolved (and remembered) first.
    expect((await capture(revoked.key)).statusCode).toBe(200);
    expect((await capture(kept.key)).statusCode).toBe(200);
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/apps/${other.app.id}/capture-keys/${revoked.id}`,
      headers: asSession(owner),
    });
    expect(revoke.statusCode, revoke.body).toBe(204);
    expect((await capture(revoked.key)).statusCode).toBe(401);
    expect((await capture(kept.key)).statusCode).toBe(200);
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/apps/${other.app.id}`,
      headers: asSession(owner),
    });
    expect(removed.statusCode, removed.body).toBe(204);
    expect((await capture(kept.key)).statusCode).toBe(401);
  });

  it('destroys the salt of a past day and raw events past the retention', async () => {
    const before = await t.db.kysely.selectFrom('captureSalts').select('day').execute();
    expect(before.map((r) => r.day)).toEqual(['2026-03-10']);
    nowMs += 86_400_000;
    const visitorYesterday = (await rows())[0]!.visitor;
    await send({ batch: randomUUID(), key: publicKey, events: [{ name: 'pageview' }] });
    const today = (await rows()).at(-1)!;
    expect(today.visitor).not.toBe(visitorYesterday);
    const done = await t.capture.service.maintain();
    expect(done.salts).toBe(1);
    expect((await t.db.kysely.selectFrom('captureSalts').select('day').execute()).map((r) => r.day)).toEqual([
      '2026-03-11',
    ]);
    nowMs += 91 * 86_400_000;
    expect((await t.capture.service.maintain()).events).toBeGreaterThan(0);
    expect(await rows()).toHaveLength(0);
    // Day rollups stay for the dashboards.
    expect(await rollup('pageview')).toBeGreaterThan(0);
  });
});
