import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Dialect } from '../db/database.js';
import { readJson } from '../db/database.js';
import type { EventRecord, Visibility } from './schema.js';

type Row = Database['events'] & { position: number; txId: number };

const toEvent = (r: Row): EventRecord => ({
  position: Number(r.position),
  txId: Number(r.txId),
  id: r.id,
  type: r.type,
  actorId: r.actorId,
  subjectId: r.subjectId,
  organizationId: r.organizationId,
  visibility: r.visibility as Visibility,
  payload: readJson(r.payload),
  occurredAt: r.occurredAt,
});

export interface EventCursor {
  txId: number;
  position: number;
  attempts: number;
  nextAttemptAt: string | null;
}

export function createEventStore(dialect: Dialect) {
  return {
    async insert(db: Kysely<Database>, e: Omit<EventRecord, 'position' | 'txId'>): Promise<void> {
      await db
        .insertInto('events')
        .values({
          id: e.id,
          type: e.type,
          actorId: e.actorId,
          subjectId: e.subjectId,
          organizationId: e.organizationId,
          visibility: e.visibility,
          payload: JSON.stringify(e.payload),
          occurredAt: e.occurredAt,
        })
        .execute();
    },

    /**
     * Events after the cursor in (tx_id, position) order. On PostgreSQL only events of
     * transactions older than every in-flight one are returned, so a slow transaction that
     * took an earlier position is never skipped.
     */
    async readAfter(
      db: Kysely<Database>,
      cursor: { txId: number; position: number },
      limit: number,
    ): Promise<EventRecord[]> {
      let q = db.selectFrom('events').selectAll();
      if (dialect === 'postgres') {
        // A row comparison is an index condition on (tx_id, position); the equivalent OR was a filter, so every
        // read walked the index from the first event past all those already consumed (quadratic over a backlog).
        q = q
          .where((eb) => eb(eb.refTuple('txId', 'position'), '>', eb.tuple(cursor.txId, cursor.position)))
          .where(sql<boolean>`tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint`);
      } else {
        q = q.where((eb) =>
          eb.or([
            eb('txId', '>', cursor.txId),
            eb.and([eb('txId', '=', cursor.txId), eb('position', '>', cursor.position)]),
          ]),
        );
      }
      const rows = await q.orderBy('txId').orderBy('position').limit(limit).execute();
      return rows.map((r) => toEvent(r as Row));
    },

    /** The transaction id of the newest committed event (-1 when there is none). */
    async newestTxId(db: Kysely<Database>): Promise<number> {
      const row = await db
        .selectFrom('events')
        .select('txId')
        .orderBy('txId', 'desc')
        .orderBy('position', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? Number(row.txId) : -1;
    },

    /**
     * Whether `readAfter` still holds back the events of transaction `txId`: on PostgreSQL until every transaction
     * older than it has ended, in any database of the cluster (the snapshot's xmin is cluster-wide). Never on SQLite.
     */
    async heldBack(db: Kysely<Database>, txId: number): Promise<boolean> {
      if (dialect !== 'postgres' || txId < 0) return false;
      const { rows } = await sql<{
        held: boolean;
      }>`select ${txId}::bigint >= pg_snapshot_xmin(pg_current_snapshot())::text::bigint as held`.execute(db);
      return rows[0]?.held === true;
    },

    async listPublic(
      db: Kysely<Database>,
      filter: { type?: string; actorId?: string; organizationId?: string; beforePosition?: number; limit: number },
    ): Promise<EventRecord[]> {
      let q = db.selectFrom('events').selectAll().where('visibility', '=', 'public');
      if (filter.type) q = q.where('type', '=', filter.type);
      if (filter.actorId) q = q.where('actorId', '=', filter.actorId);
      if (filter.organizationId) q = q.where('organizationId', '=', filter.organizationId);
      if (filter.beforePosition !== undefined) q = q.where('position', '<', filter.beforePosition);
      const rows = await q.orderBy('position', 'desc').limit(filter.limit).execute();
      return rows.map((r) => toEvent(r as Row));
    },

    async ensureCursor(db: Kysely<Database>, consumer: string, now: string): Promise<void> {
      await db
        .insertInto('eventCursors')
        .values({ consumer, txId: -1, position: 0, attempts: 0, nextAttemptAt: null, lastError: null, updatedAt: now })
        .onConflict((oc) => oc.column('consumer').doNothing())
        .execute();
    },

    async getCursor(db: Kysely<Database>, consumer: string): Promise<EventCursor | undefined> {
      const row = await db
        .selectFrom('eventCursors')
        .select(['txId', 'position', 'attempts', 'nextAttemptAt'])
        .where('consumer', '=', consumer)
        .executeTakeFirst();
      return row && { ...row, txId: Number(row.txId), position: Number(row.position) };
    },

    /**
     * Locks the consumer's cursor for this transaction. On PostgreSQL another instance holding
     * it makes this return undefined (SKIP LOCKED), so each consumer runs on one instance at a time.
     */
    async lockCursor(trx: Kysely<Database>, consumer: string): Promise<EventCursor | undefined> {
      let q = trx
        .selectFrom('eventCursors')
        .select(['txId', 'position', 'attempts', 'nextAttemptAt'])
        .where('consumer', '=', consumer);
      if (dialect === 'postgres') q = q.forUpdate().skipLocked();
      const row = await q.executeTakeFirst();
      return row && { ...row, txId: Number(row.txId), position: Number(row.position) };
    },

    async advanceCursor(trx: Kysely<Database>, consumer: string, to: { txId: number; position: number }, now: string) {
      await trx
        .updateTable('eventCursors')
        .set({
          txId: to.txId,
          position: to.position,
          attempts: 0,
          nextAttemptAt: null,
          lastError: null,
          updatedAt: now,
        })
        .where('consumer', '=', consumer)
        .execute();
    },

    async recordFailure(
      db: Kysely<Database>,
      consumer: string,
      attempts: number,
      nextAttemptAt: string,
      error: string,
      now: string,
    ) {
      await db
        .updateTable('eventCursors')
        .set({ attempts, nextAttemptAt, lastError: error.slice(0, 2000), updatedAt: now })
        .where('consumer', '=', consumer)
        .execute();
    },

    async lastPosition(db: Kysely<Database>): Promise<{ txId: number; position: number } | undefined> {
      const row = await db
        .selectFrom('events')
        .select(['txId', 'position'])
        .orderBy('txId', 'desc')
        .orderBy('position', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && { txId: Number(row.txId), position: Number(row.position) };
    },
  };
}

export type EventStore = ReturnType<typeof createEventStore>;
