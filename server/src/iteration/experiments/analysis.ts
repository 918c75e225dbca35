import { normalCdf } from './stats/distributions.js';
import type { CreateExperimentBody, ExperimentResults, MetricDefinition } from './schema.js';
import {
  bayesNormal,
  confidenceSequence,
  cuped,
  deltaRatio,
  probabilityToBeatBeta,
  sampleRatioMismatch,
  summarize,
  summarizeRatio,
  welch,
  winsorCap,
} from './stats/tests.js';

export interface Exposure {
  unit: string;
  variant: string;
  ts: number;
}
export interface UnitEvent {
  unit: string;
  name: string;
  ts: number;
  properties: Record<string, unknown> | null;
}

/** Per-unit value of a metric over the events of one period: the numerator (and denominator for ratios). */
function perUnit(metric: MetricDefinition, events: readonly UnitEvent[]) {
  const num = new Map<string, number>();
  const den = new Map<string, number>();
  for (const e of events) {
    if (e.name === metric.event) {
      const v = metric.property ? Number(e.properties?.[metric.property]) : 1;
      const add = metric.kind === 'count' ? 1 : Number.isFinite(v) ? v : 0;
      num.set(e.unit, metric.kind === 'conversion' ? 1 : (num.get(e.unit) ?? 0) + add);
    }
    if (metric.kind === 'ratio' && e.name === metric.denominatorEvent) den.set(e.unit, (den.get(e.unit) ?? 0) + 1);
  }
  return { num, den };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const signed = (x: number, digits = 3) => (x >= 0 ? '+' : '') + x.toPrecision(digits);

/**
 * A plain-language reading of one comparison, in French and English, from the always-valid interval (results are
 * read while the experiment runs, so the fixed-horizon interval would promise too much).
 */
function reading(
  metric: MetricDefinition,
  variant: string,
  lower: number,
  upper: number,
  estimate: number,
  p2b: number,
) {
  const interval = `[${signed(lower)} ; ${signed(upper)}]`;
  if (lower > 0 || upper < 0) {
    const en = `${variant} ${estimate > 0 ? 'raises' : 'lowers'} “${metric.name}” by ${signed(estimate)} against the control (interval ${interval}); probability to beat the control: ${pct(p2b)}.`;
    const fr = `${variant} ${estimate > 0 ? 'augmente' : 'diminue'} « ${metric.name} » de ${signed(estimate)} par rapport au témoin (intervalle ${interval}) ; probabilité de faire mieux que le témoin : ${pct(p2b)}.`;
    return { en, fr };
  }
  return {
    en: `No clear difference yet between ${variant} and the control on “${metric.name}”: the interval ${interval} includes zero (probability to beat the control: ${pct(p2b)}).`,
    fr: `Pas de différence nette à ce stade entre ${variant} et le témoin sur « ${metric.name} » : l’intervalle ${interval} contient zéro (probabilité de faire mieux que le témoin : ${pct(p2b)}).`,
  };
}

/**
 * An experiment's results from its exposures and the units' captured events. A unit counts from its first exposure:
 * only its events at or after that time enter the metrics; its events in the `preDays` before the start feed CUPED.
 * The SRM check comes first, and its warning leads the answer.
 */
export function analyze(
  key: string,
  def: CreateExperimentBody,
  startedAt: number,
  exposures: readonly Exposure[],
  events: readonly UnitEvent[],
): ExperimentResults {
  const alpha = def.alpha ?? 0.05;
  const variantOf = new Map(exposures.map((e) => [e.unit, e]));
  const observed = def.variants.map((v) => exposures.filter((e) => e.variant === v.key).length);
  const srm = sampleRatioMismatch(
    observed,
    def.variants.map((v) => v.weight),
  );
  const wsum = def.variants.reduce((s, v) => s + v.weight, 0);
  const warnings: ExperimentResults['warnings'] = [];
  if (srm.mismatch)
    warnings.push({
      code: 'sample_ratio_mismatch',
      text: {
        en: `Sample ratio mismatch (χ² p = ${srm.pValue.toExponential(2)} < 0.001): the units are not split as planned, so the results below cannot be trusted. Check the assignment and the exposure logging first.`,
        fr: `Déséquilibre des effectifs (χ² p = ${srm.pValue.toExponential(2)} < 0,001) : les unités ne sont pas réparties comme prévu, les résultats ci-dessous ne sont pas fiables. Vérifiez d’abord l’affectation et l’enregistrement des expositions.`,
      },
    });
  const after = events.filter((e) => {
    const x = variantOf.get(e.unit);
    return x && e.ts >= x.ts;
  });
  const pre = def.preDays
    ? events.filter((e) => e.ts < startedAt && e.ts >= startedAt - def.preDays! * 86_400_000)
    : [];
  const unitsOf = (variant: string) => exposures.filter((e) => e.variant === variant).map((e) => e.unit);
  const control = def.variants[0]!.key;

  const metrics = def.metrics.map((metric) => {
    const { num, den } = perUnit(metric, after);
    const preVals = perUnit(metric, pre).num;
    const values = (units: string[]) => units.map((u) => num.get(u) ?? 0);
    const all = exposures.map((e) => num.get(e.unit) ?? 0);
    const cap = metric.winsorize && metric.kind !== 'conversion' ? winsorCap(all, metric.winsorize) : Infinity;
    const capped = (xs: number[]) => xs.map((x) => Math.min(x, cap));
    const cUnits = unitsOf(control);
    const cVals = capped(values(cUnits));
    const cSum = summarize(cVals);
    const variants = def.variants.slice(1).map((v) => {
      const units = unitsOf(v.key);
      const vals = capped(values(units));
      const vSum = summarize(vals);
      let f;
      let b;
      if (metric.kind === 'ratio') {
        const ra = summarizeRatio(
          cVals,
          cUnits.map((u) => den.get(u) ?? 0),
        );
        const rb = summarizeRatio(
          vals,
          units.map((u) => den.get(u) ?? 0),
        );
        f = deltaRatio(ra, rb, alpha);
        // Flat prior: the posterior of the difference is the delta method's normal.
        b = {
          estimate: f.estimate,
          lower: f.lower,
          upper: f.upper,
          probabilityToBeat: f.se > 0 ? normalCdf(f.estimate / f.se) : 0.5,
        };
      } else {
        f = welch(cSum, vSum, alpha);
        const bn = bayesNormal(cSum, vSum, alpha);
        b =
          metric.kind === 'conversion'
            ? {
                ...bn,
                probabilityToBeat: probabilityToBeatBeta(
                  { conversions: cSum.sum, n: cSum.n },
                  { conversions: vSum.sum, n: vSum.n },
                ),
              }
            : bn;
      }
      const cm = cSum.n ? cSum.sum / cSum.n : 0;
      const tau2 = Math.max((0.05 * Math.abs(cm)) ** 2, 1e-12);
      const seq = f.se > 0 ? confidenceSequence(f.estimate, f.se * f.se, tau2, alpha) : { ...f, pValue: 1 };
      let cupedResult = null;
      if (def.preDays && metric.kind !== 'ratio') {
        const c = cuped(
          { y: cVals, x: cUnits.map((u) => preVals.get(u) ?? 0) },
          { y: vals, x: units.map((u) => preVals.get(u) ?? 0) },
          alpha,
        );
        cupedResult = { estimate: c.estimate, lower: c.lower, upper: c.upper, pValue: c.pValue, theta: c.theta };
      }
      return {
        variant: v.key,
        units: units.length,
        mean: vSum.n ? vSum.sum / vSum.n : 0,
        frequentist: { estimate: f.estimate, lower: f.lower, upper: f.upper, pValue: f.pValue },
        bayesian: { estimate: b.estimate, lower: b.lower, upper: b.upper, probabilityToBeat: b.probabilityToBeat },
        sequential: { estimate: seq.estimate, lower: seq.lower, upper: seq.upper, pValue: seq.pValue },
        cuped: cupedResult,
        reading: reading(metric, v.key, seq.lower, seq.upper, f.estimate, b.probabilityToBeat),
      };
    });
    return {
      name: metric.name,
      kind: metric.kind,
      guardrail: !!metric.guardrail,
      control: { variant: control, units: cUnits.length, mean: cSum.n ? cSum.sum / cSum.n : 0 },
      variants,
    };
  });
  return {
    experiment: key,
    warnings,
    srm: {
      observed: def.variants.map((v, i) => ({ variant: v.key, units: observed[i]!, expectedShare: v.weight / wsum })),
      statistic: srm.statistic,
      pValue: srm.pValue,
      mismatch: srm.mismatch,
    },
    alpha,
    metrics,
  };
}
