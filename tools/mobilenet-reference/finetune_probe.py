#!/usr/bin/env python3
"""Fine-tuning probe: does unfreezing the top of the nsfwjs MobileNetV2 lift CLIVE validation SRCC above the
frozen ridge read-out of its pooled block_13_expand_relu features?

Reads what visq.gpu.image.features.CliveActivationDump wrote (activations of an earlier layer for the six views of
every CLIVE image, the raw weights of blocks 11 to 13_expand, MOS, the validation flag of DatasetSplit(20261123,
0.25) by image), rebuilds the layers above that layer in PyTorch with batch norm folded into the convolutions as
KerasNetwork.Execution.FOLD_BATCH_NORM does, and

  check     re-runs the dumped layers and compares block_13_expand_relu with Java's (first images) and the
            pooled features with Java's (all images), and reproduces the frozen ridge's validation numbers;
  tune      fine-tunes a setting (which blocks train) plus a linear head on the pooled features: MSE on training
            MOS standardised with the training part's mean and sd, AdamW; learning rate and epoch count chosen
            ONLY by 5-fold cross-validation inside the training photos (mean SRCC over the folds); then one run on
            all training photos with the chosen pair, reported on the validation photos (head, and a ridge refit
            on the fine-tuned features). The validation trajectory per epoch of that last run is printed for
            information only; nothing is chosen from it.

Pooling as MobileNetFeatures.pool: per view and channel the mean and population std over the 14x14 positions;
[whole view's mean (576), whole view's std, mean of the five crops' means, mean of the five crops' stds].
Ridge as RidgeProbe: columns standardised with the training rows' mean and population sd, dual solution, lambda
from {0.1 ... 30000} by 5-fold CV (fold = row index mod 5, rows in mos.csv order) on MSE inside the training rows.

  /work/venv-qwen/bin/python tools/mobilenet-reference/finetune_probe.py check --data /work/tune-data
  /work/venv-qwen/bin/python tools/mobilenet-reference/finetune_probe.py tune --data /work/tune-data \
      --setting 13e --lrs 1e-4,3e-4,1e-3 --epochs 8
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

LAMBDAS = [0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000, 3000, 10000, 30000]
FOLDS = 5
TOP = "block_13_expand_relu"
# which dumped layer feeds each setting, and which blocks run above it (all of them train)
SETTINGS = {
    "13e": ("block_12_add", ["13e"]),
    "12+13e": ("block_11_add", ["12", "13e"]),
    "11+12+13e": ("block_10_project_BN", ["11", "12", "13e"]),
}


# ---------------------------------------------------------------- data

def load_meta(data):
    with open(os.path.join(data, "meta.json")) as f:
        meta = json.load(f)
    meta["mos"] = np.array(meta["mos"], dtype=np.float64)
    meta["validation"] = np.array(meta["validation"], dtype=bool)
    return meta


def load_activations(data, meta, layer):
    n = len(meta["ids"])
    h, w, c = meta["layers"][layer]
    raw = np.fromfile(os.path.join(data, "act_" + layer + ".f32"), dtype="<f4")
    raw = raw.reshape(n * meta["views"], h, w, c)
    return torch.from_numpy(np.ascontiguousarray(raw.transpose(0, 3, 1, 2)))  # (N*6, C, H, W)


def weight(data, meta, name):
    shape = meta["weights"][name]
    return np.fromfile(os.path.join(data, "w_" + name.replace("/", "_") + ".f32"), dtype="<f4").reshape(shape)


def folded(data, meta, conv, depthwise):
    """Keras kernel (kh, kw, in, out|mult) and the batch norm after it, folded as ConvolutionLayer.foldedWith."""
    if depthwise:
        k = weight(data, meta, conv + "/depthwise_kernel")  # (3, 3, C, 1)
        w = k.transpose(2, 3, 0, 1)  # (C, 1, 3, 3)
    else:
        k = weight(data, meta, conv + "/kernel")  # (1, 1, in, out)
        w = k.transpose(3, 2, 0, 1)  # (out, in, 1, 1)
    bn = conv + "_BN"
    eps = meta["epsilon"][bn]
    gamma = weight(data, meta, bn + "/gamma").astype(np.float64)
    var = weight(data, meta, bn + "/moving_variance").astype(np.float64)
    scale = (gamma / np.sqrt(var + eps)).astype(np.float32)
    mean = weight(data, meta, bn + "/moving_mean")
    beta = weight(data, meta, bn + "/beta")
    fw = (w * scale[:, None, None, None]).astype(np.float32)
    fb = ((0 - mean) * scale + beta).astype(np.float32)
    return torch.from_numpy(np.ascontiguousarray(fw)), torch.from_numpy(fb)


class Top(torch.nn.Module):
    """The layers above a dumped one up to block_13_expand_relu, batch norm folded; every parameter trains."""

    def __init__(self, data, meta, blocks):
        super().__init__()
        self.blocks = blocks
        self.params = torch.nn.ParameterDict()
        for b in blocks:
            if b == "13e":
                self._add("13e_expand", *folded(data, meta, "block_13_expand", False))
            else:
                self._add(b + "_expand", *folded(data, meta, "block_%s_expand" % b, False))
                self._add(b + "_dw", *folded(data, meta, "block_%s_depthwise" % b, True))
                self._add(b + "_project", *folded(data, meta, "block_%s_project" % b, False))

    def _add(self, name, w, b):
        self.params[name + "_w"] = torch.nn.Parameter(w)
        self.params[name + "_b"] = torch.nn.Parameter(b)

    def _conv(self, x, name, groups=1, padding=0):
        return F.conv2d(x, self.params[name + "_w"], self.params[name + "_b"], padding=padding, groups=groups)

    def forward(self, x):
        for b in self.blocks:
            if b == "13e":
                x = torch.clamp(self._conv(x, "13e_expand"), 0, 6)
            else:
                y = torch.clamp(self._conv(x, b + "_expand"), 0, 6)
                y = torch.clamp(self._conv(y, b + "_dw", groups=y.shape[1], padding=1), 0, 6)
                x = x + self._conv(y, b + "_project")
        return x


def pool(maps, views, eps=0.0):
    """(N*views, C, H, W) -> (N, 4C) as MobileNetFeatures.pool."""
    n = maps.shape[0] // views
    c = maps.shape[1]
    x = maps.reshape(n, views, c, -1)
    mean = x.mean(dim=3)
    std = torch.sqrt(((x - mean.unsqueeze(3)) ** 2).mean(dim=3) + eps)
    return torch.cat([mean[:, 0], std[:, 0], mean[:, 1:].mean(dim=1), std[:, 1:].mean(dim=1)], dim=1)


def features(top, acts, rows, views, chunk=32):
    """Pooled features of the images `rows`, no gradient."""
    out = []
    with torch.no_grad():
        for i in range(0, len(rows), chunk):
            r = rows[i:i + chunk]
            x = acts[view_index(r, views)]
            out.append(pool(top(x), views))
    return torch.cat(out).double().numpy()


def view_index(rows, views):
    rows = torch.as_tensor(rows)
    return (rows[:, None] * views + torch.arange(views)[None, :]).reshape(-1)


# ---------------------------------------------------------------- metrics and ridge

def ranks(v):
    order = np.argsort(v, kind="mergesort")
    r = np.empty(len(v))
    sv = v[order]
    i = 0
    while i < len(v):
        j = i
        while j + 1 < len(v) and sv[j + 1] == sv[i]:
            j += 1
        r[order[i:j + 1]] = (i + j) / 2.0 + 1
        i = j + 1
    return r


def plcc(a, b):
    return float(np.corrcoef(a, b)[0, 1])


def srcc(a, b):
    return plcc(ranks(np.asarray(a)), ranks(np.asarray(b)))


def moments(x, train):
    mean = x[train].mean(axis=0)
    sd = np.sqrt(((x[train] - mean) ** 2).mean(axis=0))
    return mean, sd


def standardise(x, mom):
    mean, sd = mom
    inv = np.where(sd > 1e-12, 1 / np.where(sd > 1e-12, sd, 1), 0)
    return (x - mean) * inv


def dual_alpha(k, y, lam):
    a = k + lam * np.eye(len(y))
    return np.linalg.solve(a, y - y.mean())


def choose_lambda(k, y, lambdas=LAMBDAS):
    n = len(y)
    best, best_err = lambdas[0], np.inf
    for lam in lambdas:
        err = 0.0
        for f in range(FOLDS):
            held = np.arange(n) % FOLDS == f
            a, b = np.where(~held)[0], np.where(held)[0]
            alpha = dual_alpha(k[np.ix_(a, a)], y[a], lam)
            p = y[a].mean() + k[np.ix_(b, a)] @ alpha
            err += ((p - y[b]) ** 2).sum()
        if err < best_err:
            best, best_err = lam, err
    return best


def ridge(x, y, train, test, lam=None):
    """RidgeProbe: returns (predictions on test, lambda, primal weights on standardised x, intercept, moments)."""
    mom = moments(x, train)
    s = standardise(x, mom)
    k = s[train] @ s[train].T
    if lam is None:
        lam = choose_lambda(k, y[train])
    alpha = dual_alpha(k, y[train], lam)
    w = s[train].T @ alpha
    b = y[train].mean()
    return s[test] @ w + b, lam, w, b, mom


# ---------------------------------------------------------------- fine-tuning

def finetune(data, meta, acts, setting, train, evals, lr, epochs, wd, batch, seed, head_scale, log=None):
    """Fine-tunes `setting` on images `train`; after each epoch evaluates the head on each (name, rows) of `evals`.
    Returns the per-epoch metrics {name: [(srcc, plcc, mse_std)]} and the final model with its head."""
    views = meta["views"]
    y = meta["mos"]
    torch.manual_seed(seed)
    top = Top(data, meta, SETTINGS[setting][1])
    x0 = features(top, acts, train, views)
    mom = moments(x0, np.arange(len(train)))
    ymean, ysd = y[train].mean(), y[train].std()
    ystd = (y[train] - ymean) / ysd
    # head initialised with the frozen ridge read-out (lambda by CV inside `train`) in standardised-MOS units
    _, lam, w, b, _ = ridge(x0, ystd, np.arange(len(train)), np.arange(0), None)
    mu = torch.from_numpy(mom[0]).float()
    inv = torch.from_numpy(np.where(mom[1] > 1e-12, 1 / np.where(mom[1] > 1e-12, mom[1], 1), 0)).float()
    head_w = torch.nn.Parameter(torch.from_numpy(w).float())
    head_b = torch.nn.Parameter(torch.tensor(float(b)))
    opt = torch.optim.AdamW([{"params": list(top.parameters())},
                             {"params": [head_w, head_b], "lr": lr * head_scale}], lr=lr, weight_decay=wd)
    gen = torch.Generator().manual_seed(seed)
    target = torch.from_numpy(ystd).float()
    history = {name: [] for name, _ in evals}

    def evaluate():
        for name, rows in evals:
            f = torch.from_numpy(features(top, acts, rows, views)).float()
            p = (((f - mu) * inv) @ head_w + head_b).detach().double().numpy()
            t = (y[rows] - ymean) / ysd
            history[name].append((srcc(p, y[rows]), plcc(p, y[rows]), float(((p - t) ** 2).mean())))

    evaluate()  # epoch 0: the frozen features with the ridge head
    for epoch in range(epochs):
        perm = torch.randperm(len(train), generator=gen)
        total = 0.0
        t0 = time.time()
        for i in range(0, len(train), batch):
            idx = perm[i:i + batch]
            x = acts[view_index(np.asarray(train)[idx.numpy()], views)]
            f = pool(top(x), views, eps=1e-10)
            p = ((f - mu) * inv) @ head_w + head_b
            loss = ((p - target[idx]) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        evaluate()
        if log:
            log("    epoch %d lr %g train mse %.4f (%.1f s) %s" % (epoch + 1, lr, total / len(train),
                time.time() - t0, " ".join("%s SRCC %.3f" % (n, h[-1][0]) for n, h in history.items())))
    return history, top


# ---------------------------------------------------------------- commands

def check(args):
    meta = load_meta(args.data)
    n, views = len(meta["ids"]), meta["views"]
    torch.set_num_threads(1)
    nc = meta["check_images"]
    java_top = np.fromfile(os.path.join(args.data, "check_" + TOP + ".f32"), dtype="<f4").reshape(nc * views, 14, 14, 576)
    java_top = torch.from_numpy(java_top.transpose(0, 3, 1, 2).copy())
    for setting, (layer, blocks) in SETTINGS.items():
        if not os.path.exists(os.path.join(args.data, "act_" + layer + ".f32")):
            continue
        acts = load_activations(args.data, meta, layer)
        top = Top(args.data, meta, blocks)
        with torch.no_grad():
            mine = top(acts[:nc * views])
        print("from %-20s blocks %-10s: max |python - java| of %s on %d images = %.2e (max |value| %.2f)"
              % (layer, "+".join(blocks), TOP, nc, (mine - java_top).abs().max().item(), java_top.abs().max().item()))
    java_pooled = np.fromfile(os.path.join(args.data, "pooled.f32"), dtype="<f4").reshape(n, -1).astype(np.float64)
    acts = load_activations(args.data, meta, "block_12_add")
    top = Top(args.data, meta, ["13e"])
    t0 = time.time()
    mine = features(top, acts, np.arange(n), views)
    print("pooled features (%d x %d) in %.1f s: max |python - java| = %.2e"
          % (n, mine.shape[1], time.time() - t0, np.abs(mine - java_pooled).max()))
    y = meta["mos"]
    train = np.where(~meta["validation"])[0]
    test = np.where(meta["validation"])[0]
    print("split: %d training, %d validation images" % (len(train), len(test)))
    for name, x in (("java pooled", java_pooled), ("python pooled", mine)):
        for lam in (300, None):
            p, chosen, *_ = ridge(x, y, train, test, lam)
            print("frozen ridge on %-13s lambda %-7s -> %7.1f: val SRCC %.3f PLCC %.3f"
                  % (name, "CV" if lam is None else lam, chosen, srcc(p, y[test]), plcc(p, y[test])))


def tune(args):
    torch.set_num_threads(1)
    meta = load_meta(args.data)
    y = meta["mos"]
    layer, blocks = SETTINGS[args.setting]
    acts = load_activations(args.data, meta, layer)
    train = np.where(~meta["validation"])[0]
    test = np.where(meta["validation"])[0]
    lrs = [float(v) for v in args.lrs.split(",")]
    log = print
    started = time.time()
    print("setting %s (from %s), %d parameters train; lrs %s (head x%g), up to %d epochs, wd %g, batch %d images, "
          "%d of %d CV folds"
          % (args.setting, layer, sum(p.numel() for p in Top(args.data, meta, blocks).parameters()) + 2305,
             lrs, args.head_lr_scale, args.epochs, args.wd, args.batch, args.cv_folds, FOLDS))
    # 1. selection by 5-fold CV inside the training photos (folds: position in the training list mod 5)
    cv = {}
    folds = args.cv_folds
    for lr in lrs:
        per_fold = []
        for f in range(folds):
            held = np.arange(len(train)) % FOLDS == f
            history, _ = finetune(args.data, meta, acts, args.setting, train[~held], [("cv", train[held])],
                                  lr, args.epochs, args.wd, args.batch, args.seed + f, args.head_lr_scale,
                                  log if args.verbose else None)
            per_fold.append([h[0] for h in history["cv"]])
            print("  lr %g fold %d: CV SRCC by epoch %s (%.0f s so far)"
                  % (lr, f, " ".join("%.3f" % v for v in per_fold[-1]), time.time() - started))
        cv[lr] = np.mean(per_fold, axis=0)
        print("  lr %g: mean CV SRCC by epoch %s" % (lr, " ".join("%.3f" % v for v in cv[lr])))
    best_lr, best_epoch = max(((lr, e) for lr in lrs for e in range(args.epochs + 1)), key=lambda p: cv[p[0]][p[1]])
    print("chosen by CV: lr %g, %d epochs (mean CV SRCC %.3f; epoch 0 = frozen ridge head %.3f)"
          % (best_lr, best_epoch, cv[best_lr][best_epoch], cv[best_lr][0]))
    # 2. one run on all training photos with the chosen pair, judged on validation
    t0 = time.time()
    history, top = finetune(args.data, meta, acts, args.setting, train, [("val", test)], best_lr,
                            max(best_epoch, 1) if args.trajectory == 0 else max(best_epoch, args.trajectory),
                            args.wd, args.batch, args.seed, args.head_lr_scale, log)
    final_seconds = time.time() - t0
    s, p, _ = history["val"][best_epoch]
    print("RESULT %s: frozen ridge head (epoch 0) val SRCC %.3f PLCC %.3f" % (args.setting, *history["val"][0][:2]))
    print("RESULT %s: fine-tuned head, lr %g, %d epochs: val SRCC %.3f PLCC %.3f"
          % (args.setting, best_lr, best_epoch, s, p))
    print("  validation trajectory (information only, not used for selection): %s"
          % " ".join("%.3f" % h[0] for h in history["val"]))
    # 3. ridge refit on the fine-tuned features (at the chosen epoch)
    if best_epoch != len(history["val"]) - 1:
        _, top = finetune(args.data, meta, acts, args.setting, train, [], best_lr, best_epoch, args.wd, args.batch,
                          args.seed, args.head_lr_scale)
    x = features(top, acts, np.arange(len(y)), meta["views"])
    pr, lam, *_ = ridge(x, y, train, test, None)
    print("RESULT %s: fine-tuned features + ridge (lambda %g by CV): val SRCC %.3f PLCC %.3f"
          % (args.setting, lam, srcc(pr, y[test]), plcc(pr, y[test])))
    print("timing: total %.0f s; final training run %.0f s for %d epochs on 615 images (1 thread)"
          % (time.time() - started, final_seconds, len(history["val"]) - 1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check")
    c.add_argument("--data", default="/work/tune-data")
    t = sub.add_parser("tune")
    t.add_argument("--data", default="/work/tune-data")
    t.add_argument("--setting", choices=sorted(SETTINGS), default="13e")
    t.add_argument("--lrs", default="1e-4,3e-4,1e-3")
    t.add_argument("--epochs", type=int, default=8)
    t.add_argument("--wd", type=float, default=0.01)
    t.add_argument("--batch", type=int, default=16)
    t.add_argument("--head-lr-scale", type=float, default=0.1,
                   help="the linear head's learning rate as a multiple of the convolutions' (it starts at the ridge fit)")
    t.add_argument("--seed", type=int, default=20261123)
    t.add_argument("--cv-folds", type=int, default=FOLDS, help="how many of the 5 folds to run (fewer = cheaper)")
    t.add_argument("--trajectory", type=int, default=0,
                   help="run the final training this many epochs to print the validation trajectory (information)")
    t.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    {"check": check, "tune": tune}[args.command](args)


if __name__ == "__main__":
    main()
