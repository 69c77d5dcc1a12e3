"""``check()`` and ``check_all()``: the public checks, run in the student's own notebook.

``check("corr2d_loop", corr2d_loop)`` runs the exercise's public checks on
the student's function, in the student's own kernel (it is their code on
their machine), and prints which pass and, for a failure, what went wrong.
Hidden checks are not run here. The output is deterministic (no timings, no
addresses), so a notebook that calls ``check()`` can be tested with nbval.
"""

from __future__ import annotations

import signal
import sys
import threading

import numpy as np

__all__ = ["check", "check_all", "run_checks"]

TIME_LIMIT = 10.0  # seconds per check, where a timer is available (the main thread on POSIX)


class _Timeout(Exception):
    pass


def _call(fn, inputs, seconds):
    """Call ``fn(*inputs)`` with a timer; return a CallRecord."""
    from .feedback import CallRecord, to_record

    args = [v.copy() if isinstance(v, np.ndarray) else v for v in inputs]
    use_timer = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread())
    old = None
    if use_timer:
        def _alarm(signum, frame):  # noqa: ARG001
            raise _Timeout()
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        value = fn(*args)
    except _Timeout:
        return CallRecord("timeout", error=f"your function did not finish within {seconds:g} s")
    except Exception as exc:  # noqa: BLE001 - report any error the student's code raises
        return CallRecord("error", error=f"your function raised {type(exc).__name__}: {_short(exc)}")
    finally:
        if use_timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    return to_record(value, after=[a if isinstance(a, np.ndarray) else None for a in args])


def _short(exc, limit=300) -> str:
    text = str(exc)
    return text if len(text) <= limit else text[:limit] + "..."


def run_checks(name, fn, *, hidden=False, assignment=None, seconds=TIME_LIMIT):
    """Judge `fn` on the exercise's public (and, with `hidden`, hidden) checks.

    Returns ``(exercise, [(check, outcome), ...])``.
    """
    from .assignments import find_exercise
    from .feedback import judge
    from .spec import make_inputs

    _, exercise = find_exercise(name, assignment)
    results = []
    for c in exercise.checks:
        if c.hidden and not hidden:
            continue
        inputs = make_inputs(c)
        record = _call(fn, inputs, seconds)
        results.append((c, judge(exercise, c, record, inputs=inputs)))
    return exercise, results


def _report(name, fn, assignment=None) -> bool:
    from .feedback import format_outcome
    from .spec import make_inputs

    try:
        exercise, results = run_checks(name, fn, assignment=assignment)
    except KeyError as exc:
        print(f"check: {exc.args[0]}")
        return False
    passed = sum(o.passed for _, o in results)
    n_hidden = sum(c.hidden for c in exercise.checks)
    print(f"{exercise.name}: {passed} of {len(results)} public checks passed"
          + (f" ({n_hidden} more hidden checks are run when your work is graded)" if n_hidden else ""))
    for c, outcome in results:
        print(format_outcome(exercise, c, outcome, make_inputs(c)))
    return passed == len(results)


def _caller_namespace(depth=2) -> dict:
    try:
        return sys._getframe(depth).f_globals
    except ValueError:
        return vars(sys.modules["__main__"])


def check(name, fn=None, *, assignment=None):
    """Run the public checks of exercise `name` on `fn` and print what a TA would say.

    Parameters
    ----------
    name : str
        The exercise, e.g. ``"corr2d_loop"`` (or ``"warmup/corr2d_loop"``).
    fn : callable, optional
        Your function; by default the function called `name` in your notebook.
    assignment : str, optional
        Only needed when two assignments have an exercise of the same name.

    Prints one line per public check (``[PASS]`` or ``[FAIL]``, its inputs) and,
    under a failure, what went wrong. Returns None.
    """
    if fn is None:
        fn = _caller_namespace().get(name.split("/")[-1])
        if fn is None:
            print(f"check: no function named {name!r} is defined yet; run the cell that defines it")
            return None
    if not callable(fn):
        print(f"check: the second argument must be your function, got {type(fn).__name__}")
        return None
    _report(name, fn, assignment)
    return None


def check_all(assignment=None):
    """Run ``check()`` for every graded exercise whose function your notebook defines."""
    from .assignments import load, load_all

    namespace = _caller_namespace()
    candidates = [load(assignment)] if assignment else load_all(skip_broken=True)
    best = max(candidates, key=lambda a: sum(callable(namespace.get(e.name)) for e in a.exercises),
               default=None)
    if best is None or not any(callable(namespace.get(e.name)) for e in best.exercises):
        print("check_all: none of the graded functions is defined yet; run the cells that define them")
        return None
    for e in best.exercises:
        fn = namespace.get(e.name)
        if callable(fn):
            _report(e.name, fn, best.id)
        else:
            print(f"{e.name}: not defined yet")
        print()
    return None
