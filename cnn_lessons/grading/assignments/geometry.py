"""Assignment "geometry": output sizes, padding modes, strided and dilated convolution, receptive fields.

Source notebook: ``book/03_padding_stride_dilation/exercises.ipynb``. The
exercises build on each other: the output-size formula (1) and padding (2)
are used by a loop convolution (3), which a vectorized one (4) replaces;
then receptive fields (5) and choosing a padding for a target size (6).

Invalid settings must raise ``ValueError``; the notebook shows this for
exercises 1 and 6 (see the report in the chapter's notes: the spec format
has no check that expects an exception yet).
"""

from __future__ import annotations

import numpy as np

from ...convolution import conv2d
from ...geometry import conv_output_size, receptive_field
from ...padding import pad
from ..spec import Array, Assignment, Check, Exercise, Misconception, Value

_NB = "03_padding_stride_dilation/exercises.ipynb"
_PADDING = "03_padding_stride_dilation/01_padding.ipynb"
_STRIDE = "03_padding_stride_dilation/02_stride.ipynb"
_DILATION = "03_padding_stride_dilation/03_dilation.ipynb"
_RF = "03_padding_stride_dilation/04_receptive_field.ipynb"


# --- Exercise 1: output_size ----------------------------------------------------------------

def _output_size(size, kernel_size, stride, padding, dilation, ceil_mode):
    return conv_output_size(size, kernel_size, stride, padding, dilation, ceil_mode)


def _size_ceil_no_drop(size, kernel_size, stride, padding, dilation, ceil_mode):
    span = size + 2 * padding - dilation * (kernel_size - 1) - 1
    return (-(-span // stride) if ceil_mode else span // stride) + 1


def _size_always_floor(size, kernel_size, stride, padding, dilation, ceil_mode):  # noqa: ARG001
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1


def _size_no_dilation(size, kernel_size, stride, padding, dilation, ceil_mode):  # noqa: ARG001
    return conv_output_size(size, kernel_size, stride, padding, 1, ceil_mode)


_STRIDE_FLOOR = dict(section=f"{_STRIDE}#when-the-division-is-not-exact",
                     section_title="When the division is not exact")

OUTPUT_SIZE = Exercise(
    name="output_size",
    signature="output_size(size, kernel_size, stride, padding, dilation, ceil_mode)",
    reference=_output_size,
    output="int",
    hint="span = size + 2*padding - dilation*(kernel_size - 1) - 1; floor (or ceil) span/stride, "
         "plus 1; in ceil mode drop a last window that starts in the right padding; raise "
         "ValueError for invalid settings",
    misconceptions=(
        Misconception(
            "ceil_no_drop", "In ceil mode you kept a last window that starts inside the right "
            "padding. PyTorch (and conv_output_size) drop it, so that every window sees at least "
            "one real input cell: if (out - 1)*stride >= size + padding, subtract one.",
            _size_ceil_no_drop, **_STRIDE_FLOOR),
        Misconception(
            "ignores_ceil_mode", "You rounded down even with ceil_mode=True: ceil mode rounds the "
            "division up (and then drops a window that would start in the right padding).",
            _size_always_floor, **_STRIDE_FLOOR),
        Misconception(
            "no_dilation", "This is the size for dilation 1: a kernel of size k with dilation d "
            "spans d*(k - 1) + 1 input cells.", _size_no_dilation,
            section=f"{_DILATION}#one-formula-for-the-output-size",
            section_title="One formula for the output size"),
    ),
    checks=(
        Check("size 7, kernel 3, stride 2, padding 1", tuple(map(Value, (7, 3, 2, 1, 1, False)))),
        Check("stride that does not divide: 8, kernel 3, stride 2",
              tuple(map(Value, (8, 3, 2, 0, 1, False))), misconceptions=()),
        Check("dilation 2: 10, kernel 3", tuple(map(Value, (10, 3, 1, 0, 2, False))),
              misconceptions=("no_dilation",)),
        Check("ceil mode: 8, kernel 3, stride 2", tuple(map(Value, (8, 3, 2, 0, 1, True))),
              misconceptions=("ignores_ceil_mode",)),
        Check("ceil mode drops a window in the padding: 5, kernel 2, stride 2, padding 1",
              tuple(map(Value, (5, 2, 2, 1, 1, True))), points=0.5, hidden=True,
              misconceptions=("ceil_no_drop",)),
        Check("kernel as large as the padded input: 5, kernel 7, padding 1",
              tuple(map(Value, (5, 7, 1, 1, 1, False))), points=0.5, hidden=True),
        Check("stride 3, dilation 2, padding 2, not exact: 32, kernel 5",
              tuple(map(Value, (32, 5, 3, 2, 2, False))), points=0.5, hidden=True,
              misconceptions=("no_dilation",)),
        Check("ceil mode with dilation: 11, kernel 3, stride 3, dilation 2, padding 1",
              tuple(map(Value, (11, 3, 3, 1, 2, True))), points=0.5, hidden=True,
              misconceptions=("ignores_ceil_mode", "no_dilation")),
        Check("invalid: stride 0 must raise ValueError", tuple(map(Value, (8, 3, 0, 0, 1, False))),
              points=0.5, hidden=True, raises="ValueError"),
        Check("invalid: kernel 7 larger than the padded input 3 + 2*1 must raise ValueError",
              tuple(map(Value, (3, 7, 1, 1, 1, False))), points=0.5, hidden=True, raises="ValueError"),
    ),
)


# --- Exercise 2: pad2d ----------------------------------------------------------------------

def _pad2d(x, padding, mode):
    return pad(x, padding, mode=mode)


def _pad_symmetric(x, padding, mode):
    if mode == "reflect":
        return np.pad(x, padding, mode="symmetric")
    return pad(x, padding, mode=mode)


def _pad_wrong_end(x, padding, mode):
    if mode == "circular":
        p = padding
        rows = np.concatenate([x[:p], x, x[-p:]], axis=0)
        return np.concatenate([rows[:, :p], rows, rows[:, -p:]], axis=1)
    return pad(x, padding, mode=mode)


def _pad_one_side(x, padding, mode):
    return pad(x, ((padding, 0), (padding, 0)), mode=mode)


_MODES = dict(section=f"{_PADDING}#padding-modes", section_title="Padding modes")

PAD2D = Exercise(
    name="pad2d",
    signature="pad2d(x, padding, mode)",
    reference=_pad2d,
    hint="allocate (H + 2p, W + 2p); for each padded cell find the input cell it copies "
         "(zeros: none; reflect: mirror without the edge; replicate: clamp; circular: modulo)",
    misconceptions=(
        Misconception(
            "reflect_repeats_edge", "Your reflect padding repeats the edge value ([a b c] -> "
            "a [a b c] c for one cell). Reflect mirrors about the edge without repeating it: "
            "b [a b c] b (numpy calls your version 'symmetric').", _pad_symmetric, **_MODES),
        Misconception(
            "circular_wrong_end", "Your circular padding copies the wrong end: the cells before "
            "the input come from its END (c [a b c] a), as if the row were a ring.",
            _pad_wrong_end, **_MODES),
        Misconception(
            "one_side", "You padded only the top and left: padding p adds p cells on EACH side, "
            "so the result is (H + 2p, W + 2p).", _pad_one_side,
            section=f"{_PADDING}#zero-padding", section_title="Zero padding"),
    ),
    checks=(
        Check("zeros, padding 1", (Array((3, 4)), Value(1), Value("zeros")), seed=21,
              misconceptions=("one_side",)),
        Check("reflect, padding 2", (Array((4, 5)), Value(2), Value("reflect")), seed=22,
              misconceptions=("reflect_repeats_edge", "one_side")),
        Check("replicate, padding 2", (Array((3, 3)), Value(2), Value("replicate")), seed=23,
              misconceptions=("one_side",)),
        Check("circular, padding 1", (Array((3, 5)), Value(1), Value("circular")), seed=24,
              misconceptions=("circular_wrong_end", "one_side")),
        Check("padding 0 returns a copy", (Array((2, 3)), Value(0), Value("reflect")), seed=25,
              points=0.5, hidden=True),
        Check("circular padding as large as the input", (Array((3, 4)), Value(3), Value("circular")),
              seed=26, points=0.5, hidden=True, misconceptions=("circular_wrong_end",)),
        Check("reflect, padding one less than the size", (Array((4, 6)), Value(3), Value("reflect")),
              seed=27, points=0.5, hidden=True, misconceptions=("reflect_repeats_edge",)),
        Check("replicate on a single row", (Array((1, 4)), Value(2), Value("replicate")), seed=28,
              points=0.5, hidden=True, misconceptions=("one_side",)),
    ),
)


# --- Exercise 3: conv2d_loop ----------------------------------------------------------------

def _conv2d_loop(x, w, stride, padding, dilation):
    return conv2d(x[None, None], w[None, None], stride=stride, padding=padding, dilation=dilation)[0, 0]


def _conv_start_not_strided(x, w, stride, padding, dilation):
    full = conv2d(x[None, None], w[None, None], padding=padding, dilation=dilation)[0, 0]
    oh, ow = conv_output_size(x.shape, w.shape, stride, padding, dilation)
    return full[:oh, :ow]


def _conv_dilation_ignored(x, w, stride, padding, dilation):
    undilated = conv2d(x[None, None], w[None, None], stride=stride, padding=padding)[0, 0]
    oh, ow = conv_output_size(x.shape, w.shape, stride, padding, dilation)
    return undilated[:oh, :ow]


_STRIDED = dict(section=f"{_STRIDE}#the-stride-and-the-output-size",
                section_title="The stride and the output size")
_DILATED = dict(section=f"{_DILATION}#the-dilated-kernel", section_title="The dilated kernel")

CONV2D_LOOP = Exercise(
    name="conv2d_loop",
    signature="conv2d_loop(x, w, stride, padding, dilation)",
    reference=_conv2d_loop,
    hint="pad x with zeros, then out[i, j] = sum over a, b of "
         "xp[i*stride + a*dilation, j*stride + b*dilation] * w[a, b]",
    misconceptions=(
        Misconception(
            "start_not_strided", "Your windows start at (i, j) instead of (i*stride, j*stride): "
            "the stride is the step between neighbouring windows, so output i starts at input row "
            "i*stride.", _conv_start_not_strided, **_STRIDED),
        Misconception(
            "dilation_ignored", "Your kernel taps are next to each other: with dilation d, tap a "
            "reads input row i*stride + a*d, skipping d - 1 rows between taps.",
            _conv_dilation_ignored, **_DILATED),
    ),
    checks=(
        Check("stride 2 on a 7x7 input, 3x3 kernel",
              (Array((7, 7)), Array((3, 3)), Value(2), Value(0), Value(1)), seed=31,
              misconceptions=("start_not_strided",)),
        Check("dilation 2 with padding 2", (Array((6, 7)), Array((3, 3)), Value(1), Value(2), Value(2)),
              seed=32, misconceptions=("dilation_ignored",)),
        Check("stride 2, padding 1, dilation 2, non-square",
              (Array((8, 6)), Array((2, 3)), Value(2), Value(1), Value(2)), seed=33,
              misconceptions=("start_not_strided", "dilation_ignored")),
        Check("stride that does not divide: 8x8, 3x3, stride 3",
              (Array((8, 8)), Array((3, 3)), Value(3), Value(0), Value(1)), seed=34, hidden=True,
              misconceptions=("start_not_strided",)),
        Check("kernel as large as the padded input",
              (Array((3, 4)), Array((5, 6)), Value(1), Value(1), Value(1)), seed=35, points=0.5,
              hidden=True),
        Check("1x1 kernel, stride 2", (Array((5, 5)), Array((1, 1)), Value(2), Value(0), Value(1)),
              seed=36, points=0.5, hidden=True, misconceptions=("start_not_strided",)),
    ),
)


# --- Exercise 4: conv2d_strided -------------------------------------------------------------

def _conv2d_strided(x, w, b, stride, padding, dilation):
    return conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)


def _strided_no_bias(x, w, b, stride, padding, dilation):  # noqa: ARG001
    return conv2d(x, w, stride=stride, padding=padding, dilation=dilation)


def _strided_one_side(x, w, b, stride, padding, dilation):
    return conv2d(pad(x, ((padding, 0), (padding, 0))), w, b, stride=stride, dilation=dilation)


CONV2D_STRIDED = Exercise(
    name="conv2d_strided",
    signature="conv2d_strided(x, w, b, stride, padding, dilation)",
    reference=_conv2d_strided,
    hint="pad, take every window with sliding_window_view (or a loop over the KH*KW kernel "
         "offsets), subsample by stride, and contract over (C, KH, KW) with einsum/tensordot; add b",
    misconceptions=(
        Misconception(
            "no_bias", "You forgot the bias: add b[f] to every output of channel f.", _strided_no_bias,
            section=f"{_NB}#exercise-4-a-vectorized-strided-convolution",
            section_title="Exercise 4: a vectorized strided convolution"),
        Misconception(
            "pad_one_side", "You padded only the top and left: padding p adds p rows and columns "
            "on EACH side before the convolution.", _strided_one_side,
            section=f"{_PADDING}#zero-padding", section_title="Zero padding"),
        Misconception(
            "dilation_ignored", "Your kernel taps are next to each other: with dilation d, tap a "
            "reads input row i*stride + a*d.",
            lambda x, w, b, s, p, d: conv2d(x, w, b, stride=s, padding=p)[
                ..., :conv_output_size(x.shape[2], w.shape[2], s, p, d),
                :conv_output_size(x.shape[3], w.shape[3], s, p, d)],
            **_DILATED),
    ),
    checks=(
        Check("batch 2, 3 -> 4 channels, stride 2, padding 1",
              (Array((2, 3, 7, 7)), Array((4, 3, 3, 3)), Array((4,)), Value(2), Value(1), Value(1)),
              seed=41, misconceptions=("no_bias", "pad_one_side")),
        Check("dilation 2, padding 2",
              (Array((1, 2, 8, 9)), Array((3, 2, 3, 3)), Array((3,)), Value(1), Value(2), Value(2)),
              seed=42, misconceptions=("no_bias", "pad_one_side", "dilation_ignored")),
        Check("everything at once, non-square",
              (Array((2, 3, 10, 8)), Array((5, 3, 3, 2)), Array((5,)), Value(3), Value(1), Value(2)),
              seed=43, hidden=True, misconceptions=("no_bias", "pad_one_side", "dilation_ignored")),
        Check("stride that does not divide, float32 stays float32",
              (Array((1, 2, 9, 9), dtype="float32"), Array((2, 2, 3, 3), dtype="float32"),
               Array((2,), dtype="float32"), Value(2), Value(0), Value(1)),
              seed=44, hidden=True, rtol=1e-5, atol=1e-6),
        Check("a larger input (loops over pixels are too slow here)",
              (Array((4, 16, 64, 64)), Array((16, 16, 3, 3)), Array((16,)), Value(2), Value(1), Value(1)),
              seed=45, hidden=True, rtol=1e-9, atol=1e-9, misconceptions=("no_bias",)),
    ),
)


# --- Exercise 5: receptive_fields -----------------------------------------------------------

def _rf_table(layers, mistake=None):
    size, stride, padding, rows = 1, 1, 0, []
    for k, s, p, d in layers:
        if mistake == "no_stride_product":
            size += d * (k - 1)
        elif mistake == "current_stride":
            size += d * (k - 1) * stride * s
        else:
            size += d * (k - 1) * stride
        padding += p if mistake == "padding_no_product" else p * stride
        stride *= s
        rows.append((size, stride, padding))
    return np.array(rows, dtype=np.int64)


def _receptive_fields(layers):
    records = receptive_field([dict(kernel_size=k, stride=s, padding=p, dilation=d) for k, s, p, d in layers])
    return np.array([(r.size, r.stride, r.padding) for r in records], dtype=np.int64)


_RECURSION = dict(section=f"{_RF}#with-strides-the-general-recursion",
                  section_title="With strides: the general recursion")

RECEPTIVE_FIELDS = Exercise(
    name="receptive_fields",
    signature="receptive_fields(layers)",
    reference=_receptive_fields,
    check_dtype=False,
    hint="start from size 1, stride 1, padding 0; for each (K, S, P, D): size += D*(K - 1)*stride, "
         "padding += P*stride, then stride *= S; one row (size, stride, padding) per layer",
    misconceptions=(
        Misconception(
            "no_stride_product", "Your receptive field ignores the earlier strides: after a "
            "stride-S layer, neighbouring units are S input pixels apart, so a later kernel adds "
            "D*(K - 1) times the product of all EARLIER strides.",
            lambda layers: _rf_table(layers, "no_stride_product"), **_RECURSION),
        Misconception(
            "current_stride", "You multiplied by the layer's own stride too: a layer's kernel "
            "spans units of the PREVIOUS layer, so use the product of the earlier strides only "
            "(update the stride after the size).",
            lambda layers: _rf_table(layers, "current_stride"), **_RECURSION),
        Misconception(
            "padding_no_product", "Your effective padding adds each P as it is: padding at layer "
            "j is measured in units of layer j - 1, so it counts P times the product of the "
            "earlier strides.", lambda layers: _rf_table(layers, "padding_no_product"), **_RECURSION),
    ),
    checks=(
        Check("three 3x3 stride-1 layers", (Value(((3, 1, 1, 1),) * 3),)),
        Check("strides 2, 2, 1", (Value(((3, 2, 1, 1), (3, 2, 1, 1), (3, 1, 1, 1))),),
              misconceptions=("no_stride_product", "current_stride", "padding_no_product")),
        Check("dilations 1, 2, 4, 8", (Value(tuple((3, 1, d, d) for d in (1, 2, 4, 8))),),
              misconceptions=("current_stride",)),
        Check("AlexNet", (Value(((11, 4, 2, 1), (3, 2, 0, 1), (5, 1, 2, 1), (3, 2, 0, 1), (3, 1, 1, 1),
                                 (3, 1, 1, 1), (3, 1, 1, 1), (3, 2, 0, 1))),),
              hidden=True, misconceptions=("no_stride_product", "current_stride", "padding_no_product")),
        Check("stride and dilation mixed", (Value(((7, 2, 3, 1), (3, 2, 1, 1), (3, 1, 2, 2),
                                                   (3, 1, 4, 4))),),
              hidden=True, misconceptions=("no_stride_product", "current_stride", "padding_no_product")),
        Check("a single 1x1 layer", (Value(((1, 1, 0, 1),)),), hidden=True),
    ),
)


# --- Exercise 6: choose_padding -------------------------------------------------------------

def _choose_padding(size, kernel_size, stride, dilation, out_size):
    effective = dilation * (kernel_size - 1) + 1
    need = (out_size - 1) * stride - size + effective
    p = max(0, -(-need // 2))
    if conv_output_size(size, kernel_size, stride, p, dilation) != out_size:
        raise ValueError(f"choose_padding: no padding maps size {size} to {out_size} with kernel "
                         f"{kernel_size}, stride {stride}, dilation {dilation}")
    return p


def _choose_floor_half(size, kernel_size, stride, dilation, out_size):
    need = (out_size - 1) * stride - size + dilation * (kernel_size - 1) + 1
    return max(0, need // 2)


def _choose_same(size, kernel_size, stride, dilation, out_size):  # noqa: ARG001
    return dilation * (kernel_size - 1) // 2


_CHOOSE = dict(section=f"{_NB}#exercise-6-choosing-the-padding",
               section_title="Exercise 6: choosing the padding")

CHOOSE_PADDING = Exercise(
    name="choose_padding",
    signature="choose_padding(size, kernel_size, stride, dilation, out_size)",
    reference=_choose_padding,
    output="int",
    hint="the smallest P >= 0 with (out_size - 1)*stride <= size + 2P - D(K - 1) - 1 < out_size*stride: "
         "P = max(0, ceil(((out_size - 1)*stride - size + D(K - 1) + 1) / 2)); raise ValueError if "
         "that P does not give out_size",
    misconceptions=(
        Misconception(
            "floor_half", "You halved the total padding rounding down: when the rows needed are "
            "odd, rounding down leaves the output one short. Round up (the extra row, if any, is "
            "left over at the end).", _choose_floor_half, **_CHOOSE),
        Misconception(
            "same_padding", "You returned the 'same' padding (D(K - 1))/2 whatever the target: it "
            "keeps the size only for stride 1; solve the output-size formula for P instead.",
            _choose_same, **_CHOOSE),
    ),
    checks=(
        Check("halve 32 with K3 S2", tuple(map(Value, (32, 3, 2, 1, 16))), misconceptions=("floor_half",)),
        Check("ResNet stem: 224 -> 112 with K7 S2", tuple(map(Value, (224, 7, 2, 1, 112))),
              misconceptions=("floor_half",)),
        Check("no padding needed: 28 -> 24 with K5", tuple(map(Value, (28, 5, 1, 1, 24))),
              misconceptions=("same_padding",)),
        Check("stride 3 with an odd total: 10 -> 5 with K3", tuple(map(Value, (10, 3, 3, 1, 5))),
              hidden=True, misconceptions=("floor_half", "same_padding")),
        Check("dilation 4 keeps 64", tuple(map(Value, (64, 3, 1, 4, 64))), points=0.5, hidden=True),
        Check("kernel as large as the padded input: 5 -> 1 with K7", tuple(map(Value, (5, 7, 1, 1, 1))),
              points=0.5, hidden=True, misconceptions=("same_padding",)),
        Check("impossible: 28 -> 10 with K3 S1 (padding only adds rows) must raise ValueError",
              tuple(map(Value, (28, 3, 1, 1, 10))), points=0.5, hidden=True, raises="ValueError"),
    ),
)


ASSIGNMENT = Assignment(
    id="geometry",
    title="Geometry: output sizes, padding, stride, dilation and receptive fields",
    exercises=(OUTPUT_SIZE, PAD2D, CONV2D_LOOP, CONV2D_STRIDED, RECEPTIVE_FIELDS, CHOOSE_PADDING),
)
