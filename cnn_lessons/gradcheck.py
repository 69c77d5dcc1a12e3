"""Numerical gradients by central differences, for checking a backward pass."""

from __future__ import annotations

import numpy as np

from . import _validation as v

__all__ = ["numerical_gradient", "gradient_check"]


def _check_eps(eps, fn):
    if isinstance(eps, (bool, np.bool_)) or not isinstance(eps, (int, float, np.floating, np.integer)):
        raise TypeError(f"{fn}: eps must be a positive float, got {v._describe(eps)}")
    if not np.isfinite(eps) or eps <= 0:
        raise ValueError(f"{fn}: eps must be a positive finite float, got {eps}")
    return float(eps)


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of a scalar function `f` at `x`.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a scalar (a float or a 0-d / size-1 array).
    x : ndarray of any shape
        The point; it is not modified (a float64 copy is perturbed).
    eps : float, default 1e-6
        The step.

    Returns
    -------
    ndarray of float64, shape of `x`

    Notes
    -----
    ``grad[i] = (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``, one pair of
    calls per element: use small inputs. The truncation error is of order
    ``eps**2`` and the rounding error of order ``machine_eps / eps``, hence
    float64 and ``eps`` around 1e-6.

    Examples
    --------
    >>> numerical_gradient(lambda x: float(np.sum(x ** 2)), np.array([1.0, -2.0]))
    array([ 2., -4.])
    """
    fn = "numerical_gradient"
    if not callable(f):
        raise TypeError(f"{fn}: f must be a callable returning a scalar, got {v._describe(f)}")
    eps = _check_eps(eps, fn)
    x = np.array(v.as_float_array(x, fn, "x"), dtype=np.float64)  # a copy we may perturb
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        plus = _scalar(f(x), fn)
        flat[i] = old - eps
        minus = _scalar(f(x), fn)
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * eps)
    return grad


def _scalar(value, fn):
    arr = np.asarray(value, dtype=np.float64)
    if arr.size != 1:
        raise ValueError(f"{fn}: f must return a scalar, got an array of shape {arr.shape}")
    return float(arr.reshape(()))


def gradient_check(forward, backward, inputs, eps=1e-6, seed=0):
    """Compare an analytic backward with central differences, one relative error per input.

    Parameters
    ----------
    forward : callable
        ``forward(*inputs)`` returns an array ``y``.
    backward : callable
        ``backward(g, *inputs)`` returns the gradient with respect to each
        input: an array for one input, a tuple for several.
    inputs : sequence of ndarray (or one ndarray)
        The point of the check, used in float64.
    eps : float, default 1e-6
    seed : int, default 0
        Seed of the random upstream gradient ``g``.

    Returns
    -------
    list of float
        ``max|a - n| / max(max(|a| + |n|), 1e-12)`` per input, where ``a`` is
        the analytic and ``n`` the numerical gradient of ``sum(forward(*inputs) * g)``.
        Below about 1e-7 in float64 means the backward is right.

    Notes
    -----
    A random upstream gradient ``g`` (not all ones) checks the whole
    vector-Jacobian product, so a backward that ignores its ``grad_output``
    or transposes it fails.

    Examples
    --------
    >>> errs = gradient_check(lambda x: x ** 3, lambda g, x: 3 * x ** 2 * g, [np.linspace(-1, 1, 5)])
    >>> errs[0] < 1e-8
    True
    """
    fn = "gradient_check"
    for name, func in (("forward", forward), ("backward", backward)):
        if not callable(func):
            raise TypeError(f"{fn}: {name} must be callable, got {v._describe(func)}")
    eps = _check_eps(eps, fn)
    if isinstance(inputs, np.ndarray):
        inputs = [inputs]
    inputs = [np.array(v.as_float_array(x, fn, f"inputs[{i}]"), dtype=np.float64)
              for i, x in enumerate(inputs)]
    y = np.asarray(forward(*inputs), dtype=np.float64)
    g = np.random.default_rng(seed).standard_normal(y.shape)
    analytic = backward(g, *inputs)
    if not isinstance(analytic, (tuple, list)):
        analytic = (analytic,)
    if len(analytic) < len(inputs):
        raise ValueError(
            f"{fn}: backward returned {len(analytic)} gradients for {len(inputs)} inputs"
        )
    errors = []
    for i, x in enumerate(inputs):
        a = np.asarray(analytic[i], dtype=np.float64)
        if a.shape != x.shape:
            raise ValueError(
                f"{fn}: gradient {i} from backward has shape {a.shape}, expected {x.shape} (the input's shape)"
            )

        def loss(xi, i=i):
            args = list(inputs)
            args[i] = xi
            return np.sum(np.asarray(forward(*args), dtype=np.float64) * g)

        n = numerical_gradient(loss, x, eps)
        denom = max(float(np.max(np.abs(a) + np.abs(n), initial=0.0)), 1e-12)
        errors.append(float(np.max(np.abs(a - n), initial=0.0)) / denom)
    return errors
