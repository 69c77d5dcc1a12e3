"""Tests of cnn_lessons.convolution: oracles, random shapes, gradients, invariants, errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracles.convolution import (
    conv_nd_backward_loop,
    conv_nd_loop,
    convolve2d_loop,
    corr2d_loop,
)

import cnn_lessons as cl
from cnn_lessons import convolution as cv

CONV = {1: cl.conv1d, 2: cl.conv2d, 3: cl.conv3d}
CONV_BACKWARD = {1: cl.conv1d_backward, 2: cl.conv2d_backward, 3: cl.conv3d_backward}
MODES = ("zeros", "reflect", "replicate", "circular")
F64 = dict(rtol=1e-12, atol=1e-12)
F32 = dict(rtol=1e-5, atol=1e-5)


# --------------------------------------------------------------------------
# 1. The oracles on hand-computed cases
# --------------------------------------------------------------------------


def test_corr2d_oracle_by_hand():
    x = np.arange(9.0).reshape(3, 3)
    k = np.array([[0.0, 1.0], [2.0, 3.0]])
    # S[0, 0] = 0*0 + 1*1 + 3*2 + 4*3 = 19
    np.testing.assert_array_equal(corr2d_loop(x, k), [[19, 25], [37, 43]])


def test_convolve2d_oracle_by_hand():
    x = np.arange(9.0).reshape(3, 3)
    k = np.array([[0.0, 1.0], [2.0, 3.0]])
    # flipped kernel [[3, 2], [1, 0]]: 0*3 + 1*2 + 3*1 + 4*0 = 5
    np.testing.assert_array_equal(convolve2d_loop(x, k), [[5, 11], [23, 29]])
    np.testing.assert_array_equal(convolve2d_loop(np.ones((1, 1)), k, "full"), k)
    np.testing.assert_array_equal(convolve2d_loop(np.array([[1.0, 2.0]]), np.array([[1.0, 1.0]]), "full"),
                                  [[1, 3, 2]])


@pytest.mark.parametrize("mode, expected", [
    ("zeros", [3, 6, 5]),        # [0 1 2 3 0]
    ("reflect", [5, 6, 7]),      # [2 1 2 3 2]
    ("replicate", [4, 6, 8]),    # [1 1 2 3 3]
    ("circular", [6, 6, 6]),     # [3 1 2 3 1]
])
def test_conv_oracle_padding_modes_by_hand(mode, expected):
    x = np.array([[[1.0, 2.0, 3.0]]])
    w = np.ones((1, 1, 3))
    np.testing.assert_array_equal(conv_nd_loop(x, w, padding=1, padding_mode=mode), [[expected]])


def test_conv_oracle_stride_dilation_groups_bias_by_hand():
    x = np.arange(7.0).reshape(1, 1, 7)
    # out[i] = x[2i] + x[2i + 2]
    np.testing.assert_array_equal(conv_nd_loop(x, np.ones((1, 1, 2)), stride=2, dilation=2),
                                  [[[2, 6, 10]]])
    x2 = np.array([[[1.0, 2.0], [3.0, 4.0]]])  # 2 channels
    w2 = np.array([[[1.0]], [[10.0]]])         # groups=2: channel o sees input channel o only
    np.testing.assert_array_equal(conv_nd_loop(x2, w2, b=np.array([0.5, 0.0]), groups=2),
                                  [[[1.5, 2.5], [30, 40]]])
    # 2-D, padding 1, stride 2: the four corners of a 3x3 input under a 1x1... 2x2 kernel of ones
    x3 = np.arange(9.0).reshape(1, 1, 3, 3)
    np.testing.assert_array_equal(conv_nd_loop(x3, np.ones((1, 1, 2, 2)), stride=2, padding=1),
                                  [[[[0, 3], [9, 24]]]])


def test_conv_oracle_same_pads_extra_at_the_end():
    x = np.array([[[1.0, 2.0, 3.0, 4.0]]])
    # even kernel 2: total padding 1, all of it after: [1 2 3 4 0]
    np.testing.assert_array_equal(conv_nd_loop(x, np.ones((1, 1, 2)), padding="same"), [[[3, 5, 7, 4]]])


def test_conv_backward_oracle_by_hand():
    x, w = np.array([[[0.0, 1.0, 2.0, 3.0]]]), np.array([[[1.0, 2.0]]])
    dx, dw, db = conv_nd_backward_loop(np.ones((1, 1, 3)), x, w, b=np.zeros(1))
    np.testing.assert_array_equal(dx, [[[1, 3, 3, 2]]])
    np.testing.assert_array_equal(dw, [[[3, 6]]])   # [0+1+2, 1+2+3]
    np.testing.assert_array_equal(db, [3])


# --------------------------------------------------------------------------
# Problems: named cases for every feature, and a hypothesis strategy
# --------------------------------------------------------------------------

# (nd, N or None for unbatched, C_in, C_out, groups, size, kernel, stride, padding, dilation, mode, bias)
CASES = {
    "plain": (2, 2, 3, 4, 1, (5, 6), (3, 3), 1, 0, 1, "zeros", True),
    "stride2-pad1": (2, 2, 3, 2, 1, (7, 7), (3, 3), 2, 1, 1, "zeros", True),
    "dilation2": (2, 1, 2, 3, 1, (7, 8), (3, 2), 1, 1, 2, "zeros", False),
    "1x1": (2, 2, 4, 3, 1, (3, 5), (1, 1), 1, 0, 1, "zeros", True),
    "1x1-stride2": (2, 2, 4, 3, 1, (5, 5), (1, 1), 2, 0, 1, "zeros", True),
    "output-size-1": (2, 2, 2, 3, 1, (3, 4), (3, 4), 1, 0, 1, "zeros", True),
    "non-square-params": (2, 2, 2, 2, 1, (6, 9), (2, 3), (1, 2), (0, 2), (2, 1), "zeros", True),
    "groups2": (2, 2, 4, 6, 2, (5, 5), (3, 3), 1, 1, 1, "zeros", True),
    "depthwise": (2, 2, 3, 3, 3, (6, 5), (3, 3), 1, 1, 1, "zeros", True),
    "depthwise-x2-stride2": (2, 2, 3, 6, 3, (7, 6), (3, 2), 2, 1, 2, "zeros", True),
    "depthwise-x5": (2, 1, 2, 10, 2, (5, 5), (3, 3), 1, 1, 1, "zeros", False),
    "reflect": (2, 2, 2, 3, 1, (4, 5), (3, 3), 1, (2, 1), 1, "reflect", True),
    "replicate": (2, 2, 2, 3, 1, (4, 5), (3, 3), 2, 2, 1, "replicate", True),
    "circular": (2, 2, 2, 3, 1, (4, 5), (3, 3), 1, (1, 3), 1, "circular", True),
    "same-odd": (2, 2, 2, 3, 1, (5, 4), (3, 3), 1, "same", 1, "zeros", True),
    "same-even-reflect": (2, 1, 2, 3, 1, (5, 4), (2, 4), 1, "same", 1, "reflect", True),
    "same-dilated-circular": (2, 1, 2, 2, 1, (6, 5), (2, 3), 1, "same", 2, "circular", False),
    "valid": (2, 2, 2, 3, 1, (5, 4), (2, 2), 1, "valid", 1, "zeros", True),
    "unbatched": (2, None, 3, 2, 1, (5, 5), (3, 3), 2, 1, 1, "zeros", True),
    "conv1d": (1, 2, 3, 4, 1, (9,), (3,), 2, 1, 2, "zeros", True),
    "conv1d-same-replicate": (1, 2, 2, 2, 2, (6,), (4,), 1, "same", 1, "replicate", True),
    "conv1d-unbatched-depthwise": (1, None, 3, 3, 3, (8,), (3,), 1, 1, 1, "reflect", True),
    "conv3d": (3, 2, 2, 3, 1, (4, 3, 5), (2, 2, 3), 1, 1, 1, "zeros", True),
    "conv3d-stride-groups": (3, 1, 4, 2, 2, (5, 4, 4), (2, 1, 2), 2, (1, 0, 1), 1, "circular", True),
    "conv3d-unbatched-dilated": (3, None, 2, 2, 1, (5, 4, 5), (2, 2, 2), 1, "same", 2, "zeros", False),
}


def make_problem(case, rng, dtype=np.float64):
    nd, n, c_in, c_out, groups, size, kernel, stride, padding, dilation, mode, bias = case
    x = rng.standard_normal(((n,) if n else ()) + (c_in, *size)).astype(dtype)
    w = rng.standard_normal((c_out, c_in // groups, *kernel)).astype(dtype)
    b = rng.standard_normal(c_out).astype(dtype) if bias else None
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups, padding_mode=mode)
    return nd, x, w, b, kw


def oracle(x, w, b, kw):
    """The loop oracle, batching an unbatched input."""
    unbatched = x.ndim == w.ndim - 1
    out = conv_nd_loop(x[None] if unbatched else x, w, b, **kw)
    return out[0] if unbatched else out


def oracle_backward(g, x, w, b, kw):
    unbatched = x.ndim == w.ndim - 1
    if unbatched:
        dx, dw, db = conv_nd_backward_loop(g[None], x[None], w, b, **kw)
        return dx[0], dw, db
    return conv_nd_backward_loop(g, x, w, b, **kw)


@st.composite
def conv_problems(draw, dtype=np.float64):
    """A random valid convolution problem, small enough for the loop oracle."""
    nd = draw(st.integers(1, 3))
    max_k, max_extra = {1: (4, 6), 2: (3, 4), 3: (2, 2)}[nd]
    groups = draw(st.integers(1, 3))
    c_in = groups * draw(st.integers(1, 2))
    c_out = groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, max_k)) for _ in range(nd))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    mode = draw(st.sampled_from(MODES))
    kind = draw(st.sampled_from(["ints", "ints", "same", "valid"]))
    stride = (1,) * nd if kind == "same" else tuple(draw(st.integers(1, 3)) for _ in range(nd))
    if kind == "ints":
        padding = tuple(draw(st.integers(0, 2)) for _ in range(nd))
        pairs = [(p, p) for p in padding]
    elif kind == "same":
        padding = "same"
        pairs = [(d * (k - 1) // 2, d * (k - 1) - d * (k - 1) // 2) for k, d in zip(kernel, dilation)]
    else:
        padding = "valid"
        pairs = [(0, 0)] * nd
    size = []
    for k, d, (lo, hi) in zip(kernel, dilation, pairs):
        smallest = max(1, d * (k - 1) + 1 - lo - hi)
        if mode == "reflect":
            smallest = max(smallest, lo + 1, hi + 1)
        if mode == "circular":
            smallest = max(smallest, lo, hi)
        size.append(draw(st.integers(smallest, smallest + max_extra)))
    batched = draw(st.booleans()) or nd == 1
    n = draw(st.integers(1, 2)) if batched else None
    bias = draw(st.booleans())
    seed = draw(st.integers(0, 2**16))
    case = (nd, n, c_in, c_out, groups, tuple(size), kernel, stride, padding, dilation, mode, bias)
    return make_problem(case, np.random.default_rng(seed), dtype)


# --------------------------------------------------------------------------
# 2. Vectorized against the oracle
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_conv_matches_oracle_on_named_cases(name, rng):
    nd, x, w, b, kw = make_problem(CASES[name], rng)
    np.testing.assert_allclose(CONV[nd](x, w, b, **kw), oracle(x, w, b, kw), **F64)


@given(conv_problems())
def test_conv_matches_oracle_float64(problem):
    nd, x, w, b, kw = problem
    np.testing.assert_allclose(CONV[nd](x, w, b, **kw), oracle(x, w, b, kw), **F64)


@given(conv_problems(np.float32))
def test_conv_matches_oracle_float32(problem):
    nd, x, w, b, kw = problem
    out = CONV[nd](x, w, b, **kw)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, oracle(x, w, b, kw), **F32)


@pytest.mark.parametrize("name", CASES)
def test_backward_matches_oracle_on_named_cases(name, rng):
    nd, x, w, b, kw = make_problem(CASES[name], rng)
    g = rng.standard_normal(CONV[nd](x, w, b, **kw).shape)
    got = CONV_BACKWARD[nd](g, x, w, b, **kw)
    want = oracle_backward(g, x, w, b, kw)
    for a, e in zip(got[:2], want[:2]):
        np.testing.assert_allclose(a, e, **F64)
    if b is None:
        assert got[2] is None
    else:
        np.testing.assert_allclose(got[2], want[2], **F64)


@given(conv_problems(), st.integers(0, 2**16))
def test_backward_matches_oracle(problem, seed):
    nd, x, w, b, kw = problem
    g = np.random.default_rng(seed).standard_normal(CONV[nd](x, w, b, **kw).shape)
    got = CONV_BACKWARD[nd](g, x, w, b, **kw)
    want = oracle_backward(g, x, w, b, kw)
    for a, e in zip(got, want):
        if e is None:
            assert a is None
        else:
            assert a.shape == e.shape
            np.testing.assert_allclose(a, e, **F64)


@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6), st.integers(1, 6),
       st.integers(0, 2**16))
def test_corr2d_and_convolve2d_match_oracles(h, w_, kh, kw, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((h + kh - 1, w_ + kw - 1))
    k = rng.standard_normal((kh, kw))
    np.testing.assert_allclose(cl.corr2d(x, k), corr2d_loop(x, k), **F64)
    np.testing.assert_allclose(cl.convolve2d(x, k), convolve2d_loop(x, k), **F64)
    np.testing.assert_allclose(cl.convolve2d(x, k, mode="full"), convolve2d_loop(x, k, "full"), **F64)
    small = rng.standard_normal((h, w_))  # "full" works for kernels larger than the image
    np.testing.assert_allclose(cl.convolve2d(small, x, mode="full"), convolve2d_loop(small, x, "full"), **F64)


def test_corr2d_textbook_example():
    out = cl.corr2d(np.arange(9.0).reshape(3, 3), np.array([[0.0, 1.0], [2.0, 3.0]]))
    np.testing.assert_array_equal(out, [[19, 25], [37, 43]])


def test_strategies_agree(rng):
    """The kernel-offset loop and im2col+GEMM give the same numbers on a depthwise problem."""
    x = rng.standard_normal((3, 4, 7, 6))
    w = rng.standard_normal((8, 1, 3, 2))
    p = cv._parse_conv("t", 2, x, w, None, (2, 1), (1, 0), (1, 2), 4, "zeros")
    shape = (3, 8, *p.out_size)
    g = rng.standard_normal(shape)
    assert cv._use_offset_loop(p)
    out_a = np.empty(shape)
    cv._forward_offsets(cv._padded(p), p, out_a)
    out_b = np.empty(shape)
    cv._forward_gemm(cv._padded(p), p, out_b)
    np.testing.assert_allclose(out_a, out_b, **F64)
    dxp, dw = cv._backward_offsets(g, cv._padded(p), p)
    for a, b in zip((cv._unpad_grad(dxp, p), dw), cv._backward_gemm(g, cv._padded(p), p)):
        np.testing.assert_allclose(a, b, **F64)


@pytest.mark.parametrize("name", ["plain", "dilation2", "same-even-reflect", "conv1d", "conv3d", "depthwise-x5",
                                  "same-dilated-circular", "conv3d-unbatched-dilated"])
def test_wide_and_narrow_columns_agree(name, rng, monkeypatch):
    """Stride-1 problems use flattened "wide" columns; the per-window im2col must agree."""
    nd, x, w, b, kw = make_problem(CASES[name], rng)
    g = rng.standard_normal(CONV[nd](x, w, b, **kw).shape)
    wide = [CONV[nd](x, w, b, **kw), *CONV_BACKWARD[nd](g, x, w, b, **kw)]
    monkeypatch.setattr(cv, "_WIDE", False)
    narrow = [CONV[nd](x, w, b, **kw), *CONV_BACKWARD[nd](g, x, w, b, **kw)]
    for a, e in zip(wide, narrow):
        if e is not None:
            np.testing.assert_allclose(a, e, **F64)


DEPTHWISE = {  # stride-1 depthwise problems: the channel-major multiply-add loop
    "dw-pad": (2, 3, 5, 5, 5, (7, 6), (3, 3), 1, 1, 1, "zeros", True),
    "dw-dilated-asym": (2, 2, 4, 4, 4, (9, 8), (3, 2), 1, (2, 0), (2, 3), "zeros", False),
    "dw-same-even-reflect": (2, 3, 3, 3, 3, (6, 7), (2, 4), 1, "same", 1, "reflect", True),
    "dw-circular": (2, 2, 2, 2, 2, (5, 5), (3, 3), 1, 2, 1, "circular", True),
    "dw-1d-replicate": (1, 3, 4, 4, 4, (11,), (5,), 1, 2, 1, "replicate", False),
    "dw-3d": (3, 2, 3, 3, 3, (4, 5, 4), (2, 3, 2), 1, 1, (1, 1, 2), "zeros", True),
    "dw-unbatched": (2, None, 3, 3, 3, (6, 6), (3, 3), 1, 1, 1, "zeros", True),
    "dw-valid-1x1": (2, 2, 3, 3, 3, (4, 5), (1, 1), 1, 0, 1, "zeros", True),
}


@pytest.mark.parametrize("budget, dot_len", [(1, 1), (1, 7), (200, 5), (10**9, 4096)])
@pytest.mark.parametrize("name", DEPTHWISE)
def test_depthwise_blocks_match_oracle(name, budget, dot_len, rng, monkeypatch):
    """Depthwise stride 1: every block shape (one channel in batch chunks, several channels,
    whole batch) and every dot-row length give the oracle's numbers."""
    monkeypatch.setattr(cv, "_DW_BYTES", budget)
    monkeypatch.setattr(cv, "_DOT_LEN", dot_len)
    nd, x, w, b, kw = make_problem(DEPTHWISE[name], rng)
    if x.ndim == nd + 2:
        x = np.concatenate([x, x[:1] * 2.0])  # an odd batch: a short last chunk
    p = cv._parse_conv("t", nd, x, w, b, kw["stride"], kw["padding"], kw["dilation"],
                       kw["groups"], kw["padding_mode"])
    assert cv._is_depthwise(p)
    np.testing.assert_allclose(CONV[nd](x, w, b, **kw), oracle(x, w, b, kw), **F64)
    g = rng.standard_normal(oracle(x, w, b, kw).shape)
    for a, e in zip(CONV_BACKWARD[nd](g, x, w, b, **kw), oracle_backward(g, x, w, b, kw)):
        if e is not None:
            np.testing.assert_allclose(a, e, **F64)


def test_depthwise_float32_and_strategies_agree(rng):
    """The depthwise loop agrees with im2col + GEMM (float64) and keeps float32."""
    x = rng.standard_normal((3, 6, 9, 8))
    w = rng.standard_normal((6, 1, 3, 3))
    g = rng.standard_normal((3, 6, 9, 8))
    p = cv._parse_conv("t", 2, x, w, None, 1, 1, 1, 6, "zeros")
    assert cv._is_depthwise(p)
    out = np.empty((3, 6, 9, 8))
    cv._forward_gemm(cv._padded(p), p, out)
    np.testing.assert_allclose(cl.conv2d(x, w, padding=1, groups=6), out, **F64)
    dx, dw = cv._backward_gemm(g, None, p)
    dx2, dw2, _ = cl.conv2d_backward(g, x, w, padding=1, groups=6)
    np.testing.assert_allclose(dx2, dx, **F64)
    np.testing.assert_allclose(dw2, dw, **F64)
    x32, w32, g32 = (a.astype(np.float32) for a in (x, w, g))
    out32 = cl.conv2d(x32, w32, padding=1, groups=6)
    dx32, dw32, _ = cl.conv2d_backward(g32, x32, w32, padding=1, groups=6)
    assert out32.dtype == dx32.dtype == dw32.dtype == np.float32
    np.testing.assert_allclose(out32, out, **F32)
    np.testing.assert_allclose(dx32, dx2, **F32)
    np.testing.assert_allclose(dw32, dw2, rtol=1e-4, atol=1e-4)


def test_chunking_covers_every_batch_item(rng, monkeypatch):
    """Tiny buffers force many batch chunks, including a short last one."""
    monkeypatch.setattr(cv, "_COLS_BYTES", 1)
    monkeypatch.setattr(cv, "_LOOP_BYTES", 1)
    for name in ("plain", "stride2-pad1", "depthwise", "1x1-stride2", "conv3d", "dilation2", "same-odd",
                 "reflect", "replicate", "circular", "groups2", "conv3d-stride-groups"):
        nd, x, w, b, kw = make_problem(CASES[name], rng)
        x = np.concatenate([x, x[:1] * 2.0])  # N = 3
        np.testing.assert_allclose(CONV[nd](x, w, b, **kw), oracle(x, w, b, kw), **F64)
        g = rng.standard_normal(CONV[nd](x, w, b, **kw).shape)
        for a, e in zip(CONV_BACKWARD[nd](g, x, w, b, **kw), oracle_backward(g, x, w, b, kw)):
            if e is None:
                assert a is None
            else:
                np.testing.assert_allclose(a, e, **F64)


# --------------------------------------------------------------------------
# 3. Gradients against central differences
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_gradient_check(name, rng):
    nd, x, w, b, kw = make_problem(CASES[name], rng)
    if b is None:
        errors = cl.gradient_check(lambda x, w: CONV[nd](x, w, None, **kw),
                                   lambda g, x, w: CONV_BACKWARD[nd](g, x, w, None, **kw)[:2],
                                   [x, w])
    else:
        errors = cl.gradient_check(lambda x, w, b: CONV[nd](x, w, b, **kw),
                                   lambda g, x, w, b: CONV_BACKWARD[nd](g, x, w, b, **kw),
                                   [x, w, b])
    assert max(errors) < 1e-7, errors


# --------------------------------------------------------------------------
# 4. Invariants
# --------------------------------------------------------------------------


@given(conv_problems())
def test_output_shape_is_conv_output_size(problem):
    nd, x, w, b, kw = problem
    out = CONV[nd](x, w, b, **kw)
    size, kernel = x.shape[-nd:], w.shape[2:]
    if kw["padding"] == "same":
        expected = tuple(size)
    else:
        padding = 0 if kw["padding"] == "valid" else kw["padding"]
        expected = cl.conv_output_size(tuple(size), tuple(kernel), kw["stride"],
                                       padding if isinstance(padding, tuple) else (padding,) * nd,
                                       kw["dilation"])
    assert out.shape[-nd:] == expected
    assert out.shape[:-nd] == x.shape[:-nd - 1] + (w.shape[0],)


@pytest.mark.parametrize("name", ["plain", "depthwise", "reflect", "conv3d-stride-groups"])
def test_linear_in_input_and_in_weight(name, rng):
    nd, x, w, _, kw = make_problem(CASES[name], rng)
    conv = CONV[nd]
    x2, w2 = rng.standard_normal(x.shape), rng.standard_normal(w.shape)
    np.testing.assert_allclose(conv(2.5 * x - 3.0 * x2, w, **kw),
                               2.5 * conv(x, w, **kw) - 3.0 * conv(x2, w, **kw), **F64)
    np.testing.assert_allclose(conv(x, 2.5 * w - 3.0 * w2, **kw),
                               2.5 * conv(x, w, **kw) - 3.0 * conv(x, w2, **kw), **F64)


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("mode", MODES)
def test_delta_kernel_is_the_identity(nd, mode, rng):
    c, k = 3, 3
    x = rng.standard_normal((2, c) + (5,) * nd)
    w = np.zeros((c, c) + (k,) * nd)
    for i in range(c):
        w[(i, i) + (k // 2,) * nd] = 1.0
    np.testing.assert_array_equal(CONV[nd](x, w, padding="same", padding_mode=mode), x)
    depthwise = np.zeros((c, 1) + (k,) * nd)
    depthwise[(slice(None), 0) + (k // 2,) * nd] = 1.0
    np.testing.assert_array_equal(CONV[nd](x, depthwise, padding=1, groups=c, padding_mode=mode), x)


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("groups", [1, 2])
def test_translation_equivariance(stride, groups, rng):
    """Dropping the first s*t rows of the input drops the first t rows of the output."""
    x = rng.standard_normal((2, 4, 13, 11))
    w = rng.standard_normal((4, 4 // groups, 3, 2))
    full = cl.conv2d(x, w, stride=stride, groups=groups, dilation=(2, 1))
    for ty, tx in [(1, 0), (0, 2), (2, 1)]:
        shifted = cl.conv2d(x[:, :, stride * ty:, stride * tx:], w, stride=stride, groups=groups,
                            dilation=(2, 1))
        np.testing.assert_allclose(shifted, full[:, :, ty:ty + shifted.shape[2], tx:tx + shifted.shape[3]],
                                   **F64)


def test_translation_equivariance_circular(rng):
    """With circular padding a cyclic shift of the input is exactly a cyclic shift of the output."""
    x = rng.standard_normal((1, 2, 8, 7))
    w = rng.standard_normal((3, 2, 3, 3))
    y = cl.conv2d(x, w, padding=1, padding_mode="circular")
    y_shift = cl.conv2d(np.roll(x, (2, -3), axis=(2, 3)), w, padding=1, padding_mode="circular")
    np.testing.assert_allclose(y_shift, np.roll(y, (2, -3), axis=(2, 3)), **F64)


def test_correlations_compose_into_one_with_the_full_convolution_of_kernels(rng):
    x = rng.standard_normal((9, 8))
    k1, k2 = rng.standard_normal((3, 2)), rng.standard_normal((2, 3))
    np.testing.assert_allclose(cl.corr2d(cl.corr2d(x, k1), k2),
                               cl.corr2d(x, cl.convolve2d(k1, k2, mode="full")), **F64)
    np.testing.assert_allclose(cl.convolve2d(cl.convolve2d(x, k1, "full"), k2, "full"),
                               cl.convolve2d(x, cl.convolve2d(k1, k2, "full"), "full"), **F64)


def test_convolve2d_is_corr2d_with_the_flipped_kernel(rng):
    x, k = rng.standard_normal((6, 7)), rng.standard_normal((3, 2))
    np.testing.assert_allclose(cl.convolve2d(x, k), cl.corr2d(x, k[::-1, ::-1]), **F64)


@pytest.mark.parametrize("name", ["plain", "depthwise", "1x1", "reflect", "unbatched"])
def test_dtype_follows_the_inputs(name, rng):
    nd, x, w, b, kw = make_problem(CASES[name], rng, np.float32)
    conv, back = CONV[nd], CONV_BACKWARD[nd]
    out = conv(x, w, b, **kw)
    assert out.dtype == np.float32
    assert all(a is None or a.dtype == np.float32 for a in back(np.ones_like(out), x, w, b, **kw))
    assert conv(x, w.astype(np.float64), b, **kw).dtype == np.float64
    assert conv(x.astype(np.float64), w, b, **kw).dtype == np.float64
    assert back(np.ones(out.shape), x, w, b, **kw)[0].dtype == np.float64
    ints = conv(np.round(x * 3).astype(np.int64), np.round(w * 3).astype(np.int32), **kw)
    assert ints.dtype == np.float64
    np.testing.assert_allclose(ints, oracle(np.round(x * 3), np.round(w * 3), None, kw), **F64)
    assert cl.corr2d(np.ones((3, 3), np.float32), np.ones((2, 2), np.float32)).dtype == np.float32
    assert cl.convolve2d(np.ones((3, 3), int), np.ones((2, 2), int), "full").dtype == np.float64


@pytest.mark.parametrize("name", ["plain", "depthwise", "1x1", "reflect", "same-even-reflect", "unbatched"])
def test_inputs_are_not_modified(name, rng):
    nd, x, w, b, kw = make_problem(CASES[name], rng)
    g = rng.standard_normal(CONV[nd](x, w, b, **kw).shape)
    arrays = [a for a in (g, x, w, b) if a is not None]
    copies = [a.copy() for a in arrays]
    for a in arrays:
        a.flags.writeable = False  # an in-place write would raise
    CONV[nd](x, w, b, **kw)
    CONV_BACKWARD[nd](g, x, w, b, **kw)
    for a, c in zip(arrays, copies):
        np.testing.assert_array_equal(a, c)


def test_unbatched_is_the_batched_result_without_its_batch_axis(rng):
    x, w, b = rng.standard_normal((3, 6, 5)), rng.standard_normal((4, 3, 3, 2)), rng.standard_normal(4)
    out = cl.conv2d(x, w, b, padding=1, stride=2)
    np.testing.assert_array_equal(out, cl.conv2d(x[None], w, b, padding=1, stride=2)[0])
    g = rng.standard_normal(out.shape)
    dx, dw, db = cl.conv2d_backward(g, x, w, b, padding=1, stride=2)
    dx1, dw1, db1 = cl.conv2d_backward(g[None], x[None], w, b, padding=1, stride=2)
    assert dx.shape == x.shape
    np.testing.assert_array_equal(dx, dx1[0])
    np.testing.assert_array_equal(dw, dw1)


def test_numpy_integers_and_0d_arrays_are_accepted_as_ints():
    x, w = np.ones((1, 2, 5, 5)), np.ones((3, 2, 3, 3))
    expected = cl.conv2d(x, w, stride=2, padding=1)
    np.testing.assert_array_equal(cl.conv2d(x, w, stride=np.array(2), padding=np.int64(1)), expected)
    np.testing.assert_array_equal(cl.conv2d(x, w, stride=(np.int32(2), 2), padding=np.array([1, 1])), expected)
    with pytest.raises(TypeError, match=r"^conv2d: stride must be an int, got np.float64\(2.0\)"):
        cl.conv2d(x, w, stride=np.array(2.0))


def test_empty_batch(rng):
    out = cl.conv2d(np.zeros((0, 2, 5, 5)), np.ones((3, 2, 3, 3)), np.ones(3))
    assert out.shape == (0, 3, 3, 3)
    dx, dw, db = cl.conv2d_backward(np.zeros((0, 3, 3, 3)), np.zeros((0, 2, 5, 5)), np.ones((3, 2, 3, 3)),
                                    np.ones(3))
    assert dx.shape == (0, 2, 5, 5) and not dw.any() and not db.any()


# --------------------------------------------------------------------------
# 5. Errors
# --------------------------------------------------------------------------

X4 = np.zeros((2, 3, 5, 5))
W4 = np.zeros((8, 3, 3, 3))

ERRORS = [
    (cl.conv2d, (np.zeros((2, 3, 5, 5)), np.zeros((8, 4, 3, 3))), {}, ValueError,
     r"^conv2d: input has 3 channels but weight expects 4 \(weight.shape=\(8, 4, 3, 3\), groups=1\)"),
    (cl.conv2d, (np.zeros((5, 5)), W4), {}, ValueError, r"^conv2d: input must have 3 or 4 dimensions"),
    (cl.conv2d, (X4, np.zeros((8, 3, 3))), {}, ValueError, r"^conv2d: weight must have 4 dimensions.*got shape \(8, 3, 3\)"),
    (cl.conv1d, (X4, W4), {}, ValueError, r"^conv1d: input must have 2 or 3 dimensions"),
    (cl.conv3d, (np.zeros((5, 5)), W4), {}, ValueError, r"^conv3d: input must have 4 or 5 dimensions"),
    (cl.conv2d, (X4, W4, np.zeros(7)), {}, ValueError, r"^conv2d: bias must have shape \(8,\).*got shape \(7,\)"),
    (cl.conv2d, (X4, W4, np.zeros((8, 1))), {}, ValueError, r"^conv2d: bias must have shape \(8,\)"),
    (cl.conv2d, (X4, np.zeros((8, 1, 3, 3))), {"groups": 2}, ValueError,
     r"^conv2d: input channels \(3\) must be divisible by groups \(2\)"),
    (cl.conv2d, (np.zeros((1, 4, 5, 5)), np.zeros((6, 1, 3, 3))), {"groups": 4}, ValueError,
     r"^conv2d: weight has 6 output channels, which is not divisible by groups \(4\)"),
    (cl.conv2d, (X4, W4), {"groups": 0}, ValueError, r"^conv2d: groups must be a positive int"),
    (cl.conv2d, (X4, W4), {"stride": 0}, ValueError, r"^conv2d: stride must be a positive int.*got 0"),
    (cl.conv2d, (X4, W4), {"stride": (1, -2)}, ValueError, r"^conv2d: stride\[1\] must be a positive int"),
    (cl.conv2d, (X4, W4), {"stride": (1, 1, 1)}, ValueError, r"^conv2d: stride must be an int or a sequence of 2 ints"),
    (cl.conv2d, (X4, W4), {"stride": 1.5}, TypeError, r"^conv2d: stride must be an int"),
    (cl.conv2d, (X4, W4), {"dilation": 0}, ValueError, r"^conv2d: dilation must be a positive int"),
    (cl.conv2d, (X4, W4), {"padding": -1}, ValueError, r"^conv2d: padding must be a non-negative int.*got -1"),
    (cl.conv2d, (X4, W4), {"padding": "full"}, ValueError,
     r"^conv2d: padding must be an int, a tuple of 2 ints, 'valid' or 'same', got 'full'"),
    (cl.conv2d, (X4, W4), {"padding": None}, TypeError, r"^conv2d: padding must be"),
    (cl.conv2d, (X4, W4), {"padding": "same", "stride": 2}, ValueError,
     r"^conv2d: padding='same' is not supported for strided convolutions \(stride=\(2, 2\)\)"),
    (cl.conv2d, (X4, np.zeros((8, 3, 7, 3))), {}, ValueError,
     r"^conv2d: the kernel \(size 7, dilation 1, effective size 7\) is larger than the padded input \(size 5"),
    (cl.conv2d, (X4, W4), {"dilation": 3}, ValueError, r"^conv2d: the kernel \(size 3, dilation 3, effective size 7\)"),
    (cl.conv1d, (np.zeros((1, 1, 2)), np.zeros((1, 1, 4))), {"padding": 0}, ValueError,
     r"^conv1d: the kernel .* is larger than the padded input"),
    (cl.conv2d, (X4, W4), {"padding_mode": "mirror"}, ValueError,
     r"^conv2d: padding_mode must be one of \('zeros', 'reflect', 'replicate', 'circular'\), got 'mirror'"),
    (cl.conv2d, (X4, W4), {"padding_mode": 0}, TypeError, r"^conv2d: padding_mode must be a string"),
    (cl.conv2d, (X4, W4), {"padding": 5, "padding_mode": "reflect"}, ValueError,
     r"^conv2d: padding_mode='reflect' needs padding smaller than the input; spatial axis 0 has size 5"),
    (cl.conv2d, (X4, W4), {"padding": 6, "padding_mode": "circular"}, ValueError,
     r"^conv2d: padding_mode='circular' needs padding at most the input size"),
    (cl.conv2d, ("abc", W4), {}, TypeError, r"^conv2d: input must be an array of real numbers"),
    (cl.conv2d, (X4, None), {}, TypeError, r"^conv2d: weight must be an array of real numbers"),
    (cl.conv2d, (X4.astype(complex), W4), {}, TypeError, r"^conv2d: input must be an array of real numbers"),
    (cl.conv2d, (np.zeros((2, 3, 0, 5)), W4), {}, ValueError, r"^conv2d: input must have at least one channel"),
    (cl.conv2d, (X4, np.zeros((0, 3, 3, 3))), {}, ValueError, r"^conv2d: weight must not have a zero-length"),
    (cl.conv2d_backward, (np.zeros((2, 8, 2, 2)), X4, W4), {}, ValueError,
     r"^conv2d_backward: grad_output must have shape \(2, 8, 3, 3\) \(the output shape of conv2d"),
    (cl.conv2d_backward, (np.zeros((8, 3, 3)), X4, W4), {}, ValueError, r"^conv2d_backward: grad_output must have shape"),
    (cl.conv1d_backward, (None, np.zeros((1, 1, 4)), np.zeros((1, 1, 2))), {}, TypeError,
     r"^conv1d_backward: grad_output must be an array"),
    (cl.conv3d_backward, (np.zeros((1, 1, 1, 1, 1)), np.zeros((1, 2, 2, 2, 2)), np.zeros((1, 1, 2, 2, 2))), {},
     ValueError, r"^conv3d_backward: input has 2 channels but weight expects 1"),
    (cl.corr2d, (np.zeros((3, 3)), np.zeros((4, 1))), {}, ValueError, r"^corr2d: the kernel \(size 4"),
    (cl.corr2d, (np.zeros((1, 3, 3)), np.zeros((2, 2))), {}, ValueError, r"^corr2d: x must have 2 dimensions \(H, W\)"),
    (cl.corr2d, (np.zeros((3, 3)), [1.0, 2.0]), {}, ValueError, r"^corr2d: k must have 2 dimensions"),
    (cl.corr2d, (np.zeros((3, 3)), np.zeros((0, 2))), {}, ValueError, r"^corr2d: k must not be empty"),
    (cl.convolve2d, (np.zeros((3, 3)), np.zeros((2, 2))), {"mode": "same"}, ValueError,
     r"^convolve2d: mode must be 'valid' or 'full', got 'same'"),
    (cl.convolve2d, (np.zeros((3, 3)), np.zeros((2, 2))), {"mode": None}, TypeError, r"^convolve2d: mode must be"),
    (cl.convolve2d, (np.zeros((2, 2)), np.zeros((3, 3))), {}, ValueError, r"^convolve2d: the kernel"),
]


@pytest.mark.parametrize("fn, args, kwargs, exc, match", ERRORS,
                         ids=[f"{e[0].__name__}-{i}" for i, e in enumerate(ERRORS)])
def test_error_messages(fn, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fn(*args, **kwargs)


def _bad_values():
    return st.one_of(
        st.integers(-3, 0), st.none(), st.text(max_size=3), st.floats(allow_nan=True),
        st.tuples(st.integers(-2, 6)), st.tuples(st.integers(-2, 6), st.integers(-2, 6), st.integers(-2, 6)),
        st.lists(st.integers(-1, 3), max_size=4),
    )


def _shapes(max_dims=6):
    return st.lists(st.integers(0, 5), min_size=0, max_size=max_dims).map(tuple)


@given(st.sampled_from([1, 2, 3]), st.booleans(), _shapes(), _shapes(), st.data())
def test_random_invalid_arguments_raise_named_errors(nd, backward, x_shape, w_shape, data):
    """Random, mostly invalid, arguments: a ValueError/TypeError naming the function, or a result."""
    fn = (CONV_BACKWARD if backward else CONV)[nd]
    name = fn.__name__
    kwargs = {}
    for key in ("bias", "stride", "padding", "dilation", "groups", "padding_mode"):
        if data.draw(st.booleans(), label=f"set {key}"):
            kwargs[key] = data.draw(st.one_of(_bad_values(), st.integers(1, 3),
                                              st.sampled_from(["same", "valid", "reflect", "circular"]),
                                              _shapes(2).map(np.zeros)), label=key)
    x = data.draw(st.one_of(_shapes().map(np.ones), _bad_values()), label="input") \
        if data.draw(st.booleans(), label="odd input") else np.ones(x_shape)
    args = (np.ones(data.draw(_shapes(), label="grad shape")), x, np.ones(w_shape)) if backward \
        else (x, np.ones(w_shape))
    try:
        fn(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        assert str(exc).startswith(f"{name}: "), str(exc)


@given(_shapes(3), _shapes(3), st.one_of(st.sampled_from(["valid", "full"]), _bad_values()))
def test_random_invalid_arguments_2d(x_shape, k_shape, mode):
    for fn, args in ((cl.corr2d, (np.ones(x_shape), np.ones(k_shape))),
                     (cl.convolve2d, (np.ones(x_shape), np.ones(k_shape), mode))):
        try:
            fn(*args)
        except (ValueError, TypeError) as exc:
            assert str(exc).startswith(f"{fn.__name__}: "), str(exc)


def test_public_names():
    assert set(cv.__all__) == {"corr2d", "convolve2d", "conv1d", "conv2d", "conv3d",
                               "conv1d_backward", "conv2d_backward", "conv3d_backward"}
    for name in cv.__all__:
        assert getattr(cl, name) is getattr(cv, name)
        assert getattr(cv, name).__doc__.strip()
