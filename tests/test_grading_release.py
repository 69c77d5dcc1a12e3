"""Release: student notebooks without solutions or hidden checks, refused unless solutions pass and stubs fail."""

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from cnn_lessons.grading.cli import main
from cnn_lessons.grading.release import ReleaseError, release

BOOK = Path(__file__).resolve().parents[1] / "book"
WARMUP = BOOK / "00_getting_started" / "warmup.ipynb"


def test_release_writes_the_student_notebook(tmp_path):
    assert main(["release", "--out", str(tmp_path), "--book", str(BOOK), "--assignment", "warmup"]) == 0
    nb = nbformat.read(str(tmp_path / "warmup.ipynb"), as_version=4)
    text = json.dumps(nb)
    assert "BEGIN SOLUTION" not in text and "return span // stride + 1" not in text
    assert "np.sum(x[i:i + kh, j:j + kw] * k)" not in text
    assert text.count("raise NotImplementedError(") == 3
    assert nb.metadata["cnn_lessons"]["assignment"] == "warmup"
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None
        assert "hide-input" not in c.metadata.get("tags", [])
    assert any(c.source == 'check("corr2d_loop", corr2d_loop)' for c in nb.cells)
    for hidden in ("1x1 kernel", "dilation 2", "4 channels"):  # hidden checks stay in the package
        assert hidden not in text


def broken_book(tmp_path, old, new):
    dst = tmp_path / "book" / "00_getting_started"
    dst.mkdir(parents=True)
    nb = nbformat.read(str(WARMUP), as_version=4)
    for c in nb.cells:
        c.source = c.source.replace(old, new)
    nbformat.write(nb, str(dst / "warmup.ipynb"))
    return tmp_path / "book"


def test_release_refuses_a_wrong_solution(tmp_path, capsys):
    book = broken_book(tmp_path, "span // stride + 1", "span // stride")
    assert main(["release", "--out", str(tmp_path / "out"), "--book", str(book), "--assignment", "warmup"]) == 1
    err = capsys.readouterr().err
    assert "release refused" in err and "the solution fails the check" in err
    assert not (tmp_path / "out" / "warmup.ipynb").exists()


def test_release_of_an_unknown_assignment_is_refused(tmp_path, capsys):
    assert main(["release", "--out", str(tmp_path), "--book", str(BOOK), "--assignment", "nope"]) == 1
    assert "'nope'" in capsys.readouterr().err


def test_release_refuses_a_stub_that_passes(tmp_path):
    old = ("    ### BEGIN SOLUTION\n    span = size + 2 * padding - dilation * (kernel_size - 1) - 1\n"
           "    return span // stride + 1\n    ### END SOLUTION")
    new = ("    span = size + 2 * padding - dilation * (kernel_size - 1) - 1\n    if span < -10**9:\n"
           "        ### BEGIN SOLUTION\n        pass\n        ### END SOLUTION\n    return span // stride + 1")
    book = broken_book(tmp_path, old, new)
    with pytest.raises(ReleaseError, match="the released stub passes the check"):
        release(tmp_path / "out", book, ["warmup"])


def test_exercises_json_is_stable(tmp_path, capsys):
    book = tmp_path / "book" / "00_getting_started"
    book.mkdir(parents=True)
    shutil.copy(WARMUP, book / "warmup.ipynb")
    assert main(["exercises", "--json", "--book", str(tmp_path / "book")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["assignments"]
    for a in data["assignments"]:
        assert list(a) == ["id", "source", "exercises"]
        assert a["source"] is None or a["source"].endswith(".ipynb")
        assert all(list(e) == ["name", "points"] for e in a["exercises"])
    warmup = next(a for a in data["assignments"] if a["id"] == "warmup")
    assert warmup == {
        "id": "warmup", "source": "book/00_getting_started/warmup.ipynb",
        "exercises": [{"name": "conv_output_length", "points": 3.0},
                      {"name": "corr2d_loop", "points": 4.0},
                      {"name": "corr2d_multi_in", "points": 3.0}]}


def test_exercises_fails_clearly_on_disagreement(tmp_path, capsys):
    dst = tmp_path / "book"
    dst.mkdir()
    shutil.copy(WARMUP, dst / "w.ipynb")
    nb = json.loads((dst / "w.ipynb").read_text())
    nb["metadata"]["cnn_lessons"]["assignment"] = "unknown_one"
    (dst / "w.ipynb").write_text(json.dumps(nb))
    assert main(["exercises", "--book", str(dst)]) == 1
    assert "no assignment 'unknown_one'" in capsys.readouterr().err
