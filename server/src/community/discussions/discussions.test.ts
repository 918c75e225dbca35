import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventType } from '../../events/catalog.js';
import { createTestApp, register, type Session, type TestApp } from '../../testing/harness.js';
import {
  apiClient,
  eventsOf as eventsIn,
  newOrganization,
  newDataset,
  newPublishedTable,
  newUser,
  type TestUser,
} from '../../testing/fixtures.js';
import { mentionedHandles } from './mentions.js';

let t: TestApp;
let api: ReturnType<typeof apiClient>;
let owner: TestUser;
let alice: TestUser;
let bob: TestUser;
let outsider: TestUser;
let org: string;

beforeAll(async () => {
  t = await createTestApp();
  api = apiClient(t);
  [owner, alice, bob, outsider] = [
    await newUser(t, { prefix: 'downer' }),
    await newUser(t, { prefix: 'alice' }),
    await newUser(t, { prefix: 'bob' }),
    await newUser(t, { prefix: 'doutsider' }),
  ];
  org = (await newOrganization(t, owner)).slug;
});
afterAll(async () => t.cleanup());

const eventsOf = (type: EventType) => eventsIn(t, type);
const dataset = (status: 'published' | 'draft' = 'published') => newDataset(t, owner, { organization: org, status });
async function withResource() {
  const { dataset: ds, resourceId } = await newPublishedTable(t, owner, 'code,nom\n1,Alpha\n2,Beta\n', {
    organization: org,
  });
  return { ...ds, rid: resourceId };
}
const open = (who: Session, subject: object, extra: object = {}) =>
  api('POST', '/discussions', who, { subject, title: 'A question', body: 'Is this right?', ...extra });

describe('discussions', () => {
  it('opens threads on datasets (by id or slug), resources and contributions; lists and reads them', async () => {
    const ds = await withResource();
    const onDataset = await open(alice, { kind: 'dataset', id: ds.id });
    expect(onDataset.statusCode, onDataset.body).toBe(201);
    expect(onDataset.json()).toMatchObject({
      subject: { kind: 'dataset', id: ds.id },
      dataset: ds.slug,
      title: 'A question',
      status: 'open',
      messageCount: 1,
      author: { handle: alice.handle },
      viewerSubscribed: true,
      viewerCanClose: false,
      viewerCanMarkHelpful: true,
    });
    const bySlug = await open(bob, { kind: 'dataset', id: ds.slug }, { title: 'Second' });
    expect(bySlug.json().subject).toEqual({ kind: 'dataset', id: ds.id });
    const onResource = await open(alice, { kind: 'resource', id: ds.rid });
    expect(onResource.statusCode, onResource.body).toBe(201);
    const proposal = await api('POST', `/datasets/${ds.slug}/resources/${ds.rid}/contributions`, bob, {
      changes: [{ op: 'update', rowId: 1, values: { nom: 'A' } }],
      comment: 'Fix',
    });
    const onContribution = await open(alice, { kind: 'contribution', id: proposal.json().id });
    expect(onContribution.statusCode, onContribution.body).toBe(201);

    const list = await api('GET', `/discussions?subject=dataset:${ds.id}`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items.map((i: { title: string }) => i.title)).toEqual(['Second', 'A question']);
    const paged = await api('GET', `/discussions?subject=dataset:${ds.slug}&_limit=1`);
    expect(paged.json().items).toHaveLength(1);
    expect(
      (
        await api('GET', new URL(paged.json().next).pathname.replace('/api/v1', '') + new URL(paged.json().next).search)
      ).json().items[0].title,
    ).toBe('A question');
    expect((await api('GET', `/discussions?subject=resource:${ds.rid}`)).json().items).toHaveLength(1);
    expect((await api('GET', `/discussions?subject=contribution:${proposal.json().id}`)).json().items).toHaveLength(1);
    expect((await api('GET', `/discussions?subject=dataset:nope`)).statusCode).toBe(404);
    expect((await api('GET', `/discussions?subject=user:x`)).statusCode).toBe(400);
    expect((await open(alice, { kind: 'resource', id: 'res_missing' })).statusCode).toBe(404);
    expect((await open(alice, { kind: 'dataset', id: ds.id }, { body: 'x'.repeat(10_001) })).statusCode).toBe(400);
    expect((await open(undefined as never, { kind: 'dataset', id: ds.id })).statusCode).toBe(401);

    const created = (await eventsOf('discussion.created')).find((e) => e.subjectId === onDataset.json().id)!;
    expect(created).toMatchObject({
      visibility: 'public',
      payload: { threadId: onDataset.json().id, subject: { kind: 'dataset', id: ds.id }, dataset: ds.slug },
    });
  });

  it('renders bodies sanitized (XSS)', async () => {
    const ds = await dataset();
    const hostile =
      'Hello **you** <script>alert(1)</script><img src=x onerror=alert(2)> [click](javascript:alert(3)) <a href="https://ok.example" onclick="x()">ok</a> <iframe src="https://evil"></iframe>';
    const res = await open(alice, { kind: 'dataset', id: ds.id }, { body: hostile, title: '<b>title</b>' });
    const html = res.json().messages[0].bodyHtml as string;
    expect(html).toContain('<strong>you</strong>');
    for (const bad of ['<script', 'onerror', 'javascript:', 'onclick', '<iframe', '<img'])
      expect(html).not.toContain(bad);
    expect(html).toContain('rel="nofollow ugc noopener"');
    expect(res.json().messages[0].body).toBe(hostile);
    const reply = await api('POST', `/discussions/${res.json().id}/messages`, bob, {
      body: '<svg onload=alert(1)>x</svg>',
    });
    expect(reply.json().messages[1].bodyHtml).not.toMatch(/svg|onload/);
  });

  it('subscribes authors and repliers; notifies subscribers but not the replier; unsubscribes', async () => {
    const ds = await dataset();
    const thread = (await open(alice, { kind: 'dataset', id: ds.id })).json();
    const [aliceId, bobId, ownerId] = [alice.id, bob.id, owner.id];
    const r1 = await api('POST', `/discussions/${thread.id}/messages`, bob, { body: 'An answer' });
    expect(r1.statusCode, r1.body).toBe(201);
    expect(r1.json()).toMatchObject({ messageCount: 2, viewerSubscribed: true });
    const replied = () =>
      eventsOf('discussion.replied').then((es) => es.filter((e) => e.subjectId === thread.id).map((e) => e.payload));
    expect(await replied()).toEqual([{ threadId: thread.id, subscriberIds: [aliceId], authorId: bobId }]);
    expect((await api('POST', `/discussions/${thread.id}/subscription`, owner)).json().viewerSubscribed).toBe(true);
    await api('POST', `/discussions/${thread.id}/messages`, alice, { body: 'Thanks' });
    expect((await replied())[1]).toEqual({ threadId: thread.id, subscriberIds: [bobId, ownerId], authorId: aliceId });
    expect((await api('DELETE', `/discussions/${thread.id}/subscription`, bob)).json().viewerSubscribed).toBe(false);
    await api('POST', `/discussions/${thread.id}/messages`, owner, { body: 'Noted' });
    expect((await replied())[2]).toEqual({ threadId: thread.id, subscriberIds: [aliceId], authorId: ownerId });
    const posted = (await eventsOf('discussion.message_posted')).filter((e) => e.subjectId === thread.id);
    expect(posted).toHaveLength(3);
    expect(posted[0]!.visibility).toBe('public');
    expect(JSON.stringify(posted[0]!.payload)).not.toContain('An answer');

    // The notifications consumer turns the event into a notification for Alice.
    await t.dispatcher.drain();
    const inbox = (await api('GET', '/me/notifications', alice)).json();
    expect(inbox.items.some((i: { link: string }) => i.link === `/discussions/${thread.id}`)).toBe(true);
  });

  it('notifies mentioned users: existing ones, not the author, at most 20, not in emails or code', async () => {
    const ds = await dataset();
    const many = await Promise.all(Array.from({ length: 25 }, (_, i) => register(t.app, `m${i}`)));
    const body = `@${bob.handle} and @${alice.handle} (me) and @ghost-user-${process.pid} and mail a@${outsider.handle} and \`@${outsider.handle}\` ${many.map((m) => `@${m.handle}`).join(' ')}`;
    const thread = (await open(alice, { kind: 'dataset', id: ds.id }, { body })).json();
    const mentions = (await eventsOf('user.mentioned')).filter((e) => e.subjectId === thread.id);
    expect(mentions).toHaveLength(20);
    expect(mentions[0]!.payload).toEqual({ userId: bob.id, threadId: thread.id, authorId: alice.id });
    const ids = mentions.map((m) => m.payload.userId);
    expect(ids).not.toContain(alice.id);
    expect(ids).not.toContain(outsider.id);
    expect(mentions.every((m) => m.visibility === 'private')).toBe(true);
    expect(mentionedHandles('@Bob, @bob and x@bob.org http://a/@c @@d `@e` @f_')).toEqual(['bob']);
  });

  it('lets the reviewers close and reopen; replies to a closed thread conflict', async () => {
    const ds = await dataset();
    const thread = (await open(alice, { kind: 'dataset', id: ds.id })).json();
    expect((await api('POST', `/discussions/${thread.id}/close`, alice, {})).statusCode).toBe(403);
    expect((await api('POST', `/discussions/${thread.id}/close`, outsider)).statusCode).toBe(403);
    const closed = await api('POST', `/discussions/${thread.id}/close`, owner, { resolution: 'Fixed in **v2**' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({
      status: 'closed',
      resolution: 'Fixed in **v2**',
      closedBy: { handle: owner.handle },
      viewerCanClose: true,
    });
    expect(closed.json().resolutionHtml).toContain('<strong>v2</strong>');
    expect((await api('POST', `/discussions/${thread.id}/close`, owner)).statusCode).toBe(409);
    expect((await api('POST', `/discussions/${thread.id}/messages`, bob, { body: 'late' })).statusCode).toBe(409);
    expect((await api('POST', `/discussions/${thread.id}/reopen`, alice)).statusCode).toBe(403);
    const reopened = await api('POST', `/discussions/${thread.id}/reopen`, owner);
    expect(reopened.json()).toMatchObject({ status: 'open', resolution: null, closedBy: null });
    expect((await api('POST', `/discussions/${thread.id}/messages`, bob, { body: 'now' })).statusCode).toBe(201);
    expect((await eventsOf('discussion.closed')).some((e) => e.subjectId === thread.id)).toBe(true);
    expect((await eventsOf('discussion.reopened')).some((e) => e.subjectId === thread.id)).toBe(true);
  });

  it('marks a message helpful (thread author or reviewer) and recognition rewards it', async () => {
    const ds = await dataset();
    const thread = (await open(alice, { kind: 'dataset', id: ds.id })).json();
    const answer = (await api('POST', `/discussions/${thread.id}/messages`, bob, { body: 'Look at column 3' })).json()
      .messages[1];
    const own = thread.messages[0];
    expect((await api('POST', `/discussions/${thread.id}/messages/${answer.id}/helpful`, outsider)).statusCode).toBe(
      403,
    );
    expect((await api('POST', `/discussions/${thread.id}/messages/${answer.id}/helpful`, bob)).statusCode).toBe(403);
    expect((await api('POST', `/discussions/${thread.id}/messages/${own.id}/helpful`, alice)).statusCode).toBe(400);
    expect((await api('POST', `/discussions/${thread.id}/messages/msg_nope/helpful`, alice)).statusCode).toBe(404);
    const marked = await api('POST', `/discussions/${thread.id}/messages/${answer.id}/helpful`, alice);
    expect(marked.statusCode, marked.body).toBe(200);
    expect(marked.json().messages[1]).toMatchObject({ helpful: true, markedHelpfulBy: { handle: alice.handle } });
    expect((await api('POST', `/discussions/${thread.id}/messages/${answer.id}/helpful`, owner)).statusCode).toBe(409);
    const event = (await eventsOf('discussion.answer_marked_helpful')).find((e) => e.payload.answerId === answer.id)!;
    expect(event.payload).toMatchObject({
      answerId: answer.id,
      authorId: bob.id,
      markedBy: alice.id,
    });
    await t.dispatcher.drain();
    const reputation = (await api('GET', `/users/${bob.handle}`)).json().reputation;
    expect(reputation).toBe(15);
  });

  it('keeps the discussions of drafts from outsiders', async () => {
    const ds = await dataset('draft');
    expect((await open(outsider, { kind: 'dataset', id: ds.id })).statusCode).toBe(404);
    const thread = await open(owner, { kind: 'dataset', id: ds.id });
    expect(thread.statusCode, thread.body).toBe(201);
    expect((await api('GET', `/discussions/${thread.json().id}`, outsider)).statusCode).toBe(404);
    expect((await api('GET', `/discussions/${thread.json().id}`)).statusCode).toBe(404);
    expect((await api('GET', `/discussions?subject=dataset:${ds.id}`, outsider)).statusCode).toBe(404);
    expect((await api('POST', `/discussions/${thread.json().id}/messages`, outsider, { body: 'hi' })).statusCode).toBe(
      404,
    );
    expect((await api('GET', `/discussions/${thread.json().id}`, owner)).statusCode).toBe(200);
    expect((await eventsOf('discussion.created')).find((e) => e.subjectId === thread.json().id)!.visibility).toBe(
      'organization',
    );
    const feed = (await api('GET', '/activity?type=discussion.created')).json().items as Array<{
      subjectId?: string;
      payload?: { threadId?: string };
    }>;
    expect(JSON.stringify(feed)).not.toContain(thread.json().id);
  });

  it('limits new accounts to 10 messages an hour (429 with Retry-After)', async () => {
    const ds = await dataset();
    const newcomer = await register(t.app, 'chatty');
    const thread = (await open(newcomer, { kind: 'dataset', id: ds.id })).json();
    for (let i = 0; i < 9; i++)
      expect((await api('POST', `/discussions/${thread.id}/messages`, newcomer, { body: `m${i}` })).statusCode).toBe(
        201,
      );
    const refused = await api('POST', `/discussions/${thread.id}/messages`, newcomer, { body: 'one more' });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3000);
    expect((await open(newcomer, { kind: 'dataset', id: ds.id })).statusCode).toBe(429);
  });
});
