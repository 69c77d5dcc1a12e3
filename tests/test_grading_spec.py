"""Checks as data: deterministic inputs, points, descriptions."""

import numpy as np

from cnn_lessons.grading.assignments import assignment_ids, find_exercise, load
from cnn_lessons.grading.spec import Array, Check, Value, describe_inputs, make_inputs


def test_inputs_are_deterministic_from_the_seed():
    c = Check("c", (Array((2, 3)), Value(4), Array((3,), dist="integers", low=0, high=5)), seed=7)
    a, b = make_inputs(c), make_inputs(c)
    assert np.array_equal(a[0], b[0]) and a[1] == 4 and np.array_equal(a[2], b[2])
    assert a[0].dtype == np.float64 and a[2].dtype == np.float64
    assert not np.array_equal(a[0], make_inputs(Check("c", c.args, seed=8))[0])


def test_points_add_up():
    w = load("warmup")
    assert [e.points for e in w.exercises] == [3.0, 4.0, 3.0] and w.points == 10.0


def test_describe_inputs_uses_the_signature_names():
    _, e = find_exercise("corr2d_loop")
    assert describe_inputs(e, make_inputs(e.checks[0])) == "x: shape (5, 6) float64, k: shape (3, 3) float64"


def test_registry():
    assert "warmup" in assignment_ids()
    a, e = find_exercise("warmup/corr2d_multi_in")
    assert a.id == "warmup" and e.name == "corr2d_multi_in"
