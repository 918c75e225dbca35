/**
 * The one flag evaluator, shared by the Multitude server (its evaluate and OFREP endpoints) and the SDK's local
 * evaluation: the same code answers on both sides, so a flag never reads differently locally and remotely.
 *
 * Pure: no I/O, no clock except for the `$now` attribute. A ruleset is compiled once (rules precompiled: sets for
 * `in`, parsed numbers, semvers and dates, regexes compiled by RE2JS, a linear-time engine, and the bucketing hash's
 * prefix state); evaluation then allocates nothing: every possible answer is a frozen object built at compile time.
 *
 * Bucketing (documented with test vectors in docs/flags.md): the bytes are the UTF-8 encoding of
 * `flagKey + "." + seed + "." + bucketingKey` (a lone surrogate is encoded as U+FFFD, as TextEncoder does), hashed
 * with 32-bit FNV-1a (offset basis 2166136261, prime 16777619), then mixed with MurmurHash3's 32-bit finalizer
 * (fmix32); the bucket is floor(h × 10000 / 2^32), an integer in [0, 9999]. A weight of 2500 is 25 %.
 */
import { RE2JS } from 're2js';
import type { ConditionOperator } from './operators.js';

export type FlagValue = boolean | string | number | null | FlagValue[] | { [key: string]: FlagValue };

export type FlagType = 'boolean' | 'string' | 'number' | 'object';

export { CONDITION_OPERATORS, type ConditionOperator } from './operators.js';

/**
 * One test on the evaluation context. `attribute` names a context attribute (`targetingKey` included); `$now` is the
 * evaluation time (for `before`/`after`). For `in_segment`/`not_in_segment`, `value` is the segment's key and
 * `attribute` is ignored.
 */
export interface Condition {
  attribute: string;
  op: ConditionOperator;
  value?: FlagValue;
}

/** What a rule (or the fallthrough) serves: one variant, or a sticky split by weights (basis points, sum 10000). */
export type Serve = { variant: string } | { rollout: Array<{ variant: string; weight: number }> };

export interface Rule {
  id: string;
  description?: string;
  /** All must hold (AND). An empty list always matches. */
  conditions: Condition[];
  serve: Serve;
}

export interface FlagDefinition {
  key: string;
  type: FlagType;
  /** Variant name → value (a JSON payload for `object` flags). */
  variants: Record<string, FlagValue>;
  /** The kill switch: a disabled flag serves `offVariant` with reason DISABLED. */
  enabled: boolean;
  offVariant: string;
  /** First matching rule wins. */
  rules: Rule[];
  /** What is served when no rule matches. */
  fallthrough: Serve;
  /** Salt of the bucketing hash (changing it reshuffles who is in a rollout). */
  seed: string;
  /** The context attribute that buckets (default `targetingKey`). */
  bucketBy?: string;
}

export interface SegmentDefinition {
  key: string;
  /** All must hold (AND); segments may not reference segments. */
  conditions: Condition[];
}

export interface Ruleset {
  environment: string;
  /** An opaque version (the ETag's value). */
  version: string;
  flags: Record<string, FlagDefinition>;
  segments: Record<string, SegmentDefinition>;
}

export type EvaluationContext = { targetingKey?: string } & Record<string, unknown>;

/** OpenFeature's resolution reasons and error codes (as OFREP spells them). */
export type EvaluationReason = 'STATIC' | 'TARGETING_MATCH' | 'SPLIT' | 'DISABLED' | 'DEFAULT' | 'ERROR';
export type EvaluationErrorCode = 'FLAG_NOT_FOUND' | 'TARGETING_KEY_MISSING' | 'GENERAL';

export interface EvaluationResult {
  readonly value: FlagValue;
  readonly variant: string | undefined;
  readonly reason: EvaluationReason;
  /** The rule that matched (TARGETING_MATCH, or SPLIT inside a rule). */
  readonly ruleId?: string;
  readonly errorCode?: EvaluationErrorCode;
  readonly errorDetails?: string;
}

// ---------------------------------------------------------------------------------------------- bucketing hash

const FNV_OFFSET = 2166136261;
const FNV_PRIME = 16777619;

function fnvByte(h: number, byte: number): number {
  return Math.imul(h ^ byte, FNV_PRIME) >>> 0;
}

/** Continues an FNV-1a state over the UTF-8 bytes of `s`, with no allocation. */
function fnvString(state: number, s: string): number {
  let h = state;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      h = Math.imul(h ^ c, FNV_PRIME) >>> 0;
      continue;
    }
    if (c < 0x800) {
      h = fnvByte(h, 0xc0 | (c >> 6));
      h = fnvByte(h, 0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        h = fnvByte(h, 0xf0 | (cp >> 18));
        h = fnvByte(h, 0x80 | ((cp >> 12) & 0x3f));
        h = fnvByte(h, 0x80 | ((cp >> 6) & 0x3f));
        h = fnvByte(h, 0x80 | (cp & 0x3f));
        continue;
      }
      c = 0xfffd; // a lone surrogate, as TextEncoder encodes it
    }
    h = fnvByte(h, 0xe0 | (c >> 12));
    h = fnvByte(h, 0x80 | ((c >> 6) & 0x3f));
    h = fnvByte(h, 0x80 | (c & 0x3f));
  }
  return h;
}

function fmix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The 32-bit bucketing hash of `flagKey + "." + seed + "." + bucketingKey` (see the module comment). */
export function bucketHash(flagKey: string, seed: string, bucketingKey: string): number {
  return fmix32(fnvString(fnvString(FNV_OFFSET, `${flagKey}.${seed}.`), bucketingKey));
}

/** The bucket, in [0, 9999], of one unit in one flag. */
export function bucketOf(flagKey: string, seed: string, bucketingKey: string): number {
  return Math.floor((bucketHash(flagKey, seed, bucketingKey) * 10000) / 4294967296);
}

// ---------------------------------------------------------------------------------------------- semver

interface Semver {
  major: number;
  minor: number;
  patch: number;
  pre: Array<string | number> | undefined;
}

const SEMVER =
  /^v?(0|[1-9]\d{0,15})(?:\.(0|[1-9]\d{0,15}))?(?:\.(0|[1-9]\d{0,15}))?(?:-([0-9A-Za-z.-]{1,128}))?(?:\+[0-9A-Za-z.-]{0,128})?$/;

export function parseSemver(s: string): Semver | undefined {
  if (s.length > 300) return undefined;
  const m = SEMVER.exec(s);
  if (!m) return undefined;
  return {
    major: Number(m[1]),
    minor: Number(m[2] ?? 0),
    patch: Number(m[3] ?? 0),
    pre: m[4] === undefined ? undefined : m[4].split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
  };
}

function compareSemver(a: Semver, b: Semver): number {
  if (a.major !== b.major) return a.major < b.major ? -1 : 1;
  if (a.minor !== b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch !== b.patch) return a.patch < b.patch ? -1 : 1;
  if (!a.pre || !b.pre) return a.pre ? -1 : b.pre ? 1 : 0;
  const n = Math.min(a.pre.length, b.pre.length);
  for (let i = 0; i < n; i++) {
    const x = a.pre[i]!;
    const y = b.pre[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return a.pre.length === b.pre.length ? 0 : a.pre.length < b.pre.length ? -1 : 1;
}

// ---------------------------------------------------------------------------------------------- validation

/** Limits checked at save time (the server) and at compile time (anyone's downloaded ruleset). */
export const FLAG_LIMITS = {
  regexLength: 500,
  inValues: 10_000,
  conditions: 50,
  rules: 200,
  variants: 100,
} as const;

export class RuleError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const isDate = (v: unknown): v is string =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(v) && !Number.isNaN(Date.parse(v));

/**
 * Compiles a regular expression with RE2JS (linear time: no catastrophic backtracking whatever the pattern);
 * patterns RE2 cannot run in linear time (backreferences, lookaround) are refused with the engine's reason.
 */
export function compileSafeRegex(pattern: string, path = 'value'): RE2JS {
  if (pattern.length > FLAG_LIMITS.regexLength)
    throw new RuleError(path, `a regex is at most ${FLAG_LIMITS.regexLength} characters`);
  try {
    return RE2JS.compile(pattern);
  } catch (error) {
    throw new RuleError(
      path,
      `not a safe regular expression (RE2 syntax, no backreferences or lookaround): ${(error as Error).message}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------- compilation

type Test = (ctx: EvaluationContext, now: number) => boolean;

interface CompiledServe {
  /** A single answer, or cumulative bucket bounds with their answers. */
  single: EvaluationResult | undefined;
  bounds: Int32Array;
  answers: EvaluationResult[];
}

interface CompiledRule {
  tests: Test[];
  serve: CompiledServe;
}

export interface CompiledFlag {
  key: string;
  type: FlagType;
  disabled: EvaluationResult | undefined;
  rules: CompiledRule[];
  fallthrough: CompiledServe;
  hashPrefix: number;
  bucketBy: string;
  missingKey: EvaluationResult;
  usesNow: boolean;
}

export interface CompiledRuleset {
  readonly ruleset: Ruleset;
  readonly flags: Map<string, CompiledFlag>;
  evaluate(flagKey: string, context: EvaluationContext): EvaluationResult;
}

const notFound: EvaluationResult = Object.freeze({
  value: null,
  variant: undefined,
  reason: 'ERROR',
  errorCode: 'FLAG_NOT_FOUND',
  errorDetails: 'No such flag in this environment',
});

const toNumber = (v: unknown): number =>
  typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
const toTime = (v: unknown): number =>
  typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : v instanceof Date ? v.getTime() : NaN;

function compileCondition(
  c: Condition,
  path: string,
  segments: Record<string, SegmentDefinition>,
  inSegment: boolean,
): Test {
  const attr = c.attribute;
  const v = c.value;
  const str = () => {
    if (typeof v !== 'string') throw new RuleError(`${path}.value`, `${c.op} needs a string value`);
    return v;
  };
  const num = () => {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new RuleError(`${path}.value`, `${c.op} needs a number value`);
    return v;
  };
  const sem = () => {
    const parsed = typeof v === 'string' ? parseSemver(v) : undefined;
    if (!parsed) throw new RuleError(`${path}.value`, `${c.op} needs a semantic version such as 1.4.0`);
    return parsed;
  };
  const semTest = (accept: (cmp: number) => boolean): Test => {
    const want = sem();
    return (ctx) => {
      const got = ctx[attr];
      if (typeof got !== 'string') return false;
      const parsed = parseSemver(got);
      return parsed !== undefined && accept(compareSemver(parsed, want));
    };
  };
  switch (c.op) {
    case 'eq':
      if (v === null || typeof v === 'object')
        throw new RuleError(`${path}.value`, 'eq needs a string, number or boolean');
      return (ctx) => ctx[attr] === v;
    case 'neq':
      if (v === null || typeof v === 'object')
        throw new RuleError(`${path}.value`, 'neq needs a string, number or boolean');
      return (ctx) => ctx[attr] !== undefined && ctx[attr] !== v;
    case 'in':
    case 'not_in': {
      if (!Array.isArray(v) || v.some((x) => x === null || typeof x === 'object'))
        throw new RuleError(`${path}.value`, `${c.op} needs a list of strings, numbers or booleans`);
      if (v.length > FLAG_LIMITS.inValues)
        throw new RuleError(`${path}.value`, `${c.op} takes at most ${FLAG_LIMITS.inValues} values`);
      const set = new Set<unknown>(v);
      return c.op === 'in' ? (ctx) => set.has(ctx[attr]) : (ctx) => ctx[attr] !== undefined && !set.has(ctx[attr]);
    }
    case 'contains': {
      const s = str();
      return (ctx) => {
        const got = ctx[attr];
        return typeof got === 'string' ? got.includes(s) : Array.isArray(got) ? got.includes(s) : false;
      };
    }
    case 'starts_with': {
      const s = str();
      return (ctx) => typeof ctx[attr] === 'string' && (ctx[attr] as string).startsWith(s);
    }
    case 'ends_with': {
      const s = str();
      return (ctx) => typeof ctx[attr] === 'string' && (ctx[attr] as string).endsWith(s);
    }
    case 'lt': {
      const n = num();
      return (ctx) => toNumber(ctx[attr]) < n;
    }
    case 'lte': {
      const n = num();
      return (ctx) => toNumber(ctx[attr]) <= n;
    }
    case 'gt': {
      const n = num();
      return (ctx) => toNumber(ctx[attr]) > n;
    }
    case 'gte': {
      const n = num();
      return (ctx) => toNumber(ctx[attr]) >= n;
    }
    case 'semver_eq':
      return semTest((x) => x === 0);
    case 'semver_lt':
      return semTest((x) => x < 0);
    case 'semver_lte':
      return semTest((x) => x <= 0);
    case 'semver_gt':
      return semTest((x) => x > 0);
    case 'semver_gte':
      return semTest((x) => x >= 0);
    case 'regex': {
      const re = compileSafeRegex(str(), `${path}.value`);
      return (ctx) => {
        const got = ctx[attr];
        return typeof got === 'string' && got.length <= 10_000 && re.test(got);
      };
    }
    case 'before':
    case 'after': {
      if (!isDate(v)) throw new RuleError(`${path}.value`, `${c.op} needs an ISO 8601 date or date-time`);
      const t = Date.parse(v);
      const read =
        attr === '$now' ? (_ctx: EvaluationContext, now: number) => now : (ctx: EvaluationContext) => toTime(ctx[attr]);
      return c.op === 'before' ? (ctx, now) => read(ctx, now) < t : (ctx, now) => read(ctx, now) >= t;
    }
    case 'exists':
      return (ctx) => ctx[attr] !== undefined && ctx[attr] !== null;
    case 'in_segment':
    case 'not_in_segment': {
      if (inSegment) throw new RuleError(path, 'a segment cannot reference another segment');
      const key = str();
      const segment = Object.prototype.hasOwnProperty.call(segments, key) ? segments[key] : undefined;
      // A segment that no longer exists matches nobody (the server also refuses to delete a segment in use).
      if (!segment) return c.op === 'in_segment' ? () => false : () => true;
      const tests = segment.conditions.map((sc, i) =>
        compileCondition(sc, `segments.${key}.conditions[${i}]`, segments, true),
      );
      const all = (ctx: EvaluationContext, now: number) => {
        for (let i = 0; i < tests.length; i++) if (!tests[i]!(ctx, now)) return false;
        return true;
      };
      return c.op === 'in_segment' ? all : (ctx, now) => !all(ctx, now);
    }
    default:
      throw new RuleError(`${path}.op`, `unknown operator ${String((c as { op: unknown }).op)}`);
  }
}

function answer(
  flag: FlagDefinition,
  variant: string,
  reason: EvaluationReason,
  path: string,
  ruleId?: string,
): EvaluationResult {
  if (!Object.prototype.hasOwnProperty.call(flag.variants, variant))
    throw new RuleError(path, `no variant named ${variant}`);
  const value = flag.variants[variant]!;
  return Object.freeze(ruleId === undefined ? { value, variant, reason } : { value, variant, reason, ruleId });
}

function compileServe(
  flag: FlagDefinition,
  serve: Serve,
  path: string,
  matchReason: EvaluationReason,
  ruleId?: string,
): CompiledServe {
  if ('variant' in serve)
    return {
      single: answer(flag, serve.variant, matchReason, `${path}.variant`, ruleId),
      bounds: new Int32Array(0),
      answers: [],
    };
  const parts = serve.rollout;
  if (!Array.isArray(parts) || parts.length === 0) throw new RuleError(`${path}.rollout`, 'a rollout needs variants');
  let total = 0;
  const bounds = new Int32Array(parts.length);
  const answers: EvaluationResult[] = [];
  parts.forEach((p, i) => {
    if (!Number.isInteger(p.weight) || p.weight < 0 || p.weight > 10000)
      throw new RuleError(`${path}.rollout[${i}].weight`, 'a weight is an integer in basis points (0 to 10000)');
    total += p.weight;
    bounds[i] = total;
    answers.push(answer(flag, p.variant, 'SPLIT', `${path}.rollout[${i}].variant`, ruleId));
  });
  if (total !== 10000) throw new RuleError(`${path}.rollout`, `weights add up to ${total}, not 10000 (100 %)`);
  // A split where one variant takes everything is a plain answer.
  const whole = parts.findIndex((p) => p.weight === 10000);
  return whole >= 0
    ? { single: answers[whole], bounds: new Int32Array(0), answers: [] }
    : { single: undefined, bounds, answers };
}

/** Compiles one flag; throws RuleError (with the failing path) on anything malformed. */
export function compileFlag(flag: FlagDefinition, segments: Record<string, SegmentDefinition> = {}): CompiledFlag {
  const variants = Object.keys(flag.variants ?? {});
  if (variants.length === 0) throw new RuleError('variants', 'a flag needs at least one variant');
  if (variants.length > FLAG_LIMITS.variants)
    throw new RuleError('variants', `at most ${FLAG_LIMITS.variants} variants`);
  for (const name of variants) {
    const value = flag.variants[name];
    const ok =
      flag.type === 'object'
        ? value !== undefined
        : flag.type === 'boolean'
          ? typeof value === 'boolean'
          : typeof value === flag.type;
    if (!ok) throw new RuleError(`variants.${name}`, `a ${flag.type} flag's variants are ${flag.type} values`);
  }
  if ((flag.rules ?? []).length > FLAG_LIMITS.rules) throw new RuleError('rules', `at most ${FLAG_LIMITS.rules} rules`);
  const rules = (flag.rules ?? []).map((r, i): CompiledRule => {
    if ((r.conditions ?? []).length > FLAG_LIMITS.conditions)
      throw new RuleError(`rules[${i}].conditions`, `at most ${FLAG_LIMITS.conditions} conditions`);
    return {
      tests: (r.conditions ?? []).map((c, j) => compileCondition(c, `rules[${i}].conditions[${j}]`, segments, false)),
      serve: compileServe(flag, r.serve, `rules[${i}].serve`, 'TARGETING_MATCH', r.id),
    };
  });
  const fallthrough = compileServe(flag, flag.fallthrough, 'fallthrough', flag.rules?.length ? 'DEFAULT' : 'STATIC');
  const off = answer(flag, flag.offVariant, 'DISABLED', 'offVariant');
  return {
    key: flag.key,
    type: flag.type,
    disabled: flag.enabled ? undefined : off,
    rules,
    fallthrough,
    hashPrefix: fnvString(FNV_OFFSET, `${flag.key}.${flag.seed}.`),
    usesNow: JSON.stringify(flag.rules ?? []).includes('"$now"') || JSON.stringify(segments).includes('"$now"'),
    bucketBy: flag.bucketBy ?? 'targetingKey',
    missingKey: Object.freeze({
      value: off.value,
      variant: off.variant,
      reason: 'ERROR',
      errorCode: 'TARGETING_KEY_MISSING',
      errorDetails: `A percentage rollout needs the context attribute ${flag.bucketBy ?? 'targetingKey'}`,
    }),
  };
}

function serveOf(flag: CompiledFlag, serve: CompiledServe, ctx: EvaluationContext): EvaluationResult {
  if (serve.single) return serve.single;
  const unit = ctx[flag.bucketBy];
  if (typeof unit !== 'string' && typeof unit !== 'number') return flag.missingKey;
  const h = fmix32(fnvString(flag.hashPrefix, typeof unit === 'string' ? unit : String(unit)));
  const bucket = Math.floor((h * 10000) / 4294967296);
  const bounds = serve.bounds;
  for (let i = 0; i < bounds.length; i++) if (bucket < bounds[i]!) return serve.answers[i]!;
  return serve.answers[serve.answers.length - 1]!;
}

/** Evaluates a compiled flag for a context. */
export function evaluateCompiled(flag: CompiledFlag, ctx: EvaluationContext, at?: number): EvaluationResult {
  if (flag.disabled) return flag.disabled;
  // The clock is read only by flags whose rules compare dates with `$now`.
  const now = at ?? (flag.usesNow ? Date.now() : 0);
  const rules = flag.rules;
  outer: for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const tests = rule.tests;
    for (let j = 0; j < tests.length; j++) if (!tests[j]!(ctx, now)) continue outer;
    return serveOf(flag, rule.serve, ctx);
  }
  return serveOf(flag, flag.fallthrough, ctx);
}

/**
 * Compiles a whole ruleset. A flag that does not compile (a ruleset edited by hand) answers ERROR/GENERAL instead of
 * breaking the others.
 */
export function compileRuleset(ruleset: Ruleset): CompiledRuleset {
  const flags = new Map<string, CompiledFlag>();
  const broken = new Map<string, EvaluationResult>();
  for (const [key, def] of Object.entries(ruleset.flags)) {
    try {
      flags.set(key, compileFlag(def, ruleset.segments));
    } catch (error) {
      broken.set(
        key,
        Object.freeze({
          value: null,
          variant: undefined,
          reason: 'ERROR',
          errorCode: 'GENERAL',
          errorDetails: (error as Error).message,
        }),
      );
    }
  }
  return {
    ruleset,
    flags,
    evaluate(flagKey, context) {
      const flag = flags.get(flagKey);
      if (flag) return evaluateCompiled(flag, context);
      return broken.get(flagKey) ?? notFound;
    },
  };
}

const compiledCache = new WeakMap<Ruleset, CompiledRuleset>();

/**
 * Evaluates `flagKey` for `context` in a ruleset: `{ value, variant, reason }` (and `ruleId`, or `errorCode` with
 * reason ERROR). The ruleset's compiled form is cached per ruleset object, so calling this in a loop stays fast.
 */
export function evaluateFlag(
  ruleset: Ruleset | CompiledRuleset,
  flagKey: string,
  context: EvaluationContext,
): EvaluationResult {
  if ('evaluate' in ruleset) return ruleset.evaluate(flagKey, context);
  let compiled = compiledCache.get(ruleset);
  if (!compiled) {
    compiled = compileRuleset(ruleset);
    compiledCache.set(ruleset, compiled);
  }
  return compiled.evaluate(flagKey, context);
}
