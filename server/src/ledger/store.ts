/** SQL of the transparency log (tables of 018_ledger), on SQLite and PostgreSQL. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { readJson } from '../db/database.js';
import type { EventType } from '../events/catalog.js';
import type { StoredEvent } from '../events/schema.js';

export interface StoredCheckpoint {
  size: number;
  rootHash: Buffer;
  note: string;
  createdAt: string;
}

export interface StoredEntry {
  index: number;
  eventId: string;
  entry: string;
}

const toBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
// SQLite's parameter limit is 32,766; three per node row.
const CHUNK = 2000;

export function createLedgerStore() {
  return {
    async nextIndex(db: Kysely<Database>): Promise<number> {
      const row = await db
        .selectFrom('logEntries')
        .select((eb) => eb.fn.max('idx').as('max'))
        .executeTakeFirst();
      return row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
    },

    async hasEvent(db: Kysely<Database>, eventId: string): Promise<boolean> {
      return !!(await db.selectFrom('logEntries').select('idx').where('eventId', '=', eventId).executeTakeFirst());
    },

    async insertEntries(db: Kysely<Database>, rows: { index: number; eventId: string; entry: string }[], now: string) {
      for (let i = 0; i < rows.length; i += CHUNK) {
        await db
          .insertInto('logEntries')
          .values(
            rows.slice(i, i + CHUNK).map((r) => ({ idx: r.index, eventId: r.eventId, entry: r.entry, createdAt: now })),
          )
          .execute();
      }
    },

    async entries(db: Kysely<Database>, start: number, end: number): Promise<StoredEntry[]> {
      const rows = await db
        .selectFrom('logEntries')
        .select(['idx', 'eventId', 'entry'])
        .where('idx', '>=', start)
        .where('idx', '<', end)
        .orderBy('idx')
        .execute();
      return rows.map((r) => ({ index: Number(r.idx), eventId: r.eventId, entry: r.entry }));
    },

    async entryByEventId(db: Kysely<Database>, eventId: string): Promise<StoredEntry | undefined> {
      const r = await db
        .selectFrom('logEntries')
        .select(['idx', 'eventId', 'entry'])
        .where('eventId', '=', eventId)
        .executeTakeFirst();
      return r && { index: Number(r.idx), eventId: r.eventId, entry: r.entry };
    },

    async insertNodes(db: Kysely<Database>, rows: { level: number; index: number; hash: Uint8Array }[]) {
      for (let i = 0; i < rows.length; i += CHUNK) {
        await db
          .insertInto('logNodes')
          .values(rows.slice(i, i + CHUNK).map((r) => ({ level: r.level, idx: r.index, hash: toBuffer(r.hash) })))
          .execute();
      }
    },

    /** Hashes of the given perfect subtrees, keyed "level/index". */
    async nodes(db: Kysely<Database>, coords: { level: number; index: number }[]): Promise<Map<string, Buffer>> {
      const out = new Map<string, Buffer>();
      const byLevel = new Map<number, number[]>();
      for (const c of coords) byLevel.set(c.level, [...(byLevel.get(c.level) ?? []), c.index]);
      for (const [level, indexes] of byLevel) {
        for (let i = 0; i < indexes.length; i += CHUNK) {
          const rows = await db
            .selectFrom('logNodes')
            .select(['idx', 'hash'])
            .where('level', '=', level)
            .where('idx', 'in', indexes.slice(i, i + CHUNK))
            .execute();
          for (const r of rows) out.set(`${level}/${Number(r.idx)}`, toBuffer(r.hash));
        }
      }
      return out;
    },

    /** Hashes of level `level`, indexes [start, end), in order. */
    async nodeRange(db: Kysely<Database>, level: number, start: number, end: number): Promise<Buffer[]> {
      const rows = await db
        .selectFrom('logNodes')
        .select(['idx', 'hash'])
        .where('level', '=', level)
        .where('idx', '>=', start)
        .where('idx', '<', end)
        .orderBy('idx')
        .execute();
      return rows.map((r) => toBuffer(r.hash));
    },

    async latestCheckpoint(db: Kysely<Database>): Promise<StoredCheckpoint | undefined> {
      const r = await db.selectFrom('logCheckpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
      return r && { size: Number(r.size), rootHash: toBuffer(r.rootHash), note: r.note, createdAt: r.createdAt };
    },

    async insertCheckpoint(db: Kysely<Database>, c: StoredCheckpoint) {
      await db
        .insertInto('logCheckpoints')
        .values({ size: c.size, rootHash: c.rootHash, note: c.note, createdAt: c.createdAt })
        .execute();
    },

    /** Forgets the tree and its entries (a rebuild starts from the events table). Checkpoints stay. */
    async clearTree(db: Kysely<Database>) {
      await db.deleteFrom('logNodes').execute();
      await db.deleteFrom('logEntries').execute();
    },

    /** Every public event of the outbox, in the order the log appends them (writing transaction, position). */
    async publicEvents(db: Kysely<Database>): Promise<StoredEvent[]> {
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where('visibility', '=', 'public')
        .orderBy('txId')
        .orderBy('position')
        .execute();
      return rows.map(
        (e) =>
          ({
            position: Number(e.position),
            txId: Number(e.txId),
            id: e.id,
            type: e.type as EventType,
            actorId: e.actorId,
            subjectId: e.subjectId,
            organizationId: e.organizationId,
            visibility: 'public',
            payload: readJson(e.payload),
            occurredAt: e.occurredAt,
          }) as StoredEvent,
      );
    },
  };
}

export type LedgerStore = ReturnType<typeof createLedgerStore>;
