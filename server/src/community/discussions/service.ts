import type { Kysely } from 'kysely';
import type { Database, DatasetsTable } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { Actor, UserActor } from '../../kernel/actor.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../kernel/errors.js';
import { ulid } from '../../kernel/ids.js';
import { renderMarkdown } from '../../kernel/markdown.js';
import { decodeCursor, encodeCursor, isKeyCursor, type Page } from '../../kernel/pagination.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { Directory } from '../../events/service.js';
import type { OrganizationAccess } from '../../platform/index.js';
import type { DatasetService } from '../../data/index.js';
import { canReview } from '../review-access.js';
import type { Privileges } from '../moderation/privileges.js';
import type { HideKind } from '../moderation/schema.js';
import { MAX_MENTIONS, mentionedHandles } from './mentions.js';
import type { DiscussionStore, MessageRow, ThreadRow } from './store.js';
import type {
  CloseBody,
  CreateThreadBody,
  MessageBody,
  MessageView,
  SubjectKind,
  ThreadQuery,
  ThreadSummary,
  ThreadView,
} from './schema.js';

/** Finds the dataset (slug) a subject belongs to; undefined when there is no such subject. */
export interface SubjectResolver {
  datasetSlugOf(kind: SubjectKind, id: string): Promise<string | undefined>;
  /** The author of a subject who, besides the dataset's reviewers, looks after its discussions (a reuse's author). */
  stewardOf?(kind: SubjectKind, id: string): Promise<string | undefined>;
}

export interface DiscussionServiceDeps {
  db: Kysely<Database>;
  store: DiscussionStore;
  events: EventRecorder;
  clock: Clock;
  access: OrganizationAccess;
  directory: Directory;
  datasets: DatasetService;
  privileges: Privileges;
  subjects: SubjectResolver;
  /** Moderation's read model: public reasons of hidden targets. */
  hiddenOf(kind: HideKind, ids: string[]): Promise<Map<string, string>>;
  /** When an account was created (new accounts are rate limited). */
  accountCreatedAt(userId: string): Promise<string | undefined>;
}

const HOUR_MS = 3600 * 1000;
const DAY_MS = 24 * HOUR_MS;
export const NEW_ACCOUNT_MESSAGES_PER_HOUR = 10;
const MAX_MESSAGES_SHOWN = 1000;
type DatasetRow = DatasetsTable;

export const hiddenText = (reason: string) => `hidden by moderation: ${reason}`;
const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function createDiscussionService(deps: DiscussionServiceDeps) {
  const { db, store, events, clock, access, privileges } = deps;
  const now = () => clock.now().toISOString();
  const visibilityOf = (dataset: DatasetRow) =>
    (dataset.status === 'draft' ? 'organization' : 'public') as 'organization' | 'public';

  async function commit<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    const result = await db.transaction().execute(work);
    events.notify();
    return result;
  }

  /** The dataset behind a subject, if the actor may see it (drafts: their editors only). */
  async function subjectDataset(
    actor: Actor,
    kind: SubjectKind,
    id: string,
  ): Promise<{ dataset: DatasetRow; subjectId: string }> {
    const slug = await deps.subjects.datasetSlugOf(kind, id);
    if (!slug)
      throw notFound(
        kind === 'dataset' ? 'Dataset' : kind === 'resource' ? 'Resource' : kind === 'reuse' ? 'Reuse' : 'Contribution',
      );
    const { row } = await deps.datasets.load(actor, slug);
    // A dataset is addressed by id or slug; threads always keep its id.
    return { dataset: row, subjectId: kind === 'dataset' ? row.id : id };
  }

  async function loadThread(actor: Actor, id: string): Promise<{ thread: ThreadRow; dataset: DatasetRow }> {
    const thread = await store.findThread(db, id);
    if (!thread) throw notFound('Discussion');
    const { dataset } = await subjectDataset(actor, thread.subjectKind, thread.subjectId).catch(() => {
      throw notFound('Discussion');
    });
    return { thread, dataset };
  }

  /** The dataset's reviewers, or the subject's steward (a reuse's author), may close and reopen a thread. */
  async function canModerateThread(user: UserActor, thread: ThreadRow, dataset: DatasetRow): Promise<boolean> {
    if (await canReview(access, user, dataset)) return true;
    const steward = deps.subjects.stewardOf
      ? await deps.subjects.stewardOf(thread.subjectKind, thread.subjectId)
      : undefined;
    return !!steward && steward === user.userId;
  }

  /** New accounts (under 24 h) post at most 10 messages an hour. */
  async function checkRateLimit(actor: UserActor) {
    const createdAt = await deps.accountCreatedAt(actor.userId);
    const t = clock.now().getTime();
    if (!createdAt || t - new Date(createdAt).getTime() >= DAY_MS) return;
    const { count, oldest } = await store.countMessagesSince(db, actor.userId, new Date(t - HOUR_MS).toISOString());
    if (count >= NEW_ACCOUNT_MESSAGES_PER_HOUR) {
      const retryAfter = Math.max(1, Math.ceil(((oldest ? new Date(oldest).getTime() : t) + HOUR_MS - t) / 1000));
      throw new AppError(
        'rate_limited',
        `New accounts may post ${NEW_ACCOUNT_MESSAGES_PER_HOUR} discussion messages an hour`,
        { retryAfterSeconds: retryAfter },
      );
    }
  }

  /** Existing users mentioned in a body, without the author, at most 20. */
  async function mentionedUsers(body: string, authorId: string): Promise<string[]> {
    const ids: string[] = [];
    for (const handle of mentionedHandles(body)) {
      const id = await deps.directory.userIdByHandle(handle);
      if (id && id !== authorId && !ids.includes(id)) ids.push(id);
      if (ids.length >= MAX_MENTIONS) break;
    }
    return ids;
  }

  async function people(ids: Array<string | null>) {
    const wanted = [...new Set(ids.filter((i): i is string => !!i))];
    return new Map((await deps.directory.usersByIds(wanted)).map((u) => [u.id, { handle: u.handle, name: u.name }]));
  }

  async function summaries(threads: ThreadRow[], slugOf: (t: ThreadRow) => string): Promise<ThreadSummary[]> {
    const [who, hidden] = await Promise.all([
      people(threads.flatMap((t) => [t.authorId, t.closedBy])),
      deps.hiddenOf(
        'discussion',
        threads.map((t) => t.id),
      ),
    ]);
    return threads.map((t) => {
      const reason = hidden.get(t.id) ?? null;
      return {
        id: t.id,
        subject: { kind: t.subjectKind, id: t.subjectId },
        dataset: slugOf(t),
        title: reason !== null ? hiddenText(reason) : t.title,
        author: who.get(t.authorId) ?? null,
        status: t.status,
        resolution: reason !== null ? null : t.resolution,
        resolutionHtml: reason !== null || t.resolution === null ? null : renderMarkdown(t.resolution),
        closedBy: t.closedBy ? (who.get(t.closedBy) ?? null) : null,
        closedAt: t.closedAt,
        hidden: reason,
        messageCount: Number(t.messageCount),
        lastMessageAt: t.lastMessageAt,
        createdAt: t.createdAt,
      };
    });
  }

  async function view(actor: Actor, thread: ThreadRow, dataset: DatasetRow): Promise<ThreadView> {
    const [summary] = await summaries([thread], () => dataset.slug);
    const rows = await store.messages(db, thread.id, MAX_MESSAGES_SHOWN);
    const [who, hidden] = await Promise.all([
      people(rows.flatMap((m) => [m.authorId, m.helpfulBy])),
      deps.hiddenOf(
        'message',
        rows.map((m) => m.id),
      ),
    ]);
    const threadHidden = summary!.hidden;
    const messages: MessageView[] = rows.map((m) => {
      // A hidden thread hides every message in it.
      const reason = hidden.get(m.id) ?? threadHidden;
      return {
        id: m.id,
        author: who.get(m.authorId) ?? null,
        body: reason !== null ? hiddenText(reason) : m.body,
        bodyHtml: reason !== null ? `<p><em>${escapeHtml(hiddenText(reason))}</em></p>` : renderMarkdown(m.body),
        hidden: reason,
        helpful: m.helpfulBy !== null,
        markedHelpfulBy: m.helpfulBy ? (who.get(m.helpfulBy) ?? null) : null,
        createdAt: m.createdAt,
      };
    });
    const user = actor.kind === 'user' ? actor : undefined;
    const reviewer = user ? await canModerateThread(user, thread, dataset) : false;
    return {
      ...summary!,
      messages,
      viewerSubscribed: user ? await store.isSubscribed(db, thread.id, user.userId) : false,
      viewerCanClose: reviewer,
      viewerCanMarkHelpful: reviewer || (!!user && user.userId === thread.authorId),
    };
  }

  function newMessage(threadId: string, authorId: string, body: string, at: string): MessageRow {
    return {
      id: `msg_${ulid().toLowerCase()}`,
      threadId,
      authorId,
      body,
      helpfulBy: null,
      helpfulAt: null,
      createdAt: at,
    };
  }

  async function recordMentions(trx: Kysely<Database>, actor: UserActor, thread: ThreadRow, mentioned: string[]) {
    for (const userId of mentioned) {
      await events.record(trx, {
        type: 'user.mentioned',
        actorId: actor.userId,
        subjectId: thread.id,
        organizationId: thread.organizationId,
        visibility: 'private',
        payload: { userId, threadId: thread.id, authorId: actor.userId },
      });
    }
  }

  return {
    /** The messages (and thread openings) a person wrote, for their own data export. */
    messagesBy: (userId: string) => store.messagesByAuthor(db, userId),
    async create(actor: UserActor, body: CreateThreadBody): Promise<ThreadView> {
      await privileges.assertActive(actor);
      const { dataset, subjectId } = await subjectDataset(actor, body.subject.kind, body.subject.id);
      await checkRateLimit(actor);
      const at = now();
      const thread: ThreadRow = {
        id: `thr_${ulid().toLowerCase()}`,
        subjectKind: body.subject.kind,
        subjectId,
        datasetId: dataset.id,
        organizationId: dataset.organizationId,
        authorId: actor.userId,
        title: body.title,
        status: 'open',
        resolution: null,
        closedBy: null,
        closedAt: null,
        messageCount: 1,
        lastMessageAt: at,
        createdAt: at,
        updatedAt: at,
      };
      const message = newMessage(thread.id, actor.userId, body.body, at);
      const mentioned = await mentionedUsers(body.body, actor.userId);
      await commit(async (trx) => {
        await store.insertThread(trx, thread);
        await store.insertMessage(trx, message);
        await store.subscribe(trx, thread.id, actor.userId, at);
        await events.record(trx, {
          type: 'discussion.created',
          actorId: actor.userId,
          subjectId: thread.id,
          organizationId: thread.organizationId,
          visibility: visibilityOf(dataset),
          payload: {
            threadId: thread.id,
            messageId: message.id,
            subject: { kind: thread.subjectKind, id: thread.subjectId },
            dataset: dataset.slug,
            datasetId: dataset.id,
          },
        });
        await recordMentions(trx, actor, thread, mentioned);
      });
      return view(actor, thread, dataset);
    },

    /** Threads on a subject, newest first. */
    async list(actor: Actor, query: ThreadQuery): Promise<Page<ThreadSummary>> {
      const sep = query.subject.indexOf(':');
      const kind = query.subject.slice(0, sep) as SubjectKind;
      const { dataset, subjectId } = await subjectDataset(actor, kind, query.subject.slice(sep + 1));
      const limit = query._limit ?? 20;
      const before = query._cursor ? decodeCursor(query._cursor, isKeyCursor).k : undefined;
      const raw = await store.listThreads(db, { subjectKind: kind, subjectId, beforeId: before, limit: limit + 1 });
      const page = raw.slice(0, limit);
      return {
        items: await summaries(page, () => dataset.slug),
        nextCursor: raw.length > limit ? encodeCursor({ k: page[page.length - 1]!.id }) : null,
      };
    },

    async get(actor: Actor, id: string): Promise<ThreadView> {
      const { thread, dataset } = await loadThread(actor, id);
      return view(actor, thread, dataset);
    },

    async reply(actor: UserActor, id: string, body: MessageBody): Promise<ThreadView> {
      await privileges.assertActive(actor);
      const { thread, dataset } = await loadThread(actor, id);
      if (thread.status !== 'open') throw conflict('This discussion is closed');
      await checkRateLimit(actor);
      const at = now();
      const message = newMessage(thread.id, actor.userId, body.body, at);
      const mentioned = await mentionedUsers(body.body, actor.userId);
      await commit(async (trx) => {
        if (!(await store.bumpThread(trx, thread.id, at))) throw conflict('This discussion is closed');
        await store.insertMessage(trx, message);
        const subscriberIds = (await store.subscribers(trx, thread.id)).filter((u) => u !== actor.userId);
        await store.subscribe(trx, thread.id, actor.userId, at);
        await events.record(trx, {
          type: 'discussion.message_posted',
          actorId: actor.userId,
          subjectId: thread.id,
          organizationId: thread.organizationId,
          visibility: visibilityOf(dataset),
          payload: { threadId: thread.id, messageId: message.id, dataset: dataset.slug, datasetId: dataset.id },
        });
        if (subscriberIds.length) {
          await events.record(trx, {
            type: 'discussion.replied',
            actorId: actor.userId,
            subjectId: thread.id,
            organizationId: thread.organizationId,
            visibility: 'private',
            payload: { threadId: thread.id, subscriberIds, authorId: actor.userId },
          });
        }
        await recordMentions(trx, actor, thread, mentioned);
      });
      return view(actor, (await store.findThread(db, id))!, dataset);
    },

    async subscribe(actor: UserActor, id: string, on: boolean): Promise<ThreadView> {
      const { thread, dataset } = await loadThread(actor, id);
      if (on) await store.subscribe(db, thread.id, actor.userId, now());
      else await store.unsubscribe(db, thread.id, actor.userId);
      return view(actor, thread, dataset);
    },

    /** The dataset's reviewers (its organization's members with review rights, or its owner). */
    async close(actor: UserActor, id: string, body: CloseBody): Promise<ThreadView> {
      await privileges.assertActive(actor);
      const { thread, dataset } = await loadThread(actor, id);
      if (!(await canModerateThread(actor, thread, dataset)))
        throw forbidden('Only the reviewers of this dataset may close its discussions');
      const at = now();
      await commit(async (trx) => {
        if (
          !(await store.updateThread(
            trx,
            id,
            {
              status: 'closed',
              resolution: body.resolution ?? null,
              closedBy: actor.userId,
              closedAt: at,
              updatedAt: at,
            },
            'open',
          ))
        )
          throw conflict('This discussion is already closed');
        await events.record(trx, {
          type: 'discussion.closed',
          actorId: actor.userId,
          subjectId: id,
          organizationId: thread.organizationId,
          visibility: visibilityOf(dataset),
          payload: { threadId: id, dataset: dataset.slug, datasetId: dataset.id, authorId: thread.authorId },
        });
      });
      return view(actor, (await store.findThread(db, id))!, dataset);
    },

    async reopen(actor: UserActor, id: string): Promise<ThreadView> {
      await privileges.assertActive(actor);
      const { thread, dataset } = await loadThread(actor, id);
      if (!(await canModerateThread(actor, thread, dataset)))
        throw forbidden('Only the reviewers of this dataset may reopen its discussions');
      const at = now();
      await commit(async (trx) => {
        if (
          !(await store.updateThread(
            trx,
            id,
            { status: 'open', resolution: null, closedBy: null, closedAt: null, updatedAt: at },
            'closed',
          ))
        )
          throw conflict('This discussion is open');
        await events.record(trx, {
          type: 'discussion.reopened',
          actorId: actor.userId,
          subjectId: id,
          organizationId: thread.organizationId,
          visibility: visibilityOf(dataset),
          payload: { threadId: id, dataset: dataset.slug, datasetId: dataset.id },
        });
      });
      return view(actor, (await store.findThread(db, id))!, dataset);
    },

    /** The thread's author or the dataset's reviewers; not one's own message. */
    async markHelpful(actor: UserActor, threadId: string, messageId: string): Promise<ThreadView> {
      await privileges.assertActive(actor);
      const { thread, dataset } = await loadThread(actor, threadId);
      const message = await store.findMessage(db, messageId);
      if (!message || message.threadId !== thread.id) throw notFound('Message');
      if (actor.userId !== thread.authorId && !(await canModerateThread(actor, thread, dataset)))
        throw forbidden(
          'Only the author of the discussion or the reviewers of this dataset may mark a message helpful',
        );
      if (message.authorId === actor.userId) throw invalid('messageId', 'You cannot mark your own message helpful');
      const at = now();
      await commit(async (trx) => {
        if (!(await store.markHelpful(trx, messageId, actor.userId, at)))
          throw conflict('This message is already marked helpful');
        await events.record(trx, {
          type: 'discussion.answer_marked_helpful',
          actorId: actor.userId,
          subjectId: thread.id,
          organizationId: thread.organizationId,
          visibility: visibilityOf(dataset),
          payload: {
            answerId: messageId,
            authorId: message.authorId,
            markedBy: actor.userId,
            threadId: thread.id,
            datasetId: dataset.id,
          },
        });
      });
      return view(actor, (await store.findThread(db, threadId))!, dataset);
    },

    /** For moderation: a thread or message the actor may see, with its author. */
    async target(
      actor: Actor,
      kind: 'discussion' | 'message',
      id: string,
    ): Promise<{ authorId: string; organizationId: string | null }> {
      if (kind === 'discussion') {
        const { thread } = await loadThread(actor, id);
        return { authorId: thread.authorId, organizationId: thread.organizationId };
      }
      const message = await store.findMessage(db, id);
      if (!message) throw notFound('Message');
      const { thread } = await loadThread(actor, message.threadId).catch(() => {
        throw notFound('Message');
      });
      return { authorId: message.authorId, organizationId: thread.organizationId };
    },
  };
}
export type DiscussionService = ReturnType<typeof createDiscussionService>;
