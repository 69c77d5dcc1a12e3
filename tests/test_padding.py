"""pad and pad_backward against a loop oracle, gradient checks and their errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracles.padding import pad_backward_loop, pad_loop

from cnn_lessons import gradient_check, pad, pad_backward

MODES = ["zeros", "reflect", "replicate", "circular"]


def test_hand_cases_of_each_mode():
    row = np.array([[1.0, 2.0, 3.0]])
    two = ((0, 0), (2, 2))
    assert pad(row, two).tolist() == [[0, 0, 1, 2, 3, 0, 0]]
    assert pad(row, two, mode="reflect").tolist() == [[3, 2, 1, 2, 3, 2, 1]]
    assert pad(row, two, mode="replicate").tolist() == [[1, 1, 1, 2, 3, 3, 3]]
    assert pad(row, two, mode="circular").tolist() == [[2, 3, 1, 2, 3, 1, 2]]
    assert pad(row, ((1, 0), (0, 1)), value=-np.inf).tolist() == [[-np.inf] * 4, [1, 2, 3, -np.inf]]


def test_an_int_pads_the_last_two_axes():
    x = np.ones((2, 3, 4, 5))
    assert pad(x, 1).shape == (2, 3, 6, 7)
    assert pad(x, (1, 2, 3)).shape == (2, 5, 8, 11)


@st.composite
def padding_cases(draw):
    nd = draw(st.integers(1, 3))
    lead = draw(st.integers(0, 2))
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=lead, max_size=lead))) + tuple(
        draw(st.lists(st.integers(1, 5), min_size=nd, max_size=nd)))
    mode = draw(st.sampled_from(MODES))
    limit = {"reflect": lambda n: n - 1, "circular": lambda n: n}.get(mode, lambda n: 3)
    pairs = [(draw(st.integers(0, limit(n))), draw(st.integers(0, limit(n)))) for n in shape[-nd:]]
    return shape, pairs, mode


@given(padding_cases(), st.sampled_from([np.float32, np.float64]))
def test_pad_matches_the_loop_oracle(case, dtype):
    shape, pairs, mode = case
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    before = x.copy()
    out = pad(x, tuple(pairs), mode=mode)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, pad_loop(x, pairs, mode))
    np.testing.assert_array_equal(x, before)


@given(padding_cases())
def test_pad_backward_matches_the_loop_oracle_and_central_differences(case):
    shape, pairs, mode = case
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    g = rng.standard_normal(pad(x, tuple(pairs), mode=mode).shape)
    np.testing.assert_allclose(pad_backward(g, x, tuple(pairs), mode=mode),
                               pad_backward_loop(g, x.shape, pairs, mode), rtol=1e-12, atol=1e-12)
    if x.size <= 40:
        (err,) = gradient_check(lambda a: pad(a, tuple(pairs), mode=mode),
                                lambda gg, a: pad_backward(gg, a, tuple(pairs), mode=mode), [x])
        assert err < 1e-7


def test_integers_are_padded_in_float64():
    assert pad(np.arange(3).reshape(1, 3), 1).dtype == np.float64


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((np.ones((3, 3)), -1), {}, ValueError, r"pad: padding must be a non-negative int \(>= 0\), got -1"),
        ((np.ones((3, 3)), 1), {"mode": "mirror"}, ValueError, r"pad: mode must be one of \('zeros', 'reflect', 'replicate', 'circular'\), got 'mirror'"),
        ((np.ones((3, 3)), 1), {"mode": None}, TypeError, "pad: mode must be a string"),
        ((np.ones((3, 3)), 3), {"mode": "reflect"}, ValueError, r"pad: reflect padding must be smaller than the axis it pads; trailing axis 0 has size 3 but padding is \(3, 3\)"),
        ((np.ones((3, 3)), 4), {"mode": "circular"}, ValueError, "pad: circular padding must be at most the size of the axis"),
        ((np.ones(3), 1), {}, ValueError, "pad: padding gives 2 axes but the input has only 1 dimensions"),
        ((np.ones((3, 3)), ((1, 2, 3),)), {}, ValueError, r"pad: padding\[0\] must be a \(before, after\) pair"),
        ((np.ones((3, 3)), (1, (1, 1))), {}, TypeError, "pad: padding must be all ints or all"),
        ((np.ones((3, 3)), ()), {}, ValueError, "pad: padding must not be empty"),
        ((np.ones((3, 3)), 1.5), {}, TypeError, r"pad: padding must be an int, got 1\.5 \(float\)"),
        (("abc", 1), {}, TypeError, "pad: x must be an array of real numbers"),
        ((None, 1), {}, TypeError, "pad: x must be an array of real numbers"),
        ((np.ones((3, 3)), 1), {"value": "zero"}, TypeError, "pad: value must be a number"),
    ],
)
def test_pad_errors(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        pad(*args, **kwargs)


def test_pad_backward_rejects_a_gradient_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"pad_backward: grad_output must have shape \(5, 5\)"):
        pad_backward(np.ones((4, 4)), np.ones((3, 3)), 1)


@given(st.one_of(st.none(), st.text(max_size=2), st.floats(allow_nan=True), st.integers(-3, -1),
                 st.tuples(st.integers(-2, 2), st.text(max_size=1))),
       st.sampled_from(MODES + ["bogus", 3]))
def test_random_invalid_arguments_get_clear_errors(padding, mode):
    with pytest.raises((ValueError, TypeError)) as info:
        pad(np.ones((2, 2)), padding, mode=mode)
    assert str(info.value).startswith("pad:")
