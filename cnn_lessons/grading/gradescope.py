"""A Gradescope autograder bundle, and the entry point it runs in Gradescope's container.

The bundle (a zip) holds ``setup.sh`` (installs Python if needed and this
package from the copy of its source in the zip; only PyPI is contacted, for
numpy and matplotlib), ``run_autograder`` (grades the one notebook in
``$AUTOGRADER_ROOT/submission`` into ``$AUTOGRADER_ROOT/results/results.json``;
``AUTOGRADER_ROOT`` defaults to ``/autograder``) and ``assignment.json`` (the
assignment's exercises and points, for reference; the checks themselves are
in the package).
"""

from __future__ import annotations

import json
import stat
import time
import zipfile
from pathlib import Path

from . import assignments as registry
from .export import write_result
from .grade import _result, _zero_tests, grade_submission
from .sandbox import Limits

__all__ = ["build_bundle", "autograde"]

PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # .../cnn_lessons

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v python3 >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get update && apt-get install -y python3 python3-pip
fi
flags=""
if python3 -m pip install --help | grep -q -- --break-system-packages; then
    flags="--break-system-packages"
fi
python3 -m pip install $flags ./cnn_lessons_src
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for each submission. AUTOGRADER_ROOT and AUTOGRADER_PYTHON
# are only for testing the bundle outside Gradescope.
set -u
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-python3}}"
mkdir -p "$ROOT/results"
exec "$PYTHON" -m cnn_lessons autograde {assignment} \\
    --submission "$ROOT/submission" --results "$ROOT/results/results.json" \\
    --timeout "${{CNN_LESSONS_TIMEOUT:-{timeout}}}"
"""

MINIMAL_README = "# cnn_lessons\n\nThe course package, bundled for Gradescope.\n"


def _add(zf: zipfile.ZipFile, name: str, text: str, executable=False):
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, text)


def build_bundle(assignment: str, out, *, timeout: float = 10.0) -> Path:
    """Write the autograder zip for `assignment`; return its path."""
    spec = registry.load(assignment)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    repo = PACKAGE_ROOT.parent
    tmp = out.with_name(f".{out.name}.tmp")
    with zipfile.ZipFile(tmp, "w") as zf:
        _add(zf, "setup.sh", SETUP_SH, executable=True)
        _add(zf, "run_autograder", RUN_AUTOGRADER.format(assignment=assignment, timeout=timeout),
             executable=True)
        _add(zf, "assignment.json", json.dumps({
            "assignment": spec.id, "title": spec.title, "points": spec.points,
            "exercises": [{"name": e.name, "points": e.points,
                           "checks": [{"name": c.name, "points": c.points, "hidden": c.hidden}
                                      for c in e.checks]} for e in spec.exercises]}, indent=1))
        _add(zf, "cnn_lessons_src/pyproject.toml", (repo / "pyproject.toml").read_text(encoding="utf-8"))
        readme = repo / "README.md"
        _add(zf, "cnn_lessons_src/README.md",
             readme.read_text(encoding="utf-8") if readme.is_file() else MINIMAL_README)
        for f in sorted(PACKAGE_ROOT.rglob("*")):
            rel = f.relative_to(PACKAGE_ROOT.parent)
            if f.is_file() and "__pycache__" not in rel.parts and f.suffix in (".py", ".json", ".txt", ".typed"):
                _add(zf, f"cnn_lessons_src/{rel.as_posix()}", f.read_text(encoding="utf-8"))
    tmp.replace(out)
    return out


def _pick(submission_dir: Path, assignment: str):
    notebooks = sorted(p for p in submission_dir.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        return None, sorted(p for p in submission_dir.rglob("*") if p.is_file())
    for p in notebooks:
        try:
            meta = json.loads(p.read_text(encoding="utf-8")).get("metadata", {})
            if meta.get("cnn_lessons", {}).get("assignment") == assignment:
                return p, notebooks
        except (OSError, ValueError, AttributeError):
            continue
    return notebooks[0], notebooks


def autograde(assignment: str, submission, results, *, limits: Limits = Limits()) -> dict:
    """Grade the notebook in `submission` (a folder) into the file `results`."""
    started = time.monotonic()
    submission, results = Path(submission), Path(results)
    spec = registry.load(assignment)
    chosen, found = _pick(submission, assignment) if submission.is_dir() else (None, [])
    if chosen is None:
        names = ", ".join(p.name for p in found[:5]) or "nothing"
        msg = (f"No notebook found in your submission (it contains {names}): "
               f"upload your {assignment}.ipynb. Score 0.")
        result = _result(spec, _zero_tests(spec, "not graded: no notebook submitted"), [msg], started, "",
                         problem="no notebook")
    else:
        result = grade_submission(chosen, assignment=assignment, limits=limits)
        if len(found) > 1:
            result["output"] = (f"Graded {chosen.name} (your submission has {len(found)} notebooks).\n"
                                + result["output"])
    write_result(results, result)
    return result
