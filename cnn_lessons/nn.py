"""Layers, a loss and an optimiser: thin stateful wrappers over the functional API.

Each layer's ``forward`` calls the package's function (``conv2d``,
``max_pool2d``, ``relu``...) and keeps what its backward needs; ``backward``
takes the gradient of the loss with respect to the layer's output and returns
the gradient with respect to its input, after **adding** the gradients of its
parameters to their ``.grad`` (as PyTorch accumulates; call ``zero_grad``
between steps). Parameters are :class:`Parameter` objects listed by
``parameters()``, which is all an optimiser sees.

Import it as a module: ``from cnn_lessons import nn`` (it is not re-exported
at the package top level).

Examples
--------
>>> rng = np.random.default_rng(0)
>>> net = Sequential(Conv2d(1, 2, 3, padding=1, rng=rng), ReLU(), MaxPool2d(2),
...                  Flatten(), Linear(2 * 4 * 4, 3, rng=rng))
>>> x, y = rng.normal(size=(5, 1, 8, 8)), np.array([0, 1, 2, 1, 0])
>>> loss_fn, opt = CrossEntropyLoss(), SGD(net.parameters(), lr=0.1, momentum=0.9)
>>> first = loss_fn(net(x), y)
>>> for _ in range(20):
...     opt.zero_grad()
...     loss = loss_fn(net(x), y)
...     _ = net.backward(loss_fn.backward())
...     opt.step()
>>> bool(loss < first)
True
"""

from __future__ import annotations

import math

import numpy as np

from . import _validation as v
from .activations import (leaky_relu, leaky_relu_backward, log_softmax, relu, relu_backward,
                          sigmoid, sigmoid_backward, softmax, tanh, tanh_backward)
from .convolution import conv2d, conv2d_backward
from .pooling import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward

__all__ = [
    "Parameter", "Module", "Conv2d", "Linear", "ReLU", "LeakyReLU", "Tanh", "Sigmoid",
    "MaxPool2d", "AvgPool2d", "Flatten", "Sequential", "CrossEntropyLoss",
    "cross_entropy", "cross_entropy_backward", "SGD",
    "fan_in_and_fan_out", "he_normal", "lecun_normal", "xavier_normal",
]


# --------------------------------------------------------------------------
# Initialisation
# --------------------------------------------------------------------------

def fan_in_and_fan_out(shape):
    """Fan-in and fan-out of a weight of shape ``(out, in, *kernel)``.

    Parameters
    ----------
    shape : tuple of int
        ``(out_features, in_features)`` for a linear layer,
        ``(C_out, C_in, KH, KW)`` for a convolution.

    Returns
    -------
    fan_in, fan_out : int
        ``in * prod(kernel)`` and ``out * prod(kernel)``: the number of inputs
        each output sums, and of outputs each input feeds.

    Examples
    --------
    >>> fan_in_and_fan_out((16, 8, 3, 3))
    (72, 144)
    """
    shape = tuple(int(s) for s in shape)
    if len(shape) < 2:
        raise ValueError(f"fan_in_and_fan_out: a weight has at least 2 dimensions (out, in, ...), got shape {shape}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _normal(shape, std, rng, dtype):
    rng = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
    return (rng.standard_normal(shape) * std).astype(dtype)


def he_normal(shape, rng=None, dtype=np.float64):
    """Weights drawn from N(0, 2 / fan_in): He et al. (2015), for ReLU layers.

    A ReLU zeroes half of a symmetric input on average, halving the second
    moment; the factor 2 compensates, so that the variance of the
    pre-activations stays the same from layer to layer.

    Parameters
    ----------
    shape : tuple of int
        ``(out, in, *kernel)``.
    rng : numpy.random.Generator or int or None
    dtype : numpy dtype, default float64

    Returns
    -------
    ndarray of `shape`

    Examples
    --------
    >>> w = he_normal((64, 32, 3, 3), rng=0)
    >>> round(float(w.var() * 32 * 9), 1)
    2.0
    """
    fan_in, _ = fan_in_and_fan_out(shape)
    return _normal(shape, math.sqrt(2.0 / fan_in), rng, dtype)


def lecun_normal(shape, rng=None, dtype=np.float64):
    """Weights drawn from N(0, 1 / fan_in): LeCun et al. (1998), for tanh, SELU or linear layers.

    Examples
    --------
    >>> w = lecun_normal((64, 32, 3, 3), rng=0)
    >>> round(float(w.var() * 32 * 9), 1)
    1.0
    """
    fan_in, _ = fan_in_and_fan_out(shape)
    return _normal(shape, math.sqrt(1.0 / fan_in), rng, dtype)


def xavier_normal(shape, rng=None, dtype=np.float64):
    """Weights drawn from N(0, 2 / (fan_in + fan_out)): Glorot and Bengio (2010), for tanh and sigmoid.

    A compromise between keeping the forward variance (``1/fan_in``) and the
    backward variance (``1/fan_out``).

    Examples
    --------
    >>> w = xavier_normal((64, 32, 3, 3), rng=0)
    >>> round(float(w.var() * (32 + 64) * 9 / 2), 1)
    1.0
    """
    fan_in, fan_out = fan_in_and_fan_out(shape)
    return _normal(shape, math.sqrt(2.0 / (fan_in + fan_out)), rng, dtype)


_INITS = {"he": he_normal, "lecun": lecun_normal, "xavier": xavier_normal}


def _init(init, shape, rng, dtype, cls):
    if callable(init):
        return np.asarray(init(shape, rng=rng, dtype=dtype), dtype=dtype)
    if init not in _INITS:
        raise ValueError(f"{cls}: init must be one of {sorted(_INITS)} or a callable "
                         f"init(shape, rng=, dtype=), got {init!r}")
    return _INITS[init](shape, rng=rng, dtype=dtype)


# --------------------------------------------------------------------------
# Parameters and modules
# --------------------------------------------------------------------------

class Parameter:
    """A trainable array and the gradient accumulated for it.

    Attributes
    ----------
    data : ndarray
        The value, updated in place by an optimiser.
    grad : ndarray of the same shape
        The sum of the gradients added by ``backward`` calls since the last
        ``zero_grad``.
    name : str
    """

    def __init__(self, data, name=""):
        self.data = np.asarray(data)
        self.grad = np.zeros_like(self.data)
        self.name = name

    def __repr__(self):
        return f"Parameter({self.name or '?'}, shape={self.data.shape}, dtype={self.data.dtype})"


class Module:
    """Base class: ``layer(x)`` calls ``forward(x)``; ``parameters()`` lists the trainable arrays."""

    def forward(self, x):  # pragma: no cover - every layer defines it
        raise NotImplementedError

    def backward(self, grad_output):  # pragma: no cover
        raise NotImplementedError

    def __call__(self, x):
        return self.forward(x)

    def parameters(self):
        """The layer's :class:`Parameter` objects (an empty list for layers without any)."""
        return []

    def zero_grad(self):
        """Set every parameter's gradient to zero."""
        for p in self.parameters():
            p.grad[...] = 0

    def _cached(self, name):
        value = getattr(self, name, None)
        if value is None:
            raise RuntimeError(f"{type(self).__name__}.backward: call forward first "
                               "(backward uses what forward kept)")
        return value

    def __repr__(self):
        return f"{type(self).__name__}()"


class Conv2d(Module):
    """A 2-D convolution layer: ``conv2d(x, weight, bias, stride, padding, dilation)``.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    stride, padding, dilation : int or (int, int), as :func:`cnn_lessons.conv2d`
    bias : bool, default True
    init : {"he", "lecun", "xavier"} or callable, default "he"
        How the weight is drawn; the bias starts at zero.
    rng : numpy.random.Generator or int or None
    dtype : numpy dtype, default float64

    Attributes
    ----------
    weight : Parameter of shape (out_channels, in_channels, KH, KW)
    bias : Parameter of shape (out_channels,) or None

    Notes
    -----
    Forward keeps the input ``x``; backward calls
    :func:`cnn_lessons.conv2d_backward`, adds ``dW`` and ``db`` to the
    parameters' ``.grad`` and returns ``dX``.

    Examples
    --------
    >>> conv = Conv2d(3, 8, 3, padding=1, rng=0)
    >>> x = np.ones((2, 3, 5, 5))
    >>> conv(x).shape, conv.backward(np.ones((2, 8, 5, 5))).shape, conv.weight.grad.shape
    ((2, 8, 5, 5), (2, 3, 5, 5), (8, 3, 3, 3))
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 bias=True, init="he", rng=None, dtype=np.float64):
        kh, kw = (kernel_size, kernel_size) if np.isscalar(kernel_size) else kernel_size
        shape = (int(out_channels), int(in_channels), int(kh), int(kw))
        self.weight = Parameter(_init(init, shape, rng, dtype, "Conv2d"), "weight")
        self.bias = Parameter(np.zeros(shape[0], dtype=dtype), "bias") if bias else None
        self.stride, self.padding, self.dilation = stride, padding, dilation
        self.x = None

    def _hyper(self):
        return dict(stride=self.stride, padding=self.padding, dilation=self.dilation)

    def forward(self, x):
        self.x = x
        b = None if self.bias is None else self.bias.data
        return conv2d(x, self.weight.data, b, **self._hyper())

    def backward(self, grad_output):
        x = self._cached("x")
        b = None if self.bias is None else self.bias.data
        dx, dw, db = conv2d_backward(grad_output, x, self.weight.data, b, **self._hyper())
        self.weight.grad += dw
        if self.bias is not None:
            self.bias.grad += db
        return dx

    def parameters(self):
        return [self.weight] + ([self.bias] if self.bias is not None else [])

    def __repr__(self):
        o, i, kh, kw = self.weight.data.shape
        return (f"Conv2d({i}, {o}, kernel_size=({kh}, {kw}), stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, bias={self.bias is not None})")


class Linear(Module):
    """A fully connected layer: ``y = x @ weight.T + bias``, as ``torch.nn.Linear``.

    Parameters
    ----------
    in_features, out_features : int
    bias : bool, default True
    init : {"he", "lecun", "xavier"} or callable, default "lecun"
        LeCun's variance suits a last layer that feeds a softmax.
    rng : numpy.random.Generator or int or None
    dtype : numpy dtype, default float64

    Attributes
    ----------
    weight : Parameter of shape (out_features, in_features)
    bias : Parameter of shape (out_features,) or None

    Notes
    -----
    With ``g = dL/dy`` of shape (N, out): ``dW = g.T @ x``, ``db = g.sum(0)``,
    ``dx = g @ W``. (A linear layer is a 1x1 convolution on a 1x1 map; the
    matrix product says the same thing directly.)

    Examples
    --------
    >>> lin = Linear(4, 2, rng=0)
    >>> lin(np.ones((3, 4))).shape, lin.backward(np.ones((3, 2))).shape
    ((3, 2), (3, 4))
    """

    def __init__(self, in_features, out_features, bias=True, init="lecun", rng=None, dtype=np.float64):
        shape = (int(out_features), int(in_features))
        self.weight = Parameter(_init(init, shape, rng, dtype, "Linear"), "weight")
        self.bias = Parameter(np.zeros(shape[0], dtype=dtype), "bias") if bias else None
        self.x = None

    def forward(self, x):
        x = np.asarray(x)
        if x.ndim != 2 or x.shape[1] != self.weight.data.shape[1]:
            raise ValueError(f"Linear: input must have shape (N, {self.weight.data.shape[1]}), "
                             f"got {x.shape}; put a Flatten() before a Linear after a convolution")
        self.x = x
        y = x @ self.weight.data.T
        return y + self.bias.data if self.bias is not None else y

    def backward(self, grad_output):
        x = self._cached("x")
        self.weight.grad += grad_output.T @ x
        if self.bias is not None:
            self.bias.grad += grad_output.sum(axis=0)
        return grad_output @ self.weight.data

    def parameters(self):
        return [self.weight] + ([self.bias] if self.bias is not None else [])

    def __repr__(self):
        o, i = self.weight.data.shape
        return f"Linear({i}, {o}, bias={self.bias is not None})"


class _Activation(Module):
    """An elementwise activation: forward keeps its input, backward multiplies by the local slope."""

    def forward(self, x):
        self.x = x
        return self._f(x)

    def backward(self, grad_output):
        return self._df(grad_output, self._cached("x"))


class ReLU(_Activation):
    """``relu(x) = max(x, 0)``; backward passes the gradient where ``x > 0`` (ReLU'(0) = 0).

    Examples
    --------
    >>> r = ReLU()
    >>> r(np.array([-1.0, 0.0, 2.0])), r.backward(np.ones(3))
    (array([0., 0., 2.]), array([0., 0., 1.]))
    """

    def __init__(self):
        self.x = None

    def _f(self, x):
        return relu(x)

    def _df(self, g, x):
        return relu_backward(g, x)


class LeakyReLU(_Activation):
    """``leaky_relu(x, negative_slope)``.

    Examples
    --------
    >>> LeakyReLU(0.1)(np.array([-1.0, 2.0]))
    array([-0.1,  2. ])
    """

    def __init__(self, negative_slope=0.01):
        self.negative_slope = negative_slope
        self.x = None

    def _f(self, x):
        return leaky_relu(x, self.negative_slope)

    def _df(self, g, x):
        return leaky_relu_backward(g, x, self.negative_slope)

    def __repr__(self):
        return f"LeakyReLU(negative_slope={self.negative_slope})"


class Tanh(_Activation):
    """``tanh(x)``; backward multiplies by ``1 - tanh(x)**2``.

    Examples
    --------
    >>> t = Tanh()
    >>> t(np.zeros(2)), t.backward(np.ones(2))
    (array([0., 0.]), array([1., 1.]))
    """

    def __init__(self):
        self.x = None

    def _f(self, x):
        return tanh(x)

    def _df(self, g, x):
        return tanh_backward(g, x)


class Sigmoid(_Activation):
    """``sigmoid(x) = 1 / (1 + exp(-x))``; backward multiplies by ``s (1 - s)``.

    Examples
    --------
    >>> Sigmoid()(np.zeros(2))
    array([0.5, 0.5])
    """

    def __init__(self):
        self.x = None

    def _f(self, x):
        return sigmoid(x)

    def _df(self, g, x):
        return sigmoid_backward(g, x)


class MaxPool2d(Module):
    """``max_pool2d(x, kernel_size, stride, padding)``; backward routes each gradient to its window's maximum.

    Forward keeps the input and the indices of the maxima, so that backward
    does not search the windows again.

    Examples
    --------
    >>> pool = MaxPool2d(2)
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> pool(x)[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    >>> pool.backward(np.ones((1, 1, 2, 2)))[0, 0]
    array([[0., 0., 0., 0.],
           [0., 1., 0., 1.],
           [0., 0., 0., 0.],
           [0., 1., 0., 1.]])
    """

    def __init__(self, kernel_size, stride=None, padding=0):
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.x = self.indices = None

    def forward(self, x):
        out, self.indices = max_pool2d(x, self.kernel_size, self.stride, self.padding, return_indices=True)
        self.x = x
        return out

    def backward(self, grad_output):
        x = self._cached("x")
        return max_pool2d_backward(grad_output, x, self.kernel_size, self.stride, self.padding,
                                   indices=self.indices)

    def __repr__(self):
        return f"MaxPool2d(kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding})"


class AvgPool2d(Module):
    """``avg_pool2d(x, kernel_size, stride, padding)``; backward spreads each gradient evenly over its window.

    Examples
    --------
    >>> pool = AvgPool2d(2)
    >>> pool(np.arange(16.0).reshape(1, 1, 4, 4))[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    >>> pool.backward(np.ones((1, 1, 2, 2)))[0, 0, :2, :2]
    array([[0.25, 0.25],
           [0.25, 0.25]])
    """

    def __init__(self, kernel_size, stride=None, padding=0):
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.x = None

    def forward(self, x):
        self.x = x
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding)

    def backward(self, grad_output):
        x = self._cached("x")
        return avg_pool2d_backward(grad_output, x, self.kernel_size, self.stride, self.padding)

    def __repr__(self):
        return f"AvgPool2d(kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding})"


class Flatten(Module):
    """``(N, C, H, W) -> (N, C*H*W)``; backward reshapes the gradient back.

    Examples
    --------
    >>> f = Flatten()
    >>> f(np.zeros((2, 3, 4, 4))).shape, f.backward(np.zeros((2, 48))).shape
    ((2, 48), (2, 3, 4, 4))
    """

    def __init__(self):
        self.shape = None

    def forward(self, x):
        self.shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_output):
        return grad_output.reshape(self._cached("shape"))


class Sequential(Module):
    """Layers applied in order; backward runs them in reverse order.

    Parameters
    ----------
    *layers : Module

    Notes
    -----
    ``backward(g)`` passes ``g`` to the last layer's backward, its result to
    the one before, and so on: the chain rule, one local derivative at a time.
    ``forward(x, keep=True)`` also keeps every intermediate output in
    ``self.outputs`` (for looking at feature maps).

    Examples
    --------
    >>> net = Sequential(Flatten(), Linear(4, 2, rng=0), ReLU())
    >>> net(np.ones((3, 1, 2, 2))).shape, len(net.parameters()), len(net)
    ((3, 2), 2, 3)
    """

    def __init__(self, *layers):
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential: layer {i} must be a cnn_lessons.nn Module, "
                                f"got {type(layer).__name__}")
        self.layers = list(layers)
        self.outputs = []

    def forward(self, x, keep=False):
        self.outputs = []
        for layer in self.layers:
            x = layer(x)
            if keep:
                self.outputs.append(x)
        return x

    def __call__(self, x, keep=False):
        return self.forward(x, keep=keep)

    def backward(self, grad_output):
        for layer in reversed(self.layers):
            grad_output = layer.backward(grad_output)
        return grad_output

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, i):
        return self.layers[i]

    def __repr__(self):
        inner = "\n".join(f"  ({i}) {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner}\n)"


# --------------------------------------------------------------------------
# Loss
# --------------------------------------------------------------------------

def _check_labels(logits, labels, fn):
    logits = v.as_float_array(logits, fn, "logits")
    labels = np.asarray(labels)
    if logits.ndim != 2:
        raise ValueError(f"{fn}: logits must have shape (N, classes), got {logits.shape}")
    if labels.shape != (logits.shape[0],) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"{fn}: labels must be {logits.shape[0]} integers (one class index per row "
                         f"of logits), got {labels.dtype} array of shape {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= logits.shape[1]):
        raise ValueError(f"{fn}: labels must lie in [0, {logits.shape[1] - 1}], got values from "
                         f"{labels.min()} to {labels.max()}")
    return logits, labels


def cross_entropy(logits, labels):
    """Mean softmax cross-entropy: ``-mean_n log softmax(logits[n])[labels[n]]``.

    Parameters
    ----------
    logits : ndarray of shape (N, K)
        Unnormalised scores.
    labels : ndarray of int, shape (N,)
        The right class of each row.

    Returns
    -------
    float

    Notes
    -----
    Computed with :func:`cnn_lessons.log_softmax`, which subtracts each row's
    maximum first, so that large logits do not overflow.

    Examples
    --------
    >>> round(cross_entropy(np.zeros((2, 4)), np.array([0, 3])), 4)   # log 4
    1.3863
    """
    logits, labels = _check_labels(logits, labels, "cross_entropy")
    logp = log_softmax(logits, axis=1)
    return float(-logp[np.arange(len(labels)), labels].mean())


def cross_entropy_backward(logits, labels):
    """Gradient of :func:`cross_entropy` with respect to the logits: ``(softmax(logits) - onehot) / N``.

    Returns
    -------
    ndarray of shape (N, K)

    Examples
    --------
    >>> cross_entropy_backward(np.zeros((1, 2)), np.array([1]))
    array([[ 0.5, -0.5]])
    """
    logits, labels = _check_labels(logits, labels, "cross_entropy_backward")
    grad = softmax(logits, axis=1)
    grad[np.arange(len(labels)), labels] -= 1.0
    return grad / len(labels)


class CrossEntropyLoss:
    """Softmax cross-entropy, averaged over the batch; ``loss(logits, labels)`` then ``loss.backward()``.

    Examples
    --------
    >>> loss = CrossEntropyLoss()
    >>> round(loss(np.zeros((2, 4)), np.array([0, 3])), 4), loss.backward().shape
    (1.3863, (2, 4))
    """

    def __init__(self):
        self.logits = self.labels = None

    def __call__(self, logits, labels):
        self.logits, self.labels = logits, labels
        return cross_entropy(logits, labels)

    def backward(self):
        if self.logits is None:
            raise RuntimeError("CrossEntropyLoss.backward: call the loss on (logits, labels) first")
        return cross_entropy_backward(self.logits, self.labels)


# --------------------------------------------------------------------------
# Optimiser
# --------------------------------------------------------------------------

class SGD:
    """Stochastic gradient descent with momentum, as ``torch.optim.SGD`` (no dampening, no Nesterov).

    Parameters
    ----------
    params : list of Parameter
    lr : float
        The learning rate.
    momentum : float, default 0
    weight_decay : float, default 0
        Adds ``weight_decay * p`` to each gradient (L2 regularisation).

    Notes
    -----
    For each parameter ``p`` with gradient ``g`` and velocity ``v`` (zero at
    the start): ``g <- g + weight_decay * p``, ``v <- momentum * v + g``,
    ``p <- p - lr * v``, in place.

    Examples
    --------
    >>> p = Parameter(np.array([1.0]))
    >>> opt = SGD([p], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     p.grad[...] = 1.0
    ...     opt.step()
    >>> p.data        # 1 - 0.1 * 1 - 0.1 * (0.9 + 1)
    array([0.71])
    """

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        params = list(params)
        for name, value in (("lr", lr), ("momentum", momentum), ("weight_decay", weight_decay)):
            if not np.isscalar(value) or not np.isfinite(value) or value < 0:
                raise ValueError(f"SGD: {name} must be a finite number >= 0, got {value!r}")
        for i, p in enumerate(params):
            if not isinstance(p, Parameter):
                raise TypeError(f"SGD: params[{i}] must be a Parameter, got {type(p).__name__}; "
                                "pass model.parameters()")
        self.params, self.lr, self.momentum, self.weight_decay = params, lr, momentum, weight_decay
        self.velocity = [np.zeros_like(p.data) for p in params]

    def zero_grad(self):
        """Set every parameter's gradient to zero."""
        for p in self.params:
            p.grad[...] = 0

    def step(self):
        """Update every parameter in place from its gradient."""
        for p, vel in zip(self.params, self.velocity):
            g = p.grad + self.weight_decay * p.data if self.weight_decay else p.grad
            vel *= self.momentum
            vel += g
            p.data -= self.lr * vel
