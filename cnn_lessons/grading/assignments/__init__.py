"""One data module per assignment, each defining ``ASSIGNMENT``.

Adding an assignment is adding a module here (named after the assignment id)
and an exercise notebook in ``book/`` whose metadata names it; nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil

__all__ = ["assignment_ids", "load", "load_all", "find_exercise"]


def assignment_ids() -> list:
    """The ids of every assignment data module, sorted."""
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def load(assignment_id: str):
    """The :class:`~cnn_lessons.grading.spec.Assignment` with this id."""
    ids = assignment_ids()
    if assignment_id not in ids:
        raise KeyError(
            f"no assignment {assignment_id!r}; the known assignments are {', '.join(ids) or '(none)'}"
        )
    module = importlib.import_module(f"{__name__}.{assignment_id}")
    assignment = getattr(module, "ASSIGNMENT", None)
    if assignment is None or assignment.id != assignment_id:
        raise ValueError(
            f"cnn_lessons/grading/assignments/{assignment_id}.py must define "
            f"ASSIGNMENT = Assignment(id={assignment_id!r}, ...)"
        )
    return assignment


def load_all(skip_broken: bool = False) -> list:
    """Every assignment; with `skip_broken`, modules that fail to import are left out."""
    out = []
    for i in assignment_ids():
        try:
            out.append(load(i))
        except Exception:  # noqa: BLE001 - one chapter's broken module must not break check()
            if not skip_broken:
                raise
    return out


def find_exercise(name: str, assignment: str | None = None):
    """``(assignment, exercise)`` for an exercise name, ``"assignment/name"`` also accepted."""
    if assignment is None and "/" in name:
        assignment, name = name.split("/", 1)
    candidates = [load(assignment)] if assignment else load_all(skip_broken=True)
    found = [(a, e) for a in candidates for e in a.exercises if e.name == name]
    if not found:
        known = ", ".join(f"{a.id}/{e.name}" for a in candidates for e in a.exercises)
        raise KeyError(f"no graded exercise named {name!r}; the graded exercises are {known}")
    if len(found) > 1:
        which = ", ".join(f'"{a.id}/{name}"' for a, _ in found)
        raise KeyError(f"exercise {name!r} exists in several assignments; name one of {which}")
    return found[0]
