import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/harness.js';
import {
  apiClient,
  eventsOf as eventsIn,
  newOrganization,
  newPublishedTable,
  newUser,
  type TestUser,
} from '../../testing/fixtures.js';
import { manualClock } from '../../testing/redis.js';

// No proposal is ever stuck: Apply for those who may edit, a warning before submitting when nobody else
// may review, owners or administrators told, administrators reviewing, and an overdue list.
const clock = manualClock('2026-03-02T09:00:00.000Z');
let t: TestApp;
let api: ReturnType<typeof apiClient>;
let owner: TestUser; // the only member of "solo"
let editor: TestUser; // editor of "team", whose owner is `teamOwner`
let teamOwner: TestUser;
let outsider: TestUser;
let admin: TestUser;
let solo: string;
let team: string;

const eventsOf = (type: 'contribution.awaiting_reviewer' | 'contribution.accepted') => eventsIn(t, type);
const notificationsOf = async (s: TestUser) =>
  t.db.kysely.selectFrom('notifications').selectAll().where('userId', '=', s.id).execute();
const table = async (organization: string, by: TestUser) =>
  newPublishedTable(t, by, 'code,nom,population\n1,Alpha,100\n2,Beta,200\n', { organization });

beforeAll(async () => {
  t = await createTestApp({ clock });
  api = apiClient(t);
  [owner, editor, teamOwner, outsider] = [
    await newUser(t, { prefix: 'solo' }),
    await newUser(t, { prefix: 'editor' }),
    await newUser(t, { prefix: 'teamowner' }),
    await newUser(t, { prefix: 'outsider' }),
  ];
  admin = await newUser(t, { prefix: 'admin', admin: true });
  solo = (await newOrganization(t, owner)).slug;
  team = (await newOrganization(t, teamOwner, { members: [[editor, 'editor']] })).slug;
});
afterAll(async () => t.cleanup());

describe('who may apply, who reviews', () => {
  it('tells the only member before submitting that nobody else reviews, and lets them Apply', async () => {
    const { slug, base } = await table(solo, owner);
    const rules = (await api('GET', `/datasets/${slug}/contribution-rules`, owner)).json();
    expect(rules).toMatchObject({ canPropose: true, canApply: true, otherReviewers: 0, noOtherReviewer: true });
    const outsiderRules = (await api('GET', `/datasets/${slug}/contribution-rules`, outsider)).json();
    expect(outsiderRules).toMatchObject({
      canPropose: true,
      canApply: false,
      otherReviewers: 1,
      noOtherReviewer: false,
    });
    expect((await api('GET', `/datasets/${slug}/contribution-rules`)).json()).toMatchObject({ canPropose: false });

    // Apply: applied at once, a revision with the same history and events as an accept.
    const applied = await api('POST', `${base}/contributions`, owner, {
      changes: [{ op: 'update', rowId: 1, values: { population: 150 } }],
      comment: 'Census',
      apply: true,
    });
    expect(applied.statusCode, applied.body).toBe(201);
    expect(applied.json()).toMatchObject({ status: 'accepted', reviewer: { handle: owner.handle } });
    const row = (await api('GET', `${base}/rows?_id=1`)).json().rows[0];
    expect(row.population).toBe(150);
    const history = (await api('GET', `${base}/rows/1/revisions`)).json();
    expect(history.items[0]).toMatchObject({ op: 'update', contributionId: applied.json().id });
    const accepted = (await eventsOf('contribution.accepted')).find((e) => e.subjectId === applied.json().id);
    expect(accepted?.payload).toMatchObject({ direct: true, rowsApplied: 1 });
    expect((await eventsOf('contribution.awaiting_reviewer')).length).toBe(0);
  });

  it('refuses Apply (403) to someone who may not edit the data, and applies nothing', async () => {
    const { base } = await table(solo, owner);
    const res = await api('POST', `${base}/contributions`, outsider, {
      changes: [{ op: 'update', rowId: 2, values: { population: 1 } }],
      comment: 'Mine',
      apply: true,
    });
    expect(res.statusCode).toBe(403);
    expect((await api('GET', `${base}/rows?_id=2`)).json().rows[0].population).toBe(200);
    expect(
      await t.db.kysely.selectFrom('contributions').selectAll().where('authorId', '=', outsider.id).execute(),
    ).toEqual([]);
  });

  it('when the only member proposes for review anyway, the administrators are told and one of them reviews', async () => {
    const { base } = await table(solo, owner);
    const res = await api('POST', `${base}/contributions`, owner, {
      changes: [{ op: 'update', rowId: 2, values: { population: 250 } }],
      comment: 'Second pair of eyes, please',
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    expect(res.json()).toMatchObject({ status: 'pending', viewerCanReview: false });
    const [awaiting] = (await eventsOf('contribution.awaiting_reviewer')).filter((e) => e.subjectId === id);
    expect(awaiting?.visibility).toBe('private');
    expect(awaiting?.payload.recipientIds).toEqual([admin.id]);
    await t.dispatcher.drain();
    const told = (await notificationsOf(admin)).filter((x) => x.type === 'contribution.awaiting_reviewer');
    expect(told.map((x) => x.link)).toEqual([`/contributions/${id}`]);
    expect((await notificationsOf(owner)).filter((x) => x.type === 'contribution.awaiting_reviewer')).toEqual([]);
    // The administrator sees it as reviewable, and accepts it; the owner still cannot review their own.
    expect((await api('POST', `/contributions/${id}/accept`, owner, {})).statusCode).toBe(403);
    expect((await api('GET', `/contributions/${id}`, admin)).json().viewerCanReview).toBe(true);
    const accepted = await api('POST', `/contributions/${id}/accept`, admin, {});
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'accepted', reviewer: { handle: admin.handle } });
    // Reviewers see the row by its name and its values before and after; history credits the author.
    expect(accepted.json().diff[0]).toMatchObject({
      label: 'Beta',
      before: { population: 200 },
      after: { population: 250 },
    });
    const [latest] = (await api('GET', `${base}/rows/2/revisions`)).json().items;
    expect(latest).toMatchObject({
      author: { handle: owner.handle },
      actor: { handle: admin.handle },
      before: { population: 200 },
      after: { population: 250 },
    });
  });

  it('with another reviewer in the organization, nobody is alerted; with none but the owner, the owner is', async () => {
    const { slug, base } = await table(team, teamOwner);
    expect((await api('GET', `/datasets/${slug}/contribution-rules`, editor)).json()).toMatchObject({
      canApply: true,
      otherReviewers: 1,
      noOtherReviewer: false,
    });
    const before = (await eventsOf('contribution.awaiting_reviewer')).length;
    const res = await api('POST', `${base}/contributions`, editor, {
      changes: [{ op: 'update', rowId: 1, values: { nom: 'Alfa' } }],
      comment: 'Spelling',
    });
    expect(res.statusCode).toBe(201);
    expect((await eventsOf('contribution.awaiting_reviewer')).length).toBe(before);
    // The owner reviews the editor's proposal.
    expect((await api('GET', `/contributions/${res.json().id}`, teamOwner)).json().viewerCanReview).toBe(true);
  });
});

describe('review targets and the overdue list', () => {
  it('publishes a target set by the owner, and lists pending proposals older than it as overdue', async () => {
    expect((await api('GET', `/organizations/${team}/review-rules`)).json()).toEqual({
      organization: team,
      targetDays: null,
    });
    expect((await api('PUT', `/organizations/${team}/review-rules`, editor, { targetDays: 7 })).statusCode).toBe(403);
    expect((await api('PUT', `/organizations/${team}/review-rules`, teamOwner, { targetDays: 400 })).statusCode).toBe(
      400,
    );
    const set = await api('PUT', `/organizations/${team}/review-rules`, teamOwner, { targetDays: 7 });
    expect(set.statusCode, set.body).toBe(200);
    expect((await api('GET', `/organizations/${team}/review-rules`)).json().targetDays).toBe(7);

    const { slug, base } = await table(team, teamOwner);
    const old = await api('POST', `${base}/contributions`, outsider, {
      changes: [{ op: 'update', rowId: 1, values: { population: 101 } }],
      comment: 'Old one',
    });
    expect(old.json()).toMatchObject({ overdue: false, reviewDueAt: '2026-03-09T09:00:00.000Z' });
    clock.advance(8 * 24 * 3600 * 1000);
    const fresh = await api('POST', `${base}/contributions`, outsider, {
      changes: [{ op: 'update', rowId: 2, values: { population: 201 } }],
      comment: 'Fresh one',
    });
    const overdue = (await api('GET', `/contributions?overdue=true&dataset=${slug}`, teamOwner)).json();
    expect(overdue.items.map((i: { id: string }) => i.id)).toEqual([old.json().id]);
    expect(overdue.items[0].overdue).toBe(true);
    const all = (await api('GET', `/contributions?status=pending&dataset=${slug}`)).json();
    expect(all.items.map((i: { id: string; overdue: boolean }) => [i.id, i.overdue])).toEqual([
      [old.json().id, true],
      [fresh.json().id, false],
    ]);
    // Reviewed, it leaves the overdue list; an organization without a target never has overdue proposals.
    expect((await api('POST', `/contributions/${old.json().id}/accept`, teamOwner, {})).statusCode).toBe(200);
    expect((await api('GET', `/contributions?overdue=true&dataset=${slug}`)).json().items).toEqual([]);
    expect((await api('GET', `/contributions?overdue=true&organization=${solo}`)).json().items).toEqual([]);
  });
});
