"""End-to-end grading of real adversarial submissions, built here from the warm-up's solutions.

One batch (``cnn-lessons grade ... --jobs 2 --timeout 1``) grades every
submission below once; each test then reads its result.
"""

import csv
import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from cnn_lessons.grading.cli import main
from cnn_lessons.grading.notebook import BEGIN

BOOK_NB = Path(__file__).resolve().parents[1] / "book" / "00_getting_started" / "warmup.ipynb"
FULL = 10.0


def solution_cells():
    """The code cells of the warm-up's solution notebook, as sources."""
    nb = nbformat.read(str(BOOK_NB), as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"]


def exercise_cell(name):
    nb = nbformat.read(str(BOOK_NB), as_version=4)
    return next(c.source for c in nb.cells if c.metadata.get("cnn_lessons", {}).get("exercise") == name)


def notebook(sources, assignment="warmup"):
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    if assignment:
        meta["cnn_lessons"] = {"assignment": assignment}
    return new_notebook(cells=[new_code_cell(s) for s in sources], metadata=meta)


def replace_exercise(sources, name, new_source):
    return [new_source if f"def {name}(" in s and BEGIN in s else s for s in sources]


FLIPPED = """
def corr2d_loop(x, k):
    H, W = x.shape
    kh, kw = k.shape
    kf = k[::-1, ::-1]
    out = np.zeros((H - kh + 1, W - kw + 1))
    for i in range(H - kh + 1):
        for j in range(W - kw + 1):
            out[i, j] = np.sum(x[i:i + kh, j:j + kw] * kf)
    return out
"""


def submissions(out):
    sol = solution_cells()
    subs = {
        "correct": notebook(sol),
        "raising_cell": notebook(['raise ValueError("boom")', *sol]),
        "syntax_error": notebook([*sol[:2], "def broken(:\n    pass", *sol[2:]]),
        "sys_exit": notebook(["import sys\nsys.exit(3)", *sol]),
        "infinite_loop": notebook([*sol[:1], "while True:\n    pass", *sol[1:]]),
        "swallowed_timeout": notebook([
            *sol, "while True:\n    try:\n        while True:\n            pass\n"
                  "    except BaseException:\n        pass"]),
        "memory_hog": notebook([*sol, "hog = np.ones(1 << 32)", "hog2 = [0] * (1 << 31)"]),
        "os_exit": notebook(["import os\nos._exit(0)", *sol]),
        "monkeypatch": notebook([
            *replace_exercise(sol, "corr2d_loop", FLIPPED),
            "np.allclose = lambda *a, **k: True\nnp.array_equal = lambda *a, **k: True\n"
            "np.testing.assert_allclose = lambda *a, **k: None\nnp.isclose = lambda a, b, **k: True"]),
        "fake_results": notebook([
            "import json, os, time\n"
            "fake = {'score': 1000, 'tests': [], 'output': 'all passed'}\n"
            "print(json.dumps(fake))\n"
            "open('results.json', 'w').write(json.dumps(fake))\n"
            "# a student who guessed where the results go\n"
            f"for path in ({str(out / 'fake_results.json')!r}, {str(out / 'grades.csv')!r}):\n"
            "    try:\n        open(path, 'w').write(json.dumps(fake))\n    except OSError:\n        pass",
            "from cnn_lessons import check\ncheck = lambda *a, **k: print('PASS everything')"]),
        "edited_checks": notebook([
            "from cnn_lessons import check, check_all\n"
            "def check(*args, **kwargs):\n    print('[PASS] all checks passed')\n    return True",
            exercise_cell("conv_output_length").split(BEGIN)[0] + "    return 0",
            'check("conv_output_length", conv_output_length)']),
        "deleted_checks": notebook([s for s in sol if "check(" not in s]),
        "imports_reference": notebook([
            "from cnn_lessons import corr2d, conv_output_size",
            "def corr2d_loop(x, k):\n    return corr2d(x, k)",
            "def corr2d_multi_in(x, k):\n    import cnn_lessons.convolution as c\n"
            "    return sum(c.corr2d(a, b) for a, b in zip(x, k))",
            "def conv_output_length(size, kernel_size, stride=1, padding=0, dilation=1):\n"
            "    import importlib\n"
            "    g = importlib.import_module('cnn_lessons.geometry')\n"
            "    return g.conv_output_size(size, kernel_size, stride, padding, dilation)"]),
        "no_graded_functions": notebook(["x = 1", "print(x)"]),
        "renamed_reordered": notebook(list(reversed(sol)), assignment=None),
        "hangs_on_one_check": notebook(replace_exercise(sol, "corr2d_loop", exercise_cell("corr2d_loop").replace(
            "    H, W = x.shape\n", "    H, W = x.shape\n    while k.shape == (1, 1):\n        pass\n", 1))),
        "crashes_on_one_check": notebook(replace_exercise(sol, "corr2d_loop", exercise_cell("corr2d_loop").replace(
            "    H, W = x.shape\n", "    H, W = x.shape\n    if k.shape == (1, 1):\n"
            "        import os\n        os._exit(9)\n", 1))),
        "mutates_input": notebook(replace_exercise(sol, "corr2d_loop", exercise_cell("corr2d_loop").replace(
            "    return out\n", "    x[...] = 0\n    return out\n"))),
        "ceil_and_no_sum": notebook(replace_exercise(replace_exercise(
            sol, "conv_output_length",
            "import math\ndef conv_output_length(size, kernel_size, stride=1, padding=0, dilation=1):\n"
            "    return math.ceil((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1"),
            "corr2d_multi_in", "def corr2d_multi_in(x, k):\n"
            "    return np.stack([corr2d_loop(a, b) for a, b in zip(x, k)])")),
        "returns_float": notebook(replace_exercise(
            sol, "conv_output_length",
            "def conv_output_length(size, kernel_size, stride=1, padding=0, dilation=1):\n"
            "    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1.0")),
        "magics": notebook(["%matplotlib inline\n!ls", "%%time\nx = 1", *sol]),
    }
    return subs


BAD_FILES = {
    "not_a_notebook.py": b"def corr2d_loop(x, k):\n    return x\n",
    "empty.ipynb": b"",
    "invalid_json.ipynb": b'{"cells": [ {"cell_type": "code", "source": "x = 1"',
    "json_list.ipynb": b"[1, 2, 3]",
    "binary.ipynb": bytes(range(256)) * 4,
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading")
    subs = root / "subs"
    subs.mkdir()
    out = root / "out"
    for name, nb in submissions(out).items():
        nbformat.write(nb, str(subs / f"{name}.ipynb"))
    for name, data in BAD_FILES.items():
        (subs / name).write_bytes(data)
    files = [str(p) for p in sorted(subs.iterdir())]
    code = main(["grade", *files, "--out", str(out), "--jobs", "2", "--timeout", "1"])
    return code, subs, out


def result(graded, name):
    return json.loads((graded[2] / f"{name}.json").read_text())


def test_exit_status_zero_and_every_submission_has_a_result(graded):
    code, subs, out = graded
    assert code == 0
    for f in subs.iterdir():
        assert (out / f"{f.stem}.json").is_file(), f.name


def test_results_json_is_gradescope_format(graded):
    r = result(graded, "correct")
    assert set(r) >= {"score", "execution_time", "output", "tests"}
    assert r["score"] == FULL
    for t in r["tests"]:
        assert set(t) >= {"name", "score", "max_score", "status", "output", "visibility"}
        assert t["status"] in ("passed", "failed")
        assert t["visibility"] in ("visible", "after_published")
    assert any(t["visibility"] == "after_published" for t in r["tests"])


def test_grades_csv_one_row_per_submission(graded):
    _, subs, out = graded
    rows = list(csv.DictReader((out / "grades.csv").open()))
    assert len(rows) == len(list(subs.iterdir()))
    row = next(r for r in rows if r["submission"] == "correct")
    assert (row["conv_output_length"], row["corr2d_loop"], row["corr2d_multi_in"], row["total"]) == \
        ("3", "4", "3", "10")


@pytest.mark.parametrize("name, words", [
    ("raising_cell", "ValueError: boom"),
    ("syntax_error", "SyntaxError"),
    ("sys_exit", "sys.exit"),
    ("infinite_loop", "did not finish within 1 s"),
    ("swallowed_timeout", "did not finish within 1 s"),
    ("memory_hog", "MemoryError"),
    ("os_exit", "exit status 0"),
])
def test_one_bad_cell_does_not_cost_the_others(graded, name, words):
    r = result(graded, name)
    assert r["score"] == FULL, r["output"]
    assert words in r["output"]
    assert "skipped it and ran the other cells" in r["output"]


def test_monkeypatching_numpy_earns_nothing(graded):
    r = result(graded, "monkeypatch")
    corr = [t for t in r["tests"] if t["name"].startswith("corr2d_loop")]
    assert all(t["status"] == "failed" for t in corr if "1x1" not in t["name"])
    assert r["score"] < FULL


def test_fake_results_earn_nothing(graded):
    r = result(graded, "fake_results")
    assert r["score"] == 0
    assert "1000" not in json.dumps(r)
    assert not (graded[2] / "results.json").exists()
    assert "1000" not in (graded[2] / "grades.csv").read_text()


def test_edited_and_deleted_checks(graded):
    assert result(graded, "edited_checks")["score"] == 0
    assert result(graded, "deleted_checks")["score"] == FULL


def test_importing_the_reference_earns_nothing_and_says_so(graded):
    r = result(graded, "imports_reference")
    assert r["score"] == 0
    assert "must not use the reference implementation" in r["output"]
    assert "cannot use it" in r["output"]
    assert any("must not use the reference" in t["output"] for t in r["tests"])


@pytest.mark.parametrize("name, words", [
    ("not_a_notebook", "not a Jupyter notebook"),
    ("empty", "empty"),
    ("invalid_json", "not valid JSON"),
    ("json_list", "not a Jupyter notebook"),
    ("binary", "not a Jupyter notebook"),
    ("no_graded_functions", "defines none of the graded functions"),
])
def test_unusable_files_get_zero_and_a_clear_message(graded, name, words):
    r = result(graded, name)
    assert r["score"] == 0
    assert words in r["output"]
    assert r["extra_data"]["cnn_lessons"]["assignment"] == "warmup"  # from the rest of the batch
    assert len(r["tests"]) == 15 and all(t["score"] == 0 for t in r["tests"])


def test_renamed_and_reordered_cells_without_metadata(graded):
    r = result(graded, "renamed_reordered")
    assert r["score"] == FULL
    assert r["extra_data"]["cnn_lessons"]["assignment"] == "warmup"


def test_a_hang_or_crash_costs_only_that_check(graded):
    for name, words in (("hangs_on_one_check", "did not finish within 1 s"),
                        ("crashes_on_one_check", "exit status 9")):
        r = result(graded, name)
        failed = [t for t in r["tests"] if t["status"] == "failed"]
        # corr2d_multi_in calls corr2d_loop, so its 1x1-kernel check fails too; nothing else does
        assert [t["name"] for t in failed] == ["corr2d_loop: 1x1 kernel",
                                               "corr2d_multi_in: 4 channels, 1x1 kernel"], name
        assert all(words in t["output"] for t in failed)
        assert r["score"] == FULL - 1


def test_mutated_input_is_reported(graded):
    r = result(graded, "mutates_input")
    corr = [t for t in r["tests"] if t["name"].startswith("corr2d_loop")]
    assert all(t["status"] == "failed" for t in corr)
    assert "modified its input x in place" in corr[0]["output"]


def test_misconceptions_are_diagnosed_in_graded_results(graded):
    r = result(graded, "ceil_and_no_sum")
    by_name = {t["name"]: t for t in r["tests"]}
    t = by_name["conv_output_length: stride 2 that does not divide evenly"]
    assert t["extra_data"]["misconception"] == "ceil"
    assert "rounding up (ceil)" in t["output"] and "warmup.ipynb#the-output-length" in t["output"]
    t = by_name["corr2d_multi_in: 2 channels, 2x2 kernel, 4x5 input"]
    assert t["extra_data"]["misconception"] == "no_channel_sum"
    assert "expected an output of shape (3, 4), got shape (2, 3, 4)" in t["output"]
    r = result(graded, "monkeypatch")
    flipped = [t for t in r["tests"] if t.get("extra_data", {}).get("misconception") == "flipped_kernel"]
    assert flipped and "true convolution" in flipped[0]["output"]


def test_float_instead_of_int_is_explained(graded):
    r = result(graded, "returns_float")
    t = r["tests"][0]
    assert t["status"] == "failed" and "return an int" in t["output"]


def test_magics_are_skipped(graded):
    r = result(graded, "magics")
    assert r["score"] == FULL
    assert "cell magic" in r["output"]


def test_no_reference_output_is_revealed(graded):
    r = result(graded, "monkeypatch")
    for t in r["tests"]:
        assert t["output"].count("expected") <= 2


def test_resume_skips_graded_and_force_regrades(tmp_path, capsys):
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(notebook(solution_cells()), str(subs / "a.ipynb"))
    nbformat.write(notebook(solution_cells()[:2]), str(subs / "b.ipynb"))
    out = tmp_path / "out"
    assert main(["grade", str(subs), "--out", str(out)]) == 0
    first = (out / "a.json").stat().st_mtime_ns
    # an interrupted batch: b's result never written, a stray temporary file left behind
    (out / "b.json").unlink()
    (out / ".b.json.123.tmp").write_text("{")
    capsys.readouterr()
    assert main(["grade", str(subs), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "skipped" in err and "a.ipynb" in err and "graded" in err and "b.ipynb" in err
    assert (out / "a.json").stat().st_mtime_ns == first
    assert (out / "b.json").is_file()
    rows = list(csv.DictReader((out / "grades.csv").open()))
    assert [r["submission"] for r in rows] == ["a", "b"]
    # a changed submission is regraded even without --force
    nbformat.write(notebook(solution_cells()[:1]), str(subs / "a.ipynb"))
    main(["grade", str(subs), "--out", str(out)])
    assert "graded" in capsys.readouterr().err
    assert json.loads((out / "a.json").read_text())["score"] == 0
    assert main(["grade", str(subs), "--out", str(out), "--force"]) == 0
    assert "skipped" not in capsys.readouterr().err


def test_same_stem_in_two_folders(tmp_path):
    for who in ("ann", "ben"):
        (tmp_path / who).mkdir()
        nbformat.write(notebook(solution_cells()), str(tmp_path / who / "warmup.ipynb"))
    out = tmp_path / "out"
    main(["grade", str(tmp_path / "ann"), str(tmp_path / "ben"), "--out", str(out)])
    assert (out / "ann__warmup.json").is_file() and (out / "ben__warmup.json").is_file()
