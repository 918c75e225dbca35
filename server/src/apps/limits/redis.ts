/**
 * The limiter shared by every instance: the same GCRA and daily counter as limiter.ts, in one Lua
 * script that Redis runs atomically — one round trip per request (EVALSHA, ioredis falls back to EVAL
 * once after a restart of Redis). The clock is the caller's (passed as an argument), the same one the
 * in-memory limiter and the tests use: instances' clocks must agree (NTP); a skew of a few ms only
 * moves a refill by as much. Keys expire: a TAT when its bucket is full again, a counter after its day.
 * The client is the server's one connection (kernel/redis.ts), shared with the sign-in throttle.
 */
import type { Redis } from 'ioredis';
import { firstConnection } from '../../kernel/redis.js';
import { dayOf, DAY_MS, intervalMs, type LimitCheck, type LimitStore, type RawOutcome } from './limiter.js';

// KEYS[1]: the bucket's TAT, KEYS[2]: the day's counter.
// ARGV: now (ms), interval (ms, 0 = no bucket), tolerance (ms), daily limit (-1 = none), counter TTL (s).
// Returns {status, ahead (ms), count}: status 0 allowed, 1 bucket empty, 2 quota spent.
const SCRIPT = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local dlimit = tonumber(ARGV[4])
local count = -1
if dlimit >= 0 then count = tonumber(redis.call('GET', KEYS[2])) or 0 end
local tat = now
local newTat = now
if interval > 0 then
  tat = tonumber(redis.call('GET', KEYS[1])) or now
  if tat < now then tat = now end
  newTat = tat + interval
  if newTat - tolerance > now then return {1, math.ceil(tat - now), count} end
end
if dlimit >= 0 then
  if count >= dlimit then return {2, math.ceil(tat - now), count} end
  count = redis.call('INCR', KEYS[2])
  if count == 1 then redis.call('EXPIRE', KEYS[2], tonumber(ARGV[5])) end
end
if interval > 0 then
  redis.call('SET', KEYS[1], string.format('%.3f', newTat), 'PX', math.ceil(newTat - now))
end
return {0, math.ceil(newTat - now), count}
`;

type LimitCommand = (burstKey: string, dailyKey: string, ...args: string[]) => Promise<[number, number, number]>;

export function createRedisStore(client: Redis, prefix: string): LimitStore {
  client.defineCommand('multitudeLimit', { numberOfKeys: 2, lua: SCRIPT });
  const limit = (client as unknown as { multitudeLimit: LimitCommand }).multitudeLimit.bind(client);
  // The first requests wait for the first connection (kernel/redis.ts); later, a lost connection
  // fails at once (the caller falls back to counting in memory).
  let connecting: Promise<void> | undefined = firstConnection(client);
  return {
    kind: 'redis',
    async check({ burstKey, dailyKey, plan, nowMs }: LimitCheck): Promise<RawOutcome> {
      if (connecting) {
        await connecting;
        connecting = undefined;
      }
      const day = dayOf(nowMs);
      const ttl = Math.ceil(((day + 1) * DAY_MS - nowMs) / 1000) + 3600;
      const [status, aheadMs, count] = await limit(
        `${prefix}b:${burstKey}`,
        `${prefix}d:${dailyKey}:${day}`,
        String(nowMs),
        plan.burst ? String(intervalMs(plan.burst)) : '0',
        plan.burst ? String(plan.burst.windowSeconds * 1000) : '0',
        plan.daily === null ? '-1' : String(plan.daily),
        String(ttl),
      );
      return { status: status as 0 | 1 | 2, aheadMs: Number(aheadMs), count: Number(count) };
    },
    // The connection is the server's (kernel/redis.ts): the composition root closes it.
  };
}
