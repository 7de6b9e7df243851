#!/usr/bin/env python3
"""Golden values for Visq's Qwen image processor (QwenImageProcessor, BicubicResampler).

Writes into gpu-workers/src/test/resources/qwen-image/ (or the directory given as the first argument):
  images/<case>.png      deterministic synthetic source images (RGB, 8 bit)
  resized/<case>.png     PIL's Image.resize(size, BICUBIC) of the source at the smart-resize size
  pixel_values/<case>.f32  Qwen2VLImageProcessorPil pixel_values, little-endian float32, row-major
                         [patches, 1176], for one case per smart-resize branch (the others: digests and samples)
  image-golden.json      per case: settings, smart-resize size, image_grid_thw, SHA-256 of the resized CHW bytes and
                         of the pixel_values bytes, sampled pixel_values; a table of smart_resize results; versions.

Run with the project's reference environment: /work/venv-qwen/bin/python tools/qwen-reference/image_golden.py
The CLIVE photo is read from ../shared/data/clive/images/100.png (relative to the repository root) unless
--clive PATH says otherwise; only its digests and samples are written, not its pixels.
"""

import argparse
import hashlib
import json
import math
import os
import sys

import numpy as np
import PIL
import transformers
from PIL import Image
from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil, smart_resize

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_OUT = os.path.join(REPO, "gpu-workers", "src", "test", "resources", "qwen-image")
DEFAULT_CLIVE = os.path.join(REPO, "..", "shared", "data", "clive", "images", "100.png")

# Published Qwen2.5-VL preprocessor defaults.
PUBLISHED_MIN_PIXELS = 3136
PUBLISHED_MAX_PIXELS = 12845056
# Cases whose pixel_values are written in full (one per smart-resize branch); the others keep digests and samples.
FULL_VALUES = ("odd", "upscale", "downscale")
SAMPLES = 24


def synthetic_image(height, width, seed, noise):
    """Smooth gradients, hard-edged blocks (bicubic overshoot and clipping) and uniform noise of amplitude noise."""
    rng = np.random.default_rng(seed)
    y = np.arange(height, dtype=np.float64)[:, None]
    x = np.arange(width, dtype=np.float64)[None, :]
    planes = []
    for c in range(3):
        gradient = 127.5 + 90.0 * np.sin(2 * math.pi * (x / max(width, 1) * (c + 1) + y / max(height, 1) * (2 - c) / 2))
        blocks = np.where(((x // (5 + 2 * c)) + (y // (7 + c))) % 2 == 0, 60.0, -60.0)
        plane = gradient + blocks + rng.uniform(-noise, noise, size=(height, width))
        planes.append(plane)
    rgb = np.stack(planes, axis=-1)
    # a few saturated pixels on both ends
    rgb[rng.integers(0, height, 8), rng.integers(0, width, 8)] = 255.0
    rgb[rng.integers(0, height, 8), rng.integers(0, width, 8)] = 0.0
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


# name, height, width, seed, noise, min_pixels, max_pixels
CASES = [
    ("odd", 45, 61, 1, 40.0, 3136, 28 * 28 * 16),  # sides not multiples of 28: 45x61 -> 56x56
    ("upscale", 30, 40, 2, 40.0, 3136, 28 * 28 * 16),  # fewer pixels than min_pixels: ceil branch
    ("downscale", 300, 400, 3, 8.0, 3136, 28 * 28 * 16),  # more than max_pixels: floor branch
    ("extreme", 30, 600, 4, 30.0, 3136, PUBLISHED_MAX_PIXELS),  # aspect 20, one pass horizontal only
    ("exact", 56, 84, 5, 40.0, 3136, 28 * 28 * 16),  # already a multiple of 28: PIL returns it unchanged
    ("horizontal-only", 84, 57, 6, 40.0, 3136, 28 * 28 * 16),  # height already right: PIL's horizontal pass only
    ("vertical-only", 57, 84, 8, 40.0, 3136, 28 * 28 * 16),  # width already right: PIL's vertical pass only
    ("tall", 3000, 29, 7, 10.0, 3136, 28 * 28 * 20),  # height > 100 x width: PIL resizes vertically first
]


def chw_bytes(hwc):
    return np.ascontiguousarray(np.transpose(hwc, (2, 0, 1))).tobytes()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def samples(values, count, seed):
    flat = values.reshape(-1)
    rng = np.random.default_rng(seed)
    indexes = sorted(set([0, flat.size - 1] + rng.integers(0, flat.size, count - 2).tolist()))
    return [[int(i), float(flat[i])] for i in indexes]


def process(processor, rgb_hwc, min_pixels, max_pixels):
    image = Image.fromarray(rgb_hwc, mode="RGB")
    height, width = rgb_hwc.shape[:2]
    resized_height, resized_width = smart_resize(height, width, factor=28, min_pixels=min_pixels,
                                                 max_pixels=max_pixels)
    resized = np.asarray(image.resize((resized_width, resized_height), Image.BICUBIC))
    out = processor(images=[image], return_tensors="np")
    pixel_values = np.ascontiguousarray(out["pixel_values"], dtype=np.float32)
    grid = out["image_grid_thw"][0].tolist()
    return resized, pixel_values, grid, (resized_height, resized_width)


def case_record(name, source, rgb, min_pixels, max_pixels, out_dir, write_pixels, seed):
    processor = Qwen2VLImageProcessorPil(min_pixels=min_pixels, max_pixels=max_pixels)
    resized, pixel_values, grid, size = process(processor, rgb, min_pixels, max_pixels)
    little_endian = pixel_values.astype("<f4").tobytes()
    record = {
        "name": name,
        "source": source,
        "height": int(rgb.shape[0]),
        "width": int(rgb.shape[1]),
        "minPixels": min_pixels,
        "maxPixels": max_pixels,
        "resizedHeight": size[0],
        "resizedWidth": size[1],
        "gridThw": [int(v) for v in grid],
        "pixelValuesShape": [int(v) for v in pixel_values.shape],
        "resizedChwSha256": sha256(chw_bytes(resized)),
        "pixelValuesSha256": sha256(little_endian),
        "pixelValuesSamples": samples(pixel_values, SAMPLES, seed),
        "resizedPng": None,
        "pixelValuesFile": None,
    }
    if write_pixels:
        Image.fromarray(resized, mode="RGB").save(os.path.join(out_dir, "resized", name + ".png"), optimize=True)
        record["resizedPng"] = "resized/" + name + ".png"
        if name in FULL_VALUES:
            with open(os.path.join(out_dir, "pixel_values", name + ".f32"), "wb") as f:
                f.write(little_endian)
            record["pixelValuesFile"] = "pixel_values/" + name + ".f32"
    return record


def smart_resize_table():
    """smart_resize over sizes that hit the rounding ties (x.5 rounds to even), both branches and the clamps."""
    rng = np.random.default_rng(11)
    sizes = [(28, 28), (42, 42), (70, 70), (98, 126), (14 * 29, 14 * 31), (500, 500), (500, 375), (375, 500),
             (1080, 1920), (4032, 3024), (29, 3000), (3000, 29), (28, 5600), (5600, 28), (100, 100), (56, 56)]
    sizes += [(int(h), int(w)) for h, w in zip(rng.integers(28, 5000, 120), rng.integers(28, 5000, 120))]
    limits = [(3136, 12845056), (3136, 200704), (3136, 12544), (56 * 56 * 4, 28 * 28 * 1280), (100000, 150000)]
    table = []
    for height, width in sizes:
        if max(height, width) / min(height, width) > 200:
            continue
        for min_pixels, max_pixels in limits:
            h, w = smart_resize(height, width, factor=28, min_pixels=min_pixels, max_pixels=max_pixels)
            table.append([height, width, min_pixels, max_pixels, int(h), int(w)])
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=DEFAULT_OUT)
    parser.add_argument("--clive", default=DEFAULT_CLIVE)
    args = parser.parse_args()
    out_dir = args.out
    for sub in ("images", "resized", "pixel_values"):
        os.makedirs(os.path.join(out_dir, sub), exist_ok=True)

    cases = []
    for name, height, width, seed, noise, min_pixels, max_pixels in CASES:
        rgb = synthetic_image(height, width, seed, noise)
        Image.fromarray(rgb, mode="RGB").save(os.path.join(out_dir, "images", name + ".png"), optimize=True)
        cases.append(case_record(name, "images/" + name + ".png", rgb, min_pixels, max_pixels, out_dir, True,
                                 seed))

    if os.path.exists(args.clive):
        clive = np.asarray(Image.open(args.clive).convert("RGB"))
        # published min_pixels; a max_pixels of 448 x 448 forces a downscale of the 500 x 500 photo
        cases.append(case_record("clive-100", "shared:clive/images/100.png", clive, PUBLISHED_MIN_PIXELS, 200704,
                                 out_dir, False, 100))
    else:
        print("CLIVE photo not found at " + args.clive + ": its case is left out", file=sys.stderr)

    golden = {
        "generator": "tools/qwen-reference/image_golden.py",
        "versions": {"transformers": transformers.__version__, "pillow": PIL.__version__, "numpy": np.__version__},
        "processor": {"patchSize": 14, "temporalPatchSize": 2, "mergeSize": 2,
                      "imageMean": [0.48145466, 0.4578275, 0.40821073],
                      "imageStd": [0.26862954, 0.26130258, 0.27577711]},
        "cases": cases,
        "smartResize": smart_resize_table(),
    }
    with open(os.path.join(out_dir, "image-golden.json"), "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
