"""Assignment "convolution": from the formula with loops to one matrix product.

Source notebook: ``book/01_convolution/exercises.ipynb``. The exercises build
on each other: a cross-correlation from the formula, an oriented edge kernel
to feed it, a multi-channel layer with loops, im2col, the layer as one matrix
product, and the parameter and multiply-add counts of a layer.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ...convolution import conv2d, corr2d
from ...geometry import conv_output_size
from ..spec import Array, Assignment, Check, Exercise, Misconception, Value

_EX = "01_convolution/exercises.ipynb"
_WHY = "01_convolution/01_why_convolution.ipynb"
_CHANNELS = "01_convolution/02_filters_and_channels.ipynb"
_IM2COL = "01_convolution/04_im2col_and_cost.ipynb"

_S_FORMULA = dict(section=f"{_WHY}#cross-correlation-number-by-number",
                  section_title="Cross-correlation, number by number")
_S_FLIP = dict(section=f"{_WHY}#true-convolution-flips-the-kernel",
               section_title="True convolution flips the kernel")
_S_EDGE = dict(section=f"{_EX}#edges-in-every-direction", section_title="Edges in every direction")
_S_SPAN = dict(section=f"{_CHANNELS}#a-filter-spans-all-input-channels",
               section_title="A filter spans all input channels")
_S_COUNT = dict(section=f"{_CHANNELS}#counting-the-parameters", section_title="Counting the parameters")
_S_COLS = dict(section=f"{_IM2COL}#im2col-for-a-whole-layer", section_title="im2col for a whole layer")
_S_PATCH = dict(section=f"{_IM2COL}#a-4x4-image-a-2x2-kernel-stride-2",
                section_title="A 4x4 image, a 2x2 kernel, stride 2")
_S_COST = dict(section=f"{_IM2COL}#the-cost-of-a-layer", section_title="The cost of a layer")


# --- Exercise 1: cross_correlate --------------------------------------------------------------

def _corr_flipped(x, k):
    return corr2d(x, k[::-1, ::-1])


def _corr_short(x, k):
    return corr2d(x, k)[:-1, :-1]


_CORR_FLIPPED = Misconception(
    "flipped_kernel", "This is the true convolution: you flipped the kernel (k[kh-1-a, kw-1-b]). "
    "A convolutional layer computes the cross-correlation S[i, j] = sum_a sum_b x[i+a, j+b] * "
    "k[a, b], with the kernel as it is.", _corr_flipped, **_S_FLIP)

CROSS_CORRELATE = Exercise(
    name="cross_correlate",
    signature="cross_correlate(x, k)",
    reference=corr2d,
    hint="allocate zeros of shape (H - kh + 1, W - kw + 1); four loops over i, j, a, b add "
         "x[i + a, j + b] * k[a, b] into out[i, j]",
    misconceptions=(
        _CORR_FLIPPED,
        Misconception(
            "one_short", "Your output is one row and one column short: a kernel of height kh fits "
            "at H - kh + 1 positions (range(H - kh + 1)), not H - kh.", _corr_short, **_S_FORMULA),
    ),
    checks=(
        Check("2x3 kernel on a 4x5 input", (Array((4, 5)), Array((2, 3))), seed=101, points=0.5,
              misconceptions=("flipped_kernel", "one_short")),
        Check("3x3 kernel on a 6x6 input", (Array((6, 6)), Array((3, 3))), seed=102, points=0.5,
              misconceptions=("flipped_kernel", "one_short")),
        Check("1x1 kernel on a 3x5 input", (Array((3, 5)), Array((1, 1))), seed=103, points=0.5,
              hidden=True, misconceptions=("one_short",)),
        Check("kernel as large as the 3x4 input", (Array((3, 4)), Array((3, 4))), seed=104,
              points=0.5, hidden=True, misconceptions=("flipped_kernel", "one_short")),
        Check("5x2 kernel on a 7x9 integer-valued input",
              (Array((7, 9), low=-4, high=5, dist="integers"), Array((5, 2))), seed=105, points=0.5,
              hidden=True, misconceptions=("flipped_kernel", "one_short")),
        Check("1x4 row kernel on a 3x8 input", (Array((3, 8)), Array((1, 4))), seed=106, points=0.5,
              hidden=True, misconceptions=("flipped_kernel", "one_short")),
    ),
)


# --- Exercise 2: edge_kernel ------------------------------------------------------------------

def _offsets(size):
    c = (size - 1) / 2
    return np.arange(size)[:, None] - c, np.arange(size)[None, :] - c  # rows down, columns right


def _edge(theta, size):
    a, b = _offsets(size)
    return b * np.cos(theta) - a * np.sin(theta)


def _edge_rows_down(theta, size):
    a, b = _offsets(size)
    return b * np.cos(theta) + a * np.sin(theta)


def _edge_from_vertical(theta, size):
    a, b = _offsets(size)
    return b * np.sin(theta) - a * np.cos(theta)


def _edge_opposite(theta, size):
    return -_edge(theta, size)


EDGE_KERNEL = Exercise(
    name="edge_kernel",
    signature="edge_kernel(theta, size)",
    reference=_edge,
    hint="with c = (size - 1) / 2, row offsets a - c (downwards) and column offsets b - c, return "
         "(b - c) * cos(theta) - (a - c) * sin(theta) as a (size, size) array",
    misconceptions=(
        Misconception(
            "rows_point_down", "Your kernel answers to the mirror-image direction: array rows grow "
            "downwards, but the angle is measured anticlockwise with 'up' positive, so the row "
            "offset enters with a minus sign: (b - c) cos(theta) - (a - c) sin(theta).",
            _edge_rows_down, **_S_EDGE),
        Misconception(
            "angle_from_vertical", "You swapped cos and sin, which measures the angle from the "
            "vertical: theta = 0 must point to the right (brightness increasing along a row), so "
            "the column offset goes with cos(theta).", _edge_from_vertical, **_S_EDGE),
        Misconception(
            "opposite_direction", "Your kernel has the opposite sign: it answers to brightness "
            "DEcreasing in the direction theta. The weights must grow in the direction theta.",
            _edge_opposite, **_S_EDGE),
    ),
    checks=(
        Check("theta = 0, size 3", (Value(0.0), Value(3)), points=0.5,
              misconceptions=("angle_from_vertical", "opposite_direction")),
        Check("theta = pi/2, size 3", (Value(np.pi / 2), Value(3)), points=0.5,
              misconceptions=("rows_point_down", "angle_from_vertical", "opposite_direction")),
        Check("theta = pi/4, size 5", (Value(np.pi / 4), Value(5)), points=0.5, hidden=True,
              misconceptions=("rows_point_down", "opposite_direction")),
        Check("theta = 2pi/3, even size 4", (Value(2 * np.pi / 3), Value(4)), points=0.5, hidden=True,
              misconceptions=("rows_point_down", "angle_from_vertical", "opposite_direction")),
        Check("theta = pi, size 3", (Value(np.pi), Value(3)), points=0.5, hidden=True,
              misconceptions=("angle_from_vertical", "opposite_direction")),
        Check("theta = -pi/6, size 7", (Value(-np.pi / 6), Value(7)), points=0.5, hidden=True,
              misconceptions=("rows_point_down", "angle_from_vertical", "opposite_direction")),
    ),
)


# --- Exercise 3: conv2d_naive -----------------------------------------------------------------

def _layer(x, w, b):
    return conv2d(x, w, b)


def _layer_no_bias(x, w, b):  # noqa: ARG001
    return conv2d(x, w)


def _layer_flipped(x, w, b):
    return conv2d(x, w[:, :, ::-1, ::-1], b)


def _layer_bias_per_channel(x, w, b):
    return conv2d(x, w, b * x.shape[1])


_NO_BIAS = Misconception(
    "no_bias", "You forgot the bias: add b[o] once to every output value of channel o.",
    _layer_no_bias, **_S_SPAN)
_FLIPPED_LAYER = Misconception("flipped_kernel", _CORR_FLIPPED.message, _layer_flipped, **_S_FLIP)

_LAYER_MISCONCEPTIONS = (
    _NO_BIAS,
    _FLIPPED_LAYER,
    Misconception(
        "bias_per_channel", "You added the bias once per input channel (C_in times): a filter has "
        "ONE bias, added once after summing over all channels and window positions.",
        _layer_bias_per_channel, **_S_SPAN),
)


def _layer_args(n, c_in, h, w, c_out, kh, kw, integers=False):
    extra = dict(low=-4, high=5, dist="integers") if integers else {}
    return (Array((n, c_in, h, w), **extra), Array((c_out, c_in, kh, kw)), Array((c_out,)))


CONV2D_NAIVE = Exercise(
    name="conv2d_naive",
    signature="conv2d_naive(x, w, b)",
    reference=_layer,
    hint="out has shape (N, C_out, H - kh + 1, W - kw + 1); loop over n, o, i, j and set "
         "out[n, o, i, j] = np.sum(x[n, :, i:i+kh, j:j+kw] * w[o]) + b[o]",
    misconceptions=_LAYER_MISCONCEPTIONS,
    checks=(
        Check("batch 1, one channel, 3x3 kernel", _layer_args(1, 1, 5, 6, 1, 3, 3), seed=301,
              points=1.0, misconceptions=("no_bias", "flipped_kernel")),
        Check("batch 2, 3 channels to 4, 2x3 kernel", _layer_args(2, 3, 5, 6, 4, 2, 3), seed=302,
              points=1.0, misconceptions=("no_bias", "flipped_kernel", "bias_per_channel")),
        Check("batch 3, 2 channels to 1, 1x1 kernel", _layer_args(3, 2, 4, 3, 1, 1, 1), seed=303,
              points=0.5, hidden=True, misconceptions=("no_bias", "bias_per_channel")),
        Check("4 channels to 2, kernel as tall as the input", _layer_args(1, 4, 3, 7, 2, 3, 2),
              seed=304, points=0.5, hidden=True,
              misconceptions=("no_bias", "flipped_kernel", "bias_per_channel")),
        Check("batch 2, 2 channels to 3, 4x1 kernel, integer-valued input",
              _layer_args(2, 2, 8, 5, 3, 4, 1, integers=True), seed=305, points=0.5, hidden=True,
              misconceptions=("no_bias", "flipped_kernel", "bias_per_channel")),
        Check("batch 1, 5 channels to 6, 3x3 kernel on 6x9", _layer_args(1, 5, 6, 9, 6, 3, 3),
              seed=306, points=0.5, hidden=True,
              misconceptions=("no_bias", "flipped_kernel", "bias_per_channel")),
    ),
)


# --- Exercise 4: im2col -----------------------------------------------------------------------

def _im2col(x, kh, kw, stride):
    """(N, C, H, W) -> (N, C*kh*kw, H'*W'); rows (c, a, b), columns (i, j), row-major."""
    n, c = x.shape[:2]
    win = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    ho, wo = win.shape[2:4]  # win: (N, C, H', W', kh, kw)
    return win.transpose(0, 1, 4, 5, 2, 3).reshape(n, c * kh * kw, ho * wo)


def _im2col_rows_channel_last(x, kh, kw, stride):
    cols = _im2col(x, kh, kw, stride)
    n, c, L = x.shape[0], x.shape[1], cols.shape[2]
    return cols.reshape(n, c, kh * kw, L).transpose(0, 2, 1, 3).reshape(n, c * kh * kw, L)


def _im2col_positions_transposed(x, kh, kw, stride):
    cols = _im2col(x, kh, kw, stride)
    ho = (x.shape[2] - kh) // stride + 1
    wo = (x.shape[3] - kw) // stride + 1
    n, K = cols.shape[:2]
    return cols.reshape(n, K, ho, wo).transpose(0, 1, 3, 2).reshape(n, K, ho * wo)


def _im2col_windows_as_rows(x, kh, kw, stride):
    return _im2col(x, kh, kw, stride).transpose(0, 2, 1)


def _im2col_no_stride(x, kh, kw, stride):  # noqa: ARG001
    return _im2col(x, kh, kw, 1)


IM2COL = Exercise(
    name="im2col",
    signature="im2col(x, kh, kw, stride)",
    reference=_im2col,
    hint="cols = np.zeros((N, C*kh*kw, H_out*W_out)); for each output position (i, j), copy the "
         "window x[:, :, i*stride:i*stride+kh, j*stride:j*stride+kw], reshaped to (N, -1), into "
         "column i*W_out + j",
    misconceptions=(
        Misconception(
            "windows_as_rows", "You returned one window per ROW, shape (N, H'W', C*kh*kw), like the "
            "patch matrix P of the 4x4 example. Here each window is a COLUMN, shape "
            "(N, C*kh*kw, H'W'), so that weights of shape (C_out, C*kh*kw) multiply it from the left.",
            _im2col_windows_as_rows, **_S_COLS),
        Misconception(
            "rows_channel_last", "Your rows are in the order (a, b, c), channel last. They must be "
            "ordered like w[o].reshape(-1), that is (c, a, b): all of channel 0's window row by row, "
            "then channel 1's, and so on (window.reshape(N, -1) of x[:, :, rows, cols] does this).",
            _im2col_rows_channel_last, **_S_COLS),
        Misconception(
            "positions_transposed", "Your columns go down the image first (column-major). Output "
            "position (i, j) must be column i*W_out + j, row by row, so that the result reshapes to "
            "(H_out, W_out).", _im2col_positions_transposed, **_S_COLS),
        Misconception(
            "no_stride", "You ignored the stride: windows start every `stride` pixels, at "
            "i*stride, and there are (H - kh)//stride + 1 of them per column.",
            _im2col_no_stride, **_S_PATCH),
    ),
    checks=(
        Check("the 4x4 image, 2x2 kernel, stride 2",
              (Array((1, 1, 4, 4), low=1, high=17, dist="integers"), Value(2), Value(2), Value(2)),
              seed=401, points=1.0,
              misconceptions=("windows_as_rows", "positions_transposed", "no_stride")),
        Check("batch 2, 3 channels, 3x2 kernel, stride 1",
              (Array((2, 3, 5, 4)), Value(3), Value(2), Value(1)), seed=402, points=1.0,
              misconceptions=("windows_as_rows", "rows_channel_last", "positions_transposed")),
        Check("2 channels, 3x3 kernel, stride 2 on 7x6",
              (Array((1, 2, 7, 6)), Value(3), Value(3), Value(2)), seed=403, points=0.5, hidden=True,
              misconceptions=("windows_as_rows", "rows_channel_last", "positions_transposed",
                              "no_stride")),
        Check("batch 3, one channel, 1x4 kernel, stride 3",
              (Array((3, 1, 5, 8)), Value(1), Value(4), Value(3)), seed=404, points=0.5, hidden=True,
              misconceptions=("windows_as_rows", "positions_transposed", "no_stride")),
        Check("4 channels, kernel as large as the 3x3 input",
              (Array((2, 4, 3, 3)), Value(3), Value(3), Value(1)), seed=405, points=0.5, hidden=True,
              misconceptions=("windows_as_rows", "rows_channel_last")),
        Check("3 channels, 2x2 kernel, stride 1 on 6x9",
              (Array((1, 3, 6, 9)), Value(2), Value(2), Value(1)), seed=406, points=0.5, hidden=True,
              misconceptions=("windows_as_rows", "rows_channel_last", "positions_transposed")),
    ),
)


# --- Exercise 5: conv2d_im2col ----------------------------------------------------------------

def _strided_layer(x, w, b, stride):
    return conv2d(x, w, b, stride=stride)


def _strided_no_bias(x, w, b, stride):  # noqa: ARG001
    return conv2d(x, w, stride=stride)


def _strided_flipped(x, w, b, stride):
    return conv2d(x, w[:, :, ::-1, ::-1], b, stride=stride)


def _strided_no_stride(x, w, b, stride):  # noqa: ARG001
    return conv2d(x, w, b)


def _strided_scrambled(x, w, b, stride):
    out = conv2d(x, w, b, stride=stride)          # (N, C_out, H', W')
    n, c_out = out.shape[:2]
    per_position = out.reshape(n, c_out, -1).transpose(0, 2, 1)   # (N, L, C_out)
    return per_position.reshape(out.shape)        # reshaped without moving C_out back


def _strided_args(n, c_in, h, w, c_out, kh, kw, stride):
    return (Array((n, c_in, h, w)), Array((c_out, c_in, kh, kw)), Array((c_out,)), Value(stride))


CONV2D_IM2COL = Exercise(
    name="conv2d_im2col",
    signature="conv2d_im2col(x, w, b, stride)",
    reference=_strided_layer,
    hint="cols = im2col(x, kh, kw, stride) of shape (N, K, L); out = w.reshape(C_out, -1) @ cols "
         "+ b[:, None] has shape (N, C_out, L); reshape it to (N, C_out, H_out, W_out)",
    misconceptions=(
        Misconception("no_bias", _NO_BIAS.message, _strided_no_bias, **_S_SPAN),
        Misconception("flipped_kernel", _CORR_FLIPPED.message, _strided_flipped, **_S_FLIP),
        Misconception(
            "scrambled_reshape", "Your values are scrambled: you computed one row per position, "
            "shape (N, L, C_out), and reshaped it straight to (N, C_out, H_out, W_out). Reshape "
            "does not move axes: transpose to (N, C_out, L) first, or compute "
            "w.reshape(C_out, -1) @ cols, which is already (N, C_out, L).",
            _strided_scrambled, **_S_COLS),
        Misconception(
            "no_stride", "You ignored the stride: this is the stride-1 output. Pass the stride to "
            "im2col and use H_out = (H - kh)//stride + 1.", _strided_no_stride, **_S_PATCH),
    ),
    checks=(
        Check("one filter, 2x2 kernel, stride 2 on 4x4", _strided_args(1, 1, 4, 4, 1, 2, 2, 2),
              seed=501, points=1.0, misconceptions=("no_bias", "flipped_kernel", "no_stride")),
        Check("batch 2, 3 channels to 4, 3x2 kernel, stride 1", _strided_args(2, 3, 6, 5, 4, 3, 2, 1),
              seed=502, points=1.0, misconceptions=("no_bias", "flipped_kernel", "scrambled_reshape")),
        Check("batch 3, 2 channels to 5, 3x3 kernel, stride 2", _strided_args(3, 2, 7, 9, 5, 3, 3, 2),
              seed=503, points=0.5, hidden=True,
              misconceptions=("no_bias", "flipped_kernel", "scrambled_reshape", "no_stride")),
        Check("4 channels to 2, 1x1 kernel", _strided_args(1, 4, 5, 5, 2, 1, 1, 1), seed=504,
              points=0.5, hidden=True, misconceptions=("no_bias", "scrambled_reshape")),
        Check("one channel to 3, 4x2 kernel, stride 3", _strided_args(2, 1, 9, 6, 3, 4, 2, 3),
              seed=505, points=0.5, hidden=True,
              misconceptions=("no_bias", "flipped_kernel", "scrambled_reshape", "no_stride")),
        Check("kernel as large as the 4x6 input", _strided_args(1, 3, 4, 6, 2, 4, 6, 1), seed=506,
              points=0.5, hidden=True, misconceptions=("no_bias", "flipped_kernel")),
    ),
)


# --- Exercise 6: conv2d_params ----------------------------------------------------------------

def _params(c_in, c_out, kh, kw):
    return c_out * (c_in * kh * kw + 1)


def _params_no_bias(c_in, c_out, kh, kw):
    return c_out * c_in * kh * kw


def _params_bias_per_channel(c_in, c_out, kh, kw):
    return c_out * c_in * (kh * kw + 1)


def _params_ignores_c_in(c_in, c_out, kh, kw):  # noqa: ARG001
    return c_out * (kh * kw + 1)


def _ints(*values):
    return tuple(Value(v) for v in values)


CONV2D_PARAMS = Exercise(
    name="conv2d_params",
    signature="conv2d_params(c_in, c_out, kh, kw)",
    reference=_params,
    output="int",
    hint="each of the c_out filters has c_in * kh * kw weights and one bias",
    misconceptions=(
        Misconception("no_bias", "You counted the weights only: each filter also has one bias, "
                      "so add c_out.", _params_no_bias, **_S_COUNT),
        Misconception("bias_per_channel", "You counted one bias per input channel: a filter has "
                      "ONE bias, whatever c_in is.", _params_bias_per_channel, **_S_COUNT),
        Misconception("ignores_c_in", "You counted a 2-D kernel per filter: a filter spans all "
                      "c_in input channels, so it has c_in * kh * kw weights.",
                      _params_ignores_c_in, **_S_SPAN),
    ),
    checks=(
        Check("3 channels to 16, 3x3", _ints(3, 16, 3, 3), points=0.4,
              misconceptions=("no_bias", "bias_per_channel", "ignores_c_in")),
        Check("the lecture's 16 filters of 4x4 on a grey image", _ints(1, 16, 4, 4), points=0.4,
              misconceptions=("no_bias",)),
        Check("64 to 128 channels, 3x3", _ints(64, 128, 3, 3), points=0.4, hidden=True,
              misconceptions=("no_bias", "bias_per_channel", "ignores_c_in")),
        Check("AlexNet's first layer: 3 to 96, 11x11", _ints(3, 96, 11, 11), points=0.4, hidden=True,
              misconceptions=("no_bias", "bias_per_channel", "ignores_c_in")),
        Check("5 to 7 channels, 1x3", _ints(5, 7, 1, 3), points=0.4, hidden=True,
              misconceptions=("no_bias", "bias_per_channel", "ignores_c_in")),
    ),
)


# --- Exercise 7: conv2d_macs ------------------------------------------------------------------

def _macs(n, c_in, h, w, c_out, kh, kw, stride):
    ho, wo = conv_output_size((h, w), (kh, kw), stride)
    return n * c_out * ho * wo * c_in * kh * kw


def _macs_input_positions(n, c_in, h, w, c_out, kh, kw, stride):  # noqa: ARG001
    return n * c_out * h * w * c_in * kh * kw


def _macs_ignores_c_in(n, c_in, h, w, c_out, kh, kw, stride):
    return _macs(n, 1, h, w, c_out, kh, kw, stride)


def _macs_ceil(n, c_in, h, w, c_out, kh, kw, stride):
    ho, wo = -(-(h - kh) // stride) + 1, -(-(w - kw) // stride) + 1
    return n * c_out * ho * wo * c_in * kh * kw


def _macs_no_stride(n, c_in, h, w, c_out, kh, kw, stride):  # noqa: ARG001
    return _macs(n, c_in, h, w, c_out, kh, kw, 1)


CONV2D_MACS = Exercise(
    name="conv2d_macs",
    signature="conv2d_macs(n, c_in, h, w, c_out, kh, kw, stride)",
    reference=_macs,
    output="int",
    hint="H_out = (h - kh)//stride + 1 and W_out likewise; every one of the n*c_out*H_out*W_out "
         "outputs is a dot product of c_in*kh*kw numbers",
    misconceptions=(
        Misconception("input_positions", "You counted one dot product per INPUT pixel (h*w): there "
                      "is one per OUTPUT position, H_out*W_out.", _macs_input_positions, **_S_COST),
        Misconception("ignores_c_in", "You left out the input channels: each output sums over "
                      "c_in*kh*kw products, all channels of the window.", _macs_ignores_c_in, **_S_COST),
        Misconception("ceil", "You rounded the output size up: a window that does not fit entirely "
                      "is not computed, so H_out = (h - kh)//stride + 1, rounded down.",
                      _macs_ceil, **_S_COST),
        Misconception("no_stride", "You ignored the stride: with stride s there are only "
                      "(h - kh)//s + 1 output rows.", _macs_no_stride, **_S_COST),
    ),
    checks=(
        Check("the lecture's layer: 16 filters of 4x4, stride 2, on 28x28", _ints(1, 1, 28, 28, 16, 4, 4, 2),
              points=0.6, misconceptions=("input_positions", "no_stride")),
        Check("batch 2, 3 to 8 channels, 5x3 kernel on 32x24", _ints(2, 3, 32, 24, 8, 5, 3, 1),
              points=0.6, misconceptions=("input_positions", "ignores_c_in")),
        Check("a mid-network layer: 64 to 64 channels, 3x3 on 56x56", _ints(4, 64, 56, 56, 64, 3, 3, 1),
              points=0.6, hidden=True, misconceptions=("input_positions", "ignores_c_in")),
        Check("11x11, stride 4 on 224x224 (does not divide)", _ints(1, 3, 224, 224, 96, 11, 11, 4),
              points=0.6, hidden=True, misconceptions=("input_positions", "ignores_c_in", "ceil",
                                                       "no_stride")),
        Check("batch 3, 5 to 2 channels, 2x3 kernel, stride 2 on 9x7", _ints(3, 5, 9, 7, 2, 2, 3, 2),
              points=0.6, hidden=True, misconceptions=("input_positions", "ignores_c_in", "ceil",
                                                       "no_stride")),
    ),
)


ASSIGNMENT = Assignment(
    id="convolution",
    title="Convolution: from loops to one matrix product",
    exercises=(CROSS_CORRELATE, EDGE_KERNEL, CONV2D_NAIVE, IM2COL, CONV2D_IM2COL, CONV2D_PARAMS,
               CONV2D_MACS),
)
