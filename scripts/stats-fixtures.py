#!/usr/bin/python3
"""Fixtures for src/domain/statistics.ts from an independent implementation (statsmodels, scipy).

Run with Debian's Python, which has python3-statsmodels and python3-scipy (apt-get install
python3-statsmodels), not a pyenv or virtualenv python3 that may lack them:

    /usr/bin/python3 scripts/stats-fixtures.py

It writes test/fixtures/statistics.json (committed; test/domain/statistics.test.ts checks every
row). Made with statsmodels 0.13.5 and scipy 1.10.1; the versions used are recorded in the file.
Where statsmodels leaves a value undefined (it divides by zero, or answers nan), the row says what
the TypeScript side defines instead.
"""

import json
import math
import os
import sys
import warnings

import numpy as np
import scipy
import statsmodels
from scipy import optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportion_effectsize,
    proportions_ztest,
)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "statistics.json")

# Zero, one, a few, half, all, at sizes from 10 to 100,000: the arms every two-arm function sees.
ARMS = [
    (0, 10), (1, 10), (5, 10), (10, 10),
    (0, 37), (3, 37),
    (0, 100), (1, 100), (7, 100), (50, 100), (99, 100), (100, 100),
    (12, 250),
    (0, 1000), (48, 1000), (1000, 1000),
    (617, 12345),
    (0, 100000), (1, 100000), (4980, 100000), (5230, 100000), (100000, 100000),
]
# Every pair at 95 %; these pairs also at 80, 90, 99 and 99.9 %.
CONFIDENCES = [0.8, 0.9, 0.95, 0.99, 0.999]
SOME_PAIRS = [((7, 100), (1, 100)), ((5230, 100000), (4980, 100000)), ((48, 1000), (617, 12345)), ((3, 37), (0, 10)), ((12, 250), (12, 250))]


def wilson_rows():
    rows = []
    for x, n in ARMS:
        for confidence in CONFIDENCES:
            low, high = proportion_confint(x, n, alpha=1 - confidence, method="wilson")
            rows.append({"x": x, "n": n, "confidence": confidence, "low": float(low), "high": float(high)})
    return rows


def pairs():
    for treatment in ARMS:
        for control in ARMS:
            yield treatment, control, 0.95
    for treatment, control in SOME_PAIRS:
        for confidence in CONFIDENCES:
            if confidence != 0.95:
                yield treatment, control, confidence


def arm(counts):
    return {"converted": counts[0], "leads": counts[1]}


def two_arm_rows():
    rows = []
    for (x1, n1), (x2, n2), confidence in pairs():
        alpha = 1 - confidence
        low, high = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff", alpha=alpha)
        try:
            rr_low, rr_high = confint_proportions_2indep(x1, n1, x2, n2, method="log", compare="ratio", alpha=alpha)
            katz = {"estimate": (x1 / n1) / (x2 / n2), "low": float(rr_low), "high": float(rr_high)}
        except ZeroDivisionError:
            katz = None
        _, p = proportions_ztest([x1, x2], [n1, n2])
        rows.append({
            "treatment": arm((x1, n1)),
            "control": arm((x2, n2)),
            "confidence": confidence,
            "difference": {"estimate": x1 / n1 - x2 / n2, "low": float(low), "high": float(high)},
            # statsmodels divides by zero without a conversion in an arm: katzRiskRatio answers null.
            "ratio": katz,
            # statsmodels gives nan when both rates are 0 or both 1: twoProportionPValue defines 1.
            "p": float(p) if math.isfinite(p) else 1.0,
            "pDefined": not math.isfinite(p),
        })
    return rows


def srm_rows():
    rows = []
    splits = [(10, 90), (100, 900), (95, 905), (80, 920), (0, 1000), (50, 950), (1000, 9000), (1061, 8939),
              (520, 9480), (5000, 5000), (4890, 5110), (1, 1), (0, 3), (3, 0), (20000, 80000), (10200, 89800)]
    for control, treatment in splits:
        for share in (0.05, 0.1, 0.2, 0.5):
            total = control + treatment
            statistic, p = stats.chisquare([control, treatment], f_exp=[total * share, total * (1 - share)])
            rows.append({"control": control, "treatment": treatment, "controlShare": share,
                         "statistic": float(statistic), "p": float(p)})
    return rows


def homogeneity_rows():
    """Siblings' rates (src/domain/chi-square.ts): chi2_contingency without Yates' correction, 2 to 6 groups."""
    tables = [
        [(10, 100), (12, 100)], [(50, 1000), (80, 1000)], [(5, 40), (9, 41), (13, 39)],
        [(200, 5000), (210, 5100), (190, 4900)], [(30, 1000), (60, 1000), (90, 1000)], [(1, 10), (0, 10), (2, 10)],
        [(400, 10000), (520, 10000), (610, 10000), (700, 10000)], [(3, 100), (4, 120), (5, 90), (6, 110), (7, 95)],
        [(1000, 20000), (1000, 20000)], [(12, 300), (25, 310), (40, 290), (55, 305), (70, 295), (90, 300)],
    ]
    rows = []
    for groups in tables:
        table = [[c, n - c] for c, n in groups]
        statistic, p, df, _ = stats.chi2_contingency(table, correction=False)
        rows.append({"groups": [{"converted": c, "leads": n} for c, n in groups], "statistic": float(statistic), "df": int(df), "p": float(p)})
    # The survival function alone, odd and even degrees of freedom, far into the tail.
    survival = [{"x": x, "df": df, "p": float(stats.chi2.sf(x, df))} for df in (1, 2, 3, 4, 5, 7, 10) for x in (0.01, 0.5, 1, 3.84, 10, 40, 150)]
    return {"tables": rows, "survival": survival}


def adjustment_rows():
    rng = np.random.default_rng(20240611)
    families = [
        [0.01], [0.04, 0.01], [0.01, 0.01, 0.01], [0.0, 1.0, 0.5], [0.03, 0.03, 0.2, 0.001],
        [1e-12, 0.049, 0.051, 0.9, 0.02], [0.5, 0.5, 0.5, 0.5], [1.0, 1.0], [1e-300, 0.3, 0.7],
    ]
    families += [list(rng.uniform(0, 0.2, size)) for size in (3, 6, 10, 20)]
    families += [list(rng.uniform(0, 1, size)) for size in (5, 12)]
    rows = []
    for ps in families:
        holm = multipletests(ps, method="holm")[1]
        bh = multipletests(ps, method="fdr_bh")[1]
        rows.append({"p": [float(p) for p in ps], "holm": [float(p) for p in holm], "bh": [float(p) for p in bh]})
    return rows


def independent_total(p1, p2, share, alpha, power):
    """The same equation as statsmodels solves, by brentq to 1e-14: a check on its solver (its own
    stopping rule leaves up to a few 1e-9 relative, well inside the tests' 1e-6)."""
    h = abs(proportion_effectsize(p2, p1))
    crit = stats.norm.isf(alpha / 2)
    f = lambda s: stats.norm.sf(crit - s * h) + stats.norm.cdf(-crit - s * h) - power
    s = optimize.brentq(f, 1e-9, 1e9, xtol=1e-14, rtol=1e-15)
    return s * s / (share * (1 - share))


def sample_size_rows():
    rows = []
    for baseline in (0.01, 0.02, 0.05, 0.1, 0.3, 0.5, 0.8):
        for mde in (0.05, 0.1, 0.2, 0.5, -0.1, -0.3):
            treated = baseline * (1 + mde)
            if not 0 < treated < 1:
                continue
            for share in (0.05, 0.1, 0.2, 0.5):
                for alpha, power in ((0.05, 0.8), (0.05, 0.9), (0.01, 0.8), (0.1, 0.5)):
                    ratio = (1 - share) / share
                    nobs1 = NormalIndPower().solve_power(effect_size=proportion_effectsize(treated, baseline),
                                                         ratio=ratio, alpha=alpha, power=power)
                    total = float(nobs1) * (1 + ratio)
                    check = independent_total(baseline, treated, share, alpha, power)
                    if abs(total - check) > 1e-7 * check:
                        sys.exit(f"statsmodels' solver is off: {total} against {check} ({baseline}, {mde}, {share})")
                    rows.append({"baselineRate": baseline, "relativeMde": mde, "controlShare": share,
                                 "alpha": alpha, "power": power, "total": total})
    return rows


def main():
    warnings.simplefilter("ignore")  # numpy's 0/0 in the degenerate z tests, recorded as defined
    fixtures = {
        "made": {"by": "scripts/stats-fixtures.py", "statsmodels": statsmodels.__version__, "scipy": scipy.__version__,
                 "numpy": np.__version__},
        "wilson": wilson_rows(),
        "twoArms": two_arm_rows(),
        "srm": srm_rows(),
        "adjustment": adjustment_rows(),
        "sampleSize": sample_size_rows(),
        "homogeneity": homogeneity_rows(),
    }
    with open(OUT, "w") as out:
        json.dump(fixtures, out, indent=None, separators=(",", ":"))
        out.write("\n")
    print(f"wrote {os.path.relpath(OUT)}: " + ", ".join(f"{k} {len(v)}" for k, v in fixtures.items() if k not in ("made", "homogeneity")))


if __name__ == "__main__":
    main()
