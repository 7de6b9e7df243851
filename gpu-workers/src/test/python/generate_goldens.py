#!/usr/bin/env python3
"""Writes the golden fixtures of visq.gpu.rewards and visq.gpu.training.

An independent implementation of /work/shared/spec/method.md using only numpy, scipy and torch (reference
libraries: scipy.special for erf, scipy.stats for Φ, torch autograd for the loss gradient, torch.optim.AdamW,
torch.optim.lr_scheduler and torch.nn.utils.clip_grad_norm_). Deterministic: the same environment regenerates
byte-identical files.

Usage: generate_goldens.py OUTPUT_DIR
"""
import json
import math
import os
import re
import sys

import numpy as np
import scipy
import scipy.special
import scipy.stats
import torch

GAMMA = 1e-6
EPS_SCORE = 0.35
ALPHA1, ALPHA2 = 0.25, 0.75
STD_EPS = 1e-4


def f32(a):
    """Plain Python floats holding float32 values exactly."""
    return np.asarray(a, dtype=np.float32).astype(np.float64).tolist()


def write(out_dir, name, payload):
    payload = {"source": "generate_goldens.py (numpy %s, scipy %s, torch %s)"
               % (np.__version__, scipy.__version__, torch.__version__), **payload}
    with open(os.path.join(out_dir, name), "w") as f:
        json.dump(payload, f, indent=1, sort_keys=True, allow_nan=False)
        f.write("\n")


# ---------------------------------------------------------------- Φ, erf, erfc (scipy)

def normal_cdf_goldens():
    xs = [0.0, 1e-300, 1e-10, 1e-3, 0.1, 0.25, 0.4999, 0.5, 0.75, 0.9999, 1.0, 1.0001, 1.5, 2.0, 2.5, 3.0, 4.0,
          5.0, 6.0, 8.0, 10.0, 15.0, 20.0, 26.0, 27.0]
    xs = sorted(set(xs + [-x for x in xs]))
    zs = [0.0, 0.1, -0.1, 0.5, -0.5, 1.0, -1.0, 1.96, -1.96, 2.5, -2.5, 3.0, -3.0, 5.0, -5.0, 8.0, -8.0, -10.0,
          -20.0, -30.0, -37.0, 37.0]
    return {
        "erf": [[x, float(scipy.special.erf(x))] for x in xs],
        "erfc": [[x, float(scipy.special.erfc(x))] for x in xs],
        "phi": [[z, float(scipy.stats.norm.cdf(z))] for z in zs],
    }


# ---------------------------------------------------------------- parsing and per-response rewards

class Unparsable(Exception):
    pass


def flat_json(text):
    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise Unparsable("duplicate key")
        return dict(pairs)

    def no_constants(name):
        raise Unparsable("non-finite constant " + name)

    try:
        obj = json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constants)
    except (ValueError, RecursionError) as e:
        raise Unparsable(str(e))
    if not isinstance(obj, dict):
        raise Unparsable("not an object")
    for v in obj.values():
        if isinstance(v, (dict, list)):
            raise Unparsable("nested")
        if isinstance(v, float) and not math.isfinite(v):
            raise Unparsable("out of range")
    return obj


def first_block(text):
    start = text.find("<answer>")
    if start < 0:
        raise Unparsable("no block")
    end = text.find("</answer>", start + len("<answer>"))
    if end < 0:
        raise Unparsable("no block")
    return text[start + len("<answer>"):end]


def q_insight_rating(text):
    obj = flat_json(first_block(text))
    v = obj.get("rating")
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise Unparsable("rating")
    return float(v)


def vq_score(text):
    blocks = re.findall(r"<answer>(.*?)</answer>", text, re.DOTALL)
    if not blocks:
        raise Unparsable("no block")
    m = re.search(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)", blocks[-1], re.ASCII)
    if not m:
        raise Unparsable("no number")
    value = float(m.group(0))
    if not math.isfinite(value):
        raise Unparsable("range")
    return value


def q_insight_degradation(text):
    obj = flat_json(first_block(text))
    for key in ("distortion_class", "severity"):
        if key not in obj or not (obj[key] is None or isinstance(obj[key], str)):
            raise Unparsable(key)
    return obj["distortion_class"], obj["severity"]


def comparison(text):
    content = first_block(text).strip()
    if content.endswith("."):
        content = content[:-1]
    if len(content) >= 2 and content[0] == '"' and content[-1] == '"':
        content = content[1:-1]
    labels = ["Image A", "Image B", "Similar"]
    if content in labels:
        return content
    named = [l for l in labels if l in content]
    if len(named) == 1:
        return named[0]
    raise Unparsable("comparison")


def or_none(fn, text):
    try:
        return fn(text)
    except Unparsable:
        return None


def format_q_insight(text):
    m = re.fullmatch(r"<think>\n(.*)\n</think>\n<answer>\n(\{[^{}]*\})\n</answer>", text, re.DOTALL)
    if not m:
        return 0.0
    if any(tag in m.group(1) for tag in ("<think>", "</think>", "<answer>", "</answer>")):
        return 0.0
    try:
        flat_json(m.group(2))
    except Unparsable:
        return 0.0
    return 1.0


def format_vq(text):
    return 1.0 if re.fullmatch(r"<think>.*?</think>\s*<answer>.*?</answer>", text, re.DOTALL | re.ASCII) else 0.0


def score_reward(text, truth):
    pred = or_none(q_insight_rating, text)
    return 1.0 if pred is not None and abs(pred - truth) < EPS_SCORE else 0.0


def degradation_reward(text, truth_class, truth_severity):
    try:
        c, s = q_insight_degradation(text)
    except Unparsable:
        return 0.0
    same_class = c == truth_class
    return (ALPHA1 if same_class else 0.0) + (ALPHA2 if same_class and s == truth_severity else 0.0)


TEXTS = [
    '<think>\nsharp, well lit\n</think>\n<answer>\n{"rating": 3.45}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"rating": 4}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"rating": -1.5e-1}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{ "rating" : 2.0 , "note": "fine" }\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"rating": "3.45"}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"rating": true}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"rating": null}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"score": 3.1}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"rating": 3.1, "rating": 2.0}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"rating": {"value": 3}}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"rating": [3]}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"rating": 3.1,}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"rating": 03.1}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"rating": .5}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"rating": NaN}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"rating": 3.1} extra\n</answer>',
    '<think>\nok\n</think>\n<answer>\nThe rating is {"rating": 3.1}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"rating": 3.1\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"rating": 3.1}\n',
    '<think>ok</think><answer>{"rating": 2.5}</answer>',
    '<think>ok</think> <answer>{"rating": 2.5}</answer> trailing',
    '<think>\nok\n</think>\n<answer>\n{"rating": 4.2}\n</answer>\n',
    ' <think>\nok\n</think>\n<answer>\n{"rating": 4.2}\n</answer>',
    '<think>\nfirst <answer> inside\n</think>\n<answer>\n{"rating": 4.2}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"rating": 1.0}\n</answer><answer>\n{"rating": 5.0}\n</answer>',
    '<think>\n\n</think>\n<answer>\n{}\n</answer>',
    '<think>\na\nb\n</think>\n<answer>\n{"s": "a\\"}\\u00e9"}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"s": "}{"}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"distortion_class": "blur", "severity": "moderate"}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"distortion_class": "blur", "severity": "serious"}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"distortion_class": "Blur", "severity": "moderate"}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"distortion_class": "noise", "severity": "moderate"}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"distortion_class": null, "severity": null}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"distortion_class": "blur", "severity": null}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"distortion_class": "blur"}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"distortion_class": 3, "severity": "moderate"}\n</answer>',
    '<think>\nok\n</think>\n<answer>\n{"distortion_class": "blur", "severity": "very bad"}\n</answer>',
    '<think>the image looks 3/5</think>\n<answer>3.45</answer>',
    '<think>hmm</think><answer>Score: 4.10 out of 5</answer>',
    '<think>hmm</think><answer>2</answer> wait <answer>about 3.75, maybe 4</answer>',
    '<think>hmm</think><answer>-0.5</answer>',
    '<think>hmm</think><answer>+.75</answer>',
    '<think>hmm</think><answer>3.</answer>',
    '<think>hmm</think><answer>no idea</answer>',
    '<think>hmm</think><answer>4.5',
    '<think>hmm</think>\n\n<answer>\n2.25\n</answer>',
    '<think>hmm</think>\n<answer>1e3</answer>',
    '<think>unterminated <answer>3.2',
    '',
    'just 3.5',
    '<answer>Image A</answer>',
    '<think>compare</think><answer> "Image B". </answer>',
    '<think>compare</think><answer>Similar</answer>',
    '<think>compare</think><answer>I prefer Image A over the other</answer>',
    '<think>compare</think><answer>Image A or Image B</answer>',
    '<think>compare</think><answer>image a</answer>',
    '<think>compare</think><answer></answer>',
]


def parsing_goldens():
    cases = []
    for text in TEXTS:
        deg = or_none(q_insight_degradation, text)
        cases.append({
            "text": text,
            "q_insight_rating": or_none(q_insight_rating, text),
            "visualquality_score": or_none(vq_score, text),
            "degradation": None if deg is None else {"distortion_class": deg[0], "severity": deg[1]},
            "comparison": or_none(comparison, text),
            "format_q_insight": format_q_insight(text),
            "format_visualquality_r1": format_vq(text),
        })
    return {"cases": cases}


def q_insight_reward_goldens():
    score_cases = []
    for text in TEXTS[:28]:
        for truth in (3.45, 3.0, 4.1, 3.80, 3.11):
            fmt, task = format_q_insight(text), score_reward(text, truth)
            score_cases.append({"text": text, "truth": truth, "format": fmt, "task": task, "total": fmt + task})
    # |pred - truth| exactly at and around ε in floating point
    for pred, truth in ((3.35, 3.0), (3.3499, 3.0), (2.65, 3.0), (2.6501, 3.0), (1.0, 1.0)):
        text = '<think>\nx\n</think>\n<answer>\n{"rating": %r}\n</answer>' % pred
        fmt, task = format_q_insight(text), score_reward(text, truth)
        score_cases.append({"text": text, "truth": truth, "format": fmt, "task": task, "total": fmt + task})
    degradation_cases = []
    truths = [("blur", "moderate"), ("noise", "moderate"), (None, None), ("compression", "catastrophic")]
    for text in TEXTS[26:37] + [TEXTS[0], TEXTS[44]]:
        for c, s in truths:
            fmt, task = format_q_insight(text), degradation_reward(text, c, s)
            degradation_cases.append({"text": text, "truth_class": c, "truth_severity": s,
                                      "format": fmt, "task": task, "total": fmt + task})
    return {"score": score_cases, "degradation": degradation_cases}


# ---------------------------------------------------------------- fidelity (VisualQuality-R1)

def fidelity(scores, mos, variant="THURSTONE"):
    """scores: [B][K] with None for unparsable (fixed penalty: reward 0, excluded from the statistics)."""
    q = np.array([[np.nan if v is None else v for v in row] for row in scores], dtype=np.float64)
    mos = np.asarray(mos, dtype=np.float64)
    B, K = q.shape
    parsed = ~np.isnan(q)
    n = parsed.sum(axis=1)
    mu = np.array([q[i][parsed[i]].mean() if n[i] > 0 else np.nan for i in range(B)])
    var = np.array([np.var(q[i][parsed[i]], ddof=1) if n[i] >= 2 else 0.0 for i in range(B)])
    if variant == "FIXED_VARIANCE_ONE":
        var = np.ones(B)
    r = np.zeros((B, K))
    for i in range(B):
        partners = [j for j in range(B) if j != i and n[j] > 0]
        for k in range(K):
            if not parsed[i, k] or not partners:
                continue
            total = 0.0
            for j in partners:
                p = 1.0 if mos[i] > mos[j] else (0.5 if mos[i] == mos[j] else 0.0)
                if variant == "BINARY":
                    pk = 1.0 if q[i, k] > mu[j] else (0.5 if q[i, k] == mu[j] else 0.0)
                else:
                    pk = scipy.stats.norm.cdf((q[i, k] - mu[j]) / math.sqrt(var[i] + var[j] + GAMMA))
                if variant == "PROBABILITY_AVERAGE":
                    total += p * pk + (1 - p) * (1 - pk)
                else:
                    total += math.sqrt(p * pk + GAMMA) + math.sqrt((1 - p) * (1 - pk) + GAMMA)
            r[i, k] = total / len(partners)
    return r.tolist()


def fidelity_goldens():
    rng = np.random.RandomState(7)
    base = np.round(rng.uniform(1, 5, size=(4, 6)), 2).tolist()
    cases = []

    def add(name, scores, mos, variants=("THURSTONE",)):
        for v in variants:
            cases.append({"name": name, "variant": v, "scores": scores, "mos": mos,
                          "rewards": fidelity(scores, mos, v)})

    all_variants = ("THURSTONE", "BINARY", "PROBABILITY_AVERAGE", "FIXED_VARIANCE_ONE")
    add("random 4x6", base, [3.1, 4.2, 1.7, 2.9], all_variants)
    add("mos ties", base, [3.0, 3.0, 2.0, 3.0], all_variants)
    add("zero variance", [[3.0] * 4, [3.0] * 4, [2.0] * 4], [4.0, 1.0, 2.0], all_variants)
    add("two images", [[4.1, 3.9, 4.5], [2.0, 2.5, 1.0]], [70.0, 30.0], all_variants)
    add("order reversed", [[2.0, 2.5, 1.0], [4.1, 3.9, 4.5]], [70.0, 30.0])
    unparsable = [row[:] for row in base]
    unparsable[0][1] = None
    unparsable[2][0] = None
    unparsable[2][3] = None
    add("unparsable entries", unparsable, [3.1, 4.2, 1.7, 2.9], all_variants)
    add("image without parsed score", [[None, None, None], [3.0, 3.5, 4.0], [2.0, 2.1, 1.5]], [1.0, 2.0, 3.0])
    add("image with one parsed score", [[None, 4.0, None], [3.0, 3.5, 4.0], [2.0, 2.1, 1.5]], [1.0, 2.0, 3.0])
    add("no partner", [[3.0, 4.0], [None, None]], [1.0, 2.0])
    return {"gamma": GAMMA, "cases": cases}


# ---------------------------------------------------------------- advantages

def advantages(groups, scaling):
    out = []
    flat = np.concatenate([np.asarray(g, dtype=np.float64) for g in groups])
    for g in groups:
        g = np.asarray(g, dtype=np.float64)
        centred = g - g.mean()
        if scaling == "GROUP_STD":
            centred = centred / (g.std(ddof=1) + STD_EPS)
        elif scaling == "BATCH_STD":
            centred = centred / (flat.std(ddof=1) + STD_EPS)
        out.append(centred.tolist())
    return out


def advantage_goldens():
    groups = [[1.0, 0.0, 1.0, 1.0, 0.0, 2.0, 1.25, 0.5],
              [0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7],
              [2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
              [0.123, 1.456, 0.789, 1.011, 0.5, 1.999, 0.25, 1.75]]
    return {"std_epsilon": STD_EPS, "groups": groups,
            "cases": [{"scaling": s, "advantages": advantages(groups, s)}
                      for s in ("GROUP_STD", "NONE", "BATCH_STD")]}


# ---------------------------------------------------------------- GRPO loss and its gradient (torch autograd)

def grpo_loss(logp, old, ref, adv, mask, eps_low, eps_high, beta, aggregation, max_len):
    ratio = torch.exp(logp - old)
    a = adv.unsqueeze(1)
    surrogate = torch.minimum(ratio * a, torch.clamp(ratio, 1 - eps_low, 1 + eps_high) * a)
    per_token = -surrogate
    if beta != 0:
        d = ref - logp
        per_token = per_token + beta * (torch.exp(d) - d - 1)
    masked = per_token * mask
    if aggregation == "SEQUENCE_MEAN":
        return (masked.sum(dim=1) / mask.sum(dim=1).clamp(min=1)).mean()
    if aggregation == "TOKEN_MEAN":
        return masked.sum() / mask.sum().clamp(min=1)
    return masked.sum() / (logp.shape[0] * max_len)


def loss_statistics(logp, old, ref, adv, mask, eps_low, eps_high):
    logp, old, mask = (np.asarray(x, dtype=np.float64) for x in (logp, old, mask))
    a = np.asarray(adv, dtype=np.float64)[:, None] * np.ones_like(logp)
    ratio = np.exp(logp - old)
    on = mask > 0
    clipped = ((ratio < 1 - eps_low) & (a < 0)) | ((ratio > 1 + eps_high) & (a > 0))
    stats = {"mean_ratio": float(ratio[on].mean()), "clip_fraction": float(clipped[on].mean())}
    if ref is not None:
        d = np.asarray(ref, dtype=np.float64) - logp
        stats["mean_kl"] = float((np.exp(d) - d - 1)[on].mean())
    else:
        stats["mean_kl"] = None
    return stats


def grpo_goldens():
    rng = np.random.RandomState(11)
    B, T = 4, 7
    logp = rng.uniform(-3.0, -0.1, size=(B, T)).astype(np.float32)
    old = (logp + rng.normal(0.0, 0.35, size=(B, T))).astype(np.float32)   # ratios well away from 1
    ref = (logp + rng.normal(0.0, 0.25, size=(B, T))).astype(np.float32)
    adv = np.array([1.3, -0.8, 0.0, -0.5], dtype=np.float32)
    lengths = [7, 3, 5, 1]
    mask = np.array([[1.0 if t < n else 0.0 for t in range(T)] for n in lengths], dtype=np.float32)
    mask_with_empty = mask.copy()
    mask_with_empty[3, :] = 0.0
    cases = []
    for aggregation in ("SEQUENCE_MEAN", "TOKEN_MEAN", "CONSTANT_NORMALISER"):
        for eps_low, eps_high in ((0.2, 0.2), (0.2, 0.28)):
            for beta in (0.0, 0.04):
                for mask_name, m in (("lengths 7,3,5,1", mask), ("last response empty", mask_with_empty)):
                    if mask_name != "lengths 7,3,5,1" and (eps_high != 0.2 or beta == 0.0):
                        continue
                    lp = torch.tensor(logp, requires_grad=True)
                    loss = grpo_loss(lp, torch.tensor(old), torch.tensor(ref), torch.tensor(adv), torch.tensor(m),
                                     eps_low, eps_high, beta, aggregation, 256)
                    loss.backward()
                    case = {"aggregation": aggregation, "eps_low": eps_low, "eps_high": eps_high, "beta": beta,
                            "max_completion_length": 256, "mask_name": mask_name, "mask": f32(m),
                            "loss": float(loss.item()), "grad": f32(lp.grad.numpy())}
                    case.update(loss_statistics(logp, old, ref, adv, m, eps_low, eps_high))
                    cases.append(case)
    return {"log_probs": f32(logp), "old_log_probs": f32(old), "ref_log_probs": f32(ref), "advantages": f32(adv),
            "cases": cases}


# ---------------------------------------------------------------- AdamW, schedule, clipping (torch)

def adamw_goldens():
    rng = np.random.RandomState(5)
    shapes = [(3, 4), (5,)]
    init = [rng.normal(0, 1, size=s).astype(np.float32) for s in shapes]
    steps = 5
    grads = [[rng.normal(0, 0.5, size=s).astype(np.float32) for s in shapes] for _ in range(steps)]
    lrs = [1e-2 * (steps - s) / steps for s in range(steps)]
    cases = []
    for weight_decay in (0.0, 0.01, 0.1):
        params = [torch.tensor(p.copy(), requires_grad=True) for p in init]
        opt = torch.optim.AdamW(params, lr=lrs[0], betas=(0.9, 0.999), eps=1e-8, weight_decay=weight_decay)
        after = []
        for s in range(steps):
            for group in opt.param_groups:
                group["lr"] = lrs[s]
            for p, g in zip(params, grads[s]):
                p.grad = torch.tensor(g)
            opt.step()
            after.append([f32(p.detach().numpy()) for p in params])
        state = [opt.state[p] for p in params]
        cases.append({"weight_decay": weight_decay, "params_after_step": after,
                      "exp_avg": [f32(s["exp_avg"].numpy()) for s in state],
                      "exp_avg_sq": [f32(s["exp_avg_sq"].numpy()) for s in state],
                      "step": [int(s["step"]) for s in state]})
    return {"betas": [0.9, 0.999], "eps": 1e-8, "shapes": [list(s) for s in shapes],
            "initial": [f32(p) for p in init], "grads": [[f32(g) for g in gs] for gs in grads],
            "learning_rates": lrs, "cases": cases}


def schedule_goldens():
    cases = []
    for base, warmup, total in ((1e-6, 0, 10), (3e-4, 4, 12), (1.0, 1, 3)):
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=base)
        if warmup == 0:
            sched = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1.0, end_factor=0.0, total_iters=total)
        else:
            sched = torch.optim.lr_scheduler.LambdaLR(
                opt, lambda s: s / warmup if s < warmup else max(0.0, (total - s) / (total - warmup)))
        lrs = []
        for _ in range(total + 2):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        cases.append({"base": base, "warmup": warmup, "total": total, "learning_rates": lrs})
    return {"cases": cases}


def clipping_goldens():
    rng = np.random.RandomState(3)
    grads = [rng.normal(0, 1, size=s).astype(np.float32) for s in ((4, 3), (6,), (2, 2))]
    cases = []
    for max_norm in (1.0, 2.5, 100.0):
        params = [torch.zeros(g.shape, requires_grad=True) for g in grads]
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g.copy())
        norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
        cases.append({"max_norm": max_norm, "norm": float(norm), "clipped": [f32(p.grad.numpy()) for p in params]})
    return {"grads": [f32(g) for g in grads], "shapes": [list(g.shape) for g in grads], "cases": cases}


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden")
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    write(out_dir, "normal_cdf.json", normal_cdf_goldens())
    write(out_dir, "parsing.json", parsing_goldens())
    write(out_dir, "q_insight_rewards.json", q_insight_reward_goldens())
    write(out_dir, "fidelity.json", fidelity_goldens())
    write(out_dir, "advantages.json", advantage_goldens())
    write(out_dir, "grpo_loss.json", grpo_goldens())
    write(out_dir, "adamw.json", adamw_goldens())
    write(out_dir, "lr_schedule.json", schedule_goldens())
    write(out_dir, "grad_clipping.json", clipping_goldens())


if __name__ == "__main__":
    main()
