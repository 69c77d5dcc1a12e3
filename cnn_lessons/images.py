"""Real photographs for the lessons, from the sample data that ships with matplotlib.

No download is ever needed: matplotlib installs its sample images with it.
"""

from __future__ import annotations

import numpy as np

from . import _validation as v

__all__ = ["sample_image", "to_gray"]

_SAMPLES = {"grace_hopper": "grace_hopper.jpg"}

# ITU-R BT.601 luma weights: how bright red, green and blue look to a person.
_LUMA = np.array([0.299, 0.587, 0.114])


def to_gray(rgb):
    """Convert an RGB image to grey levels with the BT.601 luma weights.

    Parameters
    ----------
    rgb : ndarray of shape (H, W, 3)

    Returns
    -------
    ndarray of shape (H, W), float64

    Notes
    -----
    ``gray = 0.299 R + 0.587 G + 0.114 B``: a 1x1 convolution over the colour
    channels, the same operation chapter 1 calls channel mixing.

    Examples
    --------
    >>> to_gray(np.array([[[1.0, 1.0, 1.0]]]))
    array([[1.]])
    """
    rgb = v.as_float_array(rgb, "to_gray", "rgb")
    if rgb.ndim != 3 or rgb.shape[-1] != 3:
        raise ValueError(f"to_gray: rgb must have shape (H, W, 3), got {rgb.shape}")
    return rgb @ _LUMA


def sample_image(name="grace_hopper", gray=True, step=1):
    """A photograph from matplotlib's sample data, scaled to [0, 1].

    Parameters
    ----------
    name : {"grace_hopper"}
        Which photograph (a 600x512 portrait of Grace Hopper).
    gray : bool, default True
        Return grey levels ``(H, W)`` instead of colour ``(H, W, 3)``.
    step : int, default 1
        Keep every `step`-th row and column (a quick, smaller picture).

    Returns
    -------
    ndarray of shape (H, W) or (H, W, 3), float64 in [0, 1]

    Examples
    --------
    >>> sample_image().shape
    (600, 512)
    >>> sample_image(gray=False, step=4).shape
    (150, 128, 3)
    """
    import matplotlib.cbook
    import matplotlib.image

    if name not in _SAMPLES:
        raise ValueError(f"sample_image: name must be one of {sorted(_SAMPLES)}, got {name!r}")
    step = v.check_int(step, "sample_image", "step", 1)
    with matplotlib.cbook.get_sample_data(_SAMPLES[name]) as f:
        img = matplotlib.image.imread(f, format="jpg").astype(np.float64) / 255.0
    img = img[::step, ::step]
    return to_gray(img) if gray else img
