"""Figure helpers shared by every chapter: side-by-side maps, number grids, the chapter map.

Colour conventions, readable by colour-blind readers: ``gray`` for
photographs, ``viridis`` for non-negative maps, ``RdBu_r`` centred on zero for
signed values (with a colour bar, so that no fact is carried by colour alone).
"""
from __future__ import annotations

import hashlib
import itertools
import re
from html import escape

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, Rectangle

__all__ = ["show_maps", "show_matrices", "correlation_step", "chapter_map", "animate"]

SIGNED_CMAP = "RdBu_r"
POSITIVE_CMAP = "viridis"


def _finish(fig):
    """Close `fig` (so the inline backend does not show it twice) and return it."""
    plt.close(fig)
    return fig


def animate(fig, update, frames, interval=600, alt=None):
    """Turn a figure and a per-frame update function into an HTML/JavaScript animation.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure, drawn in its first state.
    update : callable
        ``update(frame)`` changes the artists for frame number `frame`.
    frames : int
        Number of frames; keep it small (tens), every frame is stored in the page.
    interval : int
        Milliseconds between frames.
    alt : str, optional
        What the animation shows, in words: the alt text of its frame image,
        for readers who cannot see it.

    Returns
    -------
    IPython.display.HTML
        A player with play, pause and step buttons that needs no server.

    Notes
    -----
    matplotlib names the player's elements with a fresh random id at every
    run; it is replaced by a hash of the player's content and of how many
    players this process has made before, so that a re-run stores the same
    output (nbval compares them) and two players on one page never share an id.
    """
    from IPython.display import HTML
    from matplotlib import animation

    anim = animation.FuncAnimation(fig, update, frames=frames, interval=interval)
    html = anim.to_jshtml(default_mode="once")
    plt.close(fig)
    if alt:
        html = re.sub(r'<img id="(_anim_img[0-9a-f]+)"\s*>',
                      lambda m: f'<img id="{m.group(1)}" alt="{escape(alt, quote=True)}">', html, count=1)
    return HTML(_stable_ids(html, next(_players_made)))


_players_made = itertools.count()


def _stable_ids(html: str, serial: int) -> str:
    """Replace every random 32-hex-digit player id in `html` by a hash of the rest of the page and `serial`."""
    ids = sorted(set(re.findall(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])", html)))
    stripped = html
    for uid in ids:
        stripped = stripped.replace(uid, "")
    digest = hashlib.sha256(f"{serial}:{stripped}".encode()).hexdigest()
    for n, uid in enumerate(ids):
        html = html.replace(uid, hashlib.sha256(f"{digest}{n}".encode()).hexdigest()[:32])
    return html


def _imshow(ax, image, title, signed, cmap=None, colorbar=True):
    image = np.asarray(image)
    if signed:
        limit = float(np.max(np.abs(image))) or 1.0
        im = ax.imshow(image, cmap=cmap or SIGNED_CMAP, vmin=-limit, vmax=limit)
    else:
        im = ax.imshow(image, cmap=cmap or "gray")
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    if colorbar:
        ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    return im


def show_maps(images, titles, signed=None, cmap=None, width=3.2, suptitle=None):
    """Show images or feature maps side by side.

    Parameters
    ----------
    images : sequence of ndarray of shape (H, W)
    titles : sequence of str
        One title per image (the reader's only label: say what is shown).
    signed : sequence of bool, optional
        Per image, whether to use the diverging map centred on zero (default:
        True for any image with negative values).
    cmap : str or sequence of str, optional
        Colour map for unsigned images (default ``gray``); a sequence gives one per image.
    width : float
        Width of each panel in inches.
    suptitle : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    images = [np.asarray(im) for im in images]
    if len(titles) != len(images):
        raise ValueError(f"show_maps: got {len(images)} images but {len(titles)} titles")
    if signed is None:
        signed = [bool(np.min(im) < 0) for im in images]
    fig, axes = plt.subplots(1, len(images), figsize=(width * len(images), width * 1.05),
                             squeeze=False, layout="constrained")
    cmaps = list(cmap) if isinstance(cmap, (list, tuple)) else [cmap] * len(images)
    for ax, im, title, sgn, cm in zip(axes[0], images, titles, signed, cmaps):
        _imshow(ax, im, title, sgn, cmap=None if sgn else cm)
    if suptitle:
        fig.suptitle(suptitle)
    return _finish(fig)


def _matrix(ax, m, title, highlight=None, fmt="{:g}", color="#d95f02", extent=None):
    """Draw a small matrix as a grid of numbers, optionally outlining a block.

    `extent` (rows, cols) fixes the axes' extent so that cells of matrices
    drawn side by side have the same size.
    """
    m = np.asarray(m)
    rows, cols = m.shape
    ext_rows, ext_cols = extent or (rows, cols)
    ax.set_xlim(-0.5, ext_cols - 0.5)
    ax.set_ylim(ext_rows - 0.5, -0.5)
    ax.set_aspect("equal")
    for i in range(rows):
        for j in range(cols):
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="white", edgecolor="0.6"))
            ax.text(j, i, fmt.format(m[i, j]), ha="center", va="center", fontsize=11)
    if highlight is not None:
        (r0, c0), (h, w) = highlight
        ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), w, h, fill=False, edgecolor=color,
                               linewidth=3, linestyle="--"))
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _matrix_row(matrices, titles, highlights, fmt):
    """A row of matrices with equal cell sizes; returns the figure."""
    shapes = [np.shape(m) for m in matrices]
    rows = max(s[0] for s in shapes)
    cols = [s[1] for s in shapes]
    cell = 0.55
    fig, axes = plt.subplots(1, len(matrices), figsize=(cell * (sum(cols) + len(cols)), cell * rows + 0.6),
                             squeeze=False, width_ratios=cols, layout="constrained")
    for ax, m, title, hl, c in zip(axes[0], matrices, titles, highlights, cols):
        _matrix(ax, m, title, highlight=hl, fmt=fmt, extent=(rows, c))
    return _finish(fig)


def show_matrices(matrices, titles, fmt="{:g}"):
    """Small matrices drawn as grids of numbers, side by side (for worked examples)."""
    return _matrix_row(matrices, titles, [None] * len(matrices), fmt)


def correlation_step(x, k, out, i, j):
    """One step of a valid cross-correlation: window, kernel and the output cell it makes.

    Parameters
    ----------
    x : ndarray of shape (H, W)
    k : ndarray of shape (KH, KW)
    out : ndarray of shape (H - KH + 1, W - KW + 1)
        The full result (computed by the caller with the reference module).
    i, j : int
        The output position shown; its window is outlined (dashed) in `x`, and
        the output cell is outlined in `out`.
    """
    kh, kw = np.shape(k)
    return _matrix_row([x, k, out],
                       [f"input x, window at ({i}, {j})", "kernel k", f"output S, cell ({i}, {j})"],
                       [((i, j), (kh, kw)), None, ((i, j), (1, 1))], "{:g}")


_CHAPTERS = [
    ("1", "Convolution", "filters slide over\nthe image"),
    ("2", "Activations", "a non-linearity\nafter each conv"),
    ("3", "Padding, stride,\ndilation", "how big the output is,\nwhat each output sees"),
    ("4", "Pooling", "summarise each\nneighbourhood"),
    ("5", "Backpropagation", "gradients flow back;\ntrain a CNN"),
]


def chapter_map():
    """The course's chapters drawn along the path of data through a CNN layer."""
    fig, ax = plt.subplots(figsize=(10, 2.6), layout="constrained")
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 2.6)
    ax.axis("off")
    xs = np.linspace(0.2, 8.2, len(_CHAPTERS))
    for x, (num, name, what) in zip(xs, _CHAPTERS):
        ax.add_patch(Rectangle((x, 0.9), 1.6, 1.3, facecolor="#e8eef7", edgecolor="#2b4c7e", linewidth=1.5))
        ax.text(x + 0.8, 1.85, f"Chapter {num}", ha="center", va="center", fontsize=9, color="#2b4c7e")
        ax.text(x + 0.8, 1.4, name, ha="center", va="center", fontsize=10, weight="bold")
        ax.text(x + 0.8, 0.45, what, ha="center", va="center", fontsize=8)
    for a, b in zip(xs[:-1], xs[1:]):
        ax.add_patch(FancyArrowPatch((a + 1.6, 1.55), (b, 1.55), arrowstyle="-|>", mutation_scale=14))
    return _finish(fig)
