"""Figures and animations of the convolution chapter.

Every function takes the numbers it draws as arguments (computed in the
notebook with :mod:`cnn_lessons`) and returns a closed figure, or an HTML
animation from :func:`cnn_lessons.plots.animate`. Signed values use the
diverging map centred on zero with a colour bar; grids of numbers print the
numbers themselves, so that no fact is carried by colour alone.
"""
from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from .common import SIGNED_CMAP, _finish, _matrix, animate

__all__ = [
    "connectivity_panels",
    "count_bars",
    "sliding_window_animation",
    "show_filters",
    "channel_sum_figure",
    "photo_and_maps",
    "im2col_figure",
    "shift_animation",
    "show_signals",
]

# Distinct line styles, so that the weight an edge carries is not told by colour alone.
_STYLES = ["-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3))]
_COLORS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"]


def _fmt_int(n):
    return f"{int(n):,}"



def connectivity_panels(n_inputs, kernel_size, weight_counts):
    """Three layers from the same inputs to the same outputs: dense, local, shared.

    Parameters
    ----------
    n_inputs : int
        Number of input units (a row of pixels).
    kernel_size : int
        Number of inputs each output sees in the local and shared layers; the
        local layers have ``n_inputs - kernel_size + 1`` outputs, and so has
        the dense layer, so that the three are comparable.
    weight_counts : sequence of 3 ints
        The number of distinct weights of each layer (computed by the caller),
        printed in the panel titles.

    Returns
    -------
    matplotlib.figure.Figure
        Left, every output connected to every input (all edges grey and
        distinct). Middle, each output connected to ``kernel_size``
        neighbours, each edge its own weight. Right, the same edges where the
        edge for kernel tap ``a`` has the same style (colour, dash pattern and
        label ``w[a]``) at every output: one kernel shared by all outputs.
    """
    n_out = n_inputs - kernel_size + 1
    xin = np.arange(n_inputs, dtype=float)
    xout = np.arange(n_out, dtype=float) + (kernel_size - 1) / 2
    titles = [f"fully connected\n{_fmt_int(weight_counts[0])} weights",
              f"sparse (local) connections\n{_fmt_int(weight_counts[1])} weights",
              f"sparse + shared (convolution)\n{_fmt_int(weight_counts[2])} weights"]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.3), layout="constrained")
    for p, ax in enumerate(axes):
        for o in range(n_out):
            inputs = range(n_inputs) if p == 0 else range(o, o + kernel_size)
            for i in inputs:
                a = i - o
                if p == 2:
                    style = dict(color=_COLORS[a % 6], linestyle=_STYLES[a % 6], linewidth=1.8)
                elif p == 1:
                    style = dict(color="0.35", linewidth=1.0)
                else:
                    style = dict(color="0.6", linewidth=0.6)
                ax.plot([xin[i], xout[o]], [0, 1], zorder=1, **style)
        ax.scatter(xin, np.zeros(n_inputs), s=120, color="white", edgecolor="black", zorder=2)
        ax.scatter(xout, np.ones(n_out), s=120, color="#cfd8e8", edgecolor="black", zorder=2)
        ax.text(-0.9, 0, "input", ha="right", va="center", fontsize=9)
        ax.text(-0.9, 1, "output", ha="right", va="center", fontsize=9)
        ax.set_title(titles[p], fontsize=10)
        ax.set_xlim(-2.6, n_inputs)
        ax.set_ylim(-0.25, 1.45)
        ax.axis("off")
    handles = [Line2D([], [], color=_COLORS[a % 6], linestyle=_STYLES[a % 6], linewidth=1.8,
                      label=f"w[{a}]") for a in range(kernel_size)]
    axes[2].legend(handles=handles, loc="upper center", bbox_to_anchor=(0.55, 0.02), ncol=kernel_size,
                   fontsize=8, frameon=False, title="edges with the same style share a weight",
                   title_fontsize=8)
    return _finish(fig)


def count_bars(labels, values, xlabel, title=None, log=False):
    """Horizontal bars, each labelled with its exact value.

    Parameters
    ----------
    labels : sequence of str
    values : sequence of int or float
        Computed by the caller.
    xlabel : str
    title : str, optional
    log : bool
        Logarithmic value axis (for values spanning orders of magnitude).
    """
    values = np.asarray(values, dtype=float)
    fig, ax = plt.subplots(figsize=(7.5, 0.55 * len(values) + 1.0), layout="constrained")
    y = np.arange(len(values))[::-1]
    ax.barh(y, values, color="#7fa6d6", edgecolor="black", hatch="//")
    for yi, v in zip(y, values):
        text = _fmt_int(v) if float(v).is_integer() else f"{v:.4g}"
        ax.text(v, yi, " " + text, va="center", fontsize=9)
    ax.set_yticks(y, labels)
    ax.set_xlabel(xlabel)
    if log:
        ax.set_xscale("log")
        ax.set_xlim(right=values.max() * 20)
    else:
        ax.set_xlim(0, values.max() * 1.25)
    if title:
        ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    return _finish(fig)


def sliding_window_animation(x, k, out, stride=1, interval=700):
    """The kernel's window sliding over the input, one output cell per frame.

    Parameters
    ----------
    x : ndarray of shape (H, W)
    k : ndarray of shape (KH, KW)
    out : ndarray of shape (H', W')
        The result, computed by the caller (with ``conv2d`` or ``corr2d``);
        its cells appear one per frame, in row-major order.
    stride : int or (int, int)
        The step of the window, used only to place the outline.

    Returns
    -------
    IPython.display.HTML
        Left: the input with the current window outlined (dashed); middle:
        the kernel; right: the output, filled up to the current cell, which
        is outlined. The title spells out the current sum of products.
    """
    x, k, out = np.asarray(x), np.asarray(k), np.asarray(out)
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    kh, kw = k.shape
    H, W = x.shape
    Ho, Wo = out.shape
    rows = max(H, kh, Ho)
    fig, axes = plt.subplots(1, 3, figsize=(0.42 * (W + kw + Wo + 3), 0.42 * rows + 0.9),
                             width_ratios=[W, kw, Wo], layout="constrained")
    fig.set_dpi(72)
    _matrix(axes[0], x, "input x", extent=(rows, W))
    _matrix(axes[1], k, "kernel k", extent=(rows, kw))
    axes[2].set_xlim(-0.5, Wo - 0.5)
    axes[2].set_ylim(rows - 0.5, -0.5)
    axes[2].set_aspect("equal")
    axes[2].axis("off")
    texts = np.empty((Ho, Wo), dtype=object)
    for i in range(Ho):
        for j in range(Wo):
            axes[2].add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="white", edgecolor="0.6"))
            texts[i, j] = axes[2].text(j, i, "", ha="center", va="center", fontsize=11)
    axes[2].set_title("output S", fontsize=10)
    win = Rectangle((-0.5, -0.5), kw, kh, fill=False, edgecolor="#d95f02", linewidth=3, linestyle="--")
    cell = Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor="#d95f02", linewidth=3, linestyle="--")
    axes[0].add_patch(win)
    axes[2].add_patch(cell)
    title = fig.suptitle("", fontsize=10)

    def update(f):
        i, j = divmod(f, Wo)
        win.set_xy((j * sw - 0.5, i * sh - 0.5))
        cell.set_xy((j - 0.5, i - 0.5))
        for ff in range(Ho * Wo):
            ii, jj = divmod(ff, Wo)
            texts[ii, jj].set_text(f"{out[ii, jj]:g}" if ff <= f else "")
        window = x[i * sh:i * sh + kh, j * sw:j * sw + kw]
        terms = " + ".join(f"{a:g}*{b:g}" for a, b in zip(window.ravel(), k.ravel()))
        title.set_text(f"S[{i}, {j}] = {terms} = {out[i, j]:g}")

    update(0)
    return animate(fig, update, Ho * Wo, interval=interval,
                   alt=f"Animation in {Ho * Wo} frames: the {kh}x{kw} kernel slides over the {H}x{W} "
                       f"input with stride {stride}; each frame outlines one window and the output cell it "
                       f"produces, until the {Ho}x{Wo} output is complete.")


# --------------------------------------------------------------------------
# Filters and channels
# --------------------------------------------------------------------------


def show_filters(weights, titles, width=1.6):
    """Filters drawn as small pictures, as papers show a network's first layer.

    Parameters
    ----------
    weights : ndarray of shape (C_out, C_in, KH, KW) with C_in 1 or 3
        With one input channel, each filter is drawn on the diverging map
        (red positive, blue negative, white zero) with a shared colour bar.
        With three (RGB), each filter is drawn as a colour picture: zero is
        mid-grey, and a weight pushes its channel brighter when positive and
        darker when negative (``0.5 + w / (2 max|w|)``), the usual way to show
        first-layer filters.
    titles : sequence of str
        One per filter; they should say in words what each filter looks for.
    """
    w = np.asarray(weights, dtype=float)
    c_out, c_in = w.shape[:2]
    fig, axes = plt.subplots(1, c_out, figsize=(width * c_out + (0.8 if c_in == 1 else 0), width + 0.6),
                             squeeze=False, layout="constrained")
    limit = float(np.max(np.abs(w))) or 1.0
    im = None
    for ax, f, t in zip(axes[0], w, titles):
        if c_in == 3:
            ax.imshow(np.clip(0.5 + np.moveaxis(f, 0, -1) / (2 * limit), 0, 1), interpolation="nearest")
        else:
            im = ax.imshow(f[0], cmap=SIGNED_CMAP, vmin=-limit, vmax=limit, interpolation="nearest")
        ax.set_title(t, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    if im is not None:
        fig.colorbar(im, ax=axes[0].tolist(), fraction=0.046, pad=0.04)
    return _finish(fig)


def channel_sum_figure(x, w, partials, b, out):
    """One filter on a multi-channel input: per-channel correlations, their sum, the bias.

    Parameters
    ----------
    x : ndarray of shape (C_in, H, W)
    w : ndarray of shape (C_in, KH, KW)
        One filter (``weight[o]``).
    partials : ndarray of shape (C_in, H', W')
        ``corr2d(x[c], w[c])`` for each channel, computed by the caller.
    b : float
        The filter's bias.
    out : ndarray of shape (H', W')
        The output channel (``conv2d(...)[0, o]``), computed by the caller.

    Returns
    -------
    matplotlib.figure.Figure
        One row per input channel (input, kernel slice, partial map), and a
        last row with the sum of the partial maps, the bias and the output.
    """
    x, w, partials, out = (np.asarray(a) for a in (x, w, partials, out))
    C, H, W = x.shape
    kh, kw = w.shape[1:]
    Ho, Wo = out.shape
    widths = [W, kw, Wo]
    rows = max(H, kh)
    cell = 0.5
    fig, axes = plt.subplots(C + 1, 3, figsize=(cell * (sum(widths) + 4), cell * (rows + 1.2) * (C + 1)),
                             width_ratios=widths, layout="constrained")
    for c in range(C):
        _matrix(axes[c, 0], x[c], f"input channel {c}", extent=(rows, W))
        _matrix(axes[c, 1], w[c], f"kernel slice w[{c}]", extent=(rows, kw))
        _matrix(axes[c, 2], partials[c], f"corr2d(x[{c}], w[{c}])", extent=(rows, Wo))
    _matrix(axes[C, 0], partials.sum(axis=0), "sum over channels", extent=(rows, Wo))
    _matrix(axes[C, 1], np.array([[b]]), "bias b", extent=(rows, 1))
    _matrix(axes[C, 2], out, "output = sum + b", extent=(rows, Wo))
    return _finish(fig)


def photo_and_maps(photo, maps, titles, photo_title="photograph", width=2.2):
    """A photograph (grey or colour) beside feature maps computed from it.

    Parameters
    ----------
    photo : ndarray of shape (H, W) or (H, W, 3), values in [0, 1]
        Shown as it is, without a colour bar.
    maps : sequence of ndarray of shape (H', W')
        Feature maps (signed), each on the diverging map centred on zero with
        its own colour bar: red positive, blue negative, white zero.
    titles : sequence of str
        One per map, saying which filter made it.
    """
    photo = np.asarray(photo)
    n = len(maps) + 1
    fig, axes = plt.subplots(1, n, figsize=(width * n, width * 1.1), layout="constrained")
    axes[0].imshow(photo, cmap=None if photo.ndim == 3 else "gray", vmin=0, vmax=1)
    axes[0].set_title(photo_title, fontsize=10)
    for ax, m, t in zip(axes[1:], maps, titles):
        m = np.asarray(m)
        limit = float(np.max(np.abs(m))) or 1.0
        im = ax.imshow(m, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
        fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
        ax.set_title(t, fontsize=10)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    return _finish(fig)


# --------------------------------------------------------------------------
# im2col
# --------------------------------------------------------------------------


def im2col_figure(x, patches, k_col, out_col, kernel_shape, stride):
    """The input with its windows numbered, the patch matrix, the kernel column, the product.

    Parameters
    ----------
    x : ndarray of shape (H, W)
    patches : ndarray of shape (L, KH*KW)
        One row per window (in row-major window order), computed by the caller.
    k_col : ndarray of shape (KH*KW,)
        The kernel flattened row by row.
    out_col : ndarray of shape (L,)
        ``patches @ k_col``.
    kernel_shape : (int, int)
    stride : int
        Used to outline the windows in `x`.
    """
    x, patches = np.asarray(x), np.asarray(patches)
    k_col, out_col = np.asarray(k_col).reshape(-1, 1), np.asarray(out_col).reshape(-1, 1)
    kh, kw = kernel_shape
    H, W = x.shape
    Wo = (W - kw) // stride + 1
    L, K = patches.shape
    rows = max(H, L, K)
    widths = [W, K, 1, 1]
    fig, axes = plt.subplots(1, 4, figsize=(0.55 * (sum(widths) + 6), 0.55 * rows + 0.9),
                             width_ratios=widths, layout="constrained")
    _matrix(axes[0], x, "input x, windows numbered", extent=(rows, W))
    for n in range(L):
        i, j = divmod(n, Wo)
        r, c = i * stride, j * stride
        axes[0].add_patch(Rectangle((c - 0.45, r - 0.45), kw - 0.1, kh - 0.1, fill=False,
                                    edgecolor=_COLORS[n % 6], linestyle=_STYLES[n % 6], linewidth=2.5))
        axes[0].text(c - 0.4, r - 0.25, f"{n}", fontsize=8, color=_COLORS[n % 6], weight="bold")
    _matrix(axes[1], patches, "patch matrix\n(row n = window n)", extent=(rows, K))
    for n in range(L):
        axes[1].text(-0.75, n, f"{n}", fontsize=8, ha="right", va="center",
                     color=_COLORS[n % 6], weight="bold")
    _matrix(axes[2], k_col, "kernel\ncolumn", extent=(rows, 1))
    _matrix(axes[3], out_col, "product\n= output", extent=(rows, 1))
    return _finish(fig)


# --------------------------------------------------------------------------
# Equivariance
# --------------------------------------------------------------------------


def shift_animation(inputs, outputs, shifts, interval=600):
    """Inputs shifted step by step, beside their feature maps: the output moves with the input.

    Parameters
    ----------
    inputs : sequence of ndarray of shape (H, W)
        One shifted input per frame.
    outputs : sequence of ndarray of shape (H', W')
        The feature map of each input, computed by the caller.
    shifts : sequence of int
        The shift of each frame (in pixels, to the right), for the titles.

    Returns
    -------
    IPython.display.HTML
        Left: the input (grey levels); right: its feature map on the diverging
        map with a fixed colour scale, and a cross marking the position of
        the map's largest value.
    """
    inputs = [np.asarray(a) for a in inputs]
    outputs = [np.asarray(a) for a in outputs]
    limit = max(float(np.max(np.abs(o))) for o in outputs) or 1.0
    fig, axes = plt.subplots(1, 2, figsize=(6.4, 3.0), layout="constrained")
    fig.set_dpi(64)
    im0 = axes[0].imshow(inputs[0], cmap="gray", vmin=min(a.min() for a in inputs),
                         vmax=max(a.max() for a in inputs))
    im1 = axes[1].imshow(outputs[0], cmap=SIGNED_CMAP, vmin=-limit, vmax=limit)
    fig.colorbar(im1, ax=axes[1], fraction=0.046, pad=0.04)
    (marker,) = axes[1].plot([], [], "kx", markersize=12, markeredgewidth=2.5)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])

    def update(f):
        im0.set_data(inputs[f])
        im1.set_data(outputs[f])
        i, j = np.unravel_index(np.argmax(outputs[f]), outputs[f].shape)
        marker.set_data([j], [i])
        axes[0].set_title(f"input shifted right by {shifts[f]}", fontsize=10)
        axes[1].set_title(f"feature map; max at column {j}", fontsize=10)

    update(0)
    return animate(fig, update, len(inputs), interval=interval,
                   alt=f"Animation in {len(inputs)} frames: the input is shifted by "
                       f"{', '.join(str(s) for s in shifts)} pixels, one shift per frame, and its feature map "
                       "beside it moves by the same amount.")


# --------------------------------------------------------------------------
# 1-D signals
# --------------------------------------------------------------------------


def show_signals(signals, labels, offsets=None, title=None):
    """1-D signals one above the other, sharing the position axis, drawn as stems.

    Parameters
    ----------
    signals : sequence of 1-D ndarray
    labels : sequence of str
    offsets : sequence of int, optional
        Position of each signal's first element on the shared axis (a valid
        convolution output starts at the kernel's offset, for example).
    """
    offsets = offsets or [0] * len(signals)
    fig, axes = plt.subplots(len(signals), 1, figsize=(7.5, 1.5 * len(signals) + 0.4),
                             sharex=True, layout="constrained", squeeze=False)
    for ax, s, lab, off, fmt in zip(axes[:, 0], signals, labels, offsets, ["o", "s", "^", "D"] * 3):
        s = np.asarray(s)
        pos = np.arange(len(s)) + off
        ax.stem(pos, s, basefmt="0.5", linefmt="0.3", markerfmt=f"k{fmt}")
        ax.set_ylabel(lab, rotation=0, ha="right", va="center", fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
    axes[-1, 0].set_xlabel("position")
    if title:
        fig.suptitle(title, fontsize=10)
    return _finish(fig)

