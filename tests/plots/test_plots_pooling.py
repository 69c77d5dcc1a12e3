"""Every figure and animation of the pooling chapter runs on small inputs."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from IPython.display import HTML  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import cnn_lessons as cl  # noqa: E402
from cnn_lessons import plots  # noqa: E402


@pytest.fixture
def x():
    return np.arange(16.0).reshape(4, 4)


def test_pooling_step_with_and_without_padding(x):
    out = cl.max_pool2d(x[None], 2)[0]
    assert isinstance(plots.pooling_step(x, out, 0, 1, 2, 2), Figure)
    out = cl.max_pool2d(x[None], 3, 2, 1)[0]
    assert isinstance(plots.pooling_step(x, out, 1, 0, 3, 2, padding=1), Figure)


def test_pooling_animation(x):
    out = cl.max_pool2d(x[None], 3, 2, 1)[0]
    html = plots.pooling_animation(x, out, 3, 2, padding=1)
    assert isinstance(html, HTML) and "<script" in html.data


def test_map_grid():
    rng = np.random.default_rng(0)
    maps = [[rng.normal(size=(6, 6)), rng.normal(size=(3, 3))] for _ in range(2)]
    assert isinstance(plots.map_grid(maps, ["a", "b"], ["map", "pooled"], signed=[True, False]), Figure)


def test_window_layout_with_windows_past_the_edge():
    spans = [(0, 2), (2, 4), (4, 6)]
    assert isinstance(plots.window_layout((5, 5), spans, spans, "ceil mode"), Figure)
    assert isinstance(plots.window_layout((4, 4), [(-1, 2), (1, 4)], [(-1, 2)], "padded", padding=1), Figure)


def test_signal_rows():
    row = np.array([0.0, 9.0, 0.0, 0.0])
    pooled = cl.max_pool1d(row[None], 2)[0]
    fig = plots.signal_rows([row, pooled], ["x", "pooled"], boundaries=[None, 2], marks=[1, 0])
    assert isinstance(fig, Figure)


def test_shift_curves_and_bars():
    assert isinstance(plots.shift_curves([0, 1, 2], {"a": [0, 0.5, 0.7], "b": [0, 0.2, 0.3]}), Figure)
    assert isinstance(plots.bar_compare(["a", "b"], [1000, 10], "ops", log=True), Figure)


def test_max_pool_backward_animation(x):
    g = np.array([[1.0, 2.0], [3.0, 4.0]])
    _, idx = cl.max_pool2d(x[None], 2, return_indices=True)
    dx = cl.max_pool2d_backward(g[None], x[None], 2)[0]
    html = plots.max_pool_backward_animation(x, g, idx[0], dx, 2, 2)
    assert isinstance(html, HTML) and "<script" in html.data


def test_max_pool_backward_animation_refuses_inconsistent_numbers(x):
    g = np.ones((2, 2))
    _, idx = cl.max_pool2d(x[None], 2, return_indices=True)
    with pytest.raises(ValueError, match="grad_input"):
        plots.max_pool_backward_animation(x, g, idx[0], np.zeros((4, 4)), 2, 2)
