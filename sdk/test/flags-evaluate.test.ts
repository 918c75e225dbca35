// The shared flag evaluator: bucketing test vectors (computed independently, in Python, from the definition in
// docs/flags.md), operators, segments, rollouts, the kill switch and refused rules.
import { describe, expect, it } from 'vitest';
import {
  bucketHash,
  bucketOf,
  compileFlag,
  evaluateFlag,
  RuleError,
  type FlagDefinition,
  type Ruleset,
} from '../src/flags/evaluate.js';

// Published in docs/flags.md: [flagKey, seed, bucketingKey, hash, bucket].
const VECTORS: Array<[string, string, string, number, number]> = [
  ['new-explorer', 's1', 'user-1', 1984470132, 4620],
  ['new-explorer', 's1', 'user-2', 1670455756, 3889],
  ['checkout', '2026', 'alice@example.org', 510420415, 1188],
  ['checkout', '2026', 'Zoë', 620431096, 1444],
  ['emoji', 'x', '🚀 launch', 2536928474, 5906],
  ['', '', '', 1463478847, 3407],
];

const flag = (over: Partial<FlagDefinition> = {}): FlagDefinition => ({
  key: 'f',
  type: 'boolean',
  variants: { on: true, off: false },
  enabled: true,
  offVariant: 'off',
  rules: [],
  fallthrough: { variant: 'on' },
  seed: 'seed',
  ...over,
});
const rs = (flags: FlagDefinition[], segments: Ruleset['segments'] = {}): Ruleset => ({
  environment: 'production',
  version: '1',
  flags: Object.fromEntries(flags.map((f) => [f.key, f])),
  segments,
});

describe('bucketing hash', () => {
  it.each(VECTORS)('%s.%s.%s hashes to %i, bucket %i', (flagKey, seed, key, hash, bucket) => {
    expect(bucketHash(flagKey, seed, key)).toBe(hash);
    expect(bucketOf(flagKey, seed, key)).toBe(bucket);
  });

  it('encodes a lone surrogate as U+FFFD, as TextEncoder does', () => {
    expect(bucketHash('f', 's', 'a\ud800b')).toBe(bucketHash('f', 's', 'a\ufffdb'));
  });

  it('spreads units evenly and keeps them sticky as the rollout grows', () => {
    const split = (pct: number) =>
      rs([
        flag({
          fallthrough: {
            rollout: [
              { variant: 'on', weight: pct * 100 },
              { variant: 'off', weight: 10000 - pct * 100 },
            ],
          },
        }),
      ]);
    const at5 = split(5);
    const at25 = split(25);
    let on5 = 0;
    let on25 = 0;
    for (let i = 0; i < 20000; i++) {
      const ctx = { targetingKey: `user-${i}` };
      const a = evaluateFlag(at5, 'f', ctx).value;
      const b = evaluateFlag(at25, 'f', ctx).value;
      if (a) on5++;
      if (b) on25++;
      if (a) expect(b).toBe(true); // whoever had it at 5 % keeps it at 25 %
    }
    expect(on5 / 20000).toBeGreaterThan(0.04);
    expect(on5 / 20000).toBeLessThan(0.06);
    expect(on25 / 20000).toBeGreaterThan(0.235);
    expect(on25 / 20000).toBeLessThan(0.265);
    expect(evaluateFlag(at5, 'f', { targetingKey: 'user-1' }).reason).toBe('SPLIT');
    expect(evaluateFlag(at5, 'f', {})).toMatchObject({
      reason: 'ERROR',
      errorCode: 'TARGETING_KEY_MISSING',
      value: false,
    });
  });
});

describe('evaluation', () => {
  it('answers STATIC, DISABLED (kill switch) and FLAG_NOT_FOUND', () => {
    expect(evaluateFlag(rs([flag()]), 'f', {})).toEqual({ value: true, variant: 'on', reason: 'STATIC' });
    expect(evaluateFlag(rs([flag({ enabled: false })]), 'f', {})).toEqual({
      value: false,
      variant: 'off',
      reason: 'DISABLED',
    });
    expect(evaluateFlag(rs([flag()]), 'nope', {})).toMatchObject({ reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
  });

  it('serves JSON payloads of multivariate flags', () => {
    const f = flag({
      type: 'object',
      variants: { a: { color: 'blue', size: [1, 2] }, b: { color: 'red' } },
      offVariant: 'a',
      fallthrough: { variant: 'a' },
      rules: [
        { id: 'r1', conditions: [{ attribute: 'country', op: 'in', value: ['FR', 'BE'] }], serve: { variant: 'b' } },
      ],
    });
    expect(evaluateFlag(rs([f]), 'f', { country: 'FR' })).toEqual({
      value: { color: 'red' },
      variant: 'b',
      reason: 'TARGETING_MATCH',
      ruleId: 'r1',
    });
    expect(evaluateFlag(rs([f]), 'f', { country: 'DE' })).toMatchObject({ variant: 'a', reason: 'DEFAULT' });
  });

  const when = (
    conditions: FlagDefinition['rules'][number]['conditions'],
    ctx: Record<string, unknown>,
    segments = {},
  ) =>
    evaluateFlag(
      rs(
        [flag({ fallthrough: { variant: 'off' }, rules: [{ id: 'r', conditions, serve: { variant: 'on' } }] })],
        segments,
      ),
      'f',
      ctx,
    ).value;

  it.each([
    [{ attribute: 'plan', op: 'eq', value: 'pro' }, { plan: 'pro' }, true],
    [{ attribute: 'plan', op: 'eq', value: 'pro' }, { plan: 'free' }, false],
    [{ attribute: 'plan', op: 'neq', value: 'pro' }, { plan: 'free' }, true],
    [{ attribute: 'plan', op: 'neq', value: 'pro' }, {}, false],
    [{ attribute: 'age', op: 'gte', value: 18 }, { age: 18 }, true],
    [{ attribute: 'age', op: 'gte', value: 18 }, { age: '17' }, false],
    [{ attribute: 'age', op: 'lt', value: 18 }, { age: 'x' }, false],
    [{ attribute: 'v', op: 'semver_gte', value: '1.10.0' }, { v: '1.9.9' }, false],
    [{ attribute: 'v', op: 'semver_gte', value: '1.10.0' }, { v: '1.10.0' }, true],
    [{ attribute: 'v', op: 'semver_lt', value: '2.0.0' }, { v: '2.0.0-beta.2' }, true],
    [{ attribute: 'v', op: 'semver_gt', value: '2.0.0-beta.2' }, { v: '2.0.0-beta.11' }, true],
    [{ attribute: 'v', op: 'semver_eq', value: '2.0.0' }, { v: 'not a version' }, false],
    [{ attribute: 'email', op: 'regex', value: '@example\\.(org|fr)$' }, { email: 'a@example.fr' }, true],
    [{ attribute: 'email', op: 'regex', value: '@example\\.(org|fr)$' }, { email: 'a@example.com' }, false],
    [{ attribute: 'email', op: 'ends_with', value: '.gouv.fr' }, { email: 'x@a.gouv.fr' }, true],
    [{ attribute: 'signup', op: 'before', value: '2026-01-01' }, { signup: '2025-06-01T00:00:00Z' }, true],
    [{ attribute: 'signup', op: 'after', value: '2026-01-01' }, { signup: '2025-06-01T00:00:00Z' }, false],
    [{ attribute: '$now', op: 'after', value: '2000-01-01' }, {}, true],
    [{ attribute: '$now', op: 'before', value: '2000-01-01' }, {}, false],
    [{ attribute: 'beta', op: 'exists' }, { beta: 0 }, true],
  ] as const)('%j on %j → %s', (condition, ctx, expected) => {
    expect(when([condition as never], ctx)).toBe(expected);
  });

  it('matches reusable segments, and a missing segment matches nobody', () => {
    const segments = {
      staff: {
        key: 'staff',
        conditions: [{ attribute: 'email', op: 'ends_with' as const, value: '@multitude.example' }],
      },
    };
    const cond = [{ attribute: '', op: 'in_segment' as const, value: 'staff' }];
    expect(when(cond, { email: 'a@multitude.example' }, segments)).toBe(true);
    expect(when(cond, { email: 'a@else.example' }, segments)).toBe(false);
    expect(when(cond, { email: 'a@multitude.example' }, {})).toBe(false);
    expect(when([{ attribute: '', op: 'not_in_segment', value: 'staff' }], { email: 'a@multitude.example' }, {})).toBe(
      true,
    );
  });

  it('stays fast on a catastrophic-backtracking pattern (RE2: linear time)', () => {
    const started = performance.now();
    expect(when([{ attribute: 's', op: 'regex', value: '^(a+)+$' }], { s: `${'a'.repeat(5000)}b` })).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('refused rules', () => {
  it.each([
    [
      {
        rules: [{ id: 'r', conditions: [{ attribute: 'x', op: 'regex', value: '(a)\\1' }], serve: { variant: 'on' } }],
      },
      'rules[0].conditions[0].value',
    ],
    [
      { rules: [{ id: 'r', conditions: [{ attribute: 'x', op: 'regex', value: '(?=a)' }], serve: { variant: 'on' } }] },
      'rules[0].conditions[0].value',
    ],
    [
      {
        rules: [
          { id: 'r', conditions: [{ attribute: 'x', op: 'regex', value: 'a'.repeat(501) }], serve: { variant: 'on' } },
        ],
      },
      'rules[0].conditions[0].value',
    ],
    [
      {
        rules: [{ id: 'r', conditions: [{ attribute: 'x', op: 'semver_gt', value: 'one' }], serve: { variant: 'on' } }],
      },
      'rules[0].conditions[0].value',
    ],
    [
      { rules: [{ id: 'r', conditions: [{ attribute: 'x', op: 'gt', value: '3' }], serve: { variant: 'on' } }] },
      'rules[0].conditions[0].value',
    ],
    [
      {
        rules: [
          { id: 'r', conditions: [{ attribute: 'x', op: 'after', value: 'tomorrow' }], serve: { variant: 'on' } },
        ],
      },
      'rules[0].conditions[0].value',
    ],
    [
      { rules: [{ id: 'r', conditions: [{ attribute: 'x', op: 'nope' }], serve: { variant: 'on' } }] },
      'rules[0].conditions[0].op',
    ],
    [{ rules: [{ id: 'r', conditions: [], serve: { variant: 'ghost' } }] }, 'rules[0].serve.variant'],
    [
      {
        fallthrough: {
          rollout: [
            { variant: 'on', weight: 5000 },
            { variant: 'off', weight: 4000 },
          ],
        },
      },
      'fallthrough.rollout',
    ],
    [
      {
        fallthrough: {
          rollout: [
            { variant: 'on', weight: 50.5 },
            { variant: 'off', weight: 9949.5 },
          ],
        },
      },
      'fallthrough.rollout[0].weight',
    ],
    [{ variants: { on: 'yes', off: false } }, 'variants.on'],
  ] as const)('%j is refused at %s', (over, path) => {
    let error: unknown;
    try {
      compileFlag(flag(over as never));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleError);
    expect((error as RuleError).path).toBe(path);
  });
});
