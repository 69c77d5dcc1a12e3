"""check() and check_all() in a student's notebook: deterministic, helpful, fast."""

import time

import numpy as np

from cnn_lessons import corr2d
from cnn_lessons.grading import check, check_all
from cnn_lessons.grading.check import run_checks


def conv_output_length(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1


def test_check_passes_and_names_hidden_checks(capsys):
    check("conv_output_length", conv_output_length)
    out = capsys.readouterr().out
    assert out.startswith("conv_output_length: 3 of 3 public checks passed (3 more hidden checks")
    assert out.count("[PASS]") == 3 and "[FAIL]" not in out


def test_check_failure_names_the_misconception(capsys):
    check("corr2d_loop", lambda x, k: corr2d(x, k[::-1, ::-1]))
    out = capsys.readouterr().out
    assert "0 of 2 public checks passed" in out and "true convolution" in out


def test_check_output_is_deterministic(capsys):
    check("corr2d_loop", lambda x, k: corr2d(x, k) * 1.5)
    first = capsys.readouterr().out
    check("corr2d_loop", lambda x, k: corr2d(x, k) * 1.5)
    assert capsys.readouterr().out == first
    assert "0x" not in first


def test_check_reports_exceptions_and_timeouts():
    def raises(x, k):
        raise NotImplementedError("write me")

    def hangs(x, k):
        while True:
            pass

    _, results = run_checks("corr2d_loop", raises)
    assert "raised NotImplementedError: write me" in results[0][1].lines[0]
    _, results = run_checks("corr2d_loop", hangs, seconds=0.2)
    assert "did not finish within 0.2 s" in results[0][1].lines[0]


def test_check_finds_the_function_by_name_and_unknown_names(capsys):
    check("conv_output_length")
    assert "3 of 3" in capsys.readouterr().out
    check("no_such_exercise", conv_output_length)
    assert "no graded exercise named 'no_such_exercise'" in capsys.readouterr().out


def corr2d_loop(x, k):
    return corr2d(x, k)


def test_check_all(capsys):
    check_all()
    out = capsys.readouterr().out
    assert "conv_output_length: 3 of 3" in out and "corr2d_loop: 2 of 2" in out
    assert "corr2d_multi_in: not defined yet" in out


def test_check_of_one_exercise_is_fast():
    run_checks("corr2d_loop", corr2d_loop)  # warm imports
    t = time.perf_counter()
    run_checks("corr2d_multi_in", lambda x, k: sum(corr2d(a, b) for a, b in zip(x, k)))
    assert time.perf_counter() - t < 1.0


def test_hidden_checks_only_on_request():
    _, public = run_checks("corr2d_loop", corr2d_loop)
    _, every = run_checks("corr2d_loop", corr2d_loop, hidden=True)
    assert len(public) == 2 and len(every) == 5 and all(o.passed for _, o in every)
    assert np.all([not c.hidden for c, _ in public])
