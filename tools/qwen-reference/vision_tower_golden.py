"""Reference outputs of tiny Qwen2-VL and Qwen2.5-VL vision towers on several images in one call.

The fixtures of tools/qwen-reference (the full tiny checkpoints) run the vision tower on one image at a time. This
script covers what they do not: several images concatenated in one call (attention kept within each image and each
frame; Qwen2.5-VL's windows over grids whose windows are cut short or fit exactly; a two-frame grid), in both
families. The towers are transformers' own Qwen2VisionTransformerPretrainedModel and
Qwen2_5_VisionTransformerPretrainedModel with tiny random weights (small patches keep the file small); nothing is
re-implemented here.

Writes gpu-workers/src/test/resources/qwen-vision/vision-tower-golden.json: per family the vision config, every
weight under its published name (visual.*), the pixel rows and grids, the merged tokens of the whole call and of the
first image alone, the patch embedding and the hidden states after every block (in the image processor's patch
order: Qwen2.5-VL's window permutation undone, as make_fixtures.py records vision_hidden.K).

Run from the repository root with the Qwen reference environment:
    /work/venv-qwen/bin/python tools/qwen-reference/vision_tower_golden.py
"""

import json
import pathlib

import numpy
import torch
import transformers
from transformers.models.qwen2_5_vl.configuration_qwen2_5_vl import Qwen2_5_VLVisionConfig
from transformers.models.qwen2_5_vl.modeling_qwen2_5_vl import Qwen2_5_VisionTransformerPretrainedModel
from transformers.models.qwen2_vl.configuration_qwen2_vl import Qwen2VLVisionConfig
from transformers.models.qwen2_vl.modeling_qwen2_vl import Qwen2VisionTransformerPretrainedModel
from transformers.vision_utils import get_vision_window_index

OUT = pathlib.Path(__file__).resolve().parents[2] / "gpu-workers/src/test/resources/qwen-vision/vision-tower-golden.json"

# three grids in one call: windows cut short (3 x 5 merge units), an image smaller than one window, two frames
GRIDS = [[1, 6, 10], [1, 2, 2], [2, 4, 8]]
SEED = 20250609


def floats(tensor):
    """float32 values as the shortest decimals that read back to the same float32 (a JSON file a third the size)."""
    return [float(str(numpy.float32(v))) for v in tensor.detach().reshape(-1).tolist()]


def randomize(model, generator):
    """Weights large enough that attention and the activations are far from their near-linear regime."""
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "norm" in name or "ln_q" in name:
                if name.endswith("weight"):
                    parameter.copy_(1.0 + 0.2 * torch.randn(parameter.shape, generator=generator))
                else:
                    parameter.copy_(0.2 * torch.randn(parameter.shape, generator=generator))
            else:
                parameter.copy_(0.25 * torch.randn(parameter.shape, generator=generator))


def run(family, config, model_class, generator):
    model = model_class._from_config(config).eval()
    randomize(model, generator)
    width = config.in_channels * config.temporal_patch_size * config.patch_size**2
    grid_thw = torch.tensor(GRIDS, dtype=torch.long)
    rows = int((grid_thw[:, 0] * grid_thw[:, 1] * grid_thw[:, 2]).sum())
    pixel_values = torch.randn(rows, width, generator=generator)
    block_outputs = []
    patch_embeddings = []
    hooks = [block.register_forward_hook(lambda m, i, o: block_outputs.append(o.detach().clone())) for block in model.blocks]
    hooks.append(model.patch_embed.register_forward_hook(lambda m, i, o: patch_embeddings.append(o.detach().clone())))
    with torch.no_grad():
        embeddings = model(pixel_values, grid_thw=grid_thw).pooler_output
    for hook in hooks:
        hook.remove()
    if family == "qwen2_5_vl":
        window_index, _ = get_vision_window_index(
            grid_thw, spatial_merge_size=config.spatial_merge_size, window_size=config.window_size,
            patch_size=config.patch_size,
        )
        restore = torch.argsort(window_index)
        block_outputs = [o.reshape(len(window_index), -1)[restore].reshape(o.shape) for o in block_outputs]
    first_rows = GRIDS[0][0] * GRIDS[0][1] * GRIDS[0][2]
    with torch.no_grad():
        first_alone = model(pixel_values[:first_rows], grid_thw=grid_thw[:1]).pooler_output
    return {
        "family": family,
        "attn_implementation": model.config._attn_implementation,
        "vision_config": config.to_dict(),
        "grids": GRIDS,
        "pixel_values": floats(pixel_values),
        "weights": {
            "visual." + name: {"shape": list(tensor.shape), "values": floats(tensor)}
            for name, tensor in model.state_dict().items()
        },
        "embeddings_shape": list(embeddings.shape),
        "embeddings": floats(embeddings),
        "first_image_embeddings": floats(first_alone),
        "patch_embeddings": floats(patch_embeddings[0]),
        "block_outputs": [floats(output) for output in block_outputs],
    }


def main():
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    qwen2_5 = Qwen2_5_VLVisionConfig(
        depth=3,
        hidden_size=32,
        num_heads=2,
        intermediate_size=48,
        out_hidden_size=24,
        patch_size=4,
        temporal_patch_size=2,
        in_channels=3,
        spatial_merge_size=2,
        window_size=16,
        fullatt_block_indexes=[1],
        hidden_act="silu",
    )
    qwen2 = Qwen2VLVisionConfig(
        depth=2,
        embed_dim=32,
        hidden_size=24,
        num_heads=2,
        mlp_ratio=2,
        patch_size=4,
        temporal_patch_size=2,
        in_channels=3,
        spatial_merge_size=2,
        hidden_act="quick_gelu",
    )
    golden = {
        "generator": "tools/qwen-reference/vision_tower_golden.py",
        "transformers": transformers.__version__,
        "torch": torch.__version__,
        "qwen2_5_vl": run("qwen2_5_vl", qwen2_5, Qwen2_5_VisionTransformerPretrainedModel, generator),
        "qwen2_vl": run("qwen2_vl", qwen2, Qwen2VisionTransformerPretrainedModel, generator),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(golden, separators=(",", ":")) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
