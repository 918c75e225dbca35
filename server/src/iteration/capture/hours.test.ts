import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { newApp, newOrganization, newUser } from '../../testing/fixtures.js';
import { countsFromRawEvents } from '../../testing/capture.js';
import { rollUpHours } from '../../db/migrations/035_capture_hours.js';
import type { CaptureSender } from './service.js';
import { retentionOf } from './dashboards.js';

// The per-dimension hourly rollups (035): equal to counts over raw events, across a day boundary, and what
// dashboards under two days read.
let t: TestApp;
let sender: CaptureSender;
const nowMs = Date.parse('2026-04-03T02:30:00Z');
const HOUR = 3_600_000;
const visitorA = { ip: '198.51.100.1', userAgent: 'UA-A', acceptLanguage: 'fr-FR' };
const visitorB = { ip: '198.51.100.2', userAgent: 'UA-B', acceptLanguage: 'de-DE' };
const page = (time: string, path: string) => ({
  name: 'pageview',
  time,
  properties: { url: `https://shop.example.org${path}`, referrer: 'https://search.example/?q=1' },
});
const scopeOf = () => `app:${sender.appId}`;

async function hourRows() {
  const rows = await t.db.kysely.selectFrom('captureDimHours').selectAll().where('scope', '=', scopeOf()).execute();
  return Object.fromEntries(
    rows.map((r) => [
      `${r.dim}|${new Date(Number(r.hour)).toISOString()}|${r.value}`,
      [Number(r.events), Number(r.visitors)],
    ]),
  );
}

beforeAll(async () => {
  t = await createTestApp({ clock: { now: () => new Date(nowMs) } });
  const owner = await newUser(t, { prefix: 'cap-hours' });
  const org = await newOrganization(t, owner);
  const made = await newApp(t, owner, { organization: org.slug, scopes: ['apps:read'] });
  sender = await t.capture.service.senderOfApp(made.app.id);
  // Around midnight UTC: 23:10 and 23:50 on the 2nd, 00:20 and 01:05 on the 3rd; A twice in the 23:00 hour.
  await t.capture.service.ingest(
    sender,
    {
      batch: randomUUID(),
      events: [
        page('2026-04-02T23:10:00Z', '/a'),
        page('2026-04-02T23:50:00Z', '/a'),
        page('2026-04-03T00:20:00Z', '/b'),
      ],
    },
    visitorA,
  );
  await t.capture.service.ingest(
    sender,
    {
      batch: randomUUID(),
      events: [
        page('2026-04-02T23:30:00Z', '/a'),
        page('2026-04-03T01:05:00Z', '/a'),
        { name: 'signup', time: '2026-04-03T01:06:00Z' },
      ],
    },
    visitorB,
  );
  // A later batch of A in an hour it was already counted in: one more event, no more visitor.
  await t.capture.service.ingest(
    sender,
    { batch: randomUUID(), events: [page('2026-04-02T23:55:00Z', '/b')] },
    visitorA,
  );
});
afterAll(async () => t?.cleanup());

describe('capture hourly rollups', () => {
  it('equal counts over the raw events per hour, across a day boundary', async () => {
    const raw = await t.db.kysely.selectFrom('captureEvents').selectAll().where('appId', '=', sender.appId).execute();
    expect(raw.length).toBe(7);
    const expected = countsFromRawEvents(raw, (ts) => new Date(Math.floor(ts / HOUR) * HOUR).toISOString());
    const actual = await hourRows();
    expect(actual).toEqual(expected);
    // Spelled out: the 23:00 hour of the 2nd has 4 events from 2 visitors, the 00:00 hour of the 3rd 1 from 1.
    expect(actual['*|2026-04-02T23:00:00.000Z|*']).toEqual([4, 2]);
    expect(actual['*|2026-04-03T00:00:00.000Z|*']).toEqual([1, 1]);
    expect(actual['path|2026-04-02T23:00:00.000Z|/b']).toEqual([1, 1]);
  });

  it('are what the migration computes from raw events (the backfill)', async () => {
    const maintained = await hourRows();
    await t.db.kysely.deleteFrom('captureDimHours').execute();
    await t.db.kysely.deleteFrom('captureDimVisitors').where('dim', 'like', 'h:%').execute();
    await rollUpHours(t.db.kysely, nowMs);
    expect(await hourRows()).toEqual(maintained);
    // The visitors counted are remembered again: a replayed hour does not add visitors.
    await t.capture.service.ingest(
      sender,
      { batch: randomUUID(), events: [page('2026-04-03T00:40:00Z', '/b')] },
      visitorA,
    );
    const after = await hourRows();
    expect(after['path|2026-04-03T00:00:00.000Z|/b']).toEqual([2, 1]);
  });

  it('serve a dashboard under two days, across midnight, without raw events', async () => {
    const q = { from: '2026-04-02T22:15:00Z', to: '2026-04-03T01:30:00Z' };
    const before = await t.capture.dashboards.stats({ appId: sender.appId }, q);
    // Widened to whole hours: 22:00 → 02:00.
    expect([before.from, before.to, before.grain]).toEqual([
      '2026-04-02T22:00:00.000Z',
      '2026-04-03T02:00:00.000Z',
      'hour',
    ]);
    expect(before.totals).toEqual({ events: 8, visitors: 4 });
    expect(before.series.map((p) => p.count)).toEqual([0, 4, 2, 2]);
    expect(before.pages).toEqual([
      { value: '/a', count: 4, visitors: 3 },
      { value: '/b', count: 3, visitors: 2 },
    ]);
    expect(before.events.map((e) => [e.value, e.count])).toEqual([
      ['pageview', 7],
      ['signup', 1],
    ]);
    // Raw events gone: the same answer, so it came from the rollups.
    await t.db.kysely.deleteFrom('captureEvents').where('appId', '=', sender.appId).execute();
    expect(await t.capture.dashboards.stats({ appId: sender.appId }, q)).toEqual(before);
    // One hour of the 3rd only.
    const one = await t.capture.dashboards.stats(
      { appId: sender.appId },
      { from: '2026-04-03T00:00:00Z', to: '2026-04-03T01:00:00Z' },
    );
    expect(one.totals).toEqual({ events: 2, visitors: 1 });
  });

  it('are deleted by the daily job after 90 days', async () => {
    await t.db.kysely
      .insertInto('captureDimHours')
      .values({ scope: scopeOf(), dim: '*', hour: nowMs - 91 * 86_400_000, value: '*', events: 1, visitors: 1 })
      .execute();
    await t.capture.service.maintain();
    const old = await t.db.kysely
      .selectFrom('captureDimHours')
      .select('hour')
      .where('hour', '<', nowMs - 90 * 86_400_000)
      .execute();
    expect(old).toEqual([]);
    expect(Object.keys(await hourRows()).length).toBeGreaterThan(0);
  });
});

describe('capture retention', () => {
  it('groups active days by week in the database, with the cohorts of every active day', async () => {
    // Identified visitors (server key) across the week that starts on Monday 2026-03-30.
    const at = (day: string, who: string) => ({ name: 'visit', time: `${day}T12:00:00Z`, distinctId: who });
    await t.capture.service.ingest(
      sender,
      {
        batch: randomUUID(),
        events: [
          at('2026-03-28', 'u1'),
          at('2026-03-29', 'u1'),
          at('2026-03-30', 'u1'),
          at('2026-04-01', 'u1'),
          at('2026-03-29', 'u2'),
          at('2026-03-31', 'u3'),
          at('2026-04-02', 'u3'),
        ],
      },
      visitorA,
    );
    const raw = await t.db.kysely
      .selectFrom('captureEvents')
      .select(['visitor', 'ts'])
      .where('appId', '=', sender.appId)
      .where('identified', '=', 1)
      .execute();
    const perDay = raw.map((r) => ({ visitor: r.visitor, day: Math.floor(Number(r.ts) / 86_400_000) }));
    const { cohorts } = await t.capture.dashboards.retention(
      { appId: sender.appId },
      { from: '2026-03-20T00:00:00Z', to: '2026-04-03T00:00:00Z' },
    );
    expect(cohorts).toEqual(retentionOf(perDay));
    expect(cohorts).toEqual([
      { week: '2026-03-23', size: 2, retained: [2, 1] },
      { week: '2026-03-30', size: 1, retained: [1] },
    ]);
  });
});
