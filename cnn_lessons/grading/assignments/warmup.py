"""Assignment "warmup": the output length, and cross-correlation with loops.

Source notebook: ``book/00_getting_started/warmup.ipynb``.
"""

from __future__ import annotations

import numpy as np

from ...convolution import corr2d
from ...geometry import conv_output_size
from ..spec import Array, Assignment, Check, Exercise, Misconception, Value

_NB = "00_getting_started/warmup.ipynb"


# --- Exercise 1: conv_output_length ---------------------------------------------------------

def _length(size, kernel_size, stride, padding, dilation):
    return conv_output_size(size, kernel_size, stride, padding, dilation)


def _length_ceil(size, kernel_size, stride, padding, dilation):
    span = size + 2 * padding - dilation * (kernel_size - 1) - 1
    return -(-span // stride) + 1


def _length_padding_once(size, kernel_size, stride, padding, dilation):
    return (size + padding - dilation * (kernel_size - 1) - 1) // stride + 1


def _length_no_dilation(size, kernel_size, stride, padding, dilation):  # noqa: ARG001
    return (size + 2 * padding - (kernel_size - 1) - 1) // stride + 1


_LENGTH_SECTION = dict(section=f"{_NB}#the-output-length", section_title="The output length")

_LENGTH_MISCONCEPTIONS = (
    Misconception(
        "ceil", "This is the length you get by rounding up (ceil) instead of down (floor): a "
        "window that does not fit entirely inside the padded input is not computed, so round "
        "down, with integer division //.", _length_ceil, **_LENGTH_SECTION),
    Misconception(
        "padding_once", "This is the length you get by adding the padding once: padding p adds "
        "p cells on each side, so the padded length is size + 2*padding.",
        _length_padding_once, **_LENGTH_SECTION),
    Misconception(
        "no_dilation", "This is the length you get by ignoring the dilation: a kernel of size k "
        "with dilation d spans d*(k - 1) + 1 input cells.", _length_no_dilation, **_LENGTH_SECTION),
)


def _length_check(name, size, k, s, p, d, points=0.5, hidden=False, misconceptions=()):
    args = tuple(Value(v) for v in (size, k, s, p, d))
    return Check(name, args, points=points, hidden=hidden, misconceptions=misconceptions)


CONV_OUTPUT_LENGTH = Exercise(
    name="conv_output_length",
    signature="conv_output_length(size, kernel_size, stride, padding, dilation)",
    reference=_length,
    output="int",
    hint="apply the formula above this cell and return an int (padding on both sides, "
         "the dilated kernel's span, rounded down)",
    misconceptions=_LENGTH_MISCONCEPTIONS,
    checks=(
        _length_check("size 5, kernel 3", 5, 3, 1, 0, 1),
        _length_check("stride 2 that does not divide evenly", 8, 3, 2, 0, 1, misconceptions=("ceil",)),
        _length_check("padding 1 keeps the size", 7, 3, 1, 1, 1, misconceptions=("padding_once",)),
        _length_check("dilation 2", 10, 3, 1, 0, 2, hidden=True, misconceptions=("no_dilation",)),
        _length_check("a ResNet stem: 224, kernel 7, stride 2, padding 3", 224, 7, 2, 3, 1,
                      hidden=True, misconceptions=("ceil", "padding_once")),
        _length_check("everything at once", 32, 5, 3, 2, 2, hidden=True,
                      misconceptions=("padding_once", "no_dilation")),
    ),
)


# --- Exercise 2: corr2d_loop ----------------------------------------------------------------

_CORR_SECTION = dict(section=f"{_NB}#cross-correlation-with-loops",
                     section_title="Cross-correlation with loops")


def _corr2d_flipped(x, k):
    return corr2d(x, k[::-1, ::-1])


def _corr2d_short(x, k):
    return corr2d(x, k)[:-1, :-1]


_FLIPPED = Misconception(
    "flipped_kernel", "This is the true convolution: you flipped the kernel. A convolutional "
    "layer computes cross-correlation, S[i, j] = sum_a sum_b x[i+a, j+b] * k[a, b], with the "
    "kernel as it is.", _corr2d_flipped, **_CORR_SECTION)

CORR2D_LOOP = Exercise(
    name="corr2d_loop",
    signature="corr2d_loop(x, k)",
    reference=corr2d,
    hint="allocate the output, loop over its positions (i, j), and at each one add up the "
         "window of x times k",
    misconceptions=(
        _FLIPPED,
        Misconception(
            "one_short", "Your output is one row and one column short: a kernel of height kh "
            "fits at H - kh + 1 positions (range(H - kh + 1)), not H - kh.",
            _corr2d_short, **_CORR_SECTION),
    ),
    checks=(
        Check("3x3 kernel on a 5x6 input", (Array((5, 6)), Array((3, 3))), seed=1,
              misconceptions=("flipped_kernel", "one_short")),
        Check("2x1 kernel on a 4x4 input", (Array((4, 4)), Array((2, 1))), seed=2,
              misconceptions=("flipped_kernel", "one_short")),
        Check("1x1 kernel", (Array((3, 4)), Array((1, 1))), seed=3, points=0.5, hidden=True,
              misconceptions=("one_short",)),
        Check("kernel as large as the input", (Array((3, 5)), Array((3, 5))), seed=4,
              points=0.5, hidden=True, misconceptions=("flipped_kernel", "one_short")),
        Check("2x3 kernel on a 6x7 integer-valued input",
              (Array((6, 7), low=-5, high=6, dist="integers"), Array((2, 3))), seed=5,
              hidden=True, misconceptions=("flipped_kernel", "one_short")),
    ),
)


# --- Exercise 3: corr2d_multi_in ------------------------------------------------------------

_MULTI_SECTION = dict(section=f"{_NB}#several-input-channels", section_title="Several input channels")


def _multi_in(x, k):
    return sum(corr2d(x[c], k[c]) for c in range(x.shape[0]))


def _multi_in_no_sum(x, k):
    return np.stack([corr2d(x[c], k[c]) for c in range(x.shape[0])])


def _multi_in_mean(x, k):
    return _multi_in(x, k) / x.shape[0]


def _multi_in_flipped(x, k):
    return _multi_in(x, k[:, ::-1, ::-1])


CORR2D_MULTI_IN = Exercise(
    name="corr2d_multi_in",
    signature="corr2d_multi_in(x, k)",
    reference=_multi_in,
    hint="use your corr2d_loop on each channel and combine the results as the formula says",
    misconceptions=(
        Misconception(
            "no_channel_sum", "You returned one map per channel: a kernel with C input "
            "channels produces ONE output map, the sum over c of corr2d(x[c], k[c]).",
            _multi_in_no_sum, **_MULTI_SECTION),
        Misconception(
            "channel_mean", "You averaged over the channels instead of adding them: the output "
            "is the sum over c, not the mean.", _multi_in_mean, **_MULTI_SECTION),
        Misconception(
            "flipped_kernel", _FLIPPED.message, _multi_in_flipped, **_CORR_SECTION),
    ),
    checks=(
        Check("2 channels, 2x2 kernel, 4x5 input", (Array((2, 4, 5)), Array((2, 2, 2))), seed=11,
              misconceptions=("no_channel_sum", "channel_mean", "flipped_kernel")),
        Check("3 channels, 3x3 kernel, 5x5 input", (Array((3, 5, 5)), Array((3, 3, 3))), seed=12,
              misconceptions=("no_channel_sum", "channel_mean", "flipped_kernel")),
        Check("1 channel", (Array((1, 4, 6)), Array((1, 3, 2))), seed=13, points=0.5, hidden=True,
              misconceptions=("no_channel_sum", "flipped_kernel")),
        Check("4 channels, 1x1 kernel", (Array((4, 6, 3)), Array((4, 1, 1))), seed=14,
              points=0.5, hidden=True, misconceptions=("no_channel_sum", "channel_mean")),
    ),
)


ASSIGNMENT = Assignment(
    id="warmup",
    title="Warm-up: output lengths and cross-correlation",
    exercises=(CONV_OUTPUT_LENGTH, CORR2D_LOOP, CORR2D_MULTI_IN),
)
