"""Cross-check of cnn_lessons.convolution against PyTorch (skipped without torch)."""

import numpy as np
import pytest
from hypothesis import given
from test_convolution import CASES, CONV, CONV_BACKWARD, conv_problems, make_problem

torch = pytest.importorskip("torch")
F = torch.nn.functional

TORCH_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
TORCH_MODULE = {1: torch.nn.Conv1d, 2: torch.nn.Conv2d, 3: torch.nn.Conv3d}
TOL = dict(rtol=1e-12, atol=1e-12)


def torch_conv(x, w, b, stride, padding, dilation, groups, padding_mode):
    """torch.nn.functional.convNd, with F.pad first for the non-zero padding modes (as nn.ConvNd)."""
    nd = w.dim() - 2
    if padding == "valid":
        padding = 0
    if padding_mode == "zeros":
        return TORCH_CONV[nd](x, w, b, stride, padding, dilation, groups)
    if padding == "same":
        kernel, dil = w.shape[2:], dilation if isinstance(dilation, tuple) else (dilation,) * nd
        totals = [d * (k - 1) for k, d in zip(kernel, dil)]
        pairs = [(t // 2, t - t // 2) for t in totals]
    else:
        pads = padding if isinstance(padding, tuple) else (padding,) * nd
        pairs = [(p, p) for p in pads]
    flat = [p for pair in reversed(pairs) for p in pair]  # F.pad wants the last axis first
    unbatched = x.dim() == nd + 1
    xp = F.pad(x[None] if unbatched else x, flat, mode=padding_mode)
    out = TORCH_CONV[nd](xp[0] if unbatched else xp, w, b, stride, 0, dilation, groups)
    return out


def check_against_torch(nd, x, w, b, kw, seed=0):
    out = CONV[nd](x, w, b, **kw)
    g = np.random.default_rng(seed).standard_normal(out.shape)
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    bt = None if b is None else torch.tensor(b, requires_grad=True)
    yt = torch_conv(xt, wt, bt, kw["stride"], kw["padding"], kw["dilation"], kw["groups"],
                    kw["padding_mode"])
    np.testing.assert_allclose(out, yt.detach().numpy(), **TOL)
    grads = torch.autograd.grad(yt, [t for t in (xt, wt, bt) if t is not None], torch.tensor(g))
    dx, dw, db = CONV_BACKWARD[nd](g, x, w, b, **kw)
    np.testing.assert_allclose(dx, grads[0].numpy(), **TOL)
    np.testing.assert_allclose(dw, grads[1].numpy(), **TOL)
    if b is None:
        assert db is None
    else:
        np.testing.assert_allclose(db, grads[2].numpy(), **TOL)


@pytest.mark.parametrize("name", CASES)
def test_named_cases_match_torch(name, rng):
    check_against_torch(*make_problem(CASES[name], rng))


@given(conv_problems())
def test_random_problems_match_torch(problem):
    check_against_torch(*problem)


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [1, "same"])
def test_matches_torch_conv_module(nd, mode, padding, rng):
    """nn.ConvNd(padding_mode=...) is the definition of the padding modes."""
    kernel = (2, 3, 2)[:nd]
    x = rng.standard_normal((2, 4) + (5, 4, 6)[:nd])
    module = TORCH_MODULE[nd](4, 6, kernel, padding=padding, dilation=1 if padding == 1 else 2,
                              groups=2, padding_mode=mode, dtype=torch.float64)
    w, b = module.weight.detach().numpy(), module.bias.detach().numpy()
    xt = torch.tensor(x, requires_grad=True)
    yt = module(xt)
    kw = dict(padding=padding, dilation=1 if padding == 1 else 2, groups=2, padding_mode=mode)
    np.testing.assert_allclose(CONV[nd](x, w, b, **kw), yt.detach().numpy(), **TOL)
    g = rng.standard_normal(yt.shape)
    yt.backward(torch.tensor(g))
    dx, dw, db = CONV_BACKWARD[nd](g, x, w, b, **kw)
    np.testing.assert_allclose(dx, xt.grad.numpy(), **TOL)
    np.testing.assert_allclose(dw, module.weight.grad.numpy(), **TOL)
    np.testing.assert_allclose(db, module.bias.grad.numpy(), **TOL)


@pytest.mark.parametrize("shape, kw", [
    ((4, 16, 20, 18), dict(padding=1)),
    ((3, 6, 23, 21), dict(stride=2, padding=3)),
    ((2, 12, 15, 16), dict(groups=12, padding=1)),
    ((2, 12, 15, 16), dict(groups=3, dilation=2, padding=2, padding_mode="reflect")),
])
def test_larger_problems_match_torch_float32(shape, kw, rng):
    """Larger problems (many batch chunks) in float32, against torch in float64."""
    groups = kw.get("groups", 1)
    x = rng.standard_normal(shape).astype(np.float32)
    w = rng.standard_normal((12, shape[1] // groups, 3, 3)).astype(np.float32)
    b = rng.standard_normal(12).astype(np.float32)
    out = CONV[2](x, w, b, **kw)
    assert out.dtype == np.float32
    kw = dict(dict(stride=1, padding=0, dilation=1, groups=1, padding_mode="zeros"), **kw)
    xt, wt = torch.tensor(x, dtype=torch.float64, requires_grad=True), torch.tensor(w, dtype=torch.float64, requires_grad=True)
    yt = torch_conv(xt, wt, torch.tensor(b, dtype=torch.float64), kw["stride"], kw["padding"],
                    kw["dilation"], kw["groups"], kw["padding_mode"])
    np.testing.assert_allclose(out, yt.detach().numpy(), rtol=1e-4, atol=1e-4)
    g = rng.standard_normal(out.shape).astype(np.float32)
    dx, dw, _ = CONV_BACKWARD[2](g, x, w, b, **kw)
    tdx, tdw = torch.autograd.grad(yt, [xt, wt], torch.tensor(g, dtype=torch.float64))
    np.testing.assert_allclose(dx, tdx.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(dw, tdw.numpy(), rtol=1e-4, atol=2e-3)
