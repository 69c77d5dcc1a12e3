"""The geometry of a convolution: output sizes, padding amounts, receptive fields.

The output-size formula lives here, in :func:`conv_output_size`, and nowhere
else: convolution, pooling and the lessons all call it.
"""

from __future__ import annotations

from typing import NamedTuple

from . import _validation as v

__all__ = ["conv_output_size", "receptive_field", "ReceptiveField"]


def _output_length(size, kernel_size, stride, padding, dilation, ceil_mode, fn) -> int:
    """Output length along one axis; see :func:`conv_output_size`."""
    effective = dilation * (kernel_size - 1) + 1
    padded = size + 2 * padding
    if effective > padded:
        raise ValueError(
            f"{fn}: the kernel (size {kernel_size}, dilation {dilation}, effective size "
            f"{effective}) is larger than the padded input (size {size} + 2*{padding} = {padded}); "
            "use a smaller kernel or dilation, or more padding"
        )
    span = padded - effective
    if ceil_mode:
        out = -(-span // stride) + 1
        # As in PyTorch pooling: drop a last window that starts in the right padding.
        if (out - 1) * stride >= size + padding:
            out -= 1
    else:
        out = span // stride + 1
    return out


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    """Length of a convolution's or pooling's output along each spatial axis.

    Parameters
    ----------
    size : int or tuple of int
        Input length (before padding), one per spatial axis for a tuple.
    kernel_size : int or tuple of int
        Kernel (window) length.
    stride : int or tuple of int, default 1
        Step between neighbouring windows.
    padding : int or tuple of int, default 0
        Padding added on *each* side.
    dilation : int or tuple of int, default 1
        Spacing between kernel taps; the effective kernel is ``dilation*(kernel_size-1)+1``.
    ceil_mode : bool, default False
        Round up instead of down, as PyTorch pooling does with ``ceil_mode=True``.

    Returns
    -------
    int or tuple of int
        An int when every argument is an int; otherwise a tuple with one length per axis.

    Raises
    ------
    ValueError
        If a length is out of range, tuples differ in length, or the effective
        kernel is larger than the padded input.
    TypeError
        If an argument is not an int or a tuple of ints.

    Notes
    -----
    ``out = floor((size + 2*padding - dilation*(kernel_size - 1) - 1) / stride) + 1``

    With ``ceil_mode`` the floor becomes a ceiling, but a last window that
    would start inside the right padding is dropped (PyTorch's rule), so that
    every window sees at least one real input element.

    Examples
    --------
    >>> conv_output_size(32, 5)
    28
    >>> conv_output_size(7, 3, stride=2, padding=1)
    4
    >>> conv_output_size((224, 224), 7, stride=2, padding=3)
    (112, 112)
    >>> conv_output_size(6, 3, stride=2), conv_output_size(6, 3, stride=2, ceil_mode=True)
    (2, 3)
    """
    fn = "conv_output_size"
    args = {"size": size, "kernel_size": kernel_size, "stride": stride,
            "padding": padding, "dilation": dilation}
    lengths = {len(a) for a in args.values() if isinstance(a, (tuple, list))}
    if len(lengths) > 1:
        raise ValueError(
            f"{fn}: tuple arguments must all have the same length (one per spatial axis), "
            f"got {', '.join(f'{k}={a!r}' for k, a in args.items() if isinstance(a, (tuple, list)))}"
        )
    ceil_mode = v.check_bool(ceil_mode, fn, "ceil_mode")
    scalar = not lengths
    n = lengths.pop() if lengths else 1
    minimum = {"size": 1, "kernel_size": 1, "stride": 1, "padding": 0, "dilation": 1}
    per_axis = {k: v.int_tuple(a, n, fn, k, minimum[k]) for k, a in args.items()}
    out = tuple(
        _output_length(per_axis["size"][i], per_axis["kernel_size"][i], per_axis["stride"][i],
                       per_axis["padding"][i], per_axis["dilation"][i], ceil_mode, fn)
        for i in range(n)
    )
    return out[0] if scalar else out


class ReceptiveField(NamedTuple):
    """Receptive field of one layer's output, measured in input pixels.

    ``size``: how many input pixels one output sees; ``stride``: the input
    distance between neighbouring outputs; ``padding``: how far the first
    window starts before the first input pixel. Ints, or tuples per axis.
    """

    size: int | tuple
    stride: int | tuple
    padding: int | tuple


_LAYER_DEFAULTS = {"stride": 1, "padding": 0, "dilation": 1}


def _layer_param(layer, key, index, fn):
    """Read `key` of a layer given as a mapping or an object; None if absent."""
    if isinstance(layer, dict):
        value = layer.get(key)
    else:
        value = getattr(layer, key, None)
    if value is None:
        if key == "kernel_size":
            raise ValueError(
                f"{fn}: layers[{index}] has no kernel_size; each layer must be a mapping or "
                "object with kernel_size (and optionally stride, padding, dilation)"
            )
        return _LAYER_DEFAULTS[key]
    return value


def receptive_field(layers):
    """Receptive field, effective stride and effective padding after each layer.

    Parameters
    ----------
    layers : sequence of mapping or object
        Each with ``kernel_size`` and optionally ``stride`` (1), ``padding``
        (0) and ``dilation`` (1): ints, or tuples with one value per axis.

    Returns
    -------
    list of ReceptiveField
        One record per layer with ``size``, ``stride`` and ``padding``. Ints
        when every parameter is an int, tuples per axis otherwise.

    Raises
    ------
    ValueError, TypeError
        For a layer without ``kernel_size``, an out-of-range or non-int
        parameter, or tuples of different lengths.

    Notes
    -----
    Following Araujo, Norris and Sim, "Computing Receptive Fields of
    Convolutional Neural Networks" (Distill, 2019), with ``size_0 = 1``,
    ``stride_0 = 1``, ``padding_0 = 0``::

        size_l    = size_{l-1} + dilation_l * (kernel_l - 1) * stride_{l-1}
        stride_l  = stride_{l-1} * stride_l(layer)
        padding_l = padding_{l-1} + padding_l(layer) * stride_{l-1}

    For stride-1 layers of kernel K this gives ``1 + L*(K - 1)``.

    Examples
    --------
    >>> [r.size for r in receptive_field([{"kernel_size": 3}] * 3)]
    [3, 5, 7]
    >>> receptive_field([{"kernel_size": 7, "stride": 2, "padding": 3},
    ...                  {"kernel_size": 3, "stride": 2, "padding": 1}])[-1]
    ReceptiveField(size=11, stride=4, padding=5)
    """
    fn = "receptive_field"
    if isinstance(layers, (str, bytes, dict)) or not hasattr(layers, "__iter__"):
        raise TypeError(f"{fn}: layers must be a sequence of layers, got {v._describe(layers)}")
    layers = list(layers)
    raw = [{key: _layer_param(layer, key, i, fn)
            for key in ("kernel_size", "stride", "padding", "dilation")}
           for i, layer in enumerate(layers)]
    lengths = {len(val) for params in raw for val in params.values() if isinstance(val, (tuple, list))}
    if len(lengths) > 1:
        raise ValueError(f"{fn}: per-axis tuples must all have the same length, got lengths {sorted(lengths)}")
    as_tuples = bool(lengths)
    n = lengths.pop() if lengths else 1
    minimum = {"kernel_size": 1, "stride": 1, "padding": 0, "dilation": 1}
    size, stride, padding = [1] * n, [1] * n, [0] * n
    records = []
    for i, params in enumerate(raw):
        p = {k: v.int_tuple(val, n, fn, f"layers[{i}].{k}", minimum[k]) for k, val in params.items()}
        for a in range(n):
            size[a] += p["dilation"][a] * (p["kernel_size"][a] - 1) * stride[a]
            padding[a] += p["padding"][a] * stride[a]
            stride[a] *= p["stride"][a]
        if as_tuples:
            records.append(ReceptiveField(tuple(size), tuple(stride), tuple(padding)))
        else:
            records.append(ReceptiveField(size[0], stride[0], padding[0]))
    return records
