"""Independent check of Multitude's experiment statistics with SciPy / NumPy (Debian's python3-scipy).

Reads the exported data (JSON on stdin), computes every figure with SciPy's own routines, and prints them as JSON.
Run by stats.scipy.test.ts; nothing here is shared with the TypeScript code.
"""
import json
import sys

import numpy as np
from scipy import integrate, stats

data = json.load(sys.stdin)
out = {}

a, b = np.array(data["welch"]["a"]), np.array(data["welch"]["b"])
t = stats.ttest_ind(b, a, equal_var=False)
va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
q = stats.t.ppf(0.975, df)
diff = b.mean() - a.mean()
out["welch"] = {"statistic": float(t.statistic), "pValue": float(t.pvalue), "df": float(df),
                "lower": float(diff - q * np.sqrt(va + vb)), "upper": float(diff + q * np.sqrt(va + vb))}

obs = np.array(data["srm"]["observed"], dtype=float)
w = np.array(data["srm"]["weights"], dtype=float)
c = stats.chisquare(obs, obs.sum() * w / w.sum())
out["srm"] = {"statistic": float(c.statistic), "pValue": float(c.pvalue)}

A, B = data["beta"]["a"], data["beta"]["b"]
aa, ba = 1 + A["conversions"], 1 + A["n"] - A["conversions"]
ab, bb = 1 + B["conversions"], 1 + B["n"] - B["conversions"]
# P(pB > pA) = ∫ f_B(x) · F_A(x) dx, by quadrature around the posteriors' mass.
lo = min(stats.beta.ppf(1e-12, aa, ba), stats.beta.ppf(1e-12, ab, bb))
hi = max(stats.beta.ppf(1 - 1e-12, aa, ba), stats.beta.ppf(1 - 1e-12, ab, bb))
p, _ = integrate.quad(lambda x: stats.beta.pdf(x, ab, bb) * stats.beta.cdf(x, aa, ba), lo, hi, limit=500, epsabs=1e-12)
out["beta"] = {"probabilityToBeat": float(p)}

def ratio(xs, ys):
    xs, ys = np.array(xs), np.array(ys)
    n = len(xs)
    mx, my = xs.mean(), ys.mean()
    cov = np.cov(xs, ys, ddof=1)
    var = (cov[0, 0] / my**2 - 2 * mx * cov[0, 1] / my**3 + mx**2 * cov[1, 1] / my**4) / n
    return mx / my, var

ra, va_ = ratio(data["ratio"]["a"]["x"], data["ratio"]["a"]["y"])
rb, vb_ = ratio(data["ratio"]["b"]["x"], data["ratio"]["b"]["y"])
z = (rb - ra) / np.sqrt(va_ + vb_)
out["ratio"] = {"estimate": float(rb - ra), "se": float(np.sqrt(va_ + vb_)), "pValue": float(2 * stats.norm.sf(abs(z)))}

ca, cb = data["cuped"]["a"], data["cuped"]["b"]
x = np.concatenate([ca["x"], cb["x"]])
y = np.concatenate([ca["y"], cb["y"]])
theta = np.cov(x, y, ddof=1)[0, 1] / np.var(x, ddof=1)
adj = lambda g: np.array(g["y"]) - theta * (np.array(g["x"]) - x.mean())
tc = stats.ttest_ind(adj(cb), adj(ca), equal_var=False)
out["cuped"] = {"theta": float(theta), "statistic": float(tc.statistic), "pValue": float(tc.pvalue)}

out["dist"] = {
    "normalCdf": [float(stats.norm.cdf(v)) for v in data["dist"]["z"]],
    "normalQuantile": [float(stats.norm.ppf(v)) for v in data["dist"]["p"]],
    "tCdf": [float(stats.t.cdf(v, d)) for v, d in data["dist"]["t"]],
    "tQuantile": [float(stats.t.ppf(v, d)) for v, d in data["dist"]["tq"]],
    "chi2Sf": [float(stats.chi2.sf(v, d)) for v, d in data["dist"]["chi2"]],
}
print(json.dumps(out))
