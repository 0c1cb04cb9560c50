"""What the results' tests share: a short fit of one law over three datasets (Class SR)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest

from lawfinder import LawRegressor


class GroupedFit(NamedTuple):
    model: LawRegressor
    X: np.ndarray        # (n, 1): t in ms
    y: np.ndarray        # (n,): z in cm
    groups: np.ndarray   # (n,): each row's dataset label


def free_fall(labels: tuple, sizes: tuple[int, ...], seed: int = 0
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """z = z0 + v0 t - g t^2 / 2 with g shared and v0, z0 one value per dataset, in units
    that are not SI (t in ms, z in cm), with 0.1% noise so that the errors are finite."""
    rng = np.random.default_rng(seed)
    codes = np.repeat(np.arange(len(labels)), sizes)
    v0, z0 = rng.uniform(-5, 5, len(labels)), rng.uniform(5, 20, len(labels))   # m/s, m
    t = rng.uniform(100, 2000, len(codes))
    z = 100 * (z0[codes] + v0[codes] * t / 1000 - 9.81 / 2 * (t / 1000) ** 2)
    return t[:, None], z * (1 + 1e-3 * rng.standard_normal(len(z))), np.array(labels)[codes]


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
