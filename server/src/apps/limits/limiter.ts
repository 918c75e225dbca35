/**
 * The token bucket, written as GCRA (the generic cell rate algorithm): one number per bucket, the
 * "theoretical arrival time" (TAT) of the next request. A request at `now` is allowed when
 * `max(TAT, now) + interval - tolerance <= now`, with interval = window / limit and tolerance = window:
 * `limit` requests at once, then one per interval. The daily quota is a counter per UTC day.
 * Both are checked together: a refused request consumes neither.
 *
 * The in-memory limiter below and the Redis script (redis.ts) implement the same arithmetic.
 */
import type { BurstLimit, PlanLimits } from './plans.js';

export const DAY_MS = 86_400_000;

export interface LimitCheck {
  /** The bucket for bursts (a key, an OAuth grant, a user, an IP). */
  burstKey: string;
  /** The counter for the daily quota (an app — shared by its keys —, a user, an IP). */
  dailyKey: string;
  plan: PlanLimits;
  nowMs: number;
}

/** What the store answers: the bucket's state after the decision and the day's count. */
export interface RawOutcome {
  /** 0 allowed, 1 refused by the burst bucket, 2 refused by the daily quota. */
  status: 0 | 1 | 2;
  /** max(TAT, now) − now after the decision, in ms (0 without a burst limit). */
  aheadMs: number;
  /** The day's count after the decision (−1 without a daily quota). */
  count: number;
}

export interface Decision {
  allowed: boolean;
  exceeded?: 'burst' | 'daily';
  /** Whole seconds to wait before retrying (refused requests). */
  retryAfterSeconds?: number;
  burst?: { limit: number; windowSeconds: number; remaining: number; resetSeconds: number };
  daily?: { limit: number; remaining: number; resetSeconds: number };
}

export interface LimitStore {
  readonly kind: 'memory' | 'redis';
  check(c: LimitCheck): RawOutcome | Promise<RawOutcome>;
  close?(): Promise<void>;
}

export const intervalMs = (b: BurstLimit) => (b.windowSeconds * 1000) / b.limit;
export const dayOf = (nowMs: number) => Math.floor(nowMs / DAY_MS);

/** Turns a store's raw answer into the decision and the numbers of the RateLimit header. */
export function decide(c: LimitCheck, raw: RawOutcome): Decision {
  const { plan, nowMs } = c;
  const decision: Decision = { allowed: raw.status === 0 };
  const untilMidnight = (dayOf(nowMs) + 1) * DAY_MS - nowMs;
  if (plan.burst) {
    const interval = intervalMs(plan.burst);
    const tolerance = plan.burst.windowSeconds * 1000;
    const remaining = raw.status === 1 ? 0 : Math.max(0, Math.floor((tolerance - raw.aheadMs) / interval + 1e-9));
    decision.burst = {
      limit: plan.burst.limit,
      windowSeconds: plan.burst.windowSeconds,
      remaining,
      resetSeconds: Math.ceil(raw.aheadMs / 1000),
    };
    if (raw.status === 1) {
      decision.exceeded = 'burst';
      decision.retryAfterSeconds = Math.max(1, Math.ceil((raw.aheadMs + interval - tolerance) / 1000));
    }
  }
  if (plan.daily !== null) {
    const count = Math.max(0, raw.count);
    decision.daily = {
      limit: plan.daily,
      remaining: Math.max(0, plan.daily - count),
      resetSeconds: Math.ceil(untilMidnight / 1000),
    };
    if (raw.status === 2) {
      decision.exceeded = 'daily';
      decision.retryAfterSeconds = Math.max(1, Math.ceil(untilMidnight / 1000));
    }
  }
  return decision;
}

/** The in-memory store also hears what the shared store allowed, so that a fallback starts from the same state. */
export interface MemoryStore extends LimitStore {
  readonly kind: 'memory';
  check(c: LimitCheck): RawOutcome;
  /**
   * Counts a request that the shared store (Redis) allowed, without deciding anything: the bucket drains as it
   * would have (never further than empty) and the day's count grows (never past the quota). When Redis stops
   * answering, this instance's fallback then starts from its recent traffic, not from a full bucket.
   */
  note(c: LimitCheck): void;
}

/** One instance's limiter: Maps of TATs and of today's counters, swept as they go stale. */
export function createMemoryStore(): MemoryStore {
  const tats = new Map<string, number>();
  const counts = new Map<string, number>();
  let countsDay = -1;
  let nextSweep = 0;
  const housekeep = (nowMs: number) => {
    const day = dayOf(nowMs);
    if (day !== countsDay) {
      counts.clear();
      countsDay = day;
    }
    if (nowMs >= nextSweep) {
      // A bucket whose TAT is past is full: forgetting it changes nothing.
      for (const [k, tat] of tats) if (tat <= nowMs) tats.delete(k);
      nextSweep = nowMs + 60_000;
    }
  };
  return {
    kind: 'memory',
    note({ burstKey, dailyKey, plan, nowMs }) {
      housekeep(nowMs);
      if (plan.burst) {
        const tat = Math.max(tats.get(burstKey) ?? nowMs, nowMs);
        tats.set(burstKey, Math.min(tat + intervalMs(plan.burst), nowMs + plan.burst.windowSeconds * 1000));
      }
      if (plan.daily !== null) counts.set(dailyKey, Math.min(plan.daily, (counts.get(dailyKey) ?? 0) + 1));
    },
    check({ burstKey, dailyKey, plan, nowMs }) {
      housekeep(nowMs);
      let tat = 0;
      let newTat = 0;
      if (plan.burst) {
        tat = Math.max(tats.get(burstKey) ?? nowMs, nowMs);
        newTat = tat + intervalMs(plan.burst);
        if (newTat - plan.burst.windowSeconds * 1000 > nowMs)
          return { status: 1, aheadMs: tat - nowMs, count: plan.daily === null ? -1 : (counts.get(dailyKey) ?? 0) };
      }
      let count = -1;
      if (plan.daily !== null) {
        count = counts.get(dailyKey) ?? 0;
        if (count >= plan.daily) return { status: 2, aheadMs: plan.burst ? tat - nowMs : 0, count };
        count += 1;
        counts.set(dailyKey, count);
      }
      if (plan.burst) tats.set(burstKey, newTat);
      return { status: 0, aheadMs: plan.burst ? newTat - nowMs : 0, count };
    },
  };
}
