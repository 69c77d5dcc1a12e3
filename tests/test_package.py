"""The package as a whole: its public surface, its docstrings and their examples."""

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import cnn_lessons

# The public API promised by shared/api.md, by section.
API = {
    "convolution": ["corr2d", "convolve2d", "conv1d", "conv2d", "conv3d",
                    "conv1d_backward", "conv2d_backward", "conv3d_backward"],
    "geometry": ["conv_output_size", "pad", "pad_backward", "receptive_field"],
    "activations": [f"{name}{suffix}" for name in
                    ["relu", "leaky_relu", "prelu", "elu", "selu", "sigmoid", "tanh",
                     "softmax", "log_softmax"] for suffix in ("", "_backward")],
    "pooling": [f"{name}{suffix}" for name in
                ["max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d",
                 "avg_pool3d", "lp_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d"]
                for suffix in ("", "_backward")],
    "gradient checking": ["numerical_gradient", "gradient_check"],
}
API_NAMES = sorted(name for names in API.values() for name in names)

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(cnn_lessons.__path__, "cnn_lessons.")
    if not info.name.rsplit(".", 1)[-1].startswith("__")
)


@pytest.mark.parametrize("name", API_NAMES)
def test_api_name_is_exported_at_top_level(name):
    assert name in cnn_lessons.__all__, f"{name} (shared/api.md) is missing from cnn_lessons.__all__"
    assert callable(getattr(cnn_lessons, name))


@pytest.mark.parametrize("name", sorted(cnn_lessons.__all__))
def test_every_public_name_exists_and_has_a_docstring(name):
    obj = getattr(cnn_lessons, name)
    doc = obj.__doc__ or ""
    assert len(doc.strip()) > 40, f"cnn_lessons.{name} needs a docstring"


def test_all_has_no_duplicates():
    assert len(cnn_lessons.__all__) == len(set(cnn_lessons.__all__))


@pytest.mark.parametrize("module_name", MODULES)
def test_doctests(module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, extraglobs={"np": np}, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {module_name}"
