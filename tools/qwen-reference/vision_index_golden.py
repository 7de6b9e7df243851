"""Reference values for the index computations of the Qwen2-VL / Qwen2.5-VL vision tower.

Writes gpu-workers/src/test/resources/qwen-vision/vision-index-golden.json with, for several image grids, what
transformers' own helpers (transformers.vision_utils, the vision rotary embedding of modeling_qwen2_5_vl) compute:
the (row, column) rotary positions of the patches, the window order of the merge units (window_index), the window
boundaries (cu_window_seqlens, repeats removed) and the image boundaries (cu_seqlens), and the rotary cos/sin
tables. VisionRotaryTest and VisionWindowsTest compare the Java helpers with them.

Run from the repository root with the Qwen reference environment:
    /work/venv-qwen/bin/python tools/qwen-reference/vision_index_golden.py
"""

import json
import pathlib

import numpy
import torch
import transformers
from transformers.models.qwen2_5_vl.configuration_qwen2_5_vl import Qwen2_5_VLVisionConfig
from transformers.models.qwen2_5_vl.modeling_qwen2_5_vl import Qwen2_5_VLVisionRotaryEmbedding
from transformers.vision_utils import get_vision_cu_seqlens, get_vision_position_ids, get_vision_window_index

OUT = pathlib.Path(__file__).resolve().parents[2] / "gpu-workers/src/test/resources/qwen-vision/vision-index-golden.json"

# (name, grids (t, h, w), spatial merge size, window size in pixels, patch size)
WINDOW_CASES = [
    ("one image whose last windows are cut short", [[1, 6, 10]], 2, 112, 14),
    ("a grid divisible by the window (padded windows left empty)", [[1, 16, 8]], 2, 112, 14),
    ("three images of different sizes", [[1, 6, 10], [1, 4, 4], [1, 18, 12]], 2, 112, 14),
    ("two frames of one video-like grid", [[2, 4, 6]], 2, 112, 14),
    ("windows of two merge units", [[1, 10, 6], [1, 2, 2]], 2, 56, 14),
    ("a merge size of 1", [[1, 3, 5]], 1, 28, 14),
    ("a real-size image", [[1, 36, 52]], 2, 112, 14),
]

# (name, grids, head dim): rotary tables of the patches in processor order
ROTARY_CASES = [
    ("head dim 16, two images", [[1, 4, 6], [1, 2, 2]], 16),
    ("head dim 80 (Qwen2.5-VL 3B/7B), one image", [[1, 8, 12]], 80),
]


def floats(tensor):
    """float32 values as the shortest decimals that read back to the same float32."""
    return [float(str(numpy.float32(v))) for v in tensor.reshape(-1).tolist()]


def ints(tensor):
    return [int(v) for v in tensor.reshape(-1).tolist()]


def window_case(name, grids, merge, window, patch):
    grid_thw = torch.tensor(grids, dtype=torch.long)
    window_index, cu_window_seqlens = get_vision_window_index(
        grid_thw, spatial_merge_size=merge, window_size=window, patch_size=patch
    )
    return {
        "name": name,
        "grids": grids,
        "merge_size": merge,
        "window_size": window,
        "patch_size": patch,
        "positions": ints(get_vision_position_ids(grid_thw, merge)),
        "window_index": ints(window_index),
        "cu_window_seqlens": ints(cu_window_seqlens),
        "cu_seqlens": ints(get_vision_cu_seqlens(grid_thw)),
    }


def rotary_case(name, grids, head_dim):
    grid_thw = torch.tensor(grids, dtype=torch.long)
    config = Qwen2_5_VLVisionConfig(hidden_size=head_dim * 2, num_heads=2)
    rotary = Qwen2_5_VLVisionRotaryEmbedding(config)
    positions = get_vision_position_ids(grid_thw, 2)
    cos, sin = rotary(torch.zeros(1, dtype=torch.float32), positions)
    return {
        "name": name,
        "grids": grids,
        "head_dim": head_dim,
        "rope_theta": config.rope_parameters["rope_theta"],
        "inverse_frequencies": floats(rotary.inv_freq),
        "positions": ints(positions),
        "cos": floats(cos),
        "sin": floats(sin),
    }


def main():
    golden = {
        "generator": "tools/qwen-reference/vision_index_golden.py",
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "window_cases": [window_case(*case) for case in WINDOW_CASES],
        "rotary_cases": [rotary_case(*case) for case in ROTARY_CASES],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(golden, separators=(",", ":")) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
