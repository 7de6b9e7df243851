"""Writes the safetensors dtype fixture the Java reader is tested against.

Run from the repository root with the Qwen reference environment (see ../shared/spec/qwen-reference.md):

    /work/venv-qwen/bin/python tools/qwen-reference/make_safetensors_dtypes.py

Outputs, under gpu-workers/src/test/resources/safetensors/:
  dtypes.safetensors     tensors in F32, F16, BF16, I64 and I32, written by the safetensors package itself
  f32-only.safetensors   two F32 tensors and no metadata: the bytes Visq's SafetensorsWriter must reproduce
  dtypes-expected.json   for every tensor: dtype, shape and its values as torch widens them
                         (floats: .to(torch.float32); integers: int), plus for the F32 tensor its values after
                         torch's float32 -> float16 -> float32 rounding (what a FLOAT16 array must hold)
"""
import json
import os

import safetensors
import torch
from safetensors.torch import save_file

OUT = os.path.join("gpu-workers", "src", "test", "resources", "safetensors")

# Values chosen to exercise rounding (0.1, 1/3), signs, zero and negative zero, powers of two, the largest
# finite half (65504), a half subnormal (2^-24 and 6e-8), a value that overflows half (70000 -> inf) and
# infinities.
FLOATS = [0.0, -0.0, 1.0, -2.5, 0.1, 1.0 / 3.0, 65504.0, 6.0e-8, 2.0 ** -24, 1.0e-3, -123.456, 3.0e38,
          float("inf"), float("-inf"), 70000.0, 1.5e-5]


def main():
    base = torch.tensor(FLOATS, dtype=torch.float32)
    tensors = {
        "f32.vector": base.clone(),
        "f16.vector": base.to(torch.float16),
        "bf16.vector": base.to(torch.bfloat16),
        "f32.matrix": torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) * 0.25 - 1.0,
        "bf16.matrix": (torch.arange(12, dtype=torch.float32).reshape(3, 4) * 0.7 - 3.0).to(torch.bfloat16),
        "f16.matrix": (torch.arange(6, dtype=torch.float32).reshape(2, 3) / 7.0).to(torch.float16),
        "i64.ids": torch.tensor([0, 1, -1, 151643, 2 ** 40, -(2 ** 62)], dtype=torch.int64),
        "i32.ids": torch.tensor([[7, -7], [2 ** 31 - 1, -(2 ** 31)]], dtype=torch.int32),
        "f32.scalar": torch.tensor(4.25, dtype=torch.float32),
        "f32.empty": torch.zeros(0, 3, dtype=torch.float32),
    }
    metadata = {"format": "pt", "purpose": "visq safetensors reader test"}
    os.makedirs(OUT, exist_ok=True)
    save_file(tensors, os.path.join(OUT, "dtypes.safetensors"), metadata=metadata)
    save_file({"b.weight": torch.arange(6, dtype=torch.float32).reshape(2, 3) * 0.5 - 1.0,
               "a.bias": torch.tensor([3.25, -7.0], dtype=torch.float32)},
              os.path.join(OUT, "f32-only.safetensors"))

    def floats(t):
        return [repr_float(v) for v in t.to(torch.float32).flatten().tolist()]

    expected = {"metadata": metadata, "tensors": {}, "versions": {
        "torch": torch.__version__, "safetensors": safetensors.__version__}}
    for name, t in tensors.items():
        entry = {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape)}
        if t.is_floating_point():
            entry["values"] = floats(t)
        else:
            entry["values"] = [int(v) for v in t.flatten().tolist()]
        expected["tensors"][name] = entry
    expected["f32.vector.as_float16"] = floats(base.to(torch.float16))
    expected["bf16.vector.as_float16"] = floats(tensors["bf16.vector"].to(torch.float16))
    with open(os.path.join(OUT, "dtypes-expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")


def repr_float(v):
    # JSON has no infinities: write them as strings the test maps back.
    if v == float("inf"):
        return "inf"
    if v == float("-inf"):
        return "-inf"
    if v == 0.0 and str(v).startswith("-"):
        return "-0.0"
    return v


if __name__ == "__main__":
    main()
