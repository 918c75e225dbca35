import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventType } from '../../events/catalog.js';
import { createTestApp, type Session, type TestApp } from '../../testing/harness.js';
import {
  apiClient,
  eventsOf as eventsIn,
  newOrganization,
  newPublishedTable,
  newUser,
  type TestUser,
} from '../../testing/fixtures.js';

let t: TestApp;
let api: ReturnType<typeof apiClient>;
let admin: TestUser;
let owner: TestUser;
let leader: TestUser;
let alice: TestUser;
let bob: TestUser;
let org: string;

const eventsOf = (type: EventType) => eventsIn(t, type);
const setTrust = async (s: Session, level: number) =>
  expect((await api('PUT', `/users/${s.handle}/trust-level`, admin, { level })).statusCode).toBe(200);

beforeAll(async () => {
  t = await createTestApp();
  api = apiClient(t);
  admin = await newUser(t, { prefix: 'madmin', admin: true });
  owner = await newUser(t, { prefix: 'mowner' });
  leader = await newUser(t, { prefix: 'leader' });
  alice = await newUser(t, { prefix: 'malice' });
  bob = await newUser(t, { prefix: 'mbob' });
  await setTrust(leader, 4);
  org = (await newOrganization(t, owner)).slug;
});
afterAll(async () => t.cleanup());

async function table() {
  const { dataset, resourceId, slug, base } = await newPublishedTable(
    t,
    owner,
    'code,nom\n1,Alpha\n2,Beta\n3,Gamma\n',
    {
      organization: org,
    },
  );
  return { id: dataset.id, slug, rid: resourceId, base };
}
const propose = (
  base: string,
  who: Session,
  changes: object[] = [{ op: 'update', rowId: 1, values: { nom: `N${Math.random()}` } }],
) => api('POST', `${base}/contributions`, who, { changes, comment: 'Fix' });
const thread = async (who: Session, datasetId: string, body = 'Buy cheap pills') =>
  (
    await api('POST', '/discussions', who, { subject: { kind: 'dataset', id: datasetId }, title: 'Spam?', body })
  ).json();

describe('flags', () => {
  it('takes one open flag per user and target; user flags emit user.flagged', async () => {
    const ds = await table();
    const th = await thread(alice, ds.id);
    const msg = th.messages[0].id;
    const flag = await api('POST', '/flags', bob, {
      target: { kind: 'message', id: msg },
      reason: 'spam',
      note: 'pills again',
    });
    expect(flag.statusCode, flag.body).toBe(201);
    expect(flag.json()).toMatchObject({
      target: { kind: 'message', id: msg },
      targetAuthor: { handle: alice.handle },
      reporter: { handle: bob.handle },
      reason: 'spam',
      status: 'open',
    });
    expect(
      (await api('POST', '/flags', bob, { target: { kind: 'message', id: msg }, reason: 'abuse' })).statusCode,
    ).toBe(409);
    expect(
      (await api('POST', '/flags', owner, { target: { kind: 'message', id: msg }, reason: 'abuse' })).statusCode,
    ).toBe(201);
    expect(
      (await api('POST', '/flags', bob, { target: { kind: 'discussion', id: th.id }, reason: 'spam' })).statusCode,
    ).toBe(201);
    expect(
      (await api('POST', '/flags', bob, { target: { kind: 'message', id: msg }, reason: 'boring' })).statusCode,
    ).toBe(400);
    expect(
      (await api('POST', '/flags', bob, { target: { kind: 'message', id: 'msg_nope' }, reason: 'spam' })).statusCode,
    ).toBe(404);
    expect(
      (await api('POST', '/flags', undefined as never, { target: { kind: 'message', id: msg }, reason: 'spam' }))
        .statusCode,
    ).toBe(401);
    const c = (await propose(ds.base, alice)).json();
    expect(
      (await api('POST', '/flags', bob, { target: { kind: 'contribution', id: c.id }, reason: 'wrong_data' }))
        .statusCode,
    ).toBe(201);

    const onUser = await api('POST', '/flags', bob, { target: { kind: 'user', id: alice.handle }, reason: 'abuse' });
    expect(onUser.statusCode, onUser.body).toBe(201);
    expect(
      (await api('POST', '/flags', bob, { target: { kind: 'user', id: alice.handle }, reason: 'spam' })).statusCode,
    ).toBe(409);
    expect(
      (await api('POST', '/flags', bob, { target: { kind: 'user', id: bob.handle }, reason: 'spam' })).statusCode,
    ).toBe(400);
    const flagged = (await eventsOf('user.flagged')).at(-1)!;
    expect(flagged).toMatchObject({ visibility: 'private', payload: { userId: alice.id } });

    // The queue: moderators only (administrators and trust level 4).
    expect((await api('GET', '/moderation/flags?status=open', bob)).statusCode).toBe(403);
    expect((await api('GET', '/moderation/flags?status=open', owner)).statusCode).toBe(403);
    const queue = await api('GET', '/moderation/flags?status=open', leader);
    expect(queue.statusCode, queue.body).toBe(200);
    expect(queue.json().items.length).toBeGreaterThanOrEqual(5);
    expect((await api('GET', '/moderation/flags?status=open&_limit=2', admin)).json().next).toContain('_cursor=');
    const dismissed = await api('POST', `/moderation/flags/${onUser.json().id}/dismiss`, leader);
    expect(dismissed.json().status).toBe('dismissed');
    expect((await api('POST', `/moderation/flags/${onUser.json().id}/dismiss`, leader)).statusCode).toBe(409);
    // Once handled, the same user may flag the same target again.
    expect(
      (await api('POST', '/flags', bob, { target: { kind: 'user', id: alice.handle }, reason: 'spam' })).statusCode,
    ).toBe(201);
  });

  it('does not let outsiders flag what they cannot see (drafts)', async () => {
    const ds = await api('POST', '/datasets', owner, {
      title: 'Secret draft',
      organization: org,
      license: 'etalab-2.0',
      status: 'draft',
    });
    const th = await thread(owner, ds.json().id, 'internal');
    expect(
      (await api('POST', '/flags', bob, { target: { kind: 'discussion', id: th.id }, reason: 'spam' })).statusCode,
    ).toBe(404);
  });
});

describe('hiding', () => {
  it('hides and restores messages, threads and contributions; only moderators; content.hidden costs reputation', async () => {
    const ds = await table();
    const th = await thread(alice, ds.id, 'Buy **cheap** pills at spam.example');
    const reply = (await api('POST', `/discussions/${th.id}/messages`, bob, { body: 'Legit answer' })).json()
      .messages[1];
    const msg = th.messages[0].id;
    await api('POST', '/flags', bob, { target: { kind: 'message', id: msg }, reason: 'spam' });
    const hide = { target: { kind: 'message', id: msg }, reason: 'spam <b>advert</b>' };
    expect((await api('POST', '/moderation/hide', bob, hide)).statusCode).toBe(403);
    expect((await api('POST', '/moderation/hide', owner, hide)).statusCode).toBe(403);
    const hidden = await api('POST', '/moderation/hide', leader, hide);
    expect(hidden.statusCode, hidden.body).toBe(200);
    expect((await api('POST', '/moderation/hide', admin, hide)).statusCode).toBe(409);

    const view = (await api('GET', `/discussions/${th.id}`)).json();
    expect(view.messages[0]).toMatchObject({
      body: 'hidden by moderation: spam <b>advert</b>',
      hidden: 'spam <b>advert</b>',
    });
    expect(view.messages[0].bodyHtml).toBe('<p><em>hidden by moderation: spam &lt;b&gt;advert&lt;/b&gt;</em></p>');
    expect(JSON.stringify(view)).not.toContain('pills');
    expect(view.messages[1].body).toBe('Legit answer');
    const event = (await eventsOf('content.hidden')).at(-1)!;
    expect(event.payload).toMatchObject({ authorId: alice.id, reason: 'spam <b>advert</b>' });
    // Open flags on the hidden message are resolved.
    const open = (await api('GET', '/moderation/flags?status=open&_limit=100', admin)).json().items as Array<{
      target: { id: string };
    }>;
    expect(open.some((f) => f.target.id === msg)).toBe(false);
    await t.dispatcher.drain();
    expect((await api('GET', `/users/${alice.handle}`)).json().reputation).toBe(-10);

    expect((await api('POST', '/moderation/restore', bob, { target: hide.target })).statusCode).toBe(403);
    expect((await api('POST', '/moderation/restore', leader, { target: hide.target })).statusCode).toBe(200);
    expect((await api('POST', '/moderation/restore', leader, { target: hide.target })).statusCode).toBe(409);
    expect((await api('GET', `/discussions/${th.id}`)).json().messages[0].body).toContain('pills');

    // A hidden thread hides its title and every message.
    expect(
      (await api('POST', '/moderation/hide', admin, { target: { kind: 'discussion', id: th.id }, reason: 'off-topic' }))
        .statusCode,
    ).toBe(200);
    const hiddenThread = (await api('GET', `/discussions/${th.id}`)).json();
    expect(hiddenThread).toMatchObject({ title: 'hidden by moderation: off-topic', hidden: 'off-topic' });
    expect(hiddenThread.messages.map((m: { body: string }) => m.body)).toEqual([
      'hidden by moderation: off-topic',
      'hidden by moderation: off-topic',
    ]);
    expect((await api('GET', `/discussions?subject=dataset:${ds.id}`)).json().items[0].title).toBe(
      'hidden by moderation: off-topic',
    );
    expect(reply.body).toBe('Legit answer');

    // Contributions: the comment gives way to the reason.
    const c = (
      await api('POST', `${ds.base}/contributions`, alice, {
        changes: [{ op: 'delete', rowId: 2 }],
        comment: 'visit spam.example',
      })
    ).json();
    expect(
      (await api('POST', '/moderation/hide', leader, { target: { kind: 'contribution', id: c.id }, reason: 'advert' }))
        .statusCode,
    ).toBe(200);
    const cv = (await api('GET', `/contributions/${c.id}`)).json();
    expect(cv.comment).toBe('hidden by moderation: advert');
    expect(cv.commentHtml).not.toContain('spam.example');
    expect(
      (await api('POST', '/moderation/hide', leader, { target: { kind: 'contribution', id: 'ctb_nope' }, reason: 'x' }))
        .statusCode,
    ).toBe(404);
  });
});

describe('suspension', () => {
  it("answers a suspended user's mutations with 403 and the reason, everywhere, until lifted", async () => {
    const ds = await table();
    const troll = await newUser(t, { prefix: 'troll' });
    const th = await thread(troll, ds.id, 'first');
    expect((await api('POST', `/moderation/users/${troll.handle}/suspend`, bob, { reason: 'x' })).statusCode).toBe(403);
    expect(
      (
        await api('POST', `/moderation/users/${troll.handle}/suspend`, leader, {
          reason: 'x',
          until: '2001-01-01T00:00:00Z',
        })
      ).statusCode,
    ).toBe(400);
    expect((await api('POST', `/moderation/users/${leader.handle}/suspend`, leader, { reason: 'x' })).statusCode).toBe(
      400,
    );
    expect((await api('POST', `/moderation/users/${admin.handle}/suspend`, leader, { reason: 'x' })).statusCode).toBe(
      403,
    );
    const s = await api('POST', `/moderation/users/${troll.handle}/suspend`, leader, {
      reason: 'Repeated insults',
      until: '2999-01-01T00:00:00Z',
    });
    expect(s.statusCode, s.body).toBe(200);
    expect(s.json()).toMatchObject({ suspended: true, reason: 'Repeated insults', until: '2999-01-01T00:00:00.000Z' });

    for (const res of [
      await api('POST', `/discussions/${th.id}/messages`, troll, { body: 'again' }),
      await api('POST', '/discussions', troll, { subject: { kind: 'dataset', id: ds.id }, title: 't', body: 'b' }),
      await propose(ds.base, troll),
      await api('POST', '/flags', troll, { target: { kind: 'user', id: bob.handle }, reason: 'spam' }),
      await api('POST', '/organizations', troll, { name: `Troll org ${process.pid}` }),
    ]) {
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().detail).toContain('Repeated insults');
    }
    expect((await api('GET', `/discussions/${th.id}`, troll)).statusCode).toBe(200);
    expect(await t.community.isSuspended(troll.id)).toMatchObject({ reason: 'Repeated insults' });
    // The service check holds without the HTTP hook too.
    const actor = {
      kind: 'user' as const,
      userId: troll.id,
      handle: troll.handle,
      isAdmin: false,
      via: 'session' as const,
      scopes: 'all' as const,
    };
    await expect(t.community.discussions.reply(actor, th.id, { body: 'x' })).rejects.toMatchObject({ status: 403 });

    expect((await api('POST', `/moderation/users/${troll.handle}/unsuspend`, bob)).statusCode).toBe(403);
    expect((await api('POST', `/moderation/users/${troll.handle}/unsuspend`, leader)).json().suspended).toBe(false);
    expect((await api('POST', `/moderation/users/${troll.handle}/unsuspend`, leader)).statusCode).toBe(409);
    expect((await api('POST', `/discussions/${th.id}/messages`, troll, { body: 'sorry' })).statusCode).toBe(201);

    // An expired suspension no longer applies.
    await t.db.kysely
      .insertInto('userSuspensions')
      .values({
        userId: troll.id,
        reason: 'old',
        until: '2001-01-01T00:00:00.000Z',
        suspendedBy: leader.id,
        createdAt: '2000-12-01T00:00:00.000Z',
      })
      .execute();
    expect(await t.community.isSuspended(troll.id)).toBeUndefined();
    expect((await api('POST', `/discussions/${th.id}/messages`, troll, { body: 'ok' })).statusCode).toBe(201);
    expect((await eventsOf('user.suspended')).length).toBe(1);
  });
});

describe('trust privileges', () => {
  it('limits proposals per day by trust level (level 1: 50; level 4: unlimited)', async () => {
    const ds = await table();
    const basic = await newUser(t, { prefix: 'basic' });
    await setTrust(basic, 1);
    for (let i = 0; i < 50; i++) expect((await propose(ds.base, basic)).statusCode).toBe(201);
    const refused = await propose(ds.base, basic);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().detail).toContain('50');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(80_000);
    await setTrust(basic, 4);
    for (let i = 0; i < 3; i++) expect((await propose(ds.base, basic)).statusCode).toBe(201);
  });

  it('applies direct edits by trust level ≥ 3 on datasets that allow them; others go to review', async () => {
    const ds = await table();
    expect((await api('GET', `/datasets/${ds.slug}/community-settings`)).json()).toEqual({
      allowDirectEdits: false,
      reviewersOptIn: false,
    });
    expect(
      (
        await api('PUT', `/datasets/${ds.slug}/community-settings`, alice, {
          allowDirectEdits: true,
          reviewersOptIn: false,
        })
      ).statusCode,
    ).toBe(403);
    const regular = await newUser(t, { prefix: 'regular' });
    const member = await newUser(t, { prefix: 'member' });
    await setTrust(regular, 3);
    await setTrust(member, 2);
    // Not allowed yet: even level 3 goes to review.
    expect((await propose(ds.base, regular, [{ op: 'update', rowId: 1, values: { nom: 'X' } }])).json().status).toBe(
      'pending',
    );
    const put = await api('PUT', `/datasets/${ds.slug}/community-settings`, owner, {
      allowDirectEdits: true,
      reviewersOptIn: false,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toEqual({ allowDirectEdits: true, reviewersOptIn: false });

    const direct = await propose(ds.base, regular, [
      { op: 'update', rowId: 2, values: { nom: 'Bêta' } },
      { op: 'insert', values: { code: 4, nom: 'Delta' } },
    ]);
    expect(direct.statusCode, direct.body).toBe(201);
    expect(direct.json()).toMatchObject({
      status: 'accepted',
      reviewer: { handle: regular.handle },
      suspicious: false,
    });
    const rows = (await api('GET', `${ds.base}/rows?_sort=_id`)).json().rows as Array<{ nom: string }>;
    expect(rows.map((r) => r.nom)).toEqual(['Alpha', 'Bêta', 'Gamma', 'Delta']);
    const accepted = (await eventsOf('contribution.accepted')).find((e) => e.subjectId === direct.json().id)!;
    expect(accepted.payload).toMatchObject({
      direct: true,
      reviewerId: regular.id,
      authorId: regular.id,
      rowsApplied: 2,
    });
    const revs = (await api('GET', `${ds.base}/rows/2/revisions`)).json().items;
    expect(revs[0]).toMatchObject({
      op: 'update',
      contributionId: direct.json().id,
      actor: { handle: regular.handle },
    });
    expect((await api('GET', `/datasets/${ds.slug}/changelog`)).json().items[0]).toMatchObject({
      kind: 'contribution',
      contributionId: direct.json().id,
    });
    // Revertible by the dataset's reviewers.
    expect((await api('POST', `${ds.base}/rows/2/revisions/${revs[0].id}/revert`, owner)).statusCode).toBe(201);

    // Level 2: to review.
    const reviewed = await propose(ds.base, member, [{ op: 'update', rowId: 3, values: { nom: 'G' } }]);
    expect(reviewed.json().status).toBe('pending');
  });

  it('lets trust level ≥ 3 users review on datasets that opt in (not their own); < 3 cannot', async () => {
    const ds = await table();
    const regular = await newUser(t, { prefix: 'optin' });
    const member = await newUser(t, { prefix: 'lvl2' });
    await setTrust(regular, 3);
    await setTrust(member, 2);
    const c1 = (await propose(ds.base, alice)).json();
    expect((await api('POST', `/contributions/${c1.id}/accept`, regular, {})).statusCode).toBe(403);
    await api('PUT', `/datasets/${ds.slug}/community-settings`, owner, {
      allowDirectEdits: false,
      reviewersOptIn: true,
    });
    expect((await api('POST', `/contributions/${c1.id}/accept`, member, {})).statusCode).toBe(403);
    expect((await api('GET', `/contributions/${c1.id}`, regular)).json().viewerCanReview).toBe(true);
    const ok = await api('POST', `/contributions/${c1.id}/accept`, regular, {});
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'accepted', reviewer: { handle: regular.handle } });
    const own = (await propose(ds.base, regular, [{ op: 'delete', rowId: 3 }])).json();
    expect(own.status).toBe('pending');
    expect((await api('POST', `/contributions/${own.id}/accept`, regular, {})).statusCode).toBe(403);
    const c2 = (await propose(ds.base, bob)).json();
    expect((await api('POST', `/contributions/${c2.id}/reject`, regular, { reason: 'No source' })).statusCode).toBe(
      200,
    );
  });
});
