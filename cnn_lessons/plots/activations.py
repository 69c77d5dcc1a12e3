"""Figures and animations of the activations chapter.

Every function takes the numbers the lesson computed (with the reference
module) and only draws them. Lines are told apart by line style and marker as
well as by colour, classes by marker shape, and signed maps use ``RdBu_r``
centred on zero with a colour bar, so that no fact is carried by colour alone.
"""
from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .common import SIGNED_CMAP, _finish, animate

__all__ = [
    "decision_regions", "decision_regions_animation", "activation_gallery",
    "softmax_bars", "depth_curves", "unit_ranges", "layer_histograms",
]

_STYLES = [("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ((0, (5, 1, 1, 1)), "v"),
           ((0, (1, 1)), "P"), ((0, (3, 1, 3, 3)), "X")]
_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


def _points(ax, X, y):
    """Class 0 as hollow circles, class 1 as crosses: shape, not colour, tells them apart."""
    X, y = np.asarray(X), np.asarray(y)
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=14, facecolors="white", edgecolors="black",
               linewidths=0.8, label="class 0 (o)")
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=16, marker="x", color="black", linewidths=0.9,
               label="class 1 (x)")


def _regions(ax, xx, yy, prob):
    cs = ax.contourf(xx, yy, prob, levels=np.linspace(0, 1, 11), cmap=SIGNED_CMAP, vmin=0, vmax=1)
    line = ax.contour(xx, yy, prob, levels=[0.5], colors="black", linewidths=1.5)
    return cs, line


def decision_regions(xx, yy, probs, X, y, titles):
    """Decision regions of classifiers on a 2-D data set, side by side.

    Parameters
    ----------
    xx, yy : ndarray of shape (G, G)
        The grid (from ``numpy.meshgrid``) on which the probabilities were computed.
    probs : sequence of ndarray of shape (G, G)
        Per classifier, its probability of class 1 at each grid point.
    X : ndarray of shape (N, 2)
        The data points.
    y : ndarray of shape (N,)
        Their labels, 0 or 1 (drawn as hollow circles and crosses).
    titles : sequence of str
        One per classifier.

    Returns
    -------
    matplotlib.figure.Figure
        The probability as filled contours (colour bar) and the decision
        boundary, probability 0.5, as a solid black line.
    """
    fig, axes = plt.subplots(1, len(probs), figsize=(3.6 * len(probs) + 0.8, 3.6),
                             squeeze=False, layout="constrained")
    for ax, prob, title in zip(axes[0], probs, titles):
        cs, _ = _regions(ax, xx, yy, prob)
        _points(ax, X, y)
        ax.set_title(title, fontsize=10)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0, 0].legend(loc="lower left", fontsize=7, framealpha=0.9)
    fig.colorbar(cs, ax=axes[0].tolist(), label="P(class 1); black line: 0.5", shrink=0.9)
    return _finish(fig)


def decision_regions_animation(xx, yy, prob_frames, X, y, steps, accuracies, interval=400):
    """Animation: the decision regions of a classifier as gradient descent trains it.

    Parameters
    ----------
    xx, yy : ndarray of shape (G, G)
    prob_frames : sequence of ndarray of shape (G, G)
        The probability of class 1 on the grid after each recorded step
        (keep it to about 20 frames).
    X, y : the data, as in :func:`decision_regions`.
    steps : sequence of int
        The training step of each frame.
    accuracies : sequence of float
        The training accuracy at each frame, shown in the title.

    Returns
    -------
    IPython.display.HTML
    """
    fig, ax = plt.subplots(figsize=(3.8, 3.6), layout="constrained")
    fig.set_dpi(72)
    state = {"artists": _regions(ax, xx, yy, prob_frames[0])}
    _points(ax, X, y)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    fig.colorbar(state["artists"][0], ax=ax, label="P(class 1)", shrink=0.85)
    title = ax.set_title("", fontsize=10)

    def update(i):
        for artist in state["artists"]:
            artist.remove()
        state["artists"] = _regions(ax, xx, yy, prob_frames[i])
        title.set_text(f"step {steps[i]}: accuracy {accuracies[i]:.0%}")

    update(0)
    return animate(fig, update, len(prob_frames), interval=interval,
                   alt=f"Animation in {len(prob_frames)} frames, from training step {steps[0]} to {steps[-1]}: "
                       "the classifier's decision regions change as gradient descent trains it, with the "
                       "two classes of training points drawn on top; each frame's title gives the step and "
                       "the accuracy.")



def activation_gallery(x, curves, ncols=4):
    """Each activation with its derivative, one panel per function.

    Parameters
    ----------
    x : ndarray of shape (M,)
        The inputs at which every function was evaluated (should contain 0).
    curves : sequence of (name, f, df, df0)
        ``f`` and ``df`` of shape (M,): the function and its derivative (from
        the backward); ``df0`` the derivative the backward returns at exactly
        0, marked with a dot (the convention at a kink).
    ncols : int

    Returns
    -------
    matplotlib.figure.Figure
        Solid line: the function; dashed line: its derivative; dot: the
        derivative at 0 as computed by the backward.
    """
    x = np.asarray(x)
    nrows = -(-len(curves) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.9 * ncols, 2.5 * nrows),
                             squeeze=False, layout="constrained")
    for ax in axes.ravel()[len(curves):]:
        ax.axis("off")
    for ax, (name, f, df, df0) in zip(axes.ravel(), curves):
        ax.axhline(0, color="0.75", linewidth=0.8)
        ax.axvline(0, color="0.75", linewidth=0.8)
        ax.plot(x, f, color=_COLORS[0], linewidth=2, label="f(x)")
        ax.plot(x, df, color=_COLORS[1], linewidth=1.6, linestyle="--", label="f'(x)")
        ax.plot([0], [df0], "o", color=_COLORS[1], markersize=5)
        ax.annotate(f"f'(0) = {df0:.4g}", (0, df0), textcoords="offset points", xytext=(6, 6),
                    fontsize=8)
        ax.set_title(name, fontsize=10)
        ax.set_xlim(x.min(), x.max())
        ax.margins(y=0.18)
    axes.ravel()[0].legend(loc="upper left", fontsize=8)
    return _finish(fig)


def softmax_bars(logits, probs, titles):
    """Bars of softmax probabilities, one panel per set of logits, values written on the bars.

    Parameters
    ----------
    logits : sequence of ndarray of shape (K,)
    probs : sequence of ndarray of shape (K,)
        ``softmax(logits[i])``, computed by the caller.
    titles : sequence of str

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, axes = plt.subplots(1, len(probs), figsize=(2.9 * len(probs), 2.8), squeeze=False,
                             sharey=True, layout="constrained")
    for ax, z, p, title in zip(axes[0], logits, probs, titles):
        k = np.arange(len(p))
        ax.bar(k, p, color=_COLORS[0], edgecolor="black")
        for i, v in zip(k, p):
            ax.text(i, v + 0.02, f"{v:.3f}", ha="center", fontsize=8)
        ax.set_xticks(k, [f"z={v:g}" for v in z], fontsize=8)
        ax.set_ylim(0, 1.12)
        ax.set_title(title, fontsize=10)
    axes[0, 0].set_ylabel("probability")
    return _finish(fig)


def depth_curves(series, ylabel, title=None, logy=True, hline=None, xlabel="layer"):
    """Quantities measured layer by layer through a deep stack, one line per setting.

    Parameters
    ----------
    series : dict of str -> ndarray of shape (L,)
        A label and its value at layers 1..L.
    ylabel : str
    title : str, optional
    logy : bool
        Logarithmic vertical axis (for values that shrink or grow geometrically).
    hline : float or sequence of float, optional
        Reference values drawn as thin grey lines.
    xlabel : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(6.4, 3.6), layout="constrained")
    for h in np.atleast_1d(hline if hline is not None else []):
        ax.axhline(h, color="0.6", linewidth=0.9)
    for i, (label, values) in enumerate(series.items()):
        values = np.asarray(values)
        ls, marker = _STYLES[i % len(_STYLES)]
        ax.plot(np.arange(1, len(values) + 1), values, linestyle=ls, marker=marker, markersize=4,
                color=_COLORS[i % len(_COLORS)], label=label)
    if logy:
        ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="best")
    return _finish(fig)


def unit_ranges(ranges, titles):
    """Per hidden unit, the range of its pre-activation over a data set; dead units marked.

    Parameters
    ----------
    ranges : sequence of (lo, hi)
        Per panel, two ndarrays of shape (U,): the smallest and largest
        pre-activation of each unit over the data.
    titles : sequence of str

    Returns
    -------
    matplotlib.figure.Figure
        Each unit is a vertical bar from its smallest to its largest value;
        a unit whose largest value is at most 0 (dead for ReLU) is drawn
        dashed with a cross, a live one solid with a dot.
    """
    fig, axes = plt.subplots(1, len(ranges), figsize=(4.6 * len(ranges), 3.2), squeeze=False,
                             sharey=True, layout="constrained")
    for ax, (lo, hi), title in zip(axes[0], ranges, titles):
        lo, hi = np.asarray(lo), np.asarray(hi)
        ax.axhline(0, color="black", linewidth=1)
        dead = hi <= 0
        for u in range(len(lo)):
            style = dict(color=_COLORS[1], linestyle="--") if dead[u] else dict(color=_COLORS[0])
            ax.plot([u, u], [lo[u], hi[u]], linewidth=2, **style)
            ax.plot(u, hi[u], "x" if dead[u] else "o", markersize=5, color=style["color"])
        ax.set_title(f"{title}: {int(dead.sum())} of {len(lo)} dead", fontsize=10)
        ax.set_xlabel("hidden unit")
    axes[0, 0].set_ylabel("pre-activation over the data")
    return _finish(fig)


def layer_histograms(values, layers, titles, bins=40):
    """Histograms of activations at a few layers (rows) for a few settings (columns).

    Parameters
    ----------
    values : sequence (one per setting) of sequence (one per layer in `layers`) of ndarray
        The activations at each shown layer, any shape (flattened).
    layers : sequence of int
        Layer numbers, for the row labels.
    titles : sequence of str
        One per setting (column).
    bins : int

    Returns
    -------
    matplotlib.figure.Figure
        Histograms of one column share the bins of its first row, so that a
        distribution that shrinks with depth shows as a narrowing spike (all
        in the bin at zero once it is narrower than one bin).
    """
    fig, axes = plt.subplots(len(layers), len(values), figsize=(2.8 * len(values), 1.5 * len(layers)),
                             squeeze=False, sharex="col", layout="constrained")
    for j, (setting, title) in enumerate(zip(values, titles)):
        edges = np.histogram_bin_edges(np.ravel(setting[0]), bins=bins)  # the column's bins
        for i, (v, layer) in enumerate(zip(setting, layers)):
            ax = axes[i, j]
            v = np.ravel(v)
            ax.hist(v, bins=edges, color=_COLORS[j % len(_COLORS)], edgecolor="none")
            ax.set_yticks([])
            ax.tick_params(labelsize=7)
            ax.text(0.98, 0.9, f"layer {layer}\nstd {v.std():.2g}", transform=ax.transAxes,
                    ha="right", va="top", fontsize=7)
            if i == 0:
                ax.set_title(title, fontsize=9)
    return _finish(fig)
