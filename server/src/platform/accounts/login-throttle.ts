/**
 * Brute-force protection on sign-in, per account and per client address.
 *
 * - Per account, an exponential delay rather than a lockout: the first `perAccount` (5) failures cost nothing;
 *   after that, each attempt must wait 2^(n − 5) seconds after the latest failure (1 s, 2 s, 4 s, … capped at
 *   `maxDelayMs`, 15 minutes), n counting the failures of the last `accountWindowMs` (24 hours). A correct password
 *   is never locked out for longer than the cap after the last failure, from any device, and a success clears the
 *   count; a guesser gets at most one try per cap (about 100 a day) once the delay has grown. A lockout for a fixed
 *   window would let anyone keep a known email locked out for good by failing five times every 15 minutes.
 * - Per address, a sliding window (`perAddress`, 50 failures per `windowMs`, 15 minutes), which bounds a guesser
 *   spraying many accounts from one address.
 *
 * Two implementations of one interface:
 * - in memory (the default, one instance): the count is per process, which bounds an attacker to
 *   `limit × instances` tries per window;
 * - in Redis (when `REDIS_URL` is set): one sorted set of failure timestamps per key, shared by every
 *   instance, so the limits are exact across them. Each operation is one Lua script (atomic, one round
 *   trip). When Redis does not answer, it fails open to the in-memory count with a warning: sign-in
 *   never waits for, nor fails because of, Redis.
 *
 * Both read the server's clock (`now`), the one the tests drive; instances' clocks must agree (NTP).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sha256 } from '../../kernel/crypto.js';
import { firstConnection } from '../../kernel/redis.js';

export interface LoginThrottle {
  /** Seconds to wait before trying again, or 0 when an attempt is allowed. */
  retryAfter(account: string, address: string): Promise<number>;
  /** Counts a failed attempt against the account and the address. */
  fail(account: string, address: string): Promise<void>;
  /** A successful sign-in clears the account's count (not the address's). */
  succeed(account: string): Promise<void>;
}

export interface LoginThrottleOptions {
  /** Failures of an account that cost no delay. */
  perAccount?: number;
  perAddress?: number;
  /** The address's sliding window. */
  windowMs?: number;
  /** How long an account's failures count towards its delay. */
  accountWindowMs?: number;
  /** The longest delay between two attempts on one account. */
  maxDelayMs?: number;
  /** Milliseconds since the epoch: the server's clock. */
  now?: () => number;
}

const settings = (options: LoginThrottleOptions) => ({
  perAccount: options.perAccount ?? 5,
  perAddress: options.perAddress ?? 50,
  windowMs: options.windowMs ?? 15 * 60_000,
  accountWindowMs: options.accountWindowMs ?? 24 * 3600_000,
  maxDelayMs: options.maxDelayMs ?? 15 * 60_000,
  now: options.now ?? Date.now,
});

/** Milliseconds an account with `count` recent failures waits after its latest one. */
export const accountDelayMs = (count: number, perAccount: number, maxDelayMs: number) =>
  count < perAccount ? 0 : Math.min(2 ** (count - perAccount) * 1000, maxDelayMs);

export function createLoginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
  const { perAccount, perAddress, windowMs, accountWindowMs, maxDelayMs, now } = settings(options);
  const failures = new Map<string, number[]>();

  const recent = (key: string) => {
    const cutoff = now() - (key.startsWith('a:') ? accountWindowMs : windowMs);
    const list = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) failures.set(key, list);
    else failures.delete(key);
    return list;
  };

  return {
    async retryAfter(account, address) {
      let wait = 0;
      const tries = recent(`a:${account}`);
      if (tries.length >= perAccount)
        wait = Math.ceil(
          (tries[tries.length - 1]! + accountDelayMs(tries.length, perAccount, maxDelayMs) - now()) / 1000,
        );
      const list = recent(`ip:${address}`);
      if (list.length >= perAddress)
        wait = Math.max(wait, Math.ceil((list[list.length - perAddress]! + windowMs - now()) / 1000));
      return Math.max(0, wait);
    },
    async fail(account, address) {
      for (const key of [`a:${account}`, `ip:${address}`]) failures.set(key, [...recent(key), now()]);
    },
    async succeed(account) {
      failures.delete(`a:${account}`);
    },
  };
}

// KEYS: the account's set, the address's set. ARGV: now (ms), address window (ms), account limit, address limit,
// account window (ms), longest delay (ms). Drops the failures that left their window; returns the seconds to wait
// (0 = allowed): the account's exponential delay after its latest failure, or the address's sliding window.
const RETRY_AFTER = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local accountLimit = tonumber(ARGV[3])
local addressLimit = tonumber(ARGV[4])
local accountWindow = tonumber(ARGV[5])
local maxDelay = tonumber(ARGV[6])
local wait = 0
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - accountWindow)
local tries = redis.call('ZCARD', KEYS[1])
if tries >= accountLimit then
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  local delay = math.min(2 ^ (tries - accountLimit) * 1000, maxDelay)
  wait = math.ceil((tonumber(last[2]) + delay - now) / 1000)
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[2])
if count >= addressLimit then
  local oldest = redis.call('ZRANGE', KEYS[2], count - addressLimit, count - addressLimit, 'WITHSCORES')
  local w = math.ceil((tonumber(oldest[2]) + window - now) / 1000)
  if w > wait then wait = w end
end
if wait < 0 then wait = 0 end
return wait
`;

// KEYS: the account's set, the address's set. ARGV: now (ms), address window (ms), a unique member, account window.
// Adds the failure to both and lets each set expire one window after its latest failure.
const FAIL = `
local now = tonumber(ARGV[1])
local windows = { tonumber(ARGV[4]), tonumber(ARGV[2]) }
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - windows[i])
  redis.call('ZADD', KEYS[i], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[i], windows[i])
end
return 0
`;

type Script = (accountKey: string, addressKey: string, ...args: string[]) => Promise<number>;

export interface RedisLoginThrottleOptions extends LoginThrottleOptions {
  client: Redis;
  /** Prefix of the keys (`mt:login:` by default; tests give each run its own). */
  prefix?: string;
  logger?: { warn(o: object, m: string): void };
}

/** The throttle shared by every instance through Redis; falls back to `createLoginThrottle` when Redis does not answer. */
export function createRedisLoginThrottle(options: RedisLoginThrottleOptions): LoginThrottle {
  const { perAccount, perAddress, windowMs, accountWindowMs, maxDelayMs, now } = settings(options);
  const { client } = options;
  const prefix = options.prefix ?? 'mt:login:';
  const memory = createLoginThrottle(options);
  client.defineCommand('multitudeLoginRetryAfter', { numberOfKeys: 2, lua: RETRY_AFTER });
  client.defineCommand('multitudeLoginFail', { numberOfKeys: 2, lua: FAIL });
  const scripts = client as unknown as { multitudeLoginRetryAfter: Script; multitudeLoginFail: Script };
  // Emails stay out of Redis: the account's key is a digest of it.
  const accountKey = (account: string) => `${prefix}a:${sha256(account)}`;
  const addressKey = (address: string) => `${prefix}ip:${address}`;

  let connecting: Promise<void> | undefined = firstConnection(client);
  let lastWarning = -Infinity;
  /** Runs against Redis; on any failure, warns (at most every 10 s) and runs the in-memory fallback. */
  async function shared<T>(remote: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    try {
      if (connecting) {
        await connecting;
        connecting = undefined;
      }
      return await remote();
    } catch (err) {
      const at = now();
      if (at - lastWarning > 10_000) {
        lastWarning = at;
        options.logger?.warn(
          { err: String(err) },
          'sign-in throttle: the shared store (Redis) does not answer; counting in this instance only',
        );
      }
      return local();
    }
  }

  return {
    retryAfter: (account, address) =>
      shared(
        async () =>
          Number(
            await scripts.multitudeLoginRetryAfter.call(
              client,
              accountKey(account),
              addressKey(address),
              String(now()),
              String(windowMs),
              String(perAccount),
              String(perAddress),
              String(accountWindowMs),
              String(maxDelayMs),
            ),
          ),
        () => memory.retryAfter(account, address),
      ),
    fail: (account, address) =>
      shared(
        async () => {
          await scripts.multitudeLoginFail.call(
            client,
            accountKey(account),
            addressKey(address),
            String(now()),
            String(windowMs),
            randomBytes(8).toString('hex'),
            String(accountWindowMs),
          );
        },
        () => memory.fail(account, address),
      ),
    succeed: async (account) => {
      await memory.succeed(account);
      await shared(
        async () => {
          await client.del(accountKey(account));
        },
        async () => undefined,
      );
    },
  };
}
