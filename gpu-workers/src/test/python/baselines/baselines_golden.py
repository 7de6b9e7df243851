#!/usr/bin/python3
"""Independent numpy/scipy cross-check of the Java baselines (PSNR, SSIM, NIQE, BRISQUE) on the calibration pairs.

Usage: baselines_golden.py [SHARED_DIR]   (default ../shared relative to the repository root)
Written from the papers' descriptions (Wang et al. 2004; Mittal et al. 2012, 2013), not copied code. It mirrors
the conventions the Java classes in visq.gpu.eval.baselines settled on: PSNR on RGB; SSIM on rounded YIQ luma
without downsampling; NIQE in double precision with exact zeros on uniform windows; BRISQUE MSCN in single
precision. Prints every variant tried (RGB / YIQ / YCbCr PSNR, SSIM with and without downsampling, NIQE and
BRISQUE on YIQ and YCbCr luma) so the convention choice can be re-checked against expected.csv.
"""
import math
import os
import sys

import numpy as np
from scipy.ndimage import correlate
from scipy.special import gammaln

SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '../../../../../../shared')
IMAGES = ['I03', 'I04', 'I06', 'I08', 'I19']


def read_bmp(path):
    data = open(path, 'rb').read()
    offset = int.from_bytes(data[10:14], 'little')
    width = int.from_bytes(data[18:22], 'little', signed=True)
    height = int.from_bytes(data[22:26], 'little', signed=True)
    bpp = int.from_bytes(data[28:30], 'little')
    assert bpp == 24
    stride = (width * 3 + 3) // 4 * 4
    rows = np.frombuffer(data, np.uint8, count=stride * abs(height), offset=offset).reshape(abs(height), stride)
    img = rows[:, :width * 3].reshape(abs(height), width, 3)[:, :, ::-1]
    if height > 0:
        img = img[::-1]
    return img.astype(np.float64)  # RGB, 0..255


def luma(rgb, space):
    r, g, b = rgb[..., 0] / 255, rgb[..., 1] / 255, rgb[..., 2] / 255
    if space == 'yiq':
        y = 0.299 * r + 0.587 * g + 0.114 * b
    else:
        y = (16 + 65.481 * r + 128.553 * g + 24.966 * b) / 255
    return np.round(y * 255)


def psnr(ref, dist, mode):
    if mode == 'rgb':
        a, b = ref, dist
    else:
        a, b = luma(ref, mode), luma(dist, mode)
    mse = np.mean((a / 255 - b / 255) ** 2)
    return 10 * math.log10(1 / (mse + 1e-8))


def gauss(size, sigma):
    ax = np.arange(size) - (size - 1) / 2
    g = np.exp(-(ax[None, :] ** 2 + ax[:, None] ** 2) / (2 * sigma * sigma))
    total = 0.0
    for v in g.ravel():
        total += v
    return g / total


def valid_filter(x, w):
    k = w.shape[0]
    full = correlate(x, w, mode='constant')
    h = k // 2
    return full[h:x.shape[0] - h, h:x.shape[1] - h]


def ssim(ref, dist, space, downsample):
    x, y = luma(ref, space), luma(dist, space)
    f = max(1, round(min(x.shape) / 256))
    if downsample and f > 1:
        hh, ww = x.shape[0] // f * f, x.shape[1] // f * f
        x = x[:hh, :ww].reshape(hh // f, f, ww // f, f).mean(axis=(1, 3))
        y = y[:hh, :ww].reshape(hh // f, f, ww // f, f).mean(axis=(1, 3))
    w = gauss(11, 1.5)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = valid_filter(x, w), valid_filter(y, w)
    sxx = valid_filter(x * x, w) - mx * mx
    syy = valid_filter(y * y, w) - my * my
    sxy = valid_filter(x * y, w) - mx * my
    m = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))
    return m.mean()


def cubic(x):
    ax = np.abs(x)
    return np.where(ax <= 1, 1.5 * ax ** 3 - 2.5 * ax ** 2 + 1,
                    np.where(ax <= 2, -0.5 * ax ** 3 + 2.5 * ax ** 2 - 4 * ax + 2, 0.0))


def half_1d(x, axis):
    """MATLAB-style antialiased bicubic downscale by 2 along axis, symmetric boundary."""
    n = x.shape[axis]
    out_n = (n + 1) // 2
    taps = np.array([-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5])
    w = 0.5 * cubic(0.5 * taps)
    w = w / w.sum()
    x = np.moveaxis(x, axis, 0)
    res = np.zeros((out_n,) + x.shape[1:])
    for j in range(out_n):
        centre = 2 * j + 0.5
        for t, wt in zip(taps, w):
            i = int(centre + t)
            if i < 0:
                i = -i - 1
            if i >= n:
                i = 2 * n - 1 - i
            res[j] += wt * x[i]
    return np.moveaxis(res, 0, axis)


def half(x):
    return half_1d(half_1d(x, 0), 1)


GAM = np.arange(0.2, 10.0005, 0.001)
R_GGD = np.exp(gammaln(1 / GAM) + gammaln(3 / GAM) - 2 * gammaln(2 / GAM))
R_AGGD = np.exp(2 * gammaln(2 / GAM) - gammaln(1 / GAM) - gammaln(3 / GAM))


def ggd(x):
    sigma_sq = np.mean(x * x)
    rho = sigma_sq / np.mean(np.abs(x)) ** 2
    return GAM[np.argmin(np.abs(rho - R_GGD))], math.sqrt(sigma_sq)


def aggd(x):
    left = x[x < 0]
    right = x[x > 0]
    ls = math.sqrt(np.mean(left ** 2))
    rs = math.sqrt(np.mean(right ** 2))
    gh = ls / rs
    rhat = np.mean(np.abs(x)) ** 2 / np.mean(x * x)
    rn = rhat * (gh ** 3 + 1) * (gh + 1) / (gh ** 2 + 1) ** 2
    return GAM[np.argmin(np.abs(R_AGGD - rn))], ls, rs


def mscn_replicated(img):
    """NIQE: double precision, edges replicated; the numerator as weighted differences (exactly 0 on flat windows)."""
    w = gauss(7, 7 / 6)
    h, wd = img.shape
    p = np.pad(img, 3, mode='edge')
    mu = np.zeros_like(img)
    sq = np.zeros_like(img)
    num = np.zeros_like(img)
    for i in range(7):
        for j in range(7):
            v = p[i:i + h, j:j + wd]
            mu += w[i, j] * v
            sq += w[i, j] * v * v
            num += w[i, j] * (img - v)
    sigma = np.sqrt(np.abs(sq - mu * mu))
    return num / (sigma + 1)


def mscn_zero_padded_single(img):
    """BRISQUE: single precision as the toolbox's float tensors, zero padding, taps accumulated row by row."""
    F = np.float32
    k = gauss(7, 7 / 6).astype(F)
    x = img.astype(F)
    h, wd = x.shape
    p = np.zeros((h + 6, wd + 6), F)
    p[3:-3, 3:-3] = x
    mu = np.zeros((h, wd), F)
    sq = np.zeros((h, wd), F)
    for i in range(7):
        for j in range(7):
            v = p[i:i + h, j:j + wd]
            mu = mu + k[i, j] * v
            sq = sq + k[i, j] * (v * v)
    sigma = np.sqrt(np.abs(sq - mu * mu))
    return ((x - mu) / (sigma + F(1))).astype(np.float64)


SHIFTS_NIQE = [(0, 1), (1, 0), (1, 1), (1, -1)]
SHIFTS_BRISQUE = [(0, 1), (1, 0), (1, 1), (-1, 1)]


def niqe_block_features(block):
    a, ls, rs = aggd(block)
    c = math.exp(0.5 * (gammaln(1 / a) - gammaln(3 / a)))
    feat = [a, (ls * c + rs * c) / 2]
    for s in SHIFTS_NIQE:
        a, ls, rs = aggd(block * np.roll(block, s, axis=(0, 1)))
        c = math.exp(0.5 * (gammaln(1 / a) - gammaln(3 / a)))
        bl, br = ls * c, rs * c
        mean = (br - bl) * math.exp(gammaln(2 / a) - gammaln(1 / a))
        feat += [a, mean, bl, br]
    return feat


def niqe(rgb, mu_p, cov_p, space):
    img = luma(rgb, space)
    bh, bw = img.shape[0] // 96, img.shape[1] // 96
    img = img[:bh * 96, :bw * 96]
    feats = [[] for _ in range(bh * bw)]
    for scale in (1, 2):
        n = mscn_replicated(img)
        s = 96 // scale
        k = 0
        for bx in range(bw):
            for by in range(bh):
                feats[k] += niqe_block_features(n[by * s:(by + 1) * s, bx * s:(bx + 1) * s])
                k += 1
        if scale == 1:
            img = half(img / 255) * 255
    f = np.array(feats)
    mu = f.mean(axis=0)
    cov = np.cov(f, rowvar=False)
    d = mu_p - mu
    return math.sqrt(d @ np.linalg.pinv((cov_p + cov) / 2) @ d)


def brisque_features(img):
    out = []
    for scale in (1, 2):
        n = mscn_zero_padded_single(img)
        a, s = ggd(n)
        out += [a, s * s]
        for sh in SHIFTS_BRISQUE:
            a, ls, rs = aggd(n * np.roll(n, sh, axis=(0, 1)))
            eta = (rs - ls) * math.exp(gammaln(2 / a) - 0.5 * (gammaln(1 / a) + gammaln(3 / a)))
            out += [a, eta, ls * ls, rs * rs]
        img = half(img)
    return np.array(out)


def load_svr(path):
    header = {}
    coefs, svs = [], []
    with open(path) as fh:
        for line in fh:
            line = line.strip()
            if line == 'SV':
                break
            k, v = line.split(' ', 1)
            header[k] = v
        for line in fh:
            parts = line.split()
            if not parts:
                continue
            coefs.append(float(parts[0]))
            sv = np.zeros(36)
            for p in parts[1:]:
                i, v = p.split(':')
                sv[int(i) - 1] = float(v)
            svs.append(sv)
    return float(header['gamma']), float(header['rho']), np.array(coefs), np.array(svs)


def load_range(path):
    lines = open(path).read().split('\n')
    lo, hi = map(float, lines[1].split())
    rng = np.zeros((36, 2))
    for line in lines[2:]:
        if line.strip():
            i, a, b = line.split()
            rng[int(i) - 1] = (float(a), float(b))
    return lo, hi, rng


def brisque(rgb, model, ranges, space):
    gamma, rho, coefs, svs = model
    lo, hi, rng = ranges
    f = brisque_features(luma(rgb, space))
    x = lo + (hi - lo) * (f - rng[:, 0]) / (rng[:, 1] - rng[:, 0])
    k = np.exp(-gamma * np.sum((svs - x) ** 2, axis=1))
    return k @ coefs - rho


def main():
    cal = os.path.join(SHARED, 'data', 'calibration')
    params = os.path.join(SHARED, 'data', 'params')
    mu_p = np.loadtxt(os.path.join(params, 'niqe_mu.csv'), delimiter=',')
    cov_p = np.loadtxt(os.path.join(params, 'niqe_cov.csv'), delimiter=',')
    model = load_svr(os.path.join(params, 'brisque_model.libsvm'))
    ranges = load_range(os.path.join(params, 'brisque_range.txt'))
    rows = {}
    for name in IMAGES:
        ref = read_bmp(os.path.join(cal, 'ref', name + '.bmp'))
        dist = read_bmp(os.path.join(cal, 'dist', name + '.bmp'))
        r = rows.setdefault
        for mode in ('rgb', 'yiq', 'ycbcr'):
            r('psnr_' + mode, []).append(psnr(ref, dist, mode))
        for space in ('yiq', 'ycbcr'):
            for ds in (False, True):
                r('ssim_%s_%s' % (space, 'down' if ds else 'full'), []).append(ssim(ref, dist, space, ds))
            r('niqe_' + space, []).append(niqe(dist, mu_p, cov_p, space))
            r('brisque_' + space, []).append(brisque(dist, model, ranges, space))
    print('metric,' + ','.join(IMAGES))
    for k, v in rows.items():
        print(k + ',' + ','.join('%.6f' % x for x in v))


if __name__ == '__main__':
    main()
