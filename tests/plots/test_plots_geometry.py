"""Every figure of the geometry chapter runs on small inputs and returns a Figure or an HTML player."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from IPython.display import HTML  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from cnn_lessons import conv_output_size, pad, plots  # noqa: E402


@pytest.mark.parametrize("kwargs", [
    dict(size=4, kernel_size=3),
    dict(size=5, kernel_size=3, padding=2),
    dict(size=6, kernel_size=3, padding=1, stride=2),
    dict(size=7, kernel_size=3, dilation=2),
    dict(size=(5, 6), kernel_size=(2, 3), stride=(2, 1)),
])
def test_conv_arithmetic_is_a_small_player(kwargs):
    out = conv_output_size(kwargs["size"], kwargs["kernel_size"], kwargs.get("stride", 1),
                           kwargs.get("padding", 0), kwargs.get("dilation", 1))
    html = plots.conv_arithmetic(out_size=out, max_frames=4, mark_unseen=True, **kwargs)
    assert isinstance(html, HTML)
    assert html.data.count("data:image/png") <= 4
    assert len(html.data) < 400_000


def test_stride_coverage_marks_unseen_cells():
    fig = plots.stride_coverage(8, 3, 2, conv_output_size(8, 3, stride=2))
    assert isinstance(fig, Figure)
    assert "never seen: input 7" in fig.axes[0].get_title()


def test_padded_rows_and_images():
    row = np.arange(1.0, 6.0)
    rows = [pad(row, ((2, 2),), mode=m) for m in ("zeros", "reflect")]
    assert isinstance(plots.padded_rows(rows, ["zeros", "reflect"], (2, 2)), Figure)
    img = np.random.default_rng(0).uniform(size=(10, 12))
    assert isinstance(plots.padded_images([pad(img, 3)], ["zeros"], 3), Figure)


def test_kernel_footprints_receptive_field_boxes_weight_sharing():
    assert isinstance(plots.kernel_footprints(3, [1, 2], [3, 5]), Figure)
    img = np.random.default_rng(1).uniform(size=(32, 32))
    fig = plots.receptive_field_boxes(img, [(14, 14, 3), (-4, -4, 40)], ["a", "b"], "t")
    assert isinstance(fig, Figure)
    maps = [np.zeros((3, 3), int), np.arange(9).reshape(3, 3)]
    assert isinstance(plots.weight_sharing(maps, ["conv", "local"]), Figure)
