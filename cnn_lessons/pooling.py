"""Pooling: max, average, power-average (Lp) and adaptive pooling, each beside its backward.

Semantics follow ``torch.nn.functional``: the same arguments, the same output
sizes (from :func:`cnn_lessons.conv_output_size`, the package's only
output-size formula, including PyTorch's ``ceil_mode`` rule), the same
average divisors, the same flat indices of the maxima, the same tie and NaN
rules. Input is ``(N, C, *spatial)`` or unbatched ``(C, *spatial)``; every
axis before the spatial ones is just carried along.

One private N-dimensional implementation serves the 1-D, 2-D and 3-D public
functions. The strategies, chosen by measurement (details in the Notes of
each 2-D function):

- **max pooling**: a loop over the ``prod(kernel_size)`` window offsets,
  each one strided view of a -inf padded block of input planes (blocks of
  about 1 MB, reused from the cache by every offset), folded in with
  ``np.maximum`` (values only) or, with indices, with a compare and a
  branch-free update of the offset number of PyTorch's choice.
- **max-pool backward**: the gradient of each output goes to its maximum,
  found from `indices` or by the forward with indices; with non-overlapping
  windows one ``put_along_axis`` per plane, with overlapping ones one
  ``np.bincount`` on flat indices (2-5 ms on a 32x64x32x32 input, 3x3/2,
  against 11-17 ms for a masked strided add per window offset, and far
  from ``np.add.at``).
- **average and Lp pooling**: separable, so matrix products: the last axis
  is a product with a small ``(W, W_out)`` window matrix (the divisor folded
  in), and the axis before it joins the same product when its stride
  divides it (``s`` rows are one row of a reshape; one product per block
  offset, a few shifted adds); OpenBLAS runs it on both cores (32x64x32x32,
  2x2/2: float32 0.8-0.9 ms, float64 1.4-1.5 ms, against 1.8 and 3.3 ms for
  strided sums). Other geometries and any non-finite input (``0 * inf`` would
  spread NaN along a row) use a strided add per window offset, one axis at a
  time. The backward is the transpose: the same matrices transposed, the
  gradients of the few block offsets side by side in one product that
  writes the input gradient (3x3/2 pad 1, float64: 6.0 against 8.7 ms), with
  the transposed strided sums as the fallback.
- **adaptive average**: a sum along each axis as a product with a small 0/1
  matrix (windows of variable length); **adaptive max**: a loop over the
  (small) largest window length along each axis, one axis at a time.
"""

from __future__ import annotations

import itertools
import math
import numbers
from typing import NamedTuple

import numpy as np

from . import _validation as v
from .geometry import conv_output_size

__all__ = [
    "max_pool1d", "max_pool1d_backward",
    "max_pool2d", "max_pool2d_backward",
    "max_pool3d", "max_pool3d_backward",
    "avg_pool1d", "avg_pool1d_backward",
    "avg_pool2d", "avg_pool2d_backward",
    "avg_pool3d", "avg_pool3d_backward",
    "lp_pool1d", "lp_pool1d_backward",
    "lp_pool2d", "lp_pool2d_backward",
    "lp_pool3d", "lp_pool3d_backward",
    "adaptive_avg_pool1d", "adaptive_avg_pool1d_backward",
    "adaptive_avg_pool2d", "adaptive_avg_pool2d_backward",
    "adaptive_avg_pool3d", "adaptive_avg_pool3d_backward",
    "adaptive_max_pool1d", "adaptive_max_pool1d_backward",
    "adaptive_max_pool2d", "adaptive_max_pool2d_backward",
    "adaptive_max_pool3d", "adaptive_max_pool3d_backward",
]

# Max pooling works on blocks of input planes of about this size, so that the
# re-reads of one block by every window offset hit the L2 cache (measured:
# see the Notes of max_pool2d).
_CHUNK_BYTES = 1 * 2**20
# Average pooling with matrix products along the last axis (see _avg_pool_gemm);
# False: the strided window sums only (the tests compare the two).
_AVG_GEMM = True

_SPATIAL = {1: "(L)", 2: "(H, W)", 3: "(D, H, W)"}
_OUT_SPATIAL = {1: "(L_out)", 2: "(H_out, W_out)", 3: "(D_out, H_out, W_out)"}


# --------------------------------------------------------------------------
# Argument checking (once, at the public boundary)
# --------------------------------------------------------------------------


class _Pool(NamedTuple):
    """A validated sliding-window pooling problem."""

    x: np.ndarray  # (*lead, *spatial): (N, C, ...) or (C, ...)
    kernel: tuple
    stride: tuple
    padding: tuple
    dilation: tuple
    ceil_mode: bool
    out_size: tuple  # from conv_output_size

    @property
    def nd(self) -> int:
        return len(self.kernel)

    @property
    def spatial(self) -> tuple:
        return self.x.shape[self.x.ndim - self.nd:]

    @property
    def out_shape(self) -> tuple:
        return self.x.shape[:self.x.ndim - self.nd] + self.out_size


def _check_input(input, nd, fn, name="input"):
    """`input` as a floating array of shape (C, *spatial) or (N, C, *spatial)."""
    x = v.as_float_array(input, fn, name)
    v.check_ndim(x, fn, name, (nd + 1, nd + 2),
                 f"((C, *spatial) unbatched or (N, C, *spatial) with {nd} spatial "
                 f"dimension{'s' if nd > 1 else ''})")
    spatial = x.shape[x.ndim - nd:]
    if 0 in spatial:
        raise ValueError(f"{fn}: {name} has an empty spatial axis (shape {x.shape}); every "
                         "spatial size must be at least 1")
    return x


def _parse_pool(fn, nd, input, kernel_size, stride, padding, dilation, ceil_mode):
    """Validate the arguments of a sliding-window pooling; return a :class:`_Pool`."""
    x = _check_input(input, nd, fn)
    kernel = v.int_tuple(kernel_size, nd, fn, "kernel_size", 1)
    stride = kernel if stride is None else v.int_tuple(stride, nd, fn, "stride", 1)
    pads = v.int_tuple(padding, nd, fn, "padding", 0)
    dilation = v.int_tuple(dilation, nd, fn, "dilation", 1)
    ceil_mode = v.check_bool(ceil_mode, fn, "ceil_mode")
    for axis, (p, k) in enumerate(zip(pads, kernel)):
        if 2 * p > k:  # PyTorch: pad <= kernel_size / 2
            where = "" if isinstance(padding, numbers.Integral) and isinstance(
                kernel_size, numbers.Integral) else f" on spatial axis {axis}"
            raise ValueError(
                f"{fn}: padding ({p}){where} must be at most half the kernel size ({k}); got "
                f"padding={padding!r}, kernel_size={kernel_size!r}")
    spatial = x.shape[x.ndim - nd:]
    try:
        out_size = conv_output_size(spatial, kernel, stride, pads, dilation, ceil_mode)
    except ValueError as exc:
        msg = str(exc).removeprefix("conv_output_size: ")
        raise ValueError(f"{fn}: {msg} (input spatial shape {spatial}, kernel_size "
                         f"{kernel}, padding {pads}, dilation {dilation})") from None
    for axis in range(nd):
        spans = _spans(out_size[axis], spatial[axis], kernel[axis], stride[axis],
                       pads[axis], dilation[axis])
        covered = np.zeros(out_size[axis], bool)
        for span in spans:
            if span is not None:
                covered[span[0]:span[1]] = True
        if not covered.all():  # only a dilation larger than the input can do this
            raise ValueError(
                f"{fn}: on spatial axis {axis} some windows contain no input element (size "
                f"{spatial[axis]}, kernel_size {kernel[axis]}, dilation {dilation[axis]}, padding "
                f"{pads[axis]}); use a smaller dilation or less padding")
    return _Pool(x, kernel, stride, pads, dilation, ceil_mode, out_size)


def _check_grad_output(grad_output, out_shape, fn):
    """grad_output as a floating array of the forward's output shape."""
    g = v.as_float_array(grad_output, fn, "grad_output")
    v.check_same_shape(g, out_shape, fn, "grad_output",
                       f"the output shape of {fn.removesuffix('_backward')} for these arguments")
    return g


def _check_indices(indices, out_shape, plane, fn):
    """indices from a forward call: an integer array of the output shape, values in the plane."""
    if not isinstance(indices, np.ndarray) or indices.dtype.kind not in "iu":
        raise TypeError(f"{fn}: indices must be an integer ndarray (int64, as returned with "
                        f"return_indices=True), got {v._describe(indices)}")
    v.check_same_shape(indices, out_shape, fn, "indices",
                       f"the output shape of {fn.removesuffix('_backward')} for these arguments")
    if indices.size and (indices.min() < 0 or indices.max() >= plane):
        raise ValueError(f"{fn}: indices must lie in [0, {plane}) (flat positions in an input "
                         f"plane), got values from {indices.min()} to {indices.max()}")
    return indices


def _check_norm_type(norm_type, fn):
    if isinstance(norm_type, (bool, np.bool_)) or not isinstance(norm_type, numbers.Real):
        raise TypeError(f"{fn}: norm_type must be a positive number, got {v._describe(norm_type)}")
    p = float(norm_type)
    if not p > 0:  # also NaN
        raise ValueError(f"{fn}: norm_type must be positive (the p of the p-norm), got {norm_type!r}")
    return p


def _parse_output_size(output_size, nd, spatial, fn):
    """output_size as a tuple of ints; None entries keep the input size (PyTorch)."""
    if isinstance(output_size, (list, tuple)):
        items = list(output_size)
        if len(items) != nd:
            raise ValueError(f"{fn}: output_size must be an int or a sequence of {nd} ints or None "
                             f"(one per spatial dimension), got {output_size!r} of length {len(items)}")
    elif output_size is None and nd == 1:
        items = [None]
    else:
        items = [output_size] * nd
    sizes = []
    for axis, item in enumerate(items):
        if item is None:
            sizes.append(spatial[axis])
        else:
            name = "output_size" if not isinstance(output_size, (list, tuple)) else f"output_size[{axis}]"
            sizes.append(v.check_int(item, fn, name, 1))
    return tuple(sizes)


# --------------------------------------------------------------------------
# Window geometry
# --------------------------------------------------------------------------


def _spans(n_out, size, k, s, p, d):
    """For each tap k' of the window along one axis: the outputs whose tap is inside the input.

    Output ``o`` reads input position ``o*s - p + k'*d``. Returns, per tap, None
    or ``(o_lo, o_hi, i_lo)``: outputs ``o_lo <= o < o_hi`` read the inputs
    ``i_lo, i_lo + s, ...`` (strictly inside ``[0, size)``).
    """
    spans = []
    for tap in range(k):
        off = tap * d - p
        lo = max(0, -(off // s))          # first o with o*s + off >= 0
        hi = min(n_out, (size - 1 - off) // s + 1) if size - 1 - off >= 0 else 0
        spans.append((lo, hi, lo * s + off) if hi > lo else None)
    return spans


def _plane_strides(spatial):
    """Flat-index strides of a C-ordered plane of shape `spatial`."""
    return tuple(int(np.prod(spatial[a + 1:], dtype=np.int64)) for a in range(len(spatial)))


def _overlapping(g: _Pool) -> bool:
    """Whether some input element lies in two windows (then gradients must be added, not put)."""
    return any(n > 1 and d * (k - 1) + 1 > s
               for n, k, s, d in zip(g.out_size, g.kernel, g.stride, g.dilation))


# --------------------------------------------------------------------------
# Max pooling: N-dimensional implementation
# --------------------------------------------------------------------------


def _plane_chunks(g: _Pool):
    """The input as a stack of planes ``(P, *spatial)`` and slices into it of about `_CHUNK_BYTES`.

    Every window offset reads the whole input again; working on blocks of
    planes that fit in the L2 cache makes those re-reads cheap.
    """
    planes = g.x.reshape((-1,) + g.spatial)
    per_plane = max(1, math.prod(g.spatial) * g.x.itemsize)
    step = max(1, _CHUNK_BYTES // per_plane)
    return planes, [slice(i, min(i + step, len(planes))) for i in range(0, len(planes), step)]


class _PaddedBlock:
    """A reused buffer holding one block of planes padded with -inf, and its window views.

    The right side also gets the extra cells a ceil-mode window may reach.
    With the padding in place every window offset is one strided view of the
    buffer with exactly the output's shape, so the running maximum and its
    offsets stay contiguous and numpy runs each ufunc as one flat loop
    (clipping views to the valid outputs instead was 2-5x slower for 3x3
    windows with padding: the loops then run row by row).
    """

    def __init__(self, g: _Pool, n_planes: int):
        self.before = g.padding
        size = [max(n + 2 * p, (o - 1) * s + d * (k - 1) + 1)
                for n, p, o, s, d, k in zip(g.spatial, g.padding, g.out_size, g.stride,
                                             g.dilation, g.kernel)]
        self.padded = any(sz != n for sz, n in zip(size, g.spatial))
        self.buf = np.full((n_planes, *size), -np.inf, dtype=g.x.dtype) if self.padded else None
        self.interior = (slice(None),) + tuple(slice(p, p + n) for p, n in zip(g.padding, g.spatial))
        self.views = []  # (offset number, index of the window view)
        for j, taps in enumerate(itertools.product(*[range(k) for k in g.kernel])):
            self.views.append((j, (slice(None),) + tuple(
                slice(t * d, t * d + (o - 1) * s + 1, s)
                for t, d, o, s in zip(taps, g.dilation, g.out_size, g.stride))))

    def load(self, x):
        """The block `x` (n, *spatial), padded (a view of the buffer) or as is."""
        if not self.padded:
            return x
        buf = self.buf[:len(x)]
        buf[self.interior] = x  # the border keeps its -inf
        return buf


def _max_values(g: _Pool) -> np.ndarray:
    """Max over each window: one ``np.maximum`` per window offset on strided views."""
    planes, chunks = _plane_chunks(g)
    out = np.empty((len(planes),) + g.out_size, dtype=g.x.dtype)
    block = _PaddedBlock(g, chunks[0].stop - chunks[0].start)
    for c in chunks:
        xp, o = block.load(planes[c]), out[c]
        for j, view in block.views:
            if j == 0:
                np.copyto(o, xp[view])
            else:
                np.maximum(o, xp[view], out=o)
    return out.reshape(g.out_shape)


def _first_valid_offset(g: _Pool) -> np.ndarray:
    """Per output position, the row-major number of the first window offset inside the input.

    PyTorch starts each window's search there, so a window of -inf (or one
    that meets only padding before its first real element) reports it.
    """
    j0 = np.zeros(g.out_size, dtype=np.int64)
    for a in range(g.nd):
        o = np.arange(g.out_size[a])
        first = np.maximum(0, -((o * g.stride[a] - g.padding[a]) // g.dilation[a]))  # ceil((p - o*s) / d)
        shape = [1] * g.nd
        shape[a] = -1
        j0 += (first * int(np.prod(g.kernel[a + 1:], dtype=np.int64))).reshape(shape)
    return j0


def _max_with_offsets(g: _Pool):
    """Max and the row-major window offset of the chosen element, PyTorch's rule.

    PyTorch scans each window in row-major order and takes a value when
    ``value > best or isnan(value)``: the first of tied maxima, the last NaN.
    The value itself is ``np.maximum`` (which propagates NaN); the offset
    number is updated without branches: offsets come in increasing order, so
    ``arg = j where upd`` is ``arg = maximum(arg, upd * j)`` (measured: 0.1 ms
    against 3 ms for ``np.where`` or a masked ``np.copyto`` on 0.5 M outputs
    with a random mask, where branch mispredictions dominate).
    Padding is -inf, which never beats the running maximum, so a window
    reports its first element inside the input unless a later one is larger.
    Returns arrays of shape (*lead, *out).
    """
    planes, chunks = _plane_chunks(g)
    arg_dtype = _offset_dtype(math.prod(g.kernel))
    best = np.empty((len(planes),) + g.out_size, dtype=g.x.dtype)
    arg = np.empty(best.shape, dtype=arg_dtype)
    j0 = _first_valid_offset(g).astype(arg_dtype)
    starts_inside = not j0.any()  # offset 0 is inside the input for every window
    has_nan = bool(np.isnan(planes).any())
    n0 = chunks[0].stop - chunks[0].start
    block = _PaddedBlock(g, n0)
    upd = np.empty((n0,) + g.out_size, dtype=bool)
    tmp = np.empty((n0,) + g.out_size, dtype=arg_dtype)
    for c in chunks:
        xp, b, a = block.load(planes[c]), best[c], arg[c]
        u, t = upd[:len(b)], tmp[:len(b)]
        views = block.views
        if starts_inside:  # the first offset is taken unconditionally, as PyTorch's scan does
            np.copyto(b, xp[views[0][1]])
            a.fill(0)
            views = views[1:]
        else:
            b.fill(-np.inf)
            np.copyto(a, j0)
        for j, view in views:
            xv = xp[view]
            np.greater(xv, b, out=u)
            if has_nan:
                u |= np.isnan(xv)
            np.maximum(b, xv, out=b)
            # offsets come in increasing order, so "arg = j where upd" is a maximum
            np.multiply(u, arg_dtype.type(j), out=t)
            np.maximum(a, t, out=a)
    return best.reshape(g.out_shape), arg.reshape(g.out_shape)


def _offset_dtype(n: int) -> np.dtype:
    """The smallest unsigned dtype that numbers `n` window offsets."""
    for dtype in (np.uint8, np.uint16, np.uint32):
        if n <= np.iinfo(dtype).max + 1:
            return np.dtype(dtype)
    return np.dtype(np.uint64)


def _offset_table(g: _Pool):
    """Flat in-plane index of each window's first tap (`base`) and of each offset (`step`)."""
    pstride = _plane_strides(g.spatial)
    base = np.zeros(g.out_size, dtype=np.int64)
    for a in range(g.nd):
        shape = [1] * g.nd
        shape[a] = -1
        pos = np.arange(g.out_size[a], dtype=np.int64) * g.stride[a] - g.padding[a]
        base += (pos * pstride[a]).reshape(shape)
    step = np.array([sum(t * d * ps for t, d, ps in zip(taps, g.dilation, pstride))
                     for taps in itertools.product(*[range(k) for k in g.kernel])], dtype=np.int64)
    return base, step


def _indices_from_offsets(arg, g: _Pool) -> np.ndarray:
    """Flat in-plane input index (int64, PyTorch's indices) from the window offsets."""
    base, step = _offset_table(g)
    return step[arg] + base


def _scatter_to_planes(grad, indices, plane_shape, overlapping, dtype):
    """dx[..., indices[..., i]] += grad[..., i] within each plane (the gradient of a gather)."""
    lead = grad.shape[:grad.ndim - len(plane_shape)] if len(plane_shape) else grad.shape
    plane = math.prod(plane_shape)
    n_planes = math.prod(lead)
    g2 = grad.reshape(n_planes, -1)
    i2 = indices.reshape(n_planes, -1)
    if not overlapping:  # every input element is chosen at most once: a plain put
        dx = np.zeros((n_planes, plane), dtype=dtype)
        np.put_along_axis(dx, i2, g2, axis=1)
    else:  # repeated indices add up
        flat = (i2 + (np.arange(n_planes, dtype=np.int64) * plane)[:, None]).ravel()
        dx = np.bincount(flat, weights=g2.ravel(), minlength=n_planes * plane).astype(dtype, copy=False)
    return dx.reshape(lead + tuple(plane_shape))


def _max_pool(fn, nd, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    g = _parse_pool(fn, nd, input, kernel_size, stride, padding, dilation, ceil_mode)
    if not v.check_bool(return_indices, fn, "return_indices"):
        return _max_values(g)
    out, arg = _max_with_offsets(g)
    return out, _indices_from_offsets(arg, g)


def _max_pool_backward(fn, nd, grad_output, input, kernel_size, stride, padding, dilation,
                       ceil_mode, return_indices, indices):
    g = _parse_pool(fn, nd, input, kernel_size, stride, padding, dilation, ceil_mode)
    v.check_bool(return_indices, fn, "return_indices")
    grad = _check_grad_output(grad_output, g.out_shape, fn)
    dtype = v.result_dtype(grad, g.x)
    if indices is None:
        indices = _indices_from_offsets(_max_with_offsets(g)[1], g)
    else:
        indices = _check_indices(indices, g.out_shape, math.prod(g.spatial), fn)
    return _scatter_to_planes(grad, indices, g.spatial, _overlapping(g), dtype)


# --------------------------------------------------------------------------
# Average pooling: N-dimensional implementation
# --------------------------------------------------------------------------


def _window_sum(x, g: _Pool):
    """Sum over each window, separably: along one spatial axis at a time, one strided add per tap."""
    nd = g.nd
    for a in range(nd):
        if g.kernel[a] == 1 and g.stride[a] == 1 and g.padding[a] == 0 and g.out_size[a] == x.shape[
                x.ndim - nd + a]:
            continue  # a window of one element: nothing to sum along this axis
        axis = x.ndim - nd + a
        spans = _spans(g.out_size[a], g.spatial[a], g.kernel[a], g.stride[a], g.padding[a], 1)
        shape = list(x.shape)
        shape[axis] = g.out_size[a]
        acc = None
        pre = (slice(None),) * axis
        for span in sorted((sp for sp in spans if sp is not None),
                           key=lambda sp: (sp[0] != 0 or sp[1] != g.out_size[a])):
            lo, hi, i0 = span
            src = x[pre + (slice(i0, i0 + (hi - lo - 1) * g.stride[a] + 1, g.stride[a]),)]
            if acc is None and lo == 0 and hi == g.out_size[a]:
                acc = src.copy()
                continue
            if acc is None:
                acc = np.zeros(shape, dtype=x.dtype)
            acc[pre + (slice(lo, hi),)] += src
        x = acc
    return x


def _window_sum_transpose(h, g: _Pool, dtype):
    """The transpose of :func:`_window_sum`: each output's value added to every input of its window.

    The axes are expanded last first, so the largest array (the last
    expansion) is written in whole contiguous rows; when the taps along an
    axis hit disjoint inputs (kernel <= stride) they are assigned, not
    added, and when they also cover every input no zero fill is needed.
    """
    nd = g.nd
    for a in reversed(range(nd)):
        if g.kernel[a] == 1 and g.stride[a] == 1 and g.padding[a] == 0 and g.out_size[a] == g.spatial[a]:
            continue  # a window of one element: nothing to spread along this axis
        axis = h.ndim - nd + a
        spans = [sp for sp in _spans(g.out_size[a], g.spatial[a], g.kernel[a], g.stride[a],
                                     g.padding[a], 1) if sp is not None]
        shape = list(h.shape)
        shape[axis] = g.spatial[a]
        disjoint = g.kernel[a] <= g.stride[a]
        covered = disjoint and sum(hi - lo for lo, hi, _ in spans) == g.spatial[a]
        acc = np.empty(shape, dtype=dtype) if covered else np.zeros(shape, dtype=dtype)
        pre = (slice(None),) * axis
        for lo, hi, i0 in spans:
            dst = pre + (slice(i0, i0 + (hi - lo - 1) * g.stride[a] + 1, g.stride[a]),)
            src = h[pre + (slice(lo, hi),)]
            if disjoint:
                acc[dst] = src
            else:
                acc[dst] += src
        h = acc
    return h


def _avg_divisor(g: _Pool, count_include_pad: bool):
    """PyTorch's divisor of each window, a product of one count per axis.

    Along an axis, window ``o`` starts at ``start = o*s - p`` and ends at
    ``end = min(start + k, size + p)``; with ``count_include_pad`` the divisor
    is ``end - start``, otherwise the number of real inputs
    ``min(end, size) - max(start, 0)``.
    """
    div = np.ones(g.out_size, dtype=np.int64)
    for a in range(g.nd):
        shape = [1] * g.nd
        shape[a] = -1
        div = div * _axis_divisor(g, a, count_include_pad).reshape(shape)
    return div


def _axis_divisor(g: _Pool, a: int, count_include_pad: bool) -> np.ndarray:
    """The factor of :func:`_avg_divisor` along spatial axis `a`, one per output position."""
    start = np.arange(g.out_size[a]) * g.stride[a] - g.padding[a]
    end = np.minimum(start + g.kernel[a], g.spatial[a] + g.padding[a])
    if count_include_pad:
        return end - start
    return np.minimum(end, g.spatial[a]) - np.maximum(start, 0)


def _window_matrix(g: _Pool, a: int, scale: np.ndarray, dtype) -> np.ndarray:
    """``A[i, o] = scale[o]`` when input ``i`` lies in window ``o`` along axis `a`, else 0.

    ``x @ A`` along that axis is the window sum divided by ``1 / scale``:
    the average along one axis as a matrix product.
    """
    start = np.arange(g.out_size[a]) * g.stride[a] - g.padding[a]
    i = np.arange(g.spatial[a])[:, None]
    inside = (i >= start) & (i < start + g.kernel[a])
    return np.where(inside, scale.astype(dtype), dtype.type(0))


def _avg_pool_gemm(g: _Pool, count_include_pad: bool):
    """Average pooling by matrix products along the last two axes (see the Notes of avg_pool2d).

    Along the last axis the window average is a product with the ``(W, Wo)``
    matrix of :func:`_window_matrix`. Along the axis before it (``H``, with
    stride ``s`` dividing ``H``), cut the rows into blocks of ``s``: in a
    ``(..., H/s, s*W)`` reshape (a view) a block is one row, and window
    ``o`` takes from block ``o + delta`` the rows ``i`` with ``-p <= delta*s + i
    <= k-p-1``, the same rows for every ``o``. So ONE product with the
    matrices of the few offsets ``delta`` side by side, ``(s*W, D*Wo)``, and
    ``D`` shifted adds give the 2-D window sums (``D = 1`` when the windows
    tile the rows: kernel == stride, no padding). Other geometries: the last
    axis by a product, the other axes by the strided sums of
    :func:`_window_sum`. Axes before the last two (3-D) are summed first.
    The divisor, a product of one factor per axis, is folded into the
    matrix where it is the same for every window of an axis, divided
    afterwards where not.
    """
    x, nd, dtype = g.x, g.nd, g.x.dtype
    lead = x.shape[:x.ndim - nd]
    factors = [_axis_divisor(g, a, count_include_pad) for a in range(nd)]
    uniform = [bool(np.all(f == f[0])) for f in factors]
    const = math.prod(int(f[0]) for f, u in zip(factors[:-1], uniform) if u)
    scale = 1.0 / (factors[-1].astype(np.float64) * const)
    A = _window_matrix(g, nd - 1, scale, dtype)  # (W, Wo)
    k, s, p = g.kernel, g.stride, g.padding
    W, Wo = g.spatial[-1], g.out_size[-1]
    if nd >= 2 and g.spatial[-2] % s[-2] == 0:
        H, Ho, sh = g.spatial[-2], g.out_size[-2], s[-2]
        ident = g._replace(kernel=k[:-2] + (1, 1), stride=s[:-2] + (1, 1), padding=p[:-2] + (0, 0),
                           out_size=g.out_size[:-2] + g.spatial[-2:])
        y = _window_sum(x, ident)  # the axes before the last two, if any
        nblk = H // sh
        deltas = range(-p[-2] // sh, (k[-2] - p[-2] - 1) // sh + 1)  # floor divisions
        i = np.arange(sh)
        rows = y.reshape(-1, sh * W)
        out = None
        # one product per offset delta (contiguous results, so each shifted add runs
        # over whole planes); the delta whose blocks cover every output first
        for d in sorted(deltas, key=lambda d: not (d >= 0 and Ho + d <= nblk)):
            taken = (-p[-2] <= d * sh + i) & (d * sh + i <= k[-2] - p[-2] - 1)  # rows of the block
            M = np.repeat(taken.astype(dtype), W)[:, None] * np.tile(A, (sh, 1))  # (s*W, Wo)
            G = np.matmul(rows, M).reshape(-1, nblk, Wo)
            lo, hi = max(0, -d), min(Ho, nblk - d)
            if out is None and lo == 0 and hi == Ho:
                out = G if d == 0 and Ho == nblk else G[:, d:d + Ho]
                continue
            if out is None:
                out = np.zeros((G.shape[0], Ho, Wo), dtype=dtype)
            if hi > lo:
                out[:, lo:hi] += G[:, lo + d:hi + d]
        out = out.reshape(y.shape[:-2] + (Ho, Wo))
    else:
        y = np.matmul(x.reshape(-1, W), A).reshape(x.shape[:-1] + (Wo,))
        rest_g = g._replace(x=y, kernel=k[:-1] + (1,), stride=s[:-1] + (1,), padding=p[:-1] + (0,),
                            out_size=g.out_size[:-1] + (Wo,))
        out = _window_sum(y, rest_g)  # y is ours: no copy needed when nd == 1
    if not all(uniform[:-1]):
        div = np.ones(g.out_size[:-1] + (1,), dtype=np.int64)
        for a in range(nd - 1):
            if not uniform[a]:
                shape = [1] * nd
                shape[a] = -1
                div = div * factors[a].reshape(shape)
        out = out / div.astype(dtype)
    return np.ascontiguousarray(out.reshape(lead + g.out_size))


def _divide(values, div):
    """``values / div`` in the dtype of `values`, by a scalar when every divisor is the same."""
    if np.all(div == div.flat[0]):
        return values / values.dtype.type(div.flat[0])
    return values / div.astype(values.dtype)


def _avg_pool_values(g: _Pool, count_include_pad: bool):
    if _AVG_GEMM:
        with np.errstate(invalid="ignore", over="ignore"):  # checked just below
            out = _avg_pool_gemm(g, count_include_pad)
        # A zero weight times inf is NaN: the products spread a non-finite input to
        # windows that do not contain it. Then (only then) the exact strided sums.
        if np.isfinite(out).all():
            return out
    out = _window_sum(g.x, g)
    if out is g.x:
        out = out.copy()
    return _divide(out, _avg_divisor(g, count_include_pad))


def _avg_pool(fn, nd, input, kernel_size, stride, padding, ceil_mode, count_include_pad):
    g = _parse_pool(fn, nd, input, kernel_size, stride, padding, 1, ceil_mode)
    count_include_pad = v.check_bool(count_include_pad, fn, "count_include_pad")
    return _avg_pool_values(g, count_include_pad)


def _avg_pool_backward_gemm(grad, g: _Pool, count_include_pad: bool, dtype):
    """The transpose of :func:`_avg_pool_gemm`: the same matrices, transposed.

    With the row blocks: the gradient of block ``b`` is ``sum_delta
    grad[b - delta] @ M_delta.T``, ONE product of the gradients placed side
    by side (shifted by ``delta``) with the stacked transposed matrices,
    which writes the input gradient directly.
    """
    nd = g.nd
    factors = [_axis_divisor(g, a, count_include_pad) for a in range(nd)]
    uniform = [bool(np.all(f == f[0])) for f in factors]
    const = math.prod(int(f[0]) for f, u in zip(factors[:-1], uniform) if u)
    A = _window_matrix(g, nd - 1, 1.0 / (factors[-1].astype(np.float64) * const), dtype)
    h = grad.astype(dtype, copy=False)
    if not all(uniform[:-1]):
        div = np.ones(g.out_size[:-1] + (1,), dtype=np.int64)
        for a in range(nd - 1):
            if not uniform[a]:
                shape = [1] * nd
                shape[a] = -1
                div = div * factors[a].reshape(shape)
        h = h / div.astype(dtype)
    k, s, p = g.kernel, g.stride, g.padding
    W, Wo = g.spatial[-1], g.out_size[-1]
    if nd >= 2 and g.spatial[-2] % s[-2] == 0:
        H, Ho, sh = g.spatial[-2], g.out_size[-2], s[-2]
        nblk = H // sh
        deltas = list(range(-p[-2] // sh, (k[-2] - p[-2] - 1) // sh + 1))
        i = np.arange(sh)
        hh = h.reshape(-1, Ho, Wo)
        side = np.zeros((hh.shape[0], nblk, len(deltas), Wo), dtype=dtype)
        mats = []
        for j, d in enumerate(deltas):
            taken = (-p[-2] <= d * sh + i) & (d * sh + i <= k[-2] - p[-2] - 1)
            mats.append((np.repeat(taken.astype(dtype), W)[:, None] * np.tile(A, (sh, 1))).T)
            lo, hi = max(0, -d), min(Ho, nblk - d)  # outputs lo..hi-1 read block o + d
            if hi > lo:
                side[:, lo + d:hi + d, j] = hh[:, lo:hi]
        rows = np.matmul(side.reshape(-1, len(deltas) * Wo), np.concatenate(mats, axis=0))
        y = rows.reshape(h.shape[:-2] + (H, W))
        ident = g._replace(kernel=k[:-2] + (1, 1), stride=s[:-2] + (1, 1), padding=p[:-2] + (0, 0),
                           out_size=g.out_size[:-2] + g.spatial[-2:])
        return _window_sum_transpose(y, ident, dtype)
    narrow = np.broadcast_to(np.zeros((), dtype=dtype), g.x.shape[:-1] + (Wo,))
    rest_g = g._replace(x=narrow, kernel=k[:-1] + (1,), stride=s[:-1] + (1,), padding=p[:-1] + (0,),
                        out_size=g.out_size[:-1] + (Wo,))
    z = _window_sum_transpose(h, rest_g, dtype)  # (..., H, Wo)
    return np.matmul(z.reshape(-1, Wo), A.T).reshape(g.x.shape[:-nd] + g.spatial)


def _avg_pool_backward(fn, nd, grad_output, input, kernel_size, stride, padding, ceil_mode,
                       count_include_pad):
    g = _parse_pool(fn, nd, input, kernel_size, stride, padding, 1, ceil_mode)
    count_include_pad = v.check_bool(count_include_pad, fn, "count_include_pad")
    grad = _check_grad_output(grad_output, g.out_shape, fn)
    dtype = v.result_dtype(grad, g.x)
    if _AVG_GEMM:
        with np.errstate(invalid="ignore", over="ignore"):  # checked just below
            dx = _avg_pool_backward_gemm(grad, g, count_include_pad, dtype)
        if np.isfinite(dx).all():  # else a non-finite gradient: the exact strided sums
            return dx
    h = _divide(grad.astype(dtype, copy=False), _avg_divisor(g, count_include_pad))
    return _window_sum_transpose(h, g, dtype)


# --------------------------------------------------------------------------
# Power-average (Lp) pooling
# --------------------------------------------------------------------------


def _lp_parts(fn, nd, input, norm_type, kernel_size, stride, ceil_mode):
    p = _check_norm_type(norm_type, fn)
    g = _parse_pool(fn, nd, input, kernel_size, stride, 0, 1, ceil_mode)
    return p, g


def _lp_pool(fn, nd, input, norm_type, kernel_size, stride, ceil_mode):
    p, g = _lp_parts(fn, nd, input, norm_type, kernel_size, stride, ceil_mode)
    if math.isinf(p):  # PyTorch: max pooling of |x|
        return _max_values(g._replace(x=np.abs(g.x)))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        mean = _avg_pool_values(g._replace(x=np.power(g.x, p)), True)
        t = (np.sign(mean) * np.maximum(np.abs(mean), 0)) * mean.dtype.type(math.prod(g.kernel))
        return np.power(t, mean.dtype.type(1.0 / p))


def _lp_pool_backward(fn, nd, grad_output, input, norm_type, kernel_size, stride, ceil_mode):
    p, g = _lp_parts(fn, nd, input, norm_type, kernel_size, stride, ceil_mode)
    grad = _check_grad_output(grad_output, g.out_shape, fn)
    dtype = v.result_dtype(grad, g.x)
    x = g.x
    if math.isinf(p):
        ga = g._replace(x=np.abs(x))
        indices = _indices_from_offsets(_max_with_offsets(ga)[1], ga)
        da = _scatter_to_planes(grad, indices, ga.spatial, _overlapping(ga), dtype)
        return da * np.sign(x).astype(dtype)
    kp = math.prod(g.kernel)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        xp = np.power(x, p)
        mean = _avg_pool_values(g._replace(x=xp), True)
        a = np.abs(mean)
        t = (np.sign(mean) * np.maximum(a, 0)) * mean.dtype.type(kp)
        # chain rule through pow(1/p), mul(kp), sign*relu(abs): the zero-sum case gets 0 (PyTorch)
        dt = grad * ((1.0 / p) * np.power(t, 1.0 / p - 1.0))
        dmean = np.where(a <= 0, 0, dt * kp * np.sign(mean) * np.sign(mean)).astype(dtype, copy=False)
        h = _divide(dmean, _avg_divisor(g, True))
        dxp = _window_sum_transpose(h, g, dtype)
        return (dxp * (p * np.power(x, p - 1.0))).astype(dtype, copy=False)


# --------------------------------------------------------------------------
# Adaptive pooling
# --------------------------------------------------------------------------


def _adaptive_windows(size, n_out):
    """PyTorch's adaptive windows: start = floor(i*size/n_out), end = ceil((i+1)*size/n_out)."""
    i = np.arange(n_out, dtype=np.int64)
    return (i * size) // n_out, -((-(i + 1) * size) // n_out)


def _apply_along(x, matrix, axis):
    """``y[..., o, ...] = sum_i matrix[o, i] * x[..., i, ...]`` along `axis` (a matmul)."""
    lead = math.prod(x.shape[:axis])
    trail = math.prod(x.shape[axis + 1:])
    x3 = x.reshape(lead, x.shape[axis], trail)
    if trail == 1:
        y = x3[:, :, 0] @ matrix.T
    else:
        y = np.matmul(matrix, x3)
    return y.reshape(x.shape[:axis] + (matrix.shape[0],) + x.shape[axis + 1:])


def _adaptive_matrices(spatial, out_size, dtype):
    """Per axis a 0/1 matrix (out, size) marking each window, and the window lengths."""
    mats, lengths = [], []
    for n, m in zip(spatial, out_size):
        start, end = _adaptive_windows(n, m)
        pos = np.arange(n)
        mats.append(((pos >= start[:, None]) & (pos < end[:, None])).astype(dtype))
        lengths.append(end - start)
    return mats, lengths


def _parse_adaptive(fn, nd, input, output_size):
    x = _check_input(input, nd, fn)
    spatial = x.shape[x.ndim - nd:]
    return x, spatial, _parse_output_size(output_size, nd, spatial, fn)


def _adaptive_avg_pool(fn, nd, input, output_size):
    x, spatial, out_size = _parse_adaptive(fn, nd, input, output_size)
    mats, lengths = _adaptive_matrices(spatial, out_size, x.dtype)
    out = x
    for a in range(nd):
        out = _apply_along(out, mats[a], x.ndim - nd + a)
    for a in range(nd):  # PyTorch divides by each window length in turn
        shape = [1] * x.ndim
        shape[x.ndim - nd + a] = -1
        out = out / lengths[a].astype(x.dtype).reshape(shape)
    return out if out is not x else out.copy()


def _adaptive_avg_pool_backward(fn, nd, grad_output, input, output_size):
    x, spatial, out_size = _parse_adaptive(fn, nd, input, output_size)
    grad = _check_grad_output(grad_output, x.shape[:x.ndim - nd] + out_size, fn)
    dtype = v.result_dtype(grad, x)
    mats, lengths = _adaptive_matrices(spatial, out_size, dtype)
    h = grad.astype(dtype, copy=True)
    for a in range(nd):
        shape = [1] * x.ndim
        shape[x.ndim - nd + a] = -1
        h = h / lengths[a].astype(dtype).reshape(shape)
        h = _apply_along(h, mats[a].T, x.ndim - nd + a)
    return h


def _adaptive_max_core(x, spatial, out_size, with_indices):
    """Separable max over variable windows: last axis first, a loop over the longest window.

    Taps past a window's end repeat its last element, which cannot change a
    maximum (nor, with PyTorch's rule, its index), so no mask is needed.
    The index of the chosen element is carried from axis to axis: the
    row-major first maximum of a window is the first maximum in the first
    row (plane) holding one, and the last NaN the last NaN in the last row
    holding one, so the scan along each axis with PyTorch's rule
    ``value > best or isnan(value)`` composes.
    """
    nd = len(spatial)
    pstride = _plane_strides(spatial)
    cur, idx = x, None
    has_nan = with_indices and bool(np.isnan(x).any())
    for a in reversed(range(nd)):
        axis = x.ndim - nd + a
        start, end = _adaptive_windows(spatial[a], out_size[a])
        bshape = [1] * cur.ndim
        bshape[axis] = -1
        best = new_idx = None
        for k in range(int((end - start).max())):
            pos = np.minimum(start + k, end - 1)
            val = np.take(cur, pos, axis=axis)
            if with_indices:
                cand = (pos * pstride[a]).reshape(bshape)
                if idx is not None:
                    cand = cand + np.take(idx, pos, axis=axis)
            if best is None:
                best = val
                if with_indices:
                    new_idx = np.broadcast_to(cand, val.shape).astype(np.int64)
                continue
            if not with_indices:
                np.maximum(best, val, out=best)
                continue
            upd = np.greater(val, best)
            if has_nan:
                upd |= np.isnan(val)
            np.copyto(best, val, where=upd)
            np.copyto(new_idx, cand, where=upd)
        cur, idx = best, new_idx
    return cur, idx


def _adaptive_overlapping(spatial, out_size):
    for n, m in zip(spatial, out_size):
        start, end = _adaptive_windows(n, m)
        if np.any(end[:-1] > start[1:]):
            return True
    return False


def _adaptive_max_pool(fn, nd, input, output_size, return_indices):
    x, spatial, out_size = _parse_adaptive(fn, nd, input, output_size)
    with_indices = v.check_bool(return_indices, fn, "return_indices")
    out, idx = _adaptive_max_core(x, spatial, out_size, with_indices)
    if out is x:
        out = x.copy()
    return (out, idx) if with_indices else out


def _adaptive_max_pool_backward(fn, nd, grad_output, input, output_size, return_indices, indices):
    x, spatial, out_size = _parse_adaptive(fn, nd, input, output_size)
    v.check_bool(return_indices, fn, "return_indices")
    out_shape = x.shape[:x.ndim - nd] + out_size
    grad = _check_grad_output(grad_output, out_shape, fn)
    dtype = v.result_dtype(grad, x)
    if indices is None:
        indices = _adaptive_max_core(x, spatial, out_size, True)[1]
    else:
        indices = _check_indices(indices, out_shape, math.prod(spatial), fn)
    return _scatter_to_planes(grad, indices, spatial, _adaptive_overlapping(spatial, out_size), dtype)


# --------------------------------------------------------------------------
# Public functions: thin, dimension-specific wrappers with their docstrings
# --------------------------------------------------------------------------


def _doc(template, nd, example, **extra):
    """Fill a docstring template for the `nd`-dimensional version of a pooling function."""
    def deco(f):
        name = f.__name__.removesuffix("_backward")
        f.__doc__ = template.format(
            nd=nd, name=name, spatial=_SPATIAL[nd], out_spatial=_OUT_SPATIAL[nd],
            example=example.strip("\n"), **extra)
        return f
    return deco


_MAX_DOC = """{nd}-D max pooling, as ``torch.nn.functional.{name}``.

    Parameters
    ----------
    input : ndarray of shape (N, C, *{spatial}) or (C, *{spatial})
        Integer input is computed in float64; float32 stays float32.
    kernel_size : int or tuple of {nd} int
        Window size.
    stride : int or tuple of {nd} int, optional
        Step between windows; defaults to `kernel_size`.
    padding : int or tuple of {nd} int, default 0
        Implicit -inf padding on each side, at most half the kernel size.
    dilation : int or tuple of {nd} int, default 1
        Spacing between window taps.
    ceil_mode : bool, default False
        Round the output size up (a last window starting in the right padding is dropped).
    return_indices : bool, default False
        Also return where each maximum is.

    Returns
    -------
    out : ndarray of shape (N, C, *{out_spatial}) or (C, *{out_spatial})
        Same dtype as the (floating) input.
    indices : ndarray of int64, same shape as `out`
        Only with `return_indices`: the flat index of each maximum within its
        (unpadded) input plane of shape {spatial}, as PyTorch returns it.

    Raises
    ------
    ValueError
        Wrong number of dimensions, an empty spatial axis, a non-positive
        kernel size, stride or dilation, negative padding or padding above
        half the kernel, a window larger than the padded input, or a window
        that a dilation makes miss every input element.
    TypeError
        Non-numeric input, non-int sizes, non-bool flags.

    Notes
    -----
    Two deliberate differences from PyTorch, both errors here: in ceil mode
    with stride > 1 PyTorch accepts an effective kernel larger than the
    padded input (conv_output_size, the package's one formula, does not);
    and for a window that the dilation makes skip every input element
    PyTorch returns -inf with an index outside the plane.

    P(o) = max over the window of x(o * stride - padding + t * dilation), t in
    the window offsets, positions outside the input counting as -inf. The
    output size along each axis is ``conv_output_size(size, kernel_size,
    stride, padding, dilation, ceil_mode)``.

    Ties and NaN follow PyTorch's CPU kernel, which scans each window in
    row-major order and takes a value when ``value > best or isnan(value)``:
    of tied maxima the *first* in row-major window order is reported (and
    gets the whole gradient in the backward); a NaN in a window makes the
    output NaN, and the index is that of the *last* NaN in the window.

    Strategy: one ``np.maximum`` per window offset over a strided view of the
    input (an earlier measurement: 8-17x faster than reducing a
    ``sliding_window_view``), on blocks of about 1 MB of input planes copied
    into a reused -inf padded buffer, so every offset is a full view and the
    ufuncs run as flat loops (clipping the views to the valid outputs
    instead was 2x slower for 3x3 windows with padding; 1 MB blocks beat
    64 KB, 256 KB, 4 MB and no blocking). With indices, per offset one
    compare, one ``np.maximum`` and a branch-free update of a uint8 offset
    number (``np.where`` or a masked copy were 30x slower on random masks),
    turned into flat indices once at the end. On a 32x64x32x32 float32
    input (2 threads for torch, on a shared, loaded machine): values only
    2x2/2 about 2 ms, 3x3/2 pad 1 about 5-7 ms, several times faster than
    ``torch.nn.functional.max_pool2d``; with indices 4 and 9-13 ms.

    See Also
    --------
    {name}_backward, avg_pool{nd}d, adaptive_max_pool{nd}d, cnn_lessons.conv_output_size

    Examples
    --------
{example}
"""

_MAX_BACKWARD_DOC = """Gradient of :func:`{name}` with respect to its input.

    Parameters
    ----------
    grad_output : ndarray of shape (N, C, *{out_spatial}) or (C, *{out_spatial})
        Upstream gradient, the shape of ``{name}(input, ...)``.
    input : ndarray of shape (N, C, *{spatial}) or (C, *{spatial})
        The input of the forward call.
    kernel_size, stride, padding, dilation, ceil_mode, return_indices
        As for :func:`{name}` (`return_indices` does not change the result).
    indices : ndarray of int, optional
        The indices of a forward call with ``return_indices=True``; given,
        the argmax is not recomputed (much faster).

    Returns
    -------
    ndarray, shape of `input`
        Each output's gradient added onto the input element that was its
        maximum; zero elsewhere. Dtype: ``result_type(grad_output, input)``.

    Raises
    ------
    ValueError
        As :func:`{name}`, plus a `grad_output` or `indices` of the wrong
        shape or indices outside the input plane.
    TypeError
        As :func:`{name}`, plus non-integer `indices`.

    Notes
    -----
    dx(i) = sum of grad_output(o) over the outputs o whose chosen maximum is
    i. Of tied maxima the first in row-major window order gets the gradient,
    as in PyTorch; with a NaN in the window, the last NaN does. The sum of
    the gradient is conserved.

    Strategy (measured, see the module docstring): without `indices` the
    forward with indices runs first (the bulk of the cost: keep the indices
    of the forward call). With non-overlapping windows every input receives
    at most one gradient, so one ``put_along_axis`` per plane writes it;
    with overlapping windows (stride < effective kernel) one ``np.bincount``
    on flat indices adds the repeated ones (faster than one masked strided
    add per window offset: 2-5 ms against 11-17 ms on 32x64x32x32, 3x3/2).
    ``np.bincount`` sums in float64; a float32 result is rounded once.

    See Also
    --------
    {name}, cnn_lessons.gradient_check

    Examples
    --------
{example}
"""

_AVG_DOC = """{nd}-D average pooling, as ``torch.nn.functional.{name}``.

    Parameters
    ----------
    input : ndarray of shape (N, C, *{spatial}) or (C, *{spatial})
        Integer input is computed in float64; float32 stays float32.
    kernel_size : int or tuple of {nd} int
        Window size.
    stride : int or tuple of {nd} int, optional
        Step between windows; defaults to `kernel_size`.
    padding : int or tuple of {nd} int, default 0
        Implicit zero padding on each side, at most half the kernel size.
    ceil_mode : bool, default False
        Round the output size up (a last window starting in the right padding is dropped).
    count_include_pad : bool, default True
        Whether the padding counts in the divisor.

    Returns
    -------
    ndarray of shape (N, C, *{out_spatial}) or (C, *{out_spatial})
        Same dtype as the (floating) input.

    Raises
    ------
    ValueError
        Wrong number of dimensions, an empty spatial axis, a non-positive
        kernel size or stride, negative padding or padding above half the
        kernel, a window larger than the padded input.
    TypeError
        Non-numeric input, non-int sizes, non-bool flags.

    Notes
    -----
    A(o) = S(o) / D(o), S(o) the sum of the input over the window (padding
    counts as 0). The divisor is PyTorch's, a product over the axes of: with
    start = o*stride - padding and end = min(start + kernel_size, size +
    padding), ``end - start`` when `count_include_pad`, otherwise the number
    of real inputs ``min(end, size) - max(start, 0)``. So in ceil mode a last
    window that runs past the right padding is divided by its clipped
    length, even with `count_include_pad`. The output size along each axis
    is ``conv_output_size(size, kernel_size, stride, padding, 1, ceil_mode)``.

    Strategy: the average is separable, and along one axis it is a product
    with a small 0/1 matrix ``A[i, o]`` (input i in window o) scaled by the
    divisor. The last axis is one matrix product (OpenBLAS, both cores); the
    axis before it joins the same product when its stride divides its size:
    in a reshape ``(..., H/s, s*W)`` one row holds ``s`` input rows, window
    ``o`` takes the same rows from block ``o + delta`` for every ``o``, so one
    product per offset ``delta`` (one for 2x2/2, two for 3x3/2) and a shifted
    add give the result (32x64x32x32 on 2 cores, 2x2/2: float32 0.8-0.9 ms,
    float64 1.4-1.5 ms; 3x3/2 pad 1: 2.0-2.2 and 4 ms; against 1.8, 3.3,
    3.5 and 6.3 ms for the strided sums below). Otherwise, and whenever the
    result is not finite (a zero weight times an infinite input is NaN, which
    would leak into windows without it), the window sum is computed one axis
    at a time with one strided add per tap (k per axis instead of
    prod(kernel) passes), clipped to the outputs whose tap is inside the
    input, then divided. Summation order differs from PyTorch's, so float32
    results agree to rounding (about 1e-7 relative).

    See Also
    --------
    {name}_backward, max_pool{nd}d, adaptive_avg_pool{nd}d, lp_pool{nd}d

    Examples
    --------
{example}
"""

_AVG_BACKWARD_DOC = """Gradient of :func:`{name}` with respect to its input.

    Parameters
    ----------
    grad_output : ndarray of shape (N, C, *{out_spatial}) or (C, *{out_spatial})
        Upstream gradient, the shape of ``{name}(input, ...)``.
    input : ndarray of shape (N, C, *{spatial}) or (C, *{spatial})
        The input of the forward call (only its shape is used).
    kernel_size, stride, padding, ceil_mode, count_include_pad
        As for :func:`{name}`.

    Returns
    -------
    ndarray, shape of `input`
        Dtype ``result_type(grad_output, input)``.

    Raises
    ------
    ValueError, TypeError
        As :func:`{name}`, plus a `grad_output` of the wrong shape.

    Notes
    -----
    dx(i) = sum over the windows o containing i of grad_output(o) / D(o),
    D the divisor of the forward. Strategy: the transpose of the forward's
    matrix products: along the last two axes, the gradients each row block
    receives from the few block offsets are placed side by side and ONE
    product with the stacked transposed window matrices writes the input
    gradient (OpenBLAS, both cores; 32x64x32x32: 2x2/2 float32 1.5 ms,
    float64 3.8 ms; 3x3/2 pad 1 2.4 and 6.0 ms; against 1.8, 5.7, 4.9 and
    8.7 ms for the strided sums). Other geometries: the last axis by a
    product, the others by strided sums; a non-finite result (an infinite
    gradient times a zero weight) falls back to the transposed separable
    window sum, one strided add per tap and axis, last axis first so the
    largest array is written in contiguous rows, taps that hit disjoint
    inputs (kernel <= stride) assigned rather than added.

    See Also
    --------
    {name}, cnn_lessons.gradient_check

    Examples
    --------
{example}
"""

_LP_DOC = """{nd}-D power-average pooling, as ``torch.nn.functional.{name}``.

    Parameters
    ----------
    input : ndarray of shape (N, C, *{spatial}) or (C, *{spatial})
        Integer input is computed in float64; float32 stays float32.
    norm_type : float
        The power p > 0 (``inf`` gives max pooling of ``|x|``, as PyTorch).
    kernel_size : int or tuple of {nd} int
        Window size.
    stride : int or tuple of {nd} int, optional
        Step between windows; defaults to `kernel_size`.
    ceil_mode : bool, default False
        Round the output size up.

    Returns
    -------
    ndarray of shape (N, C, *{out_spatial}) or (C, *{out_spatial})

    Raises
    ------
    ValueError
        ``norm_type <= 0`` or NaN, and as :func:`avg_pool{nd}d`.
    TypeError
        A non-numeric `norm_type`, and as :func:`avg_pool{nd}d`.

    Notes
    -----
    As PyTorch computes it: m = avg_pool(x**p) (no padding,
    count_include_pad), s = sign(m) * relu(|m|) * prod(kernel_size), and
    L(o) = s ** (1/p); so L(o) = (sum over the window of x**p) ** (1/p) for
    full windows, while a ceil-mode window clipped at the border is scaled
    by prod(kernel_size) / (its clipped size). A negative x with a
    non-integer p, or a negative sum, gives NaN (as PyTorch, silently).

    See Also
    --------
    {name}_backward, avg_pool{nd}d, max_pool{nd}d

    Examples
    --------
{example}
"""

_LP_BACKWARD_DOC = """Gradient of :func:`{name}` with respect to its input.

    Parameters
    ----------
    grad_output : ndarray of shape (N, C, *{out_spatial}) or (C, *{out_spatial})
        Upstream gradient, the shape of ``{name}(input, ...)``.
    input : ndarray of shape (N, C, *{spatial}) or (C, *{spatial})
        The input of the forward call.
    norm_type, kernel_size, stride, ceil_mode
        As for :func:`{name}`.

    Returns
    -------
    ndarray, shape of `input`

    Raises
    ------
    ValueError, TypeError
        As :func:`{name}`, plus a `grad_output` of the wrong shape.

    Notes
    -----
    The chain rule through PyTorch's formula: ds = g * (1/p) * s**(1/p - 1),
    dm = ds * prod(kernel_size) where |m| > 0 and 0 where m = 0 (PyTorch sets
    the gradient of an all-zero window to zero), then the average-pool
    backward, then times p * x**(p-1). For p = inf, the max-pool backward of
    |x| times sign(x).

    See Also
    --------
    {name}, cnn_lessons.gradient_check

    Examples
    --------
{example}
"""

_ADAPTIVE_AVG_DOC = """{nd}-D adaptive average pooling, as ``torch.nn.functional.{name}``.

    Parameters
    ----------
    input : ndarray of shape (N, C, *{spatial}) or (C, *{spatial})
        Integer input is computed in float64; float32 stays float32.
    output_size : int, None or tuple of {nd} (int or None)
        The output's spatial shape; an int is used for every axis, a None
        entry keeps that axis' input size.

    Returns
    -------
    ndarray of shape (N, C, *output_size) or (C, *output_size)

    Raises
    ------
    ValueError
        Wrong number of dimensions, an empty spatial axis, an output size
        below 1 or of the wrong length.
    TypeError
        Non-numeric input or a non-int output size.

    Notes
    -----
    Along an axis of size n pooled to m, output i averages the inputs
    start(i) <= j < end(i) with start(i) = floor(i*n/m) and end(i) =
    ceil((i+1)*n/m) (PyTorch's windows: of variable length, overlapping when
    m does not divide n). The divisor is the product of the window lengths.

    Strategy: the windows vary in length, so each axis is summed as a
    product with a small 0/1 matrix of shape (m, n) (a BLAS matmul) and
    divided by the lengths afterwards.

    See Also
    --------
    {name}_backward, avg_pool{nd}d, adaptive_max_pool{nd}d

    Examples
    --------
{example}
"""

_ADAPTIVE_AVG_BACKWARD_DOC = """Gradient of :func:`{name}` with respect to its input.

    Parameters
    ----------
    grad_output : ndarray of shape (N, C, *output_size) or (C, *output_size)
        Upstream gradient, the shape of ``{name}(input, output_size)``.
    input : ndarray of shape (N, C, *{spatial}) or (C, *{spatial})
        The input of the forward call (only its shape is used).
    output_size
        As for :func:`{name}`.

    Returns
    -------
    ndarray, shape of `input`

    Raises
    ------
    ValueError, TypeError
        As :func:`{name}`, plus a `grad_output` of the wrong shape.

    Notes
    -----
    dx(j) = sum over the windows i containing j of grad_output(i) / length(i):
    the transposed 0/1 matrices of the forward, one matmul per axis.

    See Also
    --------
    {name}, cnn_lessons.gradient_check

    Examples
    --------
{example}
"""

_ADAPTIVE_MAX_DOC = """{nd}-D adaptive max pooling, as ``torch.nn.functional.{name}``.

    Parameters
    ----------
    input : ndarray of shape (N, C, *{spatial}) or (C, *{spatial})
        Integer input is computed in float64; float32 stays float32.
    output_size : int, None or tuple of {nd} (int or None)
        The output's spatial shape; a None entry keeps that axis' input size.
    return_indices : bool, default False
        Also return the flat index of each maximum within its input plane.

    Returns
    -------
    out : ndarray of shape (N, C, *output_size) or (C, *output_size)
    indices : ndarray of int64, same shape as `out`
        Only with `return_indices`.

    Raises
    ------
    ValueError
        Wrong number of dimensions, an empty spatial axis, an output size
        below 1 or of the wrong length.
    TypeError
        Non-numeric input, a non-int output size, a non-bool flag.

    Notes
    -----
    P(i) = max over the window, with PyTorch's adaptive windows start(i) =
    floor(i*n/m), end(i) = ceil((i+1)*n/m) along each axis. Ties: the first
    maximum in row-major window order; NaN: the output is NaN and the index
    that of the last NaN in the window (PyTorch's rule
    ``value > best or isnan(value)``).

    Strategy: max is separable, so the axes are reduced one at a time (last
    first), each with a loop over the longest window length; taps past a
    window's end re-read its last element, which changes neither the maximum
    nor its index, so no mask is needed. The index of the chosen element is
    carried from axis to axis; the row-major first maximum of a window is
    the first maximum of the first row that holds one, so the per-axis scans
    compose to PyTorch's rule.

    See Also
    --------
    {name}_backward, max_pool{nd}d, adaptive_avg_pool{nd}d

    Examples
    --------
{example}
"""

_ADAPTIVE_MAX_BACKWARD_DOC = """Gradient of :func:`{name}` with respect to its input.

    Parameters
    ----------
    grad_output : ndarray of shape (N, C, *output_size) or (C, *output_size)
        Upstream gradient, the shape of ``{name}(input, output_size)``.
    input : ndarray of shape (N, C, *{spatial}) or (C, *{spatial})
        The input of the forward call.
    output_size, return_indices
        As for :func:`{name}` (`return_indices` does not change the result).
    indices : ndarray of int, optional
        The indices of a forward call with ``return_indices=True``; given,
        the argmax is not recomputed.

    Returns
    -------
    ndarray, shape of `input`

    Raises
    ------
    ValueError, TypeError
        As :func:`{name}`, plus a `grad_output` or `indices` of the wrong
        shape, non-integer indices or indices outside the input plane.

    Notes
    -----
    Each output's gradient goes to its maximum (the first of tied maxima in
    row-major window order, the last NaN; as PyTorch). Strategy: a ``put``
    per plane when windows do not overlap, ``np.bincount`` on flat indices
    when they do.

    See Also
    --------
    {name}, cnn_lessons.gradient_check

    Examples
    --------
{example}
"""


# Max pooling ---------------------------------------------------------------


@_doc(_MAX_DOC, 1, """
    >>> x = np.array([[[1., 3., 2., 5., 4.]]])
    >>> max_pool1d(x, 2)
    array([[[3., 5.]]])
    >>> max_pool1d(x, 3, stride=2, padding=1, return_indices=True)
    (array([[[3., 5., 5.]]]), array([[[1, 3, 3]]]))
""")
def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_pool("max_pool1d", 1, input, kernel_size, stride, padding, dilation,
                     ceil_mode, return_indices)


@_doc(_MAX_BACKWARD_DOC, 1, """
    >>> x = np.array([[[1., 3., 2., 5., 4.]]])
    >>> max_pool1d_backward(np.ones((1, 1, 3)), x, 3, stride=2, padding=1)
    array([[[0., 1., 0., 2., 0.]]])
""")
def max_pool1d_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1,
                        ceil_mode=False, return_indices=False, indices=None):
    return _max_pool_backward("max_pool1d_backward", 1, grad_output, input, kernel_size, stride,
                              padding, dilation, ceil_mode, return_indices, indices)


@_doc(_MAX_DOC, 2, """
    >>> x = np.arange(16.).reshape(1, 1, 4, 4)
    >>> max_pool2d(x, 2)
    array([[[[ 5.,  7.],
             [13., 15.]]]])
    >>> out, idx = max_pool2d(x, 3, stride=2, padding=1, return_indices=True)
    >>> idx
    array([[[[ 5,  7],
             [13, 15]]]])
""")
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_pool("max_pool2d", 2, input, kernel_size, stride, padding, dilation,
                     ceil_mode, return_indices)


@_doc(_MAX_BACKWARD_DOC, 2, """
    >>> x = np.arange(16.).reshape(1, 1, 4, 4)
    >>> out, idx = max_pool2d(x, 2, return_indices=True)
    >>> max_pool2d_backward(np.ones_like(out), x, 2, indices=idx)
    array([[[[0., 0., 0., 0.],
             [0., 1., 0., 1.],
             [0., 0., 0., 0.],
             [0., 1., 0., 1.]]]])
""")
def max_pool2d_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1,
                        ceil_mode=False, return_indices=False, indices=None):
    return _max_pool_backward("max_pool2d_backward", 2, grad_output, input, kernel_size, stride,
                              padding, dilation, ceil_mode, return_indices, indices)


@_doc(_MAX_DOC, 3, """
    >>> x = np.arange(27.).reshape(1, 3, 3, 3)
    >>> max_pool3d(x, 2, return_indices=True)
    (array([[[[13.]]]]), array([[[[13]]]]))
""")
def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    return _max_pool("max_pool3d", 3, input, kernel_size, stride, padding, dilation,
                     ceil_mode, return_indices)


@_doc(_MAX_BACKWARD_DOC, 3, """
    >>> x = np.arange(27.).reshape(1, 3, 3, 3)
    >>> dx = max_pool3d_backward(np.ones((1, 2, 2, 2)), x, 2, stride=1)
    >>> dx[0, 1:, 1:, 1:]
    array([[[1., 1.],
            [1., 1.]],
    <BLANKLINE>
           [[1., 1.],
            [1., 1.]]])
""")
def max_pool3d_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1,
                        ceil_mode=False, return_indices=False, indices=None):
    return _max_pool_backward("max_pool3d_backward", 3, grad_output, input, kernel_size, stride,
                              padding, dilation, ceil_mode, return_indices, indices)


# Average pooling -----------------------------------------------------------


@_doc(_AVG_DOC, 1, """
    >>> x = np.array([[[1., 2., 3., 4., 5.]]])
    >>> avg_pool1d(x, 2)
    array([[[1.5, 3.5]]])
    >>> avg_pool1d(x, 2, padding=1, count_include_pad=False)
    array([[[1. , 2.5, 4.5]]])
""")
def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    return _avg_pool("avg_pool1d", 1, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad)


@_doc(_AVG_BACKWARD_DOC, 1, """
    >>> avg_pool1d_backward(np.ones((1, 1, 2)), np.zeros((1, 1, 5)), 2)
    array([[[0.5, 0.5, 0.5, 0.5, 0. ]]])
""")
def avg_pool1d_backward(grad_output, input, kernel_size, stride=None, padding=0, ceil_mode=False,
                        count_include_pad=True):
    return _avg_pool_backward("avg_pool1d_backward", 1, grad_output, input, kernel_size, stride,
                              padding, ceil_mode, count_include_pad)


@_doc(_AVG_DOC, 2, """
    >>> x = np.arange(16.).reshape(1, 1, 4, 4)
    >>> avg_pool2d(x, 2)
    array([[[[ 2.5,  4.5],
             [10.5, 12.5]]]])
    >>> avg_pool2d(np.ones((1, 3, 3)), 2, ceil_mode=True)
    array([[[1., 1.],
            [1., 1.]]])
""")
def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    return _avg_pool("avg_pool2d", 2, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad)


@_doc(_AVG_BACKWARD_DOC, 2, """
    >>> avg_pool2d_backward(np.ones((1, 1, 2, 2)), np.zeros((1, 1, 4, 4)), 2)
    array([[[[0.25, 0.25, 0.25, 0.25],
             [0.25, 0.25, 0.25, 0.25],
             [0.25, 0.25, 0.25, 0.25],
             [0.25, 0.25, 0.25, 0.25]]]])
""")
def avg_pool2d_backward(grad_output, input, kernel_size, stride=None, padding=0, ceil_mode=False,
                        count_include_pad=True):
    return _avg_pool_backward("avg_pool2d_backward", 2, grad_output, input, kernel_size, stride,
                              padding, ceil_mode, count_include_pad)


@_doc(_AVG_DOC, 3, """
    >>> avg_pool3d(np.arange(8.).reshape(1, 2, 2, 2), 2)
    array([[[[3.5]]]])
""")
def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    return _avg_pool("avg_pool3d", 3, input, kernel_size, stride, padding, ceil_mode,
                     count_include_pad)


@_doc(_AVG_BACKWARD_DOC, 3, """
    >>> avg_pool3d_backward(np.ones((1, 1, 1, 1)), np.zeros((1, 2, 2, 2)), 2).ravel()
    array([0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125])
""")
def avg_pool3d_backward(grad_output, input, kernel_size, stride=None, padding=0, ceil_mode=False,
                        count_include_pad=True):
    return _avg_pool_backward("avg_pool3d_backward", 3, grad_output, input, kernel_size, stride,
                              padding, ceil_mode, count_include_pad)


# Power-average pooling -----------------------------------------------------


@_doc(_LP_DOC, 1, """
    >>> lp_pool1d(np.array([[[3., 4., 1., 1.]]]), 2, 2)
    array([[[5.        , 1.41421356]]])
""")
def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool("lp_pool1d", 1, input, norm_type, kernel_size, stride, ceil_mode)


@_doc(_LP_BACKWARD_DOC, 1, """
    >>> lp_pool1d_backward(np.ones((1, 1, 1)), np.array([[[3., 4.]]]), 2, 2)
    array([[[0.6, 0.8]]])
""")
def lp_pool1d_backward(grad_output, input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool_backward("lp_pool1d_backward", 1, grad_output, input, norm_type, kernel_size,
                             stride, ceil_mode)


@_doc(_LP_DOC, 2, """
    >>> x = np.array([[[[3., 0.], [0., 4.]]]])
    >>> lp_pool2d(x, 2, 2)
    array([[[[5.]]]])
    >>> lp_pool2d(x, 1, 2)
    array([[[[7.]]]])
""")
def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool("lp_pool2d", 2, input, norm_type, kernel_size, stride, ceil_mode)


@_doc(_LP_BACKWARD_DOC, 2, """
    >>> x = np.array([[[[3., 0.], [0., 4.]]]])
    >>> lp_pool2d_backward(np.ones((1, 1, 1, 1)), x, 2, 2)
    array([[[[0.6, 0. ],
             [0. , 0.8]]]])
""")
def lp_pool2d_backward(grad_output, input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool_backward("lp_pool2d_backward", 2, grad_output, input, norm_type, kernel_size,
                             stride, ceil_mode)


@_doc(_LP_DOC, 3, """
    >>> lp_pool3d(np.full((1, 2, 2, 2), 2.), 2, 2)
    array([[[[5.65685425]]]])
""")
def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool("lp_pool3d", 3, input, norm_type, kernel_size, stride, ceil_mode)


@_doc(_LP_BACKWARD_DOC, 3, """
    >>> lp_pool3d_backward(np.ones((1, 1, 1, 1)), np.full((1, 2, 2, 2), 2.), 2, 2).ravel()
    array([0.35355339, 0.35355339, 0.35355339, 0.35355339, 0.35355339,
           0.35355339, 0.35355339, 0.35355339])
""")
def lp_pool3d_backward(grad_output, input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool_backward("lp_pool3d_backward", 3, grad_output, input, norm_type, kernel_size,
                             stride, ceil_mode)


# Adaptive pooling ----------------------------------------------------------


@_doc(_ADAPTIVE_AVG_DOC, 1, """
    >>> adaptive_avg_pool1d(np.array([[1., 2., 3., 4., 5.]]), 3)
    array([[1.5, 3. , 4.5]])
""")
def adaptive_avg_pool1d(input, output_size):
    return _adaptive_avg_pool("adaptive_avg_pool1d", 1, input, output_size)


@_doc(_ADAPTIVE_AVG_BACKWARD_DOC, 1, """
    >>> adaptive_avg_pool1d_backward(np.ones((1, 3)), np.zeros((1, 5)), 3)
    array([[0.5       , 0.83333333, 0.33333333, 0.83333333, 0.5       ]])
""")
def adaptive_avg_pool1d_backward(grad_output, input, output_size):
    return _adaptive_avg_pool_backward("adaptive_avg_pool1d_backward", 1, grad_output, input,
                                       output_size)


@_doc(_ADAPTIVE_AVG_DOC, 2, """
    >>> x = np.arange(16.).reshape(1, 1, 4, 4)
    >>> adaptive_avg_pool2d(x, 1)
    array([[[[7.5]]]])
    >>> adaptive_avg_pool2d(x, (2, None)).shape
    (1, 1, 2, 4)
""")
def adaptive_avg_pool2d(input, output_size):
    return _adaptive_avg_pool("adaptive_avg_pool2d", 2, input, output_size)


@_doc(_ADAPTIVE_AVG_BACKWARD_DOC, 2, """
    >>> adaptive_avg_pool2d_backward(np.ones((1, 1, 1)), np.zeros((1, 2, 2)), 1)
    array([[[0.25, 0.25],
            [0.25, 0.25]]])
""")
def adaptive_avg_pool2d_backward(grad_output, input, output_size):
    return _adaptive_avg_pool_backward("adaptive_avg_pool2d_backward", 2, grad_output, input,
                                       output_size)


@_doc(_ADAPTIVE_AVG_DOC, 3, """
    >>> adaptive_avg_pool3d(np.arange(8.).reshape(1, 2, 2, 2), (1, 1, 2))
    array([[[[3., 4.]]]])
""")
def adaptive_avg_pool3d(input, output_size):
    return _adaptive_avg_pool("adaptive_avg_pool3d", 3, input, output_size)


@_doc(_ADAPTIVE_AVG_BACKWARD_DOC, 3, """
    >>> adaptive_avg_pool3d_backward(np.ones((1, 1, 1, 1)), np.zeros((1, 1, 1, 4)), 1)
    array([[[[0.25, 0.25, 0.25, 0.25]]]])
""")
def adaptive_avg_pool3d_backward(grad_output, input, output_size):
    return _adaptive_avg_pool_backward("adaptive_avg_pool3d_backward", 3, grad_output, input,
                                       output_size)


@_doc(_ADAPTIVE_MAX_DOC, 1, """
    >>> adaptive_max_pool1d(np.array([[1., 5., 2., 4., 3.]]), 3, return_indices=True)
    (array([[5., 5., 4.]]), array([[1, 1, 3]]))
""")
def adaptive_max_pool1d(input, output_size, return_indices=False):
    return _adaptive_max_pool("adaptive_max_pool1d", 1, input, output_size, return_indices)


@_doc(_ADAPTIVE_MAX_BACKWARD_DOC, 1, """
    >>> adaptive_max_pool1d_backward(np.ones((1, 3)), np.array([[1., 5., 2., 4., 3.]]), 3)
    array([[0., 2., 0., 1., 0.]])
""")
def adaptive_max_pool1d_backward(grad_output, input, output_size, return_indices=False,
                                 indices=None):
    return _adaptive_max_pool_backward("adaptive_max_pool1d_backward", 1, grad_output, input,
                                       output_size, return_indices, indices)


@_doc(_ADAPTIVE_MAX_DOC, 2, """
    >>> x = np.arange(16.).reshape(1, 1, 4, 4)
    >>> adaptive_max_pool2d(x, 1, return_indices=True)
    (array([[[[15.]]]]), array([[[[15]]]]))
    >>> adaptive_max_pool2d(x, (3, 2))
    array([[[[ 5.,  7.],
             [ 9., 11.],
             [13., 15.]]]])
""")
def adaptive_max_pool2d(input, output_size, return_indices=False):
    return _adaptive_max_pool("adaptive_max_pool2d", 2, input, output_size, return_indices)


@_doc(_ADAPTIVE_MAX_BACKWARD_DOC, 2, """
    >>> x = np.arange(16.).reshape(1, 1, 4, 4)
    >>> out, idx = adaptive_max_pool2d(x, 2, return_indices=True)
    >>> adaptive_max_pool2d_backward(np.ones_like(out), x, 2, indices=idx)[0, 0, 1]
    array([0., 1., 0., 1.])
""")
def adaptive_max_pool2d_backward(grad_output, input, output_size, return_indices=False,
                                 indices=None):
    return _adaptive_max_pool_backward("adaptive_max_pool2d_backward", 2, grad_output, input,
                                       output_size, return_indices, indices)


@_doc(_ADAPTIVE_MAX_DOC, 3, """
    >>> adaptive_max_pool3d(np.arange(8.).reshape(1, 2, 2, 2), 1, return_indices=True)
    (array([[[[7.]]]]), array([[[[7]]]]))
""")
def adaptive_max_pool3d(input, output_size, return_indices=False):
    return _adaptive_max_pool("adaptive_max_pool3d", 3, input, output_size, return_indices)


@_doc(_ADAPTIVE_MAX_BACKWARD_DOC, 3, """
    >>> adaptive_max_pool3d_backward(np.ones((1, 1, 1, 1)), np.arange(8.).reshape(1, 2, 2, 2), 1).ravel()
    array([0., 0., 0., 0., 0., 0., 0., 1.])
""")
def adaptive_max_pool3d_backward(grad_output, input, output_size, return_indices=False,
                                 indices=None):
    return _adaptive_max_pool_backward("adaptive_max_pool3d_backward", 3, grad_output, input,
                                       output_size, return_indices, indices)
