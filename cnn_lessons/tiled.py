"""Tiled convolution: weights shared every ``t`` positions instead of everywhere.

A convolution uses one kernel at every output position; a locally connected
layer uses a different kernel at every position; a *tiled* convolution sits
in between. It has ``T_h * T_w`` kernels, and output position ``(i, j)``
uses kernel ``(i mod T_h, j mod T_w)``, so neighbouring outputs use
different kernels while outputs ``T_h`` rows apart share one (Goodfellow,
Bengio and Courville, *Deep Learning*, 2016, section 9.5). Tile ``(1, 1)``
is an ordinary convolution; a tile as large as the output is a locally
connected layer.

Not part of the package's top-level API: import it as
``from cnn_lessons.tiled import tiled_conv2d``.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import _validation as v
from .geometry import conv_output_size
from .padding import pad

__all__ = ["tiled_conv2d"]


def tiled_conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1):
    """2-D tiled convolution (cross-correlation) with ``T_h x T_w`` kernels used in turn.

    Parameters
    ----------
    input : ndarray of shape (N, C_in, H, W) or (C_in, H, W)
    weight : ndarray of shape (T_h, T_w, C_out, C_in, KH, KW)
        ``weight[a, b]`` is the kernel used at every output position
        ``(i, j)`` with ``i % T_h == a`` and ``j % T_w == b``.
    bias : ndarray of shape (C_out,), optional
        One bias per output channel, shared by all positions.
    stride, padding, dilation : int or (int, int)
        As for :func:`cnn_lessons.conv2d` (zero padding).

    Returns
    -------
    ndarray of shape (N, C_out, H', W') (or (C_out, H', W') for an unbatched input)
        ``H' = floor((H + 2*padding - dilation*(KH - 1) - 1) / stride) + 1``,
        from :func:`cnn_lessons.conv_output_size`.

    Raises
    ------
    ValueError
        For arrays of the wrong number of dimensions, channel counts that do
        not match, or a kernel larger than the padded input.

    Notes
    -----
    ``out[n, o, i, j] = bias[o] + sum_{c, a, b} x_pad[n, c, i*S + a*D, j*S + b*D]
    * weight[i % T_h, j % T_w, o, c, a, b]``

    Parameters: ``T_h T_w C_out C_in KH KW`` weights, against ``C_out C_in KH KW``
    for a convolution and ``H' W' C_out C_in KH KW`` for a locally connected
    layer. Cost: the same multiply-adds as a convolution; the windows are a
    strided view, and the loop runs over the ``T_h T_w`` kernels only.

    Examples
    --------
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> w = np.ones((2, 1, 1, 1, 1, 1))   # two 1x1 kernels, alternating by row
    >>> w[1] = -1.0
    >>> tiled_conv2d(x, w)[0, 0]
    array([[  0.,   1.,   2.,   3.],
           [ -4.,  -5.,  -6.,  -7.],
           [  8.,   9.,  10.,  11.],
           [-12., -13., -14., -15.]])
    """
    fn = "tiled_conv2d"
    x = v.as_float_array(input, fn, "input")
    w = v.as_float_array(weight, fn, "weight")
    v.check_ndim(x, fn, "input", (3, 4), "(N, C_in, H, W) or (C_in, H, W)")
    v.check_ndim(w, fn, "weight", (6,), "(T_h, T_w, C_out, C_in, KH, KW)")
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    N, C, H, W = x.shape
    th, tw, C_out, C_in, KH, KW = w.shape
    if C != C_in:
        raise ValueError(f"{fn}: input has {C} channels but weight expects {C_in} "
                         f"(weight.shape={w.shape}); weight must be (T_h, T_w, C_out, C_in, KH, KW)")
    if min(th, tw, C_out, KH, KW) < 1:
        raise ValueError(f"{fn}: every axis of weight must be at least 1, got weight.shape={w.shape}")
    sh, sw = v.int_tuple(stride, 2, fn, "stride", 1)
    ph, pw = v.int_tuple(padding, 2, fn, "padding", 0)
    dh, dw = v.int_tuple(dilation, 2, fn, "dilation", 1)
    Ho, Wo = conv_output_size((H, W), (KH, KW), (sh, sw), (ph, pw), (dh, dw))
    b = None
    if bias is not None:
        b = v.as_float_array(bias, fn, "bias")
        v.check_same_shape(b, (C_out,), fn, "bias", f"(C_out,) = ({C_out},)")

    xp = pad(x, (ph, pw)) if ph or pw else x
    eff_h, eff_w = dh * (KH - 1) + 1, dw * (KW - 1) + 1
    # windows: (N, C, Ho, Wo, KH, KW), a view (no copy) of the padded input
    win = sliding_window_view(xp, (eff_h, eff_w), axis=(2, 3))
    win = win[:, :, ::sh, ::sw, ::dh, ::dw][:, :, :Ho, :Wo]
    dtype = v.result_dtype(x, w) if b is None else v.result_dtype(x, w, b)
    out = np.empty((N, C_out, Ho, Wo), dtype=dtype)
    for a in range(th):
        for c in range(tw):
            out[:, :, a::th, c::tw] = np.einsum("nchwkl,ockl->nohw", win[:, :, a::th, c::tw], w[a, c],
                                                optimize=True)
    if b is not None:
        out += b[:, None, None]
    return out[0] if unbatched else out
