"""Checks that Python peft loads an adapter written by `visq export-adapter` onto its base checkpoint.

Usage: /work/venv-qwen/bin/python tools/qwen-reference/check_exported_adapter.py --base CHECKPOINT_DIR --adapter ADAPTER_DIR

PEFT does not fail on tensor names it does not expect: it warns and leaves the adapter at its initial values
(B = 0, the base model). So this script compares three logits of the same chat prompt: the base model, the base
with the adapter loaded by peft, and the base with W + (alpha / r) B A merged by hand from adapter_model.safetensors.
It passes when peft's logits equal the hand-merged ones (the adapter was loaded, under the right names) and differ
from the base (the adapter is not empty). Prints the largest differences.
"""
import argparse
import json
import sys

import torch
from safetensors.torch import load_file
from transformers import AutoConfig, AutoModelForImageTextToText, AutoTokenizer


def logits_of(model, ids):
    with torch.no_grad():
        return model(input_ids=ids).logits[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--adapter", required=True)
    args = parser.parse_args()
    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(args.base)
    text = "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nRate the quality of the picture.<|im_end|>\n<|im_start|>assistant\n<think>"
    ids = torch.tensor([tokenizer(text)["input_ids"]])

    base = AutoModelForImageTextToText.from_pretrained(args.base, dtype=torch.float32).eval()
    base_logits = logits_of(base, ids)

    config = json.load(open(f"{args.adapter}/adapter_config.json"))
    scale = config["lora_alpha"] / config["r"]
    tensors = load_file(f"{args.adapter}/adapter_model.safetensors")
    merged = AutoModelForImageTextToText.from_pretrained(args.base, dtype=torch.float32).eval()
    params = dict(merged.named_parameters())
    applied = 0
    for name, a in tensors.items():
        if not name.endswith("lora_A.weight"):
            continue
        b = tensors[name.replace("lora_A", "lora_B")]
        module = name[len("base_model.model."):-len(".lora_A.weight")]
        weight = params[module + ".weight"]
        with torch.no_grad():
            weight += scale * (b @ a)
        applied += 1
    merged_logits = logits_of(merged, ids)

    from peft import PeftModel
    peft_model = PeftModel.from_pretrained(
        AutoModelForImageTextToText.from_pretrained(args.base, dtype=torch.float32), args.adapter).eval()
    peft_logits = logits_of(peft_model, ids)

    peft_vs_merged = (peft_logits - merged_logits).abs().max().item()
    peft_vs_base = (peft_logits - base_logits).abs().max().item()
    print(f"adapter tensors: {len(tensors)}, projections merged by hand: {applied}, scale {scale}")
    print(f"max |peft - hand-merged| logit: {peft_vs_merged:.3e}")
    print(f"max |peft - base| logit: {peft_vs_base:.3e}")
    ok = peft_vs_merged < 1e-4 and peft_vs_base > 1e-3
    print("OK: peft loaded the adapter" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
