"""The sandbox: limits, isolation, and plain arrays (never pickles) across the boundary."""

import numpy as np
import pytest

from cnn_lessons.grading.sandbox import Limits, _read_outputs, run_cells
from cnn_lessons.grading.spec import Array, Assignment, Check, Exercise, Value

PROBE = Assignment("probe", "probe", (
    Exercise("probe", "probe(n)", reference=lambda n: n, output="int", hint="",
             checks=(Check("one", (Value(1),)), Check("two", (Value(2),)))),
))
FAST = Limits(timeout=1.0)


def probe(body, *cells):
    """Run `cells`, then a probe(n) whose body is `body`; return the two call records."""
    src = "def probe(n):\n" + "\n".join("    " + line for line in body.splitlines())
    result = run_cells(list(enumerate([*cells, src])), PROBE, FAST)
    return result, [result.records["probe#0"], result.records["probe#1"]]


def value(record):
    assert record.status == "ok", record.error
    return record.output.item()


def test_environment_is_scrubbed_and_cwd_is_scratch(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_TOKEN", "hunter2")
    monkeypatch.chdir(tmp_path)
    _, recs = probe("import os\nreturn int('SECRET_TOKEN' in os.environ) * 10 + int(os.getcwd() == %r)"
                    % str(tmp_path))
    assert value(recs[0]) == 0


def test_stdin_is_closed():
    _, recs = probe("try:\n    input()\nexcept EOFError:\n    return 7\nreturn 0")
    assert value(recs[0]) == 7


def test_reference_cannot_be_imported_even_by_removing_the_blocker():
    _, recs = probe("import sys\nsys.meta_path.pop(0)\nfor m in [m for m in sys.modules if m.startswith('cnn_lessons')]:\n"
                    "    del sys.modules[m]\nimport cnn_lessons\nreturn 1")
    assert recs[0].status == "error" and "ModuleNotFoundError" in recs[0].error


def test_memory_limit_gives_memory_error():
    _, recs = probe("import numpy as np\nx = np.ones(400_000_000)\nreturn 1")  # 3.2 GB > 2 GiB
    assert recs[0].status == "error" and "out of memory" in recs[0].error


def test_timeout_per_call_and_the_other_call_still_runs():
    _, recs = probe("while n == 1:\n    pass\nreturn n")
    assert recs[0].status == "timeout" and "did not finish within 1 s" in recs[0].error
    assert value(recs[1]) == 2


def test_crash_in_one_call_is_isolated_and_rerun():
    result, recs = probe("import os\nif n == 2:\n    os.kill(os.getpid(), 9)\nreturn n")
    assert value(recs[0]) == 1
    assert recs[1].status == "killed" and "SIGKILL" in recs[1].error
    assert result.runs == 2


def test_results_file_rejects_pickles_and_object_arrays(tmp_path):
    p = tmp_path / "out.npz"
    np.savez(p, good=np.arange(3.0), bad=np.array([object(), 1], dtype=object))
    out = _read_outputs(p)
    assert list(out) == ["good"]
    p.write_bytes(b"not a zip")
    assert _read_outputs(p) == {}


def test_atexit_and_stdout_spam_do_not_matter():
    _, recs = probe("return n", "import atexit, os\natexit.register(lambda: os._exit(5))\nprint('x' * 10**6)")
    assert value(recs[0]) == 1 and value(recs[1]) == 2


@pytest.mark.parametrize("cell", ["import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass"])
def test_a_cell_that_ignores_the_timer_is_killed_by_the_watchdog(cell):
    result, recs = probe("return n", cell)
    assert value(recs[0]) == 1
    assert any(c.status == "killed" for c in result.cells)


PAIR = Assignment("pair", "pair", (
    Exercise("pair", "pair(x)", reference=lambda x: (2 * x, x.sum(axis=0)), output="tuple",
             output_names=("dx", "db"), hint="",
             misconceptions=(),
             checks=(Check("c", (Array((3, 2)),), seed=3),)),
))


@pytest.mark.parametrize("body, passed, words", [
    ("return 2 * x, x.sum(axis=0)", True, ""),
    ("return 2 * x, x.sum(axis=1)", False, "db: expected shape (2,), got shape (3,)"),
    ("return 2 * x", False, "expected a tuple of 2 arrays (dx, db)"),
    ("return 2 * x, None", False, "not a number or an array of numbers"),
])
def test_tuple_outputs_cross_the_boundary(body, passed, words):
    from cnn_lessons.grading.feedback import judge

    result = run_cells([(0, "def pair(x):\n    " + body)], PAIR, FAST)
    e = PAIR.exercises[0]
    o = judge(e, e.checks[0], result.records["pair#0"])
    assert o.passed is passed and words in "\n".join(o.lines)


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() != 0,
                    reason="needs root")
def test_the_privilege_drop_code_path_runs(monkeypatch):
    """The user=/group=/chown path, exercised with uid 0 where nobody cannot run this interpreter."""
    from cnn_lessons.grading import sandbox

    monkeypatch.setattr(sandbox, "_PRIV_DROP", True)
    monkeypatch.setattr(sandbox, "NOBODY", 0)
    _, recs = probe("return n")
    assert value(recs[0]) == 1 and value(recs[1]) == 2


def test_without_the_zygote_a_fresh_interpreter_per_run(monkeypatch):
    monkeypatch.setenv("CNN_LESSONS_NO_ZYGOTE", "1")
    result, recs = probe("import os\nif n == 2:\n    os._exit(3)\nreturn n", "while True:\n    pass")
    assert value(recs[0]) == 1 and recs[1].status == "killed" and "exit status 3" in recs[1].error
    assert result.cells[0].status == "timeout"


def test_a_dead_zygote_is_replaced():
    import os
    import signal

    from cnn_lessons.grading import sandbox

    probe("return n")
    z = sandbox._zygote()
    assert z is not None and z.alive()
    os.kill(z.proc.pid, signal.SIGKILL)
    z.proc.wait()
    _, recs = probe("return n")
    assert value(recs[1]) == 2
    assert sandbox._zygote() is not z
