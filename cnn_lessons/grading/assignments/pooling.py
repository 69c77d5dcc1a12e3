"""Assignment "pooling": max and average pooling with loops, vectorized, their backward
passes, global average pooling, and a measure of shift robustness.

Source notebook: ``book/04_pooling/exercises.ipynb``. Hidden checks cover
overlapping windows (stride smaller than the window), padding, ties and
non-square windows.
"""

from __future__ import annotations

import numpy as np

from ...pooling import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward
from ..spec import Array, Assignment, Check, Exercise, Misconception, Value

_NB = "04_pooling"
_EX = f"{_NB}/exercises.ipynb"


def _section(page, anchor, title):
    return dict(section=f"{_NB}/{page}#{anchor}", section_title=title)


_FORMULA = _section("01_what_pooling_computes.ipynb", "max-pooling-from-its-formula",
                    "Max pooling, from its formula")
_MINUS_INF = _section("02_windows_strides_padding.ipynb", "why-max-pooling-pads-with-minus-infinity",
                      "Why max pooling pads with minus infinity")
_DIVISOR = _section("02_windows_strides_padding.ipynb", "what-average-pooling-divides-by-at-the-border",
                    "What average pooling divides by at the border")
_BACKWARD = _section("04_downsampling_cost_backward.ipynb", "the-backward-pass-a-preview",
                     "The backward pass, a preview")
_GAP = _section("04_downsampling_cost_backward.ipynb", "global-average-pooling-feeding-a-classifier",
                "Global average pooling feeding a classifier")
_SHIFT = _section("03_shift_robustness.ipynb", "measuring-it-on-a-photograph",
                  "Measuring it on a photograph")


# --- shared wrong answers -------------------------------------------------------------------

def _zero_padded_max(x, kernel_size, stride, padding):
    ph, pw = padding
    xp = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(ph, ph), (pw, pw)])
    return max_pool2d(xp, kernel_size, stride, 0)


def _swapped_max(x, kernel_size, stride, padding):
    return max_pool2d(x, tuple(kernel_size)[::-1], stride, padding)


_ZERO_PADDING = Misconception(
    "zero_padding", "Your border outputs are what you get by padding with zeros: max pooling pads "
    "with -inf (np.pad(..., constant_values=-np.inf)), so that a padded cell never wins and every "
    "output is a value of the input.", _zero_padded_max, **_MINUS_INF)

_SWAPPED = Misconception(
    "swapped_window", "This is the answer for the window turned sideways: kernel_size is "
    "(kh, kw), kh rows and kw columns; the window of output (i, j) is "
    "x[c, i*sh : i*sh + kh, j*sw : j*sw + kw] in the padded input.", _swapped_max, **_FORMULA)


# --- Exercise 1: max_pool2d_loop ------------------------------------------------------------

def _max_ref(x, kernel_size, stride, padding):
    return max_pool2d(x, kernel_size, stride, padding)


MAX_POOL2D_LOOP = Exercise(
    name="max_pool2d_loop",
    signature="max_pool2d_loop(x, kernel_size, stride, padding)",
    reference=_max_ref,
    hint="pad the (H, W) axes with -inf, allocate (C, H_out, W_out), loop over c, i, j and take "
         "the max of xp[c, i*sh:i*sh+kh, j*sw:j*sw+kw]",
    misconceptions=(_ZERO_PADDING, _SWAPPED),
    checks=(
        Check("2x2 windows, stride 2, one channel", (Array((1, 4, 4)), Value((2, 2)), Value((2, 2)),
              Value((0, 0))), seed=101),
        Check("2x3 window, stride (2, 1), padding (1, 1), mostly negative values",
              (Array((2, 5, 6), low=-2.0, high=0.5), Value((2, 3)), Value((2, 1)), Value((1, 1))),
              seed=102, misconceptions=("zero_padding", "swapped_window")),
        Check("overlapping windows: 3x3, stride 2", (Array((3, 7, 7)), Value((3, 3)), Value((2, 2)),
              Value((0, 0))), seed=103, hidden=True),
        Check("padding 1 on an all-negative map", (Array((2, 5, 5), low=-3.0, high=-1.0), Value((3, 3)),
              Value((2, 2)), Value((1, 1))), seed=104, hidden=True, misconceptions=("zero_padding",)),
        Check("ties: integer values 0 to 2", (Array((2, 6, 6), low=0, high=3, dist="integers"),
              Value((2, 2)), Value((2, 2)), Value((0, 0))), seed=105, hidden=True, points=0.5),
        Check("non-square: window (3, 2), stride (1, 2), padding (1, 0)",
              (Array((1, 6, 7), low=-2.0, high=1.0), Value((3, 2)), Value((1, 2)), Value((1, 0))),
              seed=106, hidden=True, points=0.5, misconceptions=("zero_padding", "swapped_window")),
    ),
)


# --- Exercise 2: avg_pool2d_loop ------------------------------------------------------------

def _avg_ref(x, kernel_size, stride, padding):
    return avg_pool2d(x, kernel_size, stride, padding)


def _avg_exclude_pad(x, kernel_size, stride, padding):
    return avg_pool2d(x, kernel_size, stride, padding, count_include_pad=False)


def _avg_sum(x, kernel_size, stride, padding):
    return avg_pool2d(x, kernel_size, stride, padding) * (kernel_size[0] * kernel_size[1])


def _avg_swapped(x, kernel_size, stride, padding):
    return avg_pool2d(x, tuple(kernel_size)[::-1], stride, padding)


_EXCLUDE_PAD = Misconception(
    "exclude_pad", "At the border you divided by the number of real cells in the window "
    "(count_include_pad=False). The default, and this exercise, pads with zeros and divides every "
    "window by kh*kw, padded zeros included.", _avg_exclude_pad, **_DIVISOR)

AVG_POOL2D_LOOP = Exercise(
    name="avg_pool2d_loop",
    signature="avg_pool2d_loop(x, kernel_size, stride, padding)",
    reference=_avg_ref,
    hint="pad the (H, W) axes with zeros, loop over c, i, j and divide each window's sum by kh*kw",
    misconceptions=(
        _EXCLUDE_PAD,
        Misconception(
            "window_sum", "These are the window sums: divide each by the window size kh*kw to get "
            "the mean.", _avg_sum, **_section("01_what_pooling_computes.ipynb", "average-pooling",
                                              "Average pooling")),
        Misconception("swapped_window", _SWAPPED.message, _avg_swapped, **_FORMULA),
    ),
    checks=(
        Check("2x2 windows, stride 2", (Array((1, 4, 6)), Value((2, 2)), Value((2, 2)), Value((0, 0))),
              seed=201, misconceptions=("window_sum",)),
        Check("3x3 windows, stride 2, padding 1", (Array((2, 5, 5)), Value((3, 3)), Value((2, 2)),
              Value((1, 1))), seed=202, misconceptions=("exclude_pad", "window_sum")),
        Check("non-square: window (2, 3), stride (1, 2), padding (1, 1)",
              (Array((2, 4, 7)), Value((2, 3)), Value((1, 2)), Value((1, 1))), seed=203, hidden=True,
              misconceptions=("exclude_pad", "swapped_window")),
        Check("overlapping windows: 3x3, stride 1", (Array((1, 5, 6)), Value((3, 3)), Value((1, 1)),
              Value((0, 0))), seed=204, hidden=True, misconceptions=("window_sum",)),
    ),
)


# --- Exercise 3: max_pool2d_vec -------------------------------------------------------------

MAX_POOL2D_VEC = Exercise(
    name="max_pool2d_vec",
    signature="max_pool2d_vec(x, kernel_size, stride, padding)",
    reference=_max_ref,
    hint="pad with -inf, take sliding_window_view(xp, (kh, kw), axis=(-2, -1)), keep every sh-th "
         "row and sw-th column of windows, and take the max over the last two axes",
    misconceptions=(_ZERO_PADDING, _SWAPPED),
    checks=(
        Check("a batch: 2x2 windows on (4, 3, 8, 8)", (Array((4, 3, 8, 8)), Value((2, 2)), Value((2, 2)),
              Value((0, 0))), seed=301),
        Check("3x3 windows, stride 2, padding 1, negative values",
              (Array((2, 2, 7, 6), low=-3.0, high=-0.5), Value((3, 3)), Value((2, 2)), Value((1, 1))),
              seed=302, misconceptions=("zero_padding",)),
        Check("non-square: window (2, 3), stride (1, 2), padding (1, 1)",
              (Array((1, 2, 6, 9), low=-2.0, high=0.5), Value((2, 3)), Value((1, 2)), Value((1, 1))),
              seed=303, hidden=True, misconceptions=("zero_padding", "swapped_window")),
        Check("unbatched (C, H, W), overlapping 3x3 windows, stride 1",
              (Array((3, 6, 5)), Value((3, 3)), Value((1, 1)), Value((0, 0))), seed=304, hidden=True),
        Check("larger: (8, 16, 32, 32), 2x2", (Array((8, 16, 32, 32)), Value((2, 2)), Value((2, 2)),
              Value((0, 0))), seed=305, hidden=True),
    ),
)


# --- Exercise 4: max_pool2d_backward_loop ---------------------------------------------------

def _max_backward_ref(grad_output, x, kernel_size, stride, padding):
    return max_pool2d_backward(grad_output, x, kernel_size, stride, padding)


def _max_backward_variant(grad_output, x, kernel_size, stride, padding, tie="first", accumulate=True):
    """A plain-loop max-pool backward with a chosen tie rule and accumulation (for wrong answers)."""
    (kh, kw), (sh, sw), (ph, pw) = kernel_size, stride, padding
    C, H, W = x.shape
    xp = np.pad(x.astype(np.float64), ((0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    dxp = np.zeros_like(xp)
    _, Ho, Wo = grad_output.shape
    for c in range(C):
        for i in range(Ho):
            for j in range(Wo):
                win = xp[c, i * sh:i * sh + kh, j * sw:j * sw + kw]
                winners = np.argwhere(win == win.max())
                if tie == "first":
                    winners = winners[:1]
                elif tie == "last":
                    winners = winners[-1:]
                for a, b in winners:
                    r, s = i * sh + a, j * sw + b
                    if accumulate:
                        dxp[c, r, s] += grad_output[c, i, j]
                    else:
                        dxp[c, r, s] = grad_output[c, i, j]
    return dxp[:, ph:ph + H, pw:pw + W].astype(np.result_type(grad_output, x))


def _all_ties(g, x, k, s, p):
    return _max_backward_variant(g, x, k, s, p, tie="all")


def _last_tie(g, x, k, s, p):
    return _max_backward_variant(g, x, k, s, p, tie="last")


def _max_overwrite(g, x, k, s, p):
    return _max_backward_variant(g, x, k, s, p, accumulate=False)


_OVERWRITE_MSG = ("Where windows overlap, a cell that belongs to several windows must receive the sum "
                  "of their gradients: accumulate with dx[...] += ..., not dx[...] = ..., which keeps "
                  "only the last window's gradient.")

MAX_POOL2D_BACKWARD_LOOP = Exercise(
    name="max_pool2d_backward_loop",
    signature="max_pool2d_backward_loop(grad_output, x, kernel_size, stride, padding)",
    reference=_max_backward_ref,
    hint="for each output (c, i, j), find the first maximum of its window in row-major order "
         "(np.argmax of the flattened window) and add grad_output[c, i, j] at that input cell",
    misconceptions=(
        Misconception(
            "all_ties", "At a tie you sent the gradient to every maximum of the window. It goes to "
            "one cell only: the first maximum in row-major order within the window (np.argmax of "
            "the flattened window), as PyTorch does.", _all_ties, **_BACKWARD),
        Misconception(
            "last_tie", "At a tie you sent the gradient to the last maximum of the window. The rule "
            "is the first maximum in row-major order (np.argmax returns it).", _last_tie, **_BACKWARD),
        Misconception("overwrite", _OVERWRITE_MSG, _max_overwrite, **_BACKWARD),
    ),
    checks=(
        Check("2x2 windows, stride 2, distinct values",
              (Array((1, 2, 2)), Array((1, 4, 4)), Value((2, 2)), Value((2, 2)), Value((0, 0))), seed=401),
        Check("ties: integer values 0 to 2, 2x2 windows",
              (Array((2, 2, 2)), Array((2, 4, 4), low=0, high=3, dist="integers"), Value((2, 2)),
               Value((2, 2)), Value((0, 0))),
              seed=402, misconceptions=("all_ties", "last_tie")),
        Check("overlapping windows: 3x3, stride 1",
              (Array((1, 3, 3)), Array((1, 5, 5)), Value((3, 3)), Value((1, 1)), Value((0, 0))),
              seed=403, hidden=True, misconceptions=("overwrite",)),
        Check("overlapping windows with ties: 2x2, stride 1, values 0 to 1",
              (Array((2, 4, 4)), Array((2, 5, 5), low=0, high=2, dist="integers"), Value((2, 2)),
               Value((1, 1)), Value((0, 0))),
              seed=404, hidden=True, misconceptions=("overwrite", "all_ties", "last_tie")),
        Check("padding 1, 3x3 windows, stride 2",
              (Array((2, 3, 3)), Array((2, 5, 5), low=-2.0, high=0.0), Value((3, 3)), Value((2, 2)),
               Value((1, 1))), seed=405, hidden=True, points=0.5, misconceptions=("overwrite",)),
        Check("non-square: window (2, 3), stride (2, 1)",
              (Array((1, 2, 4)), Array((1, 4, 6)), Value((2, 3)), Value((2, 1)), Value((0, 0))),
              seed=406, hidden=True, points=0.5, misconceptions=("overwrite",)),
    ),
)


# --- Exercise 5: avg_pool2d_backward_loop ---------------------------------------------------

def _avg_backward_ref(grad_output, x, kernel_size, stride, padding):
    return avg_pool2d_backward(grad_output, x, kernel_size, stride, padding)


def _avg_backward_no_divide(g, x, k, s, p):
    return avg_pool2d_backward(g, x, k, s, p) * (k[0] * k[1])


def _avg_backward_exclude_pad(g, x, k, s, p):
    return avg_pool2d_backward(g, x, k, s, p, count_include_pad=False)


def _avg_backward_overwrite(g, x, k, s, p):
    (kh, kw), (sh, sw), (ph, pw) = k, s, p
    C, H, W = x.shape
    dxp = np.zeros((C, H + 2 * ph, W + 2 * pw))
    for c in range(C):
        for i in range(g.shape[1]):
            for j in range(g.shape[2]):
                dxp[c, i * sh:i * sh + kh, j * sw:j * sw + kw] = g[c, i, j] / (kh * kw)
    return dxp[:, ph:ph + H, pw:pw + W]


AVG_POOL2D_BACKWARD_LOOP = Exercise(
    name="avg_pool2d_backward_loop",
    signature="avg_pool2d_backward_loop(grad_output, x, kernel_size, stride, padding)",
    reference=_avg_backward_ref,
    hint="add grad_output[c, i, j] / (kh*kw) to every cell of window (c, i, j) of a zero array the "
         "size of the padded input, then cut the padding off",
    misconceptions=(
        Misconception(
            "no_divide", "You copied each upstream gradient to every cell of its window. The "
            "derivative of a mean of kh*kw cells with respect to one of them is 1/(kh*kw): divide.",
            _avg_backward_no_divide, **_BACKWARD),
        Misconception("overwrite", _OVERWRITE_MSG, _avg_backward_overwrite, **_BACKWARD),
        Misconception(
            "exclude_pad", "At the border you divided by the number of real cells; the forward "
            "divides every window by kh*kw (count_include_pad=True), so the backward does too.",
            _avg_backward_exclude_pad, **_DIVISOR),
    ),
    checks=(
        Check("2x2 windows, stride 2",
              (Array((1, 2, 2)), Array((1, 4, 4)), Value((2, 2)), Value((2, 2)), Value((0, 0))), seed=501,
              misconceptions=("no_divide",)),
        Check("overlapping windows: 3x3, stride 1",
              (Array((2, 3, 4)), Array((2, 5, 6)), Value((3, 3)), Value((1, 1)), Value((0, 0))), seed=502,
              hidden=True, misconceptions=("overwrite", "no_divide")),
        Check("padding 1, 3x3 windows, stride 2, non-square input",
              (Array((1, 3, 2)), Array((1, 5, 4)), Value((3, 3)), Value((2, 2)), Value((1, 1))), seed=503,
              hidden=True, misconceptions=("exclude_pad", "overwrite")),
    ),
)


# --- Exercise 6: global_avg_pool2d ----------------------------------------------------------

def _gap(x):
    return x.mean(axis=(-2, -1))


GLOBAL_AVG_POOL2D = Exercise(
    name="global_avg_pool2d",
    signature="global_avg_pool2d(x)",
    reference=_gap,
    hint="the mean over the last two axes: (N, C, H, W) -> (N, C)",
    misconceptions=(
        Misconception("keepdims", "Your output keeps the two spatial axes of size 1, (N, C, 1, 1); "
                      "global average pooling for a classifier returns (N, C).",
                      lambda x: x.mean(axis=(-2, -1), keepdims=True), **_GAP),
        Misconception("channels_too", "You averaged over the channels as well: global average "
                      "pooling keeps one number per channel, the mean over H and W only.",
                      lambda x: x.mean(axis=(1, 2, 3)), **_GAP),
        Misconception("global_max", "This is global *max* pooling: take the mean over H and W.",
                      lambda x: x.max(axis=(-2, -1)), **_GAP),
    ),
    checks=(
        Check("(2, 3, 4, 5)", (Array((2, 3, 4, 5)),), seed=601,
              misconceptions=("keepdims", "channels_too", "global_max")),
        Check("non-square maps (1, 4, 7, 3)", (Array((1, 4, 7, 3)),), seed=602, hidden=True,
              misconceptions=("keepdims", "channels_too", "global_max")),
        Check("1x1 maps: (3, 2, 1, 1)", (Array((3, 2, 1, 1)),), seed=603, hidden=True,
              misconceptions=("keepdims", "channels_too")),
    ),
)


# --- Exercise 7: shift_change ---------------------------------------------------------------

def _apply(v, layers):
    for layer in layers:
        kind = layer[0]
        if kind == "relu":
            v = np.maximum(v, 0.0)
        elif kind == "max":
            v = max_pool2d(v, layer[1])
        elif kind == "avg":
            v = avg_pool2d(v, layer[1])
        elif kind == "gap":
            v = v.mean(axis=(-2, -1))
        else:
            raise ValueError(f"shift_change: unknown layer {layer!r}")
    return v


def _shift_change(x, layers, shifts, normalise=True, roll=False):
    T = max(shifts)
    width = x.shape[-1] - T

    def view(t):
        return np.roll(x, -t, axis=-1) if roll else x[..., t:t + width]

    base = _apply(view(0), layers)
    out = []
    for t in shifts:
        diff = np.linalg.norm(_apply(view(t), layers) - base)
        out.append(diff / np.linalg.norm(base) if normalise else diff)
    return np.array(out, dtype=np.float64)


SHIFT_CHANGE = Exercise(
    name="shift_change",
    signature="shift_change(x, layers, shifts)",
    reference=_shift_change,
    hint="T = max(shifts), width = W - T, view(t) = x[:, :, t:t + width]; apply the layers to "
         "view(t) and view(0) and return ||f(view(t)) - f(view(0))|| / ||f(view(0))|| for each t",
    misconceptions=(
        Misconception("not_relative", "These are absolute changes: divide each by the norm of "
                      "the unshifted output, ||f(view(0))||.",
                      lambda x, layers, shifts: _shift_change(x, layers, shifts, normalise=False), **_SHIFT),
        Misconception("circular", "You shifted with np.roll, which wraps the columns that leave "
                      "on one side around to the other. A moving camera sees new columns instead: "
                      "compare views of the same width, x[:, :, t:t + W - T].",
                      lambda x, layers, shifts: _shift_change(x, layers, shifts, roll=True), **_SHIFT),
    ),
    checks=(
        Check("ReLU then 2x2 max pool, shifts 0 to 3",
              (Array((2, 12, 16)), Value((("relu",), ("max", 2))), Value((0, 1, 2, 3))), seed=701,
              points=1.5, misconceptions=("not_relative", "circular")),
        Check("no layers at all, shifts 0 to 2", (Array((1, 6, 10), low=0.0, high=1.0), Value(()),
              Value((0, 1, 2))), seed=702, hidden=True, points=0.5, misconceptions=("not_relative",)),
        Check("ReLU, 4x4 average pool, global average pool, shifts 0 to 4",
              (Array((3, 16, 24)), Value((("relu",), ("avg", 4), ("gap",))), Value((0, 1, 2, 3, 4))),
              seed=703, hidden=True, misconceptions=("not_relative", "circular")),
        Check("ReLU, two 2x2 max pools, shifts 0, 2 and 4",
              (Array((2, 16, 20)), Value((("relu",), ("max", 2), ("max", 2))), Value((0, 2, 4))),
              seed=704, hidden=True, misconceptions=("not_relative", "circular")),
    ),
)


ASSIGNMENT = Assignment(
    id="pooling",
    title="Pooling: forward, backward, global, and shift robustness",
    exercises=(MAX_POOL2D_LOOP, AVG_POOL2D_LOOP, MAX_POOL2D_VEC, MAX_POOL2D_BACKWARD_LOOP,
               AVG_POOL2D_BACKWARD_LOOP, GLOBAL_AVG_POOL2D, SHIFT_CHANGE),
)
