"""Figures and animations of the backpropagation chapter.

Every function takes the numbers the notebook computed with the reference
module and only draws them: the sliding of a flipped kernel over a padded
gradient, the zeros a stride inserts into a gradient, gradients flowing back
through a small network, the error of a numerical gradient against its step,
and the pictures of a trained network (curves, filters, maps, mistakes).
"""

from __future__ import annotations


import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from .common import POSITIVE_CMAP, SIGNED_CMAP, _finish, animate

__all__ = [
    "window_product",
    "full_convolution_animation",
    "gradient_dilation",
    "gradient_flow_animation",
    "step_size_errors",
    "training_curves",
    "image_grid",
]

_WINDOW = "#d95f02"   # orange: the current window
_CELL = 0.5           # inches per cell in the number grids



def _grid(ax, m, fmt="{:g}", shade=None, hatch=None, extent=None, title=None):
    """Matrix `m` as a grid of numbers. Cells where `shade` is True are grey (padding);
    where `hatch` is True they are hatched (inserted zeros). Returns the text artists."""
    m = np.asarray(m, dtype=float)
    rows, cols = m.shape
    ext_r, ext_c = extent or (rows, cols)
    ax.set_xlim(-0.5, ext_c - 0.5)
    ax.set_ylim(ext_r - 0.5, -0.5)
    ax.set_aspect("equal")
    texts = []
    for i in range(rows):
        for j in range(cols):
            face = "0.85" if shade is not None and shade[i, j] else "white"
            h = "///" if hatch is not None and hatch[i, j] else None
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=face, edgecolor="0.6", hatch=h))
            text = "" if np.isnan(m[i, j]) else fmt.format(m[i, j])
            texts.append(ax.text(j, i, text, ha="center", va="center", fontsize=9,
                                 bbox=dict(facecolor="white", edgecolor="none", pad=0.5) if h else None))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        ax.set_title(title, fontsize=10)
    return texts


def _row(shapes, titles, extra_height=0.7):
    rows = max(s[0] for s in shapes)
    cols = [s[1] for s in shapes]
    fig, axes = plt.subplots(1, len(shapes), figsize=(_CELL * (sum(cols) + 1.2 * len(cols)), _CELL * rows + extra_height),
                             squeeze=False, width_ratios=cols, layout="constrained")
    for ax, t in zip(axes[0], titles):
        ax.set_title(t, fontsize=10)
    return fig, axes[0], rows


def _box(ax, r0, c0, h, w, style="--"):
    return ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), w, h, fill=False, edgecolor=_WINDOW,
                                  linewidth=3, linestyle=style))


def window_product(a, k, out, i, j, titles, fmt="{:g}"):
    """One cell of a valid cross-correlation, with titles of the caller's choice.

    The window of `a` at ``(i, j)`` of the size of `k` is outlined (dashed),
    and so is cell ``(i, j)`` of `out`: ``out[i, j] = sum(window * k)``.

    Parameters
    ----------
    a : ndarray of shape (H, W)
    k : ndarray of shape (KH, KW)
    out : ndarray of shape (H - KH + 1, W - KW + 1), computed by the caller
    i, j : int
    titles : three str
    """
    kh, kw = np.shape(k)
    fig, axes, rows = _row([np.shape(a), np.shape(k), np.shape(out)], titles)
    for ax, m in zip(axes, (a, k, out)):
        _grid(ax, m, fmt, extent=(rows, np.shape(m)[1]))
        ax.set_title(ax.get_title(), fontsize=10)
    for ax, t in zip(axes, titles):
        ax.set_title(t, fontsize=10)
    _box(axes[0], i, j, kh, kw)
    _box(axes[2], i, j, 1, 1)
    return _finish(fig)


def full_convolution_animation(g_padded, w_flipped, dx, border, fmt="{:.2f}", interval=800):
    """The input gradient as a sliding window: the flipped kernel over the zero-padded gradient.

    Parameters
    ----------
    g_padded : ndarray of shape (H_out + 2(KH-1), W_out + 2(KW-1))
        The upstream gradient padded with ``KH-1`` and ``KW-1`` zeros.
    w_flipped : ndarray of shape (KH, KW)
        The kernel rotated by 180 degrees.
    dx : ndarray of shape (H, W)
        The input gradient, computed by the caller; frame ``f`` shows its
        first ``f + 1`` cells in row-major order.
    border : (int, int)
        The padding added on each side (grey cells).

    Returns
    -------
    IPython.display.HTML
    """
    g_padded, w_flipped, dx = (np.asarray(m, dtype=float) for m in (g_padded, w_flipped, dx))
    kh, kw = w_flipped.shape
    H, W = dx.shape
    ph, pw = border
    shade = np.ones(g_padded.shape, bool)
    shade[ph:g_padded.shape[0] - ph, pw:g_padded.shape[1] - pw] = False
    fig, axes, rows = _row([g_padded.shape, w_flipped.shape, dx.shape],
                           ["dL/dZ padded with zeros", "kernel flipped", "dL/dX"])
    fig.set_dpi(70)
    _grid(axes[0], g_padded, fmt, shade=shade, extent=(rows, g_padded.shape[1]))
    _grid(axes[1], w_flipped, fmt, extent=(rows, kw))
    texts = _grid(axes[2], np.full(dx.shape, np.nan), fmt, extent=(rows, W))
    window = _box(axes[0], 0, 0, kh, kw)
    cell = _box(axes[2], 0, 0, 1, 1)

    def update(f):
        r, c = divmod(f, W)
        window.set_xy((c - 0.5, r - 0.5))
        cell.set_xy((c - 0.5, r - 0.5))
        for q in range(H * W):
            texts[q].set_text(fmt.format(dx.flat[q]) if q <= f else "")

    update(0)
    html = animate(fig, update, frames=H * W, interval=interval,
                   alt=f"Animation in {H * W} frames: the flipped {kh}x{kw} kernel slides over the "
                       f"zero-padded upstream gradient ({g_padded.shape[0]}x{g_padded.shape[1]}, padding "
                       f"shaded); each frame outlines one window and writes the value it gives into the "
                       f"{H}x{W} input gradient.")
    return html


def gradient_dilation(steps, titles, inserted=None, padded=None, fmt="{:g}"):
    """A row of number grids showing how a gradient is prepared for the full convolution.

    Parameters
    ----------
    steps : sequence of ndarray of shape (h, w)
        For example the upstream gradient, the same with zeros inserted
        between its cells, that padded, the flipped kernel, the input gradient.
    titles : sequence of str
    inserted, padded : sequence of (ndarray of bool or None), optional
        Per grid, the cells to hatch (zeros inserted by the stride or
        dilation) and to grey (zeros of the border padding). Hatching and
        grey differ in pattern, not only in colour.
    """
    steps = [np.asarray(s, dtype=float) for s in steps]
    n = len(steps)
    inserted = list(inserted or [None] * n)
    padded = list(padded or [None] * n)
    fig, axes, rows = _row([s.shape for s in steps], titles)
    fig.set_dpi(70)
    for ax, s, h, p in zip(axes, steps, inserted, padded):
        _grid(ax, s, fmt, shade=p, hatch=h, extent=(rows, s.shape[1]))
    return _finish(fig)


def gradient_flow_animation(names, forward_maps, grad_maps, notes, interval=1400):
    """Gradients flowing back through a network, one layer per frame.

    Parameters
    ----------
    names : sequence of str
        The name of each stage, input first, loss-side last (for example
        ``["x", "z1 = conv1(x)", "h1 = relu(z1)", ...]``).
    forward_maps : sequence of ndarray of shape (h, w)
        The value at each stage (top row), drawn from the start.
    grad_maps : sequence of ndarray of shape (h, w)
        dL/d(stage) at each stage (bottom row); frame ``f`` reveals the last
        ``f + 1`` of them, from the loss back to the input.
    notes : sequence of str
        One caption per frame: how that frame's gradient was made from the
        previous one (the local derivative it was multiplied by).

    Returns
    -------
    IPython.display.HTML
    """
    n = len(names)
    fig, axes = plt.subplots(2, n, figsize=(1.75 * n, 4.2), squeeze=False, layout="constrained", dpi=60)
    grad_images = []
    for c in range(n):
        f = np.asarray(forward_maps[c], dtype=float)
        lim = float(np.max(np.abs(f))) or 1.0
        axes[0, c].imshow(f, cmap=SIGNED_CMAP, vmin=-lim, vmax=lim)
        axes[0, c].set_title(names[c], fontsize=9)
        g = np.asarray(grad_maps[c], dtype=float)
        glim = float(np.max(np.abs(g))) or 1.0
        im = axes[1, c].imshow(np.zeros_like(g), cmap=SIGNED_CMAP, vmin=-glim, vmax=glim)
        grad_images.append((im, g))
        axes[1, c].set_title("dL/d" + names[c].split(" ")[0], fontsize=9)
        for r in range(2):
            axes[r, c].set_xticks([])
            axes[r, c].set_yticks([])
    axes[0, 0].set_ylabel("forward value", fontsize=9)
    axes[1, 0].set_ylabel("gradient (red +, blue -)", fontsize=9)
    caption = fig.suptitle(notes[0], fontsize=10)

    def update(frame):
        for c, (im, g) in enumerate(grad_images):
            shown = c >= n - 1 - frame
            im.set_data(g if shown else np.zeros_like(g))
            axes[1, c].set_title(("dL/d" + names[c].split(" ")[0]) if shown else "(not yet)", fontsize=9)
        caption.set_text(notes[frame])

    update(0)
    html = animate(fig, update, frames=n, interval=interval,
                   alt=f"Animation in {n} frames: the gradient flows back through the layers "
                       f"{', '.join(names)}, one layer per frame, each frame showing a layer's forward map "
                       "and the gradient that reaches it.")
    return html


def step_size_errors(eps, curves, title=None, best=None):
    """Relative error of a central-difference gradient against its step size, on log-log axes.

    Parameters
    ----------
    eps : ndarray of step sizes
    curves : dict of label -> ndarray of relative errors (one per step)
        Each curve gets its own marker, so that colour is not needed to tell them apart.
    best : dict of label -> float, optional
        A step to mark with a vertical dotted line per curve.
    """
    fig, ax = plt.subplots(figsize=(6.2, 3.6), layout="constrained")
    markers = ["o", "s", "^", "D"]
    for (label, err), mk in zip(curves.items(), markers):
        ax.loglog(eps, np.maximum(err, 1e-17), marker=mk, ms=4, label=label)
    for label, e in (best or {}).items():
        ax.axvline(e, linestyle=":", color="0.4")
        ax.text(e, ax.get_ylim()[1], f" {label}", fontsize=8, va="top", rotation=90)
    ax.set_xlabel("step size eps")
    ax.set_ylabel("relative error")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=9)
    if title:
        ax.set_title(title, fontsize=10)
    return _finish(fig)


def training_curves(epochs, losses, accuracies, target=None):
    """Loss (left) and accuracy (right) against the epoch.

    Parameters
    ----------
    epochs : ndarray of int
    losses, accuracies : dict of label -> ndarray, one value per epoch
    target : float, optional
        A horizontal dotted line on the accuracy panel (the accuracy asked for).
    """
    fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.3), layout="constrained")
    styles = ["-o", "--s", ":^"]
    for (label, val), st in zip(losses.items(), styles):
        a.plot(epochs, val, st, ms=4, label=label)
    for (label, val), st in zip(accuracies.items(), styles):
        b.plot(epochs, val, st, ms=4, label=label)
    if target is not None:
        b.axhline(target, color="0.4", linestyle=":")
        b.text(epochs[0], target, f" target {target:.2f}", va="bottom", fontsize=8)
    a.set_yscale("log")
    a.set_xlabel("epoch")
    a.set_ylabel("cross-entropy loss")
    b.set_xlabel("epoch")
    b.set_ylabel("accuracy")
    for ax in (a, b):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=9)
    return _finish(fig)


def image_grid(images, titles, ncols=8, signed=False, width=1.3, suptitle=None, cmap="gray_r"):
    """Small images in a grid, each with its title (filters, feature maps, misclassified digits).

    Parameters
    ----------
    images : sequence of ndarray of shape (h, w)
    titles : sequence of str
    ncols : int
    signed : bool
        Diverging map centred on zero with one shared colour bar (for filters
        and signed maps); otherwise `cmap` with each image's own range.
    """
    images = [np.asarray(im, dtype=float) for im in images]
    n = len(images)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, width * 1.15 * nrows), squeeze=False,
                             layout="constrained", dpi=70)
    lim = max(float(np.max(np.abs(im))) for im in images) or 1.0
    im_obj = None
    for k, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if k >= n:
            ax.axis("off")
            continue
        if signed:
            im_obj = ax.imshow(images[k], cmap=SIGNED_CMAP, vmin=-lim, vmax=lim)
        else:
            ax.imshow(images[k], cmap=cmap if cmap else POSITIVE_CMAP)
        ax.set_title(titles[k], fontsize=8)
    if signed and im_obj is not None:
        fig.colorbar(im_obj, ax=axes, shrink=0.8)
    if suptitle:
        fig.suptitle(suptitle, fontsize=10)
    return _finish(fig)
