/**
 * Read replicas (DATABASE_READ_URLS): which PostgreSQL server a read-only query goes to.
 *
 * The router watches each streaming replica (every `checkEveryMs`): is it up, in recovery, and how far behind
 * the primary is its replay? Lag is measured in time from LSNs: the primary's `pg_current_wal_lsn()` is sampled
 * at each check, and a replica whose `pg_last_wal_replay_lsn()` is behind the primary's LSN of `t` ms ago is
 * `t` ms behind. (`pg_last_xact_replay_timestamp()` alone cannot tell an idle primary from a stalled replica.)
 * A replica is used only when it answered the last check and lags at most `maxLagMs`; otherwise, or when none
 * is usable, reads go to the primary. Replicas take turns (round robin).
 *
 * Read-your-writes, by pinning reads to the primary for `readYourWritesMs` (longer than the lag bound plus a
 * check interval, so a replica used after the pin has replayed the write):
 * - per caller: `wrote(key)` after a request that may have written (the app keys callers by credential or
 *   session, and tells the other instances through the cluster bus);
 * - for everyone after any table write (`pinAll()`): the query results cache is keyed by a table's generation
 *   read on the primary, so a stale replica read must not be cached under the new generation.
 * A read runs in a scope (`withReadScope`) that says who asks, or that it belongs to a write and must see it.
 *
 * Only what the query reader runs (rows, facets, aggregates, statistics, other capabilities' `offload` reads,
 * and the `ReplicaReads` of the catalog, the dataset list and the activity feed) is routed; everything else,
 * writes and transactions included, uses the primary.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export interface ReadScope {
  /** Who reads (a hash of their credential or session): their own recent writes pin them to the primary. */
  key?: string;
  /** The read belongs to a request that writes: it must see the primary. */
  primary?: boolean;
}

const scopes = new AsyncLocalStorage<ReadScope>();

/**
 * Runs a read-only `work` where its reads may go: with replicas, the query reader (routed as above); otherwise
 * the main database. What `work` runs must only read (the reader's sessions are read-only).
 */
export type ReplicaReads = <T>(work: (db: Kysely<Database>) => Promise<T>) => Promise<T>;

/** Runs `work` with this read scope (the app opens one per request). */
export function withReadScope<T>(scope: ReadScope, work: () => T): T {
  return scopes.run(scope, work);
}

export interface ReplicaState {
  /** The replica's URL without its password. */
  url: string;
  up: boolean;
  /** Lag behind the primary in ms (null: unknown). */
  lagMs: number | null;
  usable: boolean;
  /** Why it is not used, when it is not. */
  reason?: string;
}

export interface ReplicaOptions {
  primaryUrl: string;
  readUrls: string[];
  /** Beyond this lag, a replica is not read (ms). */
  maxLagMs?: number;
  /** How long a caller's reads stay on the primary after they wrote (ms). */
  readYourWritesMs?: number;
  /** Health check interval (ms). */
  checkEveryMs?: number;
  logger?: { warn(o: object, m: string): void; info?(o: object, m: string): void };
}

export interface ReadRouter {
  readonly readUrls: readonly string[];
  /** The replica URL the next routed read should use, or undefined for the primary. */
  choose(): string | undefined;
  /** `key` just wrote: their reads go to the primary for a while. `fromPeer`: heard from another instance. */
  wrote(key: string, fromPeer?: boolean): void;
  /** A table was written: every routed read goes to the primary for a while. */
  pinAll(fromPeer?: boolean): void;
  /** Hears this instance's `wrote` calls (to tell the other instances). */
  onWrote(listener: (key: string) => void): void;
  /** A replica failed to give a connection: not used until a check finds it up again. */
  markDown(url: string, error: unknown): void;
  /** Runs a health check round now (also run on a timer). */
  check(): Promise<void>;
  states(): ReplicaState[];
  close(): Promise<void>;
}

/** An LSN such as `16/B374D848` as a number of bytes. */
export function parseLsn(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

export const redactUrl = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

interface Replica {
  url: string;
  pool: pg.Pool;
  up: boolean;
  lagMs: number | null;
  reason?: string;
}

export function createReadRouter(options: ReplicaOptions): ReadRouter {
  const maxLagMs = options.maxLagMs ?? 2000;
  const readYourWritesMs = options.readYourWritesMs ?? 5000;
  // A replica falling behind is seen at the next check: pins must outlast the bound plus one interval.
  const checkEveryMs = options.checkEveryMs ?? Math.min(500, Math.max(50, (readYourWritesMs - maxLagMs) / 2));
  // Health checks: one short-lived connection each, with tight timeouts so a dead server costs one check.
  const checkPool = (url: string) => {
    const pool = new pg.Pool({
      connectionString: url,
      max: 1,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: Math.max(1000, checkEveryMs),
      query_timeout: Math.max(1000, checkEveryMs),
    });
    pool.on('error', () => undefined);
    return pool;
  };
  const primary = checkPool(options.primaryUrl);
  const replicas: Replica[] = options.readUrls.map((url) => ({
    url,
    pool: checkPool(url),
    up: false,
    lagMs: null,
    reason: 'not checked yet',
  }));
  /** The primary's LSN over the last moments, oldest first. */
  const samples: Array<{ at: number; lsn: bigint }> = [];
  const pins = new Map<string, number>();
  let pinnedAllUntil = 0;
  let turn = 0;
  const wroteListeners: Array<(key: string) => void> = [];
  const usable = (r: Replica) => r.up && r.lagMs !== null && r.lagMs <= maxLagMs;

  const setState = (replica: Replica, up: boolean, lagMs: number | null, reason?: string) => {
    const wasUsable = usable(replica);
    Object.assign(replica, { up, lagMs, reason });
    if (wasUsable && !usable(replica))
      options.logger?.warn({ replica: redactUrl(replica.url), reason }, 'read replica set aside: reads go elsewhere');
    else if (!wasUsable && usable(replica))
      options.logger?.info?.({ replica: redactUrl(replica.url), lagMs }, 'read replica in use');
  };

  async function checkReplica(replica: Replica, primaryLsn: bigint | undefined, now: number) {
    try {
      const { rows } = await replica.pool.query<{ recovery: boolean; replay: string | null }>(
        'SELECT pg_is_in_recovery() AS recovery, pg_last_wal_replay_lsn()::text AS replay',
      );
      const row = rows[0]!;
      if (!row.recovery || !row.replay)
        return setState(replica, true, null, 'not a streaming replica (not in recovery)');
      if (primaryLsn === undefined) return setState(replica, true, null, 'primary unreachable');
      const replay = parseLsn(row.replay);
      if (replay >= primaryLsn) return setState(replica, true, 0);
      // Behind: by how long ago the primary was past where the replica is now.
      const firstAhead = samples.find((s) => s.lsn > replay)!;
      // Behind even the oldest sample, which is recent: we started watching too lately to know.
      if (firstAhead === samples[0] && now - firstAhead.at <= maxLagMs)
        return setState(replica, true, null, 'lag unknown yet');
      const lagMs = now - firstAhead.at;
      setState(replica, true, lagMs, lagMs > maxLagMs ? `lags ${lagMs} ms (bound ${maxLagMs} ms)` : undefined);
    } catch (error) {
      setState(replica, false, null, `unreachable: ${(error as Error).message}`);
    }
  }

  let running: Promise<void> | undefined;
  async function checkOnce() {
    const now = Date.now();
    let primaryLsn: bigint | undefined;
    try {
      const { rows } = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
      primaryLsn = parseLsn(rows[0]!.lsn);
      samples.push({ at: now, lsn: primaryLsn });
      // Keep enough history to measure lags a little past the bound.
      while (samples.length > 2 && samples[0]!.at < now - 4 * maxLagMs - 10 * checkEveryMs) samples.shift();
    } catch (error) {
      options.logger?.warn({ err: String(error) }, 'read replicas: the primary did not give its LSN');
    }
    await Promise.all(replicas.map((r) => checkReplica(r, primaryLsn, now)));
  }
  const check = () => (running ??= checkOnce().finally(() => (running = undefined)));
  void check();
  const timer = setInterval(() => void check(), checkEveryMs);
  timer.unref();

  return {
    readUrls: options.readUrls,
    choose() {
      const scope = scopes.getStore();
      const now = Date.now();
      if (scope?.primary || pinnedAllUntil > now) return undefined;
      if (scope?.key) {
        const until = pins.get(scope.key);
        if (until !== undefined && until > now) return undefined;
        if (until !== undefined) pins.delete(scope.key);
      }
      const candidates = replicas.filter(usable);
      if (!candidates.length) return undefined;
      return candidates[turn++ % candidates.length]!.url;
    },
    wrote(key, fromPeer = false) {
      const now = Date.now();
      pins.set(key, now + readYourWritesMs);
      // Bounded: expired pins go when the map grows.
      if (pins.size > 10_000) for (const [k, until] of pins) if (until <= now) pins.delete(k);
      if (!fromPeer) for (const listener of wroteListeners) listener(key);
    },
    pinAll() {
      pinnedAllUntil = Date.now() + readYourWritesMs;
    },
    onWrote(listener) {
      wroteListeners.push(listener);
    },
    markDown(url, error) {
      const replica = replicas.find((r) => r.url === url);
      if (replica) setState(replica, false, null, `unreachable: ${(error as Error).message ?? String(error)}`);
    },
    check,
    states: () =>
      replicas.map((r) => ({
        url: redactUrl(r.url),
        up: r.up,
        lagMs: r.lagMs,
        usable: usable(r),
        ...(r.reason ? { reason: r.reason } : {}),
      })),
    async close() {
      clearInterval(timer);
      await running?.catch(() => undefined);
      await Promise.all([primary, ...replicas.map((r) => r.pool)].map((p) => p.end().catch(() => undefined)));
    },
  };
}
