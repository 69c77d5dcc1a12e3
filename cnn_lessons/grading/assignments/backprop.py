"""Assignment "backprop": the backward passes of a convolution layer, a numerical gradient, and one
SGD step of a small CNN.

Source notebook: ``book/05_backpropagation/exercises.ipynb``. Hidden checks cover several channels,
a batch, non-square kernels, stride, padding and dilation; the numerical and analytic gradients of
the later exercises are compared with the package's reference.
"""

from __future__ import annotations

import numpy as np

from ...activations import log_softmax, relu, relu_backward, softmax, tanh
from ...convolution import conv2d, conv2d_backward, corr2d
from ..spec import Array, Assignment, Check, Exercise, Misconception, Value

_NB = "05_backpropagation"


def _section(page, anchor, title):
    return dict(section=f"{_NB}/{page}#{anchor}", section_title=title)


_ACT = _section("01_conv_layer_gradients.ipynb", "step-1-through-the-activation", "Step 1: through the activation")
_KERNEL = _section("01_conv_layer_gradients.ipynb", "step-2-the-kernel-gradient", "Step 2: the kernel gradient")
_BIAS = _section("01_conv_layer_gradients.ipynb", "step-3-the-bias-gradient", "Step 3: the bias gradient")
_INPUT = _section("01_conv_layer_gradients.ipynb", "step-4-the-input-gradient", "Step 4: the input gradient")
_BATCH = _section("01_conv_layer_gradients.ipynb", "batches-and-channels", "Batches and channels")
_STRIDE = _section("02_stride_dilation_padding.ipynb", "stride-the-gradient-is-dilated",
                   "Stride: the gradient is dilated")
_CHECKS = _section("03_network_and_gradient_checks.ipynb", "gradient-checking", "Gradient checking")
_NETWORK = _section("03_network_and_gradient_checks.ipynb", "assembling-a-network", "Assembling a network")
_SGD = _section("04_training_a_cnn.ipynb", "the-loss-and-the-optimiser", "The loss and the optimiser")


# --- Exercise 1: relu_backward --------------------------------------------------------------

RELU_BACKPROP = Exercise(
    name="relu_backprop",
    signature="relu_backprop(grad_output, z)",
    reference=lambda g, z: relu_backward(g, z),
    hint="multiply grad_output by 1 where z > 0 and by 0 elsewhere (also at z == 0)",
    misconceptions=(
        Misconception("slope_one_at_zero", "Where z is exactly 0 you passed the gradient on. The "
                      "course (like PyTorch) takes ReLU'(0) = 0: use z > 0, not z >= 0.",
                      lambda g, z: g * (z >= 0), **_ACT),
        Misconception("mask_only", "You returned ReLU's derivative itself. The backward pass "
                      "returns the upstream gradient times that derivative: grad_output * (z > 0).",
                      lambda g, z: (z > 0).astype(np.float64), **_ACT),
        Misconception("times_output", "You multiplied the upstream gradient by relu(z), the "
                      "layer's output. Multiply by its slope, which is 1 or 0.",
                      lambda g, z: g * relu(z), **_ACT),
    ),
    checks=(
        Check("a 3x4 map with some zeros in z", (Array((3, 4)), Array((3, 4), low=-2, high=3, dist="integers")),
              seed=101, misconceptions=("slope_one_at_zero", "mask_only", "times_output")),
        Check("a batch (2, 3, 5, 5), no zeros", (Array((2, 3, 5, 5)), Array((2, 3, 5, 5))), seed=102,
              hidden=True, misconceptions=("mask_only", "times_output")),
    ),
)


# --- Exercise 2: conv2d_backward_loop ------------------------------------------------------

def _loop_ref(g, x, w):
    dx, dw, db = conv2d_backward(g[None], x[None], w, np.zeros(w.shape[0]))
    return dx[0], dw, db


def _loop_no_flip(g, x, w):
    _, dw, db = _loop_ref(g, x, w)
    kh, kw = w.shape[2:]
    dx = conv2d(g[None], w.transpose(1, 0, 2, 3), padding=(kh - 1, kw - 1))[0]
    return dx, dw, db


def _loop_dw_flipped(g, x, w):
    dx, dw, db = _loop_ref(g, x, w)
    return dx, dw[:, :, ::-1, ::-1].copy(), db


def _loop_db_mean(g, x, w):
    dx, dw, _ = _loop_ref(g, x, w)
    return dx, dw, g.mean(axis=(1, 2))


_NO_FLIP = Misconception(
    "no_flip", "Your input gradient uses the kernel as it is. Output (i, j) reaches input (r, s) "
    "through W[r - i, s - j]: the indices run against each other, so the input gradient is a full "
    "convolution, that is a correlation of the zero-padded gradient with the FLIPPED kernel "
    "(w[..., ::-1, ::-1]).", _loop_no_flip, **_INPUT)

CONV2D_BACKWARD_LOOP = Exercise(
    name="conv2d_backward_loop",
    signature="conv2d_backward_loop(grad_output, x, w)",
    reference=_loop_ref,
    output="tuple",
    output_names=("dx", "dw", "db"),
    hint="loop over o, c, i, j, a, b: dx[c, i+a, j+b] += g[o, i, j] * w[o, c, a, b] and "
         "dw[o, c, a, b] += g[o, i, j] * x[c, i+a, j+b]; db[o] = g[o].sum()",
    misconceptions=(
        _NO_FLIP,
        Misconception("dw_flipped", "Your kernel gradient is flipped. dW[a, b] sums dZ[i, j] * "
                      "X[i + a, j + b]: a correlation of X with dZ, no flip (the flip belongs to "
                      "the input gradient).", _loop_dw_flipped, **_KERNEL),
        Misconception("db_mean", "You averaged the upstream gradient for the bias. The bias is "
                      "added to every output, so its gradient is the SUM of dZ over the positions.",
                      _loop_db_mean, **_BIAS),
    ),
    checks=(
        Check("one channel: x (1, 4, 4), w (1, 1, 2, 2)",
              (Array((1, 3, 3)), Array((1, 4, 4)), Array((1, 1, 2, 2))), seed=201, points=2,
              misconceptions=("no_flip", "dw_flipped", "db_mean")),
        Check("channels: x (3, 6, 5), w (4, 3, 3, 3)",
              (Array((4, 4, 3)), Array((3, 6, 5)), Array((4, 3, 3, 3))), seed=202, points=2, hidden=True,
              misconceptions=("no_flip", "dw_flipped", "db_mean")),
        Check("non-square kernel: x (2, 5, 6), w (3, 2, 2, 3)",
              (Array((3, 4, 4)), Array((2, 5, 6)), Array((3, 2, 2, 3))), seed=203, points=1, hidden=True,
              misconceptions=("no_flip", "dw_flipped")),
    ),
)


# --- Exercise 3: conv2d_backward_vec -------------------------------------------------------

def _input_grad(g, w, H, W, s, p, d, flip=True, dilate_grad=True):
    N, O, Ho, Wo = g.shape
    if dilate_grad:
        gs = np.zeros((N, O, s * (Ho - 1) + 1, s * (Wo - 1) + 1))
        gs[:, :, ::s, ::s] = g
    else:
        gs = g
    wd = np.zeros(w.shape[:2] + (d * (w.shape[2] - 1) + 1, d * (w.shape[3] - 1) + 1))
    wd[:, :, ::d, ::d] = w
    if flip:
        wd = wd[:, :, ::-1, ::-1]
    kh, kw = wd.shape[2:]
    full = conv2d(gs, wd.transpose(1, 0, 2, 3).copy(), padding=(kh - 1, kw - 1))
    full = np.pad(full, ((0, 0), (0, 0), (0, max(H + 2 * p - full.shape[2], 0)),
                         (0, max(W + 2 * p - full.shape[3], 0))))
    return full[:, :, p:p + H, p:p + W]


def _vec_ref(g, x, w, stride, padding, dilation):
    return conv2d_backward(g, x, w, np.zeros(w.shape[0]), stride=stride, padding=padding, dilation=dilation)


def _vec_batch_mean(g, x, w, s, p, d):
    dx, dw, db = _vec_ref(g, x, w, s, p, d)
    return dx, dw / len(x), db / len(x)


def _vec_no_flip(g, x, w, s, p, d):
    _, dw, db = _vec_ref(g, x, w, s, p, d)
    return _input_grad(g, w, x.shape[2], x.shape[3], s, p, d, flip=False), dw, db


def _vec_no_dilate(g, x, w, s, p, d):
    _, dw, db = _vec_ref(g, x, w, s, p, d)
    return _input_grad(g, w, x.shape[2], x.shape[3], s, p, d, dilate_grad=False), dw, db


def _gshape(x_shape, w_shape, s, p, d):
    N, _, H, W = x_shape
    O, _, kh, kw = w_shape
    return (N, O, (H + 2 * p - d * (kh - 1) - 1) // s + 1, (W + 2 * p - d * (kw - 1) - 1) // s + 1)


def _vec_check(name, x_shape, w_shape, s, p, d, seed, **kw):
    return Check(name, (Array(_gshape(x_shape, w_shape, s, p, d)), Array(x_shape), Array(w_shape),
                        Value(s), Value(p), Value(d)), seed=seed, **kw)


CONV2D_BACKWARD_VEC = Exercise(
    name="conv2d_backward_vec",
    signature="conv2d_backward_vec(grad_output, x, w, stride, padding, dilation)",
    reference=_vec_ref,
    output="tuple",
    output_names=("dx", "dw", "db"),
    hint="pad x; loop over the kernel offsets (a, b) only: the window of xp that offset a, b meets is "
         "xp[:, :, d*a : d*a + s*(Ho-1) + 1 : s, d*b : d*b + s*(Wo-1) + 1 : s]; use einsum for dw and "
         "add g contracted with w[:, :, a, b] into the same slice of dxp; cut the padding off",
    misconceptions=(
        Misconception("batch_mean", "Your kernel and bias gradients are the batch average. The same "
                      "kernel is used for every example, so its gradient is the SUM over the batch "
                      "(the loss's own 1/N, if any, is already inside grad_output).",
                      _vec_batch_mean, **_BATCH),
        Misconception("no_flip", _NO_FLIP.message, _vec_no_flip, **_INPUT),
        Misconception("no_dilate", "With a stride, output (i, j) reads the window at (s*i, s*j), so "
                      "each upstream value belongs s cells apart: insert s - 1 zeros between the cells "
                      "of grad_output (dilate it) before the full convolution.",
                      _vec_no_dilate, **_STRIDE),
    ),
    checks=(
        _vec_check("a batch, stride 1, no padding: x (2, 3, 5, 5), w (4, 3, 3, 3)", (2, 3, 5, 5), (4, 3, 3, 3),
                   1, 0, 1, 301, misconceptions=("batch_mean", "no_flip")),
        _vec_check("stride 2, padding 1: x (2, 2, 7, 7), w (3, 2, 3, 3)", (2, 2, 7, 7), (3, 2, 3, 3), 2, 1, 1,
                   302, misconceptions=("batch_mean", "no_flip", "no_dilate")),
        _vec_check("dilation 2, padding 2: x (3, 2, 8, 7), w (2, 2, 3, 2)", (3, 2, 8, 7), (2, 2, 3, 2), 1, 2, 2,
                   303, hidden=True, misconceptions=("batch_mean", "no_flip")),
        _vec_check("stride 2 with unused rows: x (2, 1, 8, 9), w (2, 1, 3, 3)", (2, 1, 8, 9), (2, 1, 3, 3),
                   2, 0, 1, 304, hidden=True, misconceptions=("batch_mean", "no_flip", "no_dilate")),
        _vec_check("stride 3, padding 1, dilation 2: x (2, 3, 11, 10), w (4, 3, 2, 3)", (2, 3, 11, 10),
                   (4, 3, 2, 3), 3, 1, 2, 305, hidden=True, misconceptions=("batch_mean", "no_flip", "no_dilate")),
    ),
)


# --- Exercise 4: numerical_gradient_w ------------------------------------------------------

def _num_grad(x, w, g, eps, central=True, half=False):
    def f(v):
        return float(np.sum(g * tanh(corr2d(x, v))))
    grad = np.zeros(w.shape)
    for idx in np.ndindex(w.shape):
        plus, minus = w.copy(), w.copy()
        plus[idx] += eps
        minus[idx] -= eps
        if central:
            grad[idx] = (f(plus) - f(minus)) / (eps if half else 2 * eps)
        else:
            grad[idx] = (f(plus) - f(w)) / eps
    return grad


NUMERICAL_GRADIENT_W = Exercise(
    name="numerical_gradient_w",
    signature="numerical_gradient_w(x, w, g, eps)",
    reference=_num_grad,
    hint="for each index of w: copy w, add eps at that index for f(w + eps e), subtract it for "
         "f(w - eps e), and store (f_plus - f_minus) / (2 * eps); f(w) = sum(g * tanh(corr(x, w)))",
    misconceptions=(
        Misconception("forward_difference", "This is the one-sided (forward) difference "
                      "(f(w + eps) - f(w)) / eps, whose error is of order eps. Use the central "
                      "difference (f(w + eps) - f(w - eps)) / (2 eps), whose error is of order eps^2.",
                      lambda x, w, g, eps: _num_grad(x, w, g, eps, central=False), **_CHECKS),
        Misconception("half_step", "Your values are twice too large: the two points w + eps and "
                      "w - eps are 2 eps apart, so divide their difference by 2 * eps.",
                      lambda x, w, g, eps: _num_grad(x, w, g, eps, half=True), **_CHECKS),
    ),
    checks=(
        Check("x (5, 5), w (2, 2), eps 1e-3", (Array((5, 5)), Array((2, 2)), Array((4, 4)), Value(1e-3)),
              seed=401, misconceptions=("forward_difference", "half_step")),
        Check("x (6, 7), w (3, 2), eps 1e-3", (Array((6, 7)), Array((3, 2)), Array((4, 6)), Value(1e-3)),
              seed=402, hidden=True, misconceptions=("forward_difference", "half_step")),
        Check("x (4, 4), w (3, 3), eps 1e-4", (Array((4, 4), low=-2, high=2), Array((3, 3)), Array((2, 2)),
              Value(1e-4)), seed=403, hidden=True, misconceptions=("half_step",)),
    ),
)


# --- Exercise 5: sgd_step --------------------------------------------------------------------

def _sgd(x, y, w1, b1, w2, b2, lr, relu_grad=True, mean=True, sign=-1.0):
    N = len(x)
    z = conv2d(x, w1, b1, padding=1)
    h = relu(z)
    f = h.mean(axis=(2, 3))
    logits = f @ w2.T + b2
    d_logits = softmax(logits, axis=1)
    d_logits[np.arange(N), y] -= 1.0
    if mean:
        d_logits /= N
    dw2, db2 = d_logits.T @ f, d_logits.sum(axis=0)
    d_h = np.broadcast_to((d_logits @ w2)[:, :, None, None] / (z.shape[2] * z.shape[3]), z.shape)
    d_z = relu_backward(d_h, z) if relu_grad else np.array(d_h)
    _, dw1, db1 = conv2d_backward(d_z, x, w1, b1, padding=1)
    return tuple(p + sign * lr * dp for p, dp in ((w1, dw1), (b1, db1), (w2, dw2), (b2, db2)))


def _sgd_loss(x, y, w1, b1, w2, b2):  # used by the notebook's text, not graded
    logits = relu(conv2d(x, w1, b1, padding=1)).mean(axis=(2, 3)) @ w2.T + b2
    return -log_softmax(logits, axis=1)[np.arange(len(x)), y].mean()


def _sgd_args(N, H, C, K, lr=0.5):
    return (Array((N, 1, H, H)), Array((N,), dtype="int64", low=0, high=K, dist="integers"),
            Array((C, 1, 3, 3)), Array((C,), low=-0.5, high=0.5), Array((K, C)), Array((K,)), Value(lr))


SGD_STEP = Exercise(
    name="sgd_step",
    signature="sgd_step(x, y, w1, b1, w2, b2, lr)",
    reference=_sgd,
    output="tuple",
    output_names=("w1", "b1", "w2", "b2"),
    hint="forward: z = conv (padding 1), h = relu(z), f = mean of h over (H, W), logits = f @ w2.T + b2; "
         "backward: d_logits = (softmax - onehot) / N, then w2, b2, then spread d_f evenly over H*W, "
         "multiply by (z > 0), and use your conv2d_backward_vec; return p - lr * dp for each parameter",
    misconceptions=(
        Misconception("no_relu_grad", "Your first-layer gradients ignore the ReLU. On the way back, "
                      "multiply the gradient by relu'(z), which is 0 where z <= 0.",
                      lambda *a: _sgd(*a, relu_grad=False), **_NETWORK),
        Misconception("no_mean", "Your gradients are N times too large: the loss is the MEAN over the "
                      "batch, so its gradient with respect to the logits is (softmax - onehot) / N.",
                      lambda *a: _sgd(*a, mean=False), **_SGD),
        Misconception("ascent", "You moved the parameters up the gradient. Gradient DESCENT subtracts: "
                      "p - lr * grad.", lambda *a: _sgd(*a, sign=1.0), **_SGD),
    ),
    checks=(
        Check("N=4, 6x6 images, 3 filters, 3 classes", _sgd_args(4, 6, 3, 3), seed=501, points=2,
              misconceptions=("no_relu_grad", "no_mean", "ascent")),
        Check("N=8, 8x8 images, 5 filters, 4 classes", _sgd_args(8, 8, 5, 4), seed=502, points=2, hidden=True,
              misconceptions=("no_relu_grad", "no_mean", "ascent")),
        Check("N=1, 5x5 image, 2 filters, 2 classes, lr 0.1", _sgd_args(1, 5, 2, 2, lr=0.1), seed=503,
              points=1, hidden=True, misconceptions=("no_relu_grad", "ascent")),
    ),
)


ASSIGNMENT = Assignment(
    id="backprop",
    title="Backpropagation: conv layer gradients, numerical checks, one training step",
    exercises=(RELU_BACKPROP, CONV2D_BACKWARD_LOOP, CONV2D_BACKWARD_VEC, NUMERICAL_GRADIENT_W, SGD_STEP),
)
