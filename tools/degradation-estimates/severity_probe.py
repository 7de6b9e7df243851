#!/usr/bin/env python3
"""How much the 16 degradation estimates alone say about severity: for each degradation class, a 5-way multinomial
logistic read-out (standardised inputs, L2 1e-2, 3,000 gradient steps) of the estimates of the training crops,
scored on the held-out crops with the class given. Crops and labels come from a work directory's generated set
(`<work-dir>/kodak-degraded`, its labels.csv); the held-out sources from a validation predictions file of `./visq
eval` (ids `kodak-degraded/<source>/...`), as tools/eval-analysis/training_crops.py reads them.

    python3 tools/degradation-estimates/severity_probe.py target/visq-data/kodak-degraded \\
        target/visq-eval/kodak-degraded-validation-predictions.csv

Needs numpy and Pillow, like centre_scale.py, whose estimates (the Java definitions) it uses.
"""
import csv
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from centre_scale import estimates  # noqa: E402

SEVERITIES = ["slight", "moderate", "obvious", "serious", "catastrophic"]


def fit(x, y, classes, l2=1e-2, steps=3000, rate=0.5):
    weights = np.zeros((x.shape[1], classes))
    bias = np.zeros(classes)
    targets = np.eye(classes)[y]
    for _ in range(steps):
        logits = x @ weights + bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - targets) / len(y)
        weights -= rate * (x.T @ grad + l2 * weights)
        bias -= rate * grad.sum(axis=0)
    return weights, bias


def main(crops, predictions):
    with open(predictions, newline="") as f:
        held_out = {row["id"].split("/")[1] for row in csv.DictReader(f)}
    with open(os.path.join(crops, "labels.csv"), newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["distortion_class"]]
    x = np.array([estimates(os.path.join(crops, r["image"])) for r in rows])
    severity = np.array([SEVERITIES.index(r["severity"]) for r in rows])
    kind = np.array([r["distortion_class"] for r in rows])
    test = np.array([r["source"] in held_out for r in rows])
    for name in sorted(set(kind)):
        train_rows, test_rows = (kind == name) & ~test, (kind == name) & test
        mean, std = x[train_rows].mean(axis=0), x[train_rows].std(axis=0) + 1e-9
        weights, bias = fit((x[train_rows] - mean) / std, severity[train_rows], len(SEVERITIES))
        predicted = (((x[test_rows] - mean) / std) @ weights + bias).argmax(axis=1)
        print(f"{name:12s} {test_rows.sum():4d} held-out crops  severity accuracy {np.mean(predicted == severity[test_rows]):.3f}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
