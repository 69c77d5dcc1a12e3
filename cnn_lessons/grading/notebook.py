"""Reading notebooks: exercise notebooks in the book (trusted) and submissions (untrusted).

The format of an exercise notebook:

- notebook metadata ``{"cnn_lessons": {"assignment": "<id>"}}`` names its
  assignment (a data module in :mod:`cnn_lessons.grading.assignments`);
- each graded exercise is one code cell with metadata
  ``{"cnn_lessons": {"exercise": "<function name>", "points": <points>}}``
  and the tags ``solution`` and ``hide-input``; it defines the top-level
  function ``<function name>``, whose body (or part of it) sits between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION``;
- a later cell calls ``check("<function name>", <function name>)``.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BEGIN", "END", "SOLUTION_TAG", "SubmissionError", "Submission", "read_submission",
    "ExerciseCell", "SourceNotebook", "read_source", "find_sources", "stub_source",
]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
SOLUTION_TAG = "solution"
HIDE_TAG = "hide-input"
MAX_NOTEBOOK_BYTES = 20 << 20
MAX_CELL_CHARS = 200_000


class SubmissionError(Exception):
    """A submission that cannot be graded at all (not a notebook, empty, ...)."""


def _source(cell) -> str:
    src = cell.get("source", "")
    if isinstance(src, list):
        src = "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


@dataclass
class Submission:
    path: Path
    assignment: str | None
    cells: list  # [(index among all cells, source)] of code cells
    raw: bytes

    def code_cell_label(self, index: int) -> str:
        """``code cell 3 ("def corr2d_loop(x, k):")``: how a student finds the cell."""
        for n, (i, src) in enumerate(self.cells, start=1):
            if i == index:
                first = next((ln.strip() for ln in src.splitlines() if ln.strip()), "")
                first = first if len(first) <= 50 else first[:47] + "..."
                return f'code cell {n} ("{first}")' if first else f"code cell {n}"
        return f"cell {index}"


def read_submission(path) -> Submission:
    """Parse a submitted notebook defensively; raise SubmissionError with a clear message."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SubmissionError(f"the file could not be read ({exc.strerror})") from None
    if not raw.strip():
        raise SubmissionError("the file is empty: submit the notebook (.ipynb) with your work saved in it")
    if len(raw) > MAX_NOTEBOOK_BYTES:
        raise SubmissionError(f"the file is {len(raw) >> 20} MB, larger than the 20 MB limit: "
                              "clear the outputs (Kernel > Restart & Clear Output) and submit again")
    if not raw.lstrip().startswith(b"{"):
        raise SubmissionError(f"this is not a Jupyter notebook: {path.name} is not a .ipynb file "
                              "(a notebook is a JSON file starting with '{'); submit the .ipynb file")
    try:
        nb = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SubmissionError("this is not a Jupyter notebook (the file is not text); "
                              "submit the .ipynb file") from None
    except json.JSONDecodeError as exc:
        raise SubmissionError(f"this is not a valid notebook: the file is not valid JSON "
                              f"({exc.msg} at line {exc.lineno}); was it edited in a text editor? "
                              "Download it again from Jupyter (File > Download)") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise SubmissionError("this JSON file is not a Jupyter notebook (it has no list of cells)")
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    ours = meta.get("cnn_lessons") if isinstance(meta.get("cnn_lessons"), dict) else {}
    assignment = ours.get("assignment") if isinstance(ours.get("assignment"), str) else None
    cells = []
    for i, cell in enumerate(nb["cells"]):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            src = _source(cell)
            if len(src) > MAX_CELL_CHARS:
                src = "raise MemoryError('this cell is longer than the grader accepts')\n"
            cells.append((i, src))
    return Submission(path, assignment, cells, raw)


def defined_functions(cells) -> dict:
    """Top-level function names each cell defines (by parsing, not running): name -> cell index."""
    out = {}
    for i, src in cells:
        try:
            tree = ast.parse(_without_magics(src))
        except (SyntaxError, ValueError):
            for m in re.finditer(r"^def\s+([A-Za-z_]\w*)\s*\(", src, flags=re.M):
                out.setdefault(m.group(1), i)
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out[node.name] = i
    return out


def _without_magics(src: str) -> str:
    return "\n".join("pass" if ln.lstrip().startswith(("%", "!")) else ln for ln in src.splitlines())


# --- the exercise notebooks of the book -----------------------------------------------------

@dataclass
class ExerciseCell:
    index: int
    name: str
    points: float
    source: str


@dataclass
class SourceNotebook:
    path: Path
    assignment: str
    exercises: list  # [ExerciseCell]
    nb: object  # the nbformat NotebookNode


def find_sources(book) -> list:
    """Every notebook under `book` whose metadata names an assignment (skipping _build, dot-folders)."""
    book = Path(book)
    found = []
    for p in sorted(book.rglob("*.ipynb")):
        rel = p.relative_to(book).parts
        if any(part.startswith(".") or part in ("_build", "__pycache__") for part in rel):
            continue
        try:
            nb = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        meta = nb.get("metadata", {}).get("cnn_lessons", {}) if isinstance(nb, dict) else {}
        if isinstance(meta, dict) and isinstance(meta.get("assignment"), str):
            found.append(p)
    return found


def read_source(path) -> SourceNotebook:
    """Read an exercise notebook of the book, checking its format; ValueError says what is wrong."""
    import nbformat

    path = Path(path)
    nb = nbformat.read(str(path), as_version=4)
    assignment = nb.metadata.get("cnn_lessons", {}).get("assignment")
    if not isinstance(assignment, str):
        raise ValueError(f"{path}: the notebook metadata must contain "
                         '{"cnn_lessons": {"assignment": "<id>"}}')
    exercises = []
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("cnn_lessons")
        if not meta:
            if cell.cell_type == "code" and BEGIN in cell.source:
                raise ValueError(f"{path}: cell {i} has a solution but no cell metadata "
                                 '{"cnn_lessons": {"exercise": ..., "points": ...}}')
            continue
        name, points = meta.get("exercise"), meta.get("points")
        if cell.cell_type != "code" or not isinstance(name, str) or not isinstance(points, (int, float)):
            raise ValueError(f"{path}: cell {i} must be a code cell with metadata "
                             '{"cnn_lessons": {"exercise": "<function name>", "points": <number>}}')
        if cell.source.count(BEGIN) != cell.source.count(END) or BEGIN not in cell.source:
            raise ValueError(f"{path}: the cell of exercise {name!r} must have matching "
                             f"'{BEGIN}' and '{END}' lines")
        if name not in defined_functions([(i, cell.source)]):
            raise ValueError(f"{path}: the cell of exercise {name!r} must define the top-level "
                             f"function {name}(...)")
        exercises.append(ExerciseCell(i, name, float(points), cell.source))
    return SourceNotebook(path, assignment, exercises, nb)


def stub_source(source: str, hint: str) -> str:
    """Replace each solution region by ``raise NotImplementedError(hint)`` at the marker's indent."""
    out, inside = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f"{indent}raise NotImplementedError({hint!r})")
            inside = True
        elif stripped.startswith(END):
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)
