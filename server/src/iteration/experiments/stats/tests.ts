import {
  chiSquaredSurvival,
  logBeta,
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
} from './distributions.js';

/**
 * The experiment engines, as small pure functions over summary statistics (count, sum, sum of squares, and for
 * ratios the cross sum). Each answers an estimate of the difference treatment − control with an interval.
 */

/** Sufficient statistics of one variant for one metric, per unit. */
export interface Summary {
  n: number;
  sum: number;
  sumSquares: number;
}

export const mean = (s: Summary) => (s.n ? s.sum / s.n : 0);
/** Sample variance (n − 1). */
export const variance = (s: Summary) => (s.n > 1 ? (s.sumSquares - (s.sum * s.sum) / s.n) / (s.n - 1) : 0);

export function summarize(values: readonly number[]): Summary {
  let sum = 0;
  let sumSquares = 0;
  for (const v of values) {
    sum += v;
    sumSquares += v * v;
  }
  return { n: values.length, sum, sumSquares };
}

export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
}

export interface FrequentistResult extends Interval {
  se: number;
  statistic: number;
  df: number;
  pValue: number;
}

/**
 * Welch's unequal-variances t-test of mean(B) − mean(A): se = √(s²a/na + s²b/nb), degrees of freedom by
 * Welch–Satterthwaite, two-sided p-value and a (1 − α) interval from the t distribution.
 */
export function welch(a: Summary, b: Summary, alpha = 0.05): FrequentistResult {
  const va = variance(a) / a.n;
  const vb = variance(b) / b.n;
  const se = Math.sqrt(va + vb);
  const estimate = mean(b) - mean(a);
  const df = (va + vb) ** 2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  if (!(se > 0))
    return {
      estimate,
      lower: estimate,
      upper: estimate,
      se: 0,
      statistic: NaN,
      df: NaN,
      pValue: estimate === 0 ? 1 : 0,
    };
  const statistic = estimate / se;
  const pValue = 2 * (1 - studentTCdf(Math.abs(statistic), df));
  const q = studentTQuantile(1 - alpha / 2, df);
  return { estimate, lower: estimate - q * se, upper: estimate + q * se, se, statistic, df, pValue };
}

/** Per-unit numerator X and denominator Y sums of a ratio metric (e.g. revenue per session). */
export interface RatioSummary {
  n: number;
  sumX: number;
  sumY: number;
  sumXX: number;
  sumYY: number;
  sumXY: number;
}

export function summarizeRatio(xs: readonly number[], ys: readonly number[]): RatioSummary {
  const s = { n: xs.length, sumX: 0, sumY: 0, sumXX: 0, sumYY: 0, sumXY: 0 };
  xs.forEach((x, i) => {
    const y = ys[i]!;
    s.sumX += x;
    s.sumY += y;
    s.sumXX += x * x;
    s.sumYY += y * y;
    s.sumXY += x * y;
  });
  return s;
}

/**
 * A ratio of means R = X̄ / Ȳ and its variance by the delta method:
 * Var(R) ≈ (1/n)·(σ²x/μ²y − 2·μx·σxy/μ³y + μ²x·σ²y/μ⁴y), with sample (n − 1) moments.
 */
export function ratioMoments(s: RatioSummary) {
  const mx = s.sumX / s.n;
  const my = s.sumY / s.n;
  const vx = (s.sumXX - s.n * mx * mx) / (s.n - 1);
  const vy = (s.sumYY - s.n * my * my) / (s.n - 1);
  const cxy = (s.sumXY - s.n * mx * my) / (s.n - 1);
  const ratio = mx / my;
  const varRatio = (vx / (my * my) - (2 * mx * cxy) / my ** 3 + (mx * mx * vy) / my ** 4) / s.n;
  return { ratio, variance: varRatio };
}

/** Difference of two ratio metrics (delta method, independent groups, normal approximation). */
export function deltaRatio(a: RatioSummary, b: RatioSummary, alpha = 0.05): FrequentistResult {
  const ra = ratioMoments(a);
  const rb = ratioMoments(b);
  const estimate = rb.ratio - ra.ratio;
  const se = Math.sqrt(ra.variance + rb.variance);
  const statistic = estimate / se;
  const q = normalQuantile(1 - alpha / 2);
  return {
    estimate,
    lower: estimate - q * se,
    upper: estimate + q * se,
    se,
    statistic,
    df: Infinity,
    pValue: 2 * (1 - normalCdf(Math.abs(statistic))),
  };
}

/**
 * Caps values at the `quantile` (e.g. 0.99) of the pooled values — winsorisation keeps one whale from deciding a
 * test. The cap is the order statistic at ⌈q·n⌉ (1-based), computed over all variants together.
 */
export function winsorCap(values: readonly number[], quantile: number): number {
  if (!values.length) return Infinity;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1))]!;
}

/**
 * CUPED (Deng et al., 2013): Y' = Y − θ·(X − X̄) with X the same metric over a pre-period and
 * θ = Cov(X, Y) / Var(X) pooled over both groups; then Welch on Y'. The variance shrinks by (1 − ρ²).
 */
export function cuped(
  a: { y: readonly number[]; x: readonly number[] },
  b: { y: readonly number[]; x: readonly number[] },
  alpha = 0.05,
): FrequentistResult & { theta: number } {
  const ys = [...a.y, ...b.y];
  const xs = [...a.x, ...b.x];
  const n = ys.length;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  let cov = 0;
  let vx = 0;
  for (let i = 0; i < n; i++) {
    cov += (xs[i]! - mx) * (ys[i]! - my);
    vx += (xs[i]! - mx) ** 2;
  }
  const theta = vx > 0 ? cov / vx : 0;
  const adjust = (g: { y: readonly number[]; x: readonly number[] }) => g.y.map((y, i) => y - theta * (g.x[i]! - mx));
  return { ...welch(summarize(adjust(a)), summarize(adjust(b)), alpha), theta };
}

/**
 * Sample-ratio mismatch: Pearson's χ² goodness of fit of the units seen per variant against the planned weights,
 * df = variants − 1. A p-value below 0.001 means the assignment is broken and no result should be trusted.
 */
export function sampleRatioMismatch(observed: readonly number[], weights: readonly number[]) {
  const total = observed.reduce((s, v) => s + v, 0);
  const wsum = weights.reduce((s, v) => s + v, 0);
  let statistic = 0;
  observed.forEach((o, i) => {
    const e = (total * weights[i]!) / wsum;
    if (e > 0) statistic += (o - e) ** 2 / e;
  });
  const pValue = total ? chiSquaredSurvival(statistic, observed.length - 1) : 1;
  return { statistic, pValue, mismatch: pValue < 0.001 };
}

/**
 * Bayesian conversion: Beta(1 + conversions, 1 + failures) posteriors (uniform prior); the probability that B beats A
 * exactly, by Evan Miller's closed form for integer parameters:
 * P(pB > pA) = Σ_{i=0}^{αB−1} B(αA + i, βA + βB) / ((βB + i)·B(1 + i, βB)·B(αA, βA)).
 */
export function probabilityToBeatBeta(a: { conversions: number; n: number }, b: { conversions: number; n: number }) {
  const aA = 1 + a.conversions;
  const bA = 1 + a.n - a.conversions;
  const aB = 1 + b.conversions;
  const bB = 1 + b.n - b.conversions;
  let total = 0;
  for (let i = 0; i < aB; i++)
    total += Math.exp(logBeta(aA + i, bA + bB) - Math.log(bB + i) - logBeta(1 + i, bB) - logBeta(aA, bA));
  return Math.min(1, Math.max(0, total));
}

/**
 * Bayesian means (and conversions with large counts): flat prior, normal posterior of the difference,
 * N(mean(B) − mean(A), se²); probability to beat control Φ(diff / se) and a (1 − α) credible interval.
 */
export function bayesNormal(a: Summary, b: Summary, alpha = 0.05) {
  const se = Math.sqrt(variance(a) / a.n + variance(b) / b.n);
  const estimate = mean(b) - mean(a);
  const q = normalQuantile(1 - alpha / 2);
  return {
    estimate,
    lower: estimate - q * se,
    upper: estimate + q * se,
    probabilityToBeat: se > 0 ? normalCdf(estimate / se) : estimate > 0 ? 1 : estimate < 0 ? 0 : 0.5,
  };
}

/**
 * Always-valid confidence sequence for a difference of means (sequential testing: look at results as often as you
 * like). The mixture sequential probability ratio test with a N(0, τ²) mixing distribution (Johari, Pekelis & Walsh,
 * "Always valid inference", 2017; the normal-mixture boundary of Howard, Ramdas, McAuliffe & Sekhon, "Time-uniform,
 * nonparametric, nonasymptotic confidence sequences", Ann. Statist. 2021, eq. (14)): with V = Var(θ̂) the variance of
 * the estimate after n units,
 *   Λ = √(V / (V + τ²)) · exp( τ²·(θ̂ − θ₀)² / (2·V·(V + τ²)) ),
 * and θ₀ is excluded once Λ ≥ 1/α, so the (1 − α) confidence sequence is
 *   θ̂ ± √( V·(V + τ²)/τ² · ( 2·log(1/α) + log((V + τ²)/V) ) ),
 * and the always-valid p-value is min(1, 1/Λ(θ₀ = 0)). τ² is the prior scale of plausible effects.
 */
export function confidenceSequence(estimate: number, v: number, tau2: number, alpha = 0.05) {
  const half = Math.sqrt(((v * (v + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log((v + tau2) / v)));
  const lambda = Math.sqrt(v / (v + tau2)) * Math.exp((tau2 * estimate * estimate) / (2 * v * (v + tau2)));
  return { estimate, lower: estimate - half, upper: estimate + half, pValue: Math.min(1, 1 / lambda) };
}
