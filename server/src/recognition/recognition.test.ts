import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { asSession, createTestApp, register, type Session, type TestApp } from '../testing/harness.js';
import { createDispatcher, createEventRecorder, createEventStore } from '../events/index.js';
import type { EventPayload, EventType } from '../events/catalog.js';
import { recordSample } from '../testing/events.js';
import { systemClock } from '../kernel/clock.js';
import { createRecognition } from './index.js';

let t: TestApp;
let admin: Session;
let orgSlug: string;
let orgId: string;
let datasetSlug: string;
let datasetId: string;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestApp();
  admin = await register(t.app, 'admin');
  await t.platform.accounts.createAdmin({ email: admin.email });
  const org = await t.app.inject({
    method: 'POST',
    url: '/api/v1/organizations',
    headers: asSession(admin),
    payload: { name: `Recognition ${process.pid}` },
  });
  orgSlug = org.json().slug;
  orgId = (await t.platform.directory.organizationIdBySlug(orgSlug))!;
  const ds = await t.app.inject({
    method: 'POST',
    url: '/api/v1/datasets',
    headers: asSession(admin),
    payload: { title: 'Arbres remarquables', organization: orgSlug, license: 'etalab-2.0', status: 'published' },
  });
  expect(ds.statusCode).toBe(201);
  datasetSlug = ds.json().slug;
  datasetId = (await t.data.store.findDatasetBySlug(t.db.kysely, datasetSlug))!.id;
});
afterAll(async () => t.cleanup());

const db = () => t.db.kysely;
const idOf = async (s: Session) => (await t.platform.directory.userIdByHandle(s.handle))!;
const get = (url: string) => t.app.inject({ method: 'GET', url: `/api/v1${url}` });

/** Records an event as the community capability would, at a chosen time. */
async function emit<T extends EventType>(
  type: T,
  payload: Partial<EventPayload<T>>,
  opts: { at?: Date; actorId?: string | null; organizationId?: string | null; subjectId?: string } = {},
) {
  const at = opts.at ?? new Date();
  return recordSample(db(), t.db.dialect, type, payload, {
    clock: { now: () => at },
    actorId: opts.actorId ?? null,
    subjectId: opts.subjectId ?? ('contributionId' in payload ? (payload.contributionId as string) : null),
    organizationId: opts.organizationId === undefined ? orgId : opts.organizationId,
  });
}

let n = 0;
async function accepted(
  authorId: string,
  reviewerId: string,
  opts: { rows?: number; at?: Date; dataset?: string; submittedAt?: Date; organizationId?: string } = {},
) {
  n += 1;
  const at = opts.at ?? new Date();
  return emit(
    'contribution.accepted',
    {
      contributionId: `ctb_${n}`,
      dataset: datasetSlug,
      datasetId: opts.dataset ?? datasetId,
      resourceId: 'res_1',
      organizationId: opts.organizationId ?? orgId,
      authorId,
      reviewerId,
      rowsApplied: opts.rows ?? 1,
      partial: false,
      submittedAt: (opts.submittedAt ?? new Date(at.getTime() - 3600_000)).toISOString(),
    },
    { at, actorId: reviewerId, organizationId: opts.organizationId ?? orgId },
  );
}
async function rejected(
  authorId: string,
  reviewerId: string,
  opts: { spam?: boolean; at?: Date; submittedAt?: Date } = {},
) {
  n += 1;
  const at = opts.at ?? new Date();
  return emit(
    'contribution.rejected',
    {
      contributionId: `ctb_${n}`,
      dataset: datasetSlug,
      datasetId,
      resourceId: 'res_1',
      organizationId: orgId,
      authorId,
      reviewerId,
      spam: opts.spam ?? false,
      submittedAt: (opts.submittedAt ?? new Date(at.getTime() - 3600_000)).toISOString(),
    },
    { at, actorId: reviewerId },
  );
}
const drain = () => t.dispatcher.drain();
const badgesOf = async (userId: string) =>
  (await db().selectFrom('userBadges').select('badge').where('userId', '=', userId).execute())
    .map((b) => b.badge)
    .sort();
const reputationOf = async (userId: string) =>
  Number(
    (
      await db()
        .selectFrom('reputationEntries')
        .select((eb) => eb.fn.sum<number>('points').as('p'))
        .where('userId', '=', userId)
        .executeTakeFirst()
    )?.p ?? 0,
  );
const trustOf = (userId: string) => t.recognition.trustLevelOf(userId);

describe('reputation', () => {
  it('counts accepted contributions, reviews, spam, helpful answers and hidden content by the rules', async () => {
    const author = await idOf(await register(t.app, 'author'));
    const reviewer = await idOf(await register(t.app, 'reviewer'));
    await accepted(author, reviewer, { rows: 5 }); // 10 + 5
    await accepted(author, reviewer, { rows: 500 }); // capped at 50
    await rejected(author, reviewer); // reviewer +2
    await rejected(author, reviewer, { spam: true }); // author -25, no reviewer points
    await emit('discussion.answer_marked_helpful', { answerId: 'ans_1', authorId: author, markedBy: reviewer }); // +15
    await emit('discussion.answer_marked_helpful', { answerId: 'ans_2', authorId: author, markedBy: author }); // self: nothing
    await emit('content.hidden', { authorId: author, reason: 'off-topic' }); // -10
    await accepted(author, author, { rows: 1 }); // self-review: author points only
    await drain();
    expect(await reputationOf(author)).toBe(15 + 50 - 25 + 15 - 10 + 11);
    expect(await reputationOf(reviewer)).toBe(2 + 2 + 2);
    const reasons = (
      await db()
        .selectFrom('reputationEntries')
        .select(['reason', 'points'])
        .where('userId', '=', author)
        .orderBy('id')
        .execute()
    ).map((r) => `${r.reason}:${r.points}`);
    expect(reasons).toEqual([
      'contribution_accepted:15',
      'contribution_accepted:50',
      'contribution_spam:-25',
      'answer_helpful:15',
      'content_hidden:-10',
      'contribution_accepted:11',
    ]);
  });

  it('counts an event once even when it is delivered again, and across a restart mid-stream', async () => {
    const author = await idOf(await register(t.app, 'redeliver'));
    const reviewer = await idOf(await register(t.app, 'redeliver-rev'));
    for (let i = 0; i < 5; i++) await accepted(author, reviewer, { rows: 2 });
    // A dispatcher holding only the reputation consumer handles some events, then "dies".
    const recognition = createRecognition({
      db: t.db,
      events: createEventRecorder({ store: createEventStore(t.db.dialect), clock: systemClock }),
      clock: systemClock,
      directory: t.platform.directory,
      datasets: { idBySlug: async () => undefined, slugsByIds: async () => new Map() },
      baseUrl: 'http://x',
    });
    const partial = createDispatcher({
      db: db(),
      store: createEventStore(t.db.dialect),
      clock: systemClock,
      consumers: recognition.consumers,
      batchSize: 3,
    });
    await partial.runOnce();
    // The app's dispatcher (another process) resumes from the durable cursors.
    await drain();
    expect(await reputationOf(author)).toBe(5 * 12);
    // Redelivery: the cursors are moved back to the start, every event comes again.
    await db()
      .updateTable('eventCursors')
      .set({ txId: -1, position: 0 })
      .where('consumer', 'like', 'recognition.%')
      .execute();
    await drain();
    expect(await reputationOf(author)).toBe(5 * 12);
    expect(await reputationOf(reviewer)).toBe(5 * 2);
    const profile = (await get(`/users/${(await t.platform.directory.usersByIds([author]))[0]!.handle}`)).json();
    expect(profile.reputation).toBe(60);
    expect(profile.stats.acceptedContributions).toBe(5);
    expect(profile.stats.rowsChanged).toBe(10);
  });

  it('traces every point to an event that exists', async () => {
    const orphans = await sql<{
      n: number;
    }>`select count(*) as n from reputation_entries r where not exists (select 1 from events e where e.id = r.event_id)`.execute(
      db(),
    );
    expect(Number(orphans.rows[0]!.n)).toBe(0);
    expect(
      Number((await sql<{ n: number }>`select count(*) as n from reputation_entries`.execute(db())).rows[0]!.n),
    ).toBeGreaterThan(10);
  });

  it('lists a user’s entries with their event, reason, points and dataset, page by page', async () => {
    const s = await register(t.app, 'pager');
    const author = await idOf(s);
    for (let i = 0; i < 5; i++) await accepted(author, await idOf(admin), { rows: i });
    await drain();
    const seen: string[] = [];
    let url: string | null = `/users/${s.handle}/reputation?_limit=2`;
    let pages = 0;
    while (url) {
      const res = await get(url);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.total).toBe(10 + 11 + 12 + 13 + 14);
      for (const e of body.items) {
        expect(e.eventId).toMatch(/^evt_/);
        expect(e.reason).toBe('contribution_accepted');
        expect(e.dataset).toBe(datasetSlug);
      }
      seen.push(...body.items.map((e: { points: number }) => e.points));
      url = body.next ? new URL(body.next).pathname.replace('/api/v1', '') + new URL(body.next).search : null;
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([14, 13, 12, 11, 10]);
    expect((await get(`/users/${s.handle}/reputation?_cursor=%%%`)).statusCode).toBe(400);
    expect((await get('/users/nobody-here/reputation')).statusCode).toBe(404);
  });
});

describe('badges', () => {
  it('awards first contribution, first review and the change thresholds exactly at crossing, with a public event', async () => {
    const author = await idOf(await register(t.app, 'badger'));
    const reviewer = await idOf(await register(t.app, 'badger-rev'));
    await accepted(author, reviewer, { rows: 4 });
    await drain();
    expect(await badgesOf(author)).toEqual(['first-contribution']);
    expect(await badgesOf(reviewer)).toEqual(['first-review']);
    await accepted(author, reviewer, { rows: 5 }); // 9
    await drain();
    expect(await badgesOf(author)).toEqual(['first-contribution']);
    const crossing = await accepted(author, reviewer, { rows: 1 }); // 10
    await drain();
    expect(await badgesOf(author)).toEqual(['changes-10', 'first-contribution']);
    const row = await db()
      .selectFrom('userBadges')
      .selectAll()
      .where('userId', '=', author)
      .where('badge', '=', 'changes-10')
      .executeTakeFirstOrThrow();
    expect(row.eventId).toBe(crossing);
    await accepted(author, reviewer, { rows: 89 }); // 99
    await drain();
    expect(await badgesOf(author)).not.toContain('changes-100');
    await accepted(author, reviewer, { rows: 901 }); // 1000: both at once
    await drain();
    expect(await badgesOf(author)).toEqual(['changes-10', 'changes-100', 'changes-1000', 'first-contribution']);
    const awarded = await db()
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'badge.awarded')
      .where('actorId', '=', author)
      .execute();
    expect(awarded.map((e) => e.visibility)).toEqual(['public', 'public', 'public', 'public']);
    // Held once, whatever comes after.
    await accepted(author, reviewer, { rows: 1000 });
    await drain();
    expect((await db().selectFrom('userBadges').selectAll().where('userId', '=', author).execute()).length).toBe(4);
  });

  it('awards the 7-day streak on the seventh consecutive day, not before', async () => {
    const author = await idOf(await register(t.app, 'streaker'));
    const reviewer = await idOf(await register(t.app, 'streak-rev'));
    const start = Date.parse('2030-01-01T12:00:00Z');
    await accepted(author, reviewer, { at: new Date(start - 2 * DAY) }); // a gap day before
    for (let d = 0; d < 6; d++) await accepted(author, reviewer, { at: new Date(start + d * DAY) });
    await accepted(author, reviewer, { at: new Date(start + 2 * DAY + 3600_000) }); // twice on one day
    await drain();
    expect(await badgesOf(author)).not.toContain('streak-7');
    await accepted(author, reviewer, { at: new Date(start + 6 * DAY) });
    await drain();
    expect(await badgesOf(author)).toContain('streak-7');
  });

  it('awards dataset caretaker for contributions on the same dataset on 5 different days', async () => {
    const author = await idOf(await register(t.app, 'caretaker'));
    const reviewer = await idOf(await register(t.app, 'care-rev'));
    const start = Date.parse('2031-03-01T08:00:00Z');
    for (let d = 0; d < 4; d++) await accepted(author, reviewer, { at: new Date(start + d * 2 * DAY) });
    await accepted(author, reviewer, { at: new Date(start + 3 * 2 * DAY + 60_000) }); // same day again
    await accepted(author, reviewer, { at: new Date(start + 20 * DAY), dataset: 'ds_other' }); // another dataset
    await drain();
    expect(await badgesOf(author)).not.toContain('dataset-caretaker');
    await accepted(author, reviewer, { at: new Date(start + 30 * DAY) });
    await drain();
    expect(await badgesOf(author)).toContain('dataset-caretaker');
    expect(await badgesOf(author)).not.toContain('streak-7');
  });

  it('lists definitions with EN/FR criteria and how many hold each', async () => {
    const res = await get('/badges');
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ code: string; criterion: { en: string; fr: string }; holders: number }>;
    expect(items.map((b) => b.code)).toEqual([
      'first-contribution',
      'changes-10',
      'changes-100',
      'changes-1000',
      'first-review',
      'streak-7',
      'dataset-caretaker',
    ]);
    expect(items.every((b) => b.criterion.en && b.criterion.fr)).toBe(true);
    expect(items.find((b) => b.code === 'changes-1000')!.holders).toBe(1);
    expect(items.find((b) => b.code === 'first-contribution')!.holders).toBeGreaterThanOrEqual(5);
  });
});

describe('trust levels', () => {
  it('promotes on the thresholds, demotes by one on spam, and records each change privately', async () => {
    const author = await idOf(await register(t.app, 'truster'));
    const reviewer = await idOf(await register(t.app, 'trust-rev'));
    await drain();
    expect(await trustOf(author)).toBe(0);
    await accepted(author, reviewer);
    await drain();
    expect(await trustOf(author)).toBe(1);
    // 10 accepted within the first week: still 1 (7 days since sign-up are needed).
    for (let i = 0; i < 9; i++) await accepted(author, reviewer);
    await drain();
    expect(await trustOf(author)).toBe(1);
    const week = new Date(Date.now() + 8 * DAY);
    await accepted(author, reviewer, { at: week });
    await drain();
    expect(await trustOf(author)).toBe(2);
    // Spam drops a level; what was accepted before does not count toward the next promotion.
    await rejected(author, reviewer, { spam: true, at: week });
    await drain();
    expect(await trustOf(author)).toBe(1);
    for (let i = 0; i < 9; i++) await accepted(author, reviewer, { at: week });
    await drain();
    expect(await trustOf(author)).toBe(1);
    await accepted(author, reviewer, { at: week });
    await drain();
    expect(await trustOf(author)).toBe(2);
    // 50 accepted since the demotion, 30 days, fewer than 3 spam: regular.
    const month = new Date(Date.now() + 31 * DAY);
    for (let i = 0; i < 40; i++) await accepted(author, reviewer, { at: month });
    await drain();
    expect(await trustOf(author)).toBe(3);
    const changes = await db()
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'trust_level.changed')
      .where('actorId', '=', author)
      .orderBy('position')
      .execute();
    expect(changes.map((e) => e.visibility)).toEqual(['private', 'private', 'private', 'private', 'private']);
    expect(
      changes.map((e) => {
        const p = JSON.parse(typeof e.payload === 'string' ? e.payload : JSON.stringify(e.payload));
        return `${p.from}>${p.to}`;
      }),
    ).toEqual(['0>1', '1>2', '2>1', '1>2', '2>3']);
    expect(
      (await get(`/users/${(await t.platform.directory.usersByIds([author]))[0]!.handle}`)).json().trustLevel,
    ).toBe(3);
  });

  it('never promotes to regular with 3 spam rejections, and never below 0', async () => {
    const author = await idOf(await register(t.app, 'spammer'));
    const reviewer = await idOf(await register(t.app, 'spam-rev'));
    for (let i = 0; i < 4; i++) await rejected(author, reviewer, { spam: true });
    await drain();
    expect(await trustOf(author)).toBe(0);
    const later = new Date(Date.now() + 40 * DAY);
    for (let i = 0; i < 60; i++) await accepted(author, reviewer, { at: later });
    await drain();
    expect(await trustOf(author)).toBe(2);
  });

  it('lets a platform administrator grant level 4, and no one else', async () => {
    const someone = await register(t.app, 'leader');
    const other = await register(t.app, 'not-admin');
    const put = (as: Session | null, level: number) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/v1/users/${someone.handle}/trust-level`,
        headers: as ? asSession(as) : {},
        payload: { level, reason: 'long-standing steward' },
      });
    expect((await put(other, 4)).statusCode).toBe(403);
    expect((await put(null, 4)).statusCode).toBe(401);
    expect((await put(admin, 5)).statusCode).toBe(400);
    const ok = await put(admin, 4);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ handle: someone.handle, level: 4, reason: 'long-standing steward' });
    const id = await idOf(someone);
    expect(await trustOf(id)).toBe(4);
    // Spam does not demote a leader automatically.
    await rejected(id, await idOf(other), { spam: true });
    await drain();
    expect(await trustOf(id)).toBe(4);
    const change = await db()
      .selectFrom('events')
      .selectAll()
      .where('type', '=', 'trust_level.changed')
      .where('actorId', '=', id)
      .executeTakeFirstOrThrow();
    expect(change.visibility).toBe('private');
    expect(
      (
        await t.app.inject({
          method: 'PUT',
          url: '/api/v1/users/nobody-at-all/trust-level',
          headers: asSession(admin),
          payload: { level: 1 },
        })
      ).statusCode,
    ).toBe(404);
  });

  it('publishes the thresholds and privileges in EN and FR', async () => {
    const body = (await get('/trust-levels')).json();
    expect(body.levels.map((l: { level: number }) => l.level)).toEqual([0, 1, 2, 3, 4]);
    expect(body.levels.map((l: { proposalsPerDay: number | null }) => l.proposalsPerDay)).toEqual([
      20,
      50,
      200,
      1000,
      null,
    ]);
    expect(body.levels[2].requirements).toEqual({
      acceptedContributions: 10,
      daysSinceSignUp: 7,
      maxSpamRejections: null,
    });
    expect(body.levels[4].requirements).toBeNull();
    expect(body.levels[4].privileges.map((p: { fr: string }) => p.fr)).toContain('Modération');
    expect(body.reputation.acceptedBase).toBe(10);
  });
});

describe('profiles, leaderboards, credits, review statistics', () => {
  it('shows a profile with reputation, level, badges, stats and calendar', async () => {
    const s = await register(t.app, 'profiled');
    const author = await idOf(s);
    const reviewer = await idOf(admin);
    const today = new Date();
    await accepted(author, reviewer, { rows: 3, at: new Date(today.getTime() - 2 * DAY) });
    await accepted(author, reviewer, { rows: 2, at: new Date(today.getTime() - 2 * DAY) });
    await accepted(author, reviewer, { rows: 1, dataset: 'ds_elsewhere', at: today });
    await accepted(author, reviewer, { rows: 1, at: new Date(today.getTime() - 400 * DAY) }); // out of the calendar
    await drain();
    const res = await get(`/users/${s.handle}`);
    expect(res.statusCode).toBe(200);
    const p = res.json();
    expect(p).toMatchObject({
      handle: s.handle,
      name: s.handle ? expect.any(String) : '',
      reputation: 13 + 12 + 11 + 11,
      trustLevel: 1,
    });
    expect(p.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(p.stats).toEqual({ acceptedContributions: 4, rowsChanged: 7, reviews: 0, datasetsImproved: 2 });
    expect(p.badges.map((b: { code: string }) => b.code)).toEqual(['first-contribution']);
    expect(p.badges[0].name).toEqual({ en: 'First contribution', fr: 'Première contribution' });
    const day = (d: Date) => d.toISOString().slice(0, 10);
    expect(p.calendar).toEqual([
      { date: day(new Date(today.getTime() - 2 * DAY)), count: 2 },
      { date: day(today), count: 1 },
    ]);
    expect((await get('/users/no-such-user')).statusCode).toBe(404);
  });

  it('ranks by reputation earned in the period, and within a dataset or organization', async () => {
    const other = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: asSession(admin),
      payload: { name: `Board ${process.pid}` },
    });
    const boardOrg = (await t.platform.directory.organizationIdBySlug(other.json().slug))!;
    const ds = await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: asSession(admin),
      payload: {
        title: 'Leaderboard data',
        organization: other.json().slug,
        license: 'etalab-2.0',
        status: 'published',
      },
    });
    const boardDs = (await t.data.store.findDatasetBySlug(db(), ds.json().slug))!.id;
    const [a, b, c] = await Promise.all(['lb-a', 'lb-b', 'lb-c'].map(async (p) => register(t.app, p)));
    const [ia, ib, ic] = await Promise.all([a!, b!, c!].map(idOf));
    const now = Date.now();
    const rev = await idOf(admin);
    const on = { dataset: boardDs, organizationId: boardOrg };
    await accepted(ia!, rev, { ...on, rows: 40, at: new Date(now - 100 * DAY) }); // 50, all time only
    await accepted(ib!, rev, { ...on, rows: 20, at: new Date(now - 20 * DAY) }); // 30, month
    await accepted(ic!, rev, { ...on, rows: 5, at: new Date(now - 2 * DAY) }); // 15, week
    await accepted(ic!, rev, { rows: 40, at: new Date(now - 1 * DAY) }); // 50 on the first dataset and organization
    await drain();
    // The reviewer earns review points too; left out here.
    const board = async (q: string) =>
      (await get(`/leaderboards?${q}`))
        .json()
        .items.filter((i: { handle: string }) => i.handle !== admin.handle)
        .map((i: { handle: string; points: number }) => `${i.handle}:${i.points}`);
    expect(await board(`dataset=${ds.json().slug}&period=all`)).toEqual([
      `${a!.handle}:50`,
      `${b!.handle}:30`,
      `${c!.handle}:15`,
    ]);
    expect(await board(`dataset=${ds.json().slug}&period=month`)).toEqual([`${b!.handle}:30`, `${c!.handle}:15`]);
    expect(await board(`dataset=${ds.json().slug}&period=week`)).toEqual([`${c!.handle}:15`]);
    expect(await board(`organization=${other.json().slug}&period=all&_limit=2`)).toEqual([
      `${a!.handle}:50`,
      `${b!.handle}:30`,
    ]);
    const week = (await get('/leaderboards?period=week&_limit=100')).json();
    expect(week.period).toBe('week');
    expect(week.items.find((i: { handle: string }) => i.handle === c!.handle).points).toBe(65);
    expect(week.items.find((i: { handle: string }) => i.handle === a!.handle)).toBeUndefined();
    expect(week.items[0].rank).toBe(1);
    expect((await get('/leaderboards?dataset=nope')).statusCode).toBe(404);
    expect((await get('/leaderboards?organization=nope')).statusCode).toBe(404);
    expect((await get('/leaderboards?period=year')).statusCode).toBe(400);

    const credits = (await get(`/datasets/${ds.json().slug}/contributors?_limit=2`)).json();
    expect(
      credits.items.map((i: { handle: string; acceptedContributions: number }) => i.acceptedContributions),
    ).toEqual([1, 1]);
    expect(credits.next).toBeTruthy();
    const rest = (await get(`/datasets/${ds.json().slug}/contributors${new URL(credits.next).search}`)).json();
    expect([...credits.items, ...rest.items].map((i: { handle: string }) => i.handle).sort()).toEqual(
      [a!.handle, b!.handle, c!.handle].sort(),
    );
    expect((await get('/datasets/no-such-dataset/contributors')).statusCode).toBe(404);
  });

  it('credits the contributors of a dataset, most accepted first', async () => {
    const res = await get(`/datasets/${datasetSlug}/contributors?_limit=100`);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ acceptedContributions: number; rowsChanged: number }>;
    expect(items.length).toBeGreaterThan(3);
    const counts = items.map((i) => i.acceptedContributions);
    expect(counts).toEqual([...counts].sort((x, y) => y - x));
  });

  it('gives the median time to review over the last 90 days', async () => {
    const org = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: asSession(admin),
      payload: { name: `Reviews ${process.pid}` },
    });
    const slug = org.json().slug;
    const id = (await t.platform.directory.organizationIdBySlug(slug))!;
    const author = await idOf(await register(t.app, 'timed'));
    const rev = await idOf(admin);
    const now = Date.now();
    const hours = [1, 2, 10, 30];
    for (const h of hours)
      await accepted(author, rev, {
        organizationId: id,
        at: new Date(now - DAY),
        submittedAt: new Date(now - DAY - h * 3600_000),
      });
    await emit(
      'contribution.rejected',
      {
        contributionId: 'ctb_r',
        datasetId,
        organizationId: id,
        authorId: author,
        reviewerId: rev,
        spam: true,
        submittedAt: new Date(now - DAY - 5 * 3600_000).toISOString(),
      },
      { at: new Date(now - DAY), organizationId: id },
    );
    await accepted(author, rev, {
      organizationId: id,
      at: new Date(now - 100 * DAY),
      submittedAt: new Date(now - 101 * DAY),
    }); // outside the window
    await drain();
    const res = await get(`/organizations/${slug}/review-stats`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      organization: slug,
      windowDays: 90,
      reviewed: 5,
      accepted: 4,
      rejected: 0,
      rejectedAsSpam: 1,
      medianSecondsToReview: 5 * 3600,
    });
    const empty = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: asSession(admin),
      payload: { name: `Quiet ${process.pid}` },
    });
    expect((await get(`/organizations/${empty.json().slug}/review-stats`)).json()).toMatchObject({
      reviewed: 0,
      medianSecondsToReview: null,
    });
    expect((await get('/organizations/no-such-org/review-stats')).statusCode).toBe(404);
  });
});

describe('the consumers', () => {
  it('never failed (a failure would delay them by their backoff)', () => {
    const failures = t
      .logs()
      .split('\n')
      .filter((l) => l.includes('event consumer failed') && l.includes('"consumer":"recognition.'));
    expect(failures).toEqual([]);
  });
});
