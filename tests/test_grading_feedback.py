"""judge(): what a good TA would say about one check, without revealing the reference's output."""

import numpy as np
import pytest

from cnn_lessons import corr2d
from cnn_lessons.grading.assignments import load
from cnn_lessons.grading.feedback import CallRecord, format_outcome, judge, to_record
from cnn_lessons.grading.spec import make_inputs

WARMUP = load("warmup")
LENGTH = WARMUP.exercise("conv_output_length")
CORR = WARMUP.exercise("corr2d_loop")
MULTI = WARMUP.exercise("corr2d_multi_in")


def run(exercise, k, fn):
    c = exercise.checks[k]
    inputs = make_inputs(c)
    args = [v.copy() if isinstance(v, np.ndarray) else v for v in inputs]
    return judge(exercise, c, to_record(fn(*args), after=[a if isinstance(a, np.ndarray) else None for a in args]))


def test_right_answer_passes_with_full_points():
    o = run(CORR, 0, corr2d)
    assert o.passed and o.score == o.max_score == 1 and o.lines == []


def test_flipped_kernel_is_diagnosed_with_its_section():
    o = run(CORR, 0, lambda x, k: corr2d(x, k[::-1, ::-1]))
    assert not o.passed and o.score == 0 and o.misconception == "flipped_kernel"
    text = "\n".join(o.lines)
    assert "true convolution" in text
    assert "00_getting_started/warmup.ipynb#cross-correlation-with-loops" in text
    assert "largest error" in text


def test_one_short_output_shape_and_diagnosis():
    o = run(CORR, 0, lambda x, k: corr2d(x, k)[:-1, :-1])
    assert "expected an output of shape (3, 4), got shape (2, 3)" in o.lines[0]
    assert o.misconception == "one_short"


def test_misconception_not_claimed_when_it_equals_the_right_answer():
    # a 1x1 kernel is its own flip: the flipped-kernel slip cannot be told apart there
    c = CORR.checks[2]
    assert "flipped_kernel" not in c.misconceptions
    o = run(CORR, 2, lambda x, k: corr2d(x, k) + 1)
    assert o.misconception == ""


def test_ceil_padding_once_and_dilation():
    assert run(LENGTH, 1, lambda n, k, s, p, d: -(-(n + 2 * p - d * (k - 1) - 1) // s) + 1).misconception == "ceil"
    assert run(LENGTH, 2, lambda n, k, s, p, d: (n + p - d * (k - 1) - 1) // s + 1).misconception == "padding_once"
    assert run(LENGTH, 3, lambda n, k, s, p, d: (n + 2 * p - k) // s + 1).misconception == "no_dilation"


def test_float_result_for_an_int():
    o = run(LENGTH, 0, lambda n, k, s, p, d: (n + 2 * p - d * (k - 1) - 1) / s + 1)
    assert not o.passed and "return an int" in o.lines[0]


def test_none_returned():
    o = run(CORR, 0, lambda x, k: None)
    assert "forget the return statement" in o.lines[0]


def test_nans_are_reported_with_their_place():
    def f(x, k):
        out = corr2d(x, k)
        out[1, 2] = np.nan
        return out
    o = run(CORR, 0, f)
    assert "1 NaN or infinite value(s) where finite values are expected, the first at [1, 2]" in o.lines[0]


def test_largest_error_and_where():
    def f(x, k):
        out = corr2d(x, k)
        out[2, 3] += 5
        return out
    o = run(CORR, 0, f)
    assert o.lines[0].startswith("1 of 12 values are wrong; the largest error is 5 at [2, 3]")


def test_wrong_dtype():
    o = run(CORR, 0, lambda x, k: corr2d(x, k).astype(np.float32))
    assert not o.passed and "dtype is float32, expected float64" in o.lines[-1]


def test_list_instead_of_array():
    o = run(CORR, 0, lambda x, k: corr2d(x, k).tolist())
    assert not o.passed and "expected a numpy array, got list" in o.lines[0]


def test_mutated_input_fails_even_with_right_values():
    def f(x, k):
        out = corr2d(x, k)
        k *= 2
        return out
    o = run(CORR, 0, f)
    assert not o.passed and "modified its input k in place (9 value(s) changed)" in o.lines[-1]


def test_transposed_shape_hint_and_channel_sum():
    o = run(MULTI, 0, lambda x, k: np.stack([corr2d(a, b) for a, b in zip(x, k)]))
    assert o.misconception == "no_channel_sum"
    o = run(CORR, 0, lambda x, k: corr2d(x, k).T)
    assert any("height and width swapped" in line for line in o.lines)


@pytest.mark.parametrize("status", ["error", "timeout", "killed", "missing", "not_run"])
def test_failed_calls_carry_their_reason(status):
    o = judge(CORR, CORR.checks[0], CallRecord(status, error=f"reason {status}"))
    assert not o.passed and o.lines == [f"reason {status}"]


def test_message_never_shows_the_whole_reference_output():
    c = CORR.checks[4]
    inputs = make_inputs(c)
    expected = corr2d(*inputs)
    o = judge(CORR, c, to_record(np.zeros_like(expected)))
    text = format_outcome(CORR, c, o, inputs)
    shown = sum(f"{v:.6g}" in text for v in expected.ravel())
    assert shown <= 1


def test_expected_nan_and_inf_are_matched_not_reported():
    from cnn_lessons.grading.feedback import _close

    expected = np.array([1.0, np.nan, np.inf, -np.inf])
    assert _close(expected.copy(), expected, 1e-7, 1e-9)
    assert not _close(np.array([1.0, 0.0, np.inf, -np.inf]), expected, 1e-7, 1e-9)
    assert not _close(np.array([1.0, np.nan, -np.inf, -np.inf]), expected, 1e-7, 1e-9)


# --- checks that expect an exception (invalid settings) ------------------------------------------

from cnn_lessons.grading.spec import Check, Exercise, Value, reference_raises  # noqa: E402


def _positive_length(n):
    if n < 1:
        raise ValueError(f"length must be >= 1, got {n}")
    return n


RAISES = Exercise(name="positive_length", signature="positive_length(n)", reference=_positive_length,
                  output="int", hint="raise ValueError for n < 1",
                  checks=(Check("valid", (Value(3),)),
                          Check("zero must raise", (Value(0),), raises="ValueError")))


def test_a_raises_check_passes_only_with_the_named_exception():
    c = RAISES.checks[1]
    assert reference_raises(RAISES, c)
    good = judge(RAISES, c, CallRecord("error", error="your function raised ValueError: length must be >= 1"))
    assert good.passed and good.score == 1
    returned = judge(RAISES, c, to_record(0))
    assert not returned.passed and "should raise ValueError" in returned.lines[0]
    wrong_type = judge(RAISES, c, CallRecord("error", error="your function raised TypeError: bad"))
    assert not wrong_type.passed and "raised TypeError, but ValueError is expected" in wrong_type.lines[0]
    timeout = judge(RAISES, c, CallRecord("timeout", error="your function did not finish within 1 s"))
    assert not timeout.passed and "did not finish" in timeout.lines[0]


def test_in_notebook_calls_report_the_exception_in_the_form_judge_reads():
    from cnn_lessons.grading.check import _call

    record = _call(_positive_length, [0], 5)
    assert judge(RAISES, RAISES.checks[1], record).passed
    assert not judge(RAISES, RAISES.checks[1], _call(lambda n: n, [0], 5)).passed
