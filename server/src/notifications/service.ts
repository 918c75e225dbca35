import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { readBool, readJson } from '../db/database.js';
import type { Clock } from '../kernel/clock.js';
import type { UserActor } from '../kernel/actor.js';
import { ulid } from '../kernel/ids.js';
import { notFound } from '../kernel/errors.js';
import { decodeCursor, encodeCursor, isKeyCursor, type Page } from '../kernel/pagination.js';
import type { Consumer } from '../events/dispatcher.js';
import type { StoredEvent } from '../events/schema.js';
import type { MailMessage } from '../platform/index.js';
import { localeOf, mailText, renderText, type Locale, type Names, type Params } from './messages.js';
import type { NotificationStore } from './store.js';

export const notificationTypes = [
  'contribution.accepted',
  'contribution.rejected',
  'contribution.changes_requested',
  'contribution.awaiting_reviewer',
  'badge.awarded',
  'trust_level.changed',
  'discussion.replied',
  'user.mentioned',
  'service_case.updated',
  'service_case.complaint',
  'service.objective_missed',
] as const;
export type NotificationType = (typeof notificationTypes)[number];
export type EmailMode = 'immediate' | 'daily' | 'off';

export interface Preference {
  type: NotificationType;
  inApp: boolean;
  email: EmailMode;
}

/** In-app on for all; results of one's contributions mailed at once, the rest in the daily digest. */
export function defaultPreference(type: NotificationType): Preference {
  return {
    type,
    inApp: true,
    email: type.startsWith('contribution.') || type.startsWith('service') ? 'immediate' : 'daily',
  };
}

export interface NotificationItem {
  id: string;
  type: string;
  text: string;
  link: string;
  read: boolean;
  createdAt: string;
}

/** What the notifications need of the accounts store: who people are, their address and language. */
export interface Recipients {
  findManyByIds(
    db: Kysely<Database>,
    ids: string[],
  ): Promise<
    Array<{
      id: string;
      email: string;
      name: string;
      handle: string;
      emailVerifiedAt: string | null;
      locale: string | null;
    }>
  >;
}

export interface NotificationsDeps {
  db: Kysely<Database>;
  store: NotificationStore;
  clock: Clock;
  accounts: Recipients;
  mail: { enqueue(trx: Kysely<Database>, message: MailMessage): Promise<void> };
  baseUrl: string;
  /** Names looked up by code in the reader's language (badges). */
  names?: Names;
}

interface Planned {
  userIds: string[];
  params: Params;
  link: string;
  /** Whose name goes in the text (`author`), resolved when the notification is made. */
  authorId?: string;
}

const enc = encodeURIComponent;

/** Who hears about an event, and what they are told. Never the person who acted. */
function plan(event: StoredEvent<NotificationType>): Planned | undefined {
  switch (event.type) {
    case 'contribution.accepted':
    case 'contribution.rejected':
    case 'contribution.changes_requested': {
      const p = event.payload;
      // The reason for a rejection and the reviewer's comment stay on the contribution page.
      const params: Params = { dataset: p.dataset };
      if (event.type === 'contribution.accepted') params.partial = event.payload.partial;
      return { userIds: [p.authorId], params, link: `/contributions/${enc(p.contributionId)}` };
    }
    case 'contribution.awaiting_reviewer': {
      // Nobody else in the organization may review: its owners (or the platform administrators) are told.
      const p = event.payload;
      return {
        userIds: p.recipientIds,
        params: { dataset: p.dataset },
        link: `/contributions/${enc(p.contributionId)}`,
        authorId: p.authorId,
      };
    }
    case 'badge.awarded': {
      // The awarded user is the event's actor (the system acts on their behalf): not a self-notification.
      // Replaced by the awarded user's public profile, where badges are shown, once the user is known.
      const user = event.actorId;
      if (!user) return undefined;
      return { userIds: [user], params: { badge: event.payload.badge, name: event.payload.name }, link: '/badges' };
    }
    case 'trust_level.changed': {
      const user = event.actorId;
      if (!user) return undefined;
      return { userIds: [user], params: { from: event.payload.from, to: event.payload.to }, link: '/account' };
    }
    case 'discussion.replied': {
      const { threadId, authorId, subscriberIds } = event.payload;
      const ids = subscriberIds.filter((s) => s !== authorId);
      return { userIds: ids, params: { threadId }, link: `/discussions/${enc(threadId)}`, authorId };
    }
    case 'user.mentioned': {
      const { userId, threadId, authorId } = event.payload;
      if (userId === authorId) return undefined;
      return { userIds: [userId], params: { threadId }, link: `/discussions/${enc(threadId)}`, authorId };
    }
    case 'service_case.updated': {
      const p = event.payload;
      return {
        userIds: p.recipientIds,
        params: { service: p.service, action: p.action },
        link: `/cases/${enc(p.caseId)}`,
      };
    }
    case 'service_case.complaint': {
      const p = event.payload;
      return { userIds: p.recipientIds, params: { service: p.service }, link: `/cases/${enc(p.caseId)}` };
    }
    case 'service.objective_missed': {
      const p = event.payload;
      return {
        userIds: p.recipientIds,
        params: { service: p.service, month: p.month, share: Math.round(p.withinShare * 100) },
        link: `/services/${enc(p.service)}#performance`,
      };
    }
  }
}

const dayOf = (now: Date) => now.toISOString().slice(0, 10);
const isType = (t: string): t is NotificationType => (notificationTypes as readonly string[]).includes(t);

export function createNotificationService(deps: NotificationsDeps) {
  const { db, store, clock } = deps;

  async function preferencesOf(
    executor: Kysely<Database>,
    userIds: string[],
  ): Promise<Map<string, Map<string, Preference>>> {
    const out = new Map<string, Map<string, Preference>>();
    if (userIds.length === 0) return out;
    const rows = await store.preferencesOf(executor, userIds);
    for (const r of rows) {
      if (!isType(r.type)) continue;
      const byType = out.get(r.userId) ?? new Map<string, Preference>();
      byType.set(r.type, { type: r.type, inApp: readBool(r.inApp), email: r.email });
      out.set(r.userId, byType);
    }
    return out;
  }

  function mailFor(text: string, link: string, locale: Locale): string {
    const m = mailText(locale);
    return `${text}\n\n${m.open}: ${deps.baseUrl}${link}\n\n--\n${m.manage}: ${deps.baseUrl}/account`;
  }

  /** The consumer's work, in the dispatcher's transaction: notifications and immediate mail apply once. */
  async function handle(event: StoredEvent<NotificationType>, trx: Kysely<Database>): Promise<void> {
    const planned = plan(event);
    if (!planned) return;
    const type = event.type;
    const wanted = [...new Set(planned.userIds)].filter(
      (id) => id !== event.actorId || type === 'badge.awarded' || type === 'trust_level.changed',
    );
    if (wanted.length === 0) return;
    // Unknown ids (a deleted user, a bad payload) are skipped rather than blocking the spine.
    const lookup = planned.authorId ? [...wanted, planned.authorId] : wanted;
    const people = new Map((await deps.accounts.findManyByIds(trx, lookup)).map((u) => [u.id, u]));
    const params: Params = { ...planned.params };
    if (planned.authorId) params.author = people.get(planned.authorId)?.name ?? null;
    const prefsByUser = await preferencesOf(trx, wanted);
    const now = clock.now().toISOString();
    for (const userId of wanted) {
      const user = people.get(userId);
      if (!user) continue;
      const pref = prefsByUser.get(userId)?.get(type) ?? defaultPreference(type);
      // Mail goes only to verified addresses: an account cannot aim notifications at someone else's inbox.
      const email: EmailMode = user.emailVerifiedAt ? pref.email : 'off';
      if (!pref.inApp && email === 'off') continue;
      // A badge is shown on its holder's public profile.
      const link = type === 'badge.awarded' ? `/users/${enc(user.handle)}#profile-badges` : planned.link;
      const inserted = await store.insert(trx, {
        id: `ntf_${ulid().toLowerCase()}`,
        userId,
        type,
        eventId: event.id,
        params: JSON.stringify(params),
        link,
        inApp: pref.inApp ? 1 : 0,
        email,
        emailedAt: email === 'immediate' ? now : null,
        readAt: null,
        createdAt: now,
      });
      // Already there (an event delivered again): no second mail either.
      if (!inserted) continue;
      if (email === 'immediate') {
        const locale = localeOf(user.locale);
        const text = renderText(type, params, locale, deps.names);
        await deps.mail.enqueue(trx, { to: user.email, subject: text, text: mailFor(text, link, locale) });
      }
    }
  }

  /**
   * Mails each user, at most once per UTC day, the digest of their notifications set to `daily`
   * and not mailed yet, and marks them. Safe to run from several instances at once.
   */
  async function sendDailyDigests(now: Date = clock.now()): Promise<number> {
    const day = dayOf(now);
    const pending = await store.pendingDigestUsers(db, day);
    let sent = 0;
    for (const userId of pending) {
      const done = await db.transaction().execute(async (trx) => {
        if (!(await store.claimDigest(trx, userId, day, now.toISOString()))) return false;
        const rows = await store.pendingDaily(trx, userId);
        const [user] = await deps.accounts.findManyByIds(trx, [userId]);
        const prefs = (await preferencesOf(trx, [userId])).get(userId);
        // A type switched to 'off' since is not mailed any more.
        const included = rows.filter(
          (r) => isType(r.type) && (prefs?.get(r.type) ?? defaultPreference(r.type)).email !== 'off',
        );
        await store.markEmailed(
          trx,
          rows.map((r) => r.id),
          now.toISOString(),
        );
        if (!user?.emailVerifiedAt || included.length === 0) return false;
        await store.setDigestCount(trx, userId, day, included.length);
        const locale = localeOf(user.locale);
        const m = mailText(locale);
        const shown = included.slice(0, 50);
        const lines = shown.map(
          (r) => `- ${renderText(r.type, readJson<Params>(r.params), locale, deps.names)}\n  ${deps.baseUrl}${r.link}`,
        );
        if (included.length > shown.length) lines.push(m.more(included.length - shown.length));
        await deps.mail.enqueue(trx, {
          to: user.email,
          subject: m.digestSubject(included.length),
          text: `${m.digestIntro}\n\n${lines.join('\n')}\n\n--\n${m.manage}: ${deps.baseUrl}/account`,
        });
        return true;
      });
      if (done) sent++;
    }
    return sent;
  }

  async function localeFor(actor: UserActor): Promise<Locale> {
    const [user] = await deps.accounts.findManyByIds(db, [actor.userId]);
    return localeOf(user?.locale);
  }

  return {
    /** Erasure of an account: its notifications go with it. */
    async forgetUser(userId: string): Promise<void> {
      await db.transaction().execute((trx) => store.deleteUser(trx, userId));
    },
    consumer: {
      name: 'notifications',
      types: notificationTypes,
      handle,
    } satisfies Consumer<NotificationType>,
    sendDailyDigests,

    async list(
      actor: UserActor,
      query: { unread?: boolean; _cursor?: string; _limit?: number },
      /** The reader's language (the interface's); their profile's when the request does not say. */
      readerLocale?: Locale,
    ): Promise<Page<NotificationItem> & { unreadCount: number }> {
      const limit = query._limit ?? 20;
      const rows = await store.listInApp(db, actor.userId, {
        unread: query.unread,
        beforeId: query._cursor ? decodeCursor(query._cursor, isKeyCursor).k : undefined,
        limit: limit + 1,
      });
      const locale = readerLocale ?? (await localeFor(actor));
      const items = rows.slice(0, limit).map((r) => ({
        id: r.id,
        type: r.type,
        text: renderText(r.type, readJson<Params>(r.params), locale, deps.names),
        link: r.link,
        read: r.readAt !== null,
        createdAt: r.createdAt,
      }));
      const last = items[items.length - 1];
      return {
        items,
        nextCursor: rows.length > limit && last ? encodeCursor({ k: last.id }) : null,
        unreadCount: await unreadCount(actor),
      };
    },

    unreadCount,

    async markRead(actor: UserActor, id: string): Promise<void> {
      const found = await store.findInApp(db, actor.userId, id);
      // Another user's notification is as absent as one that does not exist.
      if (!found) throw notFound('Notification');
      if (found.readAt === null) await store.markRead(db, id, clock.now().toISOString());
    },

    async markAllRead(actor: UserActor): Promise<number> {
      return store.markAllRead(db, actor.userId, clock.now().toISOString());
    },

    preferences,

    async setPreferences(
      actor: UserActor,
      changes: Array<{ type: NotificationType; inApp?: boolean; email?: EmailMode }>,
    ): Promise<Preference[]> {
      await db.transaction().execute(async (trx) => {
        const mine = (await preferencesOf(trx, [actor.userId])).get(actor.userId);
        for (const change of changes) {
          const current = mine?.get(change.type) ?? defaultPreference(change.type);
          const next = { inApp: change.inApp ?? current.inApp, email: change.email ?? current.email };
          await store.upsertPreference(trx, { userId: actor.userId, type: change.type, ...next });
        }
      });
      return preferences(actor);
    },
  };

  async function preferences(actor: UserActor): Promise<Preference[]> {
    const mine = (await preferencesOf(db, [actor.userId])).get(actor.userId);
    return notificationTypes.map((type) => mine?.get(type) ?? defaultPreference(type));
  }

  async function unreadCount(actor: UserActor): Promise<number> {
    return store.unreadCount(db, actor.userId);
  }
}
export type NotificationService = ReturnType<typeof createNotificationService>;
