import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../kernel/clock.js';
import type { EventType } from './catalog.js';
import type { EventRecord, StoredEvent } from './schema.js';
import type { EventStore } from './store.js';

/**
 * A consumer of the event spine. `handle` runs inside a transaction that also advances the
 * consumer's cursor: database effects written through `trx` are applied exactly once.
 * Effects outside the database (mail, HTTP) are at-least-once and must be idempotent,
 * keyed by `event.id`.
 */
export interface Consumer<T extends EventType = EventType> {
  name: string;
  /** Only these event types are handed to `handle` (the cursor still moves past the others). */
  types: readonly T[];
  handle(event: StoredEvent<T>, trx: Kysely<Database>): Promise<void>;
  /**
   * Optional: the same effect for several events at once (in spine order), in one transaction with the cursor's
   * move past the last of them. A consumer whose per-event cost is mostly the transaction (the transparency log)
   * declares it; when a batch fails, the dispatcher replays its events one by one to find and report the culprit.
   */
  handleBatch?(events: StoredEvent<T>[], trx: Kysely<Database>): Promise<void>;
}

/** Whether a consumer takes an event; the one place where a stored row becomes a typed event. */
const accepts = <T extends EventType>(
  consumer: Consumer<T>,
  event: EventRecord,
): event is StoredEvent<T> & EventRecord => (consumer.types as readonly string[]).includes(event.type);

export interface DispatcherLogger {
  warn(obj: object, msg: string): void;
}

export interface DispatcherOptions {
  db: Kysely<Database>;
  store: EventStore;
  clock: Clock;
  consumers: Consumer[];
  logger?: DispatcherLogger;
  pollIntervalMs?: number;
  batchSize?: number;
  /** Delay before retry number `attempt` (1-based). */
  backoffMs?: (attempt: number) => number;
}

export const defaultBackoff = (attempt: number) => Math.min(60_000, 500 * 2 ** (attempt - 1));

/** How long a drain waits for other transactions to end before the events it must deliver become readable. */
const DRAIN_HORIZON_WAIT_MS = 30_000;

export interface DrainOptions {
  /** Return quietly when a consumer failed (a test of the failure path asserts what failed instead). */
  allowFailures?: boolean;
  /**
   * false: do not wait for older transactions to end (PostgreSQL) — for a caller that holds one open itself.
   * Default true.
   */
  waitForOlderTransactions?: boolean;
}

/** A consumer that failed during a drain: its name, the event it failed on and the error's message. */
export interface ConsumerFailure {
  consumer: string;
  eventId: string;
  eventType: string;
  error: string;
}

export interface Dispatcher {
  start(): void;
  /** Stops polling and waits for the batch in progress. */
  stop(): Promise<void>;
  /** Wakes the loop now (after a local commit). */
  notify(): void;
  /**
   * Runs every consumer until none has work left that it can do now, for tests and the CLI; every event committed
   * before the call is delivered by then (on PostgreSQL it waits, at most 30 s, for older transactions elsewhere
   * in the cluster to end, since they hold those events back). Throws when a
   * consumer failed meanwhile (naming the consumer, the event and the error), unless `allowFailures`; returns
   * the failures (none when it did not throw). A failed consumer waits for its backoff, so a drain ends.
   */
  drain(options?: DrainOptions): Promise<ConsumerFailure[]>;
  /** Runs one pass over every consumer; returns how many events were handled. */
  runOnce(): Promise<number>;
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { db, store, clock, consumers } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const batchSize = options.batchSize ?? 200;
  const backoff = options.backoffMs ?? defaultBackoff;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  let wakeRequested = false;
  // Collected while a drain runs, so it can report them.
  let failures: ConsumerFailure[] | undefined;

  async function runConsumer(consumer: Consumer): Promise<number> {
    const now = clock.now();
    // Read first: a write on every poll would wait, event loop held on SQLite, for another thread's write (an
    // import's index builds); the cursor exists after a consumer's first run.
    let cursor = await store.getCursor(db, consumer.name);
    if (!cursor) {
      await store.ensureCursor(db, consumer.name, now.toISOString());
      cursor = await store.getCursor(db, consumer.name);
    }
    if (!cursor) return 0;
    // A failing consumer waits for its backoff; the others go on.
    if (cursor.nextAttemptAt && new Date(cursor.nextAttemptAt) > now) return 0;
    const events = await store.readAfter(db, cursor, batchSize);
    if (consumer.handleBatch && events.length > 1) {
      const handled = await runBatch(consumer, events).catch(() => undefined);
      // undefined: the batch failed and rolled back; the loop below replays it one event at a time.
      if (handled !== undefined) return handled;
    }
    let handled = 0;
    for (const event of events) {
      try {
        const done = await db.transaction().execute(async (trx) => {
          const locked = await store.lockCursor(trx, consumer.name);
          // Another instance holds the cursor, or has already moved it past this event.
          if (
            !locked ||
            locked.txId > event.txId ||
            (locked.txId === event.txId && locked.position >= event.position)
          ) {
            return false;
          }
          if (accepts(consumer, event)) await consumer.handle(event, trx);
          await store.advanceCursor(trx, consumer.name, event, clock.now().toISOString());
          return true;
        });
        if (!done) break;
        handled++;
      } catch (error) {
        const attempts = cursor.attempts + 1;
        const next = new Date(clock.now().getTime() + backoff(attempts));
        const message = error instanceof Error ? error.message : String(error);
        failures?.push({ consumer: consumer.name, eventId: event.id, eventType: event.type, error: message });
        await store.recordFailure(db, consumer.name, attempts, next.toISOString(), message, clock.now().toISOString());
        options.logger?.warn(
          { consumer: consumer.name, event: event.id, attempts, err: message },
          'event consumer failed; will retry',
        );
        break;
      }
    }
    return handled;
  }

  /** Every event of `events` in one transaction; returns how many the cursor moved past. */
  async function runBatch(consumer: Consumer, events: EventRecord[]): Promise<number> {
    return db.transaction().execute(async (trx) => {
      const locked = await store.lockCursor(trx, consumer.name);
      if (!locked) return 0;
      // Another instance may have moved the cursor past some of them meanwhile.
      const fresh = events.filter(
        (e) => e.txId > locked.txId || (e.txId === locked.txId && e.position > locked.position),
      );
      if (fresh.length === 0) return 0;
      const taken = fresh.filter((e) => accepts(consumer, e));
      if (taken.length > 0) await consumer.handleBatch!(taken, trx);
      await store.advanceCursor(trx, consumer.name, fresh[fresh.length - 1]!, clock.now().toISOString());
      return fresh.length;
    });
  }

  async function runOnce(): Promise<number> {
    const counts = await Promise.all(consumers.map((c) => runConsumer(c)));
    return counts.reduce((a, b) => a + b, 0);
  }

  function schedule(delay: number) {
    if (!running) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delay);
  }

  function tick() {
    if (!running) return;
    wakeRequested = false;
    current = runOnce()
      .catch((error: unknown) => options.logger?.warn({ err: String(error) }, 'event dispatcher pass failed'))
      .then((handled) => schedule(handled || wakeRequested ? 0 : pollIntervalMs));
  }

  return {
    start() {
      if (running || consumers.length === 0) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await current;
    },
    notify() {
      wakeRequested = true;
      if (running) {
        clearTimeout(timer);
        // Let the current pass finish; tick chains immediately afterwards.
        void current.then(() => schedule(0));
      }
    },
    async drain(drainOptions: DrainOptions = {}) {
      const seen: ConsumerFailure[] = [];
      failures = seen;
      // Every event committed before the drain is delivered when it returns. On PostgreSQL a pass may find nothing
      // while those events are still held back by an older transaction elsewhere in the cluster: wait for it (a
      // bounded while), rather than return with events undelivered.
      const newest = drainOptions.waitForOlderTransactions === false ? -1 : await store.newestTxId(db);
      const deadline = Date.now() + DRAIN_HORIZON_WAIT_MS;
      try {
        for (let i = 0; i < 10_000; i++) {
          const held = await store.heldBack(db, newest);
          if ((await runOnce()) > 0) continue;
          if (!held || seen.length > 0 || Date.now() > deadline) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      } finally {
        failures = undefined;
      }
      if (seen.length > 0 && !drainOptions.allowFailures) {
        const lines = seen.map((f) => `${f.consumer} on ${f.eventType} ${f.eventId}: ${f.error}`);
        throw new Error(`Event consumers failed during drain:\n${lines.join('\n')}`);
      }
      return seen;
    },
    runOnce,
  };
}
