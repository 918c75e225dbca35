import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import { newApp, newOrganization, newUser } from '../../testing/fixtures.js';
import { countsFromRawEvents } from '../../testing/capture.js';
import type { CaptureSender } from './service.js';

// Group commit and the per-dimension daily rollups, through the service (the HTTP route is covered by capture.test).
let t: TestApp;
let sender: CaptureSender;
let nowMs = Date.parse('2026-04-02T10:00:00Z');
const DAY = 86_400_000;
const visitorA = { ip: '198.51.100.1', userAgent: 'UA-A', acceptLanguage: 'fr-FR' };
const visitorB = { ip: '198.51.100.2', userAgent: 'UA-B', acceptLanguage: 'de-DE' };
const page = (path: string, extra: Record<string, unknown> = {}) => ({
  name: 'pageview',
  properties: { url: `https://shop.example.org${path}`, referrer: 'https://search.example/?q=1', ...extra },
});

beforeAll(async () => {
  t = await createTestApp({ clock: { now: () => new Date(nowMs) } });
  const owner = await newUser(t, { prefix: 'cap-roll' });
  const org = await newOrganization(t, owner);
  const made = await newApp(t, owner, { organization: org.slug, scopes: ['apps:read'] });
  sender = await t.capture.service.senderOfApp(made.app.id);
});
afterAll(async () => t?.cleanup());

describe('capture rollups', () => {
  it('answers every batch of a group commit, a batch sent twice at once counted once', async () => {
    const twice = { batch: randomUUID(), events: [page('/g1'), page('/g2')] };
    const uuid = randomUUID();
    const answers = await Promise.all([
      t.capture.service.ingest(sender, twice, visitorA),
      t.capture.service.ingest(sender, twice, visitorA),
      t.capture.service.ingest(sender, { batch: randomUUID(), events: [{ uuid, name: 'dup' }] }, visitorA),
      t.capture.service.ingest(sender, { batch: randomUUID(), events: [{ uuid, name: 'dup' }] }, visitorB),
      t.capture.service.ingest(sender, { batch: randomUUID(), events: [page('/g1')] }, visitorB),
    ]);
    // Either of the two identical batches may commit first; the other is answered as its replay.
    const [original, replay] = answers[0]!.replayed ? [answers[1]!, answers[0]!] : [answers[0]!, answers[1]!];
    expect([original.replayed, replay.replayed]).toEqual([false, true]);
    expect(answers.slice(2).map((a) => a.replayed)).toEqual([false, false, false]);
    expect(replay).toEqual({ ...original, replayed: true });
    expect(original.accepted).toBe(2);
    // The same event uuid in two batches of the same transaction: stored once.
    expect(answers[2]!.accepted + answers[3]!.accepted).toBe(1);
    expect(answers[2]!.duplicates + answers[3]!.duplicates).toBe(1);
    const stored = await t.db.kysely
      .selectFrom('captureEvents')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('appId', '=', sender.appId)
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(4);
  });

  it('keeps per-dimension daily rollups equal to the raw events, visitors counted once per day', async () => {
    // A second batch of visitor A on /g1 the same day adds an event but no visitor; the next day, A is new again.
    await t.capture.service.ingest(sender, { batch: randomUUID(), events: [page('/g1'), page('/g1')] }, visitorA);
    nowMs += DAY;
    await t.capture.service.ingest(sender, { batch: randomUUID(), events: [page('/g1')] }, visitorA);

    const raw = await t.db.kysely.selectFrom('captureEvents').selectAll().where('appId', '=', sender.appId).execute();
    const expected = countsFromRawEvents(raw, (ts) => Math.floor(ts / DAY) * DAY);
    const rollups = await t.db.kysely
      .selectFrom('captureDimRollups')
      .selectAll()
      .where('scope', '=', `app:${sender.appId}`)
      .execute();
    const actual = Object.fromEntries(
      rollups.map((r) => [`${r.dim}|${Number(r.day)}|${r.value}`, [Number(r.events), Number(r.visitors)]]),
    );
    expect(actual).toEqual(expected);
    const g1 = rollups.filter((r) => r.dim === 'path' && r.value === '/g1');
    expect(g1.map((r) => [Number(r.events), Number(r.visitors)])).toEqual(
      expect.arrayContaining([
        [4, 2],
        [1, 1],
      ]),
    );
    // The organization's scope holds the same counts.
    const org = await t.db.kysely
      .selectFrom('captureDimRollups')
      .select((eb) => eb.fn.sum<number | string>('events').as('n'))
      .where('scope', '=', `org:${sender.organizationId}`)
      .where('dim', '=', '*')
      .executeTakeFirstOrThrow();
    expect(Number(org.n)).toBe(raw.length);
  });

  it('serves a 30-day dashboard from the rollups, in whole days', async () => {
    // Raw events gone (retention), rollups stay: the numbers still come back, so they come from the rollups.
    const before = await t.capture.dashboards.stats({ appId: sender.appId }, {});
    await t.db.kysely.deleteFrom('captureEvents').where('appId', '=', sender.appId).execute();
    const after = await t.capture.dashboards.stats({ appId: sender.appId }, {});
    expect(after).toEqual(before);
    expect(after.from.endsWith('T00:00:00.000Z')).toBe(true);
    expect(after.to).toBe('2026-04-04T00:00:00.000Z');
    expect(after.totals).toEqual({ events: 7, visitors: 3 });
    expect(after.pages[0]).toEqual({ value: '/g1', count: 5, visitors: 3 });
    // Visitor A (fr-FR) on both days, B (de-DE) on the first; which of them stored the shared uuid may vary.
    const fr = after.countries.find((c) => c.value === 'FR')!;
    const de = after.countries.find((c) => c.value === 'DE')!;
    expect([fr.visitors, de.visitors, fr.count + de.count]).toEqual([2, 1, 7]);
    // Under two days, not on day boundaries: the hourly rollups (the raw events are gone), the 10:00 event of day 2.
    const short = await t.capture.dashboards.stats(
      { appId: sender.appId },
      { from: '2026-04-03T01:00:00Z', to: '2026-04-03T20:00:00Z' },
    );
    expect(short.totals).toEqual({ events: 1, visitors: 1 });
    expect(short.from).toBe('2026-04-03T01:00:00.000Z');
  });

  it('forgets the visitors counted once their day can no longer receive events', async () => {
    const days = async () =>
      (await t.db.kysely.selectFrom('captureDimVisitors').select('day').distinct().execute()).map((r) => Number(r.day));
    expect((await days()).length).toBeGreaterThan(0);
    nowMs += 9 * DAY;
    await t.capture.service.maintain();
    expect(await days()).toEqual([]);
    // The rollups themselves stay.
    expect(
      Number(
        (
          await t.db.kysely
            .selectFrom('captureDimRollups')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBeGreaterThan(0);
  });
});
