"""Exercises and their checks, as data.

An assignment (one per chapter) is a module in :mod:`cnn_lessons.grading.assignments`
that defines ``ASSIGNMENT = Assignment(...)``. Each :class:`Exercise` names the
function a student writes, the reference that computes the right answer, and
its :class:`Check` list; each check says how its inputs are generated from a
seed, its points, whether it is public or hidden, its tolerance, and which
known wrong answers (:class:`Misconception`) it recognises.

Everything here is plain data plus small pure functions: the grading process
generates inputs with :func:`make_inputs`, hands them to the sandbox, and
compares what comes back with the reference in its own process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

__all__ = [
    "Array", "Value", "Misconception", "Check", "Exercise", "Assignment", "make_inputs",
    "expected_output", "reference_raises",
]


@dataclass(frozen=True)
class Array:
    """An input array drawn from ``numpy.random.default_rng(seed)``.

    ``dist="uniform"`` draws floats in ``[low, high)``; ``dist="integers"``
    draws integers in ``[low, high)`` and casts them to ``dtype``.
    """

    shape: tuple
    dtype: str = "float64"
    low: float = -1.0
    high: float = 1.0
    dist: str = "uniform"

    def draw(self, rng: np.random.Generator) -> np.ndarray:
        if self.dist == "uniform":
            return rng.uniform(self.low, self.high, size=self.shape).astype(self.dtype)
        if self.dist == "integers":
            return rng.integers(int(self.low), int(self.high), size=self.shape).astype(self.dtype)
        raise ValueError(f"Array.draw: unknown dist {self.dist!r}; use 'uniform' or 'integers'")


@dataclass(frozen=True)
class Value:
    """A fixed input: an int, a float, a bool, a string or a tuple of them."""

    value: Any

    def draw(self, rng: np.random.Generator):  # noqa: ARG002 - same interface as Array
        return self.value


@dataclass(frozen=True)
class Misconception:
    """A known wrong answer: what a deliberate slip computes, and what to say.

    ``compute(*inputs)`` returns the wrong answer from the same inputs (built
    from the reference); ``section`` is ``"path/in/book.ipynb#anchor"`` of the
    section that explains the right idea, ``section_title`` its heading.
    """

    key: str
    message: str
    compute: Callable
    section: str
    section_title: str


@dataclass(frozen=True)
class Check:
    """One call of the student's function on inputs generated from ``seed``.

    ``args`` are :class:`Array` or :class:`Value` in the function's positional
    order. ``misconceptions`` lists the keys of the exercise's known wrong
    answers this check can tell apart from the right answer. ``raises`` names
    an exception class (``"ValueError"``) for a check of invalid inputs: the
    function passes by raising it, as the reference does.
    """

    name: str
    args: tuple
    points: float = 1.0
    hidden: bool = False
    seed: int = 0
    rtol: float = 1e-7
    atol: float = 1e-9
    misconceptions: tuple = ()
    raises: str = ""


@dataclass(frozen=True)
class Exercise:
    """A graded function: its name, signature, reference and checks.

    ``output`` is ``"int"`` (a Python or numpy integer, compared exactly),
    ``"array"`` (an ndarray compared with each check's tolerance; its dtype
    must be the reference's dtype when ``check_dtype``), or ``"tuple"`` (a
    tuple of arrays, such as ``(dx, dw, db)``, each compared as an array and
    named in feedback by ``output_names``).
    """

    name: str
    signature: str
    reference: Callable
    checks: tuple
    hint: str
    misconceptions: tuple = ()
    output: str = "array"
    check_dtype: bool = True
    output_names: tuple = ()

    @property
    def points(self) -> float:
        return float(sum(c.points for c in self.checks))

    def misconception(self, key: str) -> Misconception:
        for m in self.misconceptions:
            if m.key == key:
                return m
        raise KeyError(f"exercise {self.name!r} declares no misconception {key!r}")


@dataclass(frozen=True)
class Assignment:
    """An assignment: one exercise notebook and its graded exercises, in order."""

    id: str
    title: str
    exercises: tuple
    notes: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def points(self) -> float:
        return float(sum(e.points for e in self.exercises))

    def exercise(self, name: str) -> Exercise:
        for e in self.exercises:
            if e.name == name:
                return e
        names = ", ".join(e.name for e in self.exercises)
        raise KeyError(f"assignment {self.id!r} has no exercise {name!r}; its exercises are {names}")


def make_inputs(check: Check) -> list:
    """The check's inputs, generated deterministically from its seed."""
    rng = np.random.default_rng(check.seed)
    return [arg.draw(rng) for arg in check.args]


def expected_output(exercise: Exercise, check: Check, inputs: list):
    """The reference's answer on copies of `inputs`; None for a check that expects an exception."""
    if check.raises:
        return None
    copies = [v.copy() if isinstance(v, np.ndarray) else v for v in inputs]
    return exercise.reference(*copies)


def reference_raises(exercise: Exercise, check: Check) -> bool:
    """Whether the reference raises the exception a ``raises`` check expects (spec validation)."""
    try:
        exercise.reference(*make_inputs(check))
    except Exception as exc:  # noqa: BLE001 - any exception is information here
        return type(exc).__name__ == check.raises
    return False


def describe_inputs(exercise: Exercise, inputs: list) -> str:
    """``x: (5, 6) float64, k: (3, 3) float64`` or ``size=7, kernel_size=3``."""
    names = _param_names(exercise.signature, len(inputs))
    parts = []
    for name, value in zip(names, inputs):
        if isinstance(value, np.ndarray):
            parts.append(f"{name}: shape {value.shape} {value.dtype}")
        else:
            parts.append(f"{name}={value!r}")
    return ", ".join(parts)


def _param_names(signature: str, n: int) -> list:
    """Parameter names from ``"f(x, k)"``; ``arg0, arg1`` if unreadable."""
    try:
        inside = signature[signature.index("(") + 1: signature.rindex(")")]
        names = [p.split("=")[0].split(":")[0].strip() for p in inside.split(",") if p.strip()]
    except ValueError:
        names = []
    names = [n_ for n_ in names if n_ and n_ not in ("*", "/")]
    return (names + [f"arg{i}" for i in range(len(names), n)])[:n]
