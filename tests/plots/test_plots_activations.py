"""Every figure of the activations chapter draws on small inputs and returns a Figure or HTML."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from cnn_lessons import plots  # noqa: E402


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(int)
    xx, yy = np.meshgrid(np.linspace(-2, 2, 9), np.linspace(-2, 2, 9))
    prob = 1 / (1 + np.exp(-xx))
    return X, y, xx, yy, prob


def test_decision_regions(data):
    X, y, xx, yy, prob = data
    assert isinstance(plots.decision_regions(xx, yy, [prob, 1 - prob], X, y, ["a", "b"]), Figure)


def test_decision_regions_animation(data):
    X, y, xx, yy, prob = data
    html = plots.decision_regions_animation(xx, yy, [prob, prob**2, prob**3], X, y, [0, 1, 2],
                                            [0.5, 0.6, 0.7])
    assert "<script" in html.data


def test_activation_gallery():
    x = np.linspace(-2, 2, 11)
    curves = [("relu", np.maximum(x, 0), (x > 0) * 1.0, 0.0), ("id", x, np.ones_like(x), 1.0)]
    assert isinstance(plots.activation_gallery(x, curves, ncols=3), Figure)


def test_softmax_bars():
    z = np.array([1.0, 0.0, -1.0])
    p = np.exp(z) / np.exp(z).sum()
    assert isinstance(plots.softmax_bars([z, 2 * z], [p, p], ["a", "b"]), Figure)


def test_depth_curves():
    fig = plots.depth_curves({"a": 0.5 ** np.arange(5), "b": np.ones(5)}, "std", title="t", hline=1)
    assert isinstance(fig, Figure)
    assert isinstance(plots.depth_curves({"a": np.arange(3.0)}, "mean", logy=False), Figure)


def test_unit_ranges():
    lo, hi = np.array([-1.0, -2.0, 0.5]), np.array([1.0, -0.5, 2.0])
    assert isinstance(plots.unit_ranges([(lo, hi), (lo, hi + 1)], ["before", "after"]), Figure)


def test_layer_histograms():
    rng = np.random.default_rng(1)
    values = [[rng.normal(size=50), rng.normal(size=50)] for _ in range(2)]
    assert isinstance(plots.layer_histograms(values, [1, 2], ["x", "y"]), Figure)
