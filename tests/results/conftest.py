"""What the results' tests share: a short fit of one law over three datasets (Class SR)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest

from support import free_fall

from lawfinder import LawRegressor


class GroupedFit(NamedTuple):
    model: LawRegressor
    X: np.ndarray        # (n, 1): t in ms
    y: np.ndarray        # (n,): z in cm
    groups: np.ndarray   # (n,): each row's dataset label


@pytest.fixture(scope="session")
def grouped() -> GroupedFit:
    """The free fall over datasets of 20, 25 and 30 rows labelled by strings, fitted with
    v0 in km/h and z0 in m: the best formula has both kinds of constants."""
    X, y, groups = free_fall(("run a", "run b", "run c"), (20, 25, 30))
    model = LawRegressor(operators=["add", "sub", "mul", "n2"], free_constants={"g": "m/s^2"},
                         dataset_constants={"v0": "km/h", "z0": "m"}, max_evals=300,
                         batch_size=100, random_state=0, n_jobs=1)
    return GroupedFit(model.fit(X, y, groups=groups, names=["t"], units=["ms"],
                                target_units="cm"), X, y, groups)
