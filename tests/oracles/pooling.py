"""Plain-loop pooling, written straight from the formulas, to check the vectorized code.

One loop over planes, output positions and window taps, the way a student
writes it first. Slow; use tiny inputs. Every function takes a batched or
unbatched array ``(..., *spatial)`` with ``nd`` spatial axes and per-axis
tuples for the window parameters. The output size comes from
``conv_output_size`` (tested on its own in ``tests/oracles/geometry.py``).
"""

import itertools
import math

import numpy as np

from cnn_lessons import conv_output_size


def _planes(x, nd):
    """Iterate over the leading index tuples of `x` (every plane)."""
    return itertools.product(*[range(n) for n in x.shape[:x.ndim - nd]])


def _window(o, k, s, p, d):
    """Input positions of every tap of window `o` (row-major), as tuples."""
    for taps in itertools.product(*[range(kk) for kk in k]):
        yield tuple(oo * ss - pp + t * dd for oo, ss, pp, t, dd in zip(o, s, p, taps, d))


def _inside(pos, spatial):
    return all(0 <= i < n for i, n in zip(pos, spatial))


def max_pool(x, k, s, p, d, ceil_mode):
    """(out, indices): P(o) = max over the window, PyTorch's scan ``v > best or isnan(v)``."""
    nd = len(k)
    spatial = x.shape[x.ndim - nd:]
    out_size = conv_output_size(spatial, k, s, p, d, ceil_mode)
    lead = x.shape[:x.ndim - nd]
    out = np.empty(lead + out_size, dtype=x.dtype)
    idx = np.empty(lead + out_size, dtype=np.int64)
    for plane in _planes(x, nd):
        for o in itertools.product(*[range(n) for n in out_size]):
            best, where = -np.inf, None
            for pos in _window(o, k, s, p, d):
                if not _inside(pos, spatial):
                    continue  # padding is -inf: never taken
                val = x[plane + pos]
                if where is None:
                    where = pos  # PyTorch starts at the first tap inside the input
                if val > best or np.isnan(val):
                    best, where = val, pos
            out[plane + o] = best
            idx[plane + o] = np.ravel_multi_index(where, spatial)
    return out, idx


def max_pool_backward(g, x, k, s, p, d, ceil_mode):
    """dx: each output's gradient added to its maximum."""
    nd = len(k)
    spatial = x.shape[x.ndim - nd:]
    _, idx = max_pool(x, k, s, p, d, ceil_mode)
    dx = np.zeros(x.shape)
    for plane in _planes(x, nd):
        for o in itertools.product(*[range(n) for n in idx.shape[x.ndim - nd:]]):
            dx[plane + np.unravel_index(idx[plane + o], spatial)] += g[plane + o]
    return dx


def avg_divisor(o, k, s, p, spatial, count_include_pad):
    """PyTorch's divisor: per axis end = min(start + k, size + p), counted with or without padding."""
    div = 1
    for oo, kk, ss, pp, n in zip(o, k, s, p, spatial):
        start = oo * ss - pp
        end = min(start + kk, n + pp)
        div *= (end - start) if count_include_pad else (min(end, n) - max(start, 0))
    return div


def avg_pool(x, k, s, p, ceil_mode, count_include_pad):
    """A(o) = (sum of the window's real inputs) / divisor."""
    nd = len(k)
    spatial = x.shape[x.ndim - nd:]
    out_size = conv_output_size(spatial, k, s, p, 1, ceil_mode)
    out = np.empty(x.shape[:x.ndim - nd] + out_size, dtype=x.dtype)
    for plane in _planes(x, nd):
        for o in itertools.product(*[range(n) for n in out_size]):
            total = 0.0
            for pos in _window(o, k, s, p, (1,) * nd):
                if _inside(pos, spatial):
                    total += x[plane + pos]
            out[plane + o] = total / avg_divisor(o, k, s, p, spatial, count_include_pad)
    return out


def avg_pool_backward(g, x, k, s, p, ceil_mode, count_include_pad):
    """dx(i) = sum over windows o containing i of g(o) / divisor(o)."""
    nd = len(k)
    spatial = x.shape[x.ndim - nd:]
    dx = np.zeros(x.shape)
    for plane in _planes(x, nd):
        for o in itertools.product(*[range(n) for n in g.shape[x.ndim - nd:]]):
            share = g[plane + o] / avg_divisor(o, k, s, p, spatial, count_include_pad)
            for pos in _window(o, k, s, p, (1,) * nd):
                if _inside(pos, spatial):
                    dx[plane + pos] += share
    return dx


def lp_pool(x, norm_type, k, s, ceil_mode):
    """PyTorch's formula: (sum x**p over the window * prod(k) / divisor) ** (1/p), no padding."""
    nd = len(k)
    spatial = x.shape[x.ndim - nd:]
    out_size = conv_output_size(spatial, k, s, 0, 1, ceil_mode)
    out = np.empty(x.shape[:x.ndim - nd] + out_size)
    for plane in _planes(x, nd):
        for o in itertools.product(*[range(n) for n in out_size]):
            total = 0.0
            for pos in _window(o, k, s, (0,) * nd, (1,) * nd):
                if _inside(pos, spatial):
                    total += x[plane + pos] ** norm_type
            scale = math.prod(k) / avg_divisor(o, k, s, (0,) * nd, spatial, True)
            out[plane + o] = (total * scale) ** (1.0 / norm_type)
    return out


def adaptive_windows(n, m):
    """Window i along an axis of size n pooled to m: floor(i*n/m) <= j < ceil((i+1)*n/m)."""
    return [(i * n // m, -(-(i + 1) * n // m)) for i in range(m)]


def _adaptive_cells(spatial, out_size, o):
    ranges = [range(*adaptive_windows(n, m)[i]) for n, m, i in zip(spatial, out_size, o)]
    return itertools.product(*ranges)


def adaptive_avg_pool(x, out_size):
    nd = len(out_size)
    spatial = x.shape[x.ndim - nd:]
    out = np.empty(x.shape[:x.ndim - nd] + tuple(out_size), dtype=x.dtype)
    for plane in _planes(x, nd):
        for o in itertools.product(*[range(m) for m in out_size]):
            cells = list(_adaptive_cells(spatial, out_size, o))
            out[plane + o] = sum(x[plane + c] for c in cells) / len(cells)
    return out


def adaptive_avg_pool_backward(g, x, out_size):
    nd = len(out_size)
    spatial = x.shape[x.ndim - nd:]
    dx = np.zeros(x.shape)
    for plane in _planes(x, nd):
        for o in itertools.product(*[range(m) for m in out_size]):
            cells = list(_adaptive_cells(spatial, out_size, o))
            for c in cells:
                dx[plane + c] += g[plane + o] / len(cells)
    return dx


def adaptive_max_pool(x, out_size):
    """(out, indices) with PyTorch's scan ``v > best or isnan(v)`` in row-major window order."""
    nd = len(out_size)
    spatial = x.shape[x.ndim - nd:]
    out = np.empty(x.shape[:x.ndim - nd] + tuple(out_size), dtype=x.dtype)
    idx = np.empty(out.shape, dtype=np.int64)
    for plane in _planes(x, nd):
        for o in itertools.product(*[range(m) for m in out_size]):
            best, where = -np.inf, None
            for c in _adaptive_cells(spatial, out_size, o):
                val = x[plane + c]
                if where is None:
                    where = c
                if val > best or np.isnan(val):
                    best, where = val, c
            out[plane + o] = best
            idx[plane + o] = np.ravel_multi_index(where, spatial)
    return out, idx


def scatter_indices(g, idx, x_shape, nd):
    """dx of a gather by flat in-plane indices (the backward of every max pooling)."""
    spatial = x_shape[len(x_shape) - nd:]
    dx = np.zeros(x_shape)
    for plane in itertools.product(*[range(n) for n in x_shape[:len(x_shape) - nd]]):
        for o in itertools.product(*[range(n) for n in g.shape[len(x_shape) - nd:]]):
            dx[plane + np.unravel_index(idx[plane + o], spatial)] += g[plane + o]
    return dx
