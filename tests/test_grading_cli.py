"""The command line: `cnn-lessons` and `python -m cnn_lessons`, and the instructor flag for reference mentions."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from cnn_lessons.grading.cli import main
from cnn_lessons.grading.grade import _reference_mentions
from cnn_lessons.grading.sandbox import _can_drop_privileges

ROOT = Path(__file__).resolve().parents[1]
WARMUP = ROOT / "book" / "00_getting_started" / "warmup.ipynb"


def test_python_dash_m_runs_the_cli(tmp_path):
    book = tmp_path / "book" / "00_getting_started"
    book.mkdir(parents=True)
    shutil.copy(WARMUP, book / "warmup.ipynb")
    proc = subprocess.run([sys.executable, "-m", "cnn_lessons", "exercises", "--json", "--book",
                           str(tmp_path / "book")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    ids = [a["id"] for a in json.loads(proc.stdout)["assignments"]]
    assert ids[0] == "warmup"


def test_console_script_is_installed():
    exe = shutil.which("cnn-lessons")
    if exe is None:
        pytest.skip("the cnn-lessons script is not on PATH")
    proc = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "exercises" in proc.stdout and "gradescope" in proc.stdout


def test_help_and_usage_errors(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["grade", "--out", "x"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        main(["grade", "a.ipynb", "--out", "x", "--timeout", "0"])
    assert "positive" in capsys.readouterr().err


def test_reference_mentions_are_flagged_for_the_instructor():
    cells = [(0, "from cnn_lessons import check, check_all"), (1, "from cnn_lessons.grading import check"),
             (2, "import importlib\nm = importlib.import_module('cnn_lessons.convolution')")]
    assert _reference_mentions(cells) == [
        "code cell 3, line 2: m = importlib.import_module('cnn_lessons.convolution')"]


def test_grade_flags_a_sneaky_import(tmp_path):
    src = nbformat.read(str(WARMUP), as_version=4)
    cells = [c.source for c in src.cells if c.cell_type == "code"]
    cells.append("import importlib\ntry:\n    importlib.import_module('cnn_' + 'lessons.convolution')\n"
                 "except ImportError:\n    pass\nname = 'cnn_lessons'")
    nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells],
                                metadata={"cnn_lessons": {"assignment": "warmup"}}), str(tmp_path / "s.ipynb"))
    main(["grade", str(tmp_path / "s.ipynb"), "--out", str(tmp_path / "out")])
    r = json.loads((tmp_path / "out" / "s.json").read_text())
    assert r["score"] == 10
    assert "Note for the instructor" in r["output"]
    assert r["extra_data"]["cnn_lessons"]["reference_mentions"]


@pytest.mark.skipif(not _can_drop_privileges(), reason="needs root and an interpreter readable by nobody")
def test_child_runs_as_nobody_and_cannot_write_the_output_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    src = nbformat.read(str(WARMUP), as_version=4)
    cells = [c.source for c in src.cells if c.cell_type == "code"]
    cells.append(f"import os\nassert os.getuid() == 65534\nopen({str(out / 'evil.txt')!r}, 'w').write('x')")
    nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells]), str(tmp_path / "s.ipynb"))
    main(["grade", str(tmp_path / "s.ipynb"), "--out", str(out)])
    r = json.loads((out / "s.json").read_text())
    assert "PermissionError" in r["output"] and not (out / "evil.txt").exists()
