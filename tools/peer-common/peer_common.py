"""What both PyTorch peers of `visq bench --only model` compute the same way (tools/qwen-reference/bench_peer.py,
tools/compact-reference/bench_peer.py): Visq's GRPO loss and the median of the repetitions."""


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
