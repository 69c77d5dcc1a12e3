"""Pooling and its backward: oracles, vectorized vs oracle, gradient checks, invariants, errors."""


import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

import cnn_lessons as cl
from cnn_lessons import conv_output_size, gradient_check
from oracles import pooling as oracle

MAX = {1: cl.max_pool1d, 2: cl.max_pool2d, 3: cl.max_pool3d}
MAX_B = {1: cl.max_pool1d_backward, 2: cl.max_pool2d_backward, 3: cl.max_pool3d_backward}
AVG = {1: cl.avg_pool1d, 2: cl.avg_pool2d, 3: cl.avg_pool3d}
AVG_B = {1: cl.avg_pool1d_backward, 2: cl.avg_pool2d_backward, 3: cl.avg_pool3d_backward}
LP = {1: cl.lp_pool1d, 2: cl.lp_pool2d, 3: cl.lp_pool3d}
LP_B = {1: cl.lp_pool1d_backward, 2: cl.lp_pool2d_backward, 3: cl.lp_pool3d_backward}
AAVG = {1: cl.adaptive_avg_pool1d, 2: cl.adaptive_avg_pool2d, 3: cl.adaptive_avg_pool3d}
AAVG_B = {1: cl.adaptive_avg_pool1d_backward, 2: cl.adaptive_avg_pool2d_backward,
          3: cl.adaptive_avg_pool3d_backward}
AMAX = {1: cl.adaptive_max_pool1d, 2: cl.adaptive_max_pool2d, 3: cl.adaptive_max_pool3d}
AMAX_B = {1: cl.adaptive_max_pool1d_backward, 2: cl.adaptive_max_pool2d_backward,
          3: cl.adaptive_max_pool3d_backward}


def tol(dtype):
    return dict(rtol=1e-12, atol=1e-12) if dtype == np.float64 else dict(rtol=2e-5, atol=2e-5)


def distinct(shape, rng):
    """Values without ties, at least 0.1 apart: safe for central differences through a max."""
    return (rng.permutation(int(np.prod(shape))).reshape(shape) * 0.1 - 1.0).astype(np.float64)


# ----------------------------------------------------------------------------- 1. oracles on hand values


def test_max_oracle_on_hand_values():
    x = np.arange(16.).reshape(1, 1, 4, 4)
    out, idx = oracle.max_pool(x, (2, 2), (2, 2), (0, 0), (1, 1), False)
    assert_array_equal(out, [[[[5, 7], [13, 15]]]])
    assert_array_equal(idx, [[[[5, 7], [13, 15]]]])
    x = np.array([[[1., 2, 3], [4, 5, 6], [7, 8, 9]]])  # padding 1, 3x3 windows, stride 2
    out, idx = oracle.max_pool(x, (3, 3), (2, 2), (1, 1), (1, 1), False)
    assert_array_equal(out, [[[5, 6], [8, 9]]])
    assert_array_equal(idx, [[[4, 5], [7, 8]]])
    out, idx = oracle.max_pool(np.full((1, 2, 2), 2.), (2, 2), (1, 1), (0, 0), (1, 1), False)
    assert idx.item() == 0  # ties: the first in row-major order
    out, idx = oracle.max_pool(np.array([[1., np.nan, 3., np.nan]]), (4,), (4,), (0,), (1,), False)
    assert np.isnan(out.item()) and idx.item() == 3  # NaN wins; the last NaN
    out, idx = oracle.max_pool(np.full((1, 3), -np.inf), (3,), (2,), (1,), (1,), False)
    assert_array_equal(idx, [[0, 1]])  # all -inf: the first element inside the input
    # dilation 2: taps 0, 2, 4
    out, _ = oracle.max_pool(np.array([[5., 9., 1., 9., 3.]]), (3,), (1,), (0,), (2,), False)
    assert_array_equal(out, [[5.]])


def test_avg_oracle_on_hand_values():
    x = np.array([[1., 2., 3., 4., 5.]])
    assert_allclose(oracle.avg_pool(x, (2,), (2,), (1,), False, True), [[0.5, 2.5, 4.5]])
    assert_allclose(oracle.avg_pool(x, (2,), (2,), (1,), False, False), [[1.0, 2.5, 4.5]])
    # ceil mode: the last window [4, 6) is clipped to size + padding = 5, divisor 1
    assert_allclose(oracle.avg_pool(x, (2,), (2,), (0,), True, True), [[1.5, 3.5, 5.0]])
    # ceil mode with padding: windows start at -1, 1, 3; the last ends at min(3 + 3, 4 + 1) = 5
    x = np.array([[1., 2., 3., 4.]])
    assert_allclose(oracle.avg_pool(x, (3,), (2,), (1,), True, True), [[1.0, 3.0, 2.0]])
    assert_allclose(oracle.avg_pool(x, (3,), (2,), (1,), True, False), [[1.5, 3.0, 4.0]])
    g = np.array([[3., 6., 4.]])
    assert_allclose(oracle.avg_pool_backward(g, x, (3,), (2,), (1,), True, True), [[1, 3, 2, 4]])


def test_lp_and_adaptive_oracles_on_hand_values():
    assert_allclose(oracle.lp_pool(np.array([[3., 4.]]), 2, (2,), (2,), False), [[5.0]])
    assert_allclose(oracle.lp_pool(np.array([[1., 2., 3.]]), 1, (2,), (2,), True), [[3.0, 6.0]])
    x = np.array([[1., 2., 3., 4., 5.]])
    assert oracle.adaptive_windows(5, 3) == [(0, 2), (1, 4), (3, 5)]
    assert_allclose(oracle.adaptive_avg_pool(x, (3,)), [[1.5, 3.0, 4.5]])
    out, idx = oracle.adaptive_max_pool(np.array([[1., 5., 2., 4., 3.]]), (3,))
    assert_array_equal(out, [[5, 5, 4]])
    assert_array_equal(idx, [[1, 1, 3]])
    assert_allclose(oracle.adaptive_avg_pool_backward(np.ones((1, 3)), x, (3,)),
                    [[1 / 2, 1 / 2 + 1 / 3, 1 / 3, 1 / 3 + 1 / 2, 1 / 2]])


def test_public_functions_on_the_hand_values():
    x = np.array([[1., 2., 3., 4.]])
    assert_allclose(cl.avg_pool1d(x, 3, 2, 1, ceil_mode=True), [[1.0, 3.0, 2.0]])
    assert_allclose(cl.avg_pool1d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), [[1.5, 3.0, 4.0]])
    x = np.array([[[1., 2, 3], [4, 5, 6], [7, 8, 9]]])
    out, idx = cl.max_pool2d(x, 3, 2, 1, return_indices=True)
    assert_array_equal(out, [[[5, 6], [8, 9]]])
    assert_array_equal(idx, [[[4, 5], [7, 8]]])
    assert idx.dtype == np.int64


# ----------------------------------------------------------------------------- 2. vectorized vs oracle


@st.composite
def window_case(draw, dilation=True, padding=True):
    nd = draw(st.integers(1, 3))
    max_size = {1: 9, 2: 6, 3: 4}[nd]
    k = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    s = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    p = tuple(draw(st.integers(0, kk // 2)) if padding else 0 for kk in k)
    d = tuple(draw(st.integers(1, 2)) if dilation else 1 for _ in range(nd))
    spatial = tuple(draw(st.integers(1, max_size)) for _ in range(nd))
    ceil = draw(st.booleans())
    lead = draw(st.sampled_from([(2, 2), (1, 3), (2,)]))  # (N, C) or unbatched (C,)
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    seed = draw(st.integers(0, 2**16))
    return nd, k, s, p, d, ceil, lead + spatial, dtype, seed


def valid(fn, *args, **kwargs):
    """Call fn; skip the example if the geometry is invalid (kernel larger than the padded input)."""
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        assume("larger than the padded input" not in str(exc) and "no input element" not in str(exc))
        raise


def values(shape, dtype, rng, ties=True):
    x = rng.integers(-3, 4, shape).astype(dtype) if ties else rng.standard_normal(shape).astype(dtype)
    return x


@given(window_case(), st.booleans(), st.booleans())
def test_max_pool_matches_oracle(case, ties, specials):
    nd, k, s, p, d, ceil, shape, dtype, seed = case
    rng = np.random.default_rng(seed)
    x = values(shape, dtype, rng, ties)
    if specials:  # NaN and -inf, with PyTorch's rules
        x[rng.random(shape) < 0.1] = np.nan
        x[rng.random(shape) < 0.2] = -np.inf
    out, idx = valid(MAX[nd], x, k, s, p, d, ceil, return_indices=True)
    want, want_idx = oracle.max_pool(x, k, s, p, d, ceil)
    assert out.dtype == dtype and idx.dtype == np.int64
    assert_array_equal(out, want)  # max is exact, NaN included
    assert_array_equal(idx, want_idx)
    assert_array_equal(MAX[nd](x, k, s, p, d, ceil), want)
    g = rng.standard_normal(out.shape).astype(dtype)
    dx = MAX_B[nd](g, x, k, s, p, d, ceil)
    assert dx.dtype == dtype
    assert_allclose(dx, oracle.max_pool_backward(g.astype(np.float64), x, k, s, p, d, ceil), **tol(dtype))
    assert_array_equal(MAX_B[nd](g, x, k, s, p, d, ceil, indices=idx), dx)


@given(window_case(dilation=False), st.booleans())
def test_avg_pool_matches_oracle(case, count_include_pad):
    nd, k, s, p, _, ceil, shape, dtype, seed = case
    rng = np.random.default_rng(seed)
    x = values(shape, dtype, rng, ties=False)
    out = valid(AVG[nd], x, k, s, p, ceil, count_include_pad)
    assert out.dtype == dtype
    assert_allclose(out, oracle.avg_pool(x.astype(np.float64), k, s, p, ceil, count_include_pad), **tol(dtype))
    g = rng.standard_normal(out.shape).astype(dtype)
    dx = AVG_B[nd](g, x, k, s, p, ceil, count_include_pad)
    assert dx.dtype == dtype
    assert_allclose(dx, oracle.avg_pool_backward(g.astype(np.float64), x, k, s, p, ceil, count_include_pad),
                    **tol(dtype))


@given(window_case(dilation=False), st.booleans())
def test_avg_pool_products_and_strided_sums_agree(case, count_include_pad):
    """The matrix-product forward (_AVG_GEMM) and the strided window sums give the same averages."""
    from cnn_lessons import pooling as pl
    nd, k, s, p, _, ceil, shape, dtype, seed = case
    x = values(shape, dtype, np.random.default_rng(seed), ties=False)
    fast = valid(AVG[nd], x, k, s, p, ceil, count_include_pad)
    g = np.random.default_rng(seed + 1).standard_normal(fast.shape).astype(dtype)
    dfast = AVG_B[nd](g, x, k, s, p, ceil, count_include_pad)
    try:
        pl._AVG_GEMM = False
        slow = AVG[nd](x, k, s, p, ceil, count_include_pad)
        dslow = AVG_B[nd](g, x, k, s, p, ceil, count_include_pad)
    finally:
        pl._AVG_GEMM = True
    assert fast.dtype == slow.dtype == dfast.dtype == dtype and fast.flags.c_contiguous
    assert dfast.shape == x.shape and dfast.flags.c_contiguous
    assert_allclose(fast, slow, **tol(dtype))
    assert_allclose(dfast, dslow, **tol(dtype))


@pytest.mark.parametrize("shape, k, s, p, ceil, cip", [
    ((2, 3, 8, 8), 2, 2, 0, False, True),       # windows tile the rows: one product
    ((2, 3, 8, 9), 3, 2, 1, False, False),      # overlapping rows: two offsets, clipped divisors
    ((2, 3, 7, 8), 3, 2, 1, True, True),        # H not a multiple of the stride: product + sums
    ((1, 2, 4, 6, 6), (2, 3, 3), (2, 2, 3), (1, 1, 0), True, False),  # 3-D, leading axis divided
    ((3, 10), 3, 2, 1, False, True),            # 1-D, unbatched
])
def test_avg_pool_non_finite_inputs_stay_in_their_windows(shape, k, s, p, ceil, cip):
    """inf and NaN reach exactly the windows that contain them (the products would spread
    0 * inf = NaN along the row, so such inputs take the strided sums)."""
    nd = len(shape) - 2 if len(shape) > 2 else 1
    x = np.random.default_rng(0).standard_normal(shape)
    x.reshape(-1)[5] = np.inf
    x.reshape(-1)[-3] = np.nan
    out = AVG[nd](x, k, s, p, ceil, cip)
    kk, ss, pp = (k,) * nd if isinstance(k, int) else k, (s,) * nd if isinstance(s, int) else s, \
        (p,) * nd if isinstance(p, int) else p
    xb = x if x.ndim == nd + 2 else x[None]
    want = oracle.avg_pool(xb, kk, ss, pp, ceil, cip)
    want = want if x.ndim == nd + 2 else want[0]
    assert_array_equal(np.isnan(out), np.isnan(want))
    assert_array_equal(np.isinf(out), np.isinf(want))
    finite = np.isfinite(want)
    assert finite.any()
    assert_allclose(out[finite], want[finite], rtol=1e-12, atol=1e-12)
    # and a non-finite upstream gradient reaches exactly the inputs of its window
    g = np.random.default_rng(1).standard_normal(out.shape)
    g.reshape(-1)[1] = np.inf
    dx = AVG_B[nd](g, x, k, s, p, ceil, cip)
    gb = g if x.ndim == nd + 2 else g[None]
    want_dx = oracle.avg_pool_backward(gb, xb, kk, ss, pp, ceil, cip)
    want_dx = want_dx if x.ndim == nd + 2 else want_dx[0]
    assert_array_equal(np.isinf(dx), np.isinf(want_dx))
    assert not np.isnan(dx).any()
    fin = np.isfinite(want_dx)
    assert_allclose(dx[fin], want_dx[fin], rtol=1e-12, atol=1e-12)


@given(window_case(dilation=False, padding=False), st.sampled_from([1, 2, 3, 1.5, 0.5]))
def test_lp_pool_matches_oracle(case, norm_type):
    nd, k, s, _, _, ceil, shape, dtype, seed = case
    rng = np.random.default_rng(seed)
    x = (rng.random(shape) + 0.1).astype(dtype)
    out = valid(LP[nd], x, norm_type, k, s, ceil)
    assert out.dtype == dtype
    assert_allclose(out, oracle.lp_pool(x.astype(np.float64), norm_type, k, s, ceil),
                    **(tol(dtype) if dtype == np.float32 else dict(rtol=1e-11)))


@st.composite
def adaptive_case(draw):
    nd = draw(st.integers(1, 3))
    max_size = {1: 9, 2: 7, 3: 4}[nd]
    spatial = tuple(draw(st.integers(1, max_size)) for _ in range(nd))
    out = tuple(draw(st.one_of(st.none(), st.integers(1, max_size + 2))) for _ in range(nd))
    lead = draw(st.sampled_from([(2, 2), (3,)]))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    return nd, lead + spatial, out, dtype, draw(st.integers(0, 2**16))


@given(adaptive_case(), st.booleans())
def test_adaptive_pools_match_oracle(case, ties):
    nd, shape, out_size, dtype, seed = case
    rng = np.random.default_rng(seed)
    x = values(shape, dtype, rng, ties)
    spatial = shape[len(shape) - nd:]
    resolved = tuple(n if m is None else m for n, m in zip(spatial, out_size))
    arg = out_size[0] if nd == 1 and out_size[0] is not None else out_size
    out = AAVG[nd](x, arg)
    assert out.dtype == dtype and out.shape == shape[:len(shape) - nd] + resolved
    assert_allclose(out, oracle.adaptive_avg_pool(x.astype(np.float64), resolved), **tol(dtype))
    mx, idx = AMAX[nd](x, arg, return_indices=True)
    want, want_idx = oracle.adaptive_max_pool(x, resolved)
    assert_array_equal(mx, want)
    assert_array_equal(idx, want_idx)
    g = rng.standard_normal(out.shape).astype(dtype)
    assert_allclose(AAVG_B[nd](g, x, arg), oracle.adaptive_avg_pool_backward(g.astype(np.float64), x, resolved),
                    **tol(dtype))
    dx = AMAX_B[nd](g, x, arg)
    assert_allclose(dx, oracle.scatter_indices(g.astype(np.float64), want_idx, x.shape, nd), **tol(dtype))
    assert_array_equal(AMAX_B[nd](g, x, arg, indices=idx), dx)


# ----------------------------------------------------------------------------- 3. gradient checks

GRAD_CASES = [  # (nd, shape, kernel, stride, padding, dilation, ceil_mode)
    (1, (2, 2, 7), 3, 2, 1, 1, True),
    (2, (2, 2, 5, 6), 2, None, 0, 1, False),
    (2, (1, 2, 6, 5), (3, 2), (2, 1), (1, 1), 1, True),    # overlapping, padding, ceil
    (2, (2, 6, 7), 3, 1, 1, 1, False),                      # unbatched, stride 1
    (3, (1, 2, 4, 5, 4), (2, 3, 2), (1, 2, 2), (1, 1, 0), 1, True),
]


@pytest.mark.parametrize("nd, shape, k, s, p, d, ceil", GRAD_CASES)
def test_max_pool_backward_gradient_check(nd, shape, k, s, p, d, ceil):
    x = distinct(shape, np.random.default_rng(0))
    errs = gradient_check(lambda x: MAX[nd](x, k, s, p, d, ceil),
                          lambda g, x: MAX_B[nd](g, x, k, s, p, d, ceil), [x])
    assert errs[0] < 1e-7
    errs = gradient_check(lambda x: MAX[nd](x, k, s, p, 2, ceil),  # dilation 2
                          lambda g, x: MAX_B[nd](g, x, k, s, p, 2, ceil), [x])
    assert errs[0] < 1e-7


@pytest.mark.parametrize("nd, shape, k, s, p, d, ceil", GRAD_CASES)
@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avg_pool_backward_gradient_check(nd, shape, k, s, p, d, ceil, count_include_pad):
    x = np.random.default_rng(1).standard_normal(shape)
    errs = gradient_check(lambda x: AVG[nd](x, k, s, p, ceil, count_include_pad),
                          lambda g, x: AVG_B[nd](g, x, k, s, p, ceil, count_include_pad), [x])
    assert errs[0] < 1e-7


@pytest.mark.parametrize("nd, shape, k, s, p, d, ceil", GRAD_CASES)
@pytest.mark.parametrize("norm_type", [1, 2, 3.5, np.inf])
def test_lp_pool_backward_gradient_check(nd, shape, k, s, p, d, ceil, norm_type):
    x = distinct(shape, np.random.default_rng(2)) + 2.0  # positive, no ties
    errs = gradient_check(lambda x: LP[nd](x, norm_type, k, s, ceil),
                          lambda g, x: LP_B[nd](g, x, norm_type, k, s, ceil), [x])
    assert errs[0] < 1e-7


@pytest.mark.parametrize("nd, shape, out", [(1, (2, 3, 7), 3), (2, (2, 2, 7, 5), (3, 4)),
                                            (2, (2, 5, 6), (None, 4)), (3, (1, 2, 5, 3, 4), (2, 2, 3)),
                                            (2, (1, 2, 3, 4), (5, 6))])
def test_adaptive_backward_gradient_check(nd, shape, out):
    x = distinct(shape, np.random.default_rng(3))
    for fwd, bwd in ((AAVG[nd], AAVG_B[nd]), (AMAX[nd], AMAX_B[nd])):
        errs = gradient_check(lambda x: fwd(x, out), lambda g, x: bwd(g, x, out), [x])
        assert errs[0] < 1e-7


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_max_ties_send_the_gradient_to_the_first_maximum(nd):
    x = np.ones((1, 1) + (4,) * nd)
    g = np.arange(1.0, 1 + 2**nd).reshape((1, 1) + (2,) * nd)
    dx = MAX_B[nd](g, x, 2)
    first = (Ellipsis,) + (slice(0, None, 2),) * nd  # the first element of every window
    assert_array_equal(dx[first], g)
    assert dx.sum() == g.sum()
    _, idx = AMAX[nd](x, 2, return_indices=True)
    assert_array_equal(AMAX_B[nd](g, x, 2, indices=idx)[first], g)


@given(window_case(), st.booleans())
def test_max_backward_conserves_the_gradient_sum(case, ties):
    nd, k, s, p, d, ceil, shape, _, seed = case
    rng = np.random.default_rng(seed)
    x = values(shape, np.float64, rng, ties)
    out, idx = valid(MAX[nd], x, k, s, p, d, ceil, return_indices=True)
    g = rng.standard_normal(out.shape)
    dx = MAX_B[nd](g, x, k, s, p, d, ceil)
    assert_allclose(dx.sum(), g.sum(), rtol=1e-12, atol=1e-12)
    assert_array_equal(MAX_B[nd](g, x, k, s, p, d, ceil, indices=idx), dx)


def test_max_backward_with_indices_of_a_bigger_problem():
    """Both scatter strategies (put for disjoint windows, bincount for overlapping) agree."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((4, 8, 16, 16)).astype(np.float32)
    for k, s, p in ((2, 2, 0), (3, 2, 1), (3, 1, 1)):
        out, idx = cl.max_pool2d(x, k, s, p, return_indices=True)
        g = rng.standard_normal(out.shape).astype(np.float32)
        dx = cl.max_pool2d_backward(g, x, k, s, p, indices=idx)
        assert dx.dtype == np.float32
        want = np.zeros(x.shape)
        np.add.at(want.reshape(32, -1), (np.arange(32)[:, None], idx.reshape(32, -1)),
                  g.reshape(32, -1))
        assert_allclose(dx, want, rtol=1e-5, atol=1e-5)
        assert_array_equal(cl.max_pool2d_backward(g, x, k, s, p), dx)


# ----------------------------------------------------------------------------- 4. invariants


@given(window_case())
def test_output_shape_dtype_and_inputs_unchanged(case):
    nd, k, s, p, d, ceil, shape, dtype, seed = case
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    x0 = x.copy()
    out = valid(MAX[nd], x, k, s, p, d, ceil)
    lead = shape[:len(shape) - nd]
    assert out.shape == lead + conv_output_size(shape[len(shape) - nd:], k, s, p, d, ceil)
    assert out.dtype == dtype
    g = np.ones(out.shape, dtype)
    g0 = g.copy()
    MAX_B[nd](g, x, k, s, p, d, ceil)
    try:
        a = AVG[nd](x, k, s, p, ceil)
        assert a.shape == lead + conv_output_size(shape[len(shape) - nd:], k, s, p, 1, ceil)
        assert a.dtype == dtype
        AVG_B[nd](np.ones(a.shape, dtype), x, k, s, p, ceil)
    except ValueError:
        pass  # without the dilation the window may not fit
    assert_array_equal(x, x0)
    assert_array_equal(g, g0)


@pytest.mark.parametrize("nd", [1, 2, 3])
def test_integer_input_computes_in_float64_and_unbatched_matches_batched(nd):
    x = np.arange(2 * 3 * 4**nd).reshape((2, 3) + (4,) * nd)
    for f, args in ((MAX[nd], (2,)), (AVG[nd], (2,)), (LP[nd], (2, 2)), (AAVG[nd], (3,)), (AMAX[nd], (3,))):
        out = f(x, *args)
        assert out.dtype == np.float64
        assert_allclose(f(x[1], *args), out[1], rtol=1e-15)
        assert f(x.astype(np.float32), *args).dtype == np.float32
    assert MAX_B[nd](np.ones((2, 3) + (2,) * nd, np.float32), x, 2).dtype == np.float64


def test_non_contiguous_input():
    x = np.random.default_rng(0).standard_normal((2, 3, 8, 10))
    xt = x.transpose(1, 0, 3, 2)[:, :, ::2]
    for f in (cl.max_pool2d, cl.avg_pool2d):
        assert_allclose(f(xt, 2), f(np.ascontiguousarray(xt), 2))
    out, idx = cl.max_pool2d(xt, 3, 2, 1, return_indices=True)
    g = np.ones_like(out)
    assert_allclose(cl.max_pool2d_backward(g, xt, 3, 2, 1, indices=idx),
                    cl.max_pool2d_backward(g, np.ascontiguousarray(xt), 3, 2, 1))


def test_stride_default_and_int_or_tuple_parameters():
    x = np.random.default_rng(0).standard_normal((1, 2, 6, 6))
    assert_array_equal(cl.max_pool2d(x, 2), cl.max_pool2d(x, (2, 2), (2, 2), (0, 0), (1, 1)))
    assert_array_equal(cl.avg_pool2d(x, 3, None, 1), cl.avg_pool2d(x, [3, 3], [3, 3], [1, 1]))
    assert cl.max_pool2d(x, (2, 3)).shape == (1, 2, 3, 2)


def test_output_size_one_and_global_pooling():
    x = np.random.default_rng(0).standard_normal((2, 3, 5, 7))
    assert_allclose(cl.avg_pool2d(x, (5, 7))[..., 0, 0], x.mean(axis=(2, 3)))
    assert_allclose(cl.adaptive_avg_pool2d(x, 1)[..., 0, 0], x.mean(axis=(2, 3)))
    assert_array_equal(cl.max_pool2d(x, (5, 7))[..., 0, 0], x.max(axis=(2, 3)))
    assert_array_equal(cl.adaptive_max_pool2d(x, (1, 1))[..., 0, 0], x.max(axis=(2, 3)))
    assert_array_equal(cl.adaptive_max_pool2d(x, (None, 1))[..., 0], x.max(axis=3))


# ----------------------------------------------------------------------------- 5. errors

X1, X2, X3 = np.zeros((1, 2, 6)), np.zeros((1, 2, 6, 6)), np.zeros((1, 2, 4, 4, 4))

ERRORS = [
    (lambda: cl.max_pool2d(X2, 3, padding=2), ValueError,
     r"max_pool2d: padding \(2\) must be at most half the kernel size \(3\); got padding=2, kernel_size=3"),
    (lambda: cl.avg_pool2d(X2, (3, 2), padding=(1, 2)), ValueError,
     r"avg_pool2d: padding \(2\) on spatial axis 1 must be at most half the kernel size \(2\)"),
    (lambda: cl.max_pool2d(np.zeros((6, 6)), 2), ValueError,
     r"max_pool2d: input must have 3 or 4 dimensions .*got shape \(6, 6\)"),
    (lambda: cl.max_pool1d(X2, 2), ValueError, r"max_pool1d: input must have 2 or 3 dimensions"),
    (lambda: cl.avg_pool3d(X1, 2), ValueError, r"avg_pool3d: input must have 4 or 5 dimensions"),
    (lambda: cl.max_pool2d(np.zeros((1, 2, 0, 3)), 1), ValueError, r"max_pool2d: input has an empty spatial axis"),
    (lambda: cl.max_pool2d(X2, 7), ValueError,
     r"max_pool2d: the kernel \(size 7, dilation 1, effective size 7\) is larger than the padded input"),
    (lambda: cl.max_pool2d(X2, 3, dilation=3), ValueError, r"max_pool2d: the kernel .* effective size 7"),
    (lambda: cl.avg_pool1d(X1, 0), ValueError, r"avg_pool1d: kernel_size must be a positive int \(>= 1\), got 0"),
    (lambda: cl.max_pool2d(X2, 2, stride=0), ValueError, r"max_pool2d: stride must be a positive int"),
    (lambda: cl.max_pool2d(X2, 2, stride=(1, -1)), ValueError, r"max_pool2d: stride\[1\] must be a positive int"),
    (lambda: cl.max_pool2d(X2, 2, dilation=0), ValueError, r"max_pool2d: dilation must be a positive int"),
    (lambda: cl.max_pool2d(X2, 2, padding=-1), ValueError, r"max_pool2d: padding must be a non-negative int"),
    (lambda: cl.max_pool2d(X2, (2, 2, 2)), ValueError,
     r"max_pool2d: kernel_size must be an int or a sequence of 2 ints .*length 3"),
    (lambda: cl.max_pool2d(X2, 2.0), TypeError, r"max_pool2d: kernel_size must be an int, got 2.0"),
    (lambda: cl.avg_pool2d(X2, None), TypeError, r"avg_pool2d: kernel_size must be an int, got None"),
    (lambda: cl.max_pool2d(X2, 2, ceil_mode=1), TypeError, r"max_pool2d: ceil_mode must be True or False"),
    (lambda: cl.max_pool2d(X2, 2, return_indices="yes"), TypeError,
     r"max_pool2d: return_indices must be True or False"),
    (lambda: cl.avg_pool2d(X2, 2, count_include_pad=None), TypeError,
     r"avg_pool2d: count_include_pad must be True or False"),
    (lambda: cl.max_pool2d("abc", 2), TypeError, r"max_pool2d: input must be an array of real numbers"),
    (lambda: cl.max_pool2d(X2.astype(complex), 2), TypeError, r"max_pool2d: input must be an array of real"),
    (lambda: cl.max_pool1d(np.zeros((1, 1, 5)), 2, padding=1, dilation=7), ValueError,
     r"max_pool1d: .*larger than the padded input"),
    (lambda: cl.max_pool1d(np.zeros((1, 1, 1)), 2, stride=1, padding=1, dilation=2), ValueError,
     r"max_pool1d: on spatial axis 0 some windows contain no input element"),
    (lambda: cl.lp_pool2d(X2, 0, 2), ValueError, r"lp_pool2d: norm_type must be positive .*got 0"),
    (lambda: cl.lp_pool1d(X1, -2.0, 2), ValueError, r"lp_pool1d: norm_type must be positive"),
    (lambda: cl.lp_pool2d(X2, float("nan"), 2), ValueError, r"lp_pool2d: norm_type must be positive"),
    (lambda: cl.lp_pool2d(X2, "2", 2), TypeError, r"lp_pool2d: norm_type must be a positive number"),
    (lambda: cl.lp_pool2d(X2, 2, 7), ValueError, r"lp_pool2d: the kernel .* larger than the padded input"),
    (lambda: cl.adaptive_avg_pool2d(X2, 0), ValueError, r"adaptive_avg_pool2d: output_size must be a positive int"),
    (lambda: cl.adaptive_avg_pool2d(X2, (2, 2, 2)), ValueError,
     r"adaptive_avg_pool2d: output_size must be an int or a sequence of 2 ints or None"),
    (lambda: cl.adaptive_max_pool2d(X2, (2, 0)), ValueError,
     r"adaptive_max_pool2d: output_size\[1\] must be a positive int"),
    (lambda: cl.adaptive_max_pool2d(X2, 2.5), TypeError, r"adaptive_max_pool2d: output_size must be an int"),
    (lambda: cl.adaptive_max_pool3d(X1, 2), ValueError, r"adaptive_max_pool3d: input must have 4 or 5 dimensions"),
    (lambda: cl.max_pool2d_backward(np.zeros((1, 2, 2, 2)), X2, 2), ValueError,
     r"max_pool2d_backward: grad_output must have shape \(1, 2, 3, 3\) \(the output shape of max_pool2d"),
    (lambda: cl.avg_pool1d_backward(np.zeros((1, 2, 2)), X1, 2), ValueError,
     r"avg_pool1d_backward: grad_output must have shape \(1, 2, 3\)"),
    (lambda: cl.lp_pool2d_backward(np.zeros((1, 2, 3)), X2, 2, 2), ValueError,
     r"lp_pool2d_backward: grad_output must have shape \(1, 2, 3, 3\)"),
    (lambda: cl.adaptive_avg_pool3d_backward(np.zeros((1, 2, 1, 1, 2)), X3, 1), ValueError,
     r"adaptive_avg_pool3d_backward: grad_output must have shape \(1, 2, 1, 1, 1\)"),
    (lambda: cl.adaptive_max_pool2d_backward(np.zeros((1, 2, 3, 3)), X2, 2), ValueError,
     r"adaptive_max_pool2d_backward: grad_output must have shape \(1, 2, 2, 2\)"),
    (lambda: cl.max_pool2d_backward(np.zeros((1, 2, 3, 3)), X2, 2, indices=np.zeros((1, 2, 3, 3))), TypeError,
     r"max_pool2d_backward: indices must be an integer ndarray .*float64"),
    (lambda: cl.max_pool2d_backward(np.zeros((1, 2, 3, 3)), X2, 2, indices=[[0]]), TypeError,
     r"max_pool2d_backward: indices must be an integer ndarray"),
    (lambda: cl.max_pool2d_backward(np.zeros((1, 2, 3, 3)), X2, 2, indices=np.zeros((1, 2, 3), int)), ValueError,
     r"max_pool2d_backward: indices must have shape \(1, 2, 3, 3\)"),
    (lambda: cl.max_pool2d_backward(np.zeros((1, 2, 3, 3)), X2, 2, indices=np.full((1, 2, 3, 3), 36)), ValueError,
     r"max_pool2d_backward: indices must lie in \[0, 36\) .*got values from 36 to 36"),
    (lambda: cl.adaptive_max_pool1d_backward(np.zeros((1, 2, 2)), X1, 2, indices=np.full((1, 2, 2), -1)),
     ValueError, r"adaptive_max_pool1d_backward: indices must lie in \[0, 6\)"),
]


@pytest.mark.parametrize("call, exc, match", ERRORS)
def test_error_messages(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


BAD_WINDOW = st.one_of(st.sampled_from([0, -1, 2.5, "3", True, (1, 2, 3, 4), (0,) * 3, [], 1j]),
                       st.integers(max_value=0), st.text(max_size=3))
BAD_FLAG = st.sampled_from([0, 1, "yes", None, 2.0])
BAD_INPUT = st.sampled_from([np.zeros(3), np.zeros((1, 1, 1, 1, 1, 1)), "x", None, np.zeros((2, 2), complex),
                             np.array(["a", "b"]), [[1, 2], [3]]])


@st.composite
def invalid_call(draw):
    """A pooling call with exactly one invalid argument."""
    nd = draw(st.integers(1, 3))
    x = np.zeros((1, 2) + (5,) * nd)
    family = draw(st.sampled_from(["max", "avg", "lp", "aavg", "amax", "max_b", "avg_b"]))
    which = draw(st.sampled_from(["input", "kernel", "stride", "padding", "flag"]))
    bad = {"input": BAD_INPUT, "kernel": BAD_WINDOW, "stride": BAD_WINDOW,
           "padding": st.sampled_from([-1, 2, (0,) * (nd + 1), 1.0, "1"]), "flag": BAD_FLAG}[which]
    value = draw(bad)
    args = {"input": x, "kernel": 2, "stride": None, "padding": 0, "flag": False}
    args[which] = value
    if family in ("aavg", "amax") and which in ("stride", "padding"):
        args["kernel"] = draw(BAD_WINDOW)  # the output_size is the only window argument
    if family == "lp" and which == "padding":
        family = "lp_norm"
    norm_type = draw(st.sampled_from([0, -1, -np.inf, "p", None, np.nan]))
    calls = {
        "max": lambda: MAX[nd](args["input"], args["kernel"], args["stride"], args["padding"],
                               ceil_mode=args["flag"]),
        "avg": lambda: AVG[nd](args["input"], args["kernel"], args["stride"], args["padding"],
                               count_include_pad=args["flag"]),
        "lp": lambda: LP[nd](args["input"], 2, args["kernel"], args["stride"], ceil_mode=args["flag"]),
        "lp_norm": lambda: LP[nd](x, norm_type, 2),
        "aavg": lambda: AAVG[nd](args["input"], args["kernel"] if which != "flag" else "big"),
        "amax": lambda: AMAX[nd](args["input"], args["kernel"], return_indices=args["flag"]),
        "max_b": lambda: MAX_B[nd](np.zeros((1, 2) + (2,) * nd), args["input"], args["kernel"], args["stride"],
                                   args["padding"], ceil_mode=args["flag"]),
        "avg_b": lambda: AVG_B[nd](np.zeros((1, 2) + (2,) * nd), args["input"], args["kernel"], args["stride"],
                                   args["padding"], count_include_pad=args["flag"]),
    }
    names = {"max": MAX, "avg": AVG, "lp": LP, "lp_norm": LP, "aavg": AAVG, "amax": AMAX,
             "max_b": MAX_B, "avg_b": AVG_B}
    return calls[family], names[family][nd].__name__


@given(invalid_call())
def test_invalid_arguments_raise_with_the_function_name(case):
    call, name = case
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    assert str(info.value).startswith(f"{name}: ")
