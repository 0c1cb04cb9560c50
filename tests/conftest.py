"""Shared fixtures: small libraries over the demo laws' units."""

from __future__ import annotations

import numpy as np
import pytest

from support import ALL_OPERATORS, dim

from lawfinder.language.library import build_library


@pytest.fixture
def newton_library():
    return build_library(ALL_OPERATORS, [("m1", dim("kg")), ("m2", dim("kg")), ("r", dim("m"))],
                         {"G": dim("m^3/(kg*s^2)")}, ["1", "pi"])


@pytest.fixture
def newton_target():
    return np.array(dim("N").doubled())
