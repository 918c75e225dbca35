import type { Db } from '../../db/database.js';
import type { Actor } from '../../kernel/actor.js';
import type { Clock } from '../../kernel/clock.js';
import { createMemoryStore, decide, type Decision, type LimitStore } from './limiter.js';
import { APP_DEFAULT_PLAN, type PlanLimits } from './plans.js';
import type { PlanStore } from './store.js';

/** Who a request is counted against: the bucket for bursts, the counter of the daily quota, the plan. */
export interface Subject {
  planName: string;
  burstKey: string;
  dailyKey: string;
}

const PLAN_CACHE_MS = 30_000;

export interface LimitsServiceDeps {
  db: Db;
  clock: Clock;
  plans: Record<string, PlanLimits>;
  planStore: PlanStore;
  /** The shared store (Redis) when configured; the in-memory one otherwise. */
  store: LimitStore;
  logger: { warn(o: object, m: string): void };
}

export function createLimitsService(deps: LimitsServiceDeps) {
  const { plans, clock } = deps;
  const memory = deps.store.kind === 'memory' ? deps.store : createMemoryStore();
  const appPlans = new Map<string, { plan: string; until: number }>();
  let lastWarning = 0;

  /** An app's plan, cached a short while in this process (a plan change shows within 30 s). */
  async function appPlan(appId: string, nowMs: number): Promise<string> {
    const cached = appPlans.get(appId);
    if (cached && cached.until > nowMs) return cached.plan;
    const stored = await deps.planStore.planOf(deps.db.kysely, appId);
    const plan = stored && plans[stored] ? stored : APP_DEFAULT_PLAN;
    if (appPlans.size > 10_000) appPlans.clear();
    appPlans.set(appId, { plan, until: nowMs + PLAN_CACHE_MS });
    return plan;
  }

  /**
   * An app's call counts against its credential's bucket (the key; the OAuth grant; the app itself for
   * client credentials) and the app's daily quota, shared by all its keys and tokens. A person is
   * counted per user, anyone else per IP.
   */
  async function subjectOf(actor: Actor, ip: string, nowMs: number): Promise<Subject> {
    if (actor.kind === 'user' && actor.client) {
      const { appId, keyId, grantId } = actor.client;
      const burstKey = keyId ? `key:${keyId}` : grantId ? `grant:${grantId}` : `client:${appId}`;
      return { planName: await appPlan(appId, nowMs), burstKey, dailyKey: `app:${appId}` };
    }
    if (actor.kind === 'user') return { planName: 'user', burstKey: `user:${actor.userId}`, dailyKey: `user:${actor.userId}` };
    return { planName: 'anonymous', burstKey: `ip:${ip}`, dailyKey: `ip:${ip}` };
  }

  /** Counts the request and decides; undefined when the plan sets no limit. Never throws. */
  async function check(actor: Actor, ip: string): Promise<(Decision & { plan: PlanLimits; planName: string }) | undefined> {
    const nowMs = clock.now().getTime();
    const subject = await subjectOf(actor, ip, nowMs);
    const plan = plans[subject.planName]!;
    if (!plan.burst && plan.daily === null) return undefined;
    const c = { burstKey: subject.burstKey, dailyKey: subject.dailyKey, plan, nowMs };
    let raw;
    try {
      raw = await deps.store.check(c);
    } catch (err) {
      // Fail open: the API stays up; limits hold per instance until the shared store answers again.
      if (nowMs - lastWarning > 10_000) {
        lastWarning = nowMs;
        deps.logger.warn({ err: String(err) }, 'rate limits: the shared store (Redis) does not answer; counting in this instance only');
      }
      raw = await memory.check(c);
    }
    return { ...decide(c, raw), plan, planName: subject.planName };
  }

  return { check, subjectOf, plans, storeKind: deps.store.kind };
}
export type LimitsService = ReturnType<typeof createLimitsService>;
