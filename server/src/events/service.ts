import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ReplicaReads } from '../db/replicas.js';
import { decodeCursor, encodeCursor, isPositionCursor, toPage, type Page } from '../kernel/pagination.js';
import type { ActivityItem, ActivityQuery } from './schema.js';
import type { EventStore } from './store.js';
import { describeEvent, type FeedLocale } from './sentences.js';

/** Names of people and organizations. Event consumers pass their transaction as `executor`. */
export interface Directory {
  usersByIds(
    ids: string[],
    executor?: Kysely<Database>,
  ): Promise<Array<{ id: string; handle: string; name: string; createdAt: string; erasedAt?: string | null }>>;
  userIdByHandle(handle: string): Promise<string | undefined>;
  organizationsByIds(
    ids: string[],
    executor?: Kysely<Database>,
  ): Promise<Array<{ id: string; slug: string; name: string }>>;
  organizationIdBySlug(slug: string): Promise<string | undefined>;
}

export function createActivityService(deps: {
  db: Kysely<Database>;
  store: EventStore;
  directory: Directory;
  /** Where the feed reads: a read replica when there are some (db/replicas.ts); the main database by default. */
  reads?: ReplicaReads;
}) {
  const reads: ReplicaReads = deps.reads ?? ((work) => work(deps.db));
  return {
    /** Public events, newest first. An unknown actor or organization gives an empty page. */
    async list(query: ActivityQuery, locale: FeedLocale = 'en'): Promise<Page<ActivityItem>> {
      const limit = query._limit ?? 20;
      const before = query._cursor ? decodeCursor(query._cursor, isPositionCursor).p : undefined;
      const actorId = query.actor ? await deps.directory.userIdByHandle(query.actor) : undefined;
      const organizationId = query.organization
        ? await deps.directory.organizationIdBySlug(query.organization)
        : undefined;
      if ((query.actor && !actorId) || (query.organization && !organizationId)) return { items: [], nextCursor: null };
      // The events and the names they mention, read together (from one server: a replica or the primary).
      const { events, users, orgs } = await reads(async (db) => {
        const events = await deps.store.listPublic(db, {
          type: query.type,
          actorId,
          organizationId,
          beforePosition: before,
          limit: limit + 1,
        });
        const [people, organizations] = await Promise.all([
          deps.directory.usersByIds([...new Set(events.flatMap((e) => (e.actorId ? [e.actorId] : [])))], db),
          deps.directory.organizationsByIds(
            [...new Set(events.flatMap((e) => (e.organizationId ? [e.organizationId] : [])))],
            db,
          ),
        ]);
        return {
          events,
          users: new Map(people.map((u) => [u.id, u])),
          orgs: new Map(organizations.map((o) => [o.id, o])),
        };
      });
      const page = toPage(events, limit, (last) => encodeCursor({ p: last.position }));
      return {
        nextCursor: page.nextCursor,
        items: page.items.map((e) => {
          const user = e.actorId ? users.get(e.actorId) : undefined;
          const org = e.organizationId ? orgs.get(e.organizationId) : undefined;
          return {
            id: e.id,
            type: e.type,
            actor: user ? { handle: user.handle, name: user.name } : null,
            organization: org ? { slug: org.slug, name: org.name } : null,
            subjectId: e.subjectId,
            payload: e.payload,
            text: describeEvent(e, { actor: user?.name, organization: org?.name }, locale),
            occurredAt: e.occurredAt,
          };
        }),
      };
    },
  };
}
export type ActivityService = ReturnType<typeof createActivityService>;
