"""Every figure and animation of the backpropagation chapter runs on small inputs."""

import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from IPython.display import HTML  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import cnn_lessons as cl  # noqa: E402
from cnn_lessons import plots  # noqa: E402


def test_window_product_and_full_convolution():
    x, g = np.arange(16.0).reshape(4, 4), np.ones((3, 3))
    assert isinstance(plots.window_product(x, g, cl.corr2d(x, g), 1, 0, ["a", "b", "c"]), Figure)
    w = np.array([[1.0, 2.0], [0.0, -1.0]])
    dx = cl.convolve2d(g, w, mode="full")
    html = plots.full_convolution_animation(cl.pad(g, 1), w[::-1, ::-1], dx, (1, 1))
    assert isinstance(html, HTML) and "<script" in html.data
    again = plots.full_convolution_animation(cl.pad(g, 1), w[::-1, ::-1], dx, (1, 1))
    # player ids: derived from the content and a per-process serial, so the
    # same animation made twice on one page gets two ids, and nothing else differs
    hex32 = re.compile(r"[0-9a-f]{32}")
    assert again.data != html.data
    assert hex32.sub("ID", again.data) == hex32.sub("ID", html.data)


def test_gradient_dilation():
    g = np.ones((2, 2))
    d = np.zeros((3, 3)); d[::2, ::2] = g
    assert isinstance(plots.gradient_dilation([g, d], ["g", "dilated"], inserted=[None, d == 0]), Figure)


def test_gradient_flow_animation():
    maps = [np.random.default_rng(i).normal(size=(4, 4)) for i in range(3)]
    html = plots.gradient_flow_animation(["x", "z1 = f(x)", "z2 = g(z1)"], maps, maps, ["a", "b", "c"])
    assert isinstance(html, HTML)


def test_step_size_errors_and_curves():
    eps = np.logspace(-8, -1, 5)
    assert isinstance(plots.step_size_errors(eps, {"a": eps ** 2 + 1e-16 / eps}), Figure)
    e = np.arange(1, 4)
    assert isinstance(plots.training_curves(e, {"loss": [1, 0.5, 0.2]}, {"acc": [0.5, 0.8, 0.9]}, 0.95), Figure)


def test_image_grid():
    ims = [np.random.default_rng(i).normal(size=(3, 3)) for i in range(5)]
    assert isinstance(plots.image_grid(ims, list("abcde"), ncols=3, signed=True), Figure)
    assert isinstance(plots.image_grid(ims, list("abcde"), ncols=4), Figure)
