"""Padding the spatial axes of an array, and the gradient of padding.

Four modes, named as in ``torch.nn.Conv2d(padding_mode=...)``:

- ``"zeros"``: a constant (``value``, 0 by default) outside the input;
- ``"reflect"``: mirror without repeating the edge (``[a b c] -> b [a b c] b``);
- ``"replicate"``: repeat the edge (``a [a b c] c``);
- ``"circular"``: wrap around (``c [a b c] a``).
"""

from __future__ import annotations

import numpy as np

from . import _validation as v

__all__ = ["pad", "pad_backward"]

_NUMPY_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def _normalize_pad_width(padding, ndim: int, fn: str) -> list[tuple[int, int]]:
    """Turn `padding` into one ``(before, after)`` pair per trailing axis.

    An int pads the last two axes (both sides); a tuple of ints gives one
    amount per trailing axis; a tuple of pairs gives ``(before, after)``.
    """
    if isinstance(padding, (list, tuple)):
        items = list(padding)
        if len(items) == 0:
            raise ValueError(f"{fn}: padding must not be empty; give an int or one value per trailing axis")
        if all(isinstance(p, (list, tuple)) for p in items):
            pairs = []
            for i, p in enumerate(items):
                if len(p) != 2:
                    raise ValueError(
                        f"{fn}: padding[{i}] must be a (before, after) pair, got {p!r} of length {len(p)}"
                    )
                pairs.append((v.check_int(p[0], fn, f"padding[{i}][0]", 0),
                              v.check_int(p[1], fn, f"padding[{i}][1]", 0)))
        elif any(isinstance(p, (list, tuple)) for p in items):
            raise TypeError(
                f"{fn}: padding must be all ints or all (before, after) pairs, got {padding!r}"
            )
        else:
            pairs = [(p, p) for p in (v.check_int(p, fn, f"padding[{i}]", 0) for i, p in enumerate(items))]
    else:
        p = v.check_int(padding, fn, "padding", 0)
        pairs = [(p, p), (p, p)]
    if len(pairs) > ndim:
        raise ValueError(
            f"{fn}: padding gives {len(pairs)} axes but the input has only {ndim} dimensions; "
            "give one value per trailing (spatial) axis"
        )
    return pairs


def _check_mode_limits(shape, pairs, mode, fn):
    """Reflect needs padding < size and circular padding <= size, as in PyTorch."""
    spatial = shape[len(shape) - len(pairs):]
    for axis, (n, (before, after)) in enumerate(zip(spatial, pairs)):
        if mode == "reflect" and max(before, after) >= n:
            raise ValueError(
                f"{fn}: reflect padding must be smaller than the axis it pads; trailing axis {axis} "
                f"has size {n} but padding is ({before}, {after})"
            )
        if mode == "circular" and max(before, after) > n:
            raise ValueError(
                f"{fn}: circular padding must be at most the size of the axis it pads; trailing "
                f"axis {axis} has size {n} but padding is ({before}, {after})"
            )
        if mode == "replicate" and n == 0 and before + after > 0:
            raise ValueError(f"{fn}: cannot replicate the edge of an empty axis (trailing axis {axis})")


def _prepare(x, padding, mode, fn):
    mode = v.check_padding_mode(mode, fn, "mode")
    pairs = _normalize_pad_width(padding, x.ndim, fn)
    _check_mode_limits(x.shape, pairs, mode, fn)
    return mode, [(0, 0)] * (x.ndim - len(pairs)) + pairs


def pad(x, padding, mode="zeros", value=0.0):
    """Pad the trailing (spatial) axes of `x`.

    Parameters
    ----------
    x : ndarray of shape (..., *spatial)
        Any leading axes (batch, channels) are left alone.
    padding : int, tuple of int, or tuple of (int, int)
        An int pads the last two axes by that much on both sides; a tuple of
        ints pads each trailing axis (one value per axis, both sides); a tuple
        of ``(before, after)`` pairs gives each side separately.
    mode : {"zeros", "reflect", "replicate", "circular"}
        What to put in the border (see the module docstring).
    value : float, default 0.0
        The constant for ``"zeros"`` mode (max pooling pads with ``-inf``).

    Returns
    -------
    ndarray of shape (..., spatial[0] + before_0 + after_0, ...)
        A new array of the same floating dtype; `x` is not modified.

    Raises
    ------
    ValueError
        For negative padding, more padded axes than `x` has, an unknown mode,
        reflect padding >= the axis size or circular padding > the axis size.

    Notes
    -----
    Cost: one copy of the padded array (``numpy.pad``).

    Examples
    --------
    >>> pad(np.array([[1., 2., 3.]]), ((0, 0), (2, 2)), mode="reflect")
    array([[3., 2., 1., 2., 3., 2., 1.]])
    >>> pad(np.array([1., 2., 3.]), (1,), mode="circular")
    array([3., 1., 2., 3., 1.])
    >>> pad(np.ones((1, 2, 2)), 1).shape
    (1, 4, 4)
    """
    fn = "pad"
    x = v.as_float_array(x, fn, "x")
    mode, width = _prepare(x, padding, mode, fn)
    if mode == "zeros":
        if isinstance(value, (str, bytes)) or value is None:
            raise TypeError(f"{fn}: value must be a number, got {v._describe(value)}")
        return np.pad(x, width, mode="constant", constant_values=value)
    return np.pad(x, width, mode=_NUMPY_MODE[mode])


def _fold_axis(g: np.ndarray, axis: int, before: int, after: int, n: int, mode: str) -> np.ndarray:
    """Gradient of padding one axis: add the border's gradient back onto the input cells it copied."""
    g = np.moveaxis(g, axis, -1)
    dx = g[..., before:before + n].copy()
    left, right = g[..., :before], g[..., before + n:]
    if mode == "circular":
        # padded cell i < before copied x[n - before + i]; cell before+n+j copied x[j]
        dx[..., n - before:] += left
        dx[..., :after] += right
    elif mode == "replicate":
        dx[..., 0] += left.sum(axis=-1)
        dx[..., n - 1] += right.sum(axis=-1)
    elif mode == "reflect":
        # padded cell i < before copied x[before - i]; cell before+n+j copied x[n - 2 - j]
        dx[..., 1:before + 1] += left[..., ::-1]
        dx[..., n - 1 - after:n - 1] += right[..., ::-1]
    return np.moveaxis(dx, -1, axis)


def pad_backward(grad_output, x, padding, mode="zeros", value=0.0):
    """Gradient of :func:`pad` with respect to `x`.

    Parameters
    ----------
    grad_output : ndarray, shape of ``pad(x, padding, mode)``
        Upstream gradient with respect to the padded array.
    x : ndarray of shape (..., *spatial)
        The input of the forward call (only its shape is used).
    padding, mode, value
        As for :func:`pad`; `value` does not affect the gradient.

    Returns
    -------
    ndarray, shape of `x`
        For ``"zeros"`` the centre of `grad_output`; for the other modes the
        centre plus the gradient of every border cell added back onto the
        input cell it was copied from.

    Examples
    --------
    >>> pad_backward(np.ones(5), np.zeros(3), (1,), mode="replicate")
    array([2., 1., 2.])
    >>> pad_backward(np.arange(7.), np.zeros(3), ((2, 2),), mode="reflect")
    array([8., 9., 4.])
    """
    fn = "pad_backward"
    x = v.as_float_array(x, fn, "x")
    g = v.as_float_array(grad_output, fn, "grad_output")
    mode, width = _prepare(x, padding, mode, fn)
    expected = tuple(n + b + a for n, (b, a) in zip(x.shape, width))
    v.check_same_shape(g, expected, fn, "grad_output", f"the shape of pad(x, padding) for x.shape={x.shape}")
    dx = g
    for axis, (before, after) in enumerate(width):
        if before or after:
            dx = _fold_axis(dx, axis, before, after, x.shape[axis], mode)
    if dx is g:
        dx = g.copy()
    return dx.astype(v.result_dtype(g, x), copy=False)
