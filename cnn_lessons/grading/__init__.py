"""The grading pipeline: author -> release -> execute (sandbox) -> grade -> export.

- :mod:`.spec`: exercises and checks as data; :mod:`.assignments`: one data module per assignment;
- :mod:`.notebook` and :mod:`.author`: read exercise notebooks and check them against their specs;
- :mod:`.release`: the student notebooks (refused unless solutions pass and stubs fail);
- :mod:`.sandbox` (with the child script ``_runner.py``): run untrusted code under limits;
- :mod:`.feedback`: judge one check and say why it failed, naming known misconceptions;
- :mod:`.grade` and :mod:`.export`: Gradescope ``results.json`` per submission, ``grades.csv``;
- :mod:`.gradescope`: the Gradescope autograder bundle; :mod:`.check`: ``check()`` in a notebook;
- :mod:`.cli`: the ``cnn-lessons`` command.

Only :func:`check` and :func:`check_all` are imported here, so that
``from cnn_lessons import check`` stays cheap.
"""

from .check import check, check_all

__all__ = ["check", "check_all"]
