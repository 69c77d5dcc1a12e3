"""The Gradescope bundle, run locally in a folder laid out as Gradescope lays it out."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat

from cnn_lessons.grading.cli import main

WARMUP = Path(__file__).resolve().parents[1] / "book" / "00_getting_started" / "warmup.ipynb"


def test_bundle_contents(tmp_path):
    zpath = tmp_path / "autograder.zip"
    assert main(["gradescope", "warmup", "--out", str(zpath)]) == 0
    with zipfile.ZipFile(zpath) as zf:
        names = set(zf.namelist())
        assert {"setup.sh", "run_autograder", "assignment.json", "cnn_lessons_src/pyproject.toml",
                "cnn_lessons_src/cnn_lessons/grading/assignments/warmup.py",
                "cnn_lessons_src/cnn_lessons/grading/_runner.py"} <= names
        assert not any("__pycache__" in n for n in names)
        assert zf.getinfo("run_autograder").external_attr >> 16 & 0o111
        spec = json.loads(zf.read("assignment.json"))
        assert spec["assignment"] == "warmup" and spec["points"] == 10
    assert subprocess.run(["bash", "-n", "-c", zipfile.ZipFile(zpath).read("setup.sh").decode()]).returncode == 0


def run_autograder(tmp_path, files):
    zpath = tmp_path / "autograder.zip"
    main(["gradescope", "warmup", "--out", str(zpath), "--timeout", "2"])
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    with zipfile.ZipFile(zpath) as zf:
        zf.extractall(root / "source")
    for name, data in files.items():
        (root / "submission" / name).write_bytes(data)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads((root / "results" / "results.json").read_text())


def test_run_autograder_grades_one_submission(tmp_path):
    r = run_autograder(tmp_path, {"my_work (3).ipynb": WARMUP.read_bytes()})
    assert r["score"] == 10 and len(r["tests"]) == 15
    assert {t["visibility"] for t in r["tests"]} == {"visible", "after_published"}


def test_run_autograder_without_a_notebook(tmp_path):
    r = run_autograder(tmp_path, {"answers.txt": b"hi"})
    assert r["score"] == 0 and "No notebook found" in r["output"] and "answers.txt" in r["output"]


def test_run_autograder_with_a_stub_submission(tmp_path):
    nb = nbformat.read(str(WARMUP), as_version=4)
    for c in nb.cells:
        c.source = c.source.replace("return span // stride + 1", "return 0")
    r = run_autograder(tmp_path, {"warmup.ipynb": nbformat.writes(nb).encode()})
    assert r["score"] == 7
