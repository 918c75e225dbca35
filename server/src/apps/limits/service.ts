import type { Db } from '../../db/database.js';
import { forbidden, invalid, notFound } from '../../kernel/errors.js';
import type { Actor } from '../../kernel/actor.js';
import type { Clock } from '../../kernel/clock.js';
import {
  createMemoryStore,
  decide,
  type Decision,
  type LimitCheck,
  type LimitStore,
  type MemoryStore,
  type RawOutcome,
} from './limiter.js';
import type { InstanceCount } from './instances.js';
import { APP_DEFAULT_PLAN, PERSON_PLANS, type PlanLimits } from './plans.js';
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
  /** How many instances share the limits: while Redis is away, each allows its share. */
  instances?: InstanceCount;
  logger: { warn(o: object, m: string): void };
}

export function createLimitsService(deps: LimitsServiceDeps) {
  const { plans, clock } = deps;
  const shared = deps.store.kind === 'redis';
  const memory: MemoryStore = shared ? createMemoryStore() : (deps.store as MemoryStore);
  /** Each plan's share for one of n instances, made once per (plan, n) so the policy header cache keeps working. */
  const shares = new WeakMap<PlanLimits, { n: number; plan: PlanLimits }>();
  function shareOf(plan: PlanLimits): PlanLimits {
    const n = shared ? (deps.instances?.count() ?? 1) : 1;
    if (n <= 1) return plan;
    const known = shares.get(plan);
    if (known?.n === n) return known.plan;
    const part = (limit: number) => Math.max(1, Math.floor(limit / n));
    const share: PlanLimits = {
      burst: plan.burst ? { limit: part(plan.burst.limit), windowSeconds: plan.burst.windowSeconds } : null,
      daily: plan.daily === null ? null : part(plan.daily),
    };
    shares.set(plan, { n, plan: share });
    return share;
  }
  const appPlans = new Map<string, { plan: string; until: number }>();
  let lastWarning = 0;

  /** An app's plan, cached a short while in this process (a plan change shows within 30 s). */
  async function loadAppPlan(appId: string, nowMs: number): Promise<string> {
    const stored = await deps.planStore.planOf(deps.db.kysely, appId);
    const plan = stored && plans[stored] ? stored : APP_DEFAULT_PLAN;
    if (appPlans.size > 10_000) appPlans.clear();
    appPlans.set(appId, { plan, until: nowMs + PLAN_CACHE_MS });
    return plan;
  }

  /** The caller's plan: synchronous on the hot path (a person, or an app whose plan is cached). */
  function planNameOf(actor: Actor, nowMs: number): string | Promise<string> {
    if (actor.kind === 'user' && actor.client) {
      const cached = appPlans.get(actor.client.appId);
      return cached && cached.until > nowMs ? cached.plan : loadAppPlan(actor.client.appId, nowMs);
    }
    return actor.kind === 'user' ? 'user' : 'anonymous';
  }

  /**
   * An app's call counts against its credential's bucket (the key; the OAuth grant; the app itself for
   * client credentials) and the app's daily quota, shared by all its keys and tokens. A person is
   * counted per user, anyone else per IP.
   */
  function subjectOf(actor: Actor, ip: string): Omit<Subject, 'planName'> {
    if (actor.kind === 'user' && actor.client) {
      const { appId, keyId, grantId } = actor.client;
      return {
        burstKey: keyId ? `key:${keyId}` : grantId ? `grant:${grantId}` : `client:${appId}`,
        dailyKey: `app:${appId}`,
      };
    }
    if (actor.kind === 'user') return { burstKey: `user:${actor.userId}`, dailyKey: `user:${actor.userId}` };
    return { burstKey: `ip:${ip}`, dailyKey: `ip:${ip}` };
  }

  const warn = (err: unknown, nowMs: number) => {
    // Fail open: the API stays up; each instance allows its share of each limit until the shared store answers again.
    if (nowMs - lastWarning > 10_000) {
      lastWarning = nowMs;
      deps.logger.warn(
        { err: String(err), instances: deps.instances?.count() ?? 1 },
        'rate limits: the shared store (Redis) does not answer; counting in this instance only, on its share of each limit',
      );
    }
  };

  /**
   * Asks the shared store; when it fails, this instance decides alone on its share of the plan (the decision and
   * its headers then name that share). What Redis allows is also noted in memory, so a fallback starts warm.
   */
  async function counted(c: LimitCheck): Promise<Decision & { plan: PlanLimits }> {
    let raw: RawOutcome;
    try {
      const answer = deps.store.check(c);
      raw = answer instanceof Promise ? await answer : answer;
    } catch (err) {
      warn(err, c.nowMs);
      const local: LimitCheck = { ...c, plan: shareOf(c.plan) };
      return Object.assign(decide(local, memory.check(local)), { plan: local.plan });
    }
    if (shared && raw.status === 0) memory.note({ ...c, plan: shareOf(c.plan) });
    return Object.assign(decide(c, raw), { plan: c.plan });
  }

  /** Counts the request and decides; undefined when the plan sets no limit. Never throws. */
  async function check(
    actor: Actor,
    ip: string,
  ): Promise<(Decision & { plan: PlanLimits; planName: string }) | undefined> {
    const nowMs = clock.now().getTime();
    const pending = planNameOf(actor, nowMs);
    const planName = typeof pending === 'string' ? pending : await pending;
    const plan = plans[planName]!;
    if (!plan.burst && plan.daily === null) return undefined;
    return Object.assign(await counted({ ...subjectOf(actor, ip), plan, nowMs }), { planName });
  }

  /**
   * The second bucket of an anonymous caller, for the queries that may scan a whole table: per IP, plan
   * `anonymous-expensive`. Undefined when that plan sets no limit. Never throws.
   */
  async function checkExpensive(ip: string): Promise<(Decision & { plan: PlanLimits; planName: string }) | undefined> {
    const planName = 'anonymous-expensive';
    const plan = plans[planName];
    if (!plan || (!plan.burst && plan.daily === null)) return undefined;
    const nowMs = clock.now().getTime();
    return Object.assign(await counted({ burstKey: `xip:${ip}`, dailyKey: `xip:${ip}`, plan, nowMs }), { planName });
  }

  /** A platform administrator moves an app to another plan; it applies at once in this instance (30 s elsewhere). */
  async function setPlan(actor: Actor, appId: string, plan: string): Promise<void> {
    if (actor.kind !== 'user' || !actor.isAdmin || actor.client)
      throw forbidden("Only platform administrators change an app's plan");
    if (!plans[plan] || PERSON_PLANS.has(plan))
      throw invalid('plan', `Unknown app plan; one of: ${appPlanNames().join(', ')}`);
    if (!(await deps.planStore.setPlan(deps.db.kysely, appId, plan))) throw notFound('App');
    appPlans.delete(appId);
  }

  /** The plans an app can be on, with their limits. */
  const appPlanNames = () => Object.keys(plans).filter((name) => !PERSON_PLANS.has(name));

  return { check, checkExpensive, plans, appPlanNames, setPlan, storeKind: deps.store.kind };
}
export type LimitsService = ReturnType<typeof createLimitsService>;
