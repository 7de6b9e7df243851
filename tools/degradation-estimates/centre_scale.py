#!/usr/bin/env python3
"""Centre and scale of the 16 degradation estimates (visq.gpu.image.DegradationEstimates) over the CLIVE training
split, the constants that standardise them to order one as ImageStatistics does for BRISQUE's features.

An independent numpy port of the Java definitions (same crop, luminance, percentiles with linear interpolation,
Immerkaer's Laplacian, neighbour differences, 8-px blockiness). The training split is every CLIVE image that a
validation predictions file of `./visq eval` does not list:

    python3 tools/degradation-estimates/centre_scale.py ../shared/data/clive/images \\
        target/visq-eval/clive-validation-predictions.csv

Needs numpy and Pillow (for example the venv of tools/qwen-reference). Prints the mean and the standard deviation of
each estimate over the training images. With one image instead, prints its 16 raw estimates (the golden values of
DegradationEstimatesTest):

    python3 tools/degradation-estimates/centre_scale.py ../shared/data/clive/images/100.png
"""
import csv
import math
import os
import sys

import numpy as np
from PIL import Image

MAX_SIDE = 512
BLOCK = 8
PERCENTILES = [1, 5, 25, 50, 75, 95, 99, 99.9]


def blockiness(diffs, axis_length):
    # diffs[k] = Y[k + 1] - Y[k] along the axis; the pair crosses a boundary when (k + 1) % 8 == 0
    across = np.array([(k + 1) % BLOCK == 0 for k in range(axis_length - 1)])
    if not across.any() or across.all():
        return 0.0
    return math.log((1 + diffs[..., across].mean()) / (1 + diffs[..., ~across].mean()))


def estimates(path):
    rgb = np.asarray(Image.open(path).convert("RGB")).astype(np.float64)
    height, width = rgb.shape[:2]
    w, h = min(MAX_SIDE, width), min(MAX_SIDE, height)
    left, top = (width - w) // 2 // BLOCK * BLOCK, (height - h) // 2 // BLOCK * BLOCK
    rgb = rgb[top:top + h, left:left + w]
    y = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    out = [np.percentile(y, p) / 255 for p in PERCENTILES]
    out += [y.mean() / 255, y.std() / 255]
    lap = (4 * y[1:-1, 1:-1] - 2 * (y[1:-1, :-2] + y[1:-1, 2:] + y[:-2, 1:-1] + y[2:, 1:-1])
           + y[:-2, :-2] + y[:-2, 2:] + y[2:, :-2] + y[2:, 2:])
    out.append(math.log1p(math.sqrt(math.pi / 2) / 6 * np.abs(lap).mean()))
    out.append(math.log1p(np.median(np.abs(lap)) / 6))
    dx = np.abs(np.diff(y, axis=1))
    dy = np.abs(np.diff(y, axis=0))
    out.append(math.log1p(dx.mean() + dy.mean()))
    out.append(math.log((1 + lap.var()) / (1 + y.var())))
    out.append(blockiness(dx, w))
    out.append(blockiness(dy.T, h))
    return out


def main(images, predictions):
    with open(predictions, newline="") as f:
        held_out = {os.path.basename(row["image"]) for row in csv.DictReader(f)}
    names = sorted(n for n in os.listdir(images) if n not in held_out and not n.startswith("."))
    values = np.array([estimates(os.path.join(images, n)) for n in names])
    print(f"{len(names)} training images ({len(held_out)} held out)")
    print("CENTRE", ", ".join(f"{v:.4g}" for v in values.mean(axis=0)))
    print("SCALE ", ", ".join(f"{v:.4g}" for v in values.std(axis=0)))


if __name__ == "__main__":
    if len(sys.argv) == 2:
        print(", ".join(repr(float(v)) for v in estimates(sys.argv[1])))
    elif len(sys.argv) == 3:
        main(sys.argv[1], sys.argv[2])
    else:
        sys.exit(__doc__)
