"""Convolution: ``corr2d``, ``convolve2d``, ``conv1d/2d/3d`` and their backward.

One private N-dimensional implementation serves the 1-D, 2-D and 3-D
functions; the public functions only validate their arguments and call it.
Two strategies, chosen by the shape of the problem (see the Notes of
:func:`conv2d` for the measurements):

- **im2col + GEMM**, in batch chunks: the windows of a few batch items are
  copied into a reused column buffer ``cols`` of shape
  ``(groups, C_in/groups * prod(kernel), n * prod(out))`` (about 8 MB; the
  batch axis inside, so that one GEMM per group covers the whole chunk),
  one ``np.matmul(w, cols, out=...)``, and the result is copied into the
  ``(N, C_out, *out)`` output with the bias added in the same pass.
  Zero padding is applied per chunk too, into a reused zero-bordered buffer
  (no padded copy of the whole batch). The backward reuses the same
  columns: ``dw = g @ cols.T`` and ``dcols = w.T @ g``, folded back with one
  strided slice-add per kernel offset (col2im) into a reused padded
  gradient chunk whose interior is copied out.
- **wide columns** for stride 1 (when they waste at most 8 % of the GEMM, or
  the GEMM is cheap, as in depthwise): each padded plane is flattened, so the
  column row of a kernel tap is ONE contiguous slice (instead of one short
  copy per output row); the GEMM computes a few discarded positions at the
  row ends, and the output is extracted from the wide result.
- **depthwise loop** for stride-1 depthwise convolutions (``groups ==
  C_in == C_out``): there is no matrix product worth the name (one weight
  per channel and tap). Blocks of channels and batch items (about 192 KB)
  are copied channel-major into a zero-padded buffer; flattened, the input
  under each kernel tap is then ONE long contiguous slice per channel, and
  the output is accumulated with one multiply by the tap's weight (a scalar
  for one-channel blocks, numpy's fastest path) and one in-place add per
  tap. The backward uses the same blocks: per tap one ``np.vecdot`` for the
  weight gradient and one multiply and slice-add for the input gradient.
- **kernel-offset loop** for strided depthwise-like convolutions (one input
  channel per group): one broadcast multiply-add per kernel offset over
  strided views of the padded input, in batch chunks that stay in cache.

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
# The depthwise loop works on blocks of about this many bytes of padded input
# (channel-major); its accumulator and temporary are the same size, so the
# three stay in the L2 cache (measured on case e: see _depthwise_blocks).
_DW_BYTES = 192 * 2**10
# Length of the rows the depthwise weight gradient's dot products are cut into.
_DOT_LEN = 4096
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

    Stride-1 depthwise problems use :func:`_forward_depthwise` instead, and
    other stride-1 ones the wide columns of :func:`_wide_layout` (measured
    on case e, 32x64x32x32 depthwise 3x3: wide columns + per-channel matmul
    17-24 ms float32 / 37 ms float64 against 24-36 / 44-113 ms for this
    loop, and 8-10 / 17 ms for the channel-major depthwise loop).
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
    """im2col, batch axis inside: ``cols[g, c, *off, n, *out] = xg[n, g, c, *window(off)]``.

    With the batch axis between the kernel offsets and the output positions,
    ``cols`` reshapes (as a view, also for a short last chunk) to
    ``(G, K, n * prod(out))``: ONE GEMM per chunk and group, whose long
    third dimension spans the whole chunk (case c, 64x128x16x16, float32: 34-36
    ms against 42-48 ms for one GEMM per batch item, whose 256 columns are
    too few to keep OpenBLAS's two threads busy; float64 62 against 72 ms).
    """
    xt = np.moveaxis(xg, 0, 2)  # (G, c, n, *padded)
    lead = (slice(None),) * 2
    for off, win in _offsets(p):
        np.copyto(cols[lead + off], xt[lead + (slice(None),) + win])


def _forward(p: _Conv) -> np.ndarray:
    """Batched forward: (N, C_out, *out)."""
    n = p.x.shape[0]
    out = np.empty((n, p.w.shape[0], *p.out_size), dtype=p.x.dtype)
    if _is_depthwise(p):
        _forward_depthwise(p, out)
    elif _use_offset_loop(p):
        _forward_offsets(_padded(p), p, out)
    else:
        _forward_gemm(None, p, out)
        return out  # the bias is already in
    if p.b is not None:
        out += p.b.reshape((-1,) + (1,) * len(p.out_size))
    return out


def _padded_spatial(p: _Conv) -> tuple:
    return tuple(k + lo + hi for k, (lo, hi) in zip(p.x.shape[2:], p.pads))


class _PaddedChunks:
    """Batch chunks of the padded input, each ``(m, C_in, *padded)`` and C-contiguous.

    With zero padding, each chunk is copied into a reused zero-bordered
    buffer (only the interior is written, so the border stays 0): the
    padded copy is made one cache-sized chunk at a time, just before its
    columns are built, instead of once for the whole batch (measured on
    case a float32: 1.1 ms of the 27 ms forward). Other padding modes, or
    a given padded input `xp`, give slices of the whole padded input.
    """

    def __init__(self, p: _Conv, nb: int, xp=None):
        self.p = p
        self.whole = None
        if xp is not None or p.mode != "zeros" or not any(lo or hi for lo, hi in p.pads):
            self.whole = _padded(p) if xp is None else xp
        else:
            self.buf = np.zeros((nb, p.x.shape[1], *_padded_spatial(p)), dtype=p.x.dtype)
            self.inner = _interior(p)[2:]

    def get(self, n0: int, n1: int) -> np.ndarray:
        if self.whole is not None:
            return self.whole[n0:n1]
        chunk = self.buf[: n1 - n0]
        chunk[(slice(None), slice(None)) + self.inner] = self.p.x[n0:n1]
        return chunk


def _bias_view(p: _Conv, G: int):
    """The bias shaped to broadcast over ``(m, G, C_out/G, *out)``, or None."""
    if p.b is None:
        return None
    return p.b.reshape((G, -1) + (1,) * len(p.out_size))


def _forward_gemm(xp, p: _Conv, out):
    """im2col + GEMM in batch chunks, writing `out` (N, C_out, *out) in place, bias included.

    `xp` is the padded input, or None to pad chunk by chunk (see :class:`_PaddedChunks`).
    """
    n, c_in = p.x.shape[:2]
    c_out, c_in_g, *kernel = p.w.shape
    G = p.groups
    K, L = c_in_g * math.prod(kernel), math.prod(p.out_size)
    wg = p.w.reshape(G, c_out // G, K)  # (G, C_out/G, C_in/G * prod(kernel))
    og = out.reshape(n, G, c_out // G, L)
    bias = _bias_view(p, G)
    if _is_pointwise(p):
        xs = _padded(p) if xp is None else xp  # (a 1x1 kernel can still have padding)
        np.matmul(wg, xs.reshape(n, G, K, L), out=og)
        if bias is not None:
            og += bias.reshape(G, -1, 1)
        return
    if _is_wide(p):
        _forward_gemm_wide(xp, wg, p, out)
        return
    nb = _chunk(n, G * K * L * out.itemsize, _COLS_BYTES)
    chunks = _PaddedChunks(p, nb, xp)
    buf = np.empty((G, c_in_g, *kernel, nb, L), dtype=out.dtype)
    res = np.empty((G, c_out // G, nb, L), dtype=out.dtype)
    for n0 in range(0, n, nb):
        n1 = min(n, n0 + nb)
        m = n1 - n0
        cols = buf[..., :m, :]
        xc = chunks.get(n0, n1)
        _fill_cols(cols.reshape(G, c_in_g, *kernel, m, *p.out_size),
                   xc.reshape(m, G, c_in_g, *xc.shape[2:]), p)
        r = res[:, :, :m]
        np.matmul(wg, cols.reshape(G, K, m * L), out=r.reshape(G, c_out // G, m * L))
        r = np.moveaxis(r, 2, 0)  # (m, G, C_out/G, L)
        if bias is None:
            np.copyto(og[n0:n1], r)
        else:  # the bias added in the same pass
            np.add(r, bias.reshape(G, -1, 1), out=og[n0:n1])


def _forward_gemm_wide(xp, wg, p: _Conv, out):
    """Stride-1 im2col + GEMM on wide columns (contiguous copies), then the output extracted
    (and the bias added) in one pass."""
    n, c_in = p.x.shape[:2]
    G, c_out_g, K = wg.shape
    c_in_g = c_in // G
    sp = _padded_spatial(p)
    q, F, offs = _wide_layout((n, c_in) + sp, p)
    nb = _chunk(n, G * K * F * out.itemsize, _COLS_BYTES)
    chunks = _PaddedChunks(p, nb, xp)
    cols = np.empty((nb, G, c_in_g, len(offs), F), dtype=out.dtype)
    wide = np.empty((nb, G, c_out_g, F), dtype=out.dtype)
    og = out.reshape(n, G, c_out_g, *p.out_size)
    bias = _bias_view(p, G)
    for n0 in range(0, n, nb):
        m = min(n, n0 + nb) - n0
        c = cols[:m]
        xf = chunks.get(n0, n0 + m).reshape(m, G, c_in_g, math.prod(sp))  # flattened padded planes
        for t, (_, f0) in enumerate(offs):
            np.copyto(c[:, :, :, t], xf[:, :, :, f0:f0 + F])
        np.matmul(wg, c.reshape(m, G, K, F), out=wide[:m])
        if bias is None:
            np.copyto(og[n0:n0 + m], _wide_view(wide[:m], q, p))
        else:
            np.add(_wide_view(wide[:m], q, p), bias, out=og[n0:n0 + m])


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


# --------------------------------------------------------------------------
# Depthwise, stride 1: channel-major blocks, one multiply-add per kernel tap
# --------------------------------------------------------------------------


def _is_depthwise(p: _Conv) -> bool:
    """Depthwise (one input and one output channel per group), stride 1."""
    return (p.w.shape[1] == 1 and p.w.shape[0] == p.groups and p.groups == p.x.shape[1]
            and all(s == 1 for s in p.stride))


def _depthwise_blocks(n: int, c: int, plane: int, itemsize: int):
    """Blocks ``(n0, n1, c0, c1)`` of batch items and channels, about `_DW_BYTES` each.

    Whole-batch blocks of several channels when one channel's padded planes
    fit the budget; otherwise one channel at a time in batch chunks. Blocks
    of one channel multiply by a scalar weight, numpy's fastest path
    (measured: 0.12 ns per float32 element against 0.31-0.43 ns for a
    broadcast ``(C, 1)`` column of weights).
    """
    per_channel = n * plane * itemsize
    if per_channel <= _DW_BYTES:
        cb = max(1, _DW_BYTES // per_channel)
        return [(0, n, c0, min(c, c0 + cb)) for c0 in range(0, c, cb)]
    nb = max(1, _DW_BYTES // max(plane * itemsize, 1))
    return [(n0, min(n, n0 + nb), c0, c0 + 1) for c0 in range(c) for n0 in range(0, n, nb)]


class _DepthwiseLayout(NamedTuple):
    """Geometry of the channel-major depthwise loop (see :func:`_forward_depthwise`)."""

    src: np.ndarray  # the input to copy from: p.x (zero padding) or the padded input
    inner: tuple  # where `src` goes inside a padded block plane
    sp: tuple  # padded spatial shape
    P: int  # padded plane size
    F: int  # wide length of one plane's output (see _wide_layout)
    offs: list  # (tap, flat offset) per kernel tap
    blocks: list  # (n0, n1, c0, c1)
    nb: int  # largest batch chunk
    cb: int  # largest channel block


def _depthwise_layout(p: _Conv) -> _DepthwiseLayout:
    n, c = p.x.shape[:2]
    sp = tuple(k + lo + hi for k, (lo, hi) in zip(p.x.shape[2:], p.pads))
    if p.mode == "zeros":
        src, inner = p.x, tuple(slice(lo, lo + k) for k, (lo, _) in zip(p.x.shape[2:], p.pads))
    else:
        src, inner = _padded(p), tuple(slice(None) for _ in sp)
    _, F, offs = _wide_layout((n, c) + sp, p)
    blocks = _depthwise_blocks(n, c, math.prod(sp), p.x.itemsize)
    nb = max(b[1] - b[0] for b in blocks)
    cb = max(b[3] - b[2] for b in blocks)
    return _DepthwiseLayout(src, inner, sp, math.prod(sp), F, offs, blocks, nb, cb)


def _forward_depthwise(p: _Conv, out):
    """Depthwise stride-1 forward, writing `out` (N, C, *out) in place.

    Each block of channels and batch items is copied, channel-major and
    zero-padded, into a reused buffer ``(cb, nb, *padded)``; flattened, the
    ``nb`` padded planes of a channel are one row, and the input under
    kernel tap ``t`` for every output of the block is ONE contiguous slice
    ``row[off_t : off_t + L]`` (the "wide" layout of :func:`_wide_layout`,
    extended over the batch). One multiply by the tap's weight and one
    in-place add per tap accumulate the wide output; the positions between
    planes and rows are discarded when the block is copied out.
    """
    lay = _depthwise_layout(p)
    wt = p.w.reshape(p.w.shape[0], -1)  # (C, taps)
    dtype = out.dtype
    xb = np.zeros((lay.cb, lay.nb, *lay.sp), dtype=dtype)
    acc = np.empty((lay.cb, lay.nb * lay.P), dtype=dtype)
    tmp = np.empty((lay.cb, lay.nb * lay.P), dtype=dtype)
    outs = tuple(slice(0, o) for o in p.out_size)
    for n0, n1, c0, c1 in lay.blocks:
        nb, cb = n1 - n0, c1 - c0
        xb[(slice(0, cb), slice(0, nb)) + lay.inner] = np.moveaxis(lay.src[n0:n1, c0:c1], 1, 0)
        xf = xb[:cb].reshape(cb, -1)
        L = (nb - 1) * lay.P + lay.F
        a, t = acc[:cb, :L], tmp[:cb, :L]
        for i, (_, f0) in enumerate(lay.offs):
            tap = wt[c0, i] if cb == 1 else wt[c0:c1, i, None]
            if i == 0:
                np.multiply(xf[:, f0:f0 + L], tap, out=a)
            else:
                np.multiply(xf[:, f0:f0 + L], tap, out=t)
                a += t
        wide = acc[:cb, :nb * lay.P].reshape(cb, nb, *lay.sp)[(slice(None), slice(None)) + outs]
        np.copyto(out[n0:n1, c0:c1], np.moveaxis(wide, 0, 1))


def _backward_depthwise(g, p: _Conv):
    """Depthwise stride-1 backward: (grad_input, grad_weight), on the forward's blocks.

    ``g`` is copied into a zeroed channel-major block at the output
    positions (the discarded positions stay 0, so they contribute nothing).
    Per kernel tap, the weight gradient is one ``np.vecdot`` of the wide
    ``g`` with the tap's slice of the input, cut into rows of
    `_DOT_LEN` elements (OpenBLAS runs a float64 dot of more than 10000
    elements on two threads, and waking them cost 0.1-0.5 ms per call on a
    busy machine; short rows stay on one thread); the input gradient is one
    multiply and one slice-add (col2im on contiguous slices).
    """
    lay = _depthwise_layout(p)
    n, c = p.x.shape[:2]
    wt = p.w.reshape(c, -1)
    dtype = g.dtype
    R = _DOT_LEN
    run = lay.nb * lay.P  # one channel's planes in a block
    rows = -(-((lay.nb - 1) * lay.P + lay.F) // R)
    extra = rows * R + max(f0 for _, f0 in lay.offs) - run  # slack for the row views
    xb = np.zeros((lay.cb, run + max(extra, 0)), dtype=dtype)
    gb = np.zeros((lay.cb, run + max(extra, 0)), dtype=dtype)
    xbp = xb[:, :run].reshape(lay.cb, lay.nb, *lay.sp)  # the same memory as planes
    gbp = gb[:, :run].reshape(lay.cb, lay.nb, *lay.sp)
    db = np.empty((lay.cb, run), dtype=dtype)
    tmp = np.empty((lay.cb, run), dtype=dtype)
    dw = np.zeros((c, len(lay.offs)), dtype=dtype)
    part = np.empty((len(lay.offs), lay.cb), dtype=dtype)
    outs = tuple(slice(0, o) for o in p.out_size)
    zeros = p.mode == "zeros"
    dx = np.empty(p.x.shape if zeros else (n, c, *lay.sp), dtype=dtype)
    item = xb.itemsize
    for n0, n1, c0, c1 in lay.blocks:
        nb, cb = n1 - n0, c1 - c0
        lead = (slice(0, cb), slice(0, nb))
        xbp[lead + lay.inner] = np.moveaxis(lay.src[n0:n1, c0:c1], 1, 0)
        gbp[lead + outs] = np.moveaxis(g[n0:n1, c0:c1], 1, 0)
        L = (nb - 1) * lay.P + lay.F
        nr = -(-L // R)
        gb[:cb, L:nr * R] = 0  # stale planes of a larger earlier block, in the last row
        gL, t = gb[:cb, :L], tmp[:cb, :L]
        grows = np.lib.stride_tricks.as_strided(gb, (cb, nr, R), (gb.strides[0], R * item, item))
        d = db[:cb, :nb * lay.P]
        d.fill(0)
        for i, (_, f0) in enumerate(lay.offs):
            xrows = np.lib.stride_tricks.as_strided(xb[:, f0:], (cb, nr, R),
                                                    (xb.strides[0], R * item, item))
            np.sum(np.vecdot(grows, xrows), axis=1, out=part[i, :cb])
            np.multiply(gL, wt[c0, i] if cb == 1 else wt[c0:c1, i, None], out=t)
            d[:, f0:f0 + L] += t
        dw[c0:c1] += part[:, :cb].T
        planes = d.reshape(cb, nb, *lay.sp)
        np.copyto(dx[n0:n1, c0:c1], np.moveaxis(planes[(slice(None), slice(None)) + lay.inner]
                                                if zeros else planes, 0, 1))
    if not zeros:
        dx = pad_backward(dx, p.x, p.pads, mode=p.mode)
    return dx, dw.reshape(p.w.shape)


def _backward(g, p: _Conv):
    """Batched backward: (dx, dw, db) for g of shape (N, C_out, *out)."""
    g = g.astype(p.x.dtype, copy=False)
    db = None if p.b is None else g.sum(axis=(0, *range(2, g.ndim)))
    if _is_depthwise(p):
        return (*_backward_depthwise(g, p), db)
    if _use_offset_loop(p):
        dxp, dw = _backward_offsets(g, _padded(p), p)
        return _unpad_grad(dxp, p), dw, db
    dx, dw = _backward_gemm(g, None, p)
    return dx, dw, db


class _GradChunks:
    """The input gradient, accumulated one batch chunk at a time in the padded layout.

    With zero padding each chunk's padded gradient lives in a reused
    buffer, zeroed per chunk, and only its interior is copied out (instead
    of a zeroed padded gradient for the whole batch and a copy of its
    interior at the end); other padding modes keep the whole padded
    gradient and fold the border back with :func:`cnn_lessons.pad_backward`.
    """

    def __init__(self, p: _Conv, nb: int, dtype):
        self.p = p
        n, c = p.x.shape[:2]
        sp = _padded_spatial(p)
        self.padded = any(lo or hi for lo, hi in p.pads)
        if p.mode == "zeros" or not self.padded:
            self.dx = np.empty(p.x.shape, dtype=dtype)
            self.buf = np.empty((nb, c, *sp), dtype=dtype) if self.padded else None
            self.inner = (slice(None), slice(None)) + _interior(p)[2:]
        else:
            self.dx = None
            self.dxp = np.zeros((n, c, *sp), dtype=dtype)

    def get(self, n0: int, n1: int) -> np.ndarray:
        """The zeroed padded gradient of chunk ``n0:n1``, to accumulate into."""
        if self.dx is None:
            return self.dxp[n0:n1]
        chunk = self.dx[n0:n1] if self.buf is None else self.buf[: n1 - n0]
        chunk.fill(0)
        return chunk

    def put(self, n0: int, n1: int, chunk: np.ndarray) -> None:
        if self.dx is not None and self.buf is not None:
            np.copyto(self.dx[n0:n1], chunk[self.inner])

    def result(self) -> np.ndarray:
        if self.dx is not None:
            return self.dx
        return pad_backward(self.dxp, self.p.x, self.p.pads, mode=self.p.mode)


def _backward_gemm(g, xp, p: _Conv):
    """dw = g @ cols.T (GEMM); dcols = w.T @ g (GEMM) folded back by col2im slice-adds.

    Returns ``(grad_input, grad_weight)``, the input gradient already
    without padding. `xp` is the padded input, or None to pad chunk by chunk.
    """
    n, c_in = p.x.shape[:2]
    c_out, c_in_g, *kernel = p.w.shape
    G = p.groups
    K, L = c_in_g * math.prod(kernel), math.prod(p.out_size)
    wgT = p.w.reshape(G, c_out // G, K).transpose(0, 2, 1)  # (G, K, C_out/G)
    gg = g.reshape(n, G, c_out // G, L)
    dw = np.zeros((G, c_out // G, K), dtype=g.dtype)
    if _is_pointwise(p):
        xs = _padded(p) if xp is None else xp
        cols = xs.reshape(n, G, K, L)
        dw += np.matmul(gg, cols.transpose(0, 1, 3, 2)).sum(axis=0)
        grads = _GradChunks(p, n, g.dtype)
        d = grads.get(0, n)
        np.matmul(wgT, gg, out=d.reshape(n, G, K, L))
        grads.put(0, n, d)
        return grads.result(), dw.reshape(p.w.shape)
    if _is_wide(p):
        return _backward_gemm_wide(gg, xp, wgT, p, dw)
    nb = _chunk(n, G * K * L * g.itemsize, _COLS_BYTES)
    chunks, grads = _PaddedChunks(p, nb, xp), _GradChunks(p, nb, g.dtype)
    buf = np.empty((G, c_in_g, *kernel, nb, L), dtype=g.dtype)  # batch inside: see _fill_cols
    dbuf = np.empty_like(buf)
    gbuf = np.empty((G, c_out // G, nb, L), dtype=g.dtype)
    for n0 in range(0, n, nb):
        n1 = min(n, n0 + nb)
        m = n1 - n0
        cols, dcols, gt = buf[..., :m, :], dbuf[..., :m, :], gbuf[:, :, :m]
        xc = chunks.get(n0, n1)
        _fill_cols(cols.reshape(G, c_in_g, *kernel, m, *p.out_size),
                   xc.reshape(m, G, c_in_g, *xc.shape[2:]), p)
        np.copyto(gt, np.moveaxis(gg[n0:n1], 0, 2))  # (G, C_out/G, m, L)
        g2 = gt.reshape(G, c_out // G, m * L)
        dw += np.matmul(g2, cols.reshape(G, K, m * L).transpose(0, 2, 1))  # one GEMM per group
        np.matmul(wgT, g2, out=dcols.reshape(G, K, m * L))
        dc = grads.get(n0, n1)
        dx = np.moveaxis(dc.reshape(m, G, c_in_g, *dc.shape[2:]), 0, 2)  # (G, c, m, *padded)
        dcv = dcols.reshape(G, c_in_g, *kernel, m, *p.out_size)
        for off, win in _offsets(p):  # col2im: overlapping windows accumulate
            dx[(slice(None),) * 3 + win] += dcv[(slice(None), slice(None)) + off]
        grads.put(n0, n1, dc)
    return grads.result(), dw.reshape(p.w.shape)


def _backward_gemm_wide(gg, xp, wgT, p: _Conv, dw):
    """Stride-1 backward on wide columns: g scattered into a zeroed wide buffer (so the
    discarded positions contribute nothing), two GEMMs, col2im as contiguous slice-adds."""
    n, c_in = p.x.shape[:2]
    G, K, c_out_g = wgT.shape
    c_in_g = c_in // G
    sp = _padded_spatial(p)
    P = math.prod(sp)
    q, F, offs = _wide_layout((n, c_in) + sp, p)
    nb = _chunk(n, G * K * F * dw.itemsize, _COLS_BYTES)
    chunks, grads = _PaddedChunks(p, nb, xp), _GradChunks(p, nb, dw.dtype)
    cols = np.empty((nb, G, c_in_g, len(offs), F), dtype=dw.dtype)
    dcols = np.empty_like(cols)
    gwide = np.zeros((nb, G, c_out_g, F), dtype=dw.dtype)
    gview = _wide_view(gwide, q, p)
    for n0 in range(0, n, nb):
        m = min(n, n0 + nb) - n0
        c, dc, gw = cols[:m], dcols[:m], gwide[:m]
        np.copyto(gview[:m], gg[n0:n0 + m].reshape(gview[:m].shape))
        xf = chunks.get(n0, n0 + m).reshape(m, G, c_in_g, P)
        for t, (_, f0) in enumerate(offs):
            np.copyto(c[:, :, :, t], xf[:, :, :, f0:f0 + F])
        c2 = c.reshape(m, G, K, F)
        if m == 1:
            dw += np.matmul(gw[0], c2[0].transpose(0, 2, 1))
        else:
            dw += np.matmul(gw, c2.transpose(0, 1, 3, 2)).sum(axis=0)
        np.matmul(wgT, gw, out=dc.reshape(m, G, K, F))
        dxc = grads.get(n0, n0 + m)
        dxf = dxc.reshape(m, G, c_in_g, P)
        for t, (_, f0) in enumerate(offs):  # col2im: overlapping windows accumulate
            dxf[:, :, :, f0:f0 + F] += dc[:, :, :, t]
        grads.put(n0, n0 + m, dxc)
    return grads.result(), dw.reshape(p.w.shape)


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
    (2, 4, 8 and 16 MB within noise of each other, 32 MB 5-20 % slower)
    laid out ``(groups, C_in/groups * prod(kernel), n * prod(out))``, so that
    ONE ``np.matmul`` per chunk and group spans the whole chunk (on
    64x128x16x16, 3x3: 36 against 43 ms float32, 62 against 75 ms float64
    for one GEMM per batch item with only 256 columns); zero padding is applied chunk by chunk in a reused
    zero-bordered buffer and the bias is added to each chunk while it is in
    cache (for wide columns, in the same pass that extracts the output),
    which saves two passes over the whole batch (about 2 ms of 25 on
    32x64x32x32 float32); a 1x1 stride-1 kernel skips im2col entirely (one
    GEMM per batch item: measured faster than one big GEMM after a
    transposing copy, 3.4 against 4.2 ms on 32x256x14x14 float64). Whole-batch
    im2col was 1.2-1.85x slower with twice the memory; a loop over kernel
    offsets 10-48x slower on 7x7/stride-2; tensordot on a sliding window view
    slowest. For stride 1 the columns are "wide" (one contiguous copy per
    kernel tap and channel over the flattened padded plane, the few row-end
    positions discarded after the GEMM) when that wastes at most 8 % of the
    GEMM or the GEMM is small (grouped convolutions with few channels per
    group). Depthwise stride-1 convolutions (``groups == C_in == C_out``)
    are not matrix products: blocks of about 192 KB of channels and batch
    items are copied channel-major into a zero-padded buffer, where the
    input under each kernel tap is one long contiguous slice per channel,
    and accumulated with one multiply by the tap's weight (a scalar for a
    one-channel block) and one in-place add per tap (32x64x32x32, 3x3,
    float32: 8-10 ms against 16 ms for wide columns + per-channel matmul,
    24-36 ms for strided views; PyTorch's fused kernel about 2-3 ms: numpy
    has no multiply-add in one pass). Strided depthwise-like problems (one
    input channel per group, at most 4 outputs per group): one broadcast
    multiply-add per kernel offset on strided views, in cache-sized batch
    chunks.

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
    chunk and group, ``g`` copied to the columns' batch-inside layout, its
    reduction over the whole chunk: 87 against 98 ms float32, 144 against
    165 ms float64 on 64x128x16x16) and ``dcols = w.T @ g`` folded back by
    col2im, one strided slice-add per kernel offset (``dx[..., a*d : a*d + s*(Ho-1)+1 : s, ...] +=
    dcols[..., a, ...]``; never ``np.add.at``, which is orders of magnitude
    slower), into a reused zero-padded gradient buffer of one chunk whose
    interior is then copied out (no zeroed padded gradient of the whole
    batch, no final unpadding copy). With the forward's wide columns
    (stride 1), ``g`` is first scattered into a zeroed wide buffer, so that
    the discarded positions contribute nothing, and each col2im add is one
    contiguous slice.
    Depthwise stride-1 problems use the forward's channel-major blocks: per
    kernel tap one ``np.vecdot`` (cut into rows of 4096 elements, which
    OpenBLAS runs on one thread) for the weight gradient and one multiply
    and contiguous slice-add for the input gradient (32x64x32x32, 3x3:
    float32 14-19 ms, float64 37 ms, against 64 and 93-135 ms for wide
    columns and GEMMs). Strided depthwise-like problems use one einsum per
    kernel offset for each gradient. Non-zero padding modes fold the
    padding's gradient back with :func:`cnn_lessons.pad_backward`.

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
