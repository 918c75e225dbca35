import { evaluateFlag, type FlagDefinition, type Ruleset } from '../flags/index.js';

export interface Variant {
  key: string;
  weight: number;
}

/** How a unit gets its variant: deterministic per (flag, unit), through the flags' evaluator. */
export interface VariantAssigner {
  /** The variant of `unit` for the app's flag, or null when the flag serves it none (off, not found). */
  assign(
    appId: string,
    flagKey: string,
    unit: string,
    variants: readonly Variant[],
  ): Promise<string | null> | string | null;
}

/** Weights as basis points summing to 10000 (what a flag's rollout takes); the rounding goes to the last. */
export function basisPoints(variants: readonly Variant[]): Array<{ variant: string; weight: number }> {
  const total = variants.reduce((s, v) => s + v.weight, 0);
  const out = variants.map((v) => ({ variant: v.key, weight: Math.floor((v.weight / total) * 10000) }));
  out[out.length - 1]!.weight += 10000 - out.reduce((s, v) => s + v.weight, 0);
  return out;
}

/**
 * Experiments are a flag's variants. The unit is evaluated with `evaluateFlag` (the server's and the SDK's
 * evaluator) as `{ targetingKey: unit }` against the app's production ruleset, so it gets exactly what the flag
 * serves it: the same rules and the same sticky bucketing as the flag's rollout (docs/flags.md). A flag that is off
 * (the kill switch) exposes nobody. When the app has no flag of that key yet, the experiment's weights are evaluated
 * as that flag's rollout (same key, empty seed); units keep the variant of their first exposure either way.
 */
export function flagAssigner(flags: {
  ruleset(appId: string, environment: string): Promise<{ ruleset: Ruleset }>;
}): VariantAssigner {
  // One ruleset object per experiment design: evaluateFlag compiles a ruleset once per object.
  const standIns = new Map<string, Ruleset>();
  const standIn = (flagKey: string, variants: readonly Variant[]): Ruleset => {
    const id = JSON.stringify([flagKey, variants]);
    let ruleset = standIns.get(id);
    if (!ruleset) {
      const flag: FlagDefinition = {
        key: flagKey,
        type: 'string',
        variants: Object.fromEntries(variants.map((v) => [v.key, v.key])),
        enabled: true,
        offVariant: variants[0]!.key,
        rules: [],
        fallthrough: { rollout: basisPoints(variants) },
        seed: '',
      };
      ruleset = { environment: 'production', version: 'experiment', flags: { [flagKey]: flag }, segments: {} };
      if (standIns.size > 1000) standIns.clear();
      standIns.set(id, ruleset);
    }
    return ruleset;
  };
  return {
    async assign(appId, flagKey, unit, variants) {
      const { ruleset } = await flags.ruleset(appId, 'production');
      const source = ruleset.flags[flagKey]
        ? ruleset
        : variants.some((v) => v.weight > 0)
          ? standIn(flagKey, variants)
          : null;
      if (!source) return null;
      const r = evaluateFlag(source, flagKey, { targetingKey: unit });
      if (r.errorCode || r.reason === 'DISABLED' || r.variant === undefined) return null;
      return r.variant;
    },
  };
}
