"""Plain-loop oracles for the activations, written from the formulas with `math`.

Each function takes numpy arrays only to loop over them: every value is
computed one scalar at a time with Python floats (float64), from the formula
as a textbook writes it. Two algebraic rewrites keep the scalar math finite
at +-1000 without changing the value: sigmoid(x) = e^x / (1 + e^x) for x < 0,
and the softmax's invariance under subtracting the row maximum. Derivatives
follow PyTorch's choice at the kinks (relu'(0) = 0, leaky/prelu'(0) = slope,
elu'(0) = alpha, selu'(0) = scale * alpha).
"""

import math

import numpy as np

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def elementwise(f, x, *params):
    """Apply the scalar function ``f(t, *params)`` to every element of `x`, in float64."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty(x.shape)
    for index in np.ndindex(x.shape):
        out[index] = f(float(x[index]), *params)
    return out


# --- scalar forwards -------------------------------------------------------------------


def relu(t):
    return t if t > 0 else 0.0


def leaky_relu(t, slope=0.01):
    return t if t > 0 else slope * t


def elu(t, alpha=1.0):
    return t if t > 0 else alpha * math.expm1(t)  # expm1(t) = e^t - 1, exact near 0


def selu(t):
    return SELU_SCALE * (t if t > 0 else SELU_ALPHA * math.expm1(t))


def sigmoid(t):
    if t >= 0:
        return 1.0 / (1.0 + math.exp(-t))
    return math.exp(t) / (1.0 + math.exp(t))  # the same, multiplied by e^t / e^t


def tanh(t):
    return math.tanh(t)


# --- scalar derivatives (PyTorch's choice at the kinks) --------------------------------


def relu_grad(t):
    return 1.0 if t > 0 else 0.0


def leaky_relu_grad(t, slope=0.01):
    return 1.0 if t > 0 else slope


def elu_grad(t, alpha=1.0):
    return 1.0 if t > 0 else alpha * math.exp(t)


def selu_grad(t):
    return SELU_SCALE if t > 0 else SELU_SCALE * SELU_ALPHA * math.exp(t)


def sigmoid_grad(t):
    s = sigmoid(t)
    return s * (1.0 - s)


def tanh_grad(t):
    return 1.0 - math.tanh(t) ** 2


# --- PReLU, with the channel on axis 1 -------------------------------------------------


def _channel(index, ndim, nweights):
    return index[1] if (ndim >= 2 and nweights > 1) else 0


def prelu(x, weight):
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64).reshape(-1)
    out = np.empty(x.shape)
    for index in np.ndindex(x.shape):
        t, a = float(x[index]), float(w[_channel(index, x.ndim, w.size)])
        out[index] = t if t > 0 else a * t
    return out


def prelu_backward(g, x, weight):
    x, g = np.asarray(x, dtype=np.float64), np.asarray(g, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    wf = w.reshape(-1)
    gx, gw = np.empty(x.shape), [0.0] * wf.size
    for index in np.ndindex(x.shape):
        c = _channel(index, x.ndim, wf.size)
        t, gi = float(x[index]), float(g[index])
        gx[index] = gi if t > 0 else float(wf[c]) * gi
        if not t > 0:
            gw[c] += t * gi
    return gx, np.array(gw).reshape(w.shape)


# --- softmax family, one slice at a time ------------------------------------------------


def _rows(x, axis):
    """Yield (index, row) pairs, each row a list of floats along `axis`."""
    moved = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    for index in np.ndindex(moved.shape[:-1]):
        yield index, [float(t) for t in moved[index]]


def _by_rows(x, axis, row_fn, *others):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 0:
        return _by_rows(x.reshape(1), 0, row_fn, *[np.reshape(o, 1) for o in others]).reshape(())
    out = np.empty(np.moveaxis(x, axis, -1).shape)
    moved_others = [np.moveaxis(np.asarray(o, dtype=np.float64), axis, -1) for o in others]
    for index, row in _rows(x, axis):
        out[index] = row_fn(row, *[[float(t) for t in o[index]] for o in moved_others])
    return np.moveaxis(out, -1, axis)


def _softmax_row(row):
    m = max(row)
    e = [math.exp(t - m) for t in row]  # exp(x_i) / sum exp(x_j), numerator and denominator times e^-m
    total = math.fsum(e)
    return [t / total for t in e]


def _log_softmax_row(row):
    m = max(row)
    lse = m + math.log(math.fsum(math.exp(t - m) for t in row))
    return [t - lse for t in row]


def _softmax_backward_row(row, g):
    """dx_j = sum_i g_i * J_ij with the full Jacobian J_ij = y_i (delta_ij - y_j)."""
    y = _softmax_row(row)
    n = len(row)
    return [math.fsum(g[i] * y[i] * ((1.0 if i == j else 0.0) - y[j]) for i in range(n)) for j in range(n)]


def _log_softmax_backward_row(row, g):
    """dx_j = sum_i g_i * (delta_ij - y_j)."""
    y = _softmax_row(row)
    n = len(row)
    return [math.fsum(g[i] * ((1.0 if i == j else 0.0) - y[j]) for i in range(n)) for j in range(n)]


def softmax(x, axis=-1):
    return _by_rows(x, axis, _softmax_row)


def log_softmax(x, axis=-1):
    return _by_rows(x, axis, _log_softmax_row)


def softmax_backward(g, x, axis=-1):
    return _by_rows(x, axis, _softmax_backward_row, g)


def log_softmax_backward(g, x, axis=-1):
    return _by_rows(x, axis, _log_softmax_backward_row, g)
