"""Helpers shared by the tests (imported by name: conftest modules shadow each other)."""

from __future__ import annotations

from lawfinder.units import Dimension, parse_units

ALL_OPERATORS = ["add", "sub", "mul", "div", "neg", "inv", "n2", "n3", "sqrt", "exp", "log",
                 "sin", "cos", "tan", "tanh", "abs"]


def dim(text: str) -> Dimension:
    return parse_units(text)[0]
