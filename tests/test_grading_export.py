"""Atomic results, grades.csv, and `cnn-lessons export`."""

import csv
import json
import stat

from cnn_lessons.grading.cli import main
from cnn_lessons.grading.export import read_result, write_atomic, write_csv, write_result


def fake(assignment, scores, maxes):
    return {"score": sum(scores.values()), "execution_time": 0.1, "output": "", "tests": [],
            "extra_data": {"cnn_lessons": {"assignment": assignment, "exercise_scores": scores,
                                           "max_points": maxes, "max_score": sum(maxes.values()),
                                           "sha256": "x", "problem": ""}}}


def test_write_atomic_leaves_no_temporary_and_readable_mode(tmp_path):
    write_atomic(tmp_path / "a.json", "{}")
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]
    assert (tmp_path / "a.json").stat().st_mode & stat.S_IROTH


def test_read_result_only_accepts_our_results(tmp_path):
    (tmp_path / "fake.json").write_text(json.dumps({"score": 100, "tests": []}))
    assert read_result(tmp_path / "fake.json") is None
    (tmp_path / "bad.json").write_text("{")
    assert read_result(tmp_path / "bad.json") is None
    write_result(tmp_path / "ok.json", fake("warmup", {"a": 1}, {"a": 2}))
    assert read_result(tmp_path / "ok.json")["score"] == 1


def test_csv_columns_in_exercise_order(tmp_path):
    write_csv(tmp_path / "g.csv", [("bob", fake("warmup", {"b": 0.5, "a": 1}, {"b": 1, "a": 2})),
                                   ("amy", fake("warmup", {"b": 1, "a": 2}, {"b": 1, "a": 2}))])
    rows = list(csv.reader((tmp_path / "g.csv").open()))
    assert rows[0] == ["submission", "assignment", "b", "a", "total", "max_total", "problem"]
    assert rows[1] == ["amy", "warmup", "1", "2", "3", "3", ""]
    assert rows[2] == ["bob", "warmup", "0.5", "1", "1.5", "3", ""]


def test_export_command_rebuilds_the_csv(tmp_path, capsys):
    write_result(tmp_path / "amy.json", fake("warmup", {"a": 2}, {"a": 2}))
    (tmp_path / "notes.json").write_text("[]")
    assert main(["export", str(tmp_path), "--csv", str(tmp_path / "out.csv")]) == 0
    assert "1 result(s)" in capsys.readouterr().out
    assert (tmp_path / "out.csv").read_text().splitlines()[1].startswith("amy,warmup,2,2,2")


def test_usage_errors(capsys):
    assert main(["grade", "x.ipynb", "--out", "/tmp/never", "--assignment", "nope"]) == 2
    assert "no assignment 'nope'" in capsys.readouterr().err
