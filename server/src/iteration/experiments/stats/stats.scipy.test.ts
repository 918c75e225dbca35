/**
 * The statistics checked against an independent implementation: SciPy (Debian's python3-scipy) recomputes every
 * figure from the same exported data (scipy-check.py). Without python3-scipy the test is reported skipped, never
 * passed; `.ci/run` installs it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, chiSquaredSurvival, studentTCdf, studentTQuantile } from './distributions.js';
import {
  cuped,
  deltaRatio,
  probabilityToBeatBeta,
  sampleRatioMismatch,
  summarize,
  summarizeRatio,
  welch,
} from './tests.js';
import { seeded } from './random.js';

const script = fileURLToPath(new URL('./scipy-check.py', import.meta.url));
// The first Python with SciPy: the one on PATH, else Debian's (where `apt-get install python3-scipy` puts it).
const python = ['python3', '/usr/bin/python3'].find(
  (p) => spawnSync(p, ['-c', 'import scipy, numpy'], { stdio: 'ignore' }).status === 0,
);
const hasScipy = python !== undefined;

describe('statistics against SciPy', () => {
  it.skipIf(!hasScipy)('agree on every engine and distribution', () => {
    const r = seeded(2026);
    const skewed = (n: number, scale: number) => Array.from({ length: n }, () => Math.exp(r.normal()) * scale);
    const welchData = { a: skewed(400, 10), b: skewed(350, 11) };
    const ratioGroup = (k: number) => {
      const y = Array.from({ length: 600 }, () => 1 + Math.floor(r.uniform() * 6));
      return { x: y.map((v) => v * k + 2 * r.normal()), y };
    };
    const cupedGroup = (lift: number) => {
      const x = Array.from({ length: 800 }, () => 20 + 5 * r.normal());
      return { x, y: x.map((v) => 0.8 * v + lift + 2 * r.normal()) };
    };
    const data = {
      welch: welchData,
      srm: { observed: [10_120, 9_880, 5_100], weights: [2, 2, 1] },
      beta: { a: { conversions: 120, n: 1000 }, b: { conversions: 145, n: 1010 } },
      ratio: { a: ratioGroup(3), b: ratioGroup(3.2) },
      cuped: { a: cupedGroup(0), b: cupedGroup(0.5) },
      dist: {
        z: [-6, -2.5, -0.3, 0, 1.1, 3.7],
        p: [1e-6, 0.01, 0.3, 0.5, 0.975, 0.999],
        t: [
          [-3.2, 2.5],
          [0.4, 7],
          [2.1, 33.3],
          [1.5, 1],
        ],
        tq: [
          [0.975, 4.2],
          [0.9, 17],
          [0.025, 120.5],
        ],
        chi2: [
          [0.5, 1],
          [7.8, 3],
          [30, 10],
          [150, 2],
        ],
      },
    };
    const run = spawnSync(python!, [script], { input: JSON.stringify(data), encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const ref = JSON.parse(run.stdout);
    const close = (ours: number, theirs: number, rel = 1e-6) =>
      expect(Math.abs(ours - theirs), `${ours} vs SciPy ${theirs}`).toBeLessThanOrEqual(
        rel * Math.max(1e-12, Math.abs(theirs)) + 1e-12,
      );

    const w = welch(summarize(welchData.a), summarize(welchData.b));
    close(w.statistic, ref.welch.statistic);
    close(w.pValue, ref.welch.pValue);
    close(w.df, ref.welch.df);
    close(w.lower, ref.welch.lower);
    close(w.upper, ref.welch.upper);

    const srm = sampleRatioMismatch(data.srm.observed, data.srm.weights);
    close(srm.statistic, ref.srm.statistic);
    close(srm.pValue, ref.srm.pValue);

    close(probabilityToBeatBeta(data.beta.a, data.beta.b), ref.beta.probabilityToBeat, 1e-7);

    const d = deltaRatio(
      summarizeRatio(data.ratio.a.x, data.ratio.a.y),
      summarizeRatio(data.ratio.b.x, data.ratio.b.y),
    );
    close(d.estimate, ref.ratio.estimate);
    close(d.se, ref.ratio.se);
    close(d.pValue, ref.ratio.pValue, 1e-5);

    const c = cuped(data.cuped.a, data.cuped.b);
    close(c.theta, ref.cuped.theta);
    close(c.statistic, ref.cuped.statistic);
    close(c.pValue, ref.cuped.pValue, 1e-5);

    data.dist.z.forEach((z, i) => close(normalCdf(z), ref.dist.normalCdf[i], 1e-9));
    data.dist.p.forEach((p, i) => close(normalQuantile(p), ref.dist.normalQuantile[i], 1e-9));
    data.dist.t.forEach(([t, df], i) => close(studentTCdf(t!, df!), ref.dist.tCdf[i], 1e-9));
    data.dist.tq.forEach(([p, df], i) => close(studentTQuantile(p!, df!), ref.dist.tQuantile[i], 1e-9));
    data.dist.chi2.forEach(([x, df], i) => close(chiSquaredSurvival(x!, df!), ref.dist.chi2Sf[i], 1e-9));
  });
});
