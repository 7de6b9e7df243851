#!/usr/bin/env python3
"""Writes a "warm" tiny Qwen2.5-VL checkpoint that sometimes answers in Q-Insight's score format.

The random tiny checkpoint (qwen2_5_vl/checkpoint, written by make_fixtures.py) never produces the answer format, so
GRPO's rewards are all equal within a group and nothing is learned. This script fine-tunes all of its weights
(AdamW, cross-entropy on the response tokens) on the Q-Insight `score` prompt exactly as the Java side renders it
(PromptCatalogue system + user text, one image, QwenChatTemplate) with targets in the exact form of
ResponseTemplates.score (`<think>\\n...\\n</think>\\n<answer>\\n{"rating": X.XX}\\n</answer>` then `<|im_end|>`). The
ratings are drawn uniformly from [1, 5] independently of the image, so the model learns the format, not the rating.

Training stops at the first evaluation where the format rate (temperature 1.0, top-k 50, 64 new tokens at most,
FormatReward.Q_INSIGHT_STRICT re-implemented below) lies in the target band; the result is written to
gpu-workers/src/test/resources/qwen/qwen2_5_vl_warm/ (checkpoint/ + warm.json). The saved checkpoint is reloaded and
must sample the same texts; then a 30-step LoRA GRPO run on it (warm.json -> grpo_check) records whether the reward
rises.

Run from the repository root (~80 s on one CPU thread; needs ../shared/data/clive):
    /work/venv-qwen/bin/python tools/qwen-reference/make_warm_checkpoint.py
    /work/venv-qwen/bin/python tools/qwen-reference/make_warm_checkpoint.py --dry-run   # train and report only

Deterministic: fixed seeds, one CPU thread, deterministic algorithms; running it again rewrites identical files.
"""

import argparse
import json
import math
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import torch

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

import safetensors  # noqa: E402
import tokenizers  # noqa: E402
import transformers  # noqa: E402
from PIL import Image  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402
from transformers import PreTrainedTokenizerFast, Qwen2_5_VLForConditionalGeneration  # noqa: E402
from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
QWEN = REPO / "gpu-workers" / "src" / "test" / "resources" / "qwen"
SOURCE = QWEN / "qwen2_5_vl" / "checkpoint"
OUT = QWEN / "qwen2_5_vl_warm"
CLIVE = REPO.parent / "shared" / "data" / "clive" / "images"

# The score task's texts, verbatim from PromptCatalogue, kept in one place: the fixtures script.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_fixtures import Q_INSIGHT_SYSTEM, SCORE_USER  # noqa: E402

# Short rationales; {word} is ResponseTemplates.qualityWord(rating). The first is ResponseTemplates.score's own.
REASONING = [
    "The overall quality is {word}.",
    "The picture looks {word} overall.",
    "Sharpness, noise and colour look {word}.",
    "The details and colours are {word}.",
]

TRAIN_IMAGES = 6          # the first files of CLIVE's images/ in sorted order
EVAL_IMAGES = 8           # the next files: the evaluation prompts (whole images, as the Java side prepares them)
BATCH = 8
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 0.0
BETAS = (0.9, 0.999)
GRAD_CLIP = 1.0
MAX_STEPS = 600
EVAL_EVERY = 10
TARGET_BAND = (0.4, 0.6)  # stop at the first evaluation whose format rate lies in here
ACCEPT_BAND = (0.3, 0.7)  # the rate the brief asks for; failing it is an error
SAMPLES_PER_PROMPT = 16
FIXTURE_SAMPLES_PER_PROMPT = 32  # images/small.png and images/large.png, reported as well
MAX_NEW_TOKENS = 64
TEMPERATURE = 1.0
TOP_K = 50
SEEDS = {"data": 20251201, "sampling": 777}
SCORE_EPSILON = 0.35
GRPO = {"steps": 30, "group": 8, "prompts_per_step": 2, "images": 16, "lora_r": 8, "lora_alpha": 16,
        "lora_targets": ["q_proj", "k_proj", "v_proj", "o_proj"], "lr": 1e-3, "seed": 4242}
ATTN = "eager"


# ----------------------------------------------------------------------------------------------------------------
# The Java format check and rating parser, re-implemented (FormatReward.Q_INSIGHT_STRICT, AnswerParser.qInsightRating,
# FlatJsonObject).

STRICT = re.compile(r"<think>\n(.*)\n</think>\n<answer>\n(\{[^{}]*\})\n</answer>", re.DOTALL)
TAGS = ("<think>", "</think>", "<answer>", "</answer>")


class MalformedJson(Exception):
    pass


def parse_flat_json(text):
    """FlatJsonObject.parse: one flat object of scalars, no duplicate keys, no NaN/Infinity, nothing after it."""
    def pairs(items):
        keys = [k for k, _ in items]
        if len(set(keys)) != len(keys):
            raise MalformedJson("duplicate key")
        for _, v in items:
            if isinstance(v, (dict, list)):
                raise MalformedJson("nested value")
        return dict(items)

    def constant(name):
        raise MalformedJson(f"unexpected value {name}")

    # FlatJsonObject allows only space, tab, newline and carriage return around the object, as json does.
    if text.strip(" \t\n\r") == "" or not text.strip(" \t\n\r").startswith("{"):
        raise MalformedJson("not an object")
    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except (ValueError, RecursionError) as e:
        raise MalformedJson(str(e)) from e
    if not isinstance(value, dict):
        raise MalformedJson("not an object")
    for v in value.values():
        if isinstance(v, float) and not math.isfinite(v):
            raise MalformedJson("number out of range")
    return value


def format_reward(response):
    """FormatReward.Q_INSIGHT_STRICT."""
    m = STRICT.fullmatch(response)
    if m is None:
        return 0.0
    if any(tag in m.group(1) for tag in TAGS):
        return 0.0
    try:
        parse_flat_json(m.group(2))
    except MalformedJson:
        return 0.0
    return 1.0


def q_insight_rating(response):
    """AnswerParser.qInsightRating: "rating" of the flat JSON object in the first <answer> block, else None."""
    start = response.find("<answer>")
    if start < 0:
        return None
    end = response.find("</answer>", start + len("<answer>"))
    if end < 0:
        return None
    try:
        obj = parse_flat_json(response[start + len("<answer>"):end])
    except MalformedJson:
        return None
    value = obj.get("rating")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def self_check_format():
    good = '<think>\nThe overall quality is fair.\n</think>\n<answer>\n{"rating": 3.27}\n</answer>'
    assert format_reward(good) == 1.0 and q_insight_rating(good) == 3.27
    for bad in [good + "\n", " " + good, good.replace("</think>\n<answer>", "</think><answer>"),
                good.replace("3.27", "3.27, \"a\": [1]"), good.replace("3.27", "NaN"),
                good.replace("{\"rating\": 3.27}", "{\"rating\": 3.27}{}"),
                good.replace("fair.", "fair <answer>"), good.replace("3.27", "03.27")]:
        assert format_reward(bad) == 0.0, bad
    assert q_insight_rating(good.replace("\n</answer>", "")) is None
    assert q_insight_rating(good.replace("3.27", "\"3.27\"")) is None
    assert q_insight_rating("<answer> {\"rating\": 2} </answer> trailing") == 2.0


# ----------------------------------------------------------------------------------------------------------------
# Targets


def quality_word(score):
    """ResponseTemplates.qualityWord."""
    if score < 1.8:
        return "bad"
    if score < 2.6:
        return "poor"
    if score < 3.4:
        return "fair"
    if score < 4.2:
        return "good"
    return "excellent"


def target_text(rng):
    """A response as ResponseTemplates.score writes it, with a rating uniform in [1, 5] and a short rationale."""
    rating = round(float(rng.uniform(1.0, 5.0)), 2)
    reasoning = REASONING[int(rng.integers(len(REASONING)))].format(word=quality_word(rating))
    return "<think>\n" + reasoning + "\n</think>\n<answer>\n{\"rating\": " + f"{rating:.2f}" + "}\n</answer>"


# ----------------------------------------------------------------------------------------------------------------
# Prompts and images


def render_prompt(image_tokens):
    """QwenChatTemplate.render(Q_INSIGHT_SYSTEM, [image_tokens], SCORE_USER)."""
    return ("<|im_start|>system\n" + Q_INSIGHT_SYSTEM + "<|im_end|>\n<|im_start|>user\n<|vision_start|>"
            + "<|image_pad|>" * image_tokens + "<|vision_end|>" + SCORE_USER + "<|im_end|>\n<|im_start|>assistant\n")


def check_template(hf_tok):
    messages = [{"role": "system", "content": Q_INSIGHT_SYSTEM},
                {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": SCORE_USER}]}]
    rendered = hf_tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert rendered == render_prompt(1), "the chat template renders the prompt differently"


def image_processor(pre):
    return Qwen2VLImageProcessorPil(min_pixels=pre["min_pixels"], max_pixels=pre["max_pixels"],
                                    patch_size=pre["patch_size"], temporal_patch_size=pre["temporal_patch_size"],
                                    merge_size=pre["merge_size"], image_mean=pre["image_mean"],
                                    image_std=pre["image_std"])


def training_sizes(pre):
    """Every (height, width) in multiples of 28 within the processor's pixel limits, at least 56 on a side."""
    unit = pre["patch_size"] * pre["merge_size"]
    sides = range(2 * unit, 8 * unit, unit)
    return [(h, w) for h in sides for w in sides if pre["min_pixels"] <= h * w <= pre["max_pixels"]]


def random_crop(rng, image, size):
    """A random crop (each side 40-100 % of the image's) resized (bicubic) to size = (height, width)."""
    width, height = image.size
    cw = int(round(width * rng.uniform(0.4, 1.0)))
    ch = int(round(height * rng.uniform(0.4, 1.0)))
    x = int(rng.integers(0, width - cw + 1))
    y = int(rng.integers(0, height - ch + 1))
    return image.crop((x, y, x + cw, y + ch)).resize((size[1], size[0]), Image.BICUBIC)


class Prompt:
    """One prompt: ids, image-pad mask, pixels, grid."""

    def __init__(self, tok, processor, image, merge, image_pad_id):
        feats = processor(images=[image], return_tensors="pt")
        self.pixel_values = feats["pixel_values"]
        self.grid_thw = feats["image_grid_thw"]
        tokens = int(self.grid_thw[0].prod()) // (merge * merge)
        self.ids = torch.tensor(tok.encode(render_prompt(tokens)).ids, dtype=torch.long)
        self.mm = (self.ids == image_pad_id).to(torch.int32)
        assert int(self.mm.sum()) == tokens


# ----------------------------------------------------------------------------------------------------------------
# Training and evaluation


def training_batch(rng, tok, processor, images, sizes, merge, image_pad_id, endoftext_id, im_end_id):
    """BATCH rows sharing one image size: prompt + target + <|im_end|>, right-padded; labels only on the response."""
    size = sizes[int(rng.integers(len(sizes)))]
    rows, pixels, grids, targets = [], [], [], []
    for _ in range(BATCH):
        image = images[int(rng.integers(len(images)))]
        prompt = Prompt(tok, processor, random_crop(rng, image, size), merge, image_pad_id)
        text = target_text(rng)
        response = tok.encode(text).ids + [im_end_id]
        rows.append((prompt, response))
        pixels.append(prompt.pixel_values)
        grids.append(prompt.grid_thw)
        targets.append(text)
    length = max(p.ids.shape[0] + len(r) for p, r in rows)
    ids = torch.full((BATCH, length), endoftext_id, dtype=torch.long)
    mm = torch.zeros((BATCH, length), dtype=torch.int32)
    labels = torch.zeros((BATCH, length), dtype=torch.bool)
    for i, (p, r) in enumerate(rows):
        n = p.ids.shape[0]
        ids[i, :n] = p.ids
        ids[i, n:n + len(r)] = torch.tensor(r, dtype=torch.long)
        mm[i, :n] = p.mm
        labels[i, n:n + len(r)] = True
    return ids, mm, torch.cat(pixels), torch.cat(grids), labels, targets


def response_loss(model, ids, mm, pixel_values, grid_thw, labels):
    """Mean cross-entropy of the response tokens (right padding never reaches a scored position: causal)."""
    logits = model(input_ids=ids, mm_token_type_ids=mm, pixel_values=pixel_values, image_grid_thw=grid_thw).logits
    lp = torch.log_softmax(logits[:, :-1].float(), dim=-1).gather(2, ids[:, 1:, None])[..., 0]
    mask = labels[:, 1:]
    return -(lp * mask).sum() / mask.sum()


def sample_responses(model, prompt, rows, seed, eos_id, pad_id):
    """rows samples of prompt at temperature 1.0, top-k 50, top-p 1.0, no repetition penalty, stop at <|im_end|>."""
    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    inner.model.rope_deltas = None
    torch.manual_seed(seed)
    with torch.no_grad():
        out = model.generate(input_ids=prompt.ids[None].repeat(rows, 1),
                             mm_token_type_ids=prompt.mm[None].repeat(rows, 1),
                             attention_mask=torch.ones((rows, prompt.ids.shape[0]), dtype=torch.long),
                             pixel_values=prompt.pixel_values.repeat(rows, 1),
                             image_grid_thw=prompt.grid_thw.repeat(rows, 1),
                             do_sample=True, temperature=TEMPERATURE, top_k=TOP_K, top_p=1.0, min_p=None,
                             repetition_penalty=1.0, max_new_tokens=MAX_NEW_TOKENS, num_beams=1,
                             eos_token_id=eos_id, pad_token_id=pad_id)
    return out[:, prompt.ids.shape[0]:]


def response_texts(tok, new_ids, eos_id):
    """As PolicyDecoding.toResponses + QwenTokenizer.decode: up to (not including) <|im_end|>, special tokens
    skipped."""
    texts, finished = [], []
    for row in new_ids.tolist():
        done = eos_id in row
        ids = row[:row.index(eos_id)] if done else row
        texts.append(tok.decode(ids, skip_special_tokens=True))
        finished.append(done)
    return texts, finished


def evaluate(model, tok, prompts, eos_id, pad_id, per_prompt=SAMPLES_PER_PROMPT):
    model.eval()
    texts, finished = [], []
    for k, prompt in enumerate(prompts):
        new = sample_responses(model, prompt, per_prompt, SEEDS["sampling"] + k, eos_id, pad_id)
        t, f = response_texts(tok, new, eos_id)
        texts += t
        finished += f
    formatted = [format_reward(t) for t in texts]
    ratings = [q_insight_rating(t) for t in texts]
    parsed = [r for r in ratings if r is not None]
    return {
        "samples": len(texts),
        "format_rate": sum(formatted) / len(texts),
        "parse_rate": len(parsed) / len(texts),
        "finished_rate": sum(finished) / len(texts),
        "ratings": rating_summary(parsed),
        "texts": texts,
        "format": formatted,
    }


def rating_summary(parsed):
    """Distribution of the parsed ratings: all of them, and those inside [1, 5]."""
    arr = np.array(parsed, dtype=np.float64)
    inside = arr[(arr >= 1.0) & (arr <= 5.0)]

    def stats(a):
        if len(a) == 0:
            return {"count": 0}
        return {"count": int(len(a)), "mean": round(float(a.mean()), 4),
                "sd": round(float(a.std(ddof=1)), 4) if len(a) > 1 else None,
                "median": round(float(np.median(a)), 4),
                "min": round(float(a.min()), 4), "max": round(float(a.max()), 4),
                "share_within_0.35_of_3.0": round(float((np.abs(a - 3.0) < 0.35).mean()), 4)}

    out = stats(arr)
    out["share_in_1_to_5"] = round(float(len(inside) / len(arr)), 4) if len(arr) else None
    out["in_1_to_5"] = stats(inside)
    return out


# ----------------------------------------------------------------------------------------------------------------
# GRPO check: does a short LoRA GRPO run on the warm checkpoint raise the reward?


def normalised_mos():
    """method.md §1: norm = 1 + 4 (mos - min) / (max - min) over CLIVE's mos.csv."""
    rows = [line.split(",") for line in (CLIVE.parent / "mos.csv").read_text(encoding="utf-8").splitlines()[1:]]
    mos = {r[0]: float(r[1]) for r in rows if r}
    lo, hi = min(mos.values()), max(mos.values())
    return {k: 1.0 + 4.0 * (v - lo) / (hi - lo) for k, v in mos.items()}


def total_reward(text, truth):
    """Q-Insight score task: format + score (|rating - truth| < 0.35, unparsable 0)."""
    rating = q_insight_rating(text)
    score = 1.0 if rating is not None and abs(rating - truth) < SCORE_EPSILON else 0.0
    return format_reward(text) + score


def response_rows(new_ids, eos_id):
    """Each row's response tokens: up to and including the first <|im_end|> (all of them when it never came)."""
    rows = []
    for row in new_ids.tolist():
        rows.append(row[:row.index(eos_id) + 1] if eos_id in row else row)
    return rows


def response_mean_logprobs(model, prompt, responses, pad_id):
    """Per response, the mean log-probability (temperature 1) of its tokens after the shared prompt.

    A sampled response may contain <|image_pad|>: as in generation (and on the Java side) it is then an ordinary
    token embedding, so the forward takes embeddings with the image features placed at the prompt's image pads only,
    and explicit positions (prompt: get_rope_index; response token t: n + t + rope delta on every axis)."""
    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    n = prompt.ids.shape[0]
    length = n + max(len(r) for r in responses)
    rows = len(responses)
    ids = torch.full((rows, length), pad_id, dtype=torch.long)
    mask = torch.zeros((rows, length), dtype=torch.bool)
    ids[:, :n] = prompt.ids
    for i, r in enumerate(responses):
        ids[i, n:n + len(r)] = torch.tensor(r, dtype=torch.long)
        mask[i, n:n + len(r)] = True
    embeds = inner.model.get_input_embeddings()(ids)
    features = torch.cat(inner.model.get_image_features(prompt.pixel_values, prompt.grid_thw).pooler_output, dim=0)
    image_at = torch.zeros((rows, length), dtype=torch.bool)
    image_at[:, :n] = prompt.mm.bool()
    embeds = embeds.masked_scatter(image_at[..., None], features.repeat(rows, 1))
    prompt_pos, delta = inner.model.get_rope_index(prompt.ids[None], prompt.mm[None], prompt.grid_thw)
    later = (torch.arange(n, length) + delta.reshape(-1)[0]).expand(3, -1)
    positions = torch.cat([prompt_pos[:, 0, :], later], dim=1)[:, None, :].expand(3, rows, length)
    logits = model(inputs_embeds=embeds, position_ids=positions).logits
    lp = torch.log_softmax(logits[:, :-1], dim=-1).gather(2, ids[:, 1:, None])[..., 0]
    m = mask[:, 1:]
    return (lp * m).sum(1) / m.sum(1)


def check_response_logprobs(model, prompt, tok, pad_id):
    """The embeddings path above gives the same log-probs as the model's own (ids + pixels) forward."""
    text = "<think>\nThe overall quality is fair.\n</think>\n<answer>\n{\"rating\": 3.27}\n</answer>"
    response = tok.encode(text).ids + [tok.token_to_id("<|im_end|>")]
    ids = torch.cat([prompt.ids, torch.tensor(response, dtype=torch.long)])[None]
    mm = torch.cat([prompt.mm, torch.zeros(len(response), dtype=torch.int32)])[None]
    with torch.no_grad():
        inner = model.get_base_model() if hasattr(model, "get_base_model") else model
        inner.model.rope_deltas = None
        logits = model(input_ids=ids, mm_token_type_ids=mm, pixel_values=prompt.pixel_values,
                       image_grid_thw=prompt.grid_thw).logits
        lp = torch.log_softmax(logits[0, :-1], dim=-1).gather(1, ids[0, 1:, None])[:, 0][prompt.ids.shape[0] - 1:]
        mine = response_mean_logprobs(model, prompt, [response], pad_id)
    assert torch.allclose(lp.mean(), mine[0], atol=1e-5), (float(lp.mean()), float(mine[0]))


def mean_reward(texts, truths):
    return sum(total_reward(t, g) for t, g in zip(texts, truths)) / len(texts)


def grpo_check(model, tok, eval_prompts, eval_truths, grpo_prompts, grpo_truths, eos_id, pad_id):
    """GRPO_STEPS steps of on-policy GRPO (one update per rollout, so the ratio is 1 and clipping is idle; no KL
    term) with a PEFT LoRA on q/k/v/o; the format rate and mean reward of the evaluation samples before and after."""
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(GRPO["seed"])
    config = LoraConfig(r=GRPO["lora_r"], lora_alpha=GRPO["lora_alpha"], lora_dropout=0.0,
                        target_modules=GRPO["lora_targets"], bias="none")
    pm = get_peft_model(model, config)
    check_response_logprobs(pm, grpo_prompts[0], tok, pad_id)
    trainable = [p for p in pm.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=GRPO["lr"], betas=BETAS, weight_decay=0.0)
    rng = np.random.default_rng(GRPO["seed"])

    def measure():
        r = evaluate(pm, tok, eval_prompts, eos_id, pad_id)
        truths = [g for g in eval_truths for _ in range(SAMPLES_PER_PROMPT)]
        return {"format_rate": r["format_rate"], "mean_reward": round(mean_reward(r["texts"], truths), 4)}

    before = measure()
    curve = []
    for step in range(GRPO["steps"]):
        pm.eval()
        picks = rng.choice(len(grpo_prompts), size=GRPO["prompts_per_step"], replace=False)
        groups = []
        for j, k in enumerate(picks):
            prompt, truth = grpo_prompts[int(k)], grpo_truths[int(k)]
            new = sample_responses(pm, prompt, GRPO["group"], GRPO["seed"] + 1000 * step + j, eos_id, pad_id)
            texts, _ = response_texts(tok, new, eos_id)
            rewards = torch.tensor([total_reward(t, truth) for t in texts], dtype=torch.float32)
            groups.append((prompt, response_rows(new, eos_id), rewards, texts))
        pm.train()
        optimizer.zero_grad()
        all_rewards = torch.cat([g[2] for g in groups])
        for prompt, responses, rewards, _ in groups:
            advantages = (rewards - rewards.mean()) / (rewards.std(unbiased=True) + 1e-4)
            lp = response_mean_logprobs(pm, prompt, responses, pad_id)
            loss = -(advantages * lp).sum() / all_rewards.shape[0]
            loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, GRAD_CLIP)
        optimizer.step()
        formats = [format_reward(t) for g in groups for t in g[3]]
        curve.append({"step": step + 1, "rollout_mean_reward": round(float(all_rewards.mean()), 4),
                      "rollout_format_rate": round(sum(formats) / len(formats), 4)})
        print(f"grpo {step + 1}: reward {float(all_rewards.mean()):.3f} format {sum(formats) / len(formats):.3f}",
              file=sys.stderr)
    after = measure()
    first = curve[:10]
    last = curve[-10:]
    return {
        "what": ("on-policy GRPO on the saved checkpoint: PEFT LoRA, G responses per prompt, advantage "
                 "(r - mean) / (sd_unbiased + 1e-4), loss -A * mean token log-prob per response averaged over "
                 "responses, one AdamW update per rollout (ratio 1, no clipping effect), no KL term; reward = "
                 "Q-Insight format + score (eps 0.35, truth = CLIVE normalised MOS)"),
        "settings": GRPO,
        "prompt_images": None,
        "before": before,
        "after": after,
        "rollout_mean_reward_first10": round(sum(c["rollout_mean_reward"] for c in first) / len(first), 4),
        "rollout_mean_reward_last10": round(sum(c["rollout_mean_reward"] for c in last) / len(last), 4),
        "curve": curve,
    }


# ----------------------------------------------------------------------------------------------------------------
# Output


def write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def save_checkpoint(model):
    if OUT.exists():
        shutil.rmtree(OUT)
    ckpt = OUT / "checkpoint"
    ckpt.mkdir(parents=True)
    model.save_pretrained(str(ckpt), safe_serialization=True, max_shard_size="100MB")
    # save_pretrained may write its own generation_config.json; the source's replaces it.
    for name in ("tokenizer.json", "tokenizer_config.json", "preprocessor_config.json", "generation_config.json"):
        shutil.copy(SOURCE / name, ckpt / name)
    for p in ckpt.iterdir():
        p.chmod(0o644)
    files = sorted(p.name for p in ckpt.iterdir())
    assert "model.safetensors" in files and not any(n.startswith("model-") for n in files), files
    return ckpt


def load(ckpt):
    return Qwen2_5_VLForConditionalGeneration.from_pretrained(str(ckpt), dtype=torch.float32,
                                                              attn_implementation=ATTN).eval()


def describe(result, steps_done, history, train_files, eval_files, fixture, grpo):
    examples = [{"text": t, "format": f} for t, f in zip(result["texts"][:16], result["format"][:16])]
    return {
        "what": ("qwen2_5_vl/checkpoint fine-tuned (all weights) on the Q-Insight score prompt with targets in "
                 "ResponseTemplates.score's form and ratings uniform in [1, 5] independent of the image, stopped "
                 "when sampled responses pass FormatReward.Q_INSIGHT_STRICT about half the time"),
        "script": "tools/qwen-reference/make_warm_checkpoint.py",
        "regenerate": "/work/venv-qwen/bin/python tools/qwen-reference/make_warm_checkpoint.py (repository root)",
        "source_checkpoint": "qwen2_5_vl/checkpoint",
        "format_rate": result["format_rate"],
        "parse_rate": result["parse_rate"],
        "finished_rate": result["finished_rate"],
        "sampled_ratings": result["ratings"],
        "measurement": {
            "samples": result["samples"],
            "prompts": len(eval_files),
            "samples_per_prompt": SAMPLES_PER_PROMPT,
            "prompt_images": eval_files,
            "prompt_images_prepared": ("whole CLIVE image through Qwen2VLImageProcessorPil (smart resize, "
                                       "preprocessor_config.json)"),
            "sampling": {"temperature": TEMPERATURE, "top_k": TOP_K, "top_p": 1.0, "repetition_penalty": 1.0,
                         "max_new_tokens": MAX_NEW_TOKENS, "stop": "<|im_end|>",
                         "seed_of_prompt_k": f"torch.manual_seed({SEEDS['sampling']} + k) before generate"},
            "response_text": "tokens before <|im_end|>, decoded with special tokens skipped (PolicyDecoding)",
            "format_check": "FormatReward.Q_INSIGHT_STRICT re-implemented in Python (regex + flat JSON)",
            "parse": "AnswerParser.qInsightRating re-implemented: rating in the first <answer> block's flat JSON",
            "parse_rate": "share of responses with a parsable rating (format or not)",
            "sampled_ratings": ("parsed ratings; share_within_0.35_of_3.0 = share with |r - 3.0| < 0.35; "
                                "in_1_to_5 = the same over the ratings inside [1, 5]"),
            "reloaded_checkpoint_same_rate": True,
        },
        "fixture_images": fixture,
        "examples": examples,
        "training": {
            "steps": steps_done,
            "batch": BATCH,
            "optimizer": "AdamW",
            "learning_rate": LEARNING_RATE,
            "lr_schedule": "constant",
            "betas": list(BETAS),
            "weight_decay": WEIGHT_DECAY,
            "grad_clip_norm": GRAD_CLIP,
            "loss": "mean cross-entropy over response tokens (target text + <|im_end|>)",
            "trained": "all weights (vision tower, merger, decoder, lm_head)",
            "stop_rule": (f"evaluate every {EVAL_EVERY} steps; stop at the first format rate in "
                          f"[{TARGET_BAND[0]}, {TARGET_BAND[1]}] (at most {MAX_STEPS} steps)"),
            "history": history,
            "prompt": {"system": Q_INSIGHT_SYSTEM, "user": SCORE_USER, "images": 1,
                       "rendered_with_one_image_pad": render_prompt(1)},
            "target_format": ("<think>\\n{reasoning}\\n</think>\\n<answer>\\n{\"rating\": X.XX}\\n</answer>"
                              "<|im_end|>"),
            "reasoning_templates": REASONING,
            "reasoning_word": "ResponseTemplates.qualityWord(rating)",
            "rating": "round(uniform(1, 5), 2), written with two decimals",
            "train_images": train_files,
            "train_image_prepared": ("random crop (each side 40-100 %), bicubic resize to a random multiple-of-28 "
                                     "size within min/max_pixels (one size per batch), then the processor"),
        },
        "grpo_check": grpo,
        "seeds": SEEDS,
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "tokenizers": tokenizers.__version__, "safetensors": safetensors.__version__,
                     "peft": peft_version(), "numpy": np.__version__, "pillow": Image.__version__},
        "attn_implementation": ATTN,
        "dtype": "float32",
    }


def peft_version():
    import peft
    return peft.__version__


def main():
    global LEARNING_RATE, MAX_STEPS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="train and report, write nothing")
    parser.add_argument("--lr", type=float, default=LEARNING_RATE)
    parser.add_argument("--max-steps", type=int, default=MAX_STEPS)
    parser.add_argument("--grpo-lr", type=float, default=GRPO["lr"])
    args = parser.parse_args()
    LEARNING_RATE, MAX_STEPS = args.lr, args.max_steps
    GRPO["lr"] = args.grpo_lr
    self_check_format()

    tok = Tokenizer.from_file(str(SOURCE / "tokenizer.json"))
    hf_tok = PreTrainedTokenizerFast.from_pretrained(str(SOURCE))
    check_template(hf_tok)
    image_pad_id = tok.token_to_id("<|image_pad|>")
    eos_id = tok.token_to_id("<|im_end|>")
    pad_id = tok.token_to_id("<|endoftext|>")
    pre = json.loads((SOURCE / "preprocessor_config.json").read_text(encoding="utf-8"))
    processor = image_processor(pre)

    model = load(SOURCE)
    merge = model.config.vision_config.spatial_merge_size
    assert model.config.text_config.eos_token_id == eos_id

    files = sorted(p.name for p in CLIVE.iterdir())
    train_files = files[:TRAIN_IMAGES]
    eval_files = files[TRAIN_IMAGES:TRAIN_IMAGES + EVAL_IMAGES]
    grpo_files = files[TRAIN_IMAGES + EVAL_IMAGES:TRAIN_IMAGES + EVAL_IMAGES + GRPO["images"]]
    train_images = [Image.open(CLIVE / f).convert("RGB") for f in train_files]

    def prompts(paths):
        return [Prompt(tok, processor, Image.open(p).convert("RGB"), merge, image_pad_id) for p in paths]

    eval_prompts = prompts([CLIVE / f for f in eval_files])
    sizes = training_sizes(pre)

    rng = np.random.default_rng(SEEDS["data"])
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, betas=BETAS, weight_decay=WEIGHT_DECAY)
    history = []
    result = evaluate(model, tok, eval_prompts, eos_id, pad_id)
    history.append({"step": 0, "format_rate": result["format_rate"]})
    print(f"step 0: format {result['format_rate']:.3f}", file=sys.stderr)
    step = 0
    while not TARGET_BAND[0] <= result["format_rate"] <= TARGET_BAND[1]:
        if step >= MAX_STEPS:
            raise SystemExit(f"no format rate in {TARGET_BAND} within {MAX_STEPS} steps: {history}")
        model.train()
        for _ in range(EVAL_EVERY):
            ids, mm, pv, grid, labels, _ = training_batch(rng, tok, processor, train_images, sizes, merge,
                                                          image_pad_id, pad_id, eos_id)
            loss = response_loss(model, ids, mm, pv, grid, labels)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), GRAD_CLIP)
            optimizer.step()
            step += 1
        result = evaluate(model, tok, eval_prompts, eos_id, pad_id)
        loss = float(loss.detach())
        history.append({"step": step, "loss": round(loss, 4), "format_rate": result["format_rate"],
                        "parse_rate": result["parse_rate"]})
        print(f"step {step}: loss {loss:.4f} format {result['format_rate']:.3f} "
              f"parse {result['parse_rate']:.3f} finished {result['finished_rate']:.3f}", file=sys.stderr)
    if not ACCEPT_BAND[0] <= result["format_rate"] <= ACCEPT_BAND[1]:
        raise SystemExit(f"format rate {result['format_rate']} outside {ACCEPT_BAND}")
    summary = {k: result[k] for k in ("samples", "format_rate", "parse_rate", "finished_rate", "ratings")}
    summary["steps"] = step
    print(json.dumps(summary, indent=2))
    if args.dry_run:
        return

    ckpt = save_checkpoint(model.eval())
    model = load(ckpt)
    reloaded = evaluate(model, tok, eval_prompts, eos_id, pad_id)
    assert reloaded["texts"] == result["texts"], "the saved checkpoint samples differently"

    fixture_prompts = prompts([QWEN / "images" / "small.png", QWEN / "images" / "large.png"])
    fixture = evaluate(model, tok, fixture_prompts, eos_id, pad_id, per_prompt=FIXTURE_SAMPLES_PER_PROMPT)
    fixture = {"images": ["images/small.png", "images/large.png"], "samples": fixture["samples"],
               "samples_per_prompt": FIXTURE_SAMPLES_PER_PROMPT,
               "format_rate": fixture["format_rate"], "parse_rate": fixture["parse_rate"],
               "sampled_ratings": fixture["ratings"]}

    mos = normalised_mos()
    grpo = grpo_check(model, tok, eval_prompts, [mos[f] for f in eval_files],
                      prompts([CLIVE / f for f in grpo_files]), [mos[f] for f in grpo_files], eos_id, pad_id)
    grpo["prompt_images"] = grpo_files
    print(json.dumps({k: grpo[k] for k in ("before", "after", "rollout_mean_reward_first10",
                                           "rollout_mean_reward_last10")}, indent=2))
    write_json(OUT / "warm.json", describe(result, step, history, train_files, eval_files, fixture, grpo))


if __name__ == "__main__":
    main()
