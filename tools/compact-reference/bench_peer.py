#!/usr/bin/env python3
"""The PyTorch peer of `visq bench --only model` for the compact policy: the same work as Visq, timed in eager mode.

Reads the JSON the Java bench writes (visq.deploy.bench.CompactPeerInput) and the Visq weight snapshot it names
(the WeightSnapshot protobuf of visq/protocol artifacts.proto, decoded here without a protobuf library). The
architecture comes from the snapshot's own model_config; the model is rebuilt as plain tensors and functions that
follow visq.gpu.model.CompactTransformer op for op. The prompt is read as Visq prepared it (patch rows with their
detail and gradient maps, the statistics vector of each image, the task index), so no image code runs here.
Then, on one CPU thread:

1. Model check: the per-token log-probs of every learner response (a full forward, as Visq's responseLogProbs) and,
   through the peer's own KV-cached decoder fed Visq's sampled tokens, the behaviour log-probs Visq recorded while
   sampling: both must equal Visq's within the file's tolerance; otherwise it records the differences and times
   nothing.
2. Generation: G samples of the prompt as Visq's CompactCachedSession does it: one prefill at batch 1, the cache
   repeated for the G rows, then one token per row per step (temperature, top-k, top-p as given, torch.multinomial),
   always N new tokens (eos disabled, so every row has the full length); one warm-up, then R timed groups.
3. Learner: one GRPO step on the same batch, as Visq's PolicyTrainer.grpoStep: a no-grad forward of the frozen
   reference copy, the policy forward and backward of the clipped surrogate with the k3 KL term, the global
   gradient-norm clip (torch.nn.utils.clip_grad_norm_), torch.optim.AdamW, zeroed gradients; one warm-up, then R
   timed steps.

Writes the versions, the checks and the per-repetition timings to --result-json and prints a summary.
Usage (the bench runs it; see tools/compact-reference/README.md):
  python bench_peer.py --prompt-json FILE --group G --new-tokens N [--repetitions R] [--result-json OUT]
"""

import argparse
import json
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "peer-common"))
from peer_common import fail, grpo_loss, median, read_input, time_learner_steps  # noqa: E402

FORMAT = "visq-compact-bench-peer-input/1"
EXIT_MISSING_LIBRARIES = 3
NORM_EPS = 1e-5
MASKED = -1e9


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prompt-json", required=True, help="the input the Java bench wrote")
    parser.add_argument("--group", type=int, required=True, help="G: samples per group")
    parser.add_argument("--new-tokens", type=int, required=True, help="N: new tokens per sample (eos disabled)")
    parser.add_argument("--repetitions", type=int, default=5, help="timed groups and timed learner steps")
    parser.add_argument("--result-json", help="where to write the result (default: next to --prompt-json)")
    return parser.parse_args()


def load_input(args):
    return read_input(args, FORMAT)


# ------------------------------------------------------------------------------------------- the weight snapshot

def varint(data, at):
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


def fields(data):
    """(field number, wire type, value) of one protobuf message: ints for varints, bytes for length-delimited."""
    at = 0
    while at < len(data):
        key, at = varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = varint(data, at)
        elif wire == 2:
            size, at = varint(data, at)
            value = data[at:at + size]
            at += size
        elif wire == 1:
            value = data[at:at + 8]
            at += 8
        elif wire == 5:
            value = data[at:at + 4]
            at += 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire} of field {number}")
        yield number, wire, value


def read_snapshot(path):
    """WeightSnapshot {model_id = 1, weight_version = 2, model_config = 3, tensors = 4 {name 1, shape 2, data 3}}."""
    snapshot = {"model_id": "", "weight_version": 0, "model_config": "{}", "tensors": []}
    for number, wire, value in fields(Path(path).read_bytes()):
        if number == 1:
            snapshot["model_id"] = value.decode("utf-8")
        elif number == 2:
            snapshot["weight_version"] = value
        elif number == 3:
            snapshot["model_config"] = value.decode("utf-8")
        elif number == 4:
            name, shape, data = "", [], b""
            for n, w, v in fields(value):
                if n == 1:
                    name = v.decode("utf-8")
                elif n == 2 and w == 2:  # packed
                    at = 0
                    while at < len(v):
                        d, at = varint(v, at)
                        shape.append(d)
                elif n == 2:
                    shape.append(v)
                elif n == 3:
                    data = v
            snapshot["tensors"].append((name, shape, data))
    return snapshot


# ------------------------------------------------------------------------------------------------- the model

class Config:
    def __init__(self, json_text):
        c = json.loads(json_text)
        self.model_id = c["modelId"]
        self.view_size = c["viewSize"]
        self.patch_size = c["patchSize"]
        self.d = c["dModel"]
        self.layers = c["layers"]
        self.heads = c["heads"]
        self.ff = c["ffDim"]
        self.max_sequence = c["maxSequence"]
        self.statistics = c.get("imageStatistics", 0)
        # "ridge": a frozen read-out of the statistics appended to them as one more input (never trained)
        self.quality_prior = c.get("qualityPrior", "none") == "ridge"
        # "ridge": frozen read-outs of the statistics, one per degradation label, appended after the quality prior
        self.degradation_prior = c.get("degradationPrior", "none") == "ridge"
        self.head_dim = self.d // self.heads
        self.patches_per_image = (self.view_size // self.patch_size) * (2 * self.view_size // self.patch_size)
        self.patch_values = 9 * self.patch_size * self.patch_size


LAYER_NAMES = ["attention.norm.gamma", "attention.norm.beta", "attention.qkv.weight", "attention.qkv.bias",
               "attention.out.weight", "attention.out.bias", "mlp.norm.gamma", "mlp.norm.beta", "mlp.up.weight",
               "mlp.up.bias", "mlp.down.weight", "mlp.down.bias"]


def parameter_names(config):
    """CompactParameterSpec.all order: the optimiser sees the parameters in this order, as Visq's AdamW does."""
    names = ["patch.weight", "patch.bias", "patch.position", "image.slot", "task.embedding", "token.embedding",
             "position.embedding"]
    for layer in range(config.layers):
        names += [f"layer{layer}.{n}" for n in LAYER_NAMES]
    names += ["final.norm.gamma", "final.norm.beta", "head.weight"]
    if config.statistics > 0:
        names += ["statistics.weight", "statistics.bias", "statistics.position"]
    return names


FROZEN_NAMES = ["quality-prior.weight", "quality-prior.bias"]
DEGRADATION_NAMES = ["degradation-prior.weight", "degradation-prior.bias"]


def tensor_names(config):
    """Every tensor a snapshot carries: the trainable ones, then the frozen priors the model has."""
    return (parameter_names(config) + (FROZEN_NAMES if config.quality_prior else [])
            + (DEGRADATION_NAMES if config.degradation_prior else []))


def load_weights(torch, snapshot, config):
    names = tensor_names(config)
    by_name = {name: (shape, data) for name, shape, data in snapshot["tensors"]}
    if sorted(by_name) != sorted(names):
        fail(f"the snapshot's tensors {sorted(by_name)} are not the compact layout {sorted(names)}")
    weights = {}
    for name in names:
        shape, data = by_name[name]
        count = math.prod(shape)
        if len(data) != 4 * count:
            fail(f"tensor {name} has {len(data)} bytes for shape {shape}")
        values = torch.frombuffer(bytearray(data), dtype=torch.float32).view(*shape).clone()  # little-endian float32
        weights[name] = values
    return weights


class CompactModel:
    """CompactTransformer over a dict of tensors: embed, transformer (optionally with a KV cache), logits."""

    def __init__(self, torch, config, weights):
        self.torch = torch
        self.F = torch.nn.functional
        self.c = config
        self.w = weights

    def embed_prompt(self, prompt, rows, text_ids):
        """[rows, prompt tokens + text length, d]: the image tokens, statistics tokens, task token and text ids."""
        torch, w, c = self.torch, self.w, self.c
        images = prompt.images
        length = text_ids.shape[1]
        image_positions = (w["patch.position"].reshape(1, c.patches_per_image, c.d)
                           + w["image.slot"][0:images].reshape(images, 1, c.d)).reshape(images * c.patches_per_image,
                                                                                         c.d)
        image = prompt.patches.expand(rows, -1, -1).matmul(w["patch.weight"]) + w["patch.bias"] + image_positions
        task = (w["task.embedding"][prompt.task.expand(rows)] + w["position.embedding"][0:1]).reshape(rows, 1, c.d)
        text = w["token.embedding"][text_ids] + w["position.embedding"][1:1 + length]
        if c.statistics > 0:
            raw = prompt.statistics.expand(rows, -1, -1)
            inputs = raw
            if c.quality_prior:
                prior = raw.matmul(w["quality-prior.weight"].reshape(c.statistics, 1)) + w["quality-prior.bias"]
                inputs = torch.cat([inputs, prior], dim=2)
            if c.degradation_prior:
                degradation = raw.matmul(w["degradation-prior.weight"]) + w["degradation-prior.bias"]
                inputs = torch.cat([inputs, degradation], dim=2)
            statistics = (inputs.matmul(w["statistics.weight"]) + w["statistics.bias"]
                          + w["statistics.position"] + w["image.slot"][0:images])
            image = torch.cat([image, statistics], dim=1)
        return torch.cat([image, task, text], dim=1)

    def transformer(self, x, cache=None):
        torch, F, w, c = self.torch, self.F, self.w, self.c
        rows, length = x.shape[0], x.shape[1]
        offset = 0 if cache is None or cache[0] is None else cache[0][0].shape[2]
        mask = None
        if length > 1:
            i = torch.arange(length).view(-1, 1)
            j = torch.arange(offset + length).view(1, -1)
            mask = torch.where(j > offset + i, torch.tensor(MASKED), torch.tensor(0.0))
        scale = torch.tensor(1.0 / math.sqrt(c.head_dim), dtype=torch.float32)
        h = x
        for layer in range(c.layers):
            p = f"layer{layer}."
            normed = F.layer_norm(h, (c.d,), w[p + "attention.norm.gamma"], w[p + "attention.norm.beta"], NORM_EPS)
            q, k, v = (normed.matmul(w[p + "attention.qkv.weight"]) + w[p + "attention.qkv.bias"]).split(c.d, dim=2)
            q, k, v = (t.reshape(rows, length, c.heads, c.head_dim).transpose(1, 2) for t in (q, k, v))
            if cache is not None:
                if cache[layer] is not None:
                    k = torch.cat([cache[layer][0], k], dim=2)
                    v = torch.cat([cache[layer][1], v], dim=2)
                cache[layer] = (k, v)
            scores = (q * scale).matmul(k.transpose(2, 3))
            if mask is not None:
                scores = scores + mask
            attended = scores.softmax(3).matmul(v).transpose(1, 2).reshape(rows, length, c.d)
            h = h + (attended.matmul(w[p + "attention.out.weight"]) + w[p + "attention.out.bias"])
            mlp_in = F.layer_norm(h, (c.d,), w[p + "mlp.norm.gamma"], w[p + "mlp.norm.beta"], NORM_EPS)
            up = F.gelu(mlp_in.matmul(w[p + "mlp.up.weight"]) + w[p + "mlp.up.bias"])
            h = h + (up.matmul(w[p + "mlp.down.weight"]) + w[p + "mlp.down.bias"])
        return h

    def logits(self, hidden):
        w = self.w
        return self.F.layer_norm(hidden, (self.c.d,), w["final.norm.gamma"], w["final.norm.beta"],
                                 NORM_EPS).matmul(w["head.weight"])

    def response_log_probs(self, prompt, batch, temperature):
        """[rows, width] log_softmax(logits / T) at each response token, 0 beyond each response (responseLogProbs)."""
        x = self.embed_prompt(prompt, batch.rows, batch.inputs)
        hidden = self.transformer(x)
        logits = self.logits(hidden[:, -batch.width:, :])
        return (logits / temperature).log_softmax(2).gather(2, batch.targets.unsqueeze(2)).squeeze(2) * batch.mask

    def prefill(self, prompt, bos):
        """A fresh KV cache holding the prompt and <bos>, and the logits after <bos> ([1, vocabulary])."""
        cache = [None] * self.c.layers
        x = self.embed_prompt(prompt, 1, self.torch.tensor([[bos]]))
        hidden = self.transformer(x, cache)
        return cache, self.logits(hidden[:, -1, :])

    def advance(self, cache, tokens, position):
        """Appends one token per row (text position `position`) and returns [rows, vocabulary] logits."""
        x = self.w["token.embedding"][tokens.view(-1, 1)] + self.w["position.embedding"][position:position + 1]
        return self.logits(self.transformer(x, cache))[:, 0, :]


def repeat_rows(cache, rows):
    return [(k.repeat(rows, 1, 1, 1), v.repeat(rows, 1, 1, 1)) for k, v in cache]


class Prompt:
    def __init__(self, torch, spec, config):
        pj = spec["prompt"]
        self.images = pj["images"]
        self.task = torch.tensor([pj["task"]], dtype=torch.long)
        tokens = self.images * config.patches_per_image
        if len(pj["patches"]) != tokens * config.patch_values:
            fail(f"prompt has {len(pj['patches'])} patch values, the model needs {tokens} x {config.patch_values}")
        self.patches = torch.tensor(pj["patches"], dtype=torch.float32).view(1, tokens, config.patch_values)
        if config.statistics > 0:
            if len(pj["statistics"]) != self.images * config.statistics:
                fail(f"prompt has {len(pj['statistics'])} statistics, the model needs {self.images} x "
                     f"{config.statistics}")
            self.statistics = torch.tensor(pj["statistics"], dtype=torch.float32).view(1, self.images,
                                                                                        config.statistics)


class Batch:
    """The learner batch: <bos> + each response but its last token as inputs, the responses as targets."""

    def __init__(self, torch, spec):
        samples = spec["samples"]
        pad, bos = spec["pad_id"], spec["bos_id"]
        self.rows = len(samples)
        self.width = max(len(s["response_ids"]) for s in samples)
        self.inputs = torch.full((self.rows, self.width), pad, dtype=torch.long)
        self.inputs[:, 0] = bos
        self.targets = torch.full((self.rows, self.width), pad, dtype=torch.long)
        self.mask = torch.zeros((self.rows, self.width), dtype=torch.float32)
        self.old = torch.zeros((self.rows, self.width), dtype=torch.float32)
        self.visq = torch.zeros((self.rows, self.width), dtype=torch.float32)
        self.lengths = []
        for i, s in enumerate(samples):
            r = torch.tensor(s["response_ids"], dtype=torch.long)
            n = r.shape[0]
            self.lengths.append(n)
            self.inputs[i, 1:n] = r[:-1]
            self.targets[i, :n] = r
            self.mask[i, :n] = 1.0
            self.old[i, :n] = torch.tensor(s["behaviour_logprobs"], dtype=torch.float32)
            self.visq[i, :n] = torch.tensor(s["visq_logprobs"], dtype=torch.float32)
        # GrpoLoss's mask (CompletionMask): every token up to and including the first eos.
        eos = spec["eos_id"]
        self.loss_mask = torch.zeros_like(self.mask)
        for i, s in enumerate(samples):
            ids = s["response_ids"]
            end = ids.index(eos) + 1 if eos in ids else len(ids)
            self.loss_mask[i, :end] = 1.0
        self.advantages = torch.tensor([s["advantage"] for s in samples], dtype=torch.float32)


def main():
    args = parse_args()
    try:
        import torch
    except ImportError as e:
        fail(f"needs torch in this Python ({sys.executable}): {e}", EXIT_MISSING_LIBRARIES)
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    spec = load_input(args)
    snapshot = read_snapshot(spec["weights"])
    if snapshot["model_id"] != spec["model_id"]:
        fail(f"the snapshot is of model {snapshot['model_id']!r}, the input of {spec['model_id']!r}")
    config = Config(snapshot["model_config"])
    weights = load_weights(torch, snapshot, config)
    if weights["token.embedding"].shape[0] != spec["vocabulary"]:
        fail(f"the snapshot has {weights['token.embedding'].shape[0]} token embeddings, the input a vocabulary of "
             f"{spec['vocabulary']}")
    prompt = Prompt(torch, spec, config)
    batch = Batch(torch, spec)

    # 1. The model checks, on the snapshot's weights.
    model = CompactModel(torch, config, weights)
    with torch.no_grad():
        mine = model.response_log_probs(prompt, batch, 1.0)
        behaviour = teacher_forced_decode(torch, model, prompt, batch, spec)
    diff = float(((mine - batch.visq).abs() * batch.mask).max())
    decode_diff = float(((behaviour - batch.old).abs() * batch.mask).max())
    tokens = int(batch.mask.sum())
    same = diff <= spec["logprob_tolerance"] and decode_diff <= spec["logprob_tolerance"]
    result = {
        "versions": {"torch": torch.__version__},
        "attention": "eager",
        "threads": torch.get_num_threads(),
        "parameters": sum(t.numel() for t in weights.values()),
        "logprob_max_abs_diff": diff,
        "decode_logprob_max_abs_diff": decode_diff,
        "logprob_tokens": tokens,
        "same_model": same,
    }
    print(f"model check: max |log-prob difference| {diff:.3g} (full forward) and {decode_diff:.3g} (cached decoding "
          f"of Visq's samples) over {tokens} response tokens ({'same model' if same else 'NOT the same model'})")
    if same:
        result["generation"] = time_generation(torch, model, prompt, spec, args)
        result["learner_ms"] = time_learner(torch, config, weights, prompt, batch, spec["learner"], args.repetitions)
    out = Path(args.result_json) if args.result_json else Path(args.prompt_json).with_name("model-peer-result.json")
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"result: {out}")


def teacher_forced_decode(torch, model, prompt, batch, spec):
    """[rows, width]: log-probs at the sampling temperature of each row's tokens through the cached decoder."""
    temperature = spec["sampling"]["temperature"]
    cache, first = model.prefill(prompt, spec["bos_id"])
    cache = repeat_rows(cache, batch.rows)
    logits = first.expand(batch.rows, -1)
    out = torch.zeros((batch.rows, batch.width), dtype=torch.float32)
    for t in range(batch.width):
        step = (logits / temperature).log_softmax(1)
        out[:, t] = step.gather(1, batch.targets[:, t:t + 1])[:, 0]
        if t + 1 < batch.width:
            logits = model.advance(cache, batch.targets[:, t], 2 + t)
    return out


def sample(torch, logits, sampling):
    """One token per row: temperature, then top-k, then top-p; its log-prob before truncation."""
    scaled = logits / sampling["temperature"]
    log_probs = scaled.log_softmax(1)
    top_k, top_p = sampling["top_k"], sampling["top_p"]
    if 0 < top_k < scaled.shape[1]:
        values, indices = scaled.topk(top_k, dim=1)
    else:
        values, indices = scaled.sort(dim=1, descending=True)
    probs = values.softmax(1)
    if top_p < 1.0:
        cumulative = probs.cumsum(1)
        probs = probs.masked_fill(cumulative - probs >= top_p, 0.0)
    chosen = indices.gather(1, torch.multinomial(probs, 1))
    return chosen[:, 0], log_probs.gather(1, chosen)[:, 0]


def time_generation(torch, model, prompt, spec, args):
    sampling = spec["sampling"]
    g, n = args.group, args.new_tokens

    def one_group(seed):
        torch.manual_seed(seed)
        tokens = torch.empty((g, n), dtype=torch.long)
        log_probs = torch.empty((g, n), dtype=torch.float32)
        with torch.no_grad():
            cache, first = model.prefill(prompt, spec["bos_id"])
            cache = repeat_rows(cache, g)
            logits = first.expand(g, -1)
            for t in range(n):
                tokens[:, t], log_probs[:, t] = sample(torch, logits, sampling)
                if t + 1 < n:
                    logits = model.advance(cache, tokens[:, t], 2 + t)
        return tokens.tolist(), log_probs.tolist()  # to Python, as Visq hands back Java arrays

    one_group(0)  # warm-up
    rollouts, rates, cpu_rates = [], [], []
    for rep in range(args.repetitions):
        started = time.perf_counter()
        cpu_started = time.thread_time()  # this thread's CPU time: what other jobs on the machine barely move
        one_group(rep + 1)
        seconds = time.perf_counter() - started
        rollouts.append(g / seconds)
        rates.append(g * n / seconds)
        cpu_rates.append(g * n / (time.thread_time() - cpu_started))
    print(f"generation: {median(rollouts):.2f} rollouts/s, {median(rates):.1f} tokens/s "
          f"(median of {args.repetitions} groups of G={g}, {n} tokens each)")
    return {"rollouts_per_second": rollouts, "tokens_per_second": rates, "tokens_per_rollout": n,
            "tokens_per_cpu_second": cpu_rates}


def time_learner(torch, config, weights, prompt, batch, learner, repetitions):
    names = parameter_names(config)
    params = {name: weights[name].clone().requires_grad_(True) for name in names}
    frozen = {name: weights[name].clone() for name in tensor_names(config) if name not in params}
    policy = CompactModel(torch, config, {**params, **frozen})
    reference = CompactModel(torch, config, {name: weights[name].clone() for name in tensor_names(config)})
    ordered = [params[name] for name in names]
    optimizer = torch.optim.AdamW(ordered, lr=learner["learning_rate"],
                                  betas=(learner["adam_beta1"], learner["adam_beta2"]), eps=learner["adam_eps"],
                                  weight_decay=learner["weight_decay"])
    temperature = learner["temperature"]

    def step():
        with torch.no_grad():
            ref = reference.response_log_probs(prompt, batch, temperature)
        lp = policy.response_log_probs(prompt, batch, temperature)
        loss = grpo_loss(torch, lp, batch.old, ref, batch.advantages, batch.loss_mask, learner)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(ordered, learner["clip_norm"])
        optimizer.step()
        optimizer.zero_grad(set_to_none=False)
        return loss.detach().item()

    return time_learner_steps(step, repetitions, batch.rows)


if __name__ == "__main__":
    main()
