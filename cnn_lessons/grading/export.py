"""Writing results: Gradescope's ``results.json`` per submission, and ``grades.csv``.

Every file is written atomically (a temporary file in the same folder, then
``os.replace``), so an interrupted batch never leaves a half-written result.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic", "write_result", "read_result", "write_csv"]

_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomic(path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_result(path, result: dict) -> None:
    write_atomic(path, json.dumps(result, indent=1, ensure_ascii=False) + "\n")


def read_result(path) -> dict | None:
    """A results file this grader wrote, or None (missing, unreadable, or not ours)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("extra_data", {}).get("cnn_lessons"), dict):
        return None
    return data


def _fmt(x) -> str:
    x = float(x)
    return str(int(x)) if x == int(x) else f"{x:g}"


def write_csv(path, results: list) -> None:
    """One row per submission, one column per exercise (in assignment order), then the total.

    `results` is a list of ``(submission stem, results dict)``.
    """
    exercises = []
    for _, r in results:
        for name in r["extra_data"]["cnn_lessons"].get("max_points", {}):
            if name not in exercises:
                exercises.append(name)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["submission", "assignment", *exercises, "total", "max_total", "problem"])
    for stem, r in sorted(results, key=lambda t: t[0]):
        ours = r["extra_data"]["cnn_lessons"]
        per = ours.get("exercise_scores", {})
        w.writerow([stem, ours.get("assignment") or "",
                    *(_fmt(per[e]) if e in per else "" for e in exercises),
                    _fmt(r.get("score", 0)), _fmt(ours.get("max_score", 0)), ours.get("problem", "")])
    write_atomic(path, buf.getvalue())
