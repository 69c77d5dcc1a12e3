"""Figures and animations of the pooling chapter.

Every function takes the numbers it draws (computed in the notebook with
``cnn_lessons``) and returns a closed figure, or an HTML player for the
animations. Windows are outlined with dashed lines and labelled, so that no
fact is carried by colour alone.
"""
from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, Rectangle

from .common import POSITIVE_CMAP, _finish, _imshow, animate

__all__ = [
    "pooling_step",
    "pooling_animation",
    "map_grid",
    "window_layout",
    "signal_rows",
    "shift_curves",
    "bar_compare",
    "max_pool_backward_animation",
]

_WINDOW = "#d95f02"   # orange: the current window
_WINNER = "#1b9e77"   # green: the winning cell
_CELL = 0.5           # inches per cell in the number grids



def _fmt(v, fmt):
    """A number as text; infinities as the symbol, NaN (not yet computed) as blank."""
    if np.isnan(v):
        return ""
    if np.isinf(v):
        return "-\u221e" if v < 0 else "\u221e"
    return fmt.format(v)


def _grid(ax, m, fmt, shade=None, extent=None):
    """Draw matrix `m` as a grid of numbers; cells where `shade` is True are light grey
    (used for padding). Returns the list of text artists, row-major."""
    m = np.asarray(m, dtype=float)
    rows, cols = m.shape
    ext_r, ext_c = extent or (rows, cols)
    ax.set_xlim(-0.5, ext_c - 0.5)
    ax.set_ylim(ext_r - 0.5, -0.5)
    ax.set_aspect("equal")
    texts = []
    for i in range(rows):
        for j in range(cols):
            face = "0.88" if shade is not None and shade[i, j] else "white"
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=face, edgecolor="0.6"))
            texts.append(ax.text(j, i, _fmt(m[i, j], fmt), ha="center", va="center", fontsize=10))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    return texts


def _box(ax, r0, c0, h, w, color=_WINDOW, style="--", lw=3):
    return ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), w, h, fill=False, edgecolor=color,
                                  linewidth=lw, linestyle=style))


def _pair(v):
    return (int(v), int(v)) if np.isscalar(v) else (int(v[0]), int(v[1]))


def _grid_figure(shapes, titles):
    """A row of number grids with equal cell sizes."""
    rows = max(s[0] for s in shapes)
    cols = [s[1] for s in shapes]
    fig, axes = plt.subplots(1, len(shapes), figsize=(_CELL * (sum(cols) + len(cols)), _CELL * rows + 0.7),
                             squeeze=False, width_ratios=cols, layout="constrained")
    for ax, t in zip(axes[0], titles):
        ax.set_title(t, fontsize=10)
    return fig, axes[0], rows


def pooling_step(x, out, i, j, kernel_size, stride, padding=0, fmt="{:g}", name="max"):
    """One pooling window and the output cell it produces.

    Parameters
    ----------
    x : ndarray of shape (H, W)
        The input plane, before padding.
    out : ndarray of shape (H_out, W_out)
        The pooled plane (computed by the caller with the reference module).
    i, j : int
        The output cell shown.
    kernel_size, stride, padding : int or pair of int
        The pooling's window, stride and padding; padded cells are drawn grey
        and marked with the symbol -inf.
    name : str
        The pooling's name, for the titles.
    """
    kh, kw = _pair(kernel_size)
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    xp = np.pad(np.asarray(x, dtype=float), ((ph, ph), (pw, pw)), constant_values=-np.inf)
    shade = np.ones(xp.shape, dtype=bool)
    shade[ph:ph + np.shape(x)[0], pw:pw + np.shape(x)[1]] = False
    fig, (a0, a1), rows = _grid_figure([xp.shape, np.shape(out)],
                                       [f"input{' (padded)' if ph or pw else ''}, window for ({i}, {j})",
                                        f"{name} pool output, cell ({i}, {j})"])
    _grid(a0, xp, fmt, shade=shade, extent=(rows, xp.shape[1]))
    _box(a0, i * sh, j * sw, kh, kw)
    _grid(a1, out, fmt, extent=(rows, np.shape(out)[1]))
    _box(a1, i, j, 1, 1)
    return _finish(fig)


def pooling_animation(x, out, kernel_size, stride, padding=0, fmt="{:g}", name="max", interval=700):
    """The pooling window sliding over the (padded) input while the output fills in.

    Parameters
    ----------
    x : ndarray of shape (H, W)
    out : ndarray of shape (H_out, W_out)
        The full result, computed by the caller; frame ``t`` shows the first
        ``t + 1`` cells in row-major order.
    kernel_size, stride, padding : int or pair of int

    Returns
    -------
    IPython.display.HTML
    """
    kh, kw = _pair(kernel_size)
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    out = np.asarray(out, dtype=float)
    xp = np.pad(np.asarray(x, dtype=float), ((ph, ph), (pw, pw)), constant_values=-np.inf)
    shade = np.ones(xp.shape, dtype=bool)
    shade[ph:ph + np.shape(x)[0], pw:pw + np.shape(x)[1]] = False
    fig, (a0, a1), rows = _grid_figure([xp.shape, out.shape],
                                       [f"input, {kh}x{kw} window, stride {sh}"
                                        + (f", padding {ph}" if ph or pw else ""),
                                        f"{name} pool output"])
    fig.set_dpi(72)
    _grid(a0, xp, fmt, shade=shade, extent=(rows, xp.shape[1]))
    texts = _grid(a1, np.full(out.shape, np.nan), fmt, extent=(rows, out.shape[1]))
    window = _box(a0, 0, 0, kh, kw)
    cell = _box(a1, 0, 0, 1, 1)
    n_cols = out.shape[1]

    def update(t):
        r, c = divmod(t, n_cols)
        window.set_xy((c * sw - 0.5, r * sh - 0.5))
        cell.set_xy((c - 0.5, r - 0.5))
        for k, txt in enumerate(texts):
            txt.set_text(_fmt(out.flat[k], fmt) if k <= t else "")
        return [window, cell, *texts]

    update(0)
    return animate(fig, update, out.size, interval=interval,
                   alt=f"Animation in {out.size} frames: a {kh}x{kw} {name}-pooling window moves with "
                       f"stride {stride} over the {np.shape(x)[0]}x{np.shape(x)[1]} input (padding {padding}); each "
                       f"frame outlines one window and the output cell it fills.")


def map_grid(maps, row_labels, col_labels, signed=False, width=2.2, suptitle=None, dpi=60):
    """A grid of feature maps: one row per channel, one column per operation.

    Parameters
    ----------
    maps : sequence of sequences of ndarray of shape (H, W)
        ``maps[r][c]`` is drawn in row `r`, column `c`; sizes may differ
        between columns (each panel shows its own size in its title).
    row_labels, col_labels : sequence of str
    signed : bool or sequence of bool
        Per row, whether to use the diverging map centred on zero.
    dpi : int
        Resolution; photographs compress poorly, so keep it low.
    """
    n_r, n_c = len(maps), len(maps[0])
    signed = [signed] * n_r if np.isscalar(signed) else list(signed)
    fig, axes = plt.subplots(n_r, n_c, figsize=(width * n_c, width * n_r * 1.05), squeeze=False,
                             layout="constrained", dpi=dpi)
    for r in range(n_r):
        for c in range(n_c):
            m = np.asarray(maps[r][c])
            _imshow(axes[r, c], m, f"{col_labels[c]}  {m.shape[0]}x{m.shape[1]}", signed[r],
                    cmap=None if signed[r] else POSITIVE_CMAP, colorbar=True)
        axes[r, 0].set_ylabel(row_labels[r], fontsize=10)
    if suptitle:
        fig.suptitle(suptitle)
    return _finish(fig)


def window_layout(shape, row_spans, col_spans, title, padding=0, cell=0.16):
    """The windows of a pooling drawn as small multiples: one small copy of the
    input grid per output cell, with that output's window filled in.

    Parameters
    ----------
    shape : (H, W)
        The input plane's size; cells outside it (padding, or beyond the end
        in ceil mode) are drawn hatched.
    row_spans, col_spans : sequence of (start, stop)
        Each window's rows and columns in *input* coordinates (``start`` may
        be negative and ``stop`` beyond the input when windows reach past the
        edge); output ``(a, b)`` has rows ``row_spans[a]`` and columns
        ``col_spans[b]``.
    title : str
    padding : int or pair of int
        How many padded cells to draw on each side.
    cell : float
        Size of one cell in inches.
    """
    H, W = shape
    ph, pw = _pair(padding)
    lo_r = min([-ph, *[s_ for s_, _ in row_spans]])
    hi_r = max([H + ph, *[e for _, e in row_spans]])
    lo_c = min([-pw, *[s_ for s_, _ in col_spans]])
    hi_c = max([W + pw, *[e for _, e in col_spans]])
    n_r, n_c = len(row_spans), len(col_spans)
    fig, axes = plt.subplots(n_r, n_c, squeeze=False, layout="constrained",
                             figsize=(n_c * (cell * (hi_c - lo_c) + 0.25) + 0.2,
                                      n_r * (cell * (hi_r - lo_r) + 0.35) + 0.4))
    for a, (r0, r1) in enumerate(row_spans):
        for b, (c0, c1) in enumerate(col_spans):
            ax = axes[a, b]
            for i in range(lo_r, hi_r):
                for j in range(lo_c, hi_c):
                    inside = 0 <= i < H and 0 <= j < W
                    in_window = r0 <= i < r1 and c0 <= j < c1
                    face = "#7570b3" if in_window and inside else ("#cbc9e2" if in_window else
                                                                    ("white" if inside else "0.9"))
                    ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=face, edgecolor="0.55",
                                           linewidth=0.5, hatch=None if inside else "////"))
            ax.add_patch(Rectangle((-0.5, -0.5), W, H, fill=False, edgecolor="black", linewidth=1.2))
            ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), c1 - c0, r1 - r0, fill=False,
                                   edgecolor=_WINDOW, linewidth=2, linestyle="--"))
            ax.set_xlim(lo_c - 0.5, hi_c - 0.5)
            ax.set_ylim(hi_r - 0.5, lo_r - 0.5)
            ax.set_aspect("equal")
            ax.axis("off")
            ax.set_title(f"out ({a}, {b})\nrows {r0}-{r1 - 1}, cols {c0}-{c1 - 1}", fontsize=7)
    fig.suptitle(title, fontsize=10)
    return _finish(fig)


def signal_rows(rows, labels, boundaries=None, fmt="{:g}", marks=None):
    """1-D signals drawn as strips of numbered cells, one strip per row.

    Parameters
    ----------
    rows : sequence of 1-D ndarray
        Strips may have different lengths (pooled rows are shorter); each is
        stretched so that its cells line up with the input cells they summarise.
    labels : sequence of str
    boundaries : sequence of (int or None)
        Per row, the pooling window width in input cells: each cell of that
        row spans this many input cells, and thick lines mark the boundaries.
    marks : sequence of (int or None)
        Per row, a cell to outline (dashed), for example where a peak sits.
    """
    n = len(rows)
    length = max(len(r) * (boundaries[k] if boundaries and boundaries[k] else 1) for k, r in enumerate(rows))
    fig, ax = plt.subplots(figsize=(0.45 * length + 2.6, 0.62 * n + 0.4), layout="constrained")
    for k, row in enumerate(rows):
        span = boundaries[k] if boundaries and boundaries[k] else 1
        y = k
        for j, v in enumerate(np.asarray(row, dtype=float)):
            ax.add_patch(Rectangle((j * span, y - 0.4), span, 0.8, facecolor="white",
                                   edgecolor="black" if span > 1 else "0.6", linewidth=2 if span > 1 else 1))
            ax.text(j * span + span / 2, y, _fmt(v, fmt), ha="center", va="center", fontsize=10)
        if marks and marks[k] is not None:
            j = marks[k]
            ax.add_patch(Rectangle((j * span + 0.05, y - 0.36), span - 0.1, 0.72, fill=False,
                                   edgecolor=_WINDOW, linewidth=2.5, linestyle="--"))
        ax.text(-0.3, y, labels[k], ha="right", va="center", fontsize=10)
    ax.set_xlim(-0.2, length + 0.2)
    ax.set_ylim(n - 0.5, -0.5)
    ax.axis("off")
    fig.get_layout_engine().set(w_pad=0.05)
    ax.set_xlim(-0.2 - 0.16 * max(len(s) for s in labels), length + 0.2)
    return _finish(fig)


def shift_curves(shifts, curves, xlabel="shift (pixels)", ylabel="relative change", title=None):
    """Lines of a measured quantity against the shift, one per layer stack.

    Parameters
    ----------
    shifts : sequence of int
    curves : dict of str -> sequence of float
        Label to values (one per shift); each line also gets its own marker
        and line style, so the legend does not rely on colour.
    """
    markers = ["o", "s", "^", "D", "v", "P"]
    styles = ["-", "--", "-.", ":", "-", "--"]
    colors = plt.get_cmap("viridis")(np.linspace(0, 0.85, max(len(curves), 2)))
    fig, ax = plt.subplots(figsize=(7.6, 3.4), layout="constrained")
    for k, (label, ys) in enumerate(curves.items()):
        ax.plot(shifts, ys, marker=markers[k % 6], linestyle=styles[k % 6], color=colors[k], label=label)
    ax.set_xticks(list(shifts))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    if title:
        ax.set_title(title, fontsize=10)
    return _finish(fig)


def bar_compare(labels, values, ylabel, title=None, fmt="{:,.0f}", log=False):
    """Labelled bars, each with its value printed on it."""
    fig, ax = plt.subplots(figsize=(1.3 * len(labels) + 1.6, 3.2), layout="constrained")
    xs = np.arange(len(labels))
    ax.bar(xs, values, color=plt.get_cmap("viridis")(0.35), edgecolor="black")
    for x_, v in zip(xs, values):
        ax.text(x_, v, fmt.format(v), ha="center", va="bottom", fontsize=9)
    ax.set_xticks(xs, labels, fontsize=9)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    ax.margins(y=0.15)
    if title:
        ax.set_title(title, fontsize=10)
    return _finish(fig)


def max_pool_backward_animation(x, grad_output, indices, grad_input, kernel_size, stride,
                                fmt="{:g}", interval=900):
    """Gradients flowing back through a max pool, one output cell per frame.

    Parameters
    ----------
    x : ndarray of shape (H, W)
        The forward input.
    grad_output : ndarray of shape (H_out, W_out)
        The upstream gradient.
    indices : ndarray of int, shape (H_out, W_out)
        Flat index in `x` of each window's maximum (``return_indices=True``).
    grad_input : ndarray of shape (H, W)
        The gradient computed by the reference backward; the animation adds
        ``grad_output[i, j]`` at ``indices[i, j]`` frame by frame and checks
        that it ends at `grad_input`.

    Returns
    -------
    IPython.display.HTML
    """
    kh, kw = _pair(kernel_size)
    sh, sw = _pair(stride)
    x = np.asarray(x, dtype=float)
    g = np.asarray(grad_output, dtype=float)
    idx = np.asarray(indices)
    partial = [np.zeros_like(x)]
    for t in range(g.size):
        step = partial[-1].copy()
        step.flat[idx.flat[t]] += g.flat[t]
        partial.append(step)
    if not np.allclose(partial[-1], grad_input):
        raise ValueError("max_pool_backward_animation: routing grad_output to indices does not give "
                         "grad_input; pass the indices and gradient of the same max pool")
    fig, axes, rows = _grid_figure([x.shape, g.shape, x.shape],
                                   ["forward input x (winner outlined)", "upstream gradient",
                                    "gradient w.r.t. x, so far"])
    fig.set_dpi(72)
    _grid(axes[0], x, fmt, extent=(rows, x.shape[1]))
    _grid(axes[1], g, fmt, extent=(rows, g.shape[1]))
    texts = _grid(axes[2], partial[0], fmt, extent=(rows, x.shape[1]))
    window = _box(axes[0], 0, 0, kh, kw)
    winner = _box(axes[0], 0, 0, 1, 1, color=_WINNER, style="-", lw=3)
    cell = _box(axes[1], 0, 0, 1, 1)
    target = _box(axes[2], 0, 0, 1, 1, color=_WINNER, style="-", lw=3)
    arrow = FancyArrowPatch((0, 0), (0, 0), transform=fig.transFigure, arrowstyle="-|>",
                            mutation_scale=16, color=_WINNER, linewidth=2)
    fig.add_artist(arrow)
    n_cols = g.shape[1]

    def _fig_xy(ax, r, c):
        disp = ax.transData.transform((c, r))
        return fig.transFigure.inverted().transform(disp)

    def update(t):
        fig.canvas.draw() if t == 0 else None
        r, c = divmod(t, n_cols)
        wr, wc = divmod(int(idx.flat[t]), x.shape[1])
        window.set_xy((c * sw - 0.5, r * sh - 0.5))
        winner.set_xy((wc - 0.5, wr - 0.5))
        cell.set_xy((c - 0.5, r - 0.5))
        target.set_xy((wc - 0.5, wr - 0.5))
        for k, txt in enumerate(texts):
            txt.set_text(_fmt(partial[t + 1].flat[k], fmt))
        arrow.set_positions(_fig_xy(axes[1], r + 0.3, c), _fig_xy(axes[2], wr + 0.3, wc))
        return [window, winner, cell, target, arrow, *texts]

    update(0)
    return animate(fig, update, g.size, interval=interval,
                   alt=f"Animation in {g.size} frames, one per output cell of a max pool: its upstream "
                       "gradient is sent to the position of its window's maximum in the input gradient, "
                       "where gradients from overlapping windows add up.")

