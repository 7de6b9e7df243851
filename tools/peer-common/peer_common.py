"""What both PyTorch peers of `visq bench --only model` do the same way (tools/qwen-reference/bench_peer.py,
tools/compact-reference/bench_peer.py): reading and checking the Java bench's input, Visq's GRPO loss and the median
of the repetitions."""

import json
import sys
import time
from pathlib import Path

EXIT_BAD_INPUT = 2


def fail(message, code=EXIT_BAD_INPUT):
    print(f"bench_peer: {message}", file=sys.stderr)
    sys.exit(code)


def read_input(args, expected_format, check=lambda spec: None):
    """The input the Java bench wrote, after checking its format, `check(spec)` and that it matches the arguments."""
    path = Path(args.prompt_json)
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        fail(f"cannot read {path}: {e}")
    if spec.get("format") != expected_format:
        fail(f"{path} has format {spec.get('format')!r}, expected {expected_format!r}")
    check(spec)
    if spec["group_size"] != args.group:
        fail(f"--group {args.group} but {path} was made with G = {spec['group_size']}")
    if spec["new_tokens"] != args.new_tokens:
        fail(f"--new-tokens {args.new_tokens} but {path} was made with {spec['new_tokens']}")
    if args.repetitions <= 0:
        fail(f"--repetitions must be positive, got {args.repetitions}")
    if spec["sampling"]["greedy"]:
        fail("the bench samples; a greedy input is not supported")
    return spec


def grpo_loss(torch, lp, old, ref, advantages, mask, learner):
    """Visq's GrpoLoss: clipped surrogate plus beta times the k3 KL estimate, masked, then aggregated."""
    a = advantages[:, None]
    ratio = torch.exp(lp - old)
    surrogate = torch.minimum(ratio * a, ratio.clamp(1 - learner["eps_low"], 1 + learner["eps_high"]) * a)
    per_token = -surrogate
    if learner["beta"] != 0:
        d = ref - lp
        per_token = per_token + learner["beta"] * (torch.exp(d) - d - 1)
    masked = per_token * mask
    aggregation = learner["aggregation"]
    if aggregation == "SEQUENCE_MEAN":
        return (masked.sum(1) / mask.sum(1).clamp(min=1)).mean()
    if aggregation == "TOKEN_MEAN":
        return masked.sum() / mask.sum().clamp(min=1)
    if aggregation == "CONSTANT_NORMALISER":
        return masked.sum() / (mask.shape[0] * learner["max_completion_length"])
    raise ValueError(f"unknown loss aggregation {aggregation!r}")


def median(values):
    s = sorted(values)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


def time_learner_steps(step, repetitions, rows):
    """One warm-up call of `step`, then `repetitions` timed ones; prints the median and returns the milliseconds."""
    step()
    millis = []
    for _ in range(repetitions):
        started = time.perf_counter()
        step()
        millis.append((time.perf_counter() - started) * 1e3)
    print(f"learner: {median(millis):.1f} ms per GRPO step (median of {repetitions}; {rows} rollouts)")
    return millis
