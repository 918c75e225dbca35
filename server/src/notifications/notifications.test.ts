import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload, EventType } from '../events/catalog.js';
import { recordSample } from '../testing/events.js';
import { asSession, createTestApp, register, type Session, type TestApp } from '../testing/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.cleanup());

interface Person extends Session {
  id: string;
}

/** A registered user; verified (so mail can reach them) unless told otherwise, in the given language. */
async function person(options: { locale?: 'en' | 'fr'; verified?: boolean } = {}): Promise<Person> {
  const s = await register(t.app, 'ntf');
  const row = await t.db.kysely
    .selectFrom('users')
    .select('id')
    .where('handle', '=', s.handle)
    .executeTakeFirstOrThrow();
  if (options.verified !== false)
    await t.db.kysely
      .updateTable('users')
      .set({ emailVerifiedAt: new Date().toISOString() })
      .where('id', '=', row.id)
      .execute();
  if (options.locale) {
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: asSession(s),
      payload: { locale: options.locale },
    });
    expect(res.statusCode).toBe(200);
  }
  return { ...s, id: row.id };
}

/** Records a synthetic event as a service would, then lets the dispatcher deliver it. */
async function emit<T extends EventType>(
  type: T,
  actorId: string | null,
  payload: Partial<EventPayload<T>>,
): Promise<string> {
  const id = await recordSample(t.db.kysely, t.db.dialect, type, payload, { actorId });
  await t.dispatcher.drain();
  return id;
}

const list = (p: Session, query = '') =>
  t.app.inject({ method: 'GET', url: `/api/v1/me/notifications${query}`, headers: { cookie: p.cookie } });
const items = async (p: Session, query = '') => {
  const res = await list(p, query);
  expect(res.statusCode).toBe(200);
  return res.json() as {
    items: Array<{ id: string; type: string; text: string; link: string; read: boolean; createdAt: string }>;
    unreadCount: number;
    next: string | null;
  };
};
/** Only the given types: other capabilities (recognition) react to the same events and notify too. */
const ofTypes = async (p: Session, types: string[], query = '') =>
  (await items(p, query)).items.filter((i) => types.includes(i.type));
const changesRequested = (author: Person, reviewer: Person) =>
  emit('contribution.changes_requested', reviewer.id, {
    contributionId: 'ctb_2',
    dataset: 'trees-of-paris',
    authorId: author.id,
    reviewerId: reviewer.id,
  });
const mailsTo = (p: Session) =>
  t.db.kysely
    .selectFrom('mailOutbox')
    .selectAll()
    .where('to', '=', p.email)
    .where('subject', 'not like', 'Confirm your email%')
    .orderBy('id')
    .execute();
const setPrefs = (p: Session, body: unknown) =>
  t.app.inject({
    method: 'PUT',
    url: '/api/v1/me/notification-preferences',
    headers: asSession(p),
    payload: body as object,
  });

const accepted = (author: Person, reviewer: Person, extra: Partial<EventPayload<'contribution.accepted'>> = {}) =>
  emit('contribution.accepted', reviewer.id, {
    contributionId: 'ctb_1',
    dataset: 'trees-of-paris',
    datasetId: 'ds_1',
    resourceId: 'res_1',
    organizationId: null,
    authorId: author.id,
    reviewerId: reviewer.id,
    rowsApplied: 3,
    partial: false,
    submittedAt: new Date().toISOString(),
    ...extra,
  });

describe('notifications from events', () => {
  it('tells the author their contribution was accepted, in English, with a link and an immediate mail', async () => {
    const [author, reviewer] = [await person(), await person()];
    await accepted(author, reviewer);
    const page = await items(author);
    const mine = page.items.filter((i) => i.type === 'contribution.accepted');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      type: 'contribution.accepted',
      text: 'Your contribution to trees-of-paris was accepted',
      link: '/contributions/ctb_1',
      read: false,
    });
    expect(page.unreadCount).toBe(page.items.length);
    const mails = await mailsTo(author);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Your contribution to trees-of-paris was accepted');
    expect(mails[0]!.text).toContain('/contributions/ctb_1');
    // The reviewer (the actor) hears nothing.
    expect(
      await ofTypes(reviewer, ['contribution.accepted', 'contribution.rejected', 'contribution.changes_requested']),
    ).toHaveLength(0);
  });

  it('renders each type in the reader’s language (EN and FR), at read time', async () => {
    const cases: Array<[EventType, Record<string, unknown>, string, string, string?]> = [
      [
        'contribution.accepted',
        { contributionId: 'c1', dataset: 'arbres', partial: true, rowsApplied: 2 },
        'Your contribution to arbres was partially accepted',
        'Votre contribution à arbres a été acceptée en partie',
      ],
      [
        'contribution.rejected',
        { contributionId: 'c2', dataset: 'arbres', spam: false },
        'Your contribution to arbres was not accepted',
        'Votre contribution à arbres n’a pas été acceptée',
      ],
      [
        'contribution.changes_requested',
        { contributionId: 'c3', dataset: 'arbres' },
        'Changes were requested on your contribution to arbres',
        'Des modifications sont demandées sur votre contribution à arbres',
      ],
      [
        'badge.awarded',
        { badge: 'first-contribution', name: 'First contribution' },
        'You earned the badge “First contribution”',
        'Vous avez obtenu le badge « Première contribution »',
        'self',
      ],
      [
        'trust_level.changed',
        { from: 1, to: 2 },
        'Your trust level rose to 2',
        'Votre niveau de confiance est passé à 2',
        'self',
      ],
      [
        'discussion.replied',
        { threadId: 'thr_1' },
        'replied in a discussion you follow',
        'a répondu dans une discussion que vous suivez',
      ],
      [
        'user.mentioned',
        { threadId: 'thr_2' },
        'mentioned you in a discussion',
        'vous a mentionné dans une discussion',
      ],
    ];
    for (const [type, payload, en, fr, who] of cases) {
      const user = await person();
      const other = await person();
      const actor = who === 'self' ? user.id : other.id;
      const full =
        type === 'discussion.replied'
          ? { ...payload, subscriberIds: [user.id, other.id], authorId: other.id }
          : type === 'user.mentioned'
            ? { ...payload, userId: user.id, authorId: other.id }
            : who === 'self'
              ? payload
              : { ...payload, authorId: user.id, reviewerId: other.id };
      await emit(type, actor, full);
      const [item] = await ofTypes(user, [type]);
      expect(item?.type).toBe(type);
      expect(item?.text).toContain(en);
      if (type.startsWith('discussion') || type.startsWith('user.'))
        expect(item?.text.startsWith('Test ntf')).toBe(true); // the author's name
      // The same stored notification reads in French once the user's language is French.
      await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: asSession(user), payload: { locale: 'fr' } });
      expect((await ofTypes(user, [type]))[0]?.text).toContain(fr);
      expect(JSON.stringify(await mailsTo(user))).not.toContain('secret reason');
      expect(JSON.stringify(await mailsTo(user))).not.toContain('please fix');
    }
  });

  it('renders each stored notification in the reader’s language when read, a badge by its code', async () => {
    const user = await person(); // profile language: English
    await emit('badge.awarded', user.id, { badge: 'first-contribution', name: 'First contribution' });
    await emit('badge.awarded', user.id, { badge: 'retired-badge', name: 'Retired badge' });
    const read = async (headers: Record<string, string>, query = '') => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/me/notifications${query}`,
        headers: { cookie: user.cookie, ...headers },
      });
      expect(res.statusCode).toBe(200);
      return (res.json().items as Array<{ type: string; text: string }>)
        .filter((i) => i.type === 'badge.awarded')
        .map((i) => i.text);
    };
    // The interface says French (Accept-Language): French text, the badge's French name.
    expect(await read({ 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' })).toEqual([
      'Vous avez obtenu le badge « Retired badge »',
      'Vous avez obtenu le badge « Première contribution »',
    ]);
    // `?lang=` wins over the header; without either, the profile's language.
    expect(await read({ 'accept-language': 'fr' }, '?lang=en')).toContain('You earned the badge “First contribution”');
    expect(await read({})).toContain('You earned the badge “First contribution”');
    expect((await list(user, '?lang=de')).statusCode).toBe(400);
  });

  it('mails a French user in French', async () => {
    const [author, reviewer] = [await person({ locale: 'fr' }), await person()];
    await emit('contribution.rejected', reviewer.id, {
      contributionId: 'c9',
      dataset: 'arbres',
      authorId: author.id,
      reviewerId: reviewer.id,
      spam: false,
    });
    const [mail] = await mailsTo(author);
    expect(mail?.subject).toBe('Votre contribution à arbres n’a pas été acceptée');
    expect(mail?.text).toContain('Ouvrir');
  });

  it('never notifies people about their own action', async () => {
    const me = await person();
    const other = await person();
    await accepted(me, me); // self-review
    await emit('user.mentioned', me.id, { userId: me.id, threadId: 't', authorId: me.id });
    await emit('discussion.replied', me.id, { threadId: 't', subscriberIds: [me.id, other.id], authorId: me.id });
    // (Recognition may award me a badge for the accepted contribution: that is not my action.)
    expect(await ofTypes(me, ['contribution.accepted', 'user.mentioned', 'discussion.replied'])).toHaveLength(0);
    expect(await mailsTo(me)).toHaveLength(0);
    expect((await items(other)).items).toHaveLength(1);
  });

  it('skips unknown users without blocking the spine; a malformed payload is refused where it is recorded', async () => {
    const user = await person();
    await emit('contribution.accepted', null, { contributionId: 'x', dataset: 'd', authorId: 'usr_nobody' });
    await emit('user.mentioned', null, { userId: 'usr_nobody', threadId: 't', authorId: user.id });
    const cursor = await t.db.kysely
      .selectFrom('eventCursors')
      .selectAll()
      .where('consumer', '=', 'notifications')
      .executeTakeFirstOrThrow();
    expect(cursor.lastError).toBeNull();
    expect(cursor.attempts).toBe(0);
    expect((await items(user)).items).toHaveLength(0);
    // The catalog checks what consumers used to re-parse defensively, and a reason cannot travel in the event.
    await expect(emit('user.mentioned', null, { userId: 42 } as never)).rejects.toThrow(/userId/);
    await expect(emit('contribution.rejected', null, { reason: 'secret reason' } as never)).rejects.toThrow(/reason/);
  });

  it('is idempotent: an event delivered again makes no second notification and no second mail', async () => {
    const [author, reviewer] = [await person(), await person()];
    const eventId = await accepted(author, reviewer);
    // Rewind the consumer: every event is delivered again.
    await t.db.kysely.deleteFrom('eventCursors').where('consumer', '=', 'notifications').execute();
    await t.dispatcher.drain();
    const rows = await t.db.kysely.selectFrom('notifications').selectAll().where('eventId', '=', eventId).execute();
    expect(rows).toHaveLength(1);
    expect(await mailsTo(author)).toHaveLength(1);
  });

  it('mails only verified addresses', async () => {
    const [author, reviewer] = [await person({ verified: false }), await person()];
    await accepted(author, reviewer);
    expect(await ofTypes(author, ['contribution.accepted'])).toHaveLength(1);
    expect(await mailsTo(author)).toHaveLength(0);
  });
});

describe('preferences', () => {
  it('lists the defaults: in-app on; contribution results mailed at once, the rest daily', async () => {
    const user = await person();
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me/notification-preferences',
      headers: { cookie: user.cookie },
    });
    expect(res.statusCode).toBe(200);
    const byType = Object.fromEntries(
      res.json().items.map((p: { type: string; inApp: boolean; email: string }) => [p.type, p]),
    );
    expect(byType['contribution.accepted']).toEqual({ type: 'contribution.accepted', inApp: true, email: 'immediate' });
    expect(byType['contribution.rejected'].email).toBe('immediate');
    expect(byType['contribution.changes_requested'].email).toBe('immediate');
    expect(byType['badge.awarded']).toEqual({ type: 'badge.awarded', inApp: true, email: 'daily' });
    expect(byType['user.mentioned'].email).toBe('daily');
    // Owners hear at once that a proposal has nobody else to review it.
    expect(byType['contribution.awaiting_reviewer'].email).toBe('immediate');
    // A service request's steps, complaints and missed objectives are mailed at once too.
    expect(byType['service_case.updated'].email).toBe('immediate');
    expect(byType['service.objective_missed'].email).toBe('immediate');
    expect(res.json().items).toHaveLength(11);
  });

  it('email off: notified in-app, no mail; in-app off and email off: nothing', async () => {
    const [author, reviewer] = [await person(), await person()];
    const res = await setPrefs(author, {
      items: [
        { type: 'contribution.accepted', email: 'off' },
        { type: 'contribution.rejected', inApp: false, email: 'off' },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.find((p: { type: string }) => p.type === 'contribution.accepted')).toEqual({
      type: 'contribution.accepted',
      inApp: true,
      email: 'off',
    });
    await accepted(author, reviewer);
    await emit('contribution.rejected', reviewer.id, {
      contributionId: 'c',
      dataset: 'd',
      authorId: author.id,
      reviewerId: reviewer.id,
      spam: false,
    });
    expect((await ofTypes(author, ['contribution.accepted', 'contribution.rejected'])).map((i) => i.type)).toEqual([
      'contribution.accepted',
    ]);
    expect(await mailsTo(author)).toHaveLength(0);
    // A later PUT changes only what it names.
    await setPrefs(author, { items: [{ type: 'contribution.accepted', inApp: false }] });
    const after = (
      await t.app.inject({
        method: 'GET',
        url: '/api/v1/me/notification-preferences',
        headers: { cookie: author.cookie },
      })
    ).json();
    expect(after.items.find((p: { type: string }) => p.type === 'contribution.accepted')).toEqual({
      type: 'contribution.accepted',
      inApp: false,
      email: 'off',
    });
  });

  it('refuses unknown types, unknown values and unknown fields with 400', async () => {
    const user = await person();
    expect((await setPrefs(user, { items: [{ type: 'nope.nothing', email: 'off' }] })).statusCode).toBe(400);
    expect((await setPrefs(user, { items: [{ type: 'badge.awarded', email: 'weekly' }] })).statusCode).toBe(400);
    expect((await setPrefs(user, { items: [{ type: 'badge.awarded', inApp: 'yes' }] })).statusCode).toBe(400);
    expect((await setPrefs(user, { items: [{ type: 'badge.awarded', push: true }] })).statusCode).toBe(400);
    expect((await setPrefs(user, { items: [] })).statusCode).toBe(400);
    expect((await setPrefs(user, {})).statusCode).toBe(400);
    const res = await setPrefs(user, { items: [{ type: 'nope', email: 'off' }] });
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});

describe('the daily digest', () => {
  it('mails the daily notifications once per day, marks them, and leaves immediate ones out', async () => {
    const [user, other] = [await person(), await person()];
    await emit('badge.awarded', user.id, { badge: 'early', name: 'Early bird' });
    // The badge notification leads to where badges are shown: the holder's public profile.
    const badge = (await items(user)).items.find((i) => i.type === 'badge.awarded');
    expect(badge?.link).toBe(`/users/${user.handle}#profile-badges`);
    await emit('trust_level.changed', user.id, { from: 0, to: 1 });
    await changesRequested(user, other); // immediate: mailed on its own
    expect((await mailsTo(user)).map((m) => m.subject)).toEqual([
      'Changes were requested on your contribution to trees-of-paris',
    ]);

    const day1 = new Date('2031-03-01T08:00:00Z');
    await t.notifications.sendDailyDigests(day1);
    const mails = await mailsTo(user);
    expect(mails).toHaveLength(2);
    const digest = mails[1]!;
    expect(digest.subject).toBe('Your daily summary: 2 notifications');
    expect(digest.text).toContain('You earned the badge “Early bird”');
    expect(digest.text).toContain('Your trust level rose to 1');
    expect(digest.text).not.toContain('trees-of-paris');
    const marked = await t.db.kysely
      .selectFrom('notifications')
      .select(['type', 'emailedAt'])
      .where('userId', '=', user.id)
      .where('email', '=', 'daily')
      .execute();
    expect(marked.every((n) => n.emailedAt !== null)).toBe(true);

    // Once per day: a new notification the same day waits for the next day.
    await emit('badge.awarded', user.id, { badge: 'second', name: 'Second' });
    await t.notifications.sendDailyDigests(new Date('2031-03-01T09:00:00Z'));
    expect(await mailsTo(user)).toHaveLength(2);
    await t.notifications.sendDailyDigests(new Date('2031-03-02T00:30:00Z'));
    const next = await mailsTo(user);
    expect(next).toHaveLength(3);
    expect(next[2]!.subject).toBe('Your daily summary: 1 notification');
    expect(next[2]!.text).toContain('Second');
    expect(next[2]!.text).not.toContain('Early bird');
    // Nothing pending: nothing sent.
    await t.notifications.sendDailyDigests(new Date('2031-03-03T00:30:00Z'));
    expect(await mailsTo(user)).toHaveLength(3);
  });

  it('sends a digest instead of an immediate mail when the user chose daily, in their language', async () => {
    const [author, reviewer] = [await person({ locale: 'fr' }), await person()];
    await setPrefs(author, { items: [{ type: 'contribution.changes_requested', email: 'daily' }] });
    await changesRequested(author, reviewer);
    expect(await mailsTo(author)).toHaveLength(0);
    await t.notifications.sendDailyDigests(new Date('2031-04-01T08:00:00Z'));
    const mails = await mailsTo(author);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Votre résumé du jour : 1 notification');
    expect(mails[0]!.text).toContain('Des modifications sont demandées sur votre contribution à trees-of-paris');
    expect(mails[0]!.text).not.toContain('please add sources');
  });

  it('leaves out types switched off since', async () => {
    const user = await person();
    await emit('badge.awarded', user.id, { badge: 'b', name: 'B' });
    await setPrefs(user, { items: [{ type: 'badge.awarded', email: 'off' }] });
    await t.notifications.sendDailyDigests(new Date('2031-05-01T08:00:00Z'));
    expect(await mailsTo(user)).toHaveLength(0);
  });
});

describe('the notification center', () => {
  async function withNotifications(n: number) {
    const [user, other] = [await person(), await person()];
    for (let i = 0; i < n; i++)
      await emit('user.mentioned', other.id, { userId: user.id, threadId: `thr_${i}`, authorId: other.id });
    return { user, other };
  }

  it('paginates newest first and counts unread', async () => {
    const { user } = await withNotifications(5);
    const first = await items(user, '?_limit=2');
    expect(first.items.map((i) => i.link)).toEqual(['/discussions/thr_4', '/discussions/thr_3']);
    expect(first.unreadCount).toBe(5);
    expect(first.next).toBeTruthy();
    const second = await items(user, `?_limit=2&_cursor=${new URL(first.next!).searchParams.get('_cursor')}`);
    expect(second.items.map((i) => i.link)).toEqual(['/discussions/thr_2', '/discussions/thr_1']);
    const third = await items(user, `?_limit=2&_cursor=${new URL(second.next!).searchParams.get('_cursor')}`);
    expect(third.items.map((i) => i.link)).toEqual(['/discussions/thr_0']);
    expect(third.next).toBeNull();
    expect((await list(user, '?_cursor=garbage')).statusCode).toBe(400);
    expect((await list(user, '?_limit=0')).statusCode).toBe(400);
  });

  it('marks one read, then all read; the unread filter follows', async () => {
    const { user } = await withNotifications(3);
    const [newest] = (await items(user)).items;
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/me/notifications/${newest!.id}/read`,
      headers: asSession(user),
    });
    expect(res.statusCode).toBe(204);
    const after = await items(user);
    expect(after.unreadCount).toBe(2);
    expect(after.items.find((i) => i.id === newest!.id)?.read).toBe(true);
    expect((await items(user, '?unread=true')).items.map((i) => i.id)).not.toContain(newest!.id);
    expect((await items(user, '?unread=true')).items).toHaveLength(2);
    // Marking read again is harmless.
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/api/v1/me/notifications/${newest!.id}/read`,
          headers: asSession(user),
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/me/notifications/read-all', headers: asSession(user) }))
        .statusCode,
    ).toBe(204);
    const done = await items(user);
    expect(done.unreadCount).toBe(0);
    expect(done.items.every((i) => i.read)).toBe(true);
    expect((await items(user, '?unread=true')).items).toHaveLength(0);
  });

  it('answers 404 for another user’s notification, and leaves it unread', async () => {
    const { user } = await withNotifications(1);
    const stranger = await person();
    const [item] = (await items(user)).items;
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/me/notifications/${item!.id}/read`,
      headers: asSession(stranger),
    });
    expect(res.statusCode).toBe(404);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/me/notifications/ntf_nope/read',
          headers: asSession(stranger),
        })
      ).statusCode,
    ).toBe(404);
    expect((await items(user)).unreadCount).toBe(1);
    // read-all marks only one's own.
    await t.app.inject({ method: 'POST', url: '/api/v1/me/notifications/read-all', headers: asSession(stranger) });
    expect((await items(user)).unreadCount).toBe(1);
  });

  it('needs a user (401) and the profile scopes for tokens (403)', async () => {
    const user = await person();
    for (const [method, url] of [
      ['GET', '/api/v1/me/notifications'],
      ['POST', '/api/v1/me/notifications/read-all'],
      ['POST', '/api/v1/me/notifications/x/read'],
      ['GET', '/api/v1/me/notification-preferences'],
      ['PUT', '/api/v1/me/notification-preferences'],
    ] as const) {
      const res = await t.app.inject({
        method,
        url,
        ...(method === 'PUT' ? { payload: { items: [{ type: 'badge.awarded', email: 'off' }] } } : {}),
      });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
    const mint = async (scopes: string[]) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/me/tokens',
          headers: asSession(user),
          payload: { name: scopes.join(' ') || 'x', scopes },
        })
      ).json().token as string;
    const orgOnly = await mint(['organizations:read']);
    const readOnly = await mint(['profile:read']);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me/notifications', headers: bearer(orgOnly) })).statusCode,
    ).toBe(403);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me/notification-preferences', headers: bearer(orgOnly) }))
        .statusCode,
    ).toBe(403);
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me/notifications', headers: bearer(readOnly) })).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/me/notifications/read-all', headers: bearer(readOnly) }))
        .statusCode,
    ).toBe(403);
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers: bearer(readOnly),
      payload: { items: [{ type: 'badge.awarded', email: 'off' }] },
    });
    expect(put.statusCode).toBe(403);
    const writer = await mint(['profile:read', 'profile:write']);
    const ok = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers: bearer(writer),
      payload: { items: [{ type: 'badge.awarded', email: 'off' }] },
    });
    expect(ok.statusCode).toBe(200);
  });
});

describe('the digest timer', () => {
  it('checks at once when started, and stop() waits for the check in progress', async () => {
    const user = await person();
    await emit('badge.awarded', user.id, { badge: 'timer', name: 'Timer' });
    t.notifications.start();
    await t.notifications.stop();
    const mails = await mailsTo(user);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain('Timer');
  });
});
