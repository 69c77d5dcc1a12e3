"""Grading: one submission to a Gradescope ``results.json``; a batch to a folder and ``grades.csv``.

:func:`grade_submission` reads a notebook (defensively), runs its cells in the
sandbox, and judges what came back against the reference, here, in a process
that never runs student code. :func:`grade_batch` does that for many
submissions in parallel, writes each result as soon as it is ready, skips
submissions already graded (same file contents), and writes ``grades.csv``.
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from functools import lru_cache
from pathlib import Path


from . import assignments as registry
from .export import read_result, write_csv, write_result
from .feedback import CallRecord, format_outcome, judge
from .notebook import SubmissionError, defined_functions, read_submission
from .sandbox import Limits, run_cells
from .spec import expected_output, make_inputs

__all__ = ["grade_submission", "grade_batch", "collect_submissions", "HIDDEN_VISIBILITY"]

HIDDEN_VISIBILITY = "after_published"
REFERENCE_BLOCKED = "must not use the reference implementation"
GRADER_VERSION = "1"


@lru_cache(maxsize=None)
def _expected(assignment_id: str):
    """Inputs and reference outputs of every check, computed once per process."""
    a = registry.load(assignment_id)
    table = {}
    for e in a.exercises:
        for k, c in enumerate(e.checks):
            inputs = make_inputs(c)
            table[(e.name, k)] = (inputs, expected_output(e, c, inputs))
    return table


_ALLOWED_IMPORT = re.compile(
    r"^\s*from\s+cnn_lessons(\.grading(\.check)?)?\s+import\s+\(?\s*(check|check_all)"
    r"(\s*,\s*(check|check_all))*\s*\)?\s*(#.*)?$")


def _reference_mentions(cells) -> list:
    """Lines that mention cnn_lessons other than ``from cnn_lessons import check, check_all``.

    The sandbox blocks the import at run time; this flags attempts to get around
    it (``importlib``, reading the package's files) for an instructor to look at.
    """
    found = []
    for k, (_, src) in enumerate(cells, start=1):
        for n, line in enumerate(src.splitlines(), start=1):
            if "cnn_lessons" in line and not _ALLOWED_IMPORT.match(line):
                found.append(f"code cell {k}, line {n}: {line.strip()[:80]}")
    return found


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _result(assignment, tests, output_lines, started, sha, problem="", exercise_scores=None):
    score = round(sum(t["score"] for t in tests), 6)
    max_points = {e.name: e.points for e in assignment.exercises} if assignment else {}
    return {
        "score": score,
        "execution_time": round(time.monotonic() - started, 3),
        "output": "\n".join(output_lines),
        "tests": tests,
        "extra_data": {"cnn_lessons": {
            "assignment": assignment.id if assignment else None,
            "sha256": sha, "grader_version": GRADER_VERSION,
            "max_score": assignment.points if assignment else 0.0,
            "max_points": max_points,
            "exercise_scores": exercise_scores if exercise_scores is not None
            else {name: 0.0 for name in max_points},
            "problem": problem,
        }},
    }


def _zero_tests(assignment, reason):
    tests = []
    for e in assignment.exercises:
        for c in e.checks:
            tests.append({"name": f"{e.name}: {c.name}", "score": 0.0, "max_score": c.points,
                          "status": "failed", "output": reason,
                          "visibility": HIDDEN_VISIBILITY if c.hidden else "visible"})
    return tests


def _infer_assignment(cells):
    """The assignment whose graded functions the cells define the most of (None if none)."""
    names = set(defined_functions(cells))
    best, best_n = None, 0
    for a in registry.load_all():
        n = sum(e.name in names for e in a.exercises)
        if n > best_n:
            best, best_n = a, n
    return best


def grade_submission(path, *, assignment: str | None = None, limits: Limits = Limits(),
                     fallback: str | None = None) -> dict:
    """Grade one notebook; return its Gradescope results dict (never raises for a bad submission).

    The assignment is `assignment` if given, else the one the notebook's metadata
    names, else the one whose functions it defines, else `fallback`.
    """
    started = time.monotonic()
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError:
        raw = b""
    sha = _sha256(raw)
    chosen = registry.load(assignment) if assignment else None
    try:
        sub = read_submission(path)
    except SubmissionError as exc:
        msg = f"Not graded: {exc}. Score 0."
        chosen = chosen or (registry.load(fallback) if fallback else None)
        tests = _zero_tests(chosen, f"not graded: {exc}") if chosen else []
        return _result(chosen, tests, [msg], started, sha, problem=str(exc))

    if chosen is None and sub.assignment in registry.assignment_ids():
        chosen = registry.load(sub.assignment)
    if chosen is None:
        chosen = _infer_assignment(sub.cells)
    if chosen is None and fallback:
        chosen = registry.load(fallback)
    if chosen is None:
        known = "; ".join(f"{a.id}: {', '.join(e.name for e in a.exercises)}" for a in registry.load_all())
        msg = (f"Not graded: this notebook defines none of the graded functions ({known}). "
               "Did you rename them, or submit the wrong notebook? Score 0.")
        return _result(None, [], [msg], started, sha, problem="no graded functions")

    if not any(e.name in defined_functions(sub.cells) for e in chosen.exercises):
        names = ", ".join(e.name for e in chosen.exercises)
        msg = (f"Not graded: this notebook defines none of the graded functions of assignment "
               f"'{chosen.id}' ({names}). Did you rename them, or submit the wrong notebook? Score 0.")
        return _result(chosen, _zero_tests(chosen, "not graded: no graded function is defined"), [msg],
                       started, sha, problem="no graded functions")

    sandbox = run_cells(sub.cells, chosen, limits)
    output = [f"Graded as assignment '{chosen.id}' ({chosen.title})."]
    if sandbox.fatal:
        output.append(f"Problem: {sandbox.fatal}.")
    blocked = False
    for cell in sandbox.cells:
        if cell.status in ("ok",):
            continue
        label = sub.code_cell_label(cell.index)
        verb = {"timeout": "was stopped", "killed": "was stopped", "skipped": "was skipped"}.get(cell.status, "failed")
        output.append(f"{label[0].upper()}{label[1:]} {verb}: {cell.error}. The grader skipped it "
                      "and ran the other cells.")
        blocked |= REFERENCE_BLOCKED in cell.error
    statically = defined_functions(sub.cells)
    table = _expected(chosen.id)
    tests, exercise_scores = [], {}
    for e in chosen.exercises:
        notes = []
        if e.name not in sandbox.defined:
            if e.name in statically:
                i = statically[e.name]
                bad = next((c for c in sandbox.cells if c.index == i and c.status != "ok"), None)
                notes.append(f"{e.name} is not defined: the cell that defines it, "
                             f"{sub.code_cell_label(i)}, {('failed: ' + bad.error) if bad else 'did not define it'}.")
            else:
                others = [n for n in sandbox.callables if n not in {x.name for x in chosen.exercises}][:8]
                notes.append(f"no function named {e.name} is defined in your notebook"
                             + (f" (it defines {', '.join(others)}: did you rename it?)" if others else "")
                             + f". Write it as: def {e.signature}:")
        total = 0.0
        for k, c in enumerate(e.checks):
            inputs, expected = table[(e.name, k)]
            record = sandbox.records.get(f"{e.name}#{k}") or CallRecord("not_run", error="this check did not run")
            outcome = judge(e, c, record, inputs=inputs, expected=expected)
            text_lines = notes + [format_outcome(e, c, outcome, inputs)]
            if REFERENCE_BLOCKED in record.error:
                blocked = True
            total += outcome.score
            test = {"name": f"{e.name}: {c.name}", "score": outcome.score, "max_score": c.points,
                    "status": "passed" if outcome.passed else "failed",
                    "output": "\n".join(text_lines),
                    "visibility": HIDDEN_VISIBILITY if c.hidden else "visible"}
            if outcome.misconception:
                test["extra_data"] = {"misconception": outcome.misconception}
            tests.append(test)
        exercise_scores[e.name] = round(total, 6)
    mentions = _reference_mentions(sub.cells)
    if mentions and not blocked:
        output.append("Note for the instructor: the notebook mentions cnn_lessons beyond importing check "
                      f"({'; '.join(mentions[:3])}).")
    if blocked:
        output.append("Your notebook tried to import the reference implementation from cnn_lessons: "
                      "graded code cannot use it (only check and check_all may be imported, and they "
                      "do nothing while grading). Write the functions yourself.")
    result = _result(chosen, tests, output, started, sha, exercise_scores=exercise_scores,
                     problem="reference imported" if blocked else "")
    if mentions:
        result["extra_data"]["cnn_lessons"]["reference_mentions"] = mentions[:10]
    result["output"] += f"\nScore: {result['score']:g} of {chosen.points:g}."
    return result


# --- batches --------------------------------------------------------------------------------

def collect_submissions(paths) -> list:
    """Files as given, and the notebooks inside folders (recursively, skipping dot-folders)."""
    found = []
    for p in map(Path, paths):
        if p.is_dir():
            for q in sorted(p.rglob("*.ipynb")):
                if not any(part.startswith(".") for part in q.relative_to(p).parts):
                    found.append(q)
        else:
            found.append(p)
    return found


def _stems(files) -> dict:
    """File -> result name: the file's stem, made unique with its folder's name if needed."""
    counts = {}
    for f in files:
        counts[f.stem] = counts.get(f.stem, 0) + 1
    names, used = {}, set()
    for f in files:
        name = f.stem if counts[f.stem] == 1 else f"{f.parent.name}__{f.stem}"
        base, n = name, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        names[f] = name
    return names


def _batch_assignment(files):
    """The one assignment the batch's notebooks name in their metadata, if there is exactly one."""
    ids = set()
    for f in files:
        try:
            sub = read_submission(f)
        except SubmissionError:
            continue
        if sub.assignment in registry.assignment_ids():
            ids.add(sub.assignment)
    return ids.pop() if len(ids) == 1 else None


def grade_batch(paths, out, *, jobs=1, limits: Limits = Limits(), force=False, assignment=None,
                log=None) -> list:
    """Grade every submission into ``out/<stem>.json`` and ``out/grades.csv``; return [(stem, result)]."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    files = collect_submissions(paths)
    stems = _stems(files)
    done, todo = [], []
    for f in files:
        target = out / f"{stems[f]}.json"
        previous = None if force else read_result(target)
        if previous is not None:
            try:
                same = previous["extra_data"]["cnn_lessons"].get("sha256") == _sha256(f.read_bytes())
            except OSError:
                same = False
            if same:
                done.append((stems[f], previous))
                log(f"skipped {f} (already graded: {target})")
                continue
        todo.append(f)

    fallback = assignment or _batch_assignment(todo)

    def work(f):
        try:
            return grade_submission(f, assignment=assignment, limits=limits, fallback=fallback)
        except Exception as exc:  # noqa: BLE001 - a grader bug must not stop the batch
            started = time.monotonic()
            chosen = registry.load(assignment) if assignment else None
            msg = f"internal grader error ({type(exc).__name__}: {exc}); please report it"
            return _result(chosen, _zero_tests(chosen, msg) if chosen else [], [msg], started, "", problem=msg)

    with ThreadPoolExecutor(max_workers=max(1, int(jobs))) as pool:
        futures = {pool.submit(work, f): f for f in todo}
        for fut in as_completed(futures):
            f = futures[fut]
            result = fut.result()
            write_result(out / f"{stems[f]}.json", result)
            ours = result["extra_data"]["cnn_lessons"]
            log(f"graded {f}: {result['score']:g}/{ours['max_score']:g} in {result['execution_time']:.2f} s")
            done.append((stems[f], result))
    write_csv(out / "grades.csv", done)
    return done
