"""Every figure of the convolution chapter draws on small inputs."""

import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from IPython.display import HTML  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from cnn_lessons import conv2d, corr2d  # noqa: E402
from cnn_lessons import plots  # noqa: E402


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_connectivity_panels():
    assert isinstance(plots.connectivity_panels(7, 3, [35, 15, 3]), Figure)


def test_count_bars():
    assert isinstance(plots.count_bars(["a", "b"], [79400, 27296], "parameters"), Figure)
    assert isinstance(plots.count_bars(["a", "b"], [10, 1e6], "multiply-adds", title="t", log=True), Figure)


def test_sliding_window_animation():
    x = np.arange(12.0).reshape(3, 4)
    k = np.array([[1.0, -1.0]])
    html = plots.sliding_window_animation(x, k, corr2d(x, k))
    assert isinstance(html, HTML) and "<script" in html.data


def test_sliding_window_animation_stride():
    x = np.arange(16.0).reshape(4, 4)
    k = np.ones((2, 2))
    out = conv2d(x[None, None], k[None, None], stride=2)[0, 0]
    assert isinstance(plots.sliding_window_animation(x, k, out, stride=2), HTML)


def test_show_filters(rng):
    assert isinstance(plots.show_filters(rng.normal(size=(3, 3, 5, 5)), ["a", "b", "c"]), Figure)
    assert isinstance(plots.show_filters(rng.normal(size=(2, 1, 3, 3)), ["a", "b"]), Figure)


def test_channel_sum_figure(rng):
    x, w = rng.integers(-2, 3, (2, 3, 4)).astype(float), rng.integers(-1, 2, (2, 2, 2)).astype(float)
    partials = np.stack([corr2d(x[c], w[c]) for c in range(2)])
    out = conv2d(x[None], w[None], bias=np.array([1.0]))[0, 0]
    assert isinstance(plots.channel_sum_figure(x, w, partials, 1.0, out), Figure)


def test_im2col_figure():
    x = np.arange(1.0, 17.0).reshape(4, 4)
    patches = np.array([x[i:i + 2, j:j + 2].ravel() for i in (0, 2) for j in (0, 2)])
    k = np.array([1.0, 0.0, 0.0, -1.0])
    assert isinstance(plots.im2col_figure(x, patches, k, patches @ k, (2, 2), 2), Figure)


def test_shift_animation(rng):
    xs = [np.roll(rng.uniform(size=(6, 6)), s, axis=1) for s in range(3)]
    ys = [corr2d(a, np.array([[1.0, -1.0]])) for a in xs]
    assert isinstance(plots.shift_animation(xs, ys, [0, 1, 2]), HTML)


def test_show_signals():
    fig = plots.show_signals([np.arange(5.0), np.ones(3)], ["x", "y"], offsets=[0, 1], title="t")
    assert isinstance(fig, Figure)


def test_photo_and_maps(rng):
    fig = plots.photo_and_maps(rng.uniform(size=(8, 6, 3)), [rng.normal(size=(6, 4))] * 2, ["a", "b"])
    assert isinstance(fig, Figure)
    assert isinstance(plots.photo_and_maps(rng.uniform(size=(8, 6)), [rng.normal(size=(6, 4))], ["a"]), Figure)


def test_animations_differ_only_in_their_player_ids():
    # ids come from the content and a per-process serial (see plots.common.animate);
    # that a fresh process reproduces them is tested in test_plots_common.py
    x = np.arange(12.0).reshape(3, 4)
    k = np.array([[1.0, -1.0]])
    first = plots.sliding_window_animation(x, k, corr2d(x, k)).data
    second = plots.sliding_window_animation(x, k, corr2d(x, k)).data
    hex32 = re.compile(r"[0-9a-f]{32}")
    assert first != second and hex32.sub("ID", first) == hex32.sub("ID", second)
