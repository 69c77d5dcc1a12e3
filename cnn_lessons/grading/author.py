"""Author stage: find the exercise notebooks of the book and check them against their specs.

An assignment is an exercise notebook (the single source of the prose, the
graded functions with their solutions, and the public ``check()`` calls)
plus a data module with the checks. :func:`discover` pairs them and
:func:`validate` reports every disagreement: an exercise cell without a spec
or a spec without a cell, different points, a misconception that no check
declares or that no check can tell apart from the right answer, a link to a
section that does not exist.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path


from . import assignments as registry
from .feedback import _as_parts, _close
from .notebook import SourceNotebook, find_sources, read_source
from .spec import Assignment, make_inputs, reference_raises

__all__ = ["AuthorError", "Pair", "default_book", "discover", "orphans", "validate"]


class AuthorError(Exception):
    """The book's exercise notebooks and the assignment data modules disagree."""


@dataclass
class Pair:
    source: SourceNotebook
    spec: Assignment


def default_book() -> Path:
    """The repository's ``book/``: found from the current directory upwards, else from the package."""
    here = Path.cwd().resolve()
    for d in (here, *here.parents):
        if (d / "book").is_dir() and (d / "cnn_lessons").is_dir():
            return d / "book"
        if d.name == "book" and (d.parent / "cnn_lessons").is_dir():
            return d
    return Path(__file__).resolve().parents[2] / "book"


def discover(book=None, *, only=None) -> list:
    """Every (exercise notebook, spec) pair, in path order; AuthorError if they disagree.

    With `only` (a collection of assignment ids), only those pairs are returned
    and checked, so that one chapter's unfinished assignment does not block
    another's release.
    """
    book = Path(book) if book else default_book()
    if not book.is_dir():
        raise AuthorError(f"no book folder at {book}; pass --book PATH")
    pairs, problems, seen = [], [], {}
    for path in find_sources(book):
        try:
            src = read_source(path)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if src.assignment in seen:
            problems.append(f"{path}: assignment {src.assignment!r} is already the assignment of "
                            f"{seen[src.assignment]} (one notebook per assignment)")
            continue
        seen[src.assignment] = path
        if only and src.assignment not in only:
            continue
        try:
            spec = registry.load(src.assignment)
        except (KeyError, ValueError) as exc:
            problems.append(f"{path}: {exc.args[0]}; add cnn_lessons/grading/assignments/"
                            f"{src.assignment}.py defining ASSIGNMENT")
            continue
        problems += validate(src, spec, book)
        pairs.append(Pair(src, spec))
    for missing in sorted(set(only or ()) - set(seen)):
        if missing not in registry.assignment_ids():
            problems.append(f"no assignment {missing!r}: the assignments are "
                            f"{', '.join(registry.assignment_ids())}")
        else:
            problems.append(f"assignment {missing!r} has no exercise notebook in {book}: add one whose "
                            f'metadata is {{"cnn_lessons": {{"assignment": "{missing}"}}}}')
    owners = {}
    for a in registry.load_all():
        for e in a.exercises:
            owners.setdefault(e.name, []).append(a.id)
    for name, ids in sorted(owners.items()):
        if len(ids) > 1 and (not only or set(ids) & set(only)):
            problems.append(f"exercise name {name!r} is used by assignments {', '.join(ids)}: names must be "
                            f"unique across the course so that check({name!r}, ...) knows which one")
    if problems:
        raise AuthorError("\n".join(problems))
    return pairs


def orphans(pairs) -> list:
    """Assignment data modules that no exercise notebook of the book names (not yet written)."""
    have = {p.spec.id for p in pairs}
    return [i for i in registry.assignment_ids() if i not in have]


def _slug(title: str) -> str:
    """The anchor MyST gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]", "", title.strip().lower())
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"\s+", "-", text).strip("-")


def _anchors(path: Path) -> set:
    try:
        if path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            text = "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                             for c in cells if c.get("cell_type") == "markdown")
        else:
            text = path.read_text(encoding="utf-8")
    except (OSError, ValueError, KeyError):
        return set()
    heads = {_slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*$", text, flags=re.M)}
    labels = {m.group(1) for m in re.finditer(r"^\(([\w-]+)\)=\s*$", text, flags=re.M)}
    return heads | labels


def validate(src: SourceNotebook, spec: Assignment, book) -> list:
    """Everything wrong with an (exercise notebook, spec) pair, as messages; [] if nothing."""
    where = src.path
    problems = []
    cells = {c.name: c for c in src.exercises}
    for e in spec.exercises:
        if e.name not in cells:
            problems.append(f"{where}: exercise {e.name!r} of assignment {spec.id!r} has no cell with "
                            f'metadata {{"cnn_lessons": {{"exercise": "{e.name}", "points": {e.points:g}}}}}')
        elif abs(cells[e.name].points - e.points) > 1e-9:
            problems.append(f"{where}: exercise {e.name!r} is worth {cells[e.name].points:g} points in the "
                            f"notebook but its checks add up to {e.points:g}")
        if not e.checks:
            problems.append(f"{spec.id}/{e.name}: no checks")
        if not any(not c.hidden for c in e.checks):
            problems.append(f"{spec.id}/{e.name}: no public check, so check() cannot help a student")
        keys = {m.key for m in e.misconceptions}
        for c in e.checks:
            if c.raises and not reference_raises(e, c):
                problems.append(f"{spec.id}/{e.name}: check {c.name!r} expects {c.raises}, but the "
                                f"reference does not raise it on those inputs")
            if c.raises and c.misconceptions:
                problems.append(f"{spec.id}/{e.name}: check {c.name!r} expects an exception, so it "
                                f"cannot diagnose misconceptions")
            for k in c.misconceptions:
                if k not in keys:
                    problems.append(f"{spec.id}/{e.name}: check {c.name!r} lists misconception {k!r}, "
                                    f"which the exercise does not declare")
        for m in e.misconceptions:
            users = [c for c in e.checks if m.key in c.misconceptions]
            if not users:
                problems.append(f"{spec.id}/{e.name}: misconception {m.key!r} is not listed by any check")
            elif not any(_distinct(e, c, m) for c in users):
                problems.append(f"{spec.id}/{e.name}: misconception {m.key!r} gives the right answer on "
                                f"every check that lists it, so it can never be diagnosed")
            page, _, anchor = m.section.partition("#")
            target = Path(book) / page
            if not target.is_file():
                problems.append(f"{spec.id}/{e.name}: misconception {m.key!r} links to {m.section}, "
                                f"but {target} does not exist")
            elif anchor and anchor not in _anchors(target):
                problems.append(f"{spec.id}/{e.name}: misconception {m.key!r} links to {m.section}, "
                                f"but {page} has no heading or label {anchor!r}")
    for name in cells:
        if name not in {e.name for e in spec.exercises}:
            problems.append(f"{where}: the cell of exercise {name!r} has no spec in "
                            f"cnn_lessons/grading/assignments/{spec.id}.py")
    return problems


def _distinct(exercise, check, misconception) -> bool:
    right = _as_parts(exercise.reference(*make_inputs(check)))
    try:
        wrong = _as_parts(misconception.compute(*make_inputs(check)))
    except Exception:  # noqa: BLE001
        return False
    if len(wrong) != len(right) or any(w.shape != r.shape for w, r in zip(wrong, right)):
        return True
    return not all(_close(w, r, check.rtol, check.atol) for w, r in zip(wrong, right))
