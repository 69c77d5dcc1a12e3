"""Assignment "activations": ReLU and ELU with their backward passes, a stable sigmoid and
softmax, the softmax's Jacobian-vector product, and dead channels.

Source notebook: ``book/02_activations/exercises.ipynb``.

Besides :class:`~cnn_lessons.grading.spec.Array`, two input generators of this module
write chosen values into the drawn arrays: :class:`_WithValues` (extreme inputs such as
+-1000 and +-0.0 at fixed places) and :class:`_PreActivations` (pre-activation maps with
some channels at or below zero everywhere). Both draw from the check's seed like ``Array``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...activations import elu, elu_backward, relu, relu_backward, sigmoid, softmax, softmax_backward
from ..spec import Array, Assignment, Check, Exercise, Misconception, Value


@dataclass(frozen=True)
class _WithValues(Array):
    """An :class:`Array` whose first entries (in row-major order) are replaced by `values`."""

    values: tuple = ()

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        a = super().draw(rng)
        flat = a.reshape(-1)
        flat[:len(self.values)] = np.asarray(self.values, dtype=a.dtype)
        return a


@dataclass(frozen=True)
class _PreActivations(Array):
    """Integer-valued pre-activations ``(N, C, ...)`` in ``[low, high)``, with channels made dead.

    Channels in `dead` are ``<= 0`` everywhere and contain exact zeros; channels in
    `negative` are ``< 0`` everywhere; channels in `one_positive` are ``<= 0`` everywhere
    except at a single position of the last image.
    """

    dead: tuple = ()
    negative: tuple = ()
    one_positive: tuple = ()

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        a = rng.integers(int(self.low), int(self.high), size=self.shape).astype(self.dtype)
        for c in self.dead:
            a[:, c] = np.minimum(a[:, c], 0)
            a[(0, c) + (0,) * (a.ndim - 2)] = 0
        for c in self.negative:
            a[:, c] = -np.abs(a[:, c]) - 1
        for c in self.one_positive:
            a[:, c] = np.minimum(a[:, c], 0)
            a[(-1, c) + (-1,) * (a.ndim - 2)] = 1
        return a


_NB02 = "02_activations/02_activation_functions.ipynb"
_NB03 = "02_activations/03_vanishing_and_dying.ipynb"
_NB04 = "02_activations/04_initialisation_and_choice.ipynb"
_RELU_SECTION = dict(section=f"{_NB02}#act-relu-family", section_title="The ReLU family")
_KINK_SECTION = dict(section=f"{_NB02}#act-kink",
                     section_title="The derivative at a kink, precisely")
_BACKWARD_SECTION = dict(section=f"{_NB02}#act-derivative-from-backward",
                         section_title="A derivative from a backward")
_EXTREMES = (1000.0, -1000.0, 0.0, -0.0)


# --- Exercise 1: relu_loop ------------------------------------------------------------------

def _relu_mask(x):
    return (np.asarray(x) > 0).astype(np.asarray(x).dtype)


def _relu_min(x):
    return np.minimum(x, 0)


RELU_LOOP = Exercise(
    name="relu_loop",
    signature="relu_loop(x)",
    reference=relu,
    hint="work on a copy of x (never change x itself) and visit every element with "
         "np.ndindex(x.shape), which gives every index of an array of any shape",
    misconceptions=(
        Misconception(
            "mask", "You returned where the input is positive (1 or 0), not the ReLU's value: "
            "ReLU(x) = max(0, x) keeps the positive inputs as they are.", _relu_mask, **_RELU_SECTION),
        Misconception(
            "negative_part", "You kept the negative part, min(0, x): ReLU(x) = max(0, x) keeps the "
            "positive part and sets the negative inputs to 0.", _relu_min, **_RELU_SECTION),
    ),
    checks=(
        Check("a 3x4 array", (Array((3, 4)),), seed=1, misconceptions=("mask", "negative_part")),
        Check("a (2, 3, 5) array", (Array((2, 3, 5), low=-3, high=3),), seed=2,
              misconceptions=("mask", "negative_part")),
        Check("float32 stays float32", (Array((4, 4), dtype="float32"),), seed=3, hidden=True,
              points=0.5, misconceptions=("mask", "negative_part")),
        Check("extremes +-1000 and +-0.0", (_WithValues((2, 6), low=-5, high=5, values=_EXTREMES),),
              seed=4, hidden=True, points=0.5, misconceptions=("mask", "negative_part")),
    ),
)


# --- Exercise 2: relu_backward --------------------------------------------------------------

def _relu_backward_kink_one(g, x):
    return np.where(x >= 0, g, 0 * g)


def _relu_backward_mask_only(g, x):
    return (x > 0).astype(np.result_type(g, x))


def _relu_backward_on_grad(g, x):  # noqa: ARG001
    return np.where(g > 0, g, 0 * g)


RELU_BACKWARD = Exercise(
    name="relu_backward",
    signature="relu_backward(grad_output, x)",
    reference=relu_backward,
    hint="the upstream gradient where x > 0, and 0 where x <= 0 (x = 0 included)",
    misconceptions=(
        Misconception(
            "kink_one", "At x = 0 you passed the gradient through (derivative 1). The ReLU has no "
            "derivative at its kink; PyTorch, and this course, use 0 there: test x > 0, not x >= 0.",
            _relu_backward_kink_one, **_KINK_SECTION),
        Misconception(
            "mask_only", "You returned the derivative ReLU'(x) alone. The backward returns "
            "grad_output * ReLU'(x): multiply by the upstream gradient.",
            _relu_backward_mask_only, **_BACKWARD_SECTION),
        Misconception(
            "mask_on_grad", "You applied the ReLU to the upstream gradient. Whether a gradient passes "
            "depends on the forward's input x (x > 0), not on the sign of grad_output.",
            _relu_backward_on_grad, **_BACKWARD_SECTION),
    ),
    checks=(
        Check("integer-valued x with exact zeros",
              (Array((4, 5)), Array((4, 5), low=-2, high=3, dist="integers")), seed=11,
              misconceptions=("kink_one", "mask_only", "mask_on_grad")),
        Check("a (2, 3, 4, 4) feature map", (Array((2, 3, 4, 4)), Array((2, 3, 4, 4))), seed=12,
              misconceptions=("mask_only", "mask_on_grad")),
        Check("float32, with +-0.0 and +-1000",
              (Array((3, 4), dtype="float32"),
               _WithValues((3, 4), dtype="float32", values=_EXTREMES)), seed=13, hidden=True,
              misconceptions=("kink_one", "mask_only", "mask_on_grad")),
    ),
)


# --- Exercise 3: elu_backward ---------------------------------------------------------------

def _elu_backward_function(g, x, alpha):
    return np.where(x > 0, g, elu(x, alpha) * g)


def _elu_backward_right_branch(g, x, alpha):
    return np.where(x >= 0, g, alpha * np.exp(np.minimum(x, 0)) * g)


def _elu_backward_no_grad(g, x, alpha):
    return elu_backward(np.ones_like(g), x, alpha)


ELU_BACKWARD = Exercise(
    name="elu_backward",
    signature="elu_backward(grad_output, x, alpha)",
    reference=elu_backward,
    hint="grad_output where x > 0, else alpha * exp(x) * grad_output (x = 0 takes the second branch)",
    misconceptions=(
        Misconception(
            "function_not_derivative", "For x <= 0 you used the function, alpha * (exp(x) - 1), "
            "instead of its derivative, alpha * exp(x).", _elu_backward_function, **_RELU_SECTION),
        Misconception(
            "kink_right_branch", "At x = 0 you used the right-hand slope 1. PyTorch, and this course, "
            "take the left branch there: alpha * exp(0) = alpha (the same only when alpha = 1).",
            _elu_backward_right_branch, **_KINK_SECTION),
        Misconception(
            "no_grad_output", "You returned the derivative ELU'(x) alone. Multiply it by grad_output.",
            _elu_backward_no_grad, **_BACKWARD_SECTION),
    ),
    checks=(
        Check("alpha = 1", (Array((3, 5), low=-3, high=3), Array((3, 5), low=-3, high=3), Value(1.0)),
              seed=21, misconceptions=("function_not_derivative", "no_grad_output")),
        Check("alpha = 2, integer-valued x with exact zeros",
              (Array((4, 4)), Array((4, 4), low=-2, high=3, dist="integers"), Value(2.0)), seed=22,
              misconceptions=("function_not_derivative", "kink_right_branch", "no_grad_output")),
        Check("alpha = 0.5, float32 with +-1000 and +-0.0",
              (Array((2, 6), dtype="float32"), _WithValues((2, 6), dtype="float32", low=-4, high=4,
                                                           values=_EXTREMES), Value(0.5)),
              seed=23, hidden=True,
              misconceptions=("function_not_derivative", "kink_right_branch", "no_grad_output")),
    ),
)


# --- Exercise 4: stable_sigmoid -------------------------------------------------------------

_SIGMOID_SECTION = dict(section=f"{_NB04}#act-stable-sigmoid", section_title="A stable sigmoid")


def _sigmoid_flipped(x):
    return sigmoid(-x)


def _sigmoid_overflow(x):
    with np.errstate(all="ignore"):
        return np.exp(x) / (1 + np.exp(x))


STABLE_SIGMOID = Exercise(
    name="stable_sigmoid",
    signature="stable_sigmoid(x)",
    reference=sigmoid,
    hint="exp(-|x|) never overflows: write sigmoid with it, one formula for x >= 0 and "
         "another for x < 0 (see the lesson on numerically stable sigmoid)",
    misconceptions=(
        Misconception(
            "sign_flip", "You computed sigmoid(-x) = 1 / (1 + exp(x)): the exponent is -x, so that "
            "large positive inputs give values near 1.", _sigmoid_flipped,
            section=f"{_NB02}#act-sigmoid-tanh", section_title="Sigmoid and tanh"),
        Misconception(
            "overflow", "exp(x) overflows to infinity for large x (above about 709 in float64, 88 in "
            "float32), and inf / inf is NaN. Only ever exponentiate -|x|.", _sigmoid_overflow,
            **_SIGMOID_SECTION),
    ),
    checks=(
        Check("moderate inputs", (Array((3, 4), low=-6, high=6),), seed=31,
              misconceptions=("sign_flip",)),
        Check("inputs up to +-1000", (_WithValues((2, 5), low=-1000, high=1000, values=_EXTREMES),),
              seed=32, misconceptions=("sign_flip", "overflow")),
        Check("float32 up to +-1000",
              (_WithValues((4, 3), dtype="float32", low=-1000, high=1000, values=_EXTREMES),),
              seed=33, hidden=True, misconceptions=("sign_flip", "overflow")),
    ),
)


# --- Exercise 5: stable_softmax -------------------------------------------------------------

_SOFTMAX_SECTION = dict(section=f"{_NB04}#act-stable-softmax",
                        section_title="A stable softmax: shift by the maximum")
_AXIS_SECTION = dict(section=f"{_NB02}#act-softmax",
                     section_title="Softmax: many classes at once")


def _softmax_whole(x, axis):  # noqa: ARG001
    return softmax(x.reshape(-1)).reshape(x.shape)


def _softmax_last_axis(x, axis):  # noqa: ARG001
    return softmax(x, axis=-1)


def _softmax_no_shift(x, axis):
    with np.errstate(all="ignore"):
        e = np.exp(x)
        return e / e.sum(axis=axis, keepdims=True)


STABLE_SOFTMAX = Exercise(
    name="stable_softmax",
    signature="stable_softmax(x, axis)",
    reference=softmax,
    hint="subtract the maximum along the axis before exponentiating (keepdims=True keeps "
         "the shapes compatible), then normalise along the same axis",
    misconceptions=(
        Misconception(
            "whole_array", "Your values sum to 1 over the whole array, not along the axis: take the "
            "max and the sum with axis=axis and keepdims=True.", _softmax_whole, **_AXIS_SECTION),
        Misconception(
            "last_axis", "You normalised along the last axis whatever axis was asked for: use the "
            "axis argument.", _softmax_last_axis, **_AXIS_SECTION),
        Misconception(
            "no_shift", "exp overflows for large scores and inf / inf is NaN (or underflows to 0 / 0 "
            "for very negative ones): subtract the maximum along the axis before exponentiating.",
            _softmax_no_shift, **_SOFTMAX_SECTION),
    ),
    checks=(
        Check("rows of scores, axis -1", (Array((3, 4), low=-3, high=3), Value(-1)), seed=41,
              misconceptions=("whole_array",)),
        Check("scores up to +-1000, axis 1",
              (_WithValues((2, 5), low=-1000, high=1000, values=_EXTREMES), Value(1)), seed=42,
              misconceptions=("whole_array", "no_shift")),
        Check("per-pixel softmax over channels, axis 1", (Array((2, 3, 4, 4), low=-4, high=4), Value(1)),
              seed=43, misconceptions=("whole_array", "last_axis")),
        Check("axis 0, float32 up to +-1000",
              (_WithValues((3, 4), dtype="float32", low=-1000, high=1000, values=_EXTREMES), Value(0)),
              seed=44, hidden=True, misconceptions=("whole_array", "last_axis", "no_shift")),
        Check("all scores very negative, axis -1",
              (Array((2, 3), low=-1100, high=-1000), Value(-1)), seed=45, hidden=True,
              misconceptions=("no_shift",)),
    ),
)


# --- Exercise 6: softmax_backward -----------------------------------------------------------

_JACOBIAN_SECTION = dict(section=f"{_NB02}#act-softmax-jacobian",
                         section_title="The Jacobian of the softmax")


def _softmax_backward_diagonal(g, x, axis):
    y = softmax(x, axis=axis)
    return y * (1 - y) * g


def _softmax_backward_sum_all(g, x, axis):
    y = softmax(x, axis=axis)
    return y * (g - np.sum(g * y))


def _softmax_backward_uses_x(g, x, axis):
    return x * (g - np.sum(g * x, axis=axis, keepdims=True))


SOFTMAX_BACKWARD = Exercise(
    name="softmax_backward",
    signature="softmax_backward(grad_output, x, axis)",
    reference=softmax_backward,
    hint="you never need the full Jacobian: the product needs the softmax output y and one "
         "sum along the axis of grad_output * y",
    misconceptions=(
        Misconception(
            "diagonal_only", "You used only the diagonal of the Jacobian, y * (1 - y) * g, as for an "
            "elementwise sigmoid. Every softmax output depends on every input along the axis: "
            "dx = y * (g - sum(g * y)).", _softmax_backward_diagonal, **_JACOBIAN_SECTION),
        Misconception(
            "sum_all", "You summed g * y over the whole array instead of along the axis: use "
            "axis=axis and keepdims=True.", _softmax_backward_sum_all, **_JACOBIAN_SECTION),
        Misconception(
            "uses_x", "You used the input x where the formula needs the softmax output "
            "y = softmax(x, axis).", _softmax_backward_uses_x, **_JACOBIAN_SECTION),
    ),
    checks=(
        Check("one vector of 4 scores", (Array((4,)), Array((4,), low=-2, high=2), Value(-1)), seed=51,
              misconceptions=("diagonal_only", "uses_x")),
        Check("rows of scores, axis -1", (Array((3, 5)), Array((3, 5), low=-2, high=2), Value(-1)),
              seed=52, misconceptions=("diagonal_only", "sum_all", "uses_x")),
        Check("per-pixel over channels, axis 1",
              (Array((2, 3, 2, 2)), Array((2, 3, 2, 2), low=-3, high=3), Value(1)), seed=53,
              hidden=True, misconceptions=("diagonal_only", "sum_all", "uses_x")),
        Check("scores up to +-1000, axis 0",
              (Array((4, 3)), _WithValues((4, 3), low=-1000, high=1000, values=_EXTREMES), Value(0)),
              seed=54, hidden=True, misconceptions=("sum_all",)),
    ),
)


# --- Exercise 7: dead_channels --------------------------------------------------------------

_DEAD_SECTION = dict(section=f"{_NB03}#act-dying-relu", section_title="Dying ReLU")


def _dead_channels(pre):
    return np.all(np.asarray(pre) <= 0, axis=tuple(a for a in range(np.ndim(pre)) if a != 1))


def _dead_strict(pre):
    return np.all(np.asarray(pre) < 0, axis=tuple(a for a in range(np.ndim(pre)) if a != 1))


def _dead_any(pre):
    return np.any(np.asarray(pre) <= 0, axis=tuple(a for a in range(np.ndim(pre)) if a != 1))


def _dead_per_image(pre):
    return np.all(np.asarray(pre) <= 0, axis=tuple(range(2, np.ndim(pre))))


DEAD_CHANNELS = Exercise(
    name="dead_channels",
    signature="dead_channels(pre)",
    reference=_dead_channels,
    check_dtype=False,
    hint="np.all(pre <= 0, axis=...) over every axis except the channel axis 1",
    misconceptions=(
        Misconception(
            "strict", "You required pre < 0. A pre-activation of exactly 0 gives ReLU'(0) = 0 too, "
            "so a channel that is <= 0 everywhere is dead: test pre <= 0.", _dead_strict,
            **_DEAD_SECTION),
        Misconception(
            "any", "You marked a channel dead if it is <= 0 somewhere; it is dead only if it is "
            "<= 0 everywhere (np.all, not np.any).", _dead_any, **_DEAD_SECTION),
        Misconception(
            "per_image", "You returned one answer per image and channel. A channel is dead only if "
            "it is <= 0 for every image as well: reduce over the batch axis 0 too.",
            _dead_per_image, **_DEAD_SECTION),
    ),
    checks=(
        Check("6 channels, 2 of them dead",
              (_PreActivations((3, 6, 4, 4), low=-3, high=3, dead=(1,), negative=(4,), one_positive=(2,)),),
              seed=61, misconceptions=("strict", "any", "per_image")),
        Check("dense layer (N, units), 3 of 8 dead",
              (_PreActivations((10, 8), low=-2, high=3, dead=(0, 5), negative=(7,), one_positive=(3,)),),
              seed=62, misconceptions=("strict", "any")),
        Check("a 1-D conv layer, 5 channels",
              (_PreActivations((4, 5, 7), low=-2, high=2, dead=(2, 3), one_positive=(0,)),),
              seed=63, hidden=True, misconceptions=("strict", "any", "per_image")),
        Check("float32, no channel dead",
              (_PreActivations((2, 4, 3, 3), dtype="float32", low=-1, high=3, one_positive=(1,)),),
              seed=64, hidden=True, misconceptions=("any", "per_image")),
    ),
)


ASSIGNMENT = Assignment(
    id="activations",
    title="Activations: ReLU, ELU, stable sigmoid and softmax, and dead channels",
    exercises=(RELU_LOOP, RELU_BACKWARD, ELU_BACKWARD, STABLE_SIGMOID, STABLE_SOFTMAX,
               SOFTMAX_BACKWARD, DEAD_CHANNELS),
)
