"""Small image data sets that ship with the package (no download, ever).

``load_digits`` reads the 8x8 handwritten digits of Alpaydin and Kaynak (UCI
Machine Learning Repository, CC BY 4.0; see ``cnn_lessons/data/README.md``);
``train_test_split`` makes a seeded, stratified split of them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["load_digits", "train_test_split"]

_DATA = Path(__file__).resolve().parent / "data"


def load_digits(normalize=True, dtype=np.float64):
    """The 1,797 handwritten digits, 8x8 pixels, with their labels.

    Parameters
    ----------
    normalize : bool, default True
        Scale the pixel counts (integers 0 to 16) to ``[0, 1]`` by dividing by
        16. With False, the raw counts are returned as uint8.
    dtype : numpy dtype, default float64
        The dtype of the images when `normalize` is True.

    Returns
    -------
    images : ndarray of shape (1797, 1, 8, 8)
        One channel per image, channels first, as a convolution expects.
    labels : ndarray of int64, shape (1797,)
        The digit, 0 to 9.

    Notes
    -----
    E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten Digits",
    UCI Machine Learning Repository (1998), https://doi.org/10.24432/C50P49,
    CC BY 4.0. Each pixel counts the "on" pixels of a 4x4 block of a 32x32
    bitmap, hence the range 0 to 16.

    Examples
    --------
    >>> images, labels = load_digits()
    >>> images.shape, labels.shape, float(images.max())
    ((1797, 1, 8, 8), (1797,), 1.0)
    >>> np.bincount(labels)
    array([178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    """
    with np.load(_DATA / "digits.npz") as f:
        images, labels = f["images"], f["labels"]
    images = images[:, None, :, :]
    if normalize:
        images = (images / 16.0).astype(dtype)
    return images, labels.astype(np.int64)


def train_test_split(labels, test_fraction=0.2, seed=0):
    """Indices of a stratified, seeded split: the same fraction of every class is held out.

    Parameters
    ----------
    labels : ndarray of int, shape (N,)
    test_fraction : float, default 0.2
        Fraction of each class that goes to the test set (rounded to the nearest count).
    seed : int, default 0

    Returns
    -------
    train, test : ndarray of int64
        Sorted indices into `labels`; together they cover every index once.

    Examples
    --------
    >>> train, test = train_test_split(np.repeat(np.arange(3), 10), test_fraction=0.2)
    >>> len(train), len(test)
    (24, 6)
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"train_test_split: test_fraction must be in (0, 1), got {test_fraction}")
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    test = []
    for c in np.unique(labels):
        members = np.flatnonzero(labels == c)
        n_test = int(round(test_fraction * len(members)))
        test.append(rng.permutation(members)[:n_test])
    test = np.sort(np.concatenate(test)).astype(np.int64)
    train = np.setdiff1d(np.arange(len(labels)), test).astype(np.int64)
    return train, test
