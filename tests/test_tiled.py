"""tiled_conv2d against a plain-loop oracle, its two limits (convolution, locally connected), and its errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnn_lessons import conv2d, conv_output_size
from cnn_lessons.tiled import tiled_conv2d


def tiled_loop(x, w, bias=None, stride=1, padding=0, dilation=1):
    """Straight from the formula: out[n,o,i,j] = b[o] + sum x_pad[n,c,i*S+a*D,j*S+b*D] w[i%Th,j%Tw,o,c,a,b]."""
    N, C, H, W = x.shape
    th, tw, C_out, _, KH, KW = w.shape
    xp = np.zeros((N, C, H + 2 * padding, W + 2 * padding))
    xp[:, :, padding:padding + H, padding:padding + W] = x
    Ho = (H + 2 * padding - dilation * (KH - 1) - 1) // stride + 1
    Wo = (W + 2 * padding - dilation * (KW - 1) - 1) // stride + 1
    out = np.zeros((N, C_out, Ho, Wo))
    for n in range(N):
        for o in range(C_out):
            for i in range(Ho):
                for j in range(Wo):
                    total = 0.0 if bias is None else bias[o]
                    for c in range(C):
                        for a in range(KH):
                            for b in range(KW):
                                total += (xp[n, c, i * stride + a * dilation, j * stride + b * dilation]
                                          * w[i % th, j % tw, o, c, a, b])
                    out[n, o, i, j] = total
    return out


def test_hand_computed_case():
    # two 1x1 kernels alternating by column: +1 on even columns, 10 on odd ones
    x = np.arange(6.0).reshape(1, 1, 2, 3)
    w = np.array([1.0, 10.0]).reshape(1, 2, 1, 1, 1, 1)
    expected = np.array([[0.0, 10.0, 2.0], [3.0, 40.0, 5.0]])
    np.testing.assert_array_equal(tiled_conv2d(x, w)[0, 0], expected)


@given(
    n=st.integers(1, 2), c=st.integers(1, 3), c_out=st.integers(1, 3),
    h=st.integers(1, 9), w=st.integers(1, 9), kh=st.integers(1, 3), kw=st.integers(1, 3),
    th=st.integers(1, 3), tw=st.integers(1, 3), s=st.integers(1, 3), p=st.integers(0, 2),
    d=st.integers(1, 2), with_bias=st.booleans(), seed=st.integers(0, 2**16),
)
def test_matches_the_loop_oracle(n, c, c_out, h, w, kh, kw, th, tw, s, p, d, with_bias, seed):
    if d * (kh - 1) + 1 > h + 2 * p or d * (kw - 1) + 1 > w + 2 * p:
        return
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w))
    weight = rng.standard_normal((th, tw, c_out, c, kh, kw))
    bias = rng.standard_normal(c_out) if with_bias else None
    got = tiled_conv2d(x, weight, bias, stride=s, padding=p, dilation=d)
    np.testing.assert_allclose(got, tiled_loop(x, weight, bias, s, p, d), rtol=1e-10, atol=1e-12)
    assert got.shape[2:] == conv_output_size((h, w), (kh, kw), s, p, d)


def test_tile_one_is_a_convolution(rng):
    x = rng.standard_normal((2, 3, 10, 7))
    w = rng.standard_normal((1, 1, 4, 3, 3, 2))
    b = rng.standard_normal(4)
    np.testing.assert_allclose(tiled_conv2d(x, w, b, stride=2, padding=1, dilation=2),
                               conv2d(x, w[0, 0], b, stride=2, padding=1, dilation=2), rtol=1e-12)


def test_tile_as_large_as_the_output_is_locally_connected(rng):
    x = rng.standard_normal((1, 2, 6, 6))
    w = rng.standard_normal((4, 4, 3, 2, 3, 3))   # output is 4x4: one kernel per position
    out = tiled_conv2d(x, w)
    for i in range(4):
        for j in range(4):
            window = x[0, :, i:i + 3, j:j + 3]
            np.testing.assert_allclose(out[0, :, i, j], np.einsum("ckl,ockl->o", window, w[i, j]))


def test_unbatched_dtype_and_input_untouched(rng):
    x = rng.standard_normal((2, 5, 5)).astype(np.float32)
    w = rng.standard_normal((2, 2, 1, 2, 2, 2)).astype(np.float32)
    x0 = x.copy()
    out = tiled_conv2d(x, w, padding=1)
    assert out.shape == (1, 6, 6) and out.dtype == np.float32
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_allclose(out, tiled_conv2d(x[None], w, padding=1)[0])


@pytest.mark.parametrize(
    "x_shape, w_shape, kwargs, match",
    [
        ((1, 2, 5, 5), (1, 1, 1, 3, 3, 3), {}, "input has 2 channels but weight expects 3"),
        ((1, 2, 5, 5), (1, 1, 2, 3, 3), {}, "weight must have 6 dimensions"),
        ((5, 5), (1, 1, 1, 1, 3, 3), {}, "input must have 3 or 4 dimensions"),
        ((1, 1, 3, 3), (1, 1, 1, 1, 5, 5), {}, "larger than the padded input"),
        ((1, 1, 5, 5), (1, 1, 1, 1, 3, 3), {"stride": 0}, "stride"),
        ((1, 1, 5, 5), (0, 1, 1, 1, 3, 3), {}, "at least 1"),
    ],
)
def test_errors(x_shape, w_shape, kwargs, match):
    with pytest.raises(ValueError, match=match):
        tiled_conv2d(np.ones(x_shape), np.ones(w_shape), **kwargs)


def test_bias_shape_error():
    with pytest.raises(ValueError, match="bias"):
        tiled_conv2d(np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 1, 3, 3)), bias=np.ones(3))
