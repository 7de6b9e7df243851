#!/usr/bin/env python3
"""The transformers peer of `visq bench --only model`: the same work as Visq, timed in PyTorch eager.

Reads the JSON the Java bench writes (visq.deploy.bench.PeerInput): the prompt exactly as Visq's Qwen policy reads
it (token ids, pixel_values, image_grid_thw), the sampling settings, the LoRA layout, the GRPO/AdamW constants and the
learner batch (4 groups x G responses with behaviour log-probs, advantages and Visq's per-token log-probs under the
base model). Then, on one CPU thread:

1. Model check: per-token log-probs of every response under the base model (a fresh LoRA adapter, B = 0) must equal
   Visq's within the file's tolerance (1e-3); otherwise it records the difference and times nothing.
2. Generation: `generate` of G samples (num_return_sequences = G, temperature 1, top-k 50, top-p 1, no repetition
   penalty), max_new_tokens = min_new_tokens = N so that eos never ends a row early; one warm-up, then R timed groups.
3. Learner: one GRPO step on the same batch, as Visq's PolicyTrainer.grpoStep: a no-grad reference forward with the
   adapters disabled, the LoRA policy forward and backward of the clipped surrogate with the k3 KL term, global
   gradient-norm clip, AdamW; one warm-up, then R timed steps. The vision tower runs once per forward, the decoder on
   all 4 x G rows at once (responses right-padded, causal attention only), logits only at the response positions.

Writes the versions, the check and the per-repetition timings to --result-json and prints a summary.
Usage (the bench runs it; see tools/qwen-reference/README.md):
  python bench_peer.py --checkpoint DIR --group G --new-tokens N --prompt-json FILE [--repetitions R]
      [--result-json OUT] [--attention sdpa|eager]
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "peer-common"))
from peer_common import fail, grpo_loss, median, read_input, time_learner_steps  # noqa: E402

FORMAT = "visq-model-bench-peer-input/1"
EXIT_MISSING_LIBRARIES = 3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", required=True, help="the Hugging Face checkpoint directory Visq ran")
    parser.add_argument("--group", type=int, required=True, help="G: samples per generate call")
    parser.add_argument("--new-tokens", type=int, required=True, help="N: new tokens per sample (eos disabled)")
    parser.add_argument("--prompt-json", required=True, help="the input the Java bench wrote")
    parser.add_argument("--repetitions", type=int, default=5, help="timed groups and timed learner steps")
    parser.add_argument("--result-json", help="where to write the result (default: next to --prompt-json)")
    parser.add_argument("--attention", default="sdpa", choices=["sdpa", "eager"],
                        help="transformers attention implementation (sdpa is its default for Qwen2(.5)-VL)")
    return parser.parse_args()


def load_input(args):
    def same_checkpoint(spec):
        if Path(spec["checkpoint"]).resolve() != Path(args.checkpoint).resolve():
            fail(f"--checkpoint {args.checkpoint} is not the checkpoint of {args.prompt_json} ({spec['checkpoint']})")

    return read_input(args, FORMAT, same_checkpoint)


class Batch:
    """The learner batch as tensors: inputs (prompt + all but the last response token), targets, mask, positions."""

    def __init__(self, torch, spec, prompt, rope_delta):
        samples = spec["samples"]
        pad = spec["pad_id"]
        p = prompt.ids.shape[0]
        self.rows = len(samples)
        self.width = max(len(s["response_ids"]) for s in samples)
        length = p + self.width - 1
        ids = torch.full((self.rows, length), pad, dtype=torch.long)
        ids[:, :p] = prompt.ids
        self.targets = torch.full((self.rows, self.width), pad, dtype=torch.long)
        self.mask = torch.zeros((self.rows, self.width), dtype=torch.float32)
        self.old = torch.zeros((self.rows, self.width), dtype=torch.float32)
        self.visq = torch.zeros((self.rows, self.width), dtype=torch.float32)
        for i, s in enumerate(samples):
            r = torch.tensor(s["response_ids"], dtype=torch.long)
            n = r.shape[0]
            ids[i, p:p + n - 1] = r[:-1]
            self.targets[i, :n] = r
            self.mask[i, :n] = 1.0
            self.old[i, :n] = torch.tensor(s["behaviour_logprobs"], dtype=torch.float32)
            self.visq[i, :n] = torch.tensor(s["visq_logprobs"], dtype=torch.float32)
        self.advantages = torch.tensor([s["advantage"] for s in samples], dtype=torch.float32)
        self.ids = ids
        # The prompt's own 3-D positions, then index + rope delta on every axis (as transformers continues them).
        tail = torch.arange(p, length, dtype=torch.long) + rope_delta
        positions = torch.cat([prompt.positions, tail.view(1, -1).expand(3, -1)], dim=1)
        self.positions = positions.view(3, 1, length).expand(3, self.rows, length)
        self.image_index = prompt.image_index


class Prompt:
    def __init__(self, torch, spec):
        pj = spec["prompt"]
        self.ids = torch.tensor(pj["input_ids"], dtype=torch.long)
        self.mm = (self.ids == pj["image_token_id"]).to(torch.int32)
        rows, cols = pj["pixel_values_shape"]
        self.pixel_values = torch.tensor(pj["pixel_values"], dtype=torch.float32).view(rows, cols)
        self.grid = torch.tensor(pj["image_grid_thw"], dtype=torch.long)
        self.image_index = torch.nonzero(self.mm, as_tuple=True)[0]
        self.positions = None


def main():
    args = parse_args()
    try:
        import torch
        import transformers
        import peft
        from peft import LoraConfig, get_peft_model
        from transformers import GenerationConfig, Qwen2_5_VLForConditionalGeneration, Qwen2VLForConditionalGeneration
    except ImportError as e:
        fail(f"needs torch, transformers and peft in this Python ({sys.executable}): {e}", EXIT_MISSING_LIBRARIES)
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    spec = load_input(args)
    classes = {"qwen2_5_vl": Qwen2_5_VLForConditionalGeneration, "qwen2_vl": Qwen2VLForConditionalGeneration}
    if spec["model_type"] not in classes:
        fail(f"model_type {spec['model_type']!r} is not one of {sorted(classes)}")
    model = classes[spec["model_type"]].from_pretrained(args.checkpoint, dtype=torch.float32,
                                                        attn_implementation=args.attention).eval()
    lora = spec["lora"]
    # Decoder projections only, as Visq adapts them (the 2.5 vision MLP has gate/up/down_proj too).
    pattern = r".*language_model\.layers\.\d+\.(?:self_attn|mlp)\.(?:%s)" % "|".join(lora["target_modules"])
    config = LoraConfig(r=lora["r"], lora_alpha=lora["alpha"], lora_dropout=lora["dropout"], target_modules=pattern,
                        bias="none")
    torch.manual_seed(0)
    policy = get_peft_model(model, config)
    base = policy.get_base_model()
    layers = base.config.get_text_config().num_hidden_layers
    adapted = {n.rsplit(".lora_", 1)[0] for n, _ in policy.named_parameters() if ".lora_" in n}
    if len(adapted) != layers * len(lora["target_modules"]):
        fail(f"LoRA adapted {len(adapted)} modules, expected {layers} layers x {lora['target_modules']}")

    prompt = Prompt(torch, spec)
    with torch.no_grad():
        positions, delta = base.model.get_rope_index(prompt.ids[None], mm_token_type_ids=prompt.mm[None],
                                                     image_grid_thw=prompt.grid)
    prompt.positions = positions[:, 0, :]
    batch = Batch(torch, spec, prompt, int(delta.view(-1)[0]))

    def log_probs(temperature):
        """[rows, width] log-probs of the batch's targets under `policy` as it is (adapters on or off)."""
        image = torch.cat(base.model.get_image_features(prompt.pixel_values, prompt.grid).pooler_output, dim=0)
        embeds = base.get_input_embeddings()(batch.ids)
        embeds[:, prompt.image_index, :] = image.to(embeds.dtype)
        logits = policy(inputs_embeds=embeds, position_ids=batch.positions, logits_to_keep=batch.width,
                        use_cache=False).logits
        return torch.log_softmax(logits / temperature, dim=-1).gather(-1, batch.targets[..., None])[..., 0]

    # 1. The model check, before any update (B = 0: the base model).
    with torch.no_grad():
        mine = log_probs(1.0)
    diff = float(((mine - batch.visq).abs() * batch.mask).max())
    tokens = int(batch.mask.sum())
    same = diff <= spec["logprob_tolerance"]
    result = {
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__},
        "attention": args.attention,
        "threads": torch.get_num_threads(),
        "logprob_max_abs_diff": diff,
        "logprob_tokens": tokens,
        "same_model": same,
    }
    print(f"model check: max |log-prob difference| {diff:.3g} over {tokens} response tokens "
          f"({'same model' if same else 'NOT the same model'})")
    if same:
        result["generation"] = time_generation(torch, GenerationConfig, policy, base, prompt, spec, args)
        result["learner_ms"] = time_learner(torch, policy, batch, spec["learner"], log_probs, args.repetitions)
    out = Path(args.result_json) if args.result_json else Path(args.prompt_json).with_name("model-peer-result.json")
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"result: {out}")


def time_generation(torch, GenerationConfig, policy, base, prompt, spec, args):
    sampling = spec["sampling"]
    g, n = args.group, args.new_tokens
    config = GenerationConfig(do_sample=True, temperature=sampling["temperature"], top_k=sampling["top_k"],
                              top_p=sampling["top_p"], repetition_penalty=1.0, num_return_sequences=g,
                              max_new_tokens=n, min_new_tokens=n, eos_token_id=spec["eos_id"],
                              pad_token_id=spec["pad_id"], use_cache=True)
    inputs = dict(input_ids=prompt.ids[None], mm_token_type_ids=prompt.mm[None], pixel_values=prompt.pixel_values,
                  image_grid_thw=prompt.grid)

    def one_group(seed):
        base.model.rope_deltas = None
        torch.manual_seed(seed)
        with torch.no_grad():
            out = policy.generate(**inputs, generation_config=config)
        new = out.shape[1] - prompt.ids.shape[0]
        if out.shape[0] != g or new != n:
            fail(f"generate gave {out.shape[0]} rows of {new} new tokens, expected {g} of {n}", 1)
        return g * n

    one_group(0)  # warm-up
    rollouts, tokens = [], []
    for rep in range(args.repetitions):
        started = time.perf_counter()
        made = one_group(rep + 1)
        seconds = time.perf_counter() - started
        rollouts.append(g / seconds)
        tokens.append(made / seconds)
    print(f"generation: {median(rollouts):.2f} rollouts/s, {median(tokens):.1f} tokens/s "
          f"(median of {args.repetitions} groups of G={g}, {n} tokens each)")
    return {"rollouts_per_second": rollouts, "tokens_per_second": tokens, "tokens_per_rollout": n}


def time_learner(torch, policy, batch, learner, log_probs, repetitions):
    params = [p for p in policy.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=learner["learning_rate"],
                                  betas=(learner["adam_beta1"], learner["adam_beta2"]), eps=learner["adam_eps"],
                                  weight_decay=learner["weight_decay"])
    temperature = learner["temperature"]

    def step():
        with torch.no_grad(), policy.disable_adapter():
            ref = log_probs(temperature)
        policy.train()
        lp = log_probs(temperature)
        loss = grpo_loss(torch, lp, batch.old, ref, batch.advantages, batch.mask, learner)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, learner["clip_norm"])
        optimizer.step()
        optimizer.zero_grad(set_to_none=False)
        policy.eval()
        return loss.detach().item()

    return time_learner_steps(step, repetitions, batch.rows)


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
