/**
 * Rate-limit plans: a token bucket for bursts plus a daily quota. Built in here, overridable by the
 * MULTITUDE_RATE_LIMITS setting (a JSON object of plan name → limits; `null` removes a limit).
 */

export interface BurstLimit {
  /** Requests allowed at once (the bucket's size)… */
  limit: number;
  /** …refilled evenly over this many seconds (limit / windowSeconds tokens per second). */
  windowSeconds: number;
}

export interface PlanLimits {
  burst: BurstLimit | null;
  /** Calls per UTC day; null for none. */
  daily: number | null;
}

/**
 * `anonymous`: per IP, `anonymous-expensive`: per IP again, on top, for the queries that may scan a whole table
 * (filters and their counts, search, facets, aggregates, statistics, downloads — routes marking themselves
 * `expensive`); `user`: per user (browser session or personal access token), and the app plans
 * (`apps.plan`, for API keys and OAuth tokens): `free`, `partner`, `unlimited`.
 *
 * People are not limited unless the operator says so: the web app makes bursts, proxies and NATs
 * put many people behind one IP, and the benchmarks hammer the API from one address. Apps are.
 */
export const defaultPlans: Record<string, PlanLimits> = {
  anonymous: { burst: null, daily: null },
  // About one a second, in bursts of 60: a visitor exploring a table never notices it; a script scanning the
  // platform anonymously does, and is told to sign in or use a key.
  'anonymous-expensive': { burst: { limit: 60, windowSeconds: 60 }, daily: null },
  user: { burst: null, daily: null },
  free: { burst: { limit: 100, windowSeconds: 10 }, daily: 10_000 },
  partner: { burst: { limit: 1_000, windowSeconds: 10 }, daily: 1_000_000 },
  unlimited: { burst: null, daily: null },
};

export const APP_DEFAULT_PLAN = 'free';
/** Plans of people and addresses, never given to an app. */
export const PERSON_PLANS = new Set(['anonymous', 'anonymous-expensive', 'user']);

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** The built-in plans with the overrides applied; throws on a malformed setting (at start-up). */
export function resolvePlans(raw: string | undefined): Record<string, PlanLimits> {
  const plans: Record<string, PlanLimits> = Object.fromEntries(
    Object.entries(defaultPlans).map(([k, v]) => [k, { ...v }]),
  );
  if (!raw) return plans;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('MULTITUDE_RATE_LIMITS must be a JSON object of plans');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('MULTITUDE_RATE_LIMITS must be a JSON object of plans');
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!/^[a-z0-9_-]{1,40}$/.test(name)) throw new Error(`MULTITUDE_RATE_LIMITS: invalid plan name "${name}"`);
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new Error(`MULTITUDE_RATE_LIMITS: plan "${name}" must be an object`);
    const v = value as { burst?: unknown; daily?: unknown };
    for (const field of Object.keys(v))
      if (field !== 'burst' && field !== 'daily')
        throw new Error(`MULTITUDE_RATE_LIMITS: unknown field "${field}" in plan "${name}"`);
    const plan: PlanLimits = { ...(plans[name] ?? { burst: null, daily: null }) };
    if ('burst' in v) {
      if (v.burst === null) plan.burst = null;
      else {
        const b = v.burst as Partial<BurstLimit>;
        if (!b || !positive(b.limit) || !Number.isInteger(b.limit) || !positive(b.windowSeconds)) {
          throw new Error(
            `MULTITUDE_RATE_LIMITS: plan "${name}" burst needs a positive integer limit and positive windowSeconds`,
          );
        }
        plan.burst = { limit: b.limit, windowSeconds: b.windowSeconds };
      }
    }
    if ('daily' in v) {
      if (v.daily !== null && !(Number.isInteger(v.daily) && (v.daily as number) >= 0))
        throw new Error(`MULTITUDE_RATE_LIMITS: plan "${name}" daily must be a non-negative integer or null`);
      plan.daily = v.daily as number | null;
    }
    plans[name] = plan;
  }
  return plans;
}
