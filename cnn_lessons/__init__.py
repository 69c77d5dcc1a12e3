"""cnn_lessons: the reference implementation behind a course on CNN layers.

Every public name follows the semantics of ``torch.nn.functional`` where
PyTorch has the same operation, with numpy arrays in channels-first layout
``(N, C, *spatial)``. The modules, in the order the course meets them:

- :mod:`cnn_lessons.convolution`: ``corr2d``, ``convolve2d``, ``conv1d/2d/3d`` and their backward;
- :mod:`cnn_lessons.activations`: each activation beside its backward;
- :mod:`cnn_lessons.geometry` and :mod:`cnn_lessons.padding`: output sizes, receptive fields, ``pad``;
- :mod:`cnn_lessons.pooling`: max, average, Lp and adaptive pooling and their backward;
- :mod:`cnn_lessons.gradcheck`: numerical gradients for checking a backward.
"""

from . import activations, convolution, geometry, gradcheck, padding, pooling
from .activations import *  # noqa: F401,F403
from .convolution import *  # noqa: F401,F403
from .geometry import *  # noqa: F401,F403
from .gradcheck import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403

__version__ = "0.1.0"

__all__ = [
    *convolution.__all__,
    *activations.__all__,
    *geometry.__all__,
    *padding.__all__,
    *pooling.__all__,
    *gradcheck.__all__,
]

# In-notebook feedback for the graded exercises; not part of the reference API.
from .grading import check, check_all  # noqa: E402,F401
