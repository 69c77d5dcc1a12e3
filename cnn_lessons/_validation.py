"""Argument checks shared by every public function, and their messages.

Every public function of :mod:`cnn_lessons` validates its arguments once, at
the boundary, with the helpers below, so that a mistake gets a message that
names the function, the argument, what was given and what was expected,
before any computation starts. Nothing here is public.
"""

from __future__ import annotations

import numbers
import operator

import numpy as np

PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _describe(value) -> str:
    """A short description of a value for an error message."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def as_float_array(x, fn: str, name: str) -> np.ndarray:
    """Return `x` as a floating ndarray, without copying a float array.

    Integers and booleans become float64; float16 becomes float32; float32
    and float64 are kept. Anything that is not a real number array raises
    TypeError naming `fn` and `name`.
    """
    if x is None or isinstance(x, (str, bytes)):
        raise TypeError(f"{fn}: {name} must be an array of real numbers, got {_describe(x)}")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(
            f"{fn}: {name} must be an array of real numbers, got {_describe(x)} ({exc})"
        ) from None
    kind = arr.dtype.kind
    if kind == "f":
        if arr.dtype == np.float16:
            return arr.astype(np.float32)
        if arr.dtype.itemsize > 8:
            return arr.astype(np.float64)
        return arr
    if kind in "iub":
        return arr.astype(np.float64)
    raise TypeError(
        f"{fn}: {name} must be an array of real numbers, got {_describe(x)}; "
        "convert it with np.asarray(..., dtype=float)"
    )


def result_dtype(*arrays) -> np.dtype:
    """The floating dtype of a result computed from `arrays` (numpy's result_type)."""
    return np.result_type(*[a for a in arrays if a is not None])


def check_ndim(x: np.ndarray, fn: str, name: str, allowed, meaning: str = "") -> None:
    """Raise ValueError unless `x.ndim` is one of `allowed`."""
    allowed = tuple(allowed)
    if x.ndim not in allowed:
        want = " or ".join(str(a) for a in allowed)
        extra = f" {meaning}" if meaning else ""
        raise ValueError(
            f"{fn}: {name} must have {want} dimensions{extra}, got shape {x.shape} ({x.ndim} dimensions)"
        )


def check_int(value, fn: str, name: str, minimum: int | None = None) -> int:
    """Return `value` as a Python int; TypeError if it is not an integer, ValueError if below `minimum`."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{fn}: {name} must be an int, got {_describe(value)}")
    value = operator.index(value)
    if minimum is not None and value < minimum:
        if minimum == 1:
            what = "a positive int (>= 1)"
        elif minimum == 0:
            what = "a non-negative int (>= 0)"
        else:
            what = f"an int >= {minimum}"
        raise ValueError(f"{fn}: {name} must be {what}, got {value}")
    return value


def int_tuple(value, n: int, fn: str, name: str, minimum: int | None = None) -> tuple[int, ...]:
    """Return `value` as a tuple of `n` ints: an int is repeated, a sequence must have length `n`."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]  # a 0-d array is one number
    if isinstance(value, (list, tuple, np.ndarray)):
        items = list(value)
        if len(items) != n:
            raise ValueError(
                f"{fn}: {name} must be an int or a sequence of {n} ints "
                f"(one per spatial dimension), got {_describe(value)} of length {len(items)}"
            )
        return tuple(check_int(v, fn, f"{name}[{i}]", minimum) for i, v in enumerate(items))
    return (check_int(value, fn, name, minimum),) * n


def check_padding_mode(mode, fn: str, name: str = "padding_mode") -> str:
    """Return `mode` if it is one of the four padding modes, else raise."""
    if not isinstance(mode, str):
        raise TypeError(f"{fn}: {name} must be a string, one of {PADDING_MODES}, got {_describe(mode)}")
    if mode not in PADDING_MODES:
        raise ValueError(f"{fn}: {name} must be one of {PADDING_MODES}, got {mode!r}")
    return mode


def check_bool(value, fn: str, name: str) -> bool:
    """Return `value` if it is a bool, else raise TypeError."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{fn}: {name} must be True or False, got {_describe(value)}")
    return bool(value)


def check_same_shape(a: np.ndarray, b_shape: tuple, fn: str, a_name: str, b_desc: str) -> None:
    """Raise ValueError unless `a.shape == b_shape`."""
    if tuple(a.shape) != tuple(b_shape):
        raise ValueError(
            f"{fn}: {a_name} must have shape {tuple(b_shape)} ({b_desc}), got {tuple(a.shape)}"
        )


def check_real(value, fn: str, name: str) -> float:
    """Return `value` as a Python float; TypeError unless a real number (not a bool), ValueError unless finite."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{fn}: {name} must be a real number (an int or a float), got {_describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{fn}: {name} must be a finite number, got {value}")
    return value


def check_axis(axis, ndim: int, fn: str, name: str = "axis") -> int:
    """Return `axis` as a non-negative int for an array of `ndim` dimensions, else raise.

    As PyTorch's dimension wrapping, a 0-d array counts as one dimension here
    (axis 0 or -1), so the caller should view it as shape (1,).
    """
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{fn}: {name} must be an int, got {_describe(axis)}")
    axis, n = operator.index(axis), max(ndim, 1)
    if not -n <= axis < n:
        raise ValueError(
            f"{fn}: {name} {axis} is out of range for an input with {ndim} dimensions; "
            f"give an int from {-n} to {n - 1}"
        )
    return axis % n
