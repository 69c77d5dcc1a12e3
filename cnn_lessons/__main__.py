"""``python -m cnn_lessons``: the ``cnn-lessons`` command."""

import sys

from .grading.cli import main

sys.exit(main())
