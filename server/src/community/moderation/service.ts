import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { Actor, UserActor } from '../../kernel/actor.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../../kernel/errors.js';
import { ulid } from '../../kernel/ids.js';
import { decodeCursor, encodeCursor, isKeyCursor, type Page } from '../../kernel/pagination.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { Directory } from '../../events/service.js';
import type { Privileges } from './privileges.js';
import type { FlagRow, ModerationStore } from './store.js';
import type {
  FlagBody,
  FlagQuery,
  FlagView,
  HiddenView,
  HideBody,
  HideKind,
  RestoreBody,
  SuspendBody,
  SuspensionView,
} from './schema.js';

/** What moderation needs to know of a target: it exists, the actor may see it, who wrote it. */
export interface ModerationTarget {
  authorId: string | null;
  organizationId: string | null;
}
export interface TargetResolver {
  /** Throws 404 when the target does not exist or the actor may not see it. */
  resolve(actor: Actor, kind: HideKind, id: string): Promise<ModerationTarget>;
}

export interface ModerationServiceDeps {
  db: Kysely<Database>;
  store: ModerationStore;
  events: EventRecorder;
  clock: Clock;
  directory: Directory;
  privileges: Privileges;
  targets: TargetResolver;
}

export function createModerationService(deps: ModerationServiceDeps) {
  const { db, store, events, clock, directory, privileges } = deps;
  const now = () => clock.now().toISOString();

  async function commit<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    const result = await db.transaction().execute(work);
    events.notify();
    return result;
  }

  async function requireModerator(actor: UserActor) {
    if (!(await privileges.isModerator(actor)))
      throw forbidden('Only moderators (platform administrators and trust level 4) may do this');
  }

  async function userByHandleOrId(value: string) {
    const id = (await directory.userIdByHandle(value)) ?? value;
    const [user] = await directory.usersByIds([id]);
    if (!user) throw notFound('User');
    return user;
  }

  async function views(rows: FlagRow[]): Promise<FlagView[]> {
    const people = new Map(
      (
        await directory.usersByIds([
          ...new Set(rows.flatMap((r) => [r.reporterId, ...(r.targetAuthorId ? [r.targetAuthorId] : [])])),
        ])
      ).map((u) => [u.id, { handle: u.handle, name: u.name }]),
    );
    return rows.map((r) => ({
      id: r.id,
      target: { kind: r.targetKind, id: r.targetId },
      targetAuthor: r.targetAuthorId ? (people.get(r.targetAuthorId) ?? null) : null,
      reporter: people.get(r.reporterId) ?? null,
      reason: r.reason,
      note: r.note,
      status: r.status,
      createdAt: r.createdAt,
      handledAt: r.handledAt,
    }));
  }

  return {
    /** Anyone signed in: one open flag per reporter and target (409 on a duplicate). */
    async flag(actor: UserActor, body: FlagBody): Promise<FlagView> {
      await privileges.assertActive(actor);
      let targetId = body.target.id;
      let authorId: string | null;
      let organizationId: string | null = null;
      if (body.target.kind === 'user') {
        const user = await userByHandleOrId(body.target.id);
        if (user.id === actor.userId) throw invalid('target.id', 'You cannot flag yourself');
        targetId = user.id;
        authorId = user.id;
      } else {
        ({ authorId, organizationId } = await deps.targets.resolve(actor, body.target.kind, body.target.id));
      }
      const openKey = `${actor.userId}:${body.target.kind}:${targetId}`;
      const at = now();
      const row: FlagRow = {
        id: `flg_${ulid().toLowerCase()}`,
        targetKind: body.target.kind,
        targetId,
        targetAuthorId: authorId,
        reporterId: actor.userId,
        reason: body.reason,
        note: body.note ?? null,
        status: 'open',
        openKey,
        handledBy: null,
        handledAt: null,
        createdAt: at,
      };
      const duplicate = () => conflict('You already flagged this; a moderator will look at it', 'target');
      if (await store.findOpenFlag(db, openKey)) throw duplicate();
      try {
        await commit(async (trx) => {
          await store.insertFlag(trx, row);
          if (body.target.kind === 'user') {
            await events.record(trx, {
              type: 'user.flagged',
              actorId: actor.userId,
              subjectId: targetId,
              visibility: 'private',
              payload: { userId: targetId, flagId: row.id, reason: body.reason },
            });
          } else {
            await events.record(trx, {
              type: 'content.flagged',
              actorId: actor.userId,
              subjectId: targetId,
              organizationId,
              visibility: 'private',
              payload: { flagId: row.id, kind: body.target.kind, id: targetId, authorId, reason: body.reason },
            });
          }
        });
      } catch (error) {
        // Two identical flags at once: the unique open key lets one through.
        if (await store.findOpenFlag(db, openKey).then((f) => f && f.id !== row.id)) throw duplicate();
        throw error;
      }
      return (await views([row]))[0]!;
    },

    async queue(actor: UserActor, query: FlagQuery): Promise<Page<FlagView>> {
      await requireModerator(actor);
      const limit = query._limit ?? 50;
      const after = query._cursor ? decodeCursor(query._cursor, isKeyCursor).k : undefined;
      const raw = await store.listFlags(db, { status: query.status ?? 'open', afterId: after, limit: limit + 1 });
      const page = raw.slice(0, limit);
      return {
        items: await views(page),
        nextCursor: raw.length > limit ? encodeCursor({ k: page[page.length - 1]!.id }) : null,
      };
    },

    async dismiss(actor: UserActor, id: string): Promise<FlagView> {
      await requireModerator(actor);
      if (!(await store.findFlag(db, id))) throw notFound('Flag');
      if (!(await store.handleFlags(db, { id }, 'dismissed', actor.userId, now())))
        throw conflict('This flag was already handled');
      return (await views([(await store.findFlag(db, id))!]))[0]!;
    },

    /** Hides content: its body is replaced by "hidden by moderation: {reason}"; open flags on it are resolved. */
    async hide(actor: UserActor, body: HideBody): Promise<HiddenView> {
      await requireModerator(actor);
      await privileges.assertActive(actor);
      const { kind, id } = body.target;
      const target = await deps.targets.resolve(actor, kind, id);
      const at = now();
      await commit(async (trx) => {
        if (
          !(await store.hide(trx, {
            targetKind: kind,
            targetId: id,
            authorId: target.authorId,
            reason: body.reason,
            hiddenBy: actor.userId,
            hiddenAt: at,
          }))
        )
          throw conflict('This is already hidden');
        await store.handleFlags(trx, { targetKind: kind, targetId: id }, 'resolved', actor.userId, at);
        // Recognition takes 10 points from the author. Private: the reason shows where the content was.
        await events.record(trx, {
          type: 'content.hidden',
          actorId: actor.userId,
          subjectId: id,
          organizationId: target.organizationId,
          visibility: 'private',
          payload: { authorId: target.authorId, reason: body.reason, kind, id },
        });
      });
      return { target: body.target, hidden: true, reason: body.reason };
    },

    async restore(actor: UserActor, body: RestoreBody): Promise<HiddenView> {
      await requireModerator(actor);
      const { kind, id } = body.target;
      const target = await deps.targets.resolve(actor, kind, id);
      await commit(async (trx) => {
        const removed = await store.restore(trx, kind, id);
        if (!removed) throw conflict('This is not hidden');
        await events.record(trx, {
          type: 'content.restored',
          actorId: actor.userId,
          subjectId: id,
          organizationId: target.organizationId,
          visibility: 'private',
          payload: { authorId: target.authorId, kind, id },
        });
      });
      return { target: body.target, hidden: false, reason: null };
    },

    async suspend(actor: UserActor, handle: string, body: SuspendBody): Promise<SuspensionView> {
      await requireModerator(actor);
      const userId = await directory.userIdByHandle(handle);
      if (!userId) throw notFound('User');
      if (userId === actor.userId) throw invalid('handle', 'You cannot suspend yourself');
      if (body.until && new Date(body.until).getTime() <= clock.now().getTime())
        throw invalid('until', 'The end of a suspension must be in the future');
      // Moderators are not suspended by their peers: only an administrator may suspend a moderator.
      if (!actor.isAdmin && (await privileges.isModeratorId(userId)))
        throw forbidden('Only a platform administrator may suspend a moderator');
      const at = now();
      await commit(async (trx) => {
        await store.suspend(trx, {
          userId,
          reason: body.reason,
          until: body.until ? new Date(body.until).toISOString() : null,
          suspendedBy: actor.userId,
          createdAt: at,
        });
        await events.record(trx, {
          type: 'user.suspended',
          actorId: actor.userId,
          subjectId: userId,
          visibility: 'private',
          payload: { userId, reason: body.reason, until: body.until ?? null },
        });
      });
      const s = await privileges.isSuspended(userId);
      return { handle, suspended: !!s, reason: s?.reason ?? null, until: s?.until ?? null };
    },

    async unsuspend(actor: UserActor, handle: string): Promise<SuspensionView> {
      await requireModerator(actor);
      const userId = await directory.userIdByHandle(handle);
      if (!userId) throw notFound('User');
      await commit(async (trx) => {
        if (!(await store.unsuspend(trx, userId))) throw new AppError('conflict', 'This account is not suspended');
        await events.record(trx, {
          type: 'user.unsuspended',
          actorId: actor.userId,
          subjectId: userId,
          visibility: 'private',
          payload: { userId },
        });
      });
      return { handle, suspended: false, reason: null, until: null };
    },

    /** Read model: hidden reasons of targets of one kind. */
    hiddenOf: (kind: HideKind, ids: string[]) => store.hiddenOf(db, kind, ids),
  };
}
export type ModerationService = ReturnType<typeof createModerationService>;
