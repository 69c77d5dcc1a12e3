"""The figures and animations the book shows, made from the same numbers its text computes.

One module per chapter (``plots.convolution``, ``plots.activations``,
``plots.geometry``, ``plots.pooling``, ``plots.backprop``) plus the shared
pieces in ``plots.common``; everything public is re-exported here, so a
notebook writes ``from cnn_lessons import plots`` and ``plots.show_maps(...)``.

Each function draws one figure and returns it, already closed, so that a
notebook cell ending in ``plots.something(...)`` shows it exactly once.
Animations are returned as HTML (``matplotlib.animation`` with the JavaScript
writer, see ``plots.animate``) with few frames, so that pages stay light.
"""

from . import activations, backprop, common, convolution, geometry, pooling
from .activations import *  # noqa: F401,F403
from .backprop import *  # noqa: F401,F403
from .common import *  # noqa: F401,F403
from .convolution import *  # noqa: F401,F403
from .geometry import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403

__all__ = [*common.__all__, *convolution.__all__, *activations.__all__,
           *geometry.__all__, *pooling.__all__, *backprop.__all__]
