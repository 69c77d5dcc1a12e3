"""Activation functions, each beside its backward.

Every function here follows ``torch.nn.functional`` of the same name: the
same values, the same NaN and signed-zero behaviour, and, where the function
has a kink, the same choice of derivative at the kink (written in each
docstring). The backward of an activation ``f`` takes the upstream gradient
``grad_output`` (the gradient of the loss with respect to ``f(x)``) and the
forward's input ``x``, and returns the gradient with respect to ``x``.

Elementwise functions keep the input's shape; ``softmax`` and
``log_softmax`` normalise along one axis. Float32 stays float32, float64
stays float64, integers are computed in float64, and no function overflows
or warns for large inputs such as ``sigmoid(-1000)`` or
``softmax([1000, 0])``.
"""

from __future__ import annotations

import numpy as np

from . import _validation as v

__all__ = [
    "relu", "relu_backward",
    "leaky_relu", "leaky_relu_backward",
    "prelu", "prelu_backward",
    "elu", "elu_backward",
    "selu", "selu_backward",
    "sigmoid", "sigmoid_backward",
    "tanh", "tanh_backward",
    "softmax", "softmax_backward",
    "log_softmax", "log_softmax_backward",
]

# The constants of Klambauer et al., "Self-Normalizing Neural Networks" (2017), as in PyTorch.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _x(x, fn):
    """The input as a floating array (no copy for float32/float64)."""
    return v.as_float_array(x, fn, "x")


def _grad_args(grad_output, x, fn):
    """Validate a backward's ``grad_output`` and ``x``; return both in their common dtype."""
    x = _x(x, fn)
    g = v.as_float_array(grad_output, fn, "grad_output")
    v.check_same_shape(g, x.shape, fn, "grad_output", "the shape of x, as the forward's output")
    dt = v.result_dtype(g, x)
    return g.astype(dt, copy=False), x.astype(dt, copy=False)


def _logistic_slope(e):
    """``e / (1 + e)**2`` for ``e = exp(-|t|)``: the derivative of the sigmoid at ``t``, without cancellation."""
    return e / (1 + e) ** 2


# ----------------------------------------------------------------------------- ReLU


def relu(x):
    """Rectified linear unit, ``max(0, x)`` elementwise.

    Parameters
    ----------
    x : array_like of any shape
        Real numbers; integers are computed in float64.

    Returns
    -------
    ndarray of the shape of `x`
        Float32 for float32 input, otherwise float64.

    Raises
    ------
    TypeError
        If `x` is not an array of real numbers.

    Notes
    -----
    ``relu(x) = x if x > 0 else 0``. Range ``[0, inf)``, not zero-centred.
    The derivative is 1 for ``x > 0`` and 0 for ``x < 0``; at the kink
    ``x = 0`` it is taken as 0, as PyTorch does. As PyTorch, ``relu(-0.0)``
    is ``-0.0`` and NaN propagates.

    See Also
    --------
    relu_backward, leaky_relu, prelu, elu

    Examples
    --------
    >>> relu(np.array([-2.0, 0.5, -0.3, 1.2]))
    array([0. , 0.5, 0. , 1.2])
    """
    x = _x(x, "relu")
    return np.where(x < 0, 0, x)


def relu_backward(grad_output, x):
    """Gradient of :func:`relu` with respect to its input.

    Parameters
    ----------
    grad_output : array_like, shape of `x`
        Gradient of the loss with respect to ``relu(x)``.
    x : array_like of any shape
        The input of the forward call.

    Returns
    -------
    ndarray of the shape of `x`
        ``grad_output`` where ``x > 0``, else 0.

    Raises
    ------
    TypeError
        If an argument is not an array of real numbers.
    ValueError
        If ``grad_output.shape != x.shape``.

    Notes
    -----
    ``relu'(x) = 1 if x > 0 else 0``: the derivative at the kink ``x = 0`` is
    0, PyTorch's choice. (A NaN input passes the gradient through, as in
    PyTorch, whose test is ``x <= 0``.)

    See Also
    --------
    relu

    Examples
    --------
    >>> relu_backward(np.ones(3), np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 1.])
    """
    g, x = _grad_args(grad_output, x, "relu_backward")
    return np.where(x <= 0, 0, g)


# ----------------------------------------------------------------------------- leaky ReLU


def leaky_relu(x, negative_slope=0.01):
    """Leaky ReLU: ``x`` for positive inputs, ``negative_slope * x`` otherwise.

    Parameters
    ----------
    x : array_like of any shape
    negative_slope : float, default 0.01
        The slope for ``x <= 0``; any finite real number.

    Returns
    -------
    ndarray of the shape of `x`

    Raises
    ------
    TypeError
        If `x` is not an array of real numbers or `negative_slope` not a real number.
    ValueError
        If `negative_slope` is NaN or infinite.

    Notes
    -----
    ``leaky_relu(x) = x if x > 0 else negative_slope * x``. Range
    ``(-inf, inf)`` for a positive slope; roughly zero-centred only when the
    slope is large. The derivative is 1 for ``x > 0`` and
    ``negative_slope`` for ``x <= 0``: at the kink ``x = 0`` it is
    ``negative_slope``, as PyTorch (``x > 0 ? g : g * negative_slope``).
    The small slope keeps a gradient flowing for negative inputs (no "dying
    ReLU").

    See Also
    --------
    leaky_relu_backward, relu, prelu

    Examples
    --------
    >>> leaky_relu(np.array([-2.0, 0.0, 3.0]), negative_slope=0.1)
    array([-0.2,  0. ,  3. ])
    """
    fn = "leaky_relu"
    x = _x(x, fn)
    slope = v.check_real(negative_slope, fn, "negative_slope")
    return np.where(x > 0, x, x * slope)


def leaky_relu_backward(grad_output, x, negative_slope=0.01):
    """Gradient of :func:`leaky_relu` with respect to its input.

    Parameters
    ----------
    grad_output : array_like, shape of `x`
    x : array_like of any shape
    negative_slope : float, default 0.01

    Returns
    -------
    ndarray of the shape of `x`
        ``grad_output`` where ``x > 0``, else ``negative_slope * grad_output``.

    Raises
    ------
    TypeError, ValueError
        As :func:`leaky_relu`, and ValueError if ``grad_output.shape != x.shape``.

    Notes
    -----
    ``leaky_relu'(x) = 1 if x > 0 else negative_slope``; at ``x = 0`` the
    derivative is ``negative_slope``, as PyTorch.

    See Also
    --------
    leaky_relu

    Examples
    --------
    >>> leaky_relu_backward(np.ones(3), np.array([-1.0, 0.0, 2.0]), negative_slope=0.1)
    array([0.1, 0.1, 1. ])
    """
    fn = "leaky_relu_backward"
    g, x = _grad_args(grad_output, x, fn)
    slope = v.check_real(negative_slope, fn, "negative_slope")
    return np.where(x > 0, g, g * slope)


# ----------------------------------------------------------------------------- PReLU


def _prelu_args(x, weight, fn):
    """Validate `x` and `weight`; return x, w (common dtype) and w shaped to broadcast over x."""
    x = _x(x, fn)
    if isinstance(weight, (int, float)) and not isinstance(weight, bool):
        w = np.asarray(weight, dtype=x.dtype)  # a Python number does not change x's dtype
    else:
        w = v.as_float_array(weight, fn, "weight")
    if w.ndim > 1:
        raise ValueError(
            f"{fn}: weight must be a single number or have 1 dimension (one value per channel), "
            f"got shape {w.shape}"
        )
    channels = x.shape[1] if x.ndim >= 2 else 1
    if w.size != 1 and w.size != channels:
        where = (f"x has {channels} channels on axis 1 (x.shape={x.shape})" if x.ndim >= 2 else
                 f"x has no channel axis (x.shape={x.shape}: fewer than 2 dimensions counts as 1 channel)")
        raise ValueError(
            f"{fn}: weight has {w.size} values but {where}; give one weight per channel or a single weight"
        )
    dt = v.result_dtype(x, w)
    x, w = x.astype(dt, copy=False), w.astype(dt, copy=False)
    per_channel = w.size != 1
    wb = w.reshape((1, w.size) + (1,) * (x.ndim - 2)) if per_channel else w.reshape(())
    return x, w, wb


def prelu(x, weight):
    """Parametric ReLU: ``x`` for positive inputs, ``weight * x`` otherwise, one learned slope per channel.

    Parameters
    ----------
    x : array_like of shape (N, C, *spatial), or any shape with a single weight
    weight : array_like of shape (C,) or (1,), or a number
        The negative slopes: one per channel (axis 1 of `x`) or a single one
        shared by all elements.

    Returns
    -------
    ndarray of the shape of `x`
        In the common dtype of `x` and `weight` (a Python number keeps `x`'s dtype).

    Raises
    ------
    TypeError
        If `x` or `weight` is not an array of real numbers.
    ValueError
        If `weight` has more than one dimension, or neither one value nor one
        value per channel.

    Notes
    -----
    ``prelu(x)[n, c, ...] = x if x > 0 else weight[c] * x``. As PyTorch, the
    channel axis is axis 1 whatever the number of dimensions, and an input
    with fewer than 2 dimensions counts as one channel, so it takes a single
    weight. Beware an unbatched ``(C, H, W)`` input: axis 1 is then ``H``, so
    add the batch axis first (``x[None]``) for per-channel weights.

    The derivatives are ``d/dx = 1 if x > 0 else weight[c]`` and
    ``d/dweight[c] = sum of x over the elements of channel c with x <= 0``;
    at the kink ``x = 0`` PyTorch's choice is ``d/dx = weight[c]`` (and
    ``d/dweight`` gets ``0 * grad = 0``). Range ``(-inf, inf)`` for a
    positive weight.

    See Also
    --------
    prelu_backward, leaky_relu (a fixed slope)

    Examples
    --------
    >>> x = np.array([[[-1.0, 2.0], [-3.0, 4.0]]])  # N=1, C=2, L=2
    >>> prelu(x, np.array([0.5, 0.1]))
    array([[[-0.5,  2. ],
            [-0.3,  4. ]]])
    """
    x, _, wb = _prelu_args(x, weight, "prelu")
    return np.where(x > 0, x, wb * x)


def prelu_backward(grad_output, x, weight):
    """Gradients of :func:`prelu` with respect to its input and its weight.

    Parameters
    ----------
    grad_output : array_like, shape of `x`
    x : array_like of shape (N, C, *spatial), or any shape with a single weight
    weight : array_like of shape (C,) or (1,), or a number

    Returns
    -------
    grad_x : ndarray of the shape of `x`
        ``grad_output`` where ``x > 0``, else ``weight[c] * grad_output``.
    grad_weight : ndarray of the shape of `weight` (shape () for a number)
        ``sum(grad_output * x)`` over the elements with ``x <= 0``, per
        channel (summed over all axes but 1) or in total for a single weight.

    Raises
    ------
    TypeError, ValueError
        As :func:`prelu`, and ValueError if ``grad_output.shape != x.shape``.

    Notes
    -----
    At the kink ``x = 0``, ``d/dx = weight[c]``, as PyTorch.

    See Also
    --------
    prelu

    Examples
    --------
    >>> gx, gw = prelu_backward(np.ones((1, 2, 2)), np.array([[[-1.0, 2.0], [-3.0, 0.0]]]), np.array([0.5, 0.1]))
    >>> gx
    array([[[0.5, 1. ],
            [0.1, 0.1]]])
    >>> gw
    array([-1., -3.])
    """
    fn = "prelu_backward"
    g, x = _grad_args(grad_output, x, fn)
    x, w, wb = _prelu_args(x, weight, fn)
    grad_x = np.where(x > 0, g, wb * g)
    axes = tuple(a for a in range(x.ndim) if a != 1) if wb.ndim else None  # all but the channel axis
    grad_w = np.where(x > 0, 0, x * g).sum(axis=axes).reshape(w.shape)
    return grad_x, grad_w


# ----------------------------------------------------------------------------- ELU and SELU


def _elu(x, alpha, scale):
    """``scale * (x if x > 0 else alpha * (exp(x) - 1))``, keeping the sign of zero like PyTorch."""
    neg = (scale * alpha) * np.expm1(np.minimum(x, 0))  # min: exp never sees a large positive x
    return np.where(x < 0, neg, scale * x)


def _elu_grad(g, x, alpha, scale):
    """``g * scale * (1 if x > 0 else alpha * exp(x))``; at x = 0 the left branch, as PyTorch."""
    return np.where(x <= 0, (scale * alpha) * np.exp(np.minimum(x, 0)) * g, scale * g)


def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` for positive inputs, ``alpha * (exp(x) - 1)`` otherwise.

    Parameters
    ----------
    x : array_like of any shape
    alpha : float, default 1.0
        The value ELU approaches for ``x -> -inf`` is ``-alpha``; any finite real number.

    Returns
    -------
    ndarray of the shape of `x`

    Raises
    ------
    TypeError
        If `x` is not an array of real numbers or `alpha` not a real number.
    ValueError
        If `alpha` is NaN or infinite.

    Notes
    -----
    ``elu(x) = x if x > 0 else alpha * (exp(x) - 1)``, computed with
    ``expm1`` (exact near 0) on ``min(x, 0)`` so that a large positive ``x``
    never overflows. Range ``(-alpha, inf)``; negative outputs pull the mean
    activation towards zero (closer to zero-centred than ReLU).

    The derivative is 1 for ``x > 0`` and ``alpha * exp(x)`` for ``x <= 0``;
    at ``x = 0`` PyTorch takes the left branch, ``alpha`` (so the derivative
    is continuous there only when ``alpha = 1``).

    See Also
    --------
    elu_backward, selu, relu

    Examples
    --------
    >>> elu(np.array([-1.0, 0.0, 2.0]))
    array([-0.63212056,  0.        ,  2.        ])
    """
    fn = "elu"
    x = _x(x, fn)
    return _elu(x, v.check_real(alpha, fn, "alpha"), 1)


def elu_backward(grad_output, x, alpha=1.0):
    """Gradient of :func:`elu` with respect to its input.

    Parameters
    ----------
    grad_output : array_like, shape of `x`
    x : array_like of any shape
    alpha : float, default 1.0

    Returns
    -------
    ndarray of the shape of `x`
        ``grad_output`` where ``x > 0``, else ``alpha * exp(x) * grad_output``.

    Raises
    ------
    TypeError, ValueError
        As :func:`elu`, and ValueError if ``grad_output.shape != x.shape``.

    Notes
    -----
    At ``x = 0`` the derivative is ``alpha``, as PyTorch.

    See Also
    --------
    elu

    Examples
    --------
    >>> elu_backward(np.ones(3), np.array([-1.0, 0.0, 2.0]), alpha=2.0)
    array([0.73575888, 2.        , 1.        ])
    """
    fn = "elu_backward"
    g, x = _grad_args(grad_output, x, fn)
    return _elu_grad(g, x, v.check_real(alpha, fn, "alpha"), 1)


def selu(x):
    """Scaled exponential linear unit, ``scale * elu(x, alpha)`` with the self-normalising constants.

    Parameters
    ----------
    x : array_like of any shape

    Returns
    -------
    ndarray of the shape of `x`

    Raises
    ------
    TypeError
        If `x` is not an array of real numbers.

    Notes
    -----
    ``selu(x) = scale * (x if x > 0 else alpha * (exp(x) - 1))`` with
    ``alpha = 1.6732632423543772`` and ``scale = 1.0507009873554805``
    (Klambauer et al., 2017, the values PyTorch uses). They are chosen so
    that, for standard-normal inputs and suitably initialised weights, the
    mean and variance of the activations stay near 0 and 1 through the
    layers. Range ``(-scale * alpha, inf) = (-1.7581, inf)``; close to
    zero-centred.

    The derivative is ``scale`` for ``x > 0`` and ``scale * alpha * exp(x)``
    for ``x <= 0``; at ``x = 0`` PyTorch takes the left branch,
    ``scale * alpha = 1.7581...``.

    See Also
    --------
    selu_backward, elu

    Examples
    --------
    >>> selu(np.array([-1.0, 0.0, 1.0]))
    array([-1.11133074,  0.        ,  1.05070099])
    """
    return _elu(_x(x, "selu"), SELU_ALPHA, SELU_SCALE)


def selu_backward(grad_output, x):
    """Gradient of :func:`selu` with respect to its input.

    Parameters
    ----------
    grad_output : array_like, shape of `x`
    x : array_like of any shape

    Returns
    -------
    ndarray of the shape of `x`
        ``scale * grad_output`` where ``x > 0``, else ``scale * alpha * exp(x) * grad_output``.

    Raises
    ------
    TypeError
        If an argument is not an array of real numbers.
    ValueError
        If ``grad_output.shape != x.shape``.

    Notes
    -----
    At ``x = 0`` the derivative is ``scale * alpha = 1.7581...``, as PyTorch.

    See Also
    --------
    selu

    Examples
    --------
    >>> selu_backward(np.ones(3), np.array([-1.0, 0.0, 1.0]))
    array([0.6467686 , 1.75809934, 1.05070099])
    """
    g, x = _grad_args(grad_output, x, "selu_backward")
    return _elu_grad(g, x, SELU_ALPHA, SELU_SCALE)


# ----------------------------------------------------------------------------- sigmoid and tanh


def sigmoid(x):
    """Logistic sigmoid, ``1 / (1 + exp(-x))`` elementwise, computed without overflow.

    Parameters
    ----------
    x : array_like of any shape

    Returns
    -------
    ndarray of the shape of `x`, values in [0, 1]

    Raises
    ------
    TypeError
        If `x` is not an array of real numbers.

    Notes
    -----
    ``sigmoid(x) = 1 / (1 + exp(-x))``. With ``e = exp(-|x|)``, which lies
    in (0, 1] and so never overflows, it is ``1 / (1 + e)`` for ``x >= 0``
    and ``e / (1 + e)`` for ``x < 0``: ``sigmoid(-1000)`` is 0 without a
    warning, ``sigmoid(+-inf)`` is 1 and 0. Range (0, 1), not zero-centred
    (its mean output for symmetric inputs is 0.5).

    The derivative is ``sigmoid(x) * (1 - sigmoid(x)) = e / (1 + e)**2``,
    at most 0.25 (at ``x = 0``) and vanishing for large ``|x|``: the
    vanishing-gradient problem.

    See Also
    --------
    sigmoid_backward, tanh, softmax

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 2.0]))
    array([0.        , 0.5       , 0.88079708])
    """
    x = _x(x, "sigmoid")
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, e) / (1 + e)


def sigmoid_backward(grad_output, x):
    """Gradient of :func:`sigmoid` with respect to its input.

    Parameters
    ----------
    grad_output : array_like, shape of `x`
    x : array_like of any shape

    Returns
    -------
    ndarray of the shape of `x`
        ``sigmoid(x) * (1 - sigmoid(x)) * grad_output``.

    Raises
    ------
    TypeError
        If an argument is not an array of real numbers.
    ValueError
        If ``grad_output.shape != x.shape``.

    Notes
    -----
    Computed as ``e / (1 + e)**2`` with ``e = exp(-|x|)``, which keeps full
    relative precision for large ``|x|`` where ``1 - sigmoid(x)`` would round
    to 0.

    See Also
    --------
    sigmoid

    Examples
    --------
    >>> sigmoid_backward(np.ones(2), np.array([0.0, 2.0]))
    array([0.25      , 0.10499359])
    """
    g, x = _grad_args(grad_output, x, "sigmoid_backward")
    return g * _logistic_slope(np.exp(-np.abs(x)))


def tanh(x):
    """Hyperbolic tangent, ``(exp(x) - exp(-x)) / (exp(x) + exp(-x))`` elementwise.

    Parameters
    ----------
    x : array_like of any shape

    Returns
    -------
    ndarray of the shape of `x`, values in [-1, 1]

    Raises
    ------
    TypeError
        If `x` is not an array of real numbers.

    Notes
    -----
    ``tanh(x) = 2 * sigmoid(2x) - 1``; computed with ``numpy.tanh``, which
    does not overflow. Range (-1, 1), zero-centred, odd
    (``tanh(-0.0) = -0.0``).

    The derivative is ``1 - tanh(x)**2``, at most 1 (at ``x = 0``) and
    vanishing for large ``|x|``, like the sigmoid's.

    See Also
    --------
    tanh_backward, sigmoid

    Examples
    --------
    >>> tanh(np.array([-1000.0, 0.0, 1.0]))
    array([-1.        ,  0.        ,  0.76159416])
    """
    return np.tanh(_x(x, "tanh"))


def tanh_backward(grad_output, x):
    """Gradient of :func:`tanh` with respect to its input.

    Parameters
    ----------
    grad_output : array_like, shape of `x`
    x : array_like of any shape

    Returns
    -------
    ndarray of the shape of `x`
        ``(1 - tanh(x)**2) * grad_output``.

    Raises
    ------
    TypeError
        If an argument is not an array of real numbers.
    ValueError
        If ``grad_output.shape != x.shape``.

    Notes
    -----
    ``1 - tanh(x)**2 = 4 * e / (1 + e)**2`` with ``e = exp(-2|x|)`` (four
    times the sigmoid's slope at ``2x``), which keeps full relative
    precision for large ``|x|``; ``e`` is formed as ``exp(-|x|)**2`` so that
    ``2|x|`` cannot overflow.

    See Also
    --------
    tanh

    Examples
    --------
    >>> tanh_backward(np.ones(2), np.array([0.0, 1.0]))
    array([1.        , 0.41997434])
    """
    g, x = _grad_args(grad_output, x, "tanh_backward")
    return g * (4 * _logistic_slope(np.exp(-np.abs(x)) ** 2))


# ----------------------------------------------------------------------------- softmax and log-softmax


def _softmax_args(x, axis, fn):
    """Validate `axis` for `x`; return x viewed as at least 1-d, the axis, and the shape to return."""
    axis = v.check_axis(axis, x.ndim, fn)
    return x.reshape(x.shape or (1,)), axis, x.shape  # a 0-d input is one row of length 1, as PyTorch


def _shifted(x, axis):
    """``x - max(x, axis)``: at most 0, so its exp never overflows. NaN for a row of all -inf or with +inf."""
    with np.errstate(invalid="ignore"):  # inf - inf: a NaN row, as PyTorch
        return x - np.max(x, axis=axis, keepdims=True, initial=-np.inf)


def _softmax(x, axis):
    """``exp(x - max) / sum(exp(x - max))`` along `axis` of an array with at least one dimension."""
    e = np.exp(_shifted(x, axis))
    return e / e.sum(axis=axis, keepdims=True)


def softmax(x, axis=-1):
    """Softmax along one axis: ``exp(x_i) / sum_j exp(x_j)``, each slice summing to 1.

    Parameters
    ----------
    x : array_like of any shape
    axis : int, default -1
        The axis to normalise along (PyTorch's ``dim``); a 0-d input takes
        0 or -1.

    Returns
    -------
    ndarray of the shape of `x`, values in [0, 1]

    Raises
    ------
    TypeError
        If `x` is not an array of real numbers or `axis` not an int.
    ValueError
        If `axis` is out of range.

    Notes
    -----
    ``softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m)`` with
    ``m = max_j x_j``: subtracting the maximum does not change the result
    and keeps every exponent at most 0, so ``softmax([1000, 0])`` is
    ``[1, 0]`` without overflow. A ``-inf`` entry gets probability 0; a
    slice that is all ``-inf``, or holds ``+inf`` or NaN, becomes NaN, as in
    PyTorch. Outputs are positive (not zero-centred) and sum to 1.

    The Jacobian is ``dy_i/dx_j = y_i (delta_ij - y_j)``, so the backward is
    ``y * (g - sum(g * y))``.

    See Also
    --------
    softmax_backward, log_softmax, sigmoid (the two-class case)

    Examples
    --------
    >>> softmax(np.array([1.0, 2.0, 3.0]))
    array([0.09003057, 0.24472847, 0.66524096])
    >>> softmax(np.array([1000.0, 0.0]))
    array([1., 0.])
    """
    x1, axis, shape = _softmax_args(_x(x, "softmax"), axis, "softmax")
    return _softmax(x1, axis).reshape(shape)


def softmax_backward(grad_output, x, axis=-1):
    """Gradient of :func:`softmax` with respect to its input (a Jacobian-vector product).

    Parameters
    ----------
    grad_output : array_like, shape of `x`
    x : array_like of any shape
    axis : int, default -1

    Returns
    -------
    ndarray of the shape of `x`
        ``y * (grad_output - sum(grad_output * y, axis))`` with ``y = softmax(x, axis)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`softmax`, and ValueError if ``grad_output.shape != x.shape``.

    Notes
    -----
    From ``dy_i/dx_j = y_i (delta_ij - y_j)``: ``dx_j = sum_i g_i y_i
    (delta_ij - y_j) = y_j (g_j - sum_i g_i y_i)``, without forming the
    Jacobian. Each slice of the result sums to 0 (shifting every ``x_j`` by
    the same amount does not change ``y``).

    See Also
    --------
    softmax

    Examples
    --------
    >>> softmax_backward(np.array([1.0, 0.0]), np.array([0.0, 0.0]))
    array([ 0.25, -0.25])
    """
    fn = "softmax_backward"
    g, x = _grad_args(grad_output, x, fn)
    x1, axis, shape = _softmax_args(x, axis, fn)
    y, g1 = _softmax(x1, axis), g.reshape(x1.shape)
    return (y * (g1 - (g1 * y).sum(axis=axis, keepdims=True))).reshape(shape)


def log_softmax(x, axis=-1):
    """Log of the softmax along one axis, ``x_i - log(sum_j exp(x_j))``, computed stably.

    Parameters
    ----------
    x : array_like of any shape
    axis : int, default -1
        The axis to normalise along; a 0-d input takes 0 or -1.

    Returns
    -------
    ndarray of the shape of `x`, values in [-inf, 0]

    Raises
    ------
    TypeError
        If `x` is not an array of real numbers or `axis` not an int.
    ValueError
        If `axis` is out of range.

    Notes
    -----
    ``log_softmax(x)_i = (x_i - m) - log(sum_j exp(x_j - m))`` with
    ``m = max_j x_j`` (the log-sum-exp trick): no overflow, and no
    ``log(0) = -inf`` where the softmax underflows, so
    ``log_softmax([1000, 0])`` is ``[0, -1000]`` where ``log(softmax(...))``
    would give ``-inf``. A ``-inf`` entry stays ``-inf``; a slice that is all
    ``-inf``, or holds ``+inf`` or NaN, becomes NaN, as in PyTorch.

    The derivative is ``d/dx_j log_softmax(x)_i = delta_ij - softmax(x)_j``,
    so the backward is ``g - softmax(x) * sum(g)``.

    See Also
    --------
    log_softmax_backward, softmax

    Examples
    --------
    >>> log_softmax(np.array([1000.0, 0.0]))
    array([    0., -1000.])
    """
    x1, axis, shape = _softmax_args(_x(x, "log_softmax"), axis, "log_softmax")
    z = _shifted(x1, axis)
    with np.errstate(divide="ignore"):  # log(0) only for an empty axis, whose result is empty
        return (z - np.log(np.exp(z).sum(axis=axis, keepdims=True))).reshape(shape)


def log_softmax_backward(grad_output, x, axis=-1):
    """Gradient of :func:`log_softmax` with respect to its input.

    Parameters
    ----------
    grad_output : array_like, shape of `x`
    x : array_like of any shape
    axis : int, default -1

    Returns
    -------
    ndarray of the shape of `x`
        ``grad_output - softmax(x, axis) * sum(grad_output, axis)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`log_softmax`, and ValueError if ``grad_output.shape != x.shape``.

    Notes
    -----
    From ``d log_softmax(x)_i / dx_j = delta_ij - softmax(x)_j``.

    See Also
    --------
    log_softmax

    Examples
    --------
    >>> log_softmax_backward(np.array([1.0, 0.0]), np.array([0.0, 0.0]))
    array([ 0.5, -0.5])
    """
    fn = "log_softmax_backward"
    g, x = _grad_args(grad_output, x, fn)
    x1, axis, shape = _softmax_args(x, axis, fn)
    g1 = g.reshape(x1.shape)
    return (g1 - _softmax(x1, axis) * g1.sum(axis=axis, keepdims=True)).reshape(shape)
