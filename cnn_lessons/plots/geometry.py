"""Figures and animations of the geometry chapter: padding, stride, dilation, receptive fields.

Every function takes the numbers it draws (sizes computed in the notebook
with :func:`cnn_lessons.conv_output_size`, padded arrays computed with
:func:`cnn_lessons.pad`, receptive fields from
:func:`cnn_lessons.receptive_field`) and only places them on a grid.

Conventions: input cells are light blue with solid edges; padding cells are
white, hatched (``///``) with dashed grey edges, so that padding is told
apart by pattern as well as by colour; the kernel's taps are dark blue and
carry a dot; computed output cells are filled, the current one has a thick
dashed outline.
"""
from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch, Rectangle

from .common import _finish, animate

__all__ = [
    "conv_arithmetic",
    "stride_coverage",
    "padded_rows",
    "padded_images",
    "kernel_footprints",
    "receptive_field_boxes",
    "weight_sharing",
]

INPUT_COLOR = "#c6dbef"
PAD_COLOR = "white"
TAP_COLOR = "#2b6cb0"
OUT_COLOR = "#fdd49e"
OUT_EDGE = "#b35806"
HATCH = "///"


def _pair(v, name):
    """An int or a pair of ints, as a pair (drawing helper, not validation of lesson math)."""
    if isinstance(v, (tuple, list)):
        if len(v) != 2:
            raise ValueError(f"plots.geometry: {name} must be an int or a pair, got {v!r}")
        return int(v[0]), int(v[1])
    return int(v), int(v)


def _grid_axes(ax, rows, cols, title):
    ax.set_xlim(-0.5, cols - 0.5)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title, fontsize=9)


def _cell(ax, r, c, kind):
    if kind == "pad":
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=PAD_COLOR, edgecolor="0.55",
                               hatch=HATCH, linestyle="--", linewidth=0.8))
    else:
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=INPUT_COLOR, edgecolor="0.35",
                               linewidth=0.8))


def _draw_input(ax, size, padding, title, taps=(), unseen=()):
    (H, W), (ph, pw) = size, padding
    rows, cols = H + 2 * ph, W + 2 * pw
    _grid_axes(ax, rows, cols, title)
    for r in range(rows):
        for c in range(cols):
            inside = ph <= r < ph + H and pw <= c < pw + W
            _cell(ax, r, c, "in" if inside else "pad")
    for r, c in unseen:
        ax.text(c, r, "x", ha="center", va="center", fontsize=9, color="#7f0000", weight="bold")
    for r, c in taps:
        ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=TAP_COLOR, alpha=0.55,
                               edgecolor="black", linewidth=1.6))
        ax.plot(c, r, "o", color="white", markersize=3)


def _draw_output(ax, out, done, current, title, extent):
    oh, ow = out
    rows, cols = extent
    _grid_axes(ax, rows, cols, title)
    r_off, c_off = (rows - oh) / 2, (cols - ow) / 2
    for r in range(oh):
        for c in range(ow):
            filled = (r, c) in done
            ax.add_patch(Rectangle((c + c_off - 0.5, r + r_off - 0.5), 1, 1,
                                   facecolor=OUT_COLOR if filled else "white", edgecolor="0.35",
                                   linewidth=0.8))
    if current is not None:
        r, c = current
        ax.add_patch(Rectangle((c + c_off - 0.5, r + r_off - 0.5), 1, 1, fill=False,
                               edgecolor=OUT_EDGE, linewidth=2.5, linestyle="--"))


def conv_arithmetic(size, kernel_size, out_size, padding=0, stride=1, dilation=1,
                    max_frames=10, interval=700, mark_unseen=False, dpi=56):
    """Animate a kernel window sliding over a (padded) input while the output fills in.

    Parameters
    ----------
    size, kernel_size, padding, stride, dilation : int or (int, int)
        The convolution's settings (height, width).
    out_size : int or (int, int)
        The output size, computed by the caller with ``conv_output_size``; the
        animation draws exactly this many output cells.
    max_frames : int
        At most this many frames; with more output cells, frames skip ahead
        (cells computed in between are filled too).
    mark_unseen : bool
        Mark with an ``x`` the input cells that no window ever covers.
    dpi : int
        Resolution of each stored frame (keeps the page light).

    Returns
    -------
    IPython.display.HTML
        The player. The title states every number.
    """
    H, W = _pair(size, "size")
    kh, kw = _pair(kernel_size, "kernel_size")
    ph, pw = _pair(padding, "padding")
    sh, sw = _pair(stride, "stride")
    dh, dw = _pair(dilation, "dilation")
    oh, ow = _pair(out_size, "out_size")
    positions = [(i, j) for i in range(oh) for j in range(ow)]
    n = len(positions)
    picks = sorted(set(np.linspace(0, n - 1, min(n, max_frames)).round().astype(int).tolist()))

    def taps(i, j):
        return [(i * sh + a * dh, j * sw + b * dw) for a in range(kh) for b in range(kw)]

    unseen = []
    if mark_unseen:
        seen = {t for i, j in positions for t in taps(i, j)}
        unseen = [(r, c) for r in range(ph, ph + H) for c in range(pw, pw + W) if (r, c) not in seen]

    rows, cols = H + 2 * ph, W + 2 * pw
    out_cols = max(ow, 4)
    cell = 0.34
    fig_w = max(5.4, cell * (cols + out_cols + 1.5))
    fig_h = cell * max(rows, oh) + 1.3
    fig, (ax_in, ax_out) = plt.subplots(1, 2, figsize=(fig_w, fig_h), width_ratios=[cols, out_cols], dpi=dpi)
    fig.set_dpi(dpi)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.55 / fig_h, top=1 - 0.65 / fig_h, wspace=0.1)
    fig.suptitle(f"input {H}x{W}, kernel {kh}x{kw}, padding {ph}, stride {sh}, dilation {dh}"
                 f"  ->  output {oh}x{ow}", fontsize=9)
    handles = [Patch(facecolor=INPUT_COLOR, edgecolor="0.35", label="input"),
               Patch(facecolor=PAD_COLOR, edgecolor="0.55", hatch=HATCH, label="padding"),
               Patch(facecolor=TAP_COLOR, alpha=0.55, edgecolor="black", label="kernel taps"),
               Patch(facecolor=OUT_COLOR, edgecolor="0.35", label="computed output")]
    if unseen:
        handles.append(plt.Line2D([], [], marker="$x$", color="#7f0000", linestyle="", label="never seen"))
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=7, frameon=False)

    def update(f):
        k = picks[f]
        i, j = positions[k]
        ax_in.clear()
        ax_out.clear()
        _draw_input(ax_in, (H, W), (ph, pw), f"padded input, window {k + 1} of {n}", taps(i, j), unseen)
        _draw_output(ax_out, (oh, ow), set(positions[:k + 1]), (i, j), f"output cell ({i}, {j})",
                     (max(rows, oh), out_cols))
        return []

    update(0)
    return animate(fig, update, len(picks), interval=interval,
                   alt=f"Animation in {len(picks)} frames: a {kh}x{kw} kernel with dilation {dh} moves "
                       f"with stride {sh} over a {H}x{W} input "
                       f"{f'padded by {ph} (padding cells hatched)' if ph else 'without padding'}; the "
                       f"{oh}x{ow} output fills in one cell per frame.")



def stride_coverage(size, kernel_size, stride, out_size, padding=0, dilation=1):
    """One row of input cells with the span of every output's window drawn under it.

    Parameters
    ----------
    size, kernel_size, stride, padding, dilation : int
        Settings along one axis.
    out_size : int
        The output length, computed by the caller with ``conv_output_size``.

    Returns
    -------
    matplotlib.figure.Figure
        Input cells (padding hatched) on top; one bar per output below,
        labelled ``out i``; input cells no window reaches are marked
        "never seen" and crossed.
    """
    n = size + 2 * padding
    fig, ax = plt.subplots(figsize=(max(4.0, 0.45 * n + 1.2), 0.45 * out_size + 1.4), layout="constrained")
    ax.set_xlim(-1.6, n - 0.4)
    ax.set_ylim(out_size + 0.9, -1.3)
    ax.axis("off")
    starts = [i * stride for i in range(out_size)]
    seen = {s + a * dilation for s in starts for a in range(kernel_size)}
    for c in range(n):
        inside = padding <= c < padding + size
        _cell(ax, 0, c, "in" if inside else "pad")
        if inside:
            ax.text(c, 0, str(c - padding), ha="center", va="center", fontsize=8)
            if c not in seen:
                ax.plot([c - 0.4, c + 0.4], [-0.4, 0.4], color="#7f0000", linewidth=1.5)
                ax.plot([c - 0.4, c + 0.4], [0.4, -0.4], color="#7f0000", linewidth=1.5)
    ax.text(-0.7, 0, "input", ha="right", va="center", fontsize=8)
    for i, s in enumerate(starts):
        y = i + 1.2
        ax.plot([s - 0.4, s + (kernel_size - 1) * dilation + 0.4], [y, y], color="0.6", linewidth=1)
        for a in range(kernel_size):
            ax.add_patch(Rectangle((s + a * dilation - 0.4, y - 0.3), 0.8, 0.6, facecolor=TAP_COLOR,
                                   alpha=0.6, edgecolor="black"))
        ax.text(-0.7, y, f"out {i}", ha="right", va="center", fontsize=8)
    unseen = sorted(c - padding for c in range(padding, padding + size) if c not in seen)
    note = f"never seen: input {', '.join(map(str, unseen))}" if unseen else "every input cell is seen"
    ax.set_title(f"size {size}, kernel {kernel_size}, stride {stride}, padding {padding}, "
                 f"dilation {dilation} -> {out_size} outputs\n{note}", fontsize=9)
    return _finish(fig)


def padded_rows(rows, titles, padding):
    """Padded 1-D rows as number grids, the padding cells hatched.

    Parameters
    ----------
    rows : sequence of 1-D ndarray
        Already padded (by the caller, with ``pad``), all of the same length.
    titles : sequence of str
    padding : (int, int)
        ``(before, after)``: how many cells at each end are padding.
    """
    before, after = padding
    n = len(rows[0])
    fig, axes = plt.subplots(len(rows), 1, figsize=(0.5 * n + 1.5, 0.62 * len(rows) + 0.2),
                             squeeze=False, layout="constrained")
    for ax, row, title in zip(axes[:, 0], rows, titles):
        _grid_axes(ax, 1, n, "")
        ax.set_xlim(-0.5, n - 0.5)
        for c, val in enumerate(row):
            _cell(ax, 0, c, "pad" if c < before or c >= n - after else "in")
            ax.text(c, 0, f"{val:g}", ha="center", va="center", fontsize=9,
                    bbox=dict(facecolor="white", edgecolor="none", pad=0.5) if c < before or c >= n - after else None)
        ax.set_ylabel(title, rotation=0, ha="right", va="center", fontsize=9)
    return _finish(fig)


def padded_images(images, titles, padding, width=2.6):
    """Padded pictures side by side, a dashed frame marking where the original ends.

    Parameters
    ----------
    images : sequence of ndarray of shape (H + 2p, W + 2p)
        Padded by the caller (with ``pad``).
    titles : sequence of str
    padding : int
        The width of the border that is padding.
    """
    fig, axes = plt.subplots(1, len(images), figsize=(width * len(images), width * 1.1),
                             squeeze=False, layout="constrained")
    for ax, im, title in zip(axes[0], images, titles):
        im = np.asarray(im)
        ax.imshow(im, cmap="gray", vmin=0, vmax=1)
        h, w = im.shape
        ax.add_patch(Rectangle((padding - 0.5, padding - 0.5), w - 2 * padding, h - 2 * padding,
                               fill=False, edgecolor="#e66101", linestyle="--", linewidth=1.5))
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    return _finish(fig)


def kernel_footprints(kernel_size, dilations, effective):
    """The taps of a kernel with each dilation, on a grid as wide as its effective size.

    Parameters
    ----------
    kernel_size : int
    dilations : sequence of int
    effective : sequence of int
        The effective kernel size for each dilation, computed by the caller.
    """
    biggest = max(effective)
    fig, axes = plt.subplots(1, len(dilations), figsize=(2.3 * len(dilations), 2.6),
                             squeeze=False, layout="constrained")
    for ax, d, e in zip(axes[0], dilations, effective):
        _grid_axes(ax, biggest, biggest, f"dilation {d}: effective {e}x{e}")
        off = (biggest - e) // 2
        for r in range(biggest):
            for c in range(biggest):
                inside = off <= r < off + e and off <= c < off + e
                ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=INPUT_COLOR if inside else "white",
                                       edgecolor="0.7", linewidth=0.6))
        for a in range(kernel_size):
            for b in range(kernel_size):
                r, c = off + a * d, off + b * d
                ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=TAP_COLOR, alpha=0.7,
                                       edgecolor="black"))
                ax.plot(c, r, "o", color="white", markersize=3)
    return _finish(fig)


def receptive_field_boxes(image, boxes, labels, title=""):
    """A picture with the receptive field of one output unit per layer drawn on it.

    Parameters
    ----------
    image : ndarray of shape (H, W)
    boxes : sequence of (top, left, size)
        In input pixels, computed by the caller from ``receptive_field``; a box
        may extend past the picture (into the padding).
    labels : sequence of str
        One label per box, written at its top-left corner.
    """
    image = np.asarray(image)
    h, w = image.shape
    lo = min(min(t, l) for t, l, _ in boxes)
    hi = max(max(t, l) + s for t, l, s in boxes)
    fig, ax = plt.subplots(figsize=(5.2, 5.2), layout="constrained")
    ax.imshow(image, cmap="gray", vmin=0, vmax=1)
    ax.add_patch(Rectangle((-0.5, -0.5), w, h, fill=False, edgecolor="black", linewidth=1))
    styles = ["-", "--", "-.", ":"]
    colors = ["#fdb863", "#e66101", "#b2abd2", "#5e3c99"]
    for n, ((t, l, s), label) in enumerate(zip(boxes, labels)):
        ax.add_patch(Rectangle((l - 0.5, t - 0.5), s, s, fill=False, edgecolor=colors[n % 4],
                               linestyle=styles[n % 4], linewidth=2))
        ax.text(l + 1, t + 1, label, color="black", fontsize=8, va="top",
                bbox=dict(facecolor="white", alpha=0.8, edgecolor=colors[n % 4], pad=1))
    margin = max(0, -lo, hi - max(h, w))
    ax.set_xlim(-0.5 - margin, w - 0.5 + margin)
    ax.set_ylim(h - 0.5 + margin, -0.5 - margin)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=9)
    return _finish(fig)


def weight_sharing(maps, titles):
    """For each output position, which kernel it uses, as numbered grids.

    Parameters
    ----------
    maps : sequence of 2-D int ndarray
        ``maps[n][i, j]`` is the index of the kernel that output ``(i, j)``
        uses (computed by the caller). The number is written in every cell;
        the colour (cividis) only repeats it.
    titles : sequence of str
    """
    fig, axes = plt.subplots(1, len(maps), figsize=(2.6 * len(maps), 2.8), squeeze=False,
                             layout="constrained")
    for ax, m, title in zip(axes[0], maps, titles):
        m = np.asarray(m)
        ax.imshow(m, cmap="cividis", vmin=0, vmax=max(int(m.max()), 1))
        top = max(int(m.max()), 1)
        for (i, j), val in np.ndenumerate(m):
            ax.text(j, i, str(int(val)), ha="center", va="center", fontsize=8,
                    color="white" if val < 0.5 * top else "black")
        ax.set_xticks(np.arange(-0.5, m.shape[1], 1), minor=True)
        ax.set_yticks(np.arange(-0.5, m.shape[0], 1), minor=True)
        ax.grid(which="minor", color="white", linewidth=1)
        ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
        ax.set_title(title, fontsize=9)
    return _finish(fig)
