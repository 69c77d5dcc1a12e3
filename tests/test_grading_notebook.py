"""Reading submissions defensively, and the solution markers of exercise notebooks."""

import json

import pytest

from cnn_lessons.grading.notebook import (
    SubmissionError, defined_functions, read_submission, stub_source,
)


def write(tmp_path, data, name="s.ipynb"):
    p = tmp_path / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode())
    return p


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"print('hi')", "not a Jupyter notebook"),
    (b"{not json", "not valid JSON"),
    (b'{"a": 1}', "not a Jupyter notebook"),
    (b"\xff\xfe{", "not a Jupyter notebook"),
])
def test_bad_files_raise_a_clear_message(tmp_path, data, words):
    with pytest.raises(SubmissionError, match=words):
        read_submission(write(tmp_path, data))


def test_reads_code_cells_and_assignment(tmp_path):
    nb = {"cells": [{"cell_type": "markdown", "source": "# hi"},
                    {"cell_type": "code", "source": ["x = 1\n", "y = 2"]},
                    {"cell_type": "code", "source": "def f():\n    pass"},
                    "garbage"],
          "metadata": {"cnn_lessons": {"assignment": "warmup"}}}
    sub = read_submission(write(tmp_path, json.dumps(nb)))
    assert sub.assignment == "warmup"
    assert sub.cells == [(1, "x = 1\ny = 2"), (2, "def f():\n    pass")]
    assert sub.code_cell_label(2) == 'code cell 2 ("def f():")'


def test_defined_functions_even_with_syntax_errors():
    cells = [(0, "def a(x):\n    return x"), (1, "def b(:\n"), (2, "%time\ndef c():\n    pass")]
    # a cell with a syntax error still "defines" b, so feedback can point at that cell
    assert defined_functions(cells) == {"a": 0, "b": 1, "c": 2}


def test_stub_replaces_each_solution_region_at_its_indent():
    src = ("def f(x):\n    \"\"\"Doc.\"\"\"\n    ### BEGIN SOLUTION\n    return x + 1\n"
           "    ### END SOLUTION\n")
    out = stub_source(src, "add one")
    assert "return x + 1" not in out
    assert "    raise NotImplementedError('add one')" in out and '"""Doc."""' in out
    compile(out, "<stub>", "exec")
