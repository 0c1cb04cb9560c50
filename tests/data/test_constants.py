"""Declared constants read with their units, and refused where the data cannot hold them."""

import numpy as np
import pytest

from lawfinder.data.constants import declared_constants
from lawfinder.data.problem import make_problem
from lawfinder.errors import LawfinderError, UnitsError
from lawfinder.units.dimension import parse_units

X, Y = np.linspace(1, 2, 20)[:, None], np.linspace(3, 4, 20)


def test_units_are_read_with_their_si_factor_and_a_list_is_dimensionless():
    problem = make_problem(X, Y, names=["t"], units=["s"], target_units="m")
    found = declared_constants(problem, {"v": "km/h"}, "free_constants")
    assert found["v"] == parse_units("km/h") and found["v"][1] == pytest.approx(1 / 3.6)
    assert declared_constants(problem, ["a", "b"], "free_constants") == {
        "a": parse_units("1"), "b": parse_units("1")}
    assert declared_constants(problem, None, "free_constants") == {}


def test_units_on_unitless_data_are_refused_with_the_fix():
    problem = make_problem(X, Y)
    with pytest.raises(UnitsError, match="free constant 'g' has units 'm/s\\^2'.*'1'"):
        declared_constants(problem, {"g": "m/s^2"}, "free_constants")


@pytest.mark.parametrize("given, message", [("g", "must be a dict"), ({"": "1"}, "non-blank"),
                                            (5, "must be a dict")])
def test_malformed_declarations_say_what_is_expected(given, message):
    with pytest.raises(LawfinderError, match=message):
        declared_constants(make_problem(X, Y), given, "free_constants")


def test_per_dataset_constants_need_datasets():
    with pytest.raises(LawfinderError, match="pass groups="):
        declared_constants(make_problem(X, Y), ["v0"], "dataset_constants")
    grouped = make_problem(X, Y, groups=np.repeat([0, 1], 10))
    assert list(declared_constants(grouped, ["v0"], "dataset_constants")) == ["v0"]
