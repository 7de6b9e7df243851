#!/usr/bin/env python3
"""Golden values for Visq's Qwen image processor (QwenImageProcessor, BicubicResampler).

Writes into gpu-workers/src/test/resources/qwen-image/ (or the directory given as the first argument):
  images/<case>.png      deterministic synthetic source images (RGB, 8 bit)
  resized/<case>.png     PIL's Image.resize(size, BICUBIC) of the source at the smart-resize size
  pixel_values/<case>.f32  Qwen2VLImageProcessorPil pixel_values, little-endian float32, row-major
                         [patches, 1176], for one case per smart-resize branch (the others: digests and samples)
  image-golden.json      per case: settings, smart-resize size, image_grid_thw, SHA-256 of the resized CHW bytes and
                         of the pixel_values bytes, sampled pixel_values; a table of smart_resize results; versions.
  positions-golden.json  for Qwen2-VL and Qwen2.5-VL (tiny random models built from a config; only their
                         get_rope_index and compute_3d_position_ids are called): prompts with 0 to 3 images, their
                         3-D rotary position ids, rope delta, and the position ids of later decoding steps.

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
import torch
import transformers
from PIL import Image
from transformers import Qwen2_5_VLConfig, Qwen2_5_VLModel, Qwen2VLConfig, Qwen2VLModel
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


# Qwen's special token ids (the published tokenizer's).
IMAGE_PAD = 151655
VISION_START = 151652
VISION_END = 151653
# name, image grids (t, h, w) in order, text lengths before, between and after the images, whether the image
# tokens are wrapped in <|vision_start|> ... <|vision_end|> as the chat template does
PROMPTS = [
    ("text-only", [], [9], True),
    ("one-image", [(1, 4, 4)], [5, 7], True),
    ("two-images", [(1, 6, 8), (1, 36, 26)], [6, 3, 8], True),
    ("three-images", [(1, 2, 42), (1, 90, 2), (1, 32, 32)], [4, 2, 5, 6], True),
    ("no-user-text", [(1, 8, 6), (1, 4, 4)], [0, 4, 0], True),
    ("bare-image-tokens-at-both-ends", [(1, 4, 6), (1, 2, 2)], [0, 3, 0], False),
    ("two-frames", [(2, 4, 6)], [3, 4], True),
]
DECODE_STEPS = (0, 1, 7)


def tiny_model(family):
    text = dict(vocab_size=152064, hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
                num_key_value_heads=1, rope_parameters={"rope_type": "default", "rope_theta": 1000000.0,
                                                        "mrope_section": [2, 3, 3]})
    if family == "qwen2_vl":
        vision = dict(depth=1, embed_dim=16, hidden_size=32, num_heads=2, mlp_ratio=2, spatial_merge_size=2)
        return Qwen2VLModel(Qwen2VLConfig(text_config=text, vision_config=vision)).eval()
    vision = dict(depth=1, hidden_size=16, intermediate_size=32, num_heads=2, out_hidden_size=32,
                  spatial_merge_size=2, fullatt_block_indexes=[0])
    return Qwen2_5_VLModel(Qwen2_5_VLConfig(text_config=text, vision_config=vision)).eval()


class _FixedLengthCache:
    """Stands in for a KV cache holding a given number of tokens (all compute_3d_position_ids asks of it)."""

    def __init__(self, length):
        self.length = length

    def get_seq_length(self, layer_idx=0):
        return self.length


def prompt_ids(grids, text_lengths, wrapped, rng):
    ids = rng.integers(0, 151643, text_lengths[0]).tolist()
    for index, (t, h, w) in enumerate(grids):
        pads = [IMAGE_PAD] * (t * h * w // 4)
        ids += [VISION_START] + pads + [VISION_END] if wrapped else pads
        ids += rng.integers(0, 151643, text_lengths[index + 1]).tolist()
    return ids


def positions_golden():
    torch.manual_seed(0)
    rng = np.random.default_rng(21)
    families = {}
    for family in ("qwen2_vl", "qwen2_5_vl"):
        model = tiny_model(family)
        cases = []
        for name, grids, text_lengths, wrapped in PROMPTS:
            ids = prompt_ids(grids, text_lengths, wrapped, rng)
            input_ids = torch.tensor([ids], dtype=torch.long)
            mm_token_type_ids = (input_ids == IMAGE_PAD).int()
            grid_thw = torch.tensor(grids, dtype=torch.long) if grids else None
            with torch.no_grad():
                position_ids, deltas = model.get_rope_index(input_ids, mm_token_type_ids=mm_token_type_ids,
                                                            image_grid_thw=grid_thw)
                # the prefill call as the model makes it, which also stores the rope delta for decoding
                model.rope_deltas = None
                prefill = model.compute_3d_position_ids(
                    input_ids=input_ids, inputs_embeds=None, image_grid_thw=grid_thw, video_grid_thw=None,
                    attention_mask=None, past_key_values=None, mm_token_type_ids=mm_token_type_ids)
                if prefill is None:  # text only: the model falls back to 0..L-1 on every axis
                    prefill = torch.arange(len(ids)).view(1, 1, -1).expand(3, 1, -1)
                    model.rope_deltas = torch.zeros((1, 1), dtype=torch.long)
                if not torch.equal(prefill, position_ids):
                    raise AssertionError(family + " " + name + ": compute_3d_position_ids differs from "
                                         "get_rope_index")
                decode = []
                for step in DECODE_STEPS:
                    cache_position = len(ids) + step
                    step_ids = model.compute_3d_position_ids(
                        input_ids=torch.tensor([[IMAGE_PAD - 100]]), inputs_embeds=torch.zeros(1, 1, 32),
                        image_grid_thw=grid_thw, video_grid_thw=None, attention_mask=None,
                        past_key_values=_FixedLengthCache(cache_position),
                        mm_token_type_ids=torch.zeros(1, 1).int())
                    decode.append([cache_position, step_ids[:, 0, 0].tolist()])
            cases.append({
                "name": name,
                "inputIds": ids,
                "imageGrids": [list(g) for g in grids],
                "positionIds": position_ids[:, 0, :].tolist(),
                "ropeDelta": int(deltas.reshape(-1)[0]),
                "decode": decode,
            })
        families[family] = cases
    return {
        "generator": "tools/qwen-reference/image_golden.py",
        "versions": {"transformers": transformers.__version__, "torch": torch.__version__},
        "imageTokenId": IMAGE_PAD,
        "spatialMergeSize": 2,
        "families": families,
    }


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
    with open(os.path.join(out_dir, "positions-golden.json"), "w") as f:
        json.dump(positions_golden(), f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
