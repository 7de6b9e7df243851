#!/usr/bin/env python3
"""Writes the golden fixtures of visq.gpu.eval (correlations and the logistic fit of method.md §4).

An independent reference using only numpy and scipy: scipy.stats.spearmanr, scipy.stats.kendalltau (tau-b),
scipy.stats.pearsonr and scipy.optimize.curve_fit (MINPACK Levenberg-Marquardt) for the 4-parameter logistic
    yhat = (b1 - b2) / (1 + exp(-(x - b3) / |b4|)) + b2
from the initial point b1 = max y, b2 = min y, b3 = mean x, b4 = std x / 4 (numpy's population std).
Deterministic: the same environment regenerates byte-identical files.

Usage: generate_eval_goldens.py [OUTPUT_DIR]   (default: ../../resources/golden/eval next to this script)
"""
import json
import os
import sys

import numpy as np
import scipy
import scipy.optimize
import scipy.stats


def logistic(x, b1, b2, b3, b4):
    return (b1 - b2) / (1.0 + np.exp(-(x - b3) / np.abs(b4))) + b2


def initial_point(x, y):
    return [float(np.max(y)), float(np.min(y)), float(np.mean(x)), float(np.std(x) / 4.0)]


def fit(x, y):
    p0 = initial_point(x, y)
    params, _ = scipy.optimize.curve_fit(logistic, x, y, p0=p0, method="lm", ftol=1e-15, xtol=1e-15, gtol=0.0,
                                         maxfev=200000)
    yhat = logistic(x, *params)
    return {
        "initial": p0,
        "parameters": [float(v) for v in params],
        "yhat": [float(v) for v in yhat],
        "sum_of_squares": float(np.sum((yhat - y) ** 2)),
        "plcc_fitted": float(scipy.stats.pearsonr(yhat, y)[0]),
    }


def case(name, x, y, with_fit):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    out = {
        "name": name,
        "x": [float(v) for v in x],
        "y": [float(v) for v in y],
        "srcc": float(scipy.stats.spearmanr(x, y)[0]),
        "krcc": float(scipy.stats.kendalltau(x, y, variant="b")[0]),
        "plcc": float(scipy.stats.pearsonr(x, y)[0]),
    }
    if with_fit:
        out["fit"] = fit(x, y)
    return out


def cases():
    rng = np.random.default_rng(20240611)
    result = []

    x = rng.normal(size=200)
    result.append(case("random_correlated_n200", x, 0.6 * x + rng.normal(size=200), with_fit=False))

    x = rng.uniform(size=50)
    result.append(case("random_independent_n50", x, rng.uniform(size=50), with_fit=False))

    x = rng.integers(1, 6, size=150)
    result.append(case("ties_both_five_levels_n150", x, np.clip(x + rng.integers(-1, 2, size=150), 1, 5),
                       with_fit=False))

    x = np.round(rng.normal(size=120), 1)
    result.append(case("ties_x_only_negative_n120", x, -2.0 * x + rng.normal(size=120), with_fit=False))

    result.append(case("tiny_n3", [0.1, 0.5, 0.3], [2.0, 1.0, 3.0], with_fit=False))

    # Monotone nonlinear data: predicted scores on 1..5, MOS on 0..100 along a sigmoid with noise.
    x = rng.uniform(1.0, 5.0, size=300)
    y = 80.0 / (1.0 + np.exp(-(x - 3.2) / 0.45)) + 10.0 + rng.normal(scale=4.0, size=300)
    result.append(case("fit_sigmoid_mos100_n300", x, y, with_fit=True))

    # A convex monotone relation (exponential), where the logistic's upper asymptote runs far out.
    x = rng.uniform(0.0, 1.0, size=200)
    y = np.exp(2.5 * x) + rng.normal(scale=0.3, size=200)
    result.append(case("fit_exponential_n200", x, y, with_fit=True))

    # A decreasing sigmoid with ties in the predictions (scores rounded to 0.25).
    x = np.round(rng.uniform(0.0, 10.0, size=250) * 4.0) / 4.0
    y = 5.0 - 4.0 / (1.0 + np.exp(-(x - 6.0) / 1.2)) + rng.normal(scale=0.2, size=250)
    result.append(case("fit_decreasing_ties_n250", x, y, with_fit=True))

    # Noisy, weakly monotone data of the size of a small evaluation split.
    x = rng.normal(3.0, 0.8, size=400)
    y = 1.0 + 4.0 / (1.0 + np.exp(-(x - 3.0))) + rng.normal(scale=0.6, size=400)
    result.append(case("fit_noisy_n400", x, y, with_fit=True))
    return result


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "resources", "golden", "eval")
    os.makedirs(out_dir, exist_ok=True)
    document = {
        "source": "generate_eval_goldens.py with numpy " + np.__version__ + ", scipy " + scipy.__version__
                  + " (scipy.stats.spearmanr / kendalltau(variant='b') / pearsonr, scipy.optimize.curve_fit lm)",
        "cases": cases(),
    }
    with open(os.path.join(out_dir, "correlations.json"), "w", encoding="utf-8") as f:
        json.dump(document, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
