#!/usr/bin/env python3
"""Builds an evaluation set of the degraded Kodak crops that TRAIN (every source not held out), so that
`./visq eval --dataset` can measure a checkpoint on its own training images: links to the crops in OUT and a
Q-Insight JSON of their labels (`OUT/qinsight.json`: image, gt_score, distortion_class, severity).

The held-out sources are read from a validation predictions file of `./visq eval`
(`<out>/kodak-degraded-validation-predictions.csv`, whose ids are `kodak-degraded/<source>/...`).

    python3 tools/eval-analysis/training_crops.py <work-dir>/kodak-degraded \\
        target/visq-eval/kodak-degraded-validation-predictions.csv /tmp/kodak-train-crops
    ./visq eval --task degradation --dataset kodaktrain=/tmp/kodak-train-crops \\
        --labels /tmp/kodak-train-crops/qinsight.json

Python standard library only.
"""
import csv
import json
import os
import sys


def main(crops, predictions, out):
    with open(predictions, newline="") as f:
        held_out = {row["id"].split("/")[1] for row in csv.DictReader(f)}
    if not held_out:
        sys.exit(f"no held-out sources in {predictions}")
    os.makedirs(out, exist_ok=True)
    entries = []
    with open(os.path.join(crops, "labels.csv"), newline="") as f:
        for row in csv.DictReader(f):
            if row["source"] in held_out:
                continue
            link = os.path.join(out, row["image"])
            if not os.path.lexists(link):
                os.symlink(os.path.abspath(os.path.join(crops, row["image"])), link)
            entries.append({"image": row["image"], "gt_score": float(row["mos"]),
                            "distortion_class": row["distortion_class"] or None,
                            "severity": row["severity"] or None})
    with open(os.path.join(out, "qinsight.json"), "w") as f:
        json.dump(entries, f)
    print(f"{len(entries)} training crops of {len({e['image'].split('_')[0] for e in entries})} sources in {out} "
          f"(held out: {', '.join(sorted(held_out))})")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: training_crops.py KODAK_DEGRADED_DIR VALIDATION_PREDICTIONS.csv OUT_DIR")
    main(*sys.argv[1:])
