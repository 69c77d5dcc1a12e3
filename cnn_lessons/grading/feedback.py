"""Judging one check: compare a student's output with the reference, and say why it is wrong.

This runs in the grading process (and in ``check()`` in the student's own
kernel), never in the sandbox. A :class:`CallRecord` is what came back from
calling the student's function on a check's inputs; :func:`judge` turns it
into an :class:`Outcome` with the points and the message a good TA would
write: the inputs' shapes and parameters, expected and received shapes, the
largest error and where, NaNs, a mutated input, a wrong dtype, and, when the
output matches a known wrong answer, the name of the misconception and the
section that explains it. No message shows the reference's whole output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .spec import Check, Exercise, _param_names, describe_inputs, expected_output, make_inputs

__all__ = ["CallRecord", "Outcome", "judge", "format_outcome", "to_record"]

MAX_ELEMENTS = 1 << 22  # larger outputs are refused, not compared
INT_TYPES = ("int", "numpy.int8", "numpy.int16", "numpy.int32", "numpy.int64",
             "numpy.uint8", "numpy.uint16", "numpy.uint32", "numpy.uint64")


@dataclass
class CallRecord:
    """What came back from one call of the student's function.

    ``status`` is ``"ok"``, ``"error"`` (it raised), ``"timeout"``, ``"killed"``
    (the sandbox process died), ``"missing"`` (no such function), or
    ``"not_run"``. ``pytype`` names the returned object's type; ``output`` is it
    as an ndarray; ``after`` holds each array argument after the call (None for
    non-arrays), to detect an input modified in place.
    """

    status: str
    output: np.ndarray | None = None
    pytype: str = ""
    error: str = ""
    after: list = field(default_factory=list)


@dataclass
class Outcome:
    """The verdict on one check."""

    exercise: str
    check: str
    score: float
    max_score: float
    hidden: bool
    passed: bool
    lines: list
    misconception: str = ""


def _pytype(value) -> str:
    t = type(value)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__.split('.')[0]}.{t.__name__}"


def to_record(value, after=None) -> CallRecord:
    """A CallRecord from a value returned in-process (used by ``check()``)."""
    pytype = _pytype(value)
    if isinstance(value, tuple):
        try:
            parts = [np.asarray(v) for v in value]
        except Exception as exc:  # noqa: BLE001
            return CallRecord("error", pytype=pytype, error=f"returned a tuple that is not arrays ({exc})")
        return CallRecord("ok", output=parts, pytype="tuple:" + ",".join(_pytype(v) for v in value),
                          after=list(after or []))
    try:
        arr = np.asarray(value)
    except Exception as exc:  # noqa: BLE001 - any student object
        return CallRecord("error", pytype=pytype, error=f"returned {pytype}, which is not an array ({exc})")
    return CallRecord("ok", output=arr, pytype=pytype, after=list(after or []))


def _fmt_num(v) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{float(v):.6g}"
    return repr(v.item() if isinstance(v, np.generic) else v)


def _index(idx) -> str:
    return "[" + ", ".join(str(int(i)) for i in idx) + "]"


def _same_special(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Where `a` and `b` hold the same non-finite value (both NaN, or the same infinity)."""
    if a.dtype.kind != "f" or b.dtype.kind != "f":
        return np.zeros(np.broadcast_shapes(a.shape, b.shape), bool)
    with np.errstate(all="ignore"):
        return (np.isnan(a) & np.isnan(b)) | (np.isinf(a) & (a == b))


def _close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    """Equal within tolerance; NaN matches NaN and an infinity the same infinity."""
    if a.shape != b.shape:
        return False
    if a.size == 0:
        return True
    with np.errstate(all="ignore"):
        a64, b64 = a.astype(np.float64), b.astype(np.float64)
        ok = np.isfinite(a64) & np.isfinite(b64) & (np.abs(a64 - b64) <= atol + rtol * np.abs(b64))
        return bool(np.all(ok | _same_special(a64, b64)))


def _is_int_type(pytype: str) -> bool:
    return pytype in INT_TYPES


def _as_parts(value) -> list:
    """A tuple output as a list of arrays; a single output as a one-element list."""
    if isinstance(value, (tuple, list)) and not isinstance(value, np.ndarray):
        return [np.asarray(v) for v in value]
    return [np.asarray(value)]


def _matches(got, wrong, check) -> bool:
    if isinstance(got, list):
        wrong = _as_parts(wrong)
        return len(got) == len(wrong) and all(
            g is not None and g.dtype.kind in "fiub" and _close(g, w, check.rtol, check.atol)
            for g, w in zip(got, wrong))
    wrong = np.asarray(wrong)
    return got.dtype.kind in "fiub" and _close(got, wrong, check.rtol, check.atol)


def _diagnose(exercise: Exercise, check: Check, inputs: list, got, expected) -> str:
    """The key of the first declared misconception whose wrong answer the output matches."""
    for key in check.misconceptions:
        m = exercise.misconception(key)
        try:
            wrong = m.compute(*_copies(inputs))
        except Exception:  # noqa: BLE001 - a slip may not apply to these inputs
            continue
        right, bad = _as_parts(expected), _as_parts(wrong)
        if len(right) == len(bad) and all(a.shape == b.shape and _close(b, a, check.rtol, check.atol)
                                          for a, b in zip(right, bad)):
            continue  # indistinguishable from the right answer on these inputs
        if _matches(got, wrong, check):
            return key
    return ""


def _copies(inputs):
    return [v.copy() if isinstance(v, np.ndarray) else v for v in inputs]


def _misconception_lines(exercise: Exercise, key: str) -> list:
    m = exercise.misconception(key)
    return [f"Diagnosis: {m.message}",
            f'See the section "{m.section_title}" ({m.section}).']


def _compare_array(exercise, check, got, pytype, exp, what="your output") -> tuple:
    """(ok, lines) for one returned array against the expected one."""
    lines = []
    exp = np.asarray(exp)
    if pytype == "NoneType":
        return False, [f"{what} is None: did you forget the return statement?"]
    if got is None or got.dtype.kind not in "fiub":
        return False, [f"{what}: expected an array of numbers, got {pytype}"]
    if got.size > MAX_ELEMENTS:
        return False, [f"{what} has {got.size} values, far more than expected; refused"]
    ok = True
    if pytype and pytype != "numpy.ndarray":
        lines.append(f"{what}: expected a numpy array, got {pytype}; wrap it in np.array(...)")
        ok = False
    if got.shape != exp.shape:
        lines.append(f"{what}: expected shape {exp.shape}, got shape {got.shape}"
                     if what != "your output" else
                     f"expected an output of shape {exp.shape}, got shape {got.shape}")
        if got.shape == exp.shape[::-1] and got.ndim >= 2:
            lines.append("(the shape is reversed: are height and width swapped?)")
        return False, lines
    got64, exp64 = got.astype(np.float64), exp.astype(np.float64)
    special = _same_special(got64, exp64)  # NaN where NaN is expected, inf where inf is
    unexpected = ~np.isfinite(got64) & ~special
    if unexpected.any():
        bad = np.argwhere(unexpected)
        lines.append(f"{what} has {len(bad)} NaN or infinite value(s) where finite values are "
                     f"expected, the first at {_index(bad[0])}")
        return False, lines
    if got.size:
        with np.errstate(all="ignore"):
            err = np.where(special, 0.0, np.abs(got64 - exp64))
            # a non-finite expected value must be matched exactly (it is, where `special`)
            tol = np.where(np.isfinite(exp64), check.atol + check.rtol * np.abs(exp64), 0.0)
        wrong = ~(err <= tol)  # also catches a finite value where NaN or inf is expected
        if wrong.any():
            where = np.unravel_index(int(np.argmax(err)), err.shape)
            prefix = "" if what == "your output" else f"{what}: "
            lines.append(
                f"{prefix}{int(wrong.sum())} of {got.size} values are wrong; the largest error is "
                f"{err[where]:.3g} at {_index(where)} (expected {_fmt_num(exp[where])}, "
                f"got {_fmt_num(got[where])}; tolerance rtol={check.rtol:g}, atol={check.atol:g})")
            return False, lines
    if ok and exercise.check_dtype and got.dtype != exp.dtype:
        lines.append(f"{'the values' if what == 'your output' else what + ': the values'} are right "
                     f"but the dtype is {got.dtype}, expected {exp.dtype}")
        ok = False
    return ok, lines


def _judge_raises(check: Check, record: CallRecord, lines: list) -> bool:
    """A check of invalid inputs: it passes when the function raised ``check.raises``."""
    raised = re.match(r"your function raised (\w+)", record.error or "")
    if record.status == "error" and raised and raised.group(1) == check.raises:
        return True
    if record.status == "ok":
        lines.append(f"these inputs are invalid, so your function should raise {check.raises} "
                     f"with a message saying what is wrong; it returned {record.pytype or 'a value'} instead")
    elif record.status == "error" and raised:
        lines.append(f"these inputs are invalid and your function raised {raised.group(1)}, "
                     f"but {check.raises} is expected ({record.error})")
    else:
        lines.append(record.error or f"the call did not complete ({record.status})")
    return False


def judge(exercise: Exercise, check: Check, record: CallRecord, inputs=None, expected=None) -> Outcome:
    """Compare `record` with the reference on the check's inputs; no student code runs here."""
    if inputs is None:
        inputs = make_inputs(check)
    if expected is None:
        expected = expected_output(exercise, check, inputs)
    lines = []
    diagnosis = ""

    def done(passed: bool) -> Outcome:
        return Outcome(exercise.name, check.name, check.points if passed else 0.0, check.points,
                       check.hidden, passed, lines, diagnosis)

    if check.raises:
        return done(_judge_raises(check, record, lines))

    if record.status != "ok":
        lines.append(record.error or f"the call did not complete ({record.status})")
        return done(False)

    got = record.output
    ok = True
    if exercise.output == "tuple":
        exp_parts = _as_parts(expected)
        names = list(exercise.output_names) + [f"output {i}" for i in range(len(exercise.output_names),
                                                                           len(exp_parts))]
        if not isinstance(got, list):
            lines.append(f"expected a tuple of {len(exp_parts)} arrays ({', '.join(names)}), got "
                         f"{record.pytype or 'something else'}")
            return done(False)
        if len(got) != len(exp_parts):
            lines.append(f"expected a tuple of {len(exp_parts)} arrays ({', '.join(names)}), "
                         f"got a tuple of {len(got)}")
            return done(False)
        pytypes = record.pytype[len("tuple:"):].split(",") if record.pytype.startswith("tuple:") else []
        for i, (g, e) in enumerate(zip(got, exp_parts)):
            part_ok, part_lines = _compare_array(exercise, check, g, pytypes[i] if i < len(pytypes) else "",
                                                 e, what=names[i])
            ok &= part_ok
            lines.extend(part_lines)
        if not ok:
            diagnosis = _diagnose(exercise, check, inputs, got, expected)
    elif got is None or not isinstance(got, np.ndarray):
        lines.append("no value came back from your function")
        return done(False)
    elif exercise.output == "int":
        exp_val = int(expected)
        if record.pytype == "NoneType":
            lines.append("your function returned None: did you forget the return statement?")
            return done(False)
        if got.shape != () or got.dtype.kind not in "iufb":
            lines.append(f"expected a single int, got {record.pytype} with shape {got.shape}")
            return done(False)
        value = got.item()
        if not _is_int_type(record.pytype):
            if float(value) == exp_val:
                lines.append(f"the value {_fmt_num(value)} is right, but it is a {record.pytype}: "
                             "return an int (use integer division //)")
            else:
                lines.append(f"expected the int {exp_val}, got {_fmt_num(value)} ({record.pytype}); "
                             "return an int, computed with integer division //")
            ok = False
        elif int(value) != exp_val:
            lines.append(f"expected {exp_val}, got {int(value)}")
            ok = False
        if not ok:
            diagnosis = _diagnose(exercise, check, inputs, got, expected)
    else:
        if record.pytype == "NoneType":
            lines.append("your function returned None: did you forget the return statement?")
            return done(False)
        ok, part_lines = _compare_array(exercise, check, got, record.pytype, expected)
        lines.extend(part_lines)
        if not ok:
            diagnosis = _diagnose(exercise, check, inputs, got, expected)

    names = _param_names(exercise.signature, len(inputs))
    for name, before, after in zip(names, inputs, record.after or []):
        if isinstance(before, np.ndarray) and isinstance(after, np.ndarray):
            if after.shape != before.shape or not np.array_equal(after, before, equal_nan=True):
                changed = "its shape changed" if after.shape != before.shape else \
                    f"{int(np.sum(after != before))} value(s) changed"
                lines.append(f"your function modified its input {name} in place ({changed}); "
                             f"work on a copy ({name}.copy()) or write into a new array")
                ok = False
    if diagnosis:
        lines.extend(_misconception_lines(exercise, diagnosis))
    return done(ok)


def format_outcome(exercise: Exercise, check: Check, outcome: Outcome, inputs=None) -> str:
    """The check's name, its inputs, and (if it failed) what went wrong, one idea per line."""
    if inputs is None:
        inputs = make_inputs(check)
    mark = "PASS" if outcome.passed else "FAIL"
    head = f"[{mark}] {check.name}: {describe_inputs(exercise, inputs)}"
    return "\n".join([head, *("       " + line for line in outcome.lines)])
