"""Activations against torch.nn.functional, forward and autograd backward (skipped without torch)."""

import numpy as np
import pytest

import cnn_lessons as cl

torch = pytest.importorskip("torch")
F = torch.nn.functional

# name -> (ours, ours_backward, torch function, parameter sets as (ours kwargs, torch args))
ELEMENTWISE = {
    "relu": (cl.relu, cl.relu_backward, F.relu, [({}, ())]),
    "leaky_relu": (cl.leaky_relu, cl.leaky_relu_backward, F.leaky_relu,
                   [({}, ()), ({"negative_slope": 0.2}, (0.2,)), ({"negative_slope": -0.5}, (-0.5,))]),
    "elu": (cl.elu, cl.elu_backward, F.elu, [({}, ()), ({"alpha": 2.0}, (2.0,)), ({"alpha": -0.7}, (-0.7,))]),
    "selu": (cl.selu, cl.selu_backward, F.selu, [({}, ())]),
    "sigmoid": (cl.sigmoid, cl.sigmoid_backward, torch.sigmoid, [({}, ())]),
    "tanh": (cl.tanh, cl.tanh_backward, torch.tanh, [({}, ())]),
}
CASES = [(name, kw, args) for name, spec in ELEMENTWISE.items() for kw, args in spec[3]]
TOL = {np.float64: dict(rtol=1e-12, atol=1e-14), np.float32: dict(rtol=2e-6, atol=1e-6)}


def torch_grad(f, x, g, *more):
    """torch's output and the gradients of sum(f(x, *more) * g) w.r.t. x and each of `more`."""
    leaves = [torch.tensor(a, requires_grad=True) for a in (x, *more)]
    y = f(*leaves)
    y.backward(torch.tensor(g))
    return y.detach().numpy(), [leaf.grad.numpy() for leaf in leaves]


def sample(rng, dtype, shape=(2, 3, 4, 5)):
    """Normal values spread over [-20, 20], plus exact zeros of both signs."""
    x = (rng.standard_normal(shape) * 5).astype(dtype)
    x.reshape(-1)[:4] = [0.0, -0.0, 0.0, -0.0]
    return x


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,kw,args", CASES, ids=[f"{c[0]}{c[2]}" for c in CASES])
def test_elementwise_matches_torch(name, kw, args, dtype, rng):
    ours, ours_backward, theirs = ELEMENTWISE[name][:3]
    x = sample(rng, dtype)
    g = rng.standard_normal(x.shape).astype(dtype)
    y, (dx,) = torch_grad(lambda t: theirs(t, *args), x, g)
    np.testing.assert_allclose(ours(x, **kw), y, **TOL[dtype])
    np.testing.assert_allclose(ours_backward(g, x, **kw), dx, **TOL[dtype])


@pytest.mark.parametrize("name,kw,args", CASES, ids=[f"{c[0]}{c[2]}" for c in CASES])
def test_kinks_signed_zeros_infinities_and_nan_match_torch(name, kw, args):
    ours, ours_backward, theirs = ELEMENTWISE[name][:3]
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1000.0, -1000.0])
    g = np.array([1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    y, (dx,) = torch_grad(lambda t: theirs(t, *args), x, g)
    got = ours(x, **kw)
    np.testing.assert_array_equal(got, y)  # equal values, NaN where torch has NaN
    assert np.signbit(got[:2]).tolist() == np.signbit(y[:2]).tolist(), "sign of zero differs from torch"
    np.testing.assert_allclose(ours_backward(g, x, **kw), dx, rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("axis", [0, 1, -1, -3])
def test_softmax_family_matches_torch(name, axis, dtype, rng):
    ours, ours_backward, theirs = {
        "softmax": (cl.softmax, cl.softmax_backward, F.softmax),
        "log_softmax": (cl.log_softmax, cl.log_softmax_backward, F.log_softmax)}[name]
    x = (rng.standard_normal((3, 4, 5)) * 10).astype(dtype)
    x[0, 0, 0], x[1, 1, 1] = 1000.0, -1000.0
    x[2, 2, :] = -np.inf
    x[2, 3, :2] = -np.inf
    g = rng.standard_normal(x.shape).astype(dtype)
    y, (dx,) = torch_grad(lambda t: theirs(t, dim=axis), x, g)
    tol = TOL[dtype] if name == "softmax" else dict(rtol=TOL[dtype]["rtol"], atol=1e3 * TOL[dtype]["atol"])
    np.testing.assert_allclose(ours(x, axis=axis), y, **tol)
    np.testing.assert_allclose(ours_backward(g, x, axis=axis), dx, **tol)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("row", [[-np.inf, -np.inf], [np.inf, 0.0], [np.nan, 0.0], [3.0]])
def test_softmax_family_special_rows_match_torch(name, row):
    ours, ours_backward, theirs = {
        "softmax": (cl.softmax, cl.softmax_backward, F.softmax),
        "log_softmax": (cl.log_softmax, cl.log_softmax_backward, F.log_softmax)}[name]
    x, g = np.array(row), np.arange(1.0, len(row) + 1)
    y, (dx,) = torch_grad(lambda t: theirs(t, dim=-1), x, g)
    np.testing.assert_array_equal(ours(x), y)
    np.testing.assert_array_equal(ours_backward(g, x), dx)


def test_zero_dimensional_softmax_matches_torch():
    for f, tf in [(cl.softmax, F.softmax), (cl.log_softmax, F.log_softmax)]:
        for axis in (0, -1):
            assert f(np.array(2.5), axis=axis) == tf(torch.tensor(2.5, dtype=torch.float64), dim=axis).item()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("xshape,wshape", [
    ((2, 3, 4, 5), (3,)),   # per channel, axis 1
    ((2, 3, 4), (3,)),
    ((4, 3), (3,)),         # (N, C): the channel is still axis 1
    ((2, 3, 4), (1,)),      # one shared weight
    ((2, 3, 4), ()),
    ((6,), (1,)),           # 1-D input: no channel axis, one weight
    ((6,), ()),
    ((), (1,)),
])
def test_prelu_matches_torch(xshape, wshape, dtype, rng):
    x = sample(rng, dtype, xshape) if len(xshape) else np.array(-1.5, dtype=dtype)
    w = rng.uniform(-0.5, 0.5, wshape).astype(dtype)
    g = rng.standard_normal(x.shape).astype(dtype)
    y, (dx, dw) = torch_grad(F.prelu, x, g, w)
    np.testing.assert_allclose(cl.prelu(x, w), y, **TOL[dtype])
    gx, gw = cl.prelu_backward(g, x, w)
    assert gw.shape == w.shape == dw.shape
    np.testing.assert_allclose(gx, dx, **TOL[dtype])
    np.testing.assert_allclose(gw, dw, rtol=TOL[dtype]["rtol"], atol=100 * TOL[dtype]["atol"])


def test_prelu_kink_and_nan_match_torch():
    x = np.array([[0.0, -0.0, np.nan, -1.0]])  # (N=1, C=4)
    w = np.array([0.25, 0.5, 0.75, 1.5])
    g = np.array([[1.0, 2.0, 3.0, 4.0]])
    y, (dx, dw) = torch_grad(F.prelu, x, g, w)
    np.testing.assert_array_equal(cl.prelu(x, w), y)
    assert np.signbit(cl.prelu(x, w)).tolist() == np.signbit(y).tolist()
    gx, gw = cl.prelu_backward(g, x, w)
    np.testing.assert_array_equal(gx, dx)
    np.testing.assert_array_equal(gw, dw)


@pytest.mark.parametrize("xshape,wshape", [((2, 4, 5, 5), (3,)), ((5,), (5,)), ((), (2,)), ((2, 3), (1, 3))])
def test_prelu_rejects_what_torch_rejects(xshape, wshape):
    x, w = np.zeros(xshape), np.ones(wshape)
    with pytest.raises(RuntimeError):
        F.prelu(torch.tensor(x), torch.tensor(w))
    with pytest.raises(ValueError, match="^prelu: weight"):
        cl.prelu(x, w)
