"""Activations and their backward: oracles, gradient checks, stability, dtypes and errors."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from oracles import activations as oracle

import cnn_lessons as cl
from cnn_lessons import gradient_check

# name -> (forward, backward, scalar oracle, scalar oracle derivative, parameter sets)
ELEMENTWISE = {
    "relu": (cl.relu, cl.relu_backward, oracle.relu, oracle.relu_grad, [{}]),
    "leaky_relu": (cl.leaky_relu, cl.leaky_relu_backward, oracle.leaky_relu, oracle.leaky_relu_grad,
                   [{}, {"negative_slope": 0.2}, {"negative_slope": -0.5}]),
    "elu": (cl.elu, cl.elu_backward, oracle.elu, oracle.elu_grad, [{}, {"alpha": 2.0}, {"alpha": 0.3}]),
    "selu": (cl.selu, cl.selu_backward, oracle.selu, oracle.selu_grad, [{}]),
    "sigmoid": (cl.sigmoid, cl.sigmoid_backward, oracle.sigmoid, oracle.sigmoid_grad, [{}]),
    "tanh": (cl.tanh, cl.tanh_backward, oracle.tanh, oracle.tanh_grad, [{}]),
}
ELEMENTWISE_CASES = [(name, params) for name, spec in ELEMENTWISE.items() for params in spec[4]]
SOFTMAXES = {
    "softmax": (cl.softmax, cl.softmax_backward, oracle.softmax, oracle.softmax_backward),
    "log_softmax": (cl.log_softmax, cl.log_softmax_backward, oracle.log_softmax, oracle.log_softmax_backward),
}
DTYPES = [np.float32, np.float64]
RTOL = {np.float32: 1e-6, np.float64: 1e-12}
EXTREMES = [0.0, -0.0, 1000.0, -1000.0, 0.5, -0.5, 2.0 ** -20, -(2.0 ** -20), 30.0, -30.0]


def case_id(case):
    name, params = case
    return name + "".join(f"-{k}={v}" for k, v in params.items())


def values(dtype):
    width = 32 if dtype == np.float32 else 64
    return st.one_of(st.floats(-1000, 1000, width=width), st.sampled_from(EXTREMES))


def arrays(dtype, min_dims=0, max_dims=4):
    return hnp.arrays(dtype, hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, max_side=4),
                      elements=values(dtype))


def close(actual, expected, dtype, atol=0.0):
    """assert_allclose at the dtype's tolerance; NaN equals NaN; subnormal differences are ignored."""
    actual = np.asarray(actual)
    assert actual.dtype == dtype, f"dtype {actual.dtype}, expected {np.dtype(dtype)}"
    np.testing.assert_allclose(actual, expected, rtol=RTOL[dtype],
                               atol=max(atol, float(np.finfo(dtype).tiny)))


# ----------------------------------------------------------------------------- 1. oracles on hand values


def test_scalar_oracles_on_hand_values():
    assert oracle.sigmoid(0.0) == 0.5
    assert oracle.relu(-2.0) == 0.0 and oracle.relu(3.0) == 3.0
    assert oracle.elu(-1.0) == pytest.approx(math.exp(-1) - 1, rel=1e-15)
    assert oracle.elu(-1.0, 2.0) == pytest.approx(2 * (math.exp(-1) - 1), rel=1e-15)
    assert oracle.selu(1.0) == 1.0507009873554805
    assert oracle.selu(-1.0) == pytest.approx(1.0507009873554805 * 1.6732632423543772 * (math.exp(-1) - 1))
    assert oracle.leaky_relu(-2.0, 0.1) == pytest.approx(-0.2)
    assert oracle.tanh(0.0) == 0.0 and oracle.tanh_grad(0.0) == 1.0
    assert oracle.sigmoid(-1000.0) == 0.0 and oracle.sigmoid(1000.0) == 1.0
    assert oracle.sigmoid_grad(0.0) == 0.25
    assert [oracle.relu_grad(t) for t in (-1.0, 0.0, 1.0)] == [0.0, 0.0, 1.0]
    assert oracle.elu_grad(0.0, 2.0) == 2.0
    assert oracle.selu_grad(0.0) == pytest.approx(1.0507009873554805 * 1.6732632423543772)


def test_row_oracles_on_hand_values():
    e = [math.exp(1), math.exp(2), math.exp(3)]
    expected = [t / sum(e) for t in e]
    np.testing.assert_allclose(oracle.softmax(np.array([1.0, 2.0, 3.0])), expected, rtol=1e-15)
    np.testing.assert_allclose(oracle.log_softmax(np.array([1.0, 2.0, 3.0])), np.log(expected), rtol=1e-15)
    np.testing.assert_allclose(oracle.log_softmax(np.array([0.0, 0.0])), [-math.log(2)] * 2)
    two = np.array([[1.0, 1.0], [0.0, 0.0]])
    np.testing.assert_allclose(oracle.softmax(two, axis=1), [[0.5, 0.5], [0.5, 0.5]])
    s1 = 1 / (1 + math.exp(-1))  # a slice [1, 0] gives [sigmoid(1), sigmoid(-1)]
    np.testing.assert_allclose(oracle.softmax(two, axis=0), [[s1, s1], [1 - s1, 1 - s1]])
    np.testing.assert_allclose(oracle.softmax_backward(np.array([1.0, 0.0]), np.zeros(2)), [0.25, -0.25])
    np.testing.assert_allclose(oracle.log_softmax_backward(np.array([1.0, 0.0]), np.zeros(2)), [0.5, -0.5])
    x = np.array([[[-1.0, 2.0], [-3.0, 0.0]]])  # N=1, C=2, L=2
    np.testing.assert_allclose(oracle.prelu(x, [0.5, 0.1]), [[[-0.5, 2.0], [-0.3, 0.0]]])
    gx, gw = oracle.prelu_backward(np.ones_like(x), x, np.array([0.5, 0.1]))
    np.testing.assert_allclose(gx, [[[0.5, 1.0], [0.1, 0.1]]])
    np.testing.assert_allclose(gw, [-1.0, -3.0])


def test_hand_values_of_the_vectorized_functions():
    # The article's example: ReLU([-2.0, 0.5, -0.3, 1.2]) = [0, 0.5, 0, 1.2].
    assert cl.relu([-2.0, 0.5, -0.3, 1.2]).tolist() == [0.0, 0.5, 0.0, 1.2]
    assert cl.sigmoid(0.0) == 0.5
    assert cl.elu(-1.0) == pytest.approx(math.exp(-1) - 1, rel=1e-15)
    assert cl.selu(1.0) == 1.0507009873554805
    np.testing.assert_allclose(cl.softmax([1.0, 2.0, 3.0]), [0.09003057317038046, 0.24472847105479767,
                                                          0.6652409557748219], rtol=1e-15)


# ----------------------------------------------------------------------------- 2. vectorized vs oracle


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", ELEMENTWISE_CASES, ids=case_id)
@given(data=st.data())
def test_elementwise_forward_and_backward_match_the_oracle(case, dtype, data):
    name, params = case
    forward, backward, f, df, _ = ELEMENTWISE[name]
    x = data.draw(arrays(dtype), label="x")
    g = data.draw(hnp.arrays(dtype, x.shape, elements=st.floats(-2, 2, width=32)), label="g")
    pv = list(params.values())
    close(forward(x, **params), oracle.elementwise(f, x, *pv), dtype)
    # the oracle's s * (1 - s) and 1 - tanh**2 are exact only to ~1e-16 absolute: hence atol
    close(backward(g, x, **params), g * oracle.elementwise(df, x, *pv), dtype, atol=1e-15)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", SOFTMAXES)
@given(data=st.data())
def test_softmax_family_matches_the_oracle(name, dtype, data):
    forward, backward, f, df = SOFTMAXES[name]
    x = data.draw(arrays(dtype, max_dims=3), label="x")
    n = max(x.ndim, 1)
    axis = data.draw(st.integers(-n, n - 1), label="axis")
    g = data.draw(hnp.arrays(dtype, x.shape, elements=st.floats(-2, 2, width=32)), label="g")
    eps = float(np.finfo(dtype).eps)
    scale = 1 + float(np.max(np.abs(x), initial=0.0))
    if name == "softmax":  # values in [0, 1]: an absolute error relative to the row sum
        close(forward(x, axis=axis), f(x, axis), dtype, atol=8 * eps)
    else:  # log_softmax is conditioned by the input's magnitude
        close(forward(x, axis=axis), f(x, axis), dtype, atol=8 * eps * scale)
    close(backward(g, x, axis=axis), df(g, x, axis), dtype, atol=16 * eps)


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_prelu_matches_the_oracle(dtype, data):
    x = data.draw(arrays(dtype, min_dims=0, max_dims=4), label="x")
    channels = x.shape[1] if x.ndim >= 2 else 1
    wshape = data.draw(st.sampled_from([(channels,), (1,), ()]), label="weight shape")
    w = data.draw(hnp.arrays(dtype, wshape, elements=st.floats(-1, 1, width=32)), label="weight")
    g = data.draw(hnp.arrays(dtype, x.shape, elements=st.floats(-2, 2, width=32)), label="g")
    close(cl.prelu(x, w), oracle.prelu(x, w), dtype)
    gx, gw = cl.prelu_backward(g, x, w)
    ogx, ogw = oracle.prelu_backward(g, x, w)
    close(gx, ogx, dtype)
    assert gw.shape == w.shape
    # the weight gradient sums products of size up to 2000: absolute error on that scale
    close(gw, ogw, dtype, atol=8 * float(np.finfo(dtype).eps) * 2000 * max(x.size, 1))


# ----------------------------------------------------------------------------- 3. gradient checks


def away_from_zero(rng, shape):
    return rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


@pytest.mark.parametrize("case", ELEMENTWISE_CASES, ids=case_id)
def test_elementwise_backward_passes_gradient_check(case, rng):
    name, params = case
    forward, backward = ELEMENTWISE[name][:2]
    x = away_from_zero(rng, (2, 3, 4))
    [err] = gradient_check(lambda x: forward(x, **params), lambda g, x: backward(g, x, **params), [x])
    assert err < 1e-7


@pytest.mark.parametrize("name", SOFTMAXES)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_softmax_family_backward_passes_gradient_check(name, axis, rng):
    forward, backward = SOFTMAXES[name][:2]
    x = rng.standard_normal((3, 4, 2)) * 3
    [err] = gradient_check(lambda x: forward(x, axis=axis), lambda g, x: backward(g, x, axis=axis), [x])
    assert err < 1e-7


@pytest.mark.parametrize("xshape,wshape", [((2, 3, 4, 4), (3,)), ((2, 3), (3,)), ((2, 3, 5), (1,)),
                                           ((5,), (1,)), ((5,), ()), ((), (1,))])
def test_prelu_backward_passes_gradient_check(xshape, wshape, rng):
    x = away_from_zero(rng, xshape)
    w = rng.uniform(0.05, 0.5, wshape)
    errs = gradient_check(cl.prelu, cl.prelu_backward, [x, w])
    assert max(errs) < 1e-7


KINKS = {  # derivative at x = +-0 (PyTorch's choice)
    ("relu", ()): 0.0,
    ("leaky_relu", ()): 0.01,
    ("leaky_relu", (("negative_slope", -0.5),)): -0.5,
    ("elu", ()): 1.0,
    ("elu", (("alpha", 2.0),)): 2.0,
    ("selu", ()): 1.0507009873554805 * 1.6732632423543772,
}


@pytest.mark.parametrize("key", KINKS, ids=str)
def test_derivative_at_the_kink_is_pytorchs(key):
    name, params = key
    backward = ELEMENTWISE[name][1]
    g = np.array([1.0, 1.0, 3.0])
    got = backward(g, np.array([0.0, -0.0, 0.0]), **dict(params))
    np.testing.assert_allclose(got, KINKS[key] * g, rtol=1e-15)


def test_prelu_derivatives_at_the_kink():
    x = np.array([[0.0, -0.0, -1.0, 2.0]])  # shape (N=1, C=4): one element per channel
    w = np.array([0.25, 0.5, 0.75, 1.5])
    gx, gw = cl.prelu_backward(np.ones_like(x), x, w)
    assert gx.tolist() == [[0.25, 0.5, 0.75, 1.0]]  # d/dx at 0 is the weight
    assert gw.tolist() == [0.0, 0.0, -1.0, 0.0]     # d/dweight at 0 is 0 * g


# ----------------------------------------------------------------------------- 4. stability and special values


ALL_FORWARD = [(name, spec[0], spec[1]) for name, spec in ELEMENTWISE.items()] + [
    (name, spec[0], spec[1]) for name, spec in SOFTMAXES.items()]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,forward,backward", ALL_FORWARD, ids=[c[0] for c in ALL_FORWARD])
def test_no_warning_and_finite_results_at_plus_minus_1000(name, forward, backward, dtype):
    x = np.array([[-1000.0, 1000.0, 0.0], [-1000.0, -999.0, -1e4], [1e4, 80.0, -80.0]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = forward(x)
        dx = backward(np.ones_like(x), x)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dx))
    assert y.dtype == dtype and dx.dtype == dtype


@pytest.mark.parametrize("dtype", DTYPES)
def test_prelu_no_warning_at_plus_minus_1000(dtype):
    x = np.array([[-1000.0, 1000.0], [-1e4, 1e4]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = cl.prelu(x, np.array([0.25, 0.5], dtype=dtype))
        gx, gw = cl.prelu_backward(np.ones_like(x), x, np.array([0.25, 0.5], dtype=dtype))
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(gx)) and np.all(np.isfinite(gw))


def test_the_classic_overflow_cases():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cl.sigmoid(-1000.0) == 0.0 and cl.sigmoid(1000.0) == 1.0
        assert cl.softmax([1000.0, 0.0]).tolist() == [1.0, 0.0]
        assert cl.log_softmax([1000.0, 0.0]).tolist() == [0.0, -1000.0]
        assert cl.elu(-1000.0) == -1.0
        assert cl.selu(-1000.0) == pytest.approx(-1.0507009873554805 * 1.6732632423543772, rel=1e-15)
        assert cl.elu(np.float32(1e38)) == np.float32(1e38)
        assert cl.tanh_backward(1.0, np.float32(3e38)) == 0.0  # 2|x| would overflow float32


@pytest.mark.parametrize("dtype", DTYPES)
@given(data=st.data())
def test_softmax_slices_sum_to_one_and_log_softmax_is_its_log(dtype, data):
    x = data.draw(arrays(dtype, min_dims=1, max_dims=3), label="x")
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1), label="axis")
    y = cl.softmax(x, axis=axis)
    np.testing.assert_allclose(y.sum(axis=axis), 1.0, rtol=8 * float(np.finfo(dtype).eps) * x.shape[axis])
    assert np.all((y >= 0) & (y <= 1))
    lsm = cl.log_softmax(x, axis=axis)
    normal = y > np.finfo(dtype).tiny  # where the softmax has not underflowed, log(softmax) is finite
    np.testing.assert_allclose(lsm[normal], np.log(y[normal]), rtol=RTOL[dtype], atol=8 * float(np.finfo(dtype).eps))
    assert np.all(lsm <= 0)


INF, NAN = np.inf, np.nan


def test_infinities_and_nan_as_pytorch():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cl.relu([INF, -INF]).tolist() == [INF, 0.0]
        assert cl.sigmoid([INF, -INF]).tolist() == [1.0, 0.0]
        assert cl.tanh([INF, -INF]).tolist() == [1.0, -1.0]
        assert cl.elu([-INF, INF], alpha=2.0).tolist() == [-2.0, INF]
        assert cl.leaky_relu([-INF, INF]).tolist() == [-INF, INF]
        np.testing.assert_allclose(cl.softmax([-INF, 0.0, 1.0]), [0.0, 0.2689414213699951, 0.7310585786300049])
        np.testing.assert_allclose(cl.log_softmax([-INF, 0.0, 1.0]), [-INF, -1.3132616875182228, -0.3132616875182228])
        assert np.all(np.isnan(cl.softmax([-INF, -INF])))  # an all -inf slice is NaN, as PyTorch
        assert np.all(np.isnan(cl.softmax([INF, 0.0])))
        assert np.all(np.isnan(cl.log_softmax([-INF, -INF])))
        assert np.all(np.isnan(cl.softmax([NAN, 0.0])))
        assert cl.softmax_backward([1.0, 2.0, 3.0], [-INF, 0.0, 0.0])[0] == 0.0
        assert cl.log_softmax_backward([1.0, 0.0, 0.0], [-INF, 0.0, 0.0])[0] == 1.0
        for name, (forward, *_rest) in ELEMENTWISE.items():
            assert np.isnan(forward(NAN)), name
        assert np.isnan(cl.prelu([NAN], [0.25])[0])


def test_signed_zero_as_pytorch():
    z = np.array([-0.0, 0.0])
    for f in (cl.relu, cl.leaky_relu, cl.elu, cl.selu, cl.tanh,
              lambda x: cl.elu(x, alpha=-2.0), lambda x: cl.prelu(x, [0.5])):
        y = f(z)
        assert y.tolist() == [0.0, 0.0] and np.signbit(y).tolist() == [True, False]
    assert np.signbit(cl.leaky_relu(z, negative_slope=-0.5)).tolist() == [False, True]  # -0.0 * -0.5 = +0.0
    assert cl.sigmoid(z).tolist() == [0.5, 0.5]


def test_nan_gradients_as_pytorch():
    """Where x is NaN PyTorch's tests (x <= 0, x > 0) are false; we make the same choice."""
    x, g = np.array([NAN]), np.array([1.0])
    assert cl.relu_backward(g, x)[0] == 1.0
    assert cl.leaky_relu_backward(g, x)[0] == 0.01
    assert cl.elu_backward(g, x)[0] == 1.0
    assert cl.selu_backward(g, x)[0] == 1.0507009873554805
    gx, gw = cl.prelu_backward(g, x, [0.25])
    assert gx[0] == 0.25 and np.isnan(gw[0])
    assert np.isnan(cl.sigmoid_backward(g, x)[0]) and np.isnan(cl.tanh_backward(g, x)[0])


def test_zero_dimensional_and_empty_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert cl.softmax(np.array(3.0)).shape == () and cl.softmax(np.array(3.0)) == 1.0
        assert cl.log_softmax(np.array(3.0), axis=0) == 0.0
        assert cl.softmax_backward(np.array(2.0), np.array(3.0)) == 0.0
        for shape in [(3, 0), (0, 3), (0,)]:
            for forward, backward, *_ in SOFTMAXES.values():
                assert forward(np.zeros(shape)).shape == shape
                assert backward(np.zeros(shape), np.zeros(shape)).shape == shape
            for forward, backward, *_ in ELEMENTWISE.values():
                assert forward(np.zeros(shape)).shape == shape
        assert cl.prelu(np.zeros((2, 0)), np.zeros(0)).shape == (2, 0)
        assert cl.prelu_backward(np.zeros((2, 0)), np.zeros((2, 0)), np.zeros(0))[1].shape == (0,)
        assert cl.prelu(np.array(-2.0), [0.25]) == -0.5


# ----------------------------------------------------------------------------- 5. dtype and inputs


def every_call(x, g):
    """(name, output(s)) for every forward and backward at x with upstream g."""
    out = []
    for name, (forward, backward, *_rest) in {**ELEMENTWISE, **SOFTMAXES}.items():
        out += [(name, forward(x)), (name + "_backward", backward(g, x))]
    w = np.full(x.shape[1], 0.25, dtype=x.dtype) if x.dtype.kind == "f" else [1, 2, 3]
    out += [("prelu", cl.prelu(x, w)), ("prelu_backward", cl.prelu_backward(g, x, w))]
    return out


@pytest.mark.parametrize("dtype,expected", [(np.float32, np.float32), (np.float64, np.float64),
                                            (np.int64, np.float64), (np.int32, np.float64),
                                            (np.float16, np.float32), (np.bool_, np.float64)])
def test_dtype_is_kept_and_ints_become_float64(dtype, expected):
    x = np.array([[-2, 0, 1], [3, -1, 1]]).astype(dtype)
    for name, out in every_call(x, np.ones_like(x)):
        for arr in (out if isinstance(out, tuple) else (out,)):
            assert arr.dtype == expected, f"{name}: {arr.dtype} for {np.dtype(dtype)} input"


def test_mixed_dtypes_follow_result_type():
    x32, g64 = np.ones(3, dtype=np.float32), np.ones(3)
    assert cl.relu_backward(g64, x32).dtype == np.float64
    assert cl.sigmoid_backward(x32, g64).dtype == np.float64
    assert cl.prelu(x32, np.array([0.5])).dtype == np.float64
    assert cl.prelu(x32, np.array([0.5], dtype=np.float32)).dtype == np.float32
    assert cl.prelu(x32, 0.5).dtype == np.float32  # a Python number does not promote
    assert cl.leaky_relu(x32, np.float64(0.2)).dtype == np.float32
    assert cl.elu(x32, alpha=np.float64(2.0)).dtype == np.float32


def test_inputs_are_not_modified_nor_aliased(rng):
    x = rng.standard_normal((2, 3, 4))
    g = rng.standard_normal((2, 3, 4))
    x0, g0 = x.copy(), g.copy()
    for name, out in every_call(x, g):
        for arr in (out if isinstance(out, tuple) else (out,)):
            assert not np.shares_memory(arr, x) and not np.shares_memory(arr, g), name
    assert np.array_equal(x, x0) and np.array_equal(g, g0)


def test_lists_and_scalars_are_accepted():
    assert cl.relu([[-1, 2]]).tolist() == [[0.0, 2.0]]
    assert cl.leaky_relu_backward([1.0], [-1.0], negative_slope=np.float32(0.5)).tolist() == [0.5]
    assert cl.softmax([0, 0], axis=np.int64(0)).tolist() == [0.5, 0.5]
    assert cl.elu(-1, alpha=np.array(2.0)) == pytest.approx(2 * (math.exp(-1) - 1))


# ----------------------------------------------------------------------------- 6. errors


@pytest.mark.parametrize("call,exc,message", [
    (lambda: cl.prelu(np.zeros((2, 4, 5, 5)), np.ones(3)), ValueError,
     r"^prelu: weight has 3 values but x has 4 channels on axis 1 \(x.shape=\(2, 4, 5, 5\)\); "
     r"give one weight per channel or a single weight$"),
    (lambda: cl.prelu(np.zeros(5), np.ones(5)), ValueError,
     r"^prelu: weight has 5 values but x has no channel axis \(x.shape=\(5,\): fewer than 2 dimensions "
     r"counts as 1 channel\); give one weight per channel or a single weight$"),
    (lambda: cl.prelu(np.zeros((2, 3)), np.ones((1, 3))), ValueError,
     r"^prelu: weight must be a single number or have 1 dimension \(one value per channel\), got shape \(1, 3\)$"),
    (lambda: cl.prelu_backward(np.zeros((2, 3)), np.zeros((2, 3)), np.ones(2)), ValueError,
     r"^prelu_backward: weight has 2 values but x has 3 channels"),
    (lambda: cl.prelu(np.zeros(3), "a"), TypeError,
     r"^prelu: weight must be an array of real numbers, got 'a' \(str\)$"),
    (lambda: cl.softmax(np.zeros((2, 3)), axis=3), ValueError,
     r"^softmax: axis 3 is out of range for an input with 2 dimensions; give an int from -2 to 1$"),
    (lambda: cl.log_softmax(np.zeros(3), axis=-2), ValueError,
     r"^log_softmax: axis -2 is out of range for an input with 1 dimensions; give an int from -1 to 0$"),
    (lambda: cl.softmax(np.array(1.0), axis=1), ValueError,
     r"^softmax: axis 1 is out of range for an input with 0 dimensions; give an int from -1 to 0$"),
    (lambda: cl.softmax(np.zeros(3), axis=None), TypeError, r"^softmax: axis must be an int, got None \(NoneType\)$"),
    (lambda: cl.softmax_backward(np.zeros(3), np.zeros(3), axis=1.0), TypeError,
     r"^softmax_backward: axis must be an int, got 1.0 \(float\)$"),
    (lambda: cl.leaky_relu(np.zeros(3), negative_slope="0.1"), TypeError,
     r"^leaky_relu: negative_slope must be a real number \(an int or a float\), got '0.1' \(str\)$"),
    (lambda: cl.leaky_relu_backward(np.zeros(3), np.zeros(3), negative_slope=None), TypeError,
     r"^leaky_relu_backward: negative_slope must be a real number"),
    (lambda: cl.elu(np.zeros(3), alpha=np.nan), ValueError, r"^elu: alpha must be a finite number, got nan$"),
    (lambda: cl.elu(np.zeros(3), alpha=True), TypeError, r"^elu: alpha must be a real number .* got True \(bool\)$"),
    (lambda: cl.elu_backward(np.zeros(3), np.zeros(3), alpha=[1.0]), TypeError,
     r"^elu_backward: alpha must be a real number"),
    (lambda: cl.relu(None), TypeError, r"^relu: x must be an array of real numbers, got None \(NoneType\)$"),
    (lambda: cl.sigmoid("abc"), TypeError, r"^sigmoid: x must be an array of real numbers, got 'abc' \(str\)$"),
    (lambda: cl.tanh(np.array([1j])), TypeError, r"^tanh: x must be an array of real numbers, got an array"),
    (lambda: cl.selu([[1.0], [1.0, 2.0]]), TypeError, r"^selu: x must be an array of real numbers"),
    (lambda: cl.relu_backward(np.zeros(3), np.zeros((2, 3))), ValueError,
     r"^relu_backward: grad_output must have shape \(2, 3\) \(the shape of x, as the forward's output\), got \(3,\)$"),
    (lambda: cl.sigmoid_backward(None, np.zeros(3)), TypeError,
     r"^sigmoid_backward: grad_output must be an array of real numbers, got None"),
    (lambda: cl.log_softmax_backward(np.zeros((3, 2)), np.zeros((2, 3))), ValueError,
     r"^log_softmax_backward: grad_output must have shape \(2, 3\)"),
    (lambda: cl.prelu_backward(np.zeros(4), np.zeros((1, 4)), np.ones(4)), ValueError,
     r"^prelu_backward: grad_output must have shape \(1, 4\)"),
])
def test_error_messages(call, exc, message):
    with pytest.raises(exc, match=message):
        call()


BAD_ARRAYS = [None, "abc", b"xy", {"a": 1}, object(), [1, "a"], [[1.0], [1.0, 2.0]], np.array(["a"]),
              np.array([1 + 2j])]
BAD_NUMBERS = ["0.1", None, [0.1], True, 1 + 1j, float("nan"), float("inf"), np.array([0.1, 0.2]), object()]
BAD_AXES = [None, 1.5, "0", True, (0, 1), 5, -5, [0]]


@st.composite
def invalid_calls(draw):
    """(function name, thunk) for a call with exactly one invalid argument."""
    x = np.zeros((2, 3, 4))
    kind = draw(st.sampled_from(["x", "grad", "number", "axis", "weight"]))
    if kind == "x":
        name = draw(st.sampled_from(sorted(ELEMENTWISE) + sorted(SOFTMAXES)))
        bad = draw(st.sampled_from(BAD_ARRAYS))
        backward = draw(st.booleans())
        spec = {**ELEMENTWISE, **SOFTMAXES}[name]
        if backward:
            return name + "_backward", lambda: spec[1](np.zeros(3), bad)
        return name, lambda: spec[0](bad)
    if kind == "grad":
        name = draw(st.sampled_from(sorted(ELEMENTWISE) + sorted(SOFTMAXES)))
        bad = draw(st.sampled_from(BAD_ARRAYS + [np.zeros((3, 2, 4)), np.zeros(3), np.zeros(())]))
        return name + "_backward", lambda: {**ELEMENTWISE, **SOFTMAXES}[name][1](bad, x)
    if kind == "number":
        name, param = draw(st.sampled_from([("leaky_relu", "negative_slope"), ("elu", "alpha")]))
        bad = draw(st.sampled_from(BAD_NUMBERS))
        spec = ELEMENTWISE[name]
        if draw(st.booleans()):
            return name + "_backward", lambda: spec[1](x, x, **{param: bad})
        return name, lambda: spec[0](x, **{param: bad})
    if kind == "axis":
        name = draw(st.sampled_from(sorted(SOFTMAXES)))
        bad = draw(st.sampled_from(BAD_AXES))
        spec = SOFTMAXES[name]
        if draw(st.booleans()):
            return name + "_backward", lambda: spec[1](x, x, axis=bad)
        return name, lambda: spec[0](x, axis=bad)
    bad = draw(st.sampled_from(BAD_ARRAYS + [np.ones(2), np.ones(4), np.ones((1, 3)), np.ones((3, 1))]))
    numeric = isinstance(bad, np.ndarray) and bad.dtype.kind == "f"  # then a wrong shape for any of these x
    xs = draw(st.sampled_from([x, np.zeros(3), np.array(1.0)])) if numeric else x
    if draw(st.booleans()):
        return "prelu_backward", lambda: cl.prelu_backward(xs, xs, bad)
    return "prelu", lambda: cl.prelu(xs, bad)


@given(invalid_calls())
def test_random_invalid_arguments_raise_a_message_naming_the_function(call):
    name, thunk = call
    with pytest.raises((ValueError, TypeError)) as info:
        thunk()
    assert type(info.value) in (ValueError, TypeError)  # not IndexError, AxisError or a numpy subclass
    assert str(info.value).startswith(f"{name}: "), str(info.value)
