"""Pooling against torch.nn.functional: forward, indices and backward (an extra cross-check)."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import cnn_lessons as cl

torch = pytest.importorskip("torch")
F = torch.nn.functional


def tol(dtype):
    return dict(rtol=1e-12, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-5)


def torch_grad(fn, x, g):
    """(output, d sum(output * g) / dx) from torch, in numpy."""
    tx = torch.tensor(x, requires_grad=True)
    out = fn(tx)
    main = out[0] if isinstance(out, tuple) else out
    main.backward(torch.tensor(g))
    return out, tx.grad.numpy()


def ours_or_skip(fn, *args, **kwargs):
    """Our call; skip the example where we reject a geometry torch accepts (see the module notes).

    conv_output_size rejects a window larger than the padded input, which
    torch accepts in ceil mode with stride > 1; and we reject windows that
    dilation makes miss the input entirely, where torch returns -inf with an
    index outside the plane.
    """
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        assume("larger than the padded input" not in str(exc) and "no input element" not in str(exc))
        raise


@st.composite
def case(draw, dilation=True, padding=True):
    nd = draw(st.integers(1, 3))
    max_size = {1: 12, 2: 8, 3: 5}[nd]
    k = tuple(draw(st.integers(1, 4)) for _ in range(nd))
    s = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    p = tuple(draw(st.integers(0, kk // 2)) if padding else 0 for kk in k)
    d = tuple(draw(st.integers(1, 3)) if dilation else 1 for _ in range(nd))
    spatial = tuple(draw(st.integers(1, max_size)) for _ in range(nd))
    lead = draw(st.sampled_from([(2, 3), (3,)]))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    return nd, k, s, p, d, draw(st.booleans()), lead + spatial, dtype, draw(st.integers(0, 2**16))


@given(case(), st.sampled_from(["random", "ties", "nan", "-inf"]))
def test_max_pool_matches_torch(c, kind):
    nd, k, s, p, d, ceil, shape, dtype, seed = c
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    if kind != "random":
        x = rng.integers(-2, 3, shape).astype(dtype)
    if kind == "nan":
        x[x == 1] = np.nan
    if kind == "-inf":
        x[x < 2] = -np.inf
    torch_fn = getattr(F, f"max_pool{nd}d")
    try:
        want, want_idx = torch_fn(torch.tensor(x), k, s, p, d, ceil, return_indices=True)
    except RuntimeError:
        with pytest.raises(ValueError, match=f"max_pool{nd}d: "):
            getattr(cl, f"max_pool{nd}d")(x, k, s, p, d, ceil)
        return
    out, idx = ours_or_skip(getattr(cl, f"max_pool{nd}d"), x, k, s, p, d, ceil, return_indices=True)
    assert_array_equal(out, want.numpy())
    assert_array_equal(idx, want_idx.numpy())
    g = rng.standard_normal(out.shape).astype(dtype)
    _, want_dx = torch_grad(lambda t: torch_fn(t, k, s, p, d, ceil), x, g)
    backward = getattr(cl, f"max_pool{nd}d_backward")
    assert_allclose(backward(g, x, k, s, p, d, ceil), want_dx, **tol(dtype))
    assert_allclose(backward(g, x, k, s, p, d, ceil, indices=idx), want_dx, **tol(dtype))


@given(case(dilation=False), st.booleans())
def test_avg_pool_matches_torch(c, count_include_pad):
    nd, k, s, p, _, ceil, shape, dtype, seed = c
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    torch_fn = getattr(F, f"avg_pool{nd}d")
    try:
        want = torch_fn(torch.tensor(x), k, s, p, ceil, count_include_pad)
    except RuntimeError as exc:
        # torch's avg_pool3d alone also wants the *unpadded* input at least as large as the kernel
        assume("smaller than kernel size" not in str(exc))
        with pytest.raises(ValueError, match=f"avg_pool{nd}d: "):
            getattr(cl, f"avg_pool{nd}d")(x, k, s, p, ceil, count_include_pad)
        return
    out = ours_or_skip(getattr(cl, f"avg_pool{nd}d"), x, k, s, p, ceil, count_include_pad)
    assert out.dtype == dtype
    assert_allclose(out, want.numpy(), **tol(dtype))
    g = rng.standard_normal(out.shape).astype(dtype)
    _, want_dx = torch_grad(lambda t: torch_fn(t, k, s, p, ceil, count_include_pad), x, g)
    assert_allclose(getattr(cl, f"avg_pool{nd}d_backward")(g, x, k, s, p, ceil, count_include_pad),
                    want_dx, **tol(dtype))


@pytest.mark.parametrize("ceil_mode", [False, True])
@pytest.mark.parametrize("count_include_pad", [False, True])
@pytest.mark.parametrize("size, k, s, p", [(4, 3, 2, 1), (5, 2, 2, 0), (7, 3, 2, 1), (6, 4, 3, 2), (5, 3, 3, 1)])
def test_avg_pool_divisor_in_ceil_mode_and_with_padding(size, k, s, p, ceil_mode, count_include_pad):
    x = np.random.default_rng(size).standard_normal((2, 3, size, size + 1))
    want = F.avg_pool2d(torch.tensor(x), k, s, p, ceil_mode, count_include_pad).numpy()
    assert_allclose(cl.avg_pool2d(x, k, s, p, ceil_mode, count_include_pad), want, rtol=1e-12, atol=1e-12)


@given(case(dilation=False, padding=False), st.sampled_from([1, 2, 3, 1.5, 0.5, np.inf]), st.booleans())
def test_lp_pool_matches_torch(c, norm_type, positive):
    nd, k, s, _, _, ceil, shape, dtype, seed = c
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape).astype(dtype)
    if positive:
        x = np.abs(x) + dtype(0.1)
    torch_fn = getattr(F, f"lp_pool{nd}d")
    kk = k[0] if nd == 1 else k  # torch's lp_pool1d wants an int kernel
    try:
        want = torch_fn(torch.tensor(x), norm_type, kk, s, ceil)
    except RuntimeError:
        return
    out = ours_or_skip(getattr(cl, f"lp_pool{nd}d"), x, norm_type, k, s, ceil)
    assert_allclose(out, want.numpy(), equal_nan=True, **tol(dtype))
    if positive:  # away from the kink at zero and the NaN of negative powers
        g = rng.standard_normal(out.shape).astype(dtype)
        _, want_dx = torch_grad(lambda t: torch_fn(t, norm_type, kk, s, ceil), x, g)
        got = getattr(cl, f"lp_pool{nd}d_backward")(g, x, norm_type, k, s, ceil)
        assert_allclose(got, want_dx, **(tol(dtype) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)))


def test_lp_pool_zero_window_has_zero_gradient_as_torch():
    x = np.zeros((1, 2, 4, 4))
    x[0, 0, :2, :2] = [[1.0, -2.0], [0.5, 0.0]]
    g = np.ones((1, 2, 2, 2))
    out, want_dx = torch_grad(lambda t: F.lp_pool2d(t, 2, 2), x, g)
    assert_allclose(cl.lp_pool2d(x, 2, 2), out.detach().numpy(), rtol=1e-12)
    assert_allclose(cl.lp_pool2d_backward(g, x, 2, 2), want_dx, rtol=1e-12)


@given(st.integers(1, 3), st.data(), st.sampled_from([np.float64, np.float32]), st.sampled_from(["random", "ties", "nan"]))
def test_adaptive_pools_match_torch(nd, data, dtype, kind):
    max_size = {1: 14, 2: 9, 3: 5}[nd]
    spatial = tuple(data.draw(st.integers(1, max_size)) for _ in range(nd))
    out_size = tuple(data.draw(st.one_of(st.none(), st.integers(1, max_size + 3))) for _ in range(nd))
    arg = out_size[0] if nd == 1 else out_size
    if nd == 1 and arg is None:
        arg = 1
    shape = data.draw(st.sampled_from([(2, 3), (3,)])) + spatial
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    x = rng.standard_normal(shape).astype(dtype) if kind == "random" else rng.integers(-2, 3, shape).astype(dtype)
    if kind == "nan":
        x[x == 1] = np.nan
    # adaptive max: values, indices, backward
    tfn = getattr(F, f"adaptive_max_pool{nd}d")
    g = rng.standard_normal(tuple(tfn(torch.tensor(x), arg).shape)).astype(dtype)
    (want, want_idx), want_dx = torch_grad(lambda t: tfn(t, arg, return_indices=True), x, g)
    out, idx = getattr(cl, f"adaptive_max_pool{nd}d")(x, arg, return_indices=True)
    assert_array_equal(out, want.detach().numpy())
    assert_array_equal(idx, want_idx.numpy())
    backward = getattr(cl, f"adaptive_max_pool{nd}d_backward")
    assert_allclose(backward(g, x, arg), want_dx, **tol(dtype))
    assert_allclose(backward(g, x, arg, indices=idx), want_dx, **tol(dtype))
    # adaptive average
    x = np.nan_to_num(x)
    tfn = getattr(F, f"adaptive_avg_pool{nd}d")
    want, want_dx = torch_grad(lambda t: tfn(t, arg), x, g)
    assert_allclose(getattr(cl, f"adaptive_avg_pool{nd}d")(x, arg), want.detach().numpy(), **tol(dtype))
    assert_allclose(getattr(cl, f"adaptive_avg_pool{nd}d_backward")(g, x, arg), want_dx, **tol(dtype))


def test_ties_and_nan_indices_as_torch():
    x = np.array([[[[1., np.nan, 3., np.nan], [0., 0., 0., 0.]]]])
    out, idx = cl.max_pool2d(x, (2, 4), return_indices=True)
    want, want_idx = F.max_pool2d(torch.tensor(x), (2, 4), return_indices=True)
    assert np.isnan(out.item()) and idx.item() == want_idx.item() == 3  # the last NaN
    x = np.full((1, 1, 2, 4), 2.0)
    _, idx = cl.max_pool2d(x, 2, stride=1, return_indices=True)
    _, want_idx = F.max_pool2d(torch.tensor(x), 2, stride=1, return_indices=True)
    assert_array_equal(idx, want_idx.numpy())  # the first of tied maxima
    assert_array_equal(idx, [[[[0, 1, 2]]]])
    x = np.full((1, 1, 4, 4), -np.inf)
    _, idx = cl.max_pool2d(x, 3, stride=2, padding=1, return_indices=True)
    _, want_idx = F.max_pool2d(torch.tensor(x), 3, stride=2, padding=1, return_indices=True)
    assert_array_equal(idx, want_idx.numpy())


def test_padding_limit_matches_torch():
    x = np.zeros((1, 1, 7, 7))
    for k, p in ((3, 1), (4, 2), (5, 2), (2, 1)):
        F.max_pool2d(torch.tensor(x), k, 1, p)
        cl.max_pool2d(x, k, 1, p)
    for k, p in ((3, 2), (4, 3), (1, 1)):
        with pytest.raises(RuntimeError, match="pad should be at most half"):
            F.max_pool2d(torch.tensor(x), k, 1, p)
        with pytest.raises(ValueError, match="must be at most half the kernel size"):
            cl.max_pool2d(x, k, 1, p)
