"""Shared fixtures: small libraries over the demo laws' units."""

from __future__ import annotations

import numpy as np
import pytest

from support import ALL_OPERATORS, ERF, dim, erf_data

import lawfinder.search.islands
from lawfinder import LawRegressor
from lawfinder.language.library import build_library


@pytest.fixture(autouse=True)
def two_cores(monkeypatch):
    """Every test sees at most two cores: a fit's default islands (n_jobs=-1) are then as
    many on any machine, and a 64-core one starts no 63 processes per test."""
    cores = min(lawfinder.search.islands.available_cores(), 2)
    monkeypatch.setattr(lawfinder.search.islands, "available_cores", lambda: cores)


@pytest.fixture
def newton_library():
    return build_library(ALL_OPERATORS, [("m1", dim("kg")), ("m2", dim("kg")), ("r", dim("m"))],
                         {"G": dim("m^3/(kg*s^2)")}, ["1", "pi"])


@pytest.fixture
def newton_target():
    return np.array(dim("N").doubled())


@pytest.fixture(scope="session")
def erf_model():
    """A short fit of y = erf(x / 0.7) with the user operator erf (found in well under a
    second of search: the deterministic seed finds it)."""
    X, y = erf_data()
    return LawRegressor(operators=["add", "sub", "mul", "div", "neg", "exp", ERF],
                        free_constants=["s"], max_evals=1500, batch_size=200, patience=2,
                        random_state=0, n_jobs=1).fit(X, y, names=["x"])
