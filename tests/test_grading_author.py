"""The book's exercise notebooks agree with their data modules, and disagreements are reported."""

import json
import shutil
from pathlib import Path

import pytest

from cnn_lessons.grading.author import AuthorError, _slug, discover

BOOK = Path(__file__).resolve().parents[1] / "book"
WARMUP = BOOK / "00_getting_started" / "warmup.ipynb"


def copy_book(tmp_path):
    dst = tmp_path / "book" / "00_getting_started"
    dst.mkdir(parents=True)
    shutil.copy(WARMUP, dst / "warmup.ipynb")
    return tmp_path / "book", dst / "warmup.ipynb"


def edit(path, fn):
    nb = json.loads(path.read_text())
    fn(nb)
    path.write_text(json.dumps(nb))


def test_the_real_book_is_consistent():
    pairs = discover(BOOK, only={"warmup"})
    assert [p.spec.id for p in pairs] == ["warmup"]
    assert [c.name for c in pairs[0].source.exercises] == ["conv_output_length", "corr2d_loop", "corr2d_multi_in"]


def test_slugs_match_myst_anchors():
    assert _slug("Cross-correlation with loops") == "cross-correlation-with-loops"
    assert _slug("Exercise 1: `conv_output_length` (3 points)") == "exercise-1-conv_output_length-3-points" \
        or _slug("Exercise 1: `conv_output_length` (3 points)").startswith("exercise-1")


def test_wrong_points_missing_cell_and_extra_cell(tmp_path):
    book, nb = copy_book(tmp_path)

    def change(nb):
        cells = [c for c in nb["cells"] if c["metadata"].get("cnn_lessons")]
        cells[0]["metadata"]["cnn_lessons"]["points"] = 5
        cells[1]["metadata"]["cnn_lessons"]["exercise"] = "corr2d_renamed"
        cells[1]["source"] = cells[1]["source"].replace("def corr2d_loop", "def corr2d_renamed") \
            if isinstance(cells[1]["source"], str) else \
            [s.replace("def corr2d_loop", "def corr2d_renamed") for s in cells[1]["source"]]
    edit(nb, change)
    with pytest.raises(AuthorError) as err:
        discover(book)
    text = str(err.value)
    assert "worth 5 points in the notebook but its checks add up to 3" in text
    assert "exercise 'corr2d_loop' of assignment 'warmup' has no cell" in text
    assert "'corr2d_renamed' has no spec" in text


def test_broken_section_link_is_reported(tmp_path):
    book, nb = copy_book(tmp_path)

    def change(nb):
        for c in nb["cells"]:
            if c["cell_type"] == "markdown":
                src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                c["source"] = src.replace("## Several input channels", "## Channels")
    edit(nb, change)
    with pytest.raises(AuthorError, match="has no heading or label 'several-input-channels'"):
        discover(book)


def test_unknown_assignment_and_missing_markers(tmp_path):
    book, nb = copy_book(tmp_path)
    edit(nb, lambda nb: nb["metadata"]["cnn_lessons"].update(assignment="nope"))
    with pytest.raises(AuthorError, match="no assignment 'nope'"):
        discover(book)
    book, nb = copy_book(tmp_path / "b")

    def change(nb):
        c = next(c for c in nb["cells"] if c["metadata"].get("cnn_lessons"))
        src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        c["source"] = src.replace("### END SOLUTION", "")
    edit(nb, change)
    with pytest.raises(AuthorError, match="matching"):
        discover(book)


def test_exercise_names_must_be_unique_across_assignments(monkeypatch):
    import dataclasses

    from cnn_lessons.grading import assignments as registry

    warmup = registry.load("warmup")
    twin = dataclasses.replace(warmup, id="twin")
    monkeypatch.setattr(registry, "load_all", lambda skip_broken=False: [warmup, twin])
    with pytest.raises(AuthorError, match="'corr2d_loop' is used by assignments warmup, twin"):
        discover(BOOK, only={"warmup"})
