#!/usr/bin/env python3
"""Where degradation answers miss the severity: per class, the share of crops whose class is right and whose class
and severity are right, and how many levels the answered severity lies from the true one (negative: answered less
severe), read from `./visq eval --task degradation` predictions files (`<out>/<set>-predictions.csv`).

    python3 tools/eval-analysis/severity_offsets.py target/visq-eval/kodak-degraded-validation-predictions.csv ...

Python standard library only.
"""
import collections
import csv
import sys

SEVERITIES = ["slight", "moderate", "obvious", "serious", "catastrophic"]


def summarise(path):
    per_class = collections.defaultdict(lambda: [0, 0, 0])
    offsets = collections.Counter()
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            truth, answer = row["degradation_truth"], row["degradation"]
            if truth in ("", "none"):
                continue
            true_class, true_severity = truth.split("/")
            counts = per_class[true_class]
            counts[0] += 1
            if "/" in answer and answer.split("/")[0] == true_class:
                counts[1] += 1
                offset = SEVERITIES.index(answer.split("/")[1]) - SEVERITIES.index(true_severity)
                offsets[offset] += 1
                counts[2] += offset == 0
    print(path)
    for name, (images, class_right, level_right) in sorted(per_class.items()):
        print(f"  {name:12s} {images:4d} crops  class {class_right / images:.3f}  class+severity {level_right / images:.3f}")
    print("  severity offset (answer - truth) among class-right answers:",
          ", ".join(f"{k:+d}: {v}" for k, v in sorted(offsets.items())))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: severity_offsets.py PREDICTIONS.csv [...]")
    for argument in sys.argv[1:]:
        summarise(argument)
