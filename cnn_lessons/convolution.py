"""Convolution: ``corr2d``, ``convolve2d``, ``conv1d/2d/3d`` and their backward.

One private N-dimensional implementation serves the 1-D, 2-D and 3-D
functions; the public functions only validate their arguments and call it.
Two strategies, chosen by the shape of the problem (see the Notes of
:func:`conv2d` for the measurements):

- **im2col + GEMM**, in batch chunks: the windows of a few batch items are
  copied into a reused column buffer ``cols`` of shape
  ``(n, groups, C_in/groups * prod(kernel), prod(out))`` (about 8 MB), and one
  ``np.matmul(w, cols, out=...)`` writes the output, already in
  ``(N, C_out, *out)`` layout. The backward reuses the same columns:
  ``dw = g @ cols.T`` and ``dcols = w.T @ g``, folded back with one strided
  slice-add per kernel offset (col2im).
- **wide columns** for stride 1 (when they waste at most 8 % of the GEMM, or
  the GEMM is cheap, as in depthwise): each padded plane is flattened, so the
  column row of a kernel tap is ONE contiguous slice (instead of one short
  copy per output row); the GEMM computes a few discarded positions at the
  row ends, and the output is extracted from the wide result.
- **kernel-offset loop** for strided depthwise-like convolutions (one input
  channel per group): there is no matrix product worth the name, so the
  output is accumulated with one broadcast multiply-add per kernel offset
  over strided views of the padded input, in batch chunks that stay in cache.

Non-zero padding modes pad with :func:`cnn_lessons.pad` first and convolve
without padding; the backward folds the border back with
:func:`cnn_lessons.pad_backward`.
"""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import numpy as np

from . import _validation as v
from .geometry import conv_output_size
from .padding import pad, pad_backward

__all__ = [
    "corr2d",
    "convolve2d",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv1d_backward",
    "conv2d_backward",
    "conv3d_backward",
]

# Size of the reused im2col buffer: big enough for GEMMs that run near peak,
# small enough to stay in the last-level cache (measured: 4-16 MB all within
# a few per cent; 8 MB chosen).
_COLS_BYTES = 8 * 2**20
# The kernel-offset loop works on batch chunks of about this many output bytes.
_LOOP_BYTES = 2 * 2**20
_WIDE = True


# --------------------------------------------------------------------------
# Argument checking (once, at the public boundary)
# --------------------------------------------------------------------------


class _Conv(NamedTuple):
    """A validated convolution problem, input always batched."""

    x: np.ndarray  # (N, C_in, *spatial), in the result dtype
    w: np.ndarray  # (C_out, C_in/groups, *kernel), in the result dtype
    b: np.ndarray | None  # (C_out,) or None
    stride: tuple
    pads: tuple  # one (before, after) pair per spatial axis
    dilation: tuple
    groups: int
    mode: str
    out_size: tuple  # output spatial shape, from conv_output_size
    unbatched: bool


def _int_tuple(value, nd, fn, name, minimum):
    """:func:`_validation.int_tuple`, also for a 0-d array (which it would try to iterate)."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    return v.int_tuple(value, nd, fn, name, minimum)


def _parse_padding(padding, nd, kernel, dilation, stride, fn):
    """Padding as one ``(before, after)`` pair per spatial axis."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(
                    f"{fn}: padding='same' is not supported for strided convolutions "
                    f"(stride={stride}); use stride=1 or give the padding as ints"
                )
            # total = d*(k-1); the extra element of an odd total goes at the end, as PyTorch
            totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
            return tuple((t // 2, t - t // 2) for t in totals)
        raise ValueError(
            f"{fn}: padding must be an int, a tuple of {nd} ints, 'valid' or 'same', got {padding!r}"
        )
    if padding is None:
        raise TypeError(
            f"{fn}: padding must be an int, a tuple of {nd} ints, 'valid' or 'same', got None"
        )
    return tuple((p, p) for p in _int_tuple(padding, nd, fn, "padding", 0))


def _check_mode_limits(spatial, pads, mode, fn):
    """Reflect padding must be < the axis size, circular padding <= it (as PyTorch)."""
    for axis, (n, (lo, hi)) in enumerate(zip(spatial, pads)):
        if mode == "reflect" and max(lo, hi) >= n:
            raise ValueError(
                f"{fn}: padding_mode='reflect' needs padding smaller than the input; spatial axis "
                f"{axis} has size {n} but padding is ({lo}, {hi}); use less padding or another mode"
            )
        if mode == "circular" and max(lo, hi) > n:
            raise ValueError(
                f"{fn}: padding_mode='circular' needs padding at most the input size; spatial axis "
                f"{axis} has size {n} but padding is ({lo}, {hi}); use less padding or another mode"
            )


def _output_size(spatial, kernel, stride, pads, dilation, fn):
    """Output spatial shape from :func:`conv_output_size`, errors renamed to `fn`."""
    try:
        if all(lo == hi for lo, hi in pads):
            return conv_output_size(tuple(spatial), tuple(kernel), tuple(stride),
                                    tuple(lo for lo, _ in pads), tuple(dilation))
        # asymmetric ('same' with an even effective kernel): count the padding in the size
        return conv_output_size(tuple(n + lo + hi for n, (lo, hi) in zip(spatial, pads)),
                                tuple(kernel), tuple(stride), (0,) * len(kernel), tuple(dilation))
    except ValueError as exc:
        msg = str(exc).removeprefix("conv_output_size: ")
        raise ValueError(f"{fn}: {msg} (input spatial shape {tuple(spatial)}, "
                         f"kernel shape {tuple(kernel)})") from None


def _parse_conv(fn, nd, input, weight, bias, stride, padding, dilation, groups, padding_mode):
    """Validate the arguments of a convolution; return a :class:`_Conv`."""
    x = v.as_float_array(input, fn, "input")
    w = v.as_float_array(weight, fn, "weight")
    b = None if bias is None else v.as_float_array(bias, fn, "bias")
    v.check_ndim(x, fn, "input", (nd + 1, nd + 2),
                 f"((C_in, *spatial) unbatched or (N, C_in, *spatial) with {nd} spatial dimensions)")
    v.check_ndim(w, fn, "weight", (nd + 2,), f"((C_out, C_in/groups, *kernel) with {nd} kernel dimensions)")
    unbatched = x.ndim == nd + 1
    if unbatched:
        x = x[None]
    if 0 in x.shape[1:]:
        raise ValueError(f"{fn}: input must have at least one channel and a non-empty spatial "
                         f"extent, got shape {x.shape[1:] if unbatched else x.shape}")
    if 0 in w.shape:
        raise ValueError(f"{fn}: weight must not have a zero-length dimension, got shape {w.shape}")
    groups = v.check_int(groups, fn, "groups", 1)
    c_in, c_out = x.shape[1], w.shape[0]
    if c_in % groups:
        raise ValueError(f"{fn}: input channels ({c_in}) must be divisible by groups ({groups})")
    if c_out % groups:
        raise ValueError(f"{fn}: weight has {c_out} output channels, which is not divisible by "
                         f"groups ({groups}); weight.shape={w.shape}")
    if w.shape[1] * groups != c_in:
        raise ValueError(f"{fn}: input has {c_in} channels but weight expects {w.shape[1] * groups} "
                         f"(weight.shape={w.shape}, groups={groups})")
    if b is not None and b.shape != (c_out,):
        raise ValueError(f"{fn}: bias must have shape ({c_out},) (one value per output channel "
                         f"of weight.shape={w.shape}), got shape {b.shape}")
    stride = _int_tuple(stride, nd, fn, "stride", 1)
    dilation = _int_tuple(dilation, nd, fn, "dilation", 1)
    mode = v.check_padding_mode(padding_mode, fn)
    kernel = w.shape[2:]
    pads = _parse_padding(padding, nd, kernel, dilation, stride, fn)
    spatial = x.shape[2:]
    _check_mode_limits(spatial, pads, mode, fn)
    out_size = _output_size(spatial, kernel, stride, pads, dilation, fn)
    dtype = v.result_dtype(x, w, b)
    x, w = x.astype(dtype, copy=False), w.astype(dtype, copy=False)
    b = None if b is None else b.astype(dtype, copy=False)
    return _Conv(x, w, b, stride, pads, dilation, groups, mode, out_size, unbatched)


def _check_grad_output(g, p: _Conv, fn):
    """grad_output as a batched array of the forward's output shape."""
    g = v.as_float_array(g, fn, "grad_output")
    n, c_out = p.x.shape[0], p.w.shape[0]
    expected = (c_out, *p.out_size) if p.unbatched else (n, c_out, *p.out_size)
    v.check_same_shape(g, expected, fn, "grad_output",
                       f"the output shape of {fn.removesuffix('_backward')} for these arguments")
    return g[None] if p.unbatched else g


# --------------------------------------------------------------------------
# The N-dimensional implementation
# --------------------------------------------------------------------------


def _padded(p: _Conv) -> np.ndarray:
    """The input with its padding applied (no copy without padding)."""
    if not any(lo or hi for lo, hi in p.pads):
        return p.x
    if p.mode == "zeros":  # faster than np.pad: one zero fill and one copy
        shape = p.x.shape[:2] + tuple(n + lo + hi for n, (lo, hi) in zip(p.x.shape[2:], p.pads))
        xp = np.zeros(shape, dtype=p.x.dtype)
        xp[_interior(p)] = p.x
        return xp
    return pad(p.x, p.pads, mode=p.mode)


def _interior(p: _Conv):
    """Index of the unpadded input inside the padded one."""
    return (slice(None), slice(None)) + tuple(
        slice(lo, lo + n) for n, (lo, _) in zip(p.x.shape[2:], p.pads))


def _unpad_grad(dxp: np.ndarray, p: _Conv) -> np.ndarray:
    """Gradient w.r.t. the unpadded input from the gradient w.r.t. the padded one."""
    if not any(lo or hi for lo, hi in p.pads):
        return dxp
    if p.mode == "zeros":
        return dxp[_interior(p)].copy()
    return pad_backward(dxp, p.x, p.pads, mode=p.mode)


def _offsets(p: _Conv):
    """Every kernel offset, with the strided window of the padded input it reads.

    For offset ``(a, b)`` the window is ``xp[..., a*d : a*d + s*(Ho-1)+1 : s,
    b*d : b*d + s*(Wo-1)+1 : s]``: the input pixel under tap ``(a, b)`` for
    every output pixel at once.
    """
    kernel = p.w.shape[2:]
    for off in itertools.product(*(range(k) for k in kernel)):
        yield off, tuple(slice(a * d, a * d + s * (n - 1) + 1, s)
                         for a, d, s, n in zip(off, p.dilation, p.stride, p.out_size))


def _chunk(n_items: int, bytes_per_item: int, budget: int) -> int:
    """How many batch items fit in `budget` bytes (at least one)."""
    return max(1, min(n_items, budget // max(bytes_per_item, 1)))


def _is_pointwise(p: _Conv) -> bool:
    """1x1 kernel, stride 1: the input itself is the column matrix."""
    return all(k == 1 for k in p.w.shape[2:]) and all(s == 1 for s in p.stride)


def _use_offset_loop(p: _Conv) -> bool:
    """Strided depthwise-like problems (one input channel per group, few outputs per group).

    With stride 1 the wide columns of :func:`_wide_layout` are faster (measured
    on case e, 32x64x32x32 depthwise 3x3: wide columns + per-channel matmul
    17-24 ms float32 / 37 ms float64 against 24-36 / 44-113 ms for this loop).
    """
    c_in_g = p.w.shape[1]
    c_out_g = p.w.shape[0] // p.groups
    return c_in_g == 1 and c_out_g <= 4 and not _is_wide(p)


def _is_wide(p: _Conv) -> bool:
    """Use "wide" columns (see :func:`_wide_layout`): stride 1, and either few
    columns wasted (at most 8 % more GEMM columns than outputs) or a cheap
    GEMM (at most 32 rows per group, where the copies dominate: depthwise)."""
    if not _WIDE or any(s != 1 for s in p.stride):
        return False
    spatial = [n + lo + hi for n, (lo, hi) in zip(p.x.shape[2:], p.pads)]
    q = [math.prod(spatial[k + 1:]) for k in range(len(spatial))]
    F = sum((o - 1) * qk for o, qk in zip(p.out_size, q)) + 1
    return F <= 1.08 * math.prod(p.out_size) or p.w.shape[1] * math.prod(p.w.shape[2:]) <= 32


def _wide_layout(xp_shape, p: _Conv):
    """Flat offsets and length of the "wide" columns of a stride-1 convolution.

    Flatten each padded plane (pitches ``q``). Output ``i`` reads flat index
    ``sum_k i_k q_k + off(tap)`` with ``off(tap) = sum_k tap_k d_k q_k``, so the
    column row of a tap is ONE contiguous slice ``flat[off : off + F]`` with
    ``F = sum_k (out_k - 1) q_k + 1``; the output sits in it at strides ``q``
    and the positions in between (row ends) are discarded. Long contiguous
    copies instead of one short row per output row.
    """
    spatial = xp_shape[2:]
    q = [math.prod(spatial[k + 1:]) for k in range(len(spatial))]
    F = sum((o - 1) * qk for o, qk in zip(p.out_size, q)) + 1
    kernel = p.w.shape[2:]
    offs = [(off, sum(a * d * qk for a, d, qk in zip(off, p.dilation, q)))
            for off in itertools.product(*(range(k) for k in kernel))]
    return q, F, offs


def _wide_view(wide, q, p: _Conv):
    """The output positions inside a wide array ``(..., F)``, as a ``(..., *out)`` view."""
    item = wide.itemsize
    return np.lib.stride_tricks.as_strided(
        wide, wide.shape[:-1] + tuple(p.out_size), wide.strides[:-1] + tuple(qk * item for qk in q))


def _fill_cols(cols, xg, p: _Conv):
    """im2col: ``cols[n, g, c, *off, *out] = xg[n, g, c, *window(off)]``."""
    lead = (slice(None),) * 3
    for off, win in _offsets(p):
        np.copyto(cols[lead + off], xg[lead + win])


def _forward(p: _Conv) -> np.ndarray:
    """Batched forward: (N, C_out, *out)."""
    xp = _padded(p)
    n = xp.shape[0]
    out = np.empty((n, p.w.shape[0], *p.out_size), dtype=p.x.dtype)
    if _use_offset_loop(p):
        _forward_offsets(xp, p, out)
    else:
        _forward_gemm(xp, p, out)
    if p.b is not None:
        out += p.b.reshape((-1,) + (1,) * len(p.out_size))
    return out


def _forward_gemm(xp, p: _Conv, out):
    """im2col + GEMM in batch chunks, writing `out` (N, C_out, *out) in place."""
    n, c_in = xp.shape[:2]
    c_out, c_in_g, *kernel = p.w.shape
    G = p.groups
    K, L = c_in_g * math.prod(kernel), math.prod(p.out_size)
    wg = p.w.reshape(G, c_out // G, K)  # (G, C_out/G, C_in/G * prod(kernel))
    xg = xp.reshape(n, G, c_in_g, *xp.shape[2:])
    og = out.reshape(n, G, c_out // G, L)
    if _is_pointwise(p):
        np.matmul(wg, xg.reshape(n, G, K, L), out=og)
        return
    if _is_wide(p):
        _forward_gemm_wide(xg, wg, p, out)
        return
    nb = _chunk(n, G * K * L * out.itemsize, _COLS_BYTES)
    buf = np.empty((nb, G, c_in_g, *kernel, *p.out_size), dtype=out.dtype)
    for n0 in range(0, n, nb):
        n1 = min(n, n0 + nb)
        cols = buf[: n1 - n0]
        _fill_cols(cols, xg[n0:n1], p)
        np.matmul(wg, cols.reshape(n1 - n0, G, K, L), out=og[n0:n1])


def _forward_gemm_wide(xg, wg, p: _Conv, out):
    """Stride-1 im2col + GEMM on wide columns (contiguous copies), then the output extracted."""
    n, G, c_in_g = xg.shape[:3]
    c_out_g, K = wg.shape[1:]
    q, F, offs = _wide_layout((n, G * c_in_g) + xg.shape[3:], p)
    xf = xg.reshape(n, G, c_in_g, math.prod(xg.shape[3:]))  # flattened padded planes
    nb = _chunk(n, G * K * F * out.itemsize, _COLS_BYTES)
    cols = np.empty((nb, G, c_in_g, len(offs), F), dtype=out.dtype)
    wide = np.empty((nb, G, c_out_g, F), dtype=out.dtype)
    og = out.reshape(n, G, c_out_g, *p.out_size)
    for n0 in range(0, n, nb):
        m = min(n, n0 + nb) - n0
        c = cols[:m]
        for t, (_, f0) in enumerate(offs):
            np.copyto(c[:, :, :, t], xf[n0:n0 + m, :, :, f0:f0 + F])
        np.matmul(wg, c.reshape(m, G, K, F), out=wide[:m])
        np.copyto(og[n0:n0 + m], _wide_view(wide[:m], q, p))


def _forward_offsets(xp, p: _Conv, out):
    """Depthwise-like forward: one broadcast multiply-add per kernel offset."""
    n = xp.shape[0]
    c_out, _, *kernel = p.w.shape
    G = p.groups
    nd = len(kernel)
    xg = xp.reshape(n, G, 1, *xp.shape[2:])  # (N, G, 1, *padded)
    wg = p.w.reshape(G, c_out // G, *kernel)
    og = out.reshape(n, G, c_out // G, *p.out_size)
    item = og[0].nbytes
    nb = _chunk(n, item, _LOOP_BYTES)
    tmp = np.empty((nb, G, c_out // G, *p.out_size), dtype=out.dtype)
    lead = (slice(None),) * 3
    for n0 in range(0, n, nb):
        n1 = min(n, n0 + nb)
        o, t, x = og[n0:n1], tmp[: n1 - n0], xg[n0:n1]
        for i, (off, win) in enumerate(_offsets(p)):
            tap = wg[(slice(None), slice(None)) + off].reshape(G, -1, *(1,) * nd)
            if i == 0:
                np.multiply(x[lead + win], tap, out=o)
            else:
                np.multiply(x[lead + win], tap, out=t)
                o += t


def _backward(g, p: _Conv):
    """Batched backward: (dx, dw, db) for g of shape (N, C_out, *out)."""
    g = g.astype(p.x.dtype, copy=False)
    xp = _padded(p)
    db = None if p.b is None else g.sum(axis=(0, *range(2, g.ndim)))
    if _use_offset_loop(p):
        dxp, dw = _backward_offsets(g, xp, p)
    else:
        dxp, dw = _backward_gemm(g, xp, p)
    return _unpad_grad(dxp, p), dw, db


def _backward_gemm(g, xp, p: _Conv):
    """dw = g @ cols.T (GEMM); dcols = w.T @ g (GEMM) folded back by col2im slice-adds."""
    n, c_in = xp.shape[:2]
    c_out, c_in_g, *kernel = p.w.shape
    G = p.groups
    K, L = c_in_g * math.prod(kernel), math.prod(p.out_size)
    wgT = p.w.reshape(G, c_out // G, K).transpose(0, 2, 1)  # (G, K, C_out/G)
    gg = g.reshape(n, G, c_out // G, L)
    xg = xp.reshape(n, G, c_in_g, *xp.shape[2:])
    dw = np.zeros((G, c_out // G, K), dtype=g.dtype)
    dxp = np.zeros(xp.shape, dtype=g.dtype)
    dxg = dxp.reshape(xg.shape)
    if _is_pointwise(p):
        cols = xg.reshape(n, G, K, L)
        dw += np.matmul(gg, cols.transpose(0, 1, 3, 2)).sum(axis=0)
        np.matmul(wgT, gg, out=dxg.reshape(n, G, K, L))
        return dxp, dw.reshape(p.w.shape)
    if _is_wide(p):
        _backward_gemm_wide(gg, xg, wgT, p, dw, dxg)
        return dxp, dw.reshape(p.w.shape)
    nb = _chunk(n, G * K * L * g.itemsize, _COLS_BYTES)
    buf = np.empty((nb, G, c_in_g, *kernel, *p.out_size), dtype=g.dtype)
    dbuf = np.empty_like(buf)
    lead = (slice(None),) * 3
    for n0 in range(0, n, nb):
        n1 = min(n, n0 + nb)
        cols, dcols = buf[: n1 - n0], dbuf[: n1 - n0]
        _fill_cols(cols, xg[n0:n1], p)
        cols2 = cols.reshape(n1 - n0, G, K, L)
        if n1 - n0 == 1:
            dw += np.matmul(gg[n0], cols2[0].transpose(0, 2, 1))
        else:
            dw += np.matmul(gg[n0:n1], cols2.transpose(0, 1, 3, 2)).sum(axis=0)
        np.matmul(wgT, gg[n0:n1], out=dcols.reshape(n1 - n0, G, K, L))
        dx = dxg[n0:n1]
        for off, win in _offsets(p):  # col2im: overlapping windows accumulate
            dx[lead + win] += dcols[lead + off]
    return dxp, dw.reshape(p.w.shape)


def _backward_gemm_wide(gg, xg, wgT, p: _Conv, dw, dxg):
    """Stride-1 backward on wide columns: g scattered into a zeroed wide buffer (so the
    discarded positions contribute nothing), two GEMMs, col2im as contiguous slice-adds."""
    n, G, c_in_g = xg.shape[:3]
    K, c_out_g = wgT.shape[1:]
    q, F, offs = _wide_layout((n, G * c_in_g) + xg.shape[3:], p)
    xf = xg.reshape(n, G, c_in_g, math.prod(xg.shape[3:]))
    dxf = dxg.reshape(xf.shape)
    nb = _chunk(n, G * K * F * dw.itemsize, _COLS_BYTES)
    cols = np.empty((nb, G, c_in_g, len(offs), F), dtype=dw.dtype)
    dcols = np.empty_like(cols)
    gwide = np.zeros((nb, G, c_out_g, F), dtype=dw.dtype)
    gview = _wide_view(gwide, q, p)
    for n0 in range(0, n, nb):
        m = min(n, n0 + nb) - n0
        c, dc, gw = cols[:m], dcols[:m], gwide[:m]
        np.copyto(gview[:m], gg[n0:n0 + m].reshape(gview[:m].shape))
        for t, (_, f0) in enumerate(offs):
            np.copyto(c[:, :, :, t], xf[n0:n0 + m, :, :, f0:f0 + F])
        c2 = c.reshape(m, G, K, F)
        if m == 1:
            dw += np.matmul(gw[0], c2[0].transpose(0, 2, 1))
        else:
            dw += np.matmul(gw, c2.transpose(0, 1, 3, 2)).sum(axis=0)
        np.matmul(wgT, gw, out=dc.reshape(m, G, K, F))
        for t, (_, f0) in enumerate(offs):  # col2im: overlapping windows accumulate
            dxf[n0:n0 + m, :, :, f0:f0 + F] += dc[:, :, :, t]


def _backward_offsets(g, xp, p: _Conv):
    """Depthwise-like backward, one multiply-reduce per kernel offset."""
    n = xp.shape[0]
    c_out, _, *kernel = p.w.shape
    G = p.groups
    nd = len(kernel)
    xg = xp.reshape(n, G, 1, *xp.shape[2:])
    wg = p.w.reshape(G, c_out // G, *kernel)
    gg = g.reshape(n, G, c_out // G, *p.out_size)
    dxp = np.zeros(xp.shape, dtype=g.dtype)
    dxg = dxp.reshape(n, G, *xp.shape[2:])
    dw = np.zeros((G, c_out // G, *kernel), dtype=g.dtype)
    lead = (slice(None),) * 2
    sp = "".join("hwd"[i] for i in range(nd))
    for off, win in _offsets(p):
        xs = xg[(slice(None),) * 3 + win]  # (N, G, 1, *out)
        # dw[g, o, off] = sum_n sum_out g[n, g, o, out] * x[n, g, window(off)]
        dw[(slice(None), slice(None)) + off] = np.einsum(f"ngo{sp},ngz{sp}->go", gg, xs)
        # dx[n, g, window(off)] += sum_o g[n, g, o, out] * w[g, o, off]
        dxg[lead + win] += np.einsum(f"ngo{sp},go->ng{sp}", gg, wg[(slice(None), slice(None)) + off])
    return dxp, dw.reshape(p.w.shape)


# --------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------


def _conv(fn, nd, input, weight, bias, stride, padding, dilation, groups, padding_mode):
    p = _parse_conv(fn, nd, input, weight, bias, stride, padding, dilation, groups, padding_mode)
    out = _forward(p)
    return out[0] if p.unbatched else out


def _conv_backward(fn, nd, grad_output, input, weight, bias, stride, padding, dilation, groups,
                   padding_mode):
    p = _parse_conv(fn, nd, input, weight, bias, stride, padding, dilation, groups, padding_mode)
    g = _check_grad_output(grad_output, p, fn)
    dtype = v.result_dtype(g, p.x)
    if dtype != p.x.dtype:  # a float64 grad_output promotes the whole computation
        p = p._replace(x=p.x.astype(dtype), w=p.w.astype(dtype),
                       b=None if p.b is None else p.b.astype(dtype))
    dx, dw, db = _backward(g, p)
    return (dx[0] if p.unbatched else dx), dw, db


_CONV_DOC = """{summary}

    As ``torch.nn.functional.{fn}``, with ``padding_mode`` as ``torch.nn.{cls}``.

    Parameters
    ----------
    input : ndarray of shape (N, C_in, {sp}) or (C_in, {sp})
        The input; an unbatched input gives an unbatched output.
    weight : ndarray of shape (C_out, C_in/groups, {ks})
        The filters.
    bias : ndarray of shape (C_out,), optional
        Added to every output position of each output channel.
    stride : int or tuple of {nd} ints, default 1
        Step between neighbouring windows.
    padding : int, tuple of {nd} ints, "valid" or "same", default 0
        Padding on both sides of each spatial axis. ``"valid"`` is 0;
        ``"same"`` (stride 1 only) pads ``dilation*(k-1)`` in total per axis,
        ``total // 2`` before and the rest after, so the output has the
        input's size.
    dilation : int or tuple of {nd} ints, default 1
        Spacing between kernel taps.
    groups : int, default 1
        Split the channels into `groups` independent convolutions; ``C_in``
        and ``C_out`` must both be divisible by it (``groups == C_in`` is a
        depthwise convolution).
    padding_mode : {{"zeros", "reflect", "replicate", "circular"}}, default "zeros"
        What the padding contains (see :func:`cnn_lessons.pad`).

    Returns
    -------
    ndarray of shape (N, C_out, {osp}) or (C_out, {osp})
        In the floating dtype of the inputs (float32 stays float32; integer
        inputs give float64). The inputs are not modified.

    Raises
    ------
    ValueError
        For a wrong number of dimensions, channels that do not match the
        weight or are not divisible by `groups`, a bias of the wrong shape,
        a non-positive stride or dilation, a negative or unknown padding,
        ``"same"`` with a stride > 1, a kernel larger than the padded input,
        or an unknown padding mode.
    TypeError
        For a non-numeric array or a non-int stride, padding or dilation.

    Notes
    -----
    Cross-correlation (no kernel flip), as in every deep-learning library::

        {formula}

    where ``c' = (o // (C_out/groups)) * (C_in/groups) + c`` is input channel
    ``c`` of output channel ``o``'s group, ``s, p, d`` are stride, padding
    (before) and dilation, and the input is zero (or what the padding mode
    says) outside its bounds. The output size per axis is
    :func:`cnn_lessons.conv_output_size` ``(size, k, s, p, d) =
    floor((size + 2p - d(k-1) - 1) / s) + 1`` (with ``"same"`` the two sides'
    padding is added to ``size``).

    Strategy (measured on 2 cores, OpenBLAS; see ``benchmarks/bench_reference.py``):
    im2col + GEMM in batch chunks, with a reused column buffer of about 8 MB
    and ``np.matmul(w, cols, out=...)`` writing the ``(N, C_out, ...)``
    output in place; a 1x1 stride-1 kernel skips im2col entirely. Whole-batch
    im2col was 1.2-1.85x slower with twice the memory; a loop over kernel
    offsets 10-48x slower on 7x7/stride-2; tensordot on a sliding window view
    slowest. For stride 1 the columns are "wide" (one contiguous copy per
    kernel tap and channel over the flattened padded plane, the few row-end
    positions discarded after the GEMM) when that wastes at most 8 % of the
    GEMM or the GEMM is small; this is also what depthwise stride-1
    convolutions use (2-3x faster than the offset loop on 32x64x32x32, 3x3).
    Strided depthwise-like problems (one input channel per group, at most 4
    outputs per group) are not matrix products: one broadcast multiply-add
    per kernel offset on strided views, in cache-sized batch chunks.

    See Also
    --------
    {fn}_backward : the gradient with respect to input, weight and bias.
    cnn_lessons.conv_output_size : the output size.
    corr2d : the single-channel version.

    Examples
    --------
    {example}
    """

_BACKWARD_DOC = """Gradient of :func:`{fwd}` with respect to input, weight and bias.

    Parameters
    ----------
    grad_output : ndarray of shape (N, C_out, {osp}) or (C_out, {osp})
        The upstream gradient, of the shape :func:`{fwd}` returns.
    input, weight, bias, stride, padding, dilation, groups, padding_mode
        Exactly as given to :func:`{fwd}`.

    Returns
    -------
    grad_input : ndarray, the shape of `input`
    grad_weight : ndarray, the shape of `weight`
    grad_bias : ndarray of shape (C_out,), or None when `bias` is None

    Raises
    ------
    ValueError, TypeError
        As :func:`{fwd}`, and when `grad_output` does not have the output's shape.

    Notes
    -----
    With ``out = b + sum x * w`` as in :func:`{fwd}` and ``g = grad_output``::

        grad_bias[o]      = sum_n sum_pos g[n, o, pos]
        grad_weight[o, c, tap] = sum_n sum_pos g[n, o, pos] * x[n, c', pos*s + tap*d - p]
        grad_input[n, c', i]   = sum over (o, pos, tap) with pos*s + tap*d - p = i of g[n, o, pos] * w[o, c, tap]

    where ``c' = (o // G) * C_in/groups + c``. Strategy: the same batch-chunked
    im2col columns as the forward, ``grad_weight = g @ cols.T`` (one GEMM per
    chunk) and ``dcols = w.T @ g`` folded back by col2im, one strided
    slice-add per kernel offset (``dx[..., a*d : a*d + s*(Ho-1)+1 : s, ...] +=
    dcols[..., a, ...]``; never ``np.add.at``, which is orders of magnitude
    slower). With the forward's wide columns (stride 1), ``g`` is first
    scattered into a zeroed wide buffer, so that the discarded positions
    contribute nothing, and each col2im add is one contiguous slice.
    Strided depthwise-like problems use one einsum per kernel offset for
    each gradient. Non-zero padding modes fold the padding's gradient back
    with :func:`cnn_lessons.pad_backward`.

    See Also
    --------
    {fwd} : the forward pass.
    cnn_lessons.gradient_check : checks this function by central differences.

    Examples
    --------
    {example}
    """


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, padding_mode="zeros"):
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups, padding_mode)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, padding_mode="zeros"):
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups, padding_mode)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1, padding_mode="zeros"):
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups, padding_mode)


def conv1d_backward(grad_output, input, weight, bias=None, stride=1, padding=0, dilation=1,
                    groups=1, padding_mode="zeros"):
    return _conv_backward("conv1d_backward", 1, grad_output, input, weight, bias, stride, padding,
                          dilation, groups, padding_mode)


def conv2d_backward(grad_output, input, weight, bias=None, stride=1, padding=0, dilation=1,
                    groups=1, padding_mode="zeros"):
    return _conv_backward("conv2d_backward", 2, grad_output, input, weight, bias, stride, padding,
                          dilation, groups, padding_mode)


def conv3d_backward(grad_output, input, weight, bias=None, stride=1, padding=0, dilation=1,
                    groups=1, padding_mode="zeros"):
    return _conv_backward("conv3d_backward", 3, grad_output, input, weight, bias, stride, padding,
                          dilation, groups, padding_mode)


conv1d.__doc__ = _CONV_DOC.format(
    summary="1-D convolution (cross-correlation) of a batch of multi-channel signals.",
    fn="conv1d", cls="Conv1d", nd=1, sp="L", ks="k", osp="L_out",
    formula="out[n, o, i] = b[o] + sum_c sum_a x[n, c', i*s + a*d - p] * w[o, c, a]",
    example=""">>> x = np.arange(5.).reshape(1, 1, 5)
    >>> conv1d(x, np.array([[[1., 0., -1.]]]))
    array([[[-2., -2., -2.]]])
    >>> conv1d(x, np.ones((1, 1, 2)), stride=2, padding=1)
    array([[[0., 3., 7.]]])""")

conv2d.__doc__ = _CONV_DOC.format(
    summary="2-D convolution (cross-correlation) of a batch of multi-channel images.",
    fn="conv2d", cls="Conv2d", nd=2, sp="H, W", ks="kh, kw", osp="H_out, W_out",
    formula=("out[n, o, i, j] = b[o] + sum_c sum_a sum_b "
             "x[n, c', i*s + a*d - p, j*s + b*d - p] * w[o, c, a, b]"),
    example=""">>> x = np.arange(9.).reshape(1, 1, 3, 3)
    >>> w = np.array([[[[0., 1.], [2., 3.]]]])
    >>> conv2d(x, w)
    array([[[[19., 25.],
             [37., 43.]]]])
    >>> conv2d(x, w, padding=1, stride=2).shape
    (1, 1, 2, 2)
    >>> conv2d(np.ones((3, 5, 5)), np.ones((4, 3, 3, 3)), padding="same").shape
    (4, 5, 5)""")

conv3d.__doc__ = _CONV_DOC.format(
    summary="3-D convolution (cross-correlation) of a batch of multi-channel volumes.",
    fn="conv3d", cls="Conv3d", nd=3, sp="D, H, W", ks="kd, kh, kw", osp="D_out, H_out, W_out",
    formula=("out[n, o, i, j, l] = b[o] + sum_c sum_a sum_b sum_e "
             "x[n, c', i*s + a*d - p, j*s + b*d - p, l*s + e*d - p] * w[o, c, a, b, e]"),
    example=""">>> x = np.ones((1, 2, 4, 4, 4))
    >>> conv3d(x, np.ones((1, 2, 2, 2, 2)), bias=np.array([0.5]))[0, 0, 0]
    array([[16.5, 16.5, 16.5],
           [16.5, 16.5, 16.5],
           [16.5, 16.5, 16.5]])""")

conv1d_backward.__doc__ = _BACKWARD_DOC.format(
    fwd="conv1d", osp="L_out",
    example=""">>> x, w = np.arange(4.).reshape(1, 1, 4), np.array([[[1., 2.]]])
    >>> dx, dw, db = conv1d_backward(np.ones((1, 1, 3)), x, w, bias=np.zeros(1))
    >>> dx, dw, db
    (array([[[1., 3., 3., 2.]]]), array([[[3., 6.]]]), array([3.]))""")

conv2d_backward.__doc__ = _BACKWARD_DOC.format(
    fwd="conv2d", osp="H_out, W_out",
    example=""">>> x = np.arange(9.).reshape(1, 1, 3, 3)
    >>> w = np.array([[[[0., 1.], [2., 3.]]]])
    >>> dx, dw, db = conv2d_backward(np.ones((1, 1, 2, 2)), x, w)
    >>> dx[0, 0]
    array([[0., 1., 1.],
           [2., 6., 4.],
           [2., 5., 3.]])
    >>> dw[0, 0], db
    (array([[ 8., 12.],
           [20., 24.]]), None)""")

conv3d_backward.__doc__ = _BACKWARD_DOC.format(
    fwd="conv3d", osp="D_out, H_out, W_out",
    example=""">>> x, w = np.ones((1, 1, 3, 3, 3)), np.ones((2, 1, 2, 2, 2))
    >>> dx, dw, db = conv3d_backward(np.ones((1, 2, 2, 2, 2)), x, w, bias=np.zeros(2))
    >>> dx[0, 0, 1], dw.shape, db
    (array([[ 4.,  8.,  4.],
           [ 8., 16.,  8.],
           [ 4.,  8.,  4.]]), (2, 1, 2, 2, 2), array([8., 8.]))""")


# --------------------------------------------------------------------------
# Single-channel 2-D operations for the first lesson
# --------------------------------------------------------------------------


def _parse_2d(fn, x, k):
    x = v.as_float_array(x, fn, "x")
    k = v.as_float_array(k, fn, "k")
    v.check_ndim(x, fn, "x", (2,), "(H, W)")
    v.check_ndim(k, fn, "k", (2,), "(kh, kw)")
    for name, a in (("x", x), ("k", k)):
        if 0 in a.shape:
            raise ValueError(f"{fn}: {name} must not be empty, got shape {a.shape}")
    return x, k


def corr2d(x, k):
    """Valid 2-D cross-correlation of one single-channel image with one kernel.

    Parameters
    ----------
    x : ndarray of shape (H, W)
    k : ndarray of shape (kh, kw)
        At most as large as `x` along each axis.

    Returns
    -------
    ndarray of shape (H - kh + 1, W - kw + 1)
        In the floating dtype of the inputs.

    Raises
    ------
    ValueError
        If `x` or `k` is not 2-D, empty, or `k` is larger than `x`.
    TypeError
        If an argument is not an array of real numbers.

    Notes
    -----
    ``S[i, j] = sum_a sum_b x[i + a, j + b] * k[a, b]``: the kernel slides
    over the image without flipping (what deep-learning libraries call
    convolution). The output size is :func:`cnn_lessons.conv_output_size`
    ``(H, kh) = H - kh + 1`` per axis. Computed by :func:`conv2d`'s
    implementation: one multiply-add of a shifted view per kernel tap.

    See Also
    --------
    convolve2d : the same with the kernel flipped.
    conv2d : many channels, batches, stride, padding, dilation, groups.

    Examples
    --------
    >>> corr2d(np.arange(9.).reshape(3, 3), np.array([[0., 1.], [2., 3.]]))
    array([[19., 25.],
           [37., 43.]])
    """
    fn = "corr2d"
    x, k = _parse_2d(fn, x, k)
    p = _parse_conv(fn, 2, x[None, None], k[None, None], None, 1, 0, 1, 1, "zeros")
    return _forward(p)[0, 0]


def convolve2d(x, k, mode="valid"):
    """True 2-D convolution (kernel flipped) of one single-channel image, "valid" or "full".

    Parameters
    ----------
    x : ndarray of shape (H, W)
    k : ndarray of shape (kh, kw)
    mode : {"valid", "full"}, default "valid"
        ``"valid"``: only positions where the kernel lies inside `x`, shape
        ``(H - kh + 1, W - kw + 1)``; ``"full"``: every position where kernel
        and image overlap, shape ``(H + kh - 1, W + kw - 1)``.

    Returns
    -------
    ndarray of the shape given by `mode`

    Raises
    ------
    ValueError
        For arrays that are not 2-D or empty, an unknown `mode`, or (in
        ``"valid"`` mode) a kernel larger than the image.
    TypeError
        If an argument is not an array of real numbers or `mode` not a string.

    Notes
    -----
    ``(x * k)[i, j] = sum_a sum_b x[i - a, j - b] * k[a, b]``, which is
    :func:`corr2d` with the kernel rotated by 180 degrees; ``"full"`` pads
    `x` with ``kh - 1`` and ``kw - 1`` zeros on each side first. Output size:
    :func:`cnn_lessons.conv_output_size` ``(H, kh, padding=0 or kh-1)``.
    Unlike correlation, convolution is associative:
    ``convolve2d(convolve2d(x, k1, "full"), k2, "full") ==
    convolve2d(x, convolve2d(k1, k2, "full"), "full")``. Same as
    ``scipy.signal.convolve2d``.

    See Also
    --------
    corr2d : without the flip.

    Examples
    --------
    >>> convolve2d(np.arange(9.).reshape(3, 3), np.array([[0., 1.], [2., 3.]]))
    array([[ 5., 11.],
           [23., 29.]])
    >>> convolve2d(np.ones((1, 1)), np.array([[1., 2.], [3., 4.]]), mode="full")
    array([[1., 2.],
           [3., 4.]])
    """
    fn = "convolve2d"
    x, k = _parse_2d(fn, x, k)
    if not isinstance(mode, str):
        raise TypeError(f"{fn}: mode must be 'valid' or 'full', got {v._describe(mode)}")
    if mode not in ("valid", "full"):
        raise ValueError(f"{fn}: mode must be 'valid' or 'full', got {mode!r}")
    padding = 0 if mode == "valid" else (k.shape[0] - 1, k.shape[1] - 1)
    p = _parse_conv(fn, 2, x[None, None], k[None, None, ::-1, ::-1], None, 1, padding, 1, 1, "zeros")
    return _forward(p)[0, 0]
