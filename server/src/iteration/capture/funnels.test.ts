import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testDialect, type TestApp } from '../../testing/harness.js';
import { newApp, newOrganization, newUser } from '../../testing/fixtures.js';
import type { CaptureSender } from './service.js';
import { createDashboards, funnelOf, retentionOf, type Dashboards } from './dashboards.js';
import { visitorWeeksOf } from './rollups.js';

// Funnels read only the events of visitors who can pass the first step (store.funnelInput), or the columnar copy
// (SQLite: columnar.ts, ASOF joins in DuckDB), and retention cohorts are counted in the database (store.cohorts):
// their answers must be those of the definitions (`funnelOf`, `retentionOf`) over every raw event, on the same data.
let t: TestApp;
/** Funnels from the row store only. */
let rowDashboards: Dashboards;
let sender: CaptureSender;
const nowMs = Date.parse('2026-05-13T12:00:00Z'); // a Wednesday: five days span two weeks
const MIN = 60_000;
// Names include a hostile one: SQL-looking, quoted, non-ASCII.
const NAMES = ['view', 'cart', 'buy', "x'); drop table capture_events; --", 'vue ☃'];
const visitor = { ip: '198.51.100.9', userAgent: 'UA', acceptLanguage: 'fr-FR' };

beforeAll(async () => {
  // QUERY_PATH=columnar: funnels wait for the columnar copy rather than read rows while it is built.
  t = await createTestApp({ clock: { now: () => new Date(nowMs) }, config: { queryPath: 'columnar' } });
  rowDashboards = createDashboards({ db: t.db.kysely, store: t.capture.store, clock: { now: () => new Date(nowMs) } });
  const owner = await newUser(t, { prefix: 'cap-funnel' });
  const org = await newOrganization(t, owner);
  const made = await newApp(t, owner, { organization: org.slug, scopes: ['apps:read'] });
  sender = await t.capture.service.senderOfApp(made.app.id);
  // 60 identified visitors, 1,500 events over the last 5 days, at whole minutes so that ties happen.
  let x = 7;
  const rnd = () => (x = (x * 48271) % 2147483647) / 2147483647;
  const events = Array.from({ length: 1500 }, () => ({
    name: NAMES[Math.floor(rnd() * rnd() * NAMES.length)]!,
    time: new Date(nowMs - Math.floor(rnd() * 5 * 1440) * MIN).toISOString(),
    distinctId: `user-${Math.floor(rnd() * 60)}${rnd() < 0.1 ? '-é' : ''}`,
  }));
  for (let i = 0; i < events.length; i += 100)
    await t.capture.service.ingest(sender, { batch: randomUUID(), events: events.slice(i, i + 100) }, visitor);
});
afterAll(async () => {
  await t.close();
});

/** The definition: every raw event of the steps in the period, ordered by visitor, time, then step. */
async function reference(steps: string[], windowSeconds: number, from: number, to: number) {
  const names = [...new Set(steps)];
  const raw = await t.db.kysely
    .selectFrom('captureEvents')
    .select(['visitor', 'name', 'ts'])
    .where('appId', '=', sender.appId)
    .where('name', 'in', names)
    .where('ts', '>=', from)
    .where('ts', '<', to)
    .execute();
  const rows = raw
    .map((r) => ({ visitor: r.visitor, name: r.name, ts: Number(r.ts) }))
    .sort(
      (a, b) =>
        (a.visitor < b.visitor ? -1 : a.visitor > b.visitor ? 1 : 0) ||
        a.ts - b.ts ||
        names.indexOf(a.name) - names.indexOf(b.name),
    );
  const reached = funnelOf(rows, steps, windowSeconds * 1000);
  return steps.map((name, i) => ({ name, visitors: reached[i]!, share: reached[0] ? reached[i]! / reached[0] : 0 }));
}

describe('capture funnels', () => {
  const cases: Array<[string[], number, number, number]> = [
    [['view', 'cart', 'buy'], 3600, 5, 0],
    [['view', 'cart', 'buy'], 60, 5, 0],
    [['view', 'cart', 'buy'], 86_400 * 3, 3, 1],
    [['cart', 'view'], 7200, 5, 0],
    [['view', 'view', 'cart'], 600, 5, 0],
    [['buy', 'cart', 'view', 'buy'], 86_400, 4, 0],
    [[NAMES[3]!, NAMES[4]!, 'view'], 86_400, 5, 0],
    [['view', 'nothing-like-this'], 3600, 5, 0],
    [['nothing-like-this', 'view'], 3600, 5, 0],
  ];
  // The columnar copy is SQLite's (columnar.ts): on PostgreSQL those cases are skipped, and reported so.
  for (const path of ['rows', 'columnar'] as const)
    it.skipIf(path === 'columnar' && testDialect === 'postgres').each(cases)(
      `answers %j (window %is, %i days to %i days ago) as the definition does, from ${path}`,
      async (steps, w, a, b) => {
        // Periods that do not start or end on whole minutes or days.
        const from = nowMs - a * 86_400_000 - 7_777;
        const to = nowMs - b * 86_400_000 + 1;
        const want = await reference(steps, w, from, to);
        if (path === 'columnar') {
          // From the copy itself: a copy that failed would let the dashboards answer from rows unseen.
          const reached = await t.capture.columnar!.funnel(
            { appId: sender.appId },
            { steps, from, to, windowMs: w * 1000 },
          );
          expect(reached).toEqual(want.map((s) => s.visitors));
        }
        const got = await (path === 'rows' ? rowDashboards : t.capture.dashboards).funnel(
          { appId: sender.appId },
          { steps, windowSeconds: w, from: new Date(from).toISOString(), to: new Date(to).toISOString() },
        );
        expect(got.steps).toEqual(want);
      },
    );

  it('finds visitors past the first step', async () => {
    const got = await t.capture.dashboards.funnel(
      { appId: sender.appId },
      { steps: ['view', 'cart'], windowSeconds: 86_400 },
    );
    expect(got.steps[0]!.visitors).toBeGreaterThan(10);
    expect(got.steps[1]!.visitors).toBeGreaterThan(0);
    expect(got.steps[1]!.visitors).toBeLessThan(got.steps[0]!.visitors);
  });
});

describe('capture retention cohorts', () => {
  it.each([
    [undefined, 5, 0],
    ['view', 5, 0],
    ['cart', 4, 1],
    [NAMES[3]!, 5, 0],
    ['nothing-like-this', 5, 0],
    // Starting mid-Saturday, ending mid-Monday: both ends are read from the weeks' first and last times.
    [undefined, 4, 2],
    ['cart', 4, 2],
    // Within one week (Friday to Sunday; Tuesday to now): from raw events.
    [undefined, 5, 3],
    ['view', 1, 0],
  ] as Array<[string | undefined, number, number]>)(
    'counts cohorts of %s (%i to %i days ago) as the definition does',
    async (event, a, b) => {
      const from = nowMs - a * 86_400_000 - 7_777;
      const to = nowMs - b * 86_400_000 + 1;
      let q = t.db.kysely
        .selectFrom('captureEvents')
        .select(['visitor', 'ts'])
        .where('appId', '=', sender.appId)
        .where('identified', '=', 1)
        .where('ts', '>=', from)
        .where('ts', '<', to);
      if (event) q = q.where('name', '=', event);
      const perDay = (await q.execute()).map((r) => ({
        visitor: r.visitor,
        day: Math.floor(Number(r.ts) / 86_400_000),
      }));
      const { cohorts } = await t.capture.dashboards.retention(
        { appId: sender.appId },
        { from: new Date(from).toISOString(), to: new Date(to).toISOString(), event },
      );
      expect(cohorts).toEqual(retentionOf(perDay));
      if (!event && a === 5 && b === 0) expect(cohorts.length).toBe(2);
    },
  );

  /** `capture_visitor_weeks` as stored, and as rolled up from the raw events left. */
  async function weeks() {
    const key = (r: { scope: string; name: string; week: number | string; visitor: string }) =>
      `${r.scope}|${r.name}|${Number(r.week)}|${r.visitor}`;
    const stored = await t.db.kysely.selectFrom('captureVisitorWeeks').selectAll().execute();
    const raw = await t.db.kysely
      .selectFrom('captureEvents')
      .select(['appId', 'organizationId', 'datasetId', 'ts', 'name', 'visitor', 'identified'])
      .execute();
    const sorted = (rows: Array<[string, number, number]>) => rows.sort((x, y) => (x[0] < y[0] ? -1 : 1));
    return {
      stored: sorted(stored.map((r) => [key(r), Number(r.firstTs), Number(r.lastTs)])),
      expected: sorted(visitorWeeksOf(raw).map((r) => [key(r), r.firstTs, r.lastTs])),
    };
  }

  it('keeps identified visitors’ weekly activity equal to the raw events’, after the retention too', async () => {
    const before = await weeks();
    expect(before.stored.length).toBeGreaterThan(100);
    expect(before.stored).toEqual(before.expected);
    // The retention cuts a week in the middle (3.5 days ago, a Saturday night): the cut week is rebuilt.
    const cutoff = nowMs - 3.5 * 86_400_000;
    const { store } = t.capture;
    await store.deleteEventsBefore(t.db.kysely, cutoff);
    await t.db.kysely.transaction().execute((trx) => store.trimVisitorWeeks(trx, cutoff));
    const after = await weeks();
    expect(after.stored.length).toBeLessThan(before.stored.length);
    expect(after.stored).toEqual(after.expected);
    const perDay = (
      await t.db.kysely
        .selectFrom('captureEvents')
        .select(['visitor', 'ts'])
        .where('appId', '=', sender.appId)
        .where('identified', '=', 1)
        .execute()
    ).map((r) => ({ visitor: r.visitor, day: Math.floor(Number(r.ts) / 86_400_000) }));
    const { cohorts } = await t.capture.dashboards.retention(
      { appId: sender.appId },
      { from: new Date(nowMs - 6 * 86_400_000).toISOString(), to: new Date(nowMs + 1).toISOString() },
    );
    expect(cohorts).toEqual(retentionOf(perDay));
  });
});
