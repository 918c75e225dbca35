/**
 * How many instances share the rate limits, for the moments Redis does not answer: each instance then counts
 * in memory and allows only its share of each limit (limit ÷ instances, never below 1), so that N instances
 * together stay near the limit instead of allowing N times it.
 *
 * Each instance beats into a Redis sorted set (`<prefix>instances`, member = a random id, score = the time)
 * every HEARTBEAT_MS; members older than ALIVE_MS are dropped and the set's size is the count. The last count
 * read stays known while Redis is away (that is when it is used). An instance that started while Redis was
 * away, or one without Redis, uses the `MULTITUDE_INSTANCES` hint, else 1.
 * Wall-clock time (not the injected clock): liveness is about real seconds, whatever a test's clock says.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { firstConnection } from '../../kernel/redis.js';

export const HEARTBEAT_MS = 5000;
/** A member not renewed for this long is gone (killed): three missed beats. */
export const ALIVE_MS = 15_000;

export interface InstanceCount {
  /** The instances believed alive, this one included (≥ 1). */
  count(): number;
  /** Beats now and reads the count (the timer does it every HEARTBEAT_MS); never throws. */
  refresh(): Promise<void>;
  /** Stops beating and leaves the set (best effort), so that the others' share grows at once. */
  stop(): Promise<void>;
}

export function createInstanceCount(options: { redis?: Redis; prefix: string; hint?: number }): InstanceCount {
  const fallback = Math.max(1, Math.floor(options.hint ?? 1));
  const { redis } = options;
  if (!redis) return { count: () => fallback, refresh: async () => undefined, stop: async () => undefined };
  const key = `${options.prefix}instances`;
  const id = randomBytes(8).toString('hex');
  let known: number | undefined;
  let stopped = false;
  const refresh = async () => {
    if (stopped) return;
    try {
      await firstConnection(redis);
      const now = Date.now();
      const replies = await redis
        .multi()
        .zadd(key, now, id)
        .zremrangebyscore(key, '-inf', now - ALIVE_MS)
        .zcard(key)
        .pexpire(key, ALIVE_MS * 2)
        .exec();
      const size = Number(replies?.[2]?.[1]);
      if (Number.isInteger(size) && size >= 1) known = size;
    } catch {
      // Redis away: keep the last count (the limits service warns about Redis itself).
    }
  };
  void refresh();
  const timer = setInterval(() => void refresh(), HEARTBEAT_MS);
  timer.unref();
  return {
    count: () => known ?? fallback,
    refresh,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await redis.zrem(key, id).catch(() => undefined);
    },
  };
}
