"""conv_output_size and receptive_field against loop oracles, hand cases and their errors."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracles.geometry import output_length, receptive_field_by_tracing

from cnn_lessons import ReceptiveField, conv_output_size, receptive_field


@pytest.mark.parametrize(
    "args, kwargs, expected",
    [
        ((32, 5), {}, 28),                                   # H - K + 1
        ((28, 4), {"stride": 2}, 13),                        # the lecture notes' 16 filters, stride 2
        ((7, 3), {"stride": 2, "padding": 1}, 4),
        ((224, 7), {"stride": 2, "padding": 3}, 112),
        ((5, 3), {"dilation": 2}, 1),                        # effective kernel 5
        ((6, 3), {"stride": 2}, 2),                          # floor((6-3)/2)+1
        ((6, 3), {"stride": 2, "ceil_mode": True}, 3),
        ((5, 2), {"stride": 2, "padding": 1, "ceil_mode": True}, 3),  # the last window would start in the padding
        ((3, 3), {}, 1),
        (((224, 100), 3), {"padding": (1, 0)}, (224, 98)),
    ],
)
def test_hand_computed_sizes(args, kwargs, expected):
    assert conv_output_size(*args, **kwargs) == expected


def test_the_ceil_mode_rule_drops_a_window_that_starts_in_the_padding():
    # size 5, kernel 2, stride 2, padding 1: ceil gives 4 windows, but the 4th
    # starts at padded position 6 = size + padding, inside the right padding.
    assert output_length(5, 2, 2, 1, 1, ceil_mode=True) == 3
    assert conv_output_size(5, 2, stride=2, padding=1, ceil_mode=True) == 3


sizes = st.integers(1, 40)


@given(size=sizes, k=st.integers(1, 7), s=st.integers(1, 5), p=st.integers(0, 4),
       d=st.integers(1, 4), ceil_mode=st.booleans())
def test_output_size_matches_counting_windows(size, k, s, p, d, ceil_mode):
    if d * (k - 1) + 1 > size + 2 * p:
        with pytest.raises(ValueError, match="conv_output_size: the kernel"):
            conv_output_size(size, k, s, p, d, ceil_mode)
        return
    assert conv_output_size(size, k, s, p, d, ceil_mode) == output_length(size, k, s, p, d, ceil_mode)


def test_tuples_give_tuples_and_ints_give_ints():
    assert conv_output_size((10, 12), (3, 5), stride=(1, 2)) == (8, 4)
    assert isinstance(conv_output_size(10, 3), int)
    assert conv_output_size([10], 3) == (8,)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"size": 0, "kernel_size": 1}, ValueError, r"conv_output_size: size must be a positive int \(>= 1\), got 0"),
        ({"size": 5, "kernel_size": 0}, ValueError, "conv_output_size: kernel_size must be a positive int"),
        ({"size": 5, "kernel_size": 3, "stride": 0}, ValueError, "conv_output_size: stride must be a positive int"),
        ({"size": 5, "kernel_size": 3, "padding": -1}, ValueError, r"conv_output_size: padding must be a non-negative int \(>= 0\), got -1"),
        ({"size": 5, "kernel_size": 3, "dilation": 0}, ValueError, "conv_output_size: dilation must be a positive int"),
        ({"size": 3, "kernel_size": 5}, ValueError, r"conv_output_size: the kernel \(size 5, dilation 1, effective size 5\) is larger than the padded input"),
        ({"size": 5.0, "kernel_size": 3}, TypeError, r"conv_output_size: size must be an int, got 5\.0 \(float\)"),
        ({"size": "5", "kernel_size": 3}, TypeError, "conv_output_size: size must be an int"),
        ({"size": 5, "kernel_size": None}, TypeError, "conv_output_size: kernel_size must be an int"),
        ({"size": 5, "kernel_size": True}, TypeError, "conv_output_size: kernel_size must be an int, got True"),
        ({"size": (5, 5), "kernel_size": (3, 3, 3)}, ValueError, "conv_output_size: tuple arguments must all have the same length"),
        ({"size": 5, "kernel_size": 3, "ceil_mode": 1}, TypeError, "conv_output_size: ceil_mode must be True or False"),
    ],
)
def test_errors_name_the_argument_and_what_was_expected(kwargs, error, match):
    with pytest.raises(error, match=match):
        conv_output_size(**kwargs)


@given(st.one_of(st.none(), st.text(max_size=3), st.floats(), st.integers(-5, 0),
                 st.lists(st.integers(-2, 3), max_size=3)))
def test_random_invalid_sizes_get_clear_errors(bad):
    try:
        conv_output_size(bad, 3)
    except (ValueError, TypeError) as exc:
        assert str(exc).startswith("conv_output_size:")
    else:
        # only a valid size may pass: a positive int or a sequence of them large enough
        assert isinstance(bad, list) and all(b >= 3 for b in bad)


# --- receptive fields ---------------------------------------------------------

def test_stacked_stride_one_layers_grow_by_k_minus_one():
    records = receptive_field([{"kernel_size": 3}] * 5)
    assert [r.size for r in records] == [1 + L * 2 for L in range(1, 6)]
    assert all(r.stride == 1 and r.padding == 0 for r in records)


def test_the_strided_formula_of_the_notes():
    # R_k = 1 + sum_j (K_j - 1) prod_{i<j} S_i
    ks, ss = [7, 3, 3, 3], [2, 2, 1, 2]
    layers = [{"kernel_size": k, "stride": s} for k, s in zip(ks, ss)]
    expected, prod = 1, 1
    for k, s in zip(ks, ss):
        expected += (k - 1) * prod
        prod *= s
    assert receptive_field(layers)[-1] == ReceptiveField(size=expected, stride=prod, padding=0)


class Layer:  # an object with attributes works as well as a mapping
    def __init__(self, kernel_size, stride=1, padding=0, dilation=1):
        self.kernel_size, self.stride, self.padding, self.dilation = kernel_size, stride, padding, dilation


layer_strategy = st.fixed_dictionaries(
    {"kernel_size": st.integers(1, 5), "stride": st.integers(1, 3),
     "padding": st.integers(0, 2), "dilation": st.integers(1, 3)})


@given(st.lists(layer_strategy, min_size=1, max_size=5))
def test_receptive_field_matches_tracing_the_windows(layers):
    last = receptive_field(layers)[-1]
    size, first = receptive_field_by_tracing(layers)
    assert last.size == size
    assert last.padding == -first
    stride = 1
    for layer in layers:
        stride *= layer["stride"]
    assert last.stride == stride
    assert receptive_field([Layer(**layer) for layer in layers])[-1] == last


def test_per_axis_tuples():
    records = receptive_field([{"kernel_size": (3, 1), "stride": (2, 1)}, {"kernel_size": 3}])
    assert records[-1] == ReceptiveField(size=(7, 3), stride=(2, 1), padding=(0, 0))


@pytest.mark.parametrize(
    "layers, error, match",
    [
        ([{"stride": 2}], ValueError, r"receptive_field: layers\[0\] has no kernel_size"),
        ([{"kernel_size": 3, "stride": 0}], ValueError, r"receptive_field: layers\[0\]\.stride must be a positive int"),
        ([{"kernel_size": (3, 3)}, {"kernel_size": (3, 3, 3)}], ValueError, "receptive_field: per-axis tuples must all have the same length"),
        ("conv", TypeError, "receptive_field: layers must be a sequence of layers"),
        (3, TypeError, "receptive_field: layers must be a sequence of layers"),
    ],
)
def test_receptive_field_errors(layers, error, match):
    with pytest.raises(error, match=match):
        receptive_field(layers)
