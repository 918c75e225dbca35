import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { createTestDb, testDialect, type TestDb } from '../testing/harness.js';
import { migrateToLatest } from '../db/migrate.js';
import { systemClock, type Clock } from '../kernel/clock.js';
import { createDispatcher, type Consumer } from './dispatcher.js';
import { createEventRecorder } from './recorder.js';
import { eventTypes } from './catalog.js';
import { createEventStore } from './store.js';
import type { StoredEvent } from './schema.js';

let t: TestDb;
let db: Kysely<Database>;
const store = () => createEventStore(t.db.dialect);

beforeAll(async () => {
  t = await createTestDb();
  await migrateToLatest(t.db);
  db = t.db.kysely;
  // A table that a test consumer writes to, to count what it applied.
  await sql`create table applied (event_id text not null, consumer text not null, primary key (event_id, consumer))`.execute(
    db,
  );
});
afterAll(async () => t.cleanup());
beforeEach(async () => {
  await sql`delete from applied`.execute(db);
  await sql`delete from event_cursors`.execute(db);
  await sql`delete from events`.execute(db);
});

const recorder = () => createEventRecorder({ store: store(), clock: systemClock });

/** `n` sign-in events numbered by their `method`, or `n` token revocations. */
async function emit(n: number, type: 'user.signed_in' | 'token.revoked' = 'user.signed_in') {
  const r = recorder();
  for (let i = 0; i < n; i++) {
    await db
      .transaction()
      .execute((trx) =>
        type === 'user.signed_in'
          ? r.record(trx, { type, actorId: null, visibility: 'private', payload: { method: String(i) } })
          : r.record(trx, { type, actorId: null, visibility: 'private' }),
      );
  }
}

/** A consumer that applies each event once, in the dispatcher's transaction. */
function applying(name: string, seen: StoredEvent[] = []): Consumer {
  return {
    name,
    types: eventTypes,
    async handle(event, trx) {
      seen.push(event);
      await sql`insert into applied (event_id, consumer) values (${event.id}, ${name})`.execute(trx);
    },
  };
}

const appliedCount = async (consumer: string) =>
  Number(
    (await sql<{ n: number }>`select count(*) as n from applied where consumer = ${consumer}`.execute(db)).rows[0]!.n,
  );

describe('the event outbox', () => {
  it('writes an event with its change, and a rolled-back transaction leaves no event', async () => {
    const r = recorder();
    await expect(
      db.transaction().execute(async (trx) => {
        await r.record(trx, { type: 'user.email_verified', actorId: null, visibility: 'private' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await db.selectFrom('events').selectAll().where('type', '=', 'user.email_verified').execute()).toHaveLength(
      0,
    );
    await db
      .transaction()
      .execute((trx) => r.record(trx, { type: 'user.password_reset', actorId: null, visibility: 'private' }));
    expect(await db.selectFrom('events').selectAll().where('type', '=', 'user.password_reset').execute()).toHaveLength(
      1,
    );
  });

  it('gives events time-ordered, prefixed ids', async () => {
    await emit(3);
    const ids = (await db.selectFrom('events').select('id').orderBy('position').execute()).map((r) => r.id);
    expect(ids.every((id) => id.startsWith('evt_'))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
  });
});

describe('the dispatcher', () => {
  it('delivers every event in order to each consumer', async () => {
    await emit(25);
    const seen: StoredEvent[] = [];
    const d = createDispatcher({
      db,
      store: store(),
      clock: systemClock,
      consumers: [applying('ordered', seen)],
      batchSize: 7,
    });
    await d.drain();
    expect(seen.map((e) => (e.type === 'user.signed_in' ? Number(e.payload.method) : -1))).toEqual([
      ...Array(25).keys(),
    ]);
  });

  it('a consumer restarted mid-stream neither loses nor double-applies', async () => {
    await emit(30);
    let handled = 0;
    const crashing: Consumer = {
      name: 'restart',
      types: eventTypes,
      async handle(event, trx) {
        handled++;
        if (handled === 13) throw new Error('process killed');
        await sql`insert into applied (event_id, consumer) values (${event.id}, 'restart')`.execute(trx);
      },
    };
    const first = createDispatcher({
      db,
      store: store(),
      clock: systemClock,
      consumers: [crashing],
      batchSize: 10,
      backoffMs: () => 0,
    });
    await first.runOnce();
    await first.runOnce();
    expect(await appliedCount('restart')).toBe(12);
    // A new dispatcher (as after a restart) resumes from the durable cursor.
    const second = createDispatcher({
      db,
      store: store(),
      clock: systemClock,
      consumers: [applying('restart')],
      batchSize: 10,
    });
    await second.drain();
    expect(await appliedCount('restart')).toBe(30);
    await emit(5);
    await second.drain();
    expect(await appliedCount('restart')).toBe(35);
  });

  it('retries a failing consumer with backoff without blocking the others', async () => {
    await emit(5);
    let failures = 0;
    let now = Date.now();
    const clock: Clock = { now: () => new Date(now) };
    const flaky: Consumer = {
      name: 'flaky',
      types: eventTypes,
      async handle(event, trx) {
        if (failures < 3) {
          failures++;
          throw new Error(`temporary failure ${failures}`);
        }
        await sql`insert into applied (event_id, consumer) values (${event.id}, 'flaky')`.execute(trx);
      },
    };
    const d = createDispatcher({
      db,
      store: store(),
      clock,
      consumers: [flaky, applying('healthy')],
      backoffMs: (a) => 1000 * a,
    });
    await d.runOnce();
    expect(await appliedCount('healthy')).toBe(5);
    expect(await appliedCount('flaky')).toBe(0);
    const cursor = await db
      .selectFrom('eventCursors')
      .selectAll()
      .where('consumer', '=', 'flaky')
      .executeTakeFirstOrThrow();
    expect(cursor.attempts).toBe(1);
    expect(cursor.lastError).toContain('temporary failure 1');
    // Within the backoff window nothing is tried.
    await d.runOnce();
    expect(failures).toBe(1);
    for (let i = 0; i < 3; i++) {
      now += 10_000;
      await d.runOnce();
    }
    expect(failures).toBe(3);
    expect(await appliedCount('flaky')).toBe(5);
  });

  it('drain() throws when a consumer failed, naming it, the event and the error, unless failures are allowed', async () => {
    await emit(2);
    const [first] = await db.selectFrom('events').select(['id', 'type']).orderBy('position').execute();
    let now = Date.now();
    const broken: Consumer = {
      name: 'broken',
      types: eventTypes,
      async handle() {
        throw new Error('no such column');
      },
    };
    const d = createDispatcher({
      db,
      store: store(),
      clock: { now: () => new Date(now) },
      consumers: [broken, applying('healthy')],
    });
    await expect(d.drain()).rejects.toThrow(`broken on ${first!.type} ${first!.id}: no such column`);
    // The others went on regardless.
    expect(await appliedCount('healthy')).toBe(2);
    now += 120_000;
    const failures = await d.drain({ allowFailures: true });
    expect(failures).toEqual([
      { consumer: 'broken', eventId: first!.id, eventType: first!.type, error: 'no such column' },
    ]);
    // Nothing failed meanwhile: a quiet drain.
    await expect(
      createDispatcher({ db, store: store(), clock: systemClock, consumers: [applying('late')] }).drain(),
    ).resolves.toEqual([]);
  });

  it('passes over event types a consumer did not ask for, but moves its cursor', async () => {
    await emit(2, 'user.signed_in');
    await emit(3, 'token.revoked');
    const seen: StoredEvent[] = [];
    const d = createDispatcher({
      db,
      store: store(),
      clock: systemClock,
      consumers: [{ ...applying('picky', seen), types: ['user.signed_in'] }],
    });
    await d.drain();
    expect(seen.map((e) => e.type)).toEqual(['user.signed_in', 'user.signed_in']);
    const cursor = await db
      .selectFrom('eventCursors')
      .select('position')
      .where('consumer', '=', 'picky')
      .executeTakeFirstOrThrow();
    const last = await db.selectFrom('events').select('position').orderBy('position', 'desc').executeTakeFirstOrThrow();
    expect(Number(cursor.position)).toBe(Number(last.position));
  });

  it.runIf(testDialect === 'postgres')(
    'never skips an event whose transaction commits after a later one (PostgreSQL)',
    async () => {
      const r = recorder();
      let releaseSlow!: () => void;
      const slowMayCommit = new Promise<void>((resolve) => (releaseSlow = resolve));
      let slowWrote!: () => void;
      const slowHasWritten = new Promise<void>((resolve) => (slowWrote = resolve));
      // The slow transaction takes an earlier position, then waits before committing.
      const slow = db.transaction().execute(async (trx) => {
        await r.record(trx, { type: 'user.email_verified', actorId: null, visibility: 'private' });
        slowWrote();
        await slowMayCommit;
      });
      await slowHasWritten;
      await db
        .transaction()
        .execute((trx) => r.record(trx, { type: 'user.password_reset', actorId: null, visibility: 'private' }));
      const seen: StoredEvent[] = [];
      const d = createDispatcher({ db, store: store(), clock: systemClock, consumers: [applying('gapless', seen)] });
      // This test holds the slow transaction open itself: the drain must not wait for it to end.
      await d.drain({ waitForOlderTransactions: false });
      // The fast event waits behind the slow transaction instead of moving the cursor past it.
      expect(seen.map((e) => e.type)).toEqual([]);
      releaseSlow();
      await slow;
      await d.drain();
      expect(seen.map((e) => e.type).sort()).toEqual(['user.email_verified', 'user.password_reset']);
    },
  );

  it('runs on its own after start() and stops cleanly', async () => {
    const d = createDispatcher({
      db,
      store: store(),
      clock: systemClock,
      consumers: [applying('live')],
      pollIntervalMs: 20,
    });
    d.start();
    await emit(3);
    d.notify();
    for (let i = 0; i < 100 && (await appliedCount('live')) < 3; i++) await new Promise((r) => setTimeout(r, 20));
    await d.stop();
    expect(await appliedCount('live')).toBe(3);
  });
});
