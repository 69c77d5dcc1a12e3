"""The shared figure helpers: maps, number grids, the chapter map and deterministic animations."""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from IPython.display import HTML  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from cnn_lessons import plots  # noqa: E402

MAKE_PLAYER = """
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from cnn_lessons.plots import animate
fig, ax = plt.subplots(figsize=(2, 2), dpi=40)
(line,) = ax.plot([0, 1], [0, 0])
print(animate(fig, lambda i: line.set_ydata([0, i]), 3).data)
"""


def test_figures_are_returned_closed():
    x = np.arange(9.0).reshape(3, 3)
    k = np.array([[0.0, 1.0], [2.0, 3.0]])
    for fig in (plots.show_maps([x, -x], ["x", "-x"]), plots.show_matrices([x, k], ["x", "k"]),
                plots.correlation_step(x, k, np.array([[19.0, 25], [37, 43]]), 0, 1),
                plots.chapter_map()):
        assert isinstance(fig, Figure)
        assert not matplotlib.pyplot.fignum_exists(fig.number)


def test_show_maps_needs_one_title_per_image():
    try:
        plots.show_maps([np.zeros((2, 2))], ["a", "b"])
    except ValueError as exc:
        assert "1 images but 2 titles" in str(exc)
    else:
        raise AssertionError("expected a ValueError")


def test_animation_is_identical_in_two_fresh_processes():
    runs = [subprocess.run([sys.executable, "-c", MAKE_PLAYER], capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1]
    assert "<script" in runs[0]


def test_two_players_in_one_process_get_different_ids():
    import matplotlib.pyplot as plt

    htmls = []
    for _ in range(2):
        fig, ax = plt.subplots(figsize=(2, 2), dpi=40)
        (line,) = ax.plot([0, 1], [0, 0])
        htmls.append(plots.animate(fig, lambda i, line=line: line.set_ydata([0, i]), 2))
    assert all(isinstance(h, HTML) for h in htmls)
    assert htmls[0].data != htmls[1].data


def test_alt_text_describes_the_animation_and_is_escaped():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 2), dpi=40)
    (line,) = ax.plot([0, 1], [0, 0])
    html = plots.animate(fig, lambda i: line.set_ydata([0, i]), 2, alt='a line "rises" & falls').data
    assert 'alt="a line &quot;rises&quot; &amp; falls"' in html
