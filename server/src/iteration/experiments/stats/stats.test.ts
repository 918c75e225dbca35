import { describe, expect, it } from 'vitest';
import {
  chiSquaredSurvival,
  incompleteBeta,
  normalCdf,
  normalQuantile,
  studentTCdf,
  studentTQuantile,
} from './distributions.js';
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
} from './tests.js';
import { seeded } from './random.js';

// Reference values from published tables (Abramowitz & Stegun; t and χ² tables) to the digits printed.
describe('distributions', () => {
  it('match the printed tables', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 7);
    expect(normalCdf(-3)).toBeCloseTo(0.0013499, 7);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 6);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228139, 6);
    expect(studentTQuantile(0.995, 3)).toBeCloseTo(5.840909, 5);
    expect(studentTCdf(2, 10)).toBeCloseTo(0.963306, 6);
    expect(chiSquaredSurvival(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquaredSurvival(9.487729, 4)).toBeCloseTo(0.05, 6);
    expect(incompleteBeta(0.5, 2, 3)).toBeCloseTo(0.6875, 10);
  });
});

describe('engines', () => {
  it('Welch: a worked example (Welch 1947-style two samples, computed by hand)', () => {
    // a = [1,2,3,4,5] (mean 3, s² 2.5), b = [2,4,6,8,10] (mean 6, s² 10): se = √(0.5 + 2) = 1.5811,
    // t = 1.8974, df = 2.5² / (0.5²/4 + 2²/4) = 6.25 / 1.0625 = 5.8824.
    const r = welch(summarize([1, 2, 3, 4, 5]), summarize([2, 4, 6, 8, 10]));
    expect(r.estimate).toBe(3);
    expect(r.se).toBeCloseTo(1.581139, 6);
    expect(r.statistic).toBeCloseTo(1.897367, 6);
    expect(r.df).toBeCloseTo(5.882353, 6);
    expect(r.pValue).toBeGreaterThan(0.05);
    expect(r.lower).toBeLessThan(0);
  });

  it('SRM: flags a 50/50 test that got 50,000 against 51,500, not 50,000 against 50,200', () => {
    expect(sampleRatioMismatch([50_000, 51_500], [1, 1]).mismatch).toBe(true);
    const ok = sampleRatioMismatch([50_000, 50_200], [1, 1]);
    expect(ok.mismatch).toBe(false);
    expect(ok.statistic).toBeCloseTo((100 * 100 * 2) / 50_100, 8);
  });

  it('probability to beat: ½ for identical data, and close to the normal approximation with many units', () => {
    expect(probabilityToBeatBeta({ conversions: 30, n: 300 }, { conversions: 30, n: 300 })).toBeCloseTo(0.5, 6);
    const exact = probabilityToBeatBeta({ conversions: 1000, n: 10_000 }, { conversions: 1080, n: 10_000 });
    const a = { n: 10_000, sum: 1000, sumSquares: 1000 };
    const b = { n: 10_000, sum: 1080, sumSquares: 1080 };
    expect(exact).toBeCloseTo(bayesNormal(a, b).probabilityToBeat, 2);
    expect(exact).toBeGreaterThan(0.95);
  });

  it('CUPED keeps the estimate unbiased and narrows the interval when the pre-period predicts', () => {
    const r = seeded(7);
    const make = (lift: number) => {
      const x = Array.from({ length: 2000 }, () => 10 + 3 * r.normal());
      const y = x.map((v) => v + lift + r.normal());
      return { x, y };
    };
    const a = make(0);
    const b = make(0.2);
    const plain = welch(summarize(a.y), summarize(b.y));
    const adjusted = cuped(a, b);
    expect(adjusted.theta).toBeCloseTo(1, 1);
    expect(adjusted.se).toBeLessThan(plain.se / 2);
    expect(adjusted.lower).toBeLessThan(0.2);
    expect(adjusted.upper).toBeGreaterThan(0.2);
  });

  it('delta method: a ratio metric’s interval covers the true difference about 95 % of the time', () => {
    const r = seeded(11);
    let covered = 0;
    const runs = 200;
    for (let k = 0; k < runs; k++) {
      const group = (perSession: number) => {
        const ys = Array.from({ length: 500 }, () => 1 + Math.floor(r.uniform() * 5));
        const xs = ys.map((y) => y * perSession + r.normal());
        return summarizeRatio(xs, ys);
      };
      const d = deltaRatio(group(2), group(2.1));
      if (d.lower <= 0.1 && 0.1 <= d.upper) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.9);
    expect(covered / runs).toBeLessThanOrEqual(0.99);
  });

  it('winsorisation caps at the pooled quantile', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(winsorCap(values, 0.99)).toBe(99);
    expect(winsorCap([5], 0.99)).toBe(5);
  });

  it('confidence sequences stay valid when peeking at every step (a simulated A/A test)', () => {
    const r = seeded(3);
    let everWrong = 0;
    const runs = 200;
    for (let k = 0; k < runs; k++) {
      let sa = 0;
      let sb = 0;
      for (let n = 1; n <= 300; n++) {
        sa += r.normal();
        sb += r.normal();
        const v = 2 / n;
        const cs = confidenceSequence(sb / n - sa / n, v, 0.1);
        if (cs.lower > 0 || cs.upper < 0) {
          everWrong++;
          break;
        }
      }
    }
    // Always valid: P(the sequence ever excludes the truth) ≤ α, although we looked 300 times.
    expect(everWrong / runs).toBeLessThanOrEqual(0.05);
    // A fixed-n interval would be narrower: the price of peeking.
    const cs = confidenceSequence(0, 0.01, 0.1);
    expect(cs.upper).toBeGreaterThan(1.96 * 0.1);
  });
});
