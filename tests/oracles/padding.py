"""Plain-loop oracle for padding: each output cell looks up the input cell it copies."""

import itertools

import numpy as np


def source_index(i, n, before, mode):
    """Input index copied into padded position `i` of an axis of length `n`, or None for a constant."""
    j = i - before
    if 0 <= j < n:
        return j
    if mode == "zeros":
        return None
    if mode == "replicate":
        return 0 if j < 0 else n - 1
    if mode == "circular":
        return j % n
    if mode == "reflect":  # mirror about the first and last cells, without repeating them
        return -j if j < 0 else 2 * (n - 1) - j
    raise ValueError(mode)


def pad_loop(x, pairs, mode, value=0.0):
    """Pad the trailing len(pairs) axes of x; pairs = [(before, after), ...]."""
    lead = x.ndim - len(pairs)
    spatial = x.shape[lead:]
    out_spatial = tuple(n + b + a for n, (b, a) in zip(spatial, pairs))
    out = np.empty(x.shape[:lead] + out_spatial, dtype=x.dtype)
    for pos in itertools.product(*(range(m) for m in out_spatial)):
        src = [source_index(i, n, b, mode) for i, n, (b, _) in zip(pos, spatial, pairs)]
        if any(s is None for s in src):
            out[(Ellipsis, *pos)] = value
        else:
            out[(Ellipsis, *pos)] = x[(Ellipsis, *src)]
    return out


def pad_backward_loop(g, x_shape, pairs, mode):
    """Each padded cell's gradient is added to the input cell it copied."""
    lead = len(x_shape) - len(pairs)
    spatial = x_shape[lead:]
    dx = np.zeros(x_shape, dtype=g.dtype)
    for pos in itertools.product(*(range(m) for m in g.shape[lead:])):
        src = [source_index(i, n, b, mode) for i, n, (b, _) in zip(pos, spatial, pairs)]
        if all(s is not None for s in src):
            dx[(Ellipsis, *src)] += g[(Ellipsis, *pos)]
    return dx
