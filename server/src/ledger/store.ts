/** SQL of the transparency log (tables of 018_ledger), on SQLite and PostgreSQL. */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { readJson, type Dialect } from '../db/database.js';
import type { EventType } from '../events/catalog.js';
import type { StoredEvent } from '../events/schema.js';

export interface StoredCheckpoint {
  size: number;
  rootHash: Buffer;
  note: string;
  createdAt: string;
}

export interface StoredCosignature {
  size: number;
  keyId: string;
  witness: string;
  /** Seconds since the epoch, as the witness signed it. */
  signedAt: number;
  line: string;
}

export interface StoredEntry {
  index: number;
  eventId: string;
  entry: string;
}

const toBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
// SQLite's parameter limit is 32,766; three per node row.
const CHUNK = 2000;
// Rows per unnest() statement on PostgreSQL (a few MB of array literal at most).
const PG_ROWS = 20_000;
const HASH_BYTES = 32;

export function createLedgerStore(dialect: Dialect = 'sqlite') {
  /** Hashes of level `level`, indexes [start, end), in order. */
  async function nodeRange(db: Kysely<Database>, level: number, start: number, end: number): Promise<Buffer[]> {
    const rows = await db
      .selectFrom('logNodes')
      .select(['idx', 'hash'])
      .where('level', '=', level)
      .where('idx', '>=', start)
      .where('idx', '<', end)
      .orderBy('idx')
      .execute();
    return rows.map((r) => toBuffer(r.hash));
  }

  const store = {
    async nextIndex(db: Kysely<Database>): Promise<number> {
      const row = await db
        .selectFrom('logEntries')
        .select((eb) => eb.fn.max('idx').as('max'))
        .executeTakeFirst();
      return row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
    },

    /** Which of `eventIds` already have an entry. */
    async eventsWithEntries(db: Kysely<Database>, eventIds: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      if (dialect === 'postgres') {
        // One array parameter: nothing to compile or plan per id.
        const { rows } = await sql<{ eventId: string }>`
          select event_id from log_entries where event_id = any(${eventIds}::text[])`.execute(db);
        for (const r of rows) found.add(r.eventId);
        return found;
      }
      for (let i = 0; i < eventIds.length; i += CHUNK) {
        const rows = await db
          .selectFrom('logEntries')
          .select('eventId')
          .where('eventId', 'in', eventIds.slice(i, i + CHUNK))
          .execute();
        for (const r of rows) found.add(r.eventId);
      }
      return found;
    },

    /** `subject`: what the entry is searchable by on the transparency page (the entry's own; none when hashed). */
    async insertEntries(
      db: Kysely<Database>,
      rows: { index: number; eventId: string; entry: string; subject: string | null }[],
      now: string,
    ) {
      if (dialect === 'postgres') {
        // A column per array parameter (unnest): one statement of five parameters per batch, not five per row.
        for (let i = 0; i < rows.length; i += PG_ROWS) {
          const part = rows.slice(i, i + PG_ROWS);
          await sql`
            insert into log_entries (idx, event_id, entry, subject, created_at)
            select idx, event_id, entry, subject, ${now}::timestamptz
            from unnest(${part.map((r) => r.index)}::bigint[], ${part.map((r) => r.eventId)}::text[],
                        ${part.map((r) => r.entry)}::text[], ${part.map((r) => r.subject)}::text[])
              as u(idx, event_id, entry, subject)`.execute(db);
        }
        return;
      }
      for (let i = 0; i < rows.length; i += CHUNK) {
        await db
          .insertInto('logEntries')
          .values(
            rows.slice(i, i + CHUNK).map((r) => ({
              idx: r.index,
              eventId: r.eventId,
              entry: r.entry,
              subject: r.subject,
              createdAt: now,
            })),
          )
          .execute();
      }
    },

    /**
     * Appends entries after the last one, in the order given, skipping events that already have one (a rebuild may
     * have logged them). On PostgreSQL one statement does it all: the check, the numbering and the insert.
     */
    async appendEntries(
      db: Kysely<Database>,
      rows: { eventId: string; entry: string; subject: string | null }[],
      now: string,
    ) {
      if (dialect === 'postgres') {
        for (let i = 0; i < rows.length; i += PG_ROWS) {
          const part = rows.slice(i, i + PG_ROWS);
          await sql`
            insert into log_entries (idx, event_id, entry, subject, created_at)
            select m.next + row_number() over (order by u.n) - 1, u.event_id, u.entry, u.subject, ${now}::timestamptz
            from unnest(${part.map((r) => r.eventId)}::text[], ${part.map((r) => r.entry)}::text[],
                        ${part.map((r) => r.subject)}::text[]) with ordinality as u(event_id, entry, subject, n)
            cross join (select coalesce(max(idx) + 1, 0) as next from log_entries) m
            where not exists (select 1 from log_entries e where e.event_id = u.event_id)`.execute(db);
        }
        return;
      }
      const already = await store.eventsWithEntries(
        db,
        rows.map((r) => r.eventId),
      );
      const fresh = rows.filter((r) => !already.has(r.eventId));
      if (fresh.length === 0) return;
      const next = await store.nextIndex(db);
      await store.insertEntries(
        db,
        fresh.map((r, i) => ({ ...r, index: next + i })),
        now,
      );
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

    /** The entries about a subject (a dataset, a contribution, an app…), newest first. */
    async entriesBySubject(db: Kysely<Database>, subject: string, limit: number): Promise<StoredEntry[]> {
      const rows = await db
        .selectFrom('logEntries')
        .select(['idx', 'eventId', 'entry'])
        .where('subject', '=', subject)
        .orderBy('idx', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ index: Number(r.idx), eventId: r.eventId, entry: r.entry }));
    },

    /** The log's size at the end of each day since `since` (the largest checkpoint signed that day). */
    async sizeByDay(db: Kysely<Database>, since: string): Promise<{ day: string; size: number }[]> {
      // Days in UTC: ISO text on SQLite; a timestamptz on PostgreSQL, printed in UTC whatever the session's zone.
      const day =
        dialect === 'postgres'
          ? sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')`
          : sql<string>`substr(created_at, 1, 10)`;
      const rows = await db
        .selectFrom('logCheckpoints')
        .select([day.as('day'), (eb) => eb.fn.max('size').as('size')])
        .where('createdAt', '>=', since)
        .groupBy(day)
        .orderBy(day)
        .execute();
      return rows.map((r) => ({ day: r.day, size: Number(r.size) }));
    },

    async insertNodes(db: Kysely<Database>, rows: { level: number; index: number; hash: Uint8Array }[]) {
      if (dialect === 'postgres') {
        // The hashes travel as one binary parameter, and the (level, index) coordinates as runs of consecutive
        // indexes (a batch has one run per level): a batch of 16,384 entries writes ~32,768 node rows in two
        // statements of a few small arrays and 640 KB of bytes, instead of seventeen of 6,000 parameters each.
        for (let i = 0; i < rows.length; i += PG_ROWS) {
          const part = rows.slice(i, i + PG_ROWS);
          const bytes = Buffer.allocUnsafe(part.length * HASH_BYTES);
          const levels: number[] = [];
          const starts: number[] = [];
          const counts: number[] = [];
          const firsts: number[] = [];
          part.forEach((r, k) => {
            if (r.hash.length !== HASH_BYTES) throw new Error(`a log node hash has ${r.hash.length} bytes`);
            bytes.set(r.hash, k * HASH_BYTES);
            const run = levels.length - 1;
            if (run >= 0 && levels[run] === r.level && starts[run]! + counts[run]! === r.index) counts[run]!++;
            else {
              levels.push(r.level);
              starts.push(r.index);
              counts.push(1);
              firsts.push(k);
            }
          });
          await sql`
            insert into log_nodes (level, idx, hash)
            select r.level, r.start + g, substring(${bytes}::bytea from (r.first + g) * ${HASH_BYTES} + 1 for ${HASH_BYTES})
            from unnest(${levels}::integer[], ${starts}::bigint[], ${counts}::integer[], ${firsts}::integer[])
              as r(level, start, count, first)
            cross join lateral generate_series(0, r.count - 1) as g`.execute(db);
        }
        return;
      }
      for (let i = 0; i < rows.length; i += CHUNK) {
        await db
          .insertInto('logNodes')
          .values(rows.slice(i, i + CHUNK).map((r) => ({ level: r.level, idx: r.index, hash: toBuffer(r.hash) })))
          .execute();
      }
    },

    /** Stores full entry bundles (immutable once their 256 entries are integrated). */
    async insertBundles(db: Kysely<Database>, rows: { index: number; bundle: Buffer }[]) {
      // A bundle is ~64 KB: a few per statement keeps one statement's size reasonable.
      for (let i = 0; i < rows.length; i += 16) {
        await db
          .insertInto('logBundles')
          .values(rows.slice(i, i + 16).map((r) => ({ idx: r.index, bundle: r.bundle })))
          .execute();
      }
    },

    /** The stored full entry bundle `index`, if it was stored at integration. */
    async bundle(db: Kysely<Database>, index: number): Promise<Buffer | undefined> {
      const r = await db.selectFrom('logBundles').select('bundle').where('idx', '=', index).executeTakeFirst();
      return r && toBuffer(r.bundle);
    },

    /** Hashes of the given perfect subtrees, keyed "level/index". */
    async nodes(db: Kysely<Database>, coords: { level: number; index: number }[]): Promise<Map<string, Buffer>> {
      const out = new Map<string, Buffer>();
      const byLevel = new Map<number, number[]>();
      for (const c of coords) byLevel.set(c.level, [...(byLevel.get(c.level) ?? []), c.index]);
      // An inclusion proof touches one or two nodes on each of ~20 levels: one statement, not one per level (a
      // round trip each on PostgreSQL).
      if (coords.length === 0) return out;
      if (dialect === 'postgres') {
        // Two array parameters whatever the number of nodes: a short statement, planned as index lookups.
        const { rows } = await sql<{ level: number; idx: number | string; hash: Uint8Array }>`
          select n.level, n.idx, n.hash
          from unnest(${coords.map((c) => c.level)}::integer[], ${coords.map((c) => c.index)}::bigint[]) as c(level, idx)
          join log_nodes n on n.level = c.level and n.idx = c.idx`.execute(db);
        for (const r of rows) out.set(`${Number(r.level)}/${Number(r.idx)}`, toBuffer(r.hash));
        return out;
      }
      if (coords.length <= CHUNK) {
        const rows = await db
          .selectFrom('logNodes')
          .select(['level', 'idx', 'hash'])
          .where((eb) =>
            eb.or([...byLevel].map(([level, indexes]) => eb.and([eb('level', '=', level), eb('idx', 'in', indexes)]))),
          )
          .execute();
        for (const r of rows) out.set(`${Number(r.level)}/${Number(r.idx)}`, toBuffer(r.hash));
        return out;
      }
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
    nodeRange,

    /**
     * Hashes of level `level`, indexes [start, end), concatenated in order, and how many there were. On PostgreSQL
     * the database concatenates them: one value to return instead of up to 256 rows.
     */
    async nodeBytes(
      db: Kysely<Database>,
      level: number,
      start: number,
      end: number,
    ): Promise<{ count: number; bytes: Buffer }> {
      if (dialect === 'postgres') {
        const { rows } = await sql<{ count: number | string; bytes: Uint8Array | null }>`
          select count(*) as count, string_agg(hash, ''::bytea order by idx) as bytes
          from log_nodes where level = ${level} and idx >= ${start} and idx < ${end}`.execute(db);
        const r = rows[0];
        return { count: Number(r?.count ?? 0), bytes: r?.bytes ? toBuffer(r.bytes) : Buffer.alloc(0) };
      }
      const hashes = await nodeRange(db, level, start, end);
      return { count: hashes.length, bytes: Buffer.concat(hashes) };
    },

    async latestCheckpoint(db: Kysely<Database>): Promise<StoredCheckpoint | undefined> {
      const r = await db.selectFrom('logCheckpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
      return r && { size: Number(r.size), rootHash: toBuffer(r.rootHash), note: r.note, createdAt: r.createdAt };
    },

    async checkpointOfSize(db: Kysely<Database>, size: number): Promise<StoredCheckpoint | undefined> {
      const r = await db.selectFrom('logCheckpoints').selectAll().where('size', '=', size).executeTakeFirst();
      return r && { size: Number(r.size), rootHash: toBuffer(r.rootHash), note: r.note, createdAt: r.createdAt };
    },

    /** Keeps a witness's first cosignature of a size (a later one for the same size adds nothing). */
    async insertCosignature(db: Kysely<Database>, c: StoredCosignature, now: string): Promise<boolean> {
      const done = await db
        .insertInto('logCosignatures')
        .values({
          size: c.size,
          keyId: c.keyId,
          witness: c.witness,
          signedAt: c.signedAt,
          line: c.line,
          createdAt: now,
        })
        .onConflict((oc) => oc.columns(['size', 'keyId']).doNothing())
        .executeTakeFirst();
      return Number(done.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async cosignatures(db: Kysely<Database>, size: number): Promise<StoredCosignature[]> {
      const rows = await db
        .selectFrom('logCosignatures')
        .selectAll()
        .where('size', '=', size)
        .orderBy('keyId')
        .execute();
      return rows.map((r) => ({
        size: Number(r.size),
        keyId: r.keyId,
        witness: r.witness,
        signedAt: Number(r.signedAt),
        line: r.line,
      }));
    },

    /** The largest checkpoint size any witness cosigned. */
    async latestCosignedSize(db: Kysely<Database>): Promise<number | undefined> {
      const r = await db
        .selectFrom('logCosignatures')
        .select((eb) => eb.fn.max('size').as('size'))
        .executeTakeFirst();
      return r?.size === null || r?.size === undefined ? undefined : Number(r.size);
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
      await db.deleteFrom('logBundles').execute();
      await db.deleteFrom('logEntries').execute();
    },

    /** Every public event of the outbox, in the order the log appends them (writing transaction, position). */
    /** The events the log holds, in spine order: every public one, and those of `hashedTypes` whatever their visibility. */
    async loggedEvents(db: Kysely<Database>, hashedTypes: readonly string[]): Promise<StoredEvent[]> {
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where((eb) =>
          hashedTypes.length
            ? eb.or([eb('visibility', '=', 'public'), eb('type', 'in', [...hashedTypes])])
            : eb('visibility', '=', 'public'),
        )
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
            visibility: e.visibility,
            payload: readJson(e.payload),
            occurredAt: e.occurredAt,
          }) as StoredEvent,
      );
    },
  };
  return store;
}

export type LedgerStore = ReturnType<typeof createLedgerStore>;
