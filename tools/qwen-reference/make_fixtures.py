#!/usr/bin/env python3
"""Writes the Qwen2-VL / Qwen2.5-VL reference fixtures under gpu-workers/src/test/resources/qwen/.

Tiny random models (transformers 5), a tiny byte-level BPE tokenizer with Qwen's special tokens and the published
Qwen2-VL chat template, two synthetic images, golden values (image preprocessing, vision tower, multimodal RoPE
positions, logits, decoder hidden states, greedy generation, response log-probs), a PEFT LoRA adapter with its
logits and gradients, the published-layout config, and ids under Qwen's real tokenizer.

Deterministic: fixed seeds, one CPU thread; running it again rewrites identical files. See README.md.
"""

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

import peft  # noqa: E402
import safetensors  # noqa: E402
import tokenizers  # noqa: E402
import transformers  # noqa: E402
from PIL import Image  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers  # noqa: E402
from transformers import (  # noqa: E402
    PreTrainedTokenizerFast,
    Qwen2_5_VLConfig,
    Qwen2_5_VLForConditionalGeneration,
    Qwen2VLConfig,
    Qwen2VLForConditionalGeneration,
)
from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil  # noqa: E402
from transformers.vision_utils import get_vision_window_index  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "gpu-workers" / "src" / "test" / "resources" / "qwen"
REAL_TOKENIZER = REPO.parent / "shared" / "models" / "qwen-tokenizer" / "tokenizer.json"

SPECIAL_TOKENS = [
    "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>", "<|box_start|>",
    "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>",
    "<|image_pad|>", "<|video_pad|>",
]

# The published Qwen2-VL / Qwen2.5-VL chat template (Qwen/Qwen2-VL-7B-Instruct tokenizer_config.json).
CHAT_TEMPLATE = (
    "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}"
    "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}"
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
    "<|im_start|>{{ message['role'] }}\n{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n"
    "{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}"
    "{% set image_count.value = image_count.value + 1 %}{% if add_vision_id %}Picture {{ image_count.value }}: "
    "{% endif %}<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif content['type'] == 'video' or 'video' in content %}{% set video_count.value = video_count.value + 1 %}"
    "{% if add_vision_id %}Video {{ video_count.value }}: {% endif %}<|vision_start|><|video_pad|><|vision_end|>"
    "{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

# Verbatim from gpu-workers/src/main/java/visq/gpu/tasks/PromptCatalogue.java (method.md section 1).
Q_INSIGHT_SYSTEM = (
    "A conversation between User and Assistant. The user asks a question, and the Assistant solves it. "
    "The assistant first thinks about the reasoning process in the mind and then provides the user "
    "with the answer. The reasoning process and answer are enclosed within <think> </think> and "
    "<answer> </answer> tags, respectively, i.e., <think> reasoning process here </think>"
    "<answer> answer here </answer>"
)
SCORE_USER = (
    "What is your overall rating on the quality of this picture? The rating should be a float between 1 "
    "and 5, rounded to two decimal places, with 1 representing very poor quality and 5 representing "
    "excellent quality. Return the final answer in JSON format with the following key: \"rating\"."
)
SCORE_NUMBER_USER = (
    "You are doing the image quality assessment task. Here is the question: What is your overall rating "
    "on the quality of this picture? The rating should be a float between 1 and 5, rounded to two "
    "decimal places, with 1 representing very poor quality and 5 representing excellent quality. "
    "First output the thinking process in <think> </think> tags and then output the final answer "
    "with only one score in <answer> </answer> tags."
)
RESPONSE = "<think>The image is sharp.</think> <answer>{\"rating\": 3.2}</answer><|im_end|>"
EXTRA_ENGLISH = (
    "The quick brown fox jumps over the lazy dog. A picture of a sharp, bright scene with good colour and "
    "little noise. The image is blurry and dark; the compression artefacts are obvious. Image A is better "
    "than Image B. Similar quality. The score is 3.45, 4.10, 2.75 and 1.00. Reasoning about the quality of an "
    "image: noise, blur, compression, darken, slight, moderate, obvious, serious, catastrophic."
)

MIN_PIXELS = 56 * 56
MAX_PIXELS = 160 * 160
IMAGE_MEAN = [0.48145466, 0.4578275, 0.40821073]
IMAGE_STD = [0.26862954, 0.26130258, 0.27577711]
BPE_VOCAB = 498
MAX_NEW_TOKENS = 24
ADVANTAGE = 0.7
LORA_R = 4
LORA_ALPHA = 8
LORA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj"]
GREEDY_MIN_MARGIN = 1e-2
ATTN = "eager"


# ----------------------------------------------------------------------------------------------------------------
# Tokenizer


def qwen_pre_tokenizer_regex():
    """Qwen2's split pattern, read from the real tokenizer.json so the tiny tokenizer pre-tokenizes the same way."""
    real = json.loads(REAL_TOKENIZER.read_text(encoding="utf-8"))
    return real["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"]


def build_tokenizer():
    tok = Tokenizer(models.BPE(unk_token=None, fuse_unk=False, byte_fallback=False))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(qwen_pre_tokenizer_regex()), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
    ])
    tok.post_processor = processors.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    tok.decoder = decoders.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    trainer = trainers.BpeTrainer(
        vocab_size=BPE_VOCAB,
        min_frequency=1,
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=[],
    )
    corpus = [Q_INSIGHT_SYSTEM, SCORE_USER, SCORE_NUMBER_USER, RESPONSE.replace("<|im_end|>", ""), EXTRA_ENGLISH] * 3
    tok.train_from_iterator(corpus, trainer=trainer)
    tok.add_special_tokens([tokenizers.AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS])
    return tok


def write_tokenizer(tok, directory):
    tok.save(str(directory / "tokenizer.json"), pretty=True)
    # The Python ByteLevel decoder binding takes no options and serializes its defaults; write Qwen's (decoding is
    # the same either way) so the file reads like the published one.
    saved = json.loads((directory / "tokenizer.json").read_text(encoding="utf-8"))
    saved["decoder"] = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}
    write_json(directory / "tokenizer.json", saved)
    assert Tokenizer.from_file(str(directory / "tokenizer.json")).encode(RESPONSE).ids == tok.encode(RESPONSE).ids
    added = {}
    for t in SPECIAL_TOKENS:
        added[str(tok.token_to_id(t))] = {
            "content": t, "lstrip": False, "normalized": False, "rstrip": False, "single_word": False,
            "special": True,
        }
    config = {
        "add_bos_token": False,
        "add_prefix_space": False,
        "added_tokens_decoder": added,
        "additional_special_tokens": SPECIAL_TOKENS[1:],
        "bos_token": None,
        "chat_template": CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "eos_token": "<|im_end|>",
        "errors": "replace",
        "model_max_length": 32768,
        "pad_token": "<|endoftext|>",
        "split_special_tokens": False,
        "tokenizer_class": "Qwen2Tokenizer",
        "unk_token": None,
    }
    write_json(directory / "tokenizer_config.json", config)


# ----------------------------------------------------------------------------------------------------------------
# Images


def make_images(directory):
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20250901)
    paths = {}
    for name, (width, height) in {"small": (75, 101), "large": (230, 190)}.items():
        y, x = np.mgrid[0:height, 0:width].astype(np.float64)
        r = 255.0 * x / (width - 1)
        g = 255.0 * y / (height - 1)
        b = 127.5 + 127.5 * np.sin(x / 7.0) * np.cos(y / 11.0)
        img = np.stack([r, g, b], axis=-1)
        cy, cx, rad = height * 0.45, width * 0.55, min(width, height) * 0.25
        disc = (x - cx) ** 2 + (y - cy) ** 2 < rad ** 2
        img[disc] = [230.0, 40.0, 60.0]
        box = (x > width * 0.1) & (x < width * 0.35) & (y > height * 0.6) & (y < height * 0.9)
        img[box] = [20.0, 200.0, 90.0]
        img += rng.normal(0.0, 12.0, size=img.shape)
        arr = np.clip(np.rint(img), 0, 255).astype(np.uint8)
        path = directory / f"{name}.png"
        Image.fromarray(arr).save(path, format="PNG", optimize=False)
        paths[name] = path
    return paths


# ----------------------------------------------------------------------------------------------------------------
# Models


def text_config(vocab, tok, tied):
    return {
        "vocab_size": vocab,
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "hidden_act": "silu",
        "max_position_embeddings": 4096,
        "rms_norm_eps": 1e-6,
        "use_sliding_window": False,
        "sliding_window": 4096,
        "max_window_layers": 2,
        "attention_dropout": 0.0,
        "rope_parameters": {"rope_type": "default", "rope_theta": 1000000.0, "mrope_section": [2, 3, 3]},
        "bos_token_id": tok.token_to_id("<|endoftext|>"),
        "eos_token_id": tok.token_to_id("<|im_end|>"),
        "pad_token_id": tok.token_to_id("<|endoftext|>"),
        "tie_word_embeddings": tied,
    }


def build_config(variant, tok, vocab):
    ids = dict(
        image_token_id=tok.token_to_id("<|image_pad|>"),
        video_token_id=tok.token_to_id("<|video_pad|>"),
        vision_start_token_id=tok.token_to_id("<|vision_start|>"),
        vision_end_token_id=tok.token_to_id("<|vision_end|>"),
    )
    if variant == "qwen2_5_vl":
        vision = {
            "depth": 3, "hidden_size": 32, "hidden_act": "silu", "intermediate_size": 64, "num_heads": 2,
            "in_channels": 3, "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2,
            "tokens_per_second": 2, "window_size": 56, "out_hidden_size": 64, "fullatt_block_indexes": [1],
            "initializer_range": 0.02,
        }
        return Qwen2_5_VLConfig(text_config=text_config(vocab, tok, False), vision_config=vision,
                                tie_word_embeddings=False, **ids)
    vision = {
        "depth": 3, "embed_dim": 32, "hidden_size": 64, "hidden_act": "quick_gelu", "mlp_ratio": 4, "num_heads": 2,
        "in_channels": 3, "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2,
        "initializer_range": 0.02,
    }
    return Qwen2VLConfig(text_config=text_config(vocab, tok, True), vision_config=vision, tie_word_embeddings=True,
                         **ids)


MODEL_CLASSES = {"qwen2_5_vl": Qwen2_5_VLForConditionalGeneration, "qwen2_vl": Qwen2VLForConditionalGeneration}


def randomize(model, seed, scale):
    """Weight matrices x scale; biases and norm weights random too, so every parameter matters."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(".bias"):
                p.copy_(torch.randn(p.shape, generator=gen) * 0.05)
            elif p.ndim == 1:
                p.copy_(1.0 + torch.randn(p.shape, generator=gen) * 0.1)
            else:
                p.mul_(scale)


def published_config(variant, cfg):
    """The model's config in the published layout: text fields at the top level, vision_config nested."""
    t = cfg.text_config
    v = cfg.vision_config
    arch = "Qwen2_5_VLForConditionalGeneration" if variant == "qwen2_5_vl" else "Qwen2VLForConditionalGeneration"
    out = {
        "architectures": [arch],
        "attention_dropout": t.attention_dropout,
        "bos_token_id": t.bos_token_id,
        "eos_token_id": t.eos_token_id,
        "vision_start_token_id": cfg.vision_start_token_id,
        "vision_end_token_id": cfg.vision_end_token_id,
        "vision_token_id": cfg.vision_start_token_id + 2,
        "image_token_id": cfg.image_token_id,
        "video_token_id": cfg.video_token_id,
        "hidden_act": t.hidden_act,
        "hidden_size": t.hidden_size,
        "initializer_range": t.initializer_range,
        "intermediate_size": t.intermediate_size,
        "max_position_embeddings": t.max_position_embeddings,
        "max_window_layers": t.max_window_layers,
        "model_type": variant,
        "num_attention_heads": t.num_attention_heads,
        "num_hidden_layers": t.num_hidden_layers,
        "num_key_value_heads": t.num_key_value_heads,
        "rms_norm_eps": t.rms_norm_eps,
        "rope_theta": t.rope_parameters["rope_theta"],
        "sliding_window": 4096,
        "tie_word_embeddings": cfg.tie_word_embeddings,
        "torch_dtype": "float32",
        "transformers_version": "4.41.2",
        "use_cache": True,
        "use_sliding_window": False,
    }
    if variant == "qwen2_5_vl":
        out["vision_config"] = {
            "depth": v.depth, "hidden_act": v.hidden_act, "hidden_size": v.hidden_size,
            "intermediate_size": v.intermediate_size, "num_heads": v.num_heads, "in_chans": v.in_channels,
            "out_hidden_size": v.out_hidden_size, "patch_size": v.patch_size,
            "spatial_merge_size": v.spatial_merge_size, "spatial_patch_size": v.patch_size,
            "window_size": v.window_size, "fullatt_block_indexes": list(v.fullatt_block_indexes),
            "tokens_per_second": v.tokens_per_second, "temporal_patch_size": v.temporal_patch_size,
        }
    else:
        out["vision_config"] = {
            "depth": v.depth, "embed_dim": v.embed_dim, "mlp_ratio": v.mlp_ratio, "num_heads": v.num_heads,
            "in_chans": v.in_channels, "hidden_size": v.hidden_size, "hidden_act": v.hidden_act,
            "patch_size": v.patch_size, "spatial_merge_size": v.spatial_merge_size,
            "temporal_patch_size": v.temporal_patch_size,
        }
    out["rope_scaling"] = {"type": "mrope", "mrope_section": list(t.rope_parameters["mrope_section"])}
    out["vocab_size"] = t.vocab_size
    return out


# ----------------------------------------------------------------------------------------------------------------
# Inputs


class Inputs:
    """One prompt: ids, the image-pad mask, pixels, grids."""

    def __init__(self, ids, mm, pixel_values, grid_thw):
        self.ids = ids
        self.mm = mm
        self.pixel_values = pixel_values
        self.grid_thw = grid_thw

    def kwargs(self, ids=None, mm=None):
        ids = self.ids if ids is None else ids
        mm = self.mm if mm is None else mm
        return dict(input_ids=ids[None], mm_token_type_ids=mm[None], pixel_values=self.pixel_values,
                    image_grid_thw=self.grid_thw)

    def extended(self, extra_ids):
        ids = torch.cat([self.ids, extra_ids])
        mm = torch.cat([self.mm, torch.zeros_like(extra_ids, dtype=self.mm.dtype)])
        return ids, mm


def build_prompt(tok, hf_tok, processor, images, messages, image_names, merge):
    text = hf_tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    pads = text.count("<|image_pad|>")
    assert pads == len(image_names), (pads, image_names)
    feats = processor(images=[Image.open(images[n]) for n in image_names], return_tensors="pt")
    grids = feats["image_grid_thw"]
    expanded = text
    parts = expanded.split("<|image_pad|>")
    expanded = parts[0]
    for k, grid in enumerate(grids):
        expanded += "<|image_pad|>" * (int(grid.prod()) // (merge * merge)) + parts[k + 1]
    ids = tok.encode(expanded).ids
    assert ids == hf_tok(expanded, add_special_tokens=True)["input_ids"], "tokenizers and transformers disagree"
    ids = torch.tensor(ids, dtype=torch.long)
    mm = (ids == tok.token_to_id("<|image_pad|>")).to(torch.int32)
    return text, Inputs(ids, mm, feats["pixel_values"], grids)


# ----------------------------------------------------------------------------------------------------------------
# Goldens


def decoder_hidden_states(model, inputs):
    """hidden.0 = embeddings after the image scatter; hidden.K = output of decoder layer K-1; hidden.norm = final."""
    captured = {}
    lm = model.model.language_model

    def hook(key):
        def fn(_module, args, kwargs, output):
            out = output[0] if isinstance(output, tuple) else output
            captured[key] = out[0].detach().clone()
        return fn

    def embeds_hook(_module, args, kwargs):
        captured["0"] = kwargs["inputs_embeds"][0].detach().clone()

    handles = [lm.register_forward_pre_hook(embeds_hook, with_kwargs=True)]
    for k, layer in enumerate(lm.layers):
        handles.append(layer.register_forward_hook(hook(str(k + 1)), with_kwargs=True))
    handles.append(lm.norm.register_forward_hook(hook("norm"), with_kwargs=True))
    with torch.no_grad():
        logits = model(**inputs.kwargs()).logits[0]
    for h in handles:
        h.remove()
    return logits, captured


def vision_outputs(model, variant, pixel_values, grid_thw):
    """Merged embeddings and per-block hidden states, the latter in the processor's patch order."""
    visual = model.model.visual
    captured = {}

    def hook(key):
        def fn(_module, _args, output):
            out = output[0] if isinstance(output, tuple) else output
            captured[key] = out.detach().clone()
        return fn

    handles = [visual.patch_embed.register_forward_hook(hook("patch_embed"))]
    for k, blk in enumerate(visual.blocks):
        handles.append(blk.register_forward_hook(hook(str(k))))
    with torch.no_grad():
        embeds = torch.cat(model.model.get_image_features(pixel_values, grid_thw).pooler_output, dim=0)
    for h in handles:
        h.remove()
    if variant == "qwen2_5_vl":
        vc = model.config.vision_config
        window_index, _ = get_vision_window_index(grid_thw, vc.spatial_merge_size, vc.window_size, vc.patch_size)
        reverse = torch.argsort(window_index)
        unit = vc.spatial_merge_size ** 2
        for k in range(len(visual.blocks)):
            h = captured[str(k)]
            captured[str(k)] = h.reshape(h.shape[0] // unit, unit, -1)[reverse].reshape(h.shape[0], -1)
    return embeds, captured


def response_logprobs(model, inputs, response_ids, temperature, grad=False):
    ids, mm = inputs.extended(response_ids)
    ctx = torch.enable_grad() if grad else torch.no_grad()
    with ctx:
        logits = model(**inputs.kwargs(ids, mm)).logits[0]
        start = inputs.ids.shape[0] - 1
        step = logits[start:start + response_ids.shape[0]]
        lp = torch.log_softmax(step / temperature, dim=-1).gather(1, response_ids[:, None])[:, 0]
    return lp


def greedy(model, inputs, eos_ids, pad_id):
    model.model.rope_deltas = None
    with torch.no_grad():
        out = model.generate(**inputs.kwargs(), max_new_tokens=MAX_NEW_TOKENS, do_sample=False, num_beams=1,
                             repetition_penalty=1.0, temperature=None, top_p=None, top_k=None,
                             eos_token_id=eos_ids, pad_token_id=pad_id, output_logits=True,
                             return_dict_in_generate=True)
    new = out.sequences[0, inputs.ids.shape[0]:]
    margins = []
    for step_logits in out.logits:
        top = torch.topk(step_logits[0], 2).values
        margins.append(float(top[0] - top[1]))
    # The same tokens from full (cache-free) forwards: greedy must not hinge on cache numerics.
    ids, mm = inputs.extended(new)
    with torch.no_grad():
        logits = model(**inputs.kwargs(ids, mm)).logits[0]
    start = inputs.ids.shape[0] - 1
    assert torch.equal(logits[start:start + new.shape[0]].argmax(-1), new), "cached and full greedy differ"
    return new, margins


def lora_state_name(param_name):
    return param_name.replace(".lora_A.default.", ".lora_A.").replace(".lora_B.default.", ".lora_B.")


def published_lora_name(peft_name):
    """PEFT name under the published module path (no 'language_model' level)."""
    return peft_name.replace("base_model.model.model.language_model.", "base_model.model.model.")


def make_variant(variant, tok, hf_tok, images, seed, scale):
    vdir = OUT / variant
    ckpt = vdir / "checkpoint"
    if vdir.exists():
        shutil.rmtree(vdir)
    ckpt.mkdir(parents=True)
    write_tokenizer(tok, ckpt)
    hf_tok = PreTrainedTokenizerFast.from_pretrained(str(ckpt))
    assert hf_tok.chat_template == CHAT_TEMPLATE

    vocab = int(math.ceil(tok.get_vocab_size() / 32.0) * 32)
    cfg = build_config(variant, tok, vocab)
    cls = MODEL_CLASSES[variant]
    torch.manual_seed(seed)
    model = cls(cfg).to(torch.float32).eval()
    randomize(model, seed + 1, scale)
    shard = {"max_shard_size": "300KB"} if variant == "qwen2_5_vl" else {}
    model.save_pretrained(str(ckpt), safe_serialization=True, **shard)
    eos_ids = [tok.token_to_id("<|im_end|>"), tok.token_to_id("<|endoftext|>")]
    pad_id = tok.token_to_id("<|endoftext|>")
    write_json(ckpt / "generation_config.json", {
        "bos_token_id": pad_id,
        "pad_token_id": pad_id,
        "do_sample": True,
        "eos_token_id": eos_ids,
        "repetition_penalty": 1.05,
        "temperature": 0.1,
        "top_k": 1,
        "top_p": 0.001,
    })
    write_json(ckpt / "preprocessor_config.json", {
        "min_pixels": MIN_PIXELS,
        "max_pixels": MAX_PIXELS,
        "patch_size": 14,
        "temporal_patch_size": 2,
        "merge_size": 2,
        "image_mean": IMAGE_MEAN,
        "image_std": IMAGE_STD,
        "image_processor_type": "Qwen2VLImageProcessor",
        "processor_class": "Qwen2_5_VLProcessor" if variant == "qwen2_5_vl" else "Qwen2VLProcessor",
    })
    pub = published_config(variant, cfg)
    write_json(vdir / "config-published.json", pub)

    model = cls.from_pretrained(str(ckpt), dtype=torch.float32, attn_implementation=ATTN).eval()
    pre = json.loads((ckpt / "preprocessor_config.json").read_text())
    processor = Qwen2VLImageProcessorPil(min_pixels=pre["min_pixels"], max_pixels=pre["max_pixels"],
                                         patch_size=pre["patch_size"], temporal_patch_size=pre["temporal_patch_size"],
                                         merge_size=pre["merge_size"], image_mean=pre["image_mean"],
                                         image_std=pre["image_std"])
    merge = cfg.vision_config.spatial_merge_size
    golden = {}
    info = {
        "variant": variant,
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "tokenizers": tokenizers.__version__, "safetensors": safetensors.__version__,
                     "peft": peft.__version__, "numpy": np.__version__},
        "attn_implementation": ATTN,
        "seed": seed,
        "weight_scale": scale,
        "vocab_size": vocab,
        "tokenizer_size": tok.get_vocab_size(),
        "special_token_ids": {t: tok.token_to_id(t) for t in SPECIAL_TOKENS},
        "image_processor": {"class": type(processor).__name__, "min_pixels": MIN_PIXELS, "max_pixels": MAX_PIXELS},
    }

    # Images and the vision tower.
    info["images"] = {}
    for name in ("small", "large"):
        feats = processor(images=[Image.open(images[name])], return_tensors="pt")
        pv, grid = feats["pixel_values"], feats["image_grid_thw"]
        embeds, hidden = vision_outputs(model, variant, pv, grid)
        golden[f"image.{name}.pixel_values"] = pv
        golden[f"image.{name}.grid_thw"] = grid[0].to(torch.int64)
        golden[f"image.{name}.vision_embeds"] = embeds
        for key, value in hidden.items():
            golden[f"image.{name}.vision_hidden.{key}"] = value
        w, h = Image.open(images[name]).size
        info["images"][name] = {"file": f"images/{name}.png", "width": w, "height": h,
                                "grid_thw": grid[0].tolist(),
                                "resized_height": int(grid[0][1]) * 14, "resized_width": int(grid[0][2]) * 14}
    info["vision_hidden"] = ("vision_hidden.patch_embed = patch embedding output; vision_hidden.K = output of vision "
                             "block K; all [patches, vision hidden] in the image processor's patch order "
                             "(2.5: window permutation undone)")

    # Prompts.
    prompts = {
        "prompt1": {
            "messages": [
                {"role": "system", "content": Q_INSIGHT_SYSTEM},
                {"role": "user", "content": [{"type": "image"}, {"type": "text", "text": SCORE_USER}]},
            ],
            "images": ["small"],
        },
        "prompt2": {
            "messages": [
                {"role": "user", "content": [{"type": "image"}, {"type": "image"},
                                             {"type": "text", "text": SCORE_NUMBER_USER}]},
            ],
            "images": ["small", "large"],
        },
    }
    built = {}
    info["prompts"] = {}
    for key, spec in prompts.items():
        text, inputs = build_prompt(tok, hf_tok, processor, images, spec["messages"], spec["images"], merge)
        built[key] = inputs
        pos, _ = model.model.get_rope_index(inputs.ids[None], inputs.mm[None], inputs.grid_thw)
        pos = pos[:, 0, :]
        logits, hidden = decoder_hidden_states(model, inputs)
        with torch.no_grad():
            explicit = model(input_ids=inputs.ids[None], position_ids=pos[:, None, :],
                             pixel_values=inputs.pixel_values, image_grid_thw=inputs.grid_thw).logits[0]
        assert torch.allclose(explicit, logits, atol=1e-5, rtol=0), "explicit positions disagree"
        golden[f"{key}.input_ids"] = inputs.ids
        golden[f"{key}.position_ids"] = pos.to(torch.int64)
        golden[f"{key}.logits"] = logits
        for k, value in hidden.items():
            golden[f"{key}.hidden.{k}"] = value
        info["prompts"][key] = {"messages": spec["messages"], "images": spec["images"],
                                "add_generation_prompt": True, "rendered": text,
                                "length": int(inputs.ids.shape[0]),
                                "image_pad_count": int(inputs.mm.sum())}
    info["decoder_hidden"] = ("hidden.0 = input embeddings after the image scatter; hidden.K (K >= 1) = output of "
                              "decoder layer K-1; hidden.norm = after the final RMSNorm (what lm_head sees)")

    p1 = built["prompt1"]
    new, margins = greedy(model, p1, eos_ids, pad_id)
    golden["prompt1.greedy_ids"] = new.to(torch.int64)
    ended = bool(new.shape[0] > 0 and int(new[-1]) in eos_ids)
    info["greedy"] = {"max_new_tokens": MAX_NEW_TOKENS, "do_sample": False, "repetition_penalty": 1.0,
                      "eos_token_ids": eos_ids, "count": int(new.shape[0]), "ended_with_eos": ended,
                      "text": tok.decode(new.tolist(), skip_special_tokens=False),
                      "top2_margins": [round(m, 6) for m in margins], "min_top2_margin": round(min(margins), 6)}
    if min(margins) < GREEDY_MIN_MARGIN:
        raise NotDecisive(f"{variant}: min greedy top-2 margin {min(margins)} at scale {scale}")

    response = torch.tensor(tok.encode(RESPONSE).ids, dtype=torch.long)
    golden["prompt1.response_ids"] = response
    golden["prompt1.response_logprobs_t1"] = response_logprobs(model, p1, response, 1.0)
    golden["prompt1.response_logprobs_t07"] = response_logprobs(model, p1, response, 0.7)
    info["response"] = {"text": RESPONSE, "count": int(response.shape[0]),
                        "logprobs": "log_softmax(logits / temperature) at the response tokens, "
                                    "logits of the full sequence prompt1 + response",
                        "temperatures": {"response_logprobs_t1": 1.0, "response_logprobs_t07": 0.7}}

    info["lora"] = make_lora(variant, model, cls, ckpt, vdir, p1, response, golden)

    info["checkpoint_tensors"] = checkpoint_tensor_names(ckpt)
    info["config_published_check"] = check_published_config(variant, cls, pub, ckpt, p1, golden["prompt1.logits"])

    write_safetensors(vdir / "golden.safetensors", golden)
    info["golden_tensors"] = {k: {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape)}
                              for k, v in sorted(golden.items())}
    write_json(vdir / "golden.json", info)
    return info


class NotDecisive(Exception):
    pass


def make_lora(variant, base, cls, ckpt, vdir, p1, response, golden):
    from peft import LoraConfig, PeftModel, get_peft_model

    model = cls.from_pretrained(str(ckpt), dtype=torch.float32, attn_implementation=ATTN).eval()
    config = LoraConfig(r=LORA_R, lora_alpha=LORA_ALPHA, lora_dropout=0.0, target_modules=LORA_TARGETS,
                        bias="none", init_lora_weights=True)
    torch.manual_seed(7)
    pm = get_peft_model(model, config)
    gen = torch.Generator().manual_seed(8)
    with torch.no_grad():
        for name, p in pm.named_parameters():
            if ".lora_B." in name:
                p.copy_(torch.randn(p.shape, generator=gen) * 0.2)
    pm.eval()
    targeted = sorted({n.rsplit(".lora_", 1)[0] for n, _ in pm.named_parameters() if ".lora_" in n})
    assert all(".language_model." in n for n in targeted), targeted

    adir = vdir / "adapter"
    pm.save_pretrained(str(adir))
    # PEFT lists target_modules in set order and records the absolute base path: make both stable.
    adapter_config = json.loads((adir / "adapter_config.json").read_text(encoding="utf-8"))
    adapter_config["target_modules"] = sorted(adapter_config["target_modules"])
    adapter_config["base_model_name_or_path"] = "../checkpoint"
    write_json(adir / "adapter_config.json", adapter_config)
    readme = adir / "README.md"
    if readme.exists():
        readme.unlink()
    saved = load_file(str(adir / "adapter_model.safetensors"))

    with torch.no_grad():
        lora_logits = pm(**p1.kwargs()).logits[0]
    assert not torch.allclose(lora_logits, golden["prompt1.logits"], atol=1e-3), "LoRA does not change logits"
    golden["lora.prompt1.logits"] = lora_logits

    pm.zero_grad()
    lp = response_logprobs(pm, p1, response, 1.0, grad=True)
    count = response.shape[0]
    loss = -(ADVANTAGE * torch.exp(lp - lp.detach())).sum() / count
    loss.backward()
    golden["lora.prompt1.response_logprobs_t1"] = lp.detach()
    grads = {}
    for name, p in pm.named_parameters():
        if p.requires_grad:
            grads[lora_state_name(name)] = p.grad.detach().clone()
    assert set(grads) == set(saved), (sorted(set(grads) ^ set(saved)))
    for name, g in grads.items():
        golden[f"lora.grad.{name}"] = g
    prefix = sorted(saved)[0].split(".layers.")[0] + "."

    # Does PEFT load an adapter named under the published module path?
    with tempfile.TemporaryDirectory() as tmp:
        pub_dir = Path(tmp)
        shutil.copy(adir / "adapter_config.json", pub_dir / "adapter_config.json")
        save_file({published_lora_name(k): v.contiguous() for k, v in saved.items()},
                  str(pub_dir / "adapter_model.safetensors"), metadata={"format": "pt"})
        fresh = cls.from_pretrained(str(ckpt), dtype=torch.float32, attn_implementation=ATTN).eval()
        loaded = PeftModel.from_pretrained(fresh, str(pub_dir)).eval()
        with torch.no_grad():
            pub_logits = loaded(**p1.kwargs()).logits[0]
        published_ok = bool(torch.allclose(pub_logits, lora_logits, atol=1e-5, rtol=0))
    # And the file PEFT wrote, as a check of the round trip.
    fresh = cls.from_pretrained(str(ckpt), dtype=torch.float32, attn_implementation=ATTN).eval()
    loaded = PeftModel.from_pretrained(fresh, str(adir)).eval()
    with torch.no_grad():
        own_ok = bool(torch.allclose(loaded(**p1.kwargs()).logits[0], lora_logits, atol=1e-5, rtol=0))
    assert own_ok, "PEFT does not reload its own adapter"
    return {
        "config": {"r": LORA_R, "lora_alpha": LORA_ALPHA, "lora_dropout": 0.0, "target_modules": LORA_TARGETS,
                   "scaling": LORA_ALPHA / LORA_R, "lora_B_init": "normal(0, 0.2), seed 8"},
        "saved_tensor_prefix": prefix,
        "example_saved_name": sorted(saved)[0],
        "published_path_example": published_lora_name(sorted(saved)[0]),
        "peft_loads_published_path_names": published_ok,
        "peft_expects_names_like": sorted(saved)[0] if not published_ok else published_lora_name(sorted(saved)[0]),
        "published_path_check": ("adapter_model.safetensors renamed to the published module path (no "
                                 "'language_model.' level) and loaded with PeftModel.from_pretrained onto the same "
                                 "base; equal logits to lora.prompt1.logits means PEFT maps the names"),
        "advantage": ADVANTAGE,
        "response_count": int(count),
        "loss_formula": "loss = -(A * exp(lp - lp.detach())).sum() / T, lp = lora.prompt1.response_logprobs_t1",
        "loss": float(loss.detach()),
        "grad_tensors": sorted(grads),
    }


def checkpoint_tensor_names(ckpt):
    names = {}
    for f in sorted(ckpt.glob("*.safetensors")):
        for k, v in load_file(str(f)).items():
            names[k] = list(v.shape)
    return {"files": sorted(f.name for f in ckpt.glob("*.safetensors")),
            "tensors": dict(sorted(names.items()))}


def check_published_config(variant, cls, pub, ckpt, p1, expected):
    """The published layout loads as the same model: same weights give the same logits."""
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        for f in ckpt.iterdir():
            if f.name != "config.json":
                shutil.copy(f, d / f.name)
        write_json(d / "config.json", pub)
        m = cls.from_pretrained(str(d), dtype=torch.float32, attn_implementation=ATTN).eval()
        with torch.no_grad():
            logits = m(**p1.kwargs()).logits[0]
    same = bool(torch.allclose(logits, expected, atol=1e-5, rtol=0))
    assert same, f"{variant}: config-published.json does not give the same model"
    return {"loads_as_same_model": same}


# ----------------------------------------------------------------------------------------------------------------
# Real tokenizer


def real_tokenizer_golden():
    tok = Tokenizer.from_file(str(REAL_TOKENIZER))
    texts = {
        "english": "The quick brown fox jumps over the lazy dog. Image quality is subjective.",
        "digits_json": "Rated 12345 of 67890: {\"score\": 3.75}",
        "unicode": "Caf\u00e9 na\u00efve \u4e2d\u6587\u56fe\u50cf\u8d28\u91cf \U0001F600\U0001F44D",
        "whitespace": "line one\n\nline  two\t tab   end  ",
        "chat_prompt": ("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n"
                        "<|vision_start|><|image_pad|><|image_pad|><|vision_end|>What is your overall rating on "
                        "the quality of this picture?<|im_end|>\n<|im_start|>assistant\n"),
        "response": "<answer>{\"rating\": 4.25}</answer><|im_end|><|endoftext|>",
    }
    out = {"tokenizer": "shared/models/qwen-tokenizer/tokenizer.json",
           "how": "tokenizers.Tokenizer.from_file(...).encode(text).ids (== add_special_tokens=False here); "
                  "decode(ids, skip_special_tokens=True)",
           "tokenizers_version": tokenizers.__version__, "texts": {}}
    for key, text in texts.items():
        enc = tok.encode(text)
        assert enc.ids == tok.encode(text, add_special_tokens=False).ids
        out["texts"][key] = {"text": text, "ids": enc.ids, "tokens": enc.tokens,
                             "decoded_skip_special": tok.decode(enc.ids, skip_special_tokens=True),
                             "decoded": tok.decode(enc.ids, skip_special_tokens=False)}
    write_json(OUT / "real-tokenizer-golden.json", out)


# ----------------------------------------------------------------------------------------------------------------
# Output helpers


def write_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_safetensors(path, tensors):
    clean = {}
    for k, v in tensors.items():
        v = v.detach().contiguous()
        if v.dtype.is_floating_point:
            v = v.to(torch.float32)
        elif v.dtype != torch.int64:
            v = v.to(torch.int64)
        clean[k] = v
    save_file(dict(sorted(clean.items())), str(path), metadata={"format": "pt"})


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=["qwen2_5_vl", "qwen2_vl"], help="make one variant")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    images = make_images(OUT / "images")
    tok = build_tokenizer()
    real_tokenizer_golden()
    seeds = {"qwen2_5_vl": 1234, "qwen2_vl": 4321}
    summary = {}
    for variant in ([args.only] if args.only else ["qwen2_5_vl", "qwen2_vl"]):
        for scale in (4.0, 5.0, 6.0, 8.0):
            try:
                info = make_variant(variant, tok, None, images, seeds[variant], scale)
                summary[variant] = {"scale": scale, "min_top2_margin": info["greedy"]["min_top2_margin"]}
                break
            except NotDecisive as e:
                print(f"not decisive, trying a larger scale: {e}", file=sys.stderr)
        else:
            raise SystemExit(f"{variant}: no scale gave decisive greedy decoding")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
