"""Plain-loop convolution oracles, written straight from the formulas.

Slow on purpose: one Python loop per index of the formula, no numpy tricks,
and the padding modes implemented from their definition (not with
``cnn_lessons.pad``), so that these functions share no code with the
package they check.
"""

import itertools

import numpy as np


def corr2d_loop(x, k):
    """S[i, j] = sum_a sum_b x[i + a, j + b] * k[a, b]  (valid)."""
    H, W = x.shape
    kh, kw = k.shape
    out = np.zeros((H - kh + 1, W - kw + 1))
    for i in range(H - kh + 1):
        for j in range(W - kw + 1):
            for a in range(kh):
                for b in range(kw):
                    out[i, j] += x[i + a, j + b] * k[a, b]
    return out


def convolve2d_loop(x, k, mode="valid"):
    """(x * k)[i, j] = sum_a sum_b x[i - a, j - b] * k[a, b], zero outside x.

    "full": i in [0, H + kh - 1); "valid": the positions where the whole
    kernel lies inside x, i.e. full indices i in [kh - 1, H).
    """
    H, W = x.shape
    kh, kw = k.shape
    full = np.zeros((H + kh - 1, W + kw - 1))
    for i in range(H + kh - 1):
        for j in range(W + kw - 1):
            for a in range(kh):
                for b in range(kw):
                    if 0 <= i - a < H and 0 <= j - b < W:
                        full[i, j] += x[i - a, j - b] * k[a, b]
    if mode == "full":
        return full
    return full[kh - 1:H, kw - 1:W]


def source_index(i, n, mode):
    """The input index a padded position i (possibly < 0 or >= n) reads, or None for zero."""
    if 0 <= i < n:
        return i
    if mode == "zeros":
        return None
    if mode == "replicate":
        return 0 if i < 0 else n - 1
    if mode == "circular":
        return i % n
    if mode == "reflect":  # mirror about the edge, edge not repeated
        return -i if i < 0 else 2 * (n - 1) - i
    raise ValueError(mode)


def _as_tuple(value, nd):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * nd


def pad_pairs(padding, kernel, dilation, nd):
    """(before, after) per axis, for an int, a tuple, "valid" or "same"."""
    if padding == "valid":
        return [(0, 0)] * nd
    if padding == "same":
        pairs = []
        for k, d in zip(kernel, _as_tuple(dilation, nd)):
            total = d * (k - 1)
            pairs.append((total // 2, total - total // 2))
        return pairs
    return [(p, p) for p in _as_tuple(padding, nd)]


def conv_nd_loop(x, w, b=None, stride=1, padding=0, dilation=1, groups=1, padding_mode="zeros"):
    """out[n, o, *i] = b[o] + sum_c sum_taps x[n, g*Cg + c, *(i*s + tap*d - p)] * w[o, c, *tap].

    x: (N, C_in, *spatial), w: (C_out, C_in/groups, *kernel); any spatial rank.
    """
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    N, C_in, *size = x.shape
    C_out, Cg, *kernel = w.shape
    nd = len(size)
    s, d = _as_tuple(stride, nd), _as_tuple(dilation, nd)
    pads = pad_pairs(padding, kernel, dilation, nd)
    out_size = [(size[a] + pads[a][0] + pads[a][1] - d[a] * (kernel[a] - 1) - 1) // s[a] + 1
                for a in range(nd)]
    Og = C_out // groups
    out = np.zeros((N, C_out, *out_size))
    for n in range(N):
        for o in range(C_out):
            g = o // Og
            for pos in itertools.product(*(range(m) for m in out_size)):
                total = 0.0 if b is None else float(b[o])
                for c in range(Cg):
                    for tap in itertools.product(*(range(k) for k in kernel)):
                        src = []
                        for a in range(nd):
                            i = pos[a] * s[a] + tap[a] * d[a] - pads[a][0]
                            src.append(source_index(i, size[a], padding_mode))
                        if None in src:
                            continue
                        total += x[(n, g * Cg + c, *src)] * w[(o, c, *tap)]
                out[(n, o, *pos)] = total
    return out


def conv_nd_backward_loop(g_out, x, w, b=None, stride=1, padding=0, dilation=1, groups=1,
                          padding_mode="zeros"):
    """Gradients from the definition: every (output, tap) pair adds its product's derivatives.

    For each term x[src] * w[o, c, tap] of out[n, o, pos]:
    dx[src] += g[n, o, pos] * w[o, c, tap] and dw[o, c, tap] += g[n, o, pos] * x[src];
    db[o] = sum of g[:, o].
    """
    x, w = np.asarray(x, dtype=np.float64), np.asarray(w, dtype=np.float64)
    N, C_in, *size = x.shape
    C_out, Cg, *kernel = w.shape
    nd = len(size)
    s, d = _as_tuple(stride, nd), _as_tuple(dilation, nd)
    pads = pad_pairs(padding, kernel, dilation, nd)
    out_size = g_out.shape[2:]
    Og = C_out // groups
    dx, dw = np.zeros_like(x), np.zeros_like(w)
    for n in range(N):
        for o in range(C_out):
            grp = o // Og
            for pos in itertools.product(*(range(m) for m in out_size)):
                go = g_out[(n, o, *pos)]
                for c in range(Cg):
                    for tap in itertools.product(*(range(k) for k in kernel)):
                        src = []
                        for a in range(nd):
                            i = pos[a] * s[a] + tap[a] * d[a] - pads[a][0]
                            src.append(source_index(i, size[a], padding_mode))
                        if None in src:
                            continue
                        dx[(n, grp * Cg + c, *src)] += go * w[(o, c, *tap)]
                        dw[(o, c, *tap)] += go * x[(n, grp * Cg + c, *src)]
    db = None if b is None else g_out.sum(axis=tuple(a for a in range(g_out.ndim) if a != 1))
    return dx, dw, db
