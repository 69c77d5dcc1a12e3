"""Release stage: the student notebook of each assignment, only if the solutions pass and the stubs fail.

For each exercise notebook of the book: run it (in the sandbox, as a
submission) and require every check, public and hidden, to pass; replace each
solution region by a stub raising ``NotImplementedError`` with the exercise's
hint, clear every output, un-hide the exercise cells; run the result and
require every graded check to fail; then write ``OUT/<assignment>.ipynb``.
Hidden checks are never in the notebook (they live in the data module).
"""

from __future__ import annotations

import copy
from pathlib import Path

from .author import AuthorError, Pair, discover
from .feedback import CallRecord, judge
from .grade import _expected
from .notebook import HIDE_TAG, SOLUTION_TAG, stub_source
from .sandbox import Limits, run_cells

__all__ = ["ReleaseError", "student_notebook", "verify", "release"]


class ReleaseError(Exception):
    """The release was refused; the message says why."""


def student_notebook(pair: Pair):
    """The student version of an exercise notebook (an nbformat NotebookNode)."""
    nb = copy.deepcopy(pair.source.nb)
    by_index = {c.index: c for c in pair.source.exercises}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if i in by_index:
            exercise = pair.spec.exercise(by_index[i].name)
            cell.source = stub_source(cell.source, exercise.hint)
            tags = [t for t in cell.metadata.get("tags", []) if t not in (SOLUTION_TAG, HIDE_TAG)]
            if tags:
                cell.metadata["tags"] = tags
            else:
                cell.metadata.pop("tags", None)
        cell.metadata.pop("execution", None)
    return nb


def _outcomes(nb, spec, limits):
    cells = [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    sandbox = run_cells(cells, spec, limits)
    table = _expected(spec.id)
    out = []
    for e in spec.exercises:
        for k, c in enumerate(e.checks):
            inputs, expected = table[(e.name, k)]
            record = sandbox.records.get(f"{e.name}#{k}") or CallRecord("not_run", error="did not run")
            out.append((e, c, judge(e, c, record, inputs=inputs, expected=expected)))
    return sandbox, out


def verify(pair: Pair, limits: Limits = Limits()):
    """Raise ReleaseError unless the solutions pass every check and the stubs fail every one."""
    problems = []
    sandbox, outcomes = _outcomes(pair.source.nb, pair.spec, limits)
    for cell in sandbox.cells:
        if cell.status != "ok":
            problems.append(f"{pair.source.path}: cell {cell.index} of the solution notebook "
                            f"failed: {cell.error}")
    for e, c, o in outcomes:
        if not o.passed:
            problems.append(f"{pair.spec.id}/{e.name}: the solution fails the check {c.name!r}: "
                            + " / ".join(o.lines))
    student = student_notebook(pair)
    _, outcomes = _outcomes(student, pair.spec, limits)
    for e, c, o in outcomes:
        if o.passed:
            problems.append(f"{pair.spec.id}/{e.name}: the released stub passes the check {c.name!r}; "
                            "a check that a stub passes gives free points")
    if problems:
        raise ReleaseError("release refused:\n" + "\n".join(f"  - {p}" for p in problems))
    return student


def release(out, book=None, assignments=None, limits: Limits = Limits(), log=print) -> list:
    """Write ``out/<assignment>.ipynb`` for each assignment (or those named); return the paths."""
    import nbformat

    from .export import write_atomic

    try:
        pairs = discover(book, only=set(assignments) if assignments else None)
    except AuthorError as exc:
        raise ReleaseError(f"release refused: the book and the assignment specs disagree:\n{exc}") from None
    students = [(p, verify(p, limits)) for p in pairs]  # all verified before anything is written
    written = []
    out = Path(out)
    for pair, nb in students:
        target = out / f"{pair.spec.id}.ipynb"
        write_atomic(target, nbformat.writes(nb) + "\n")
        log(f"released {pair.spec.id}: {target} ({len(pair.spec.exercises)} exercises, "
            f"{pair.spec.points:g} points)")
        written.append(target)
    return written
