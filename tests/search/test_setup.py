"""A search made ready from a problem, or refused when no formula can have its units."""

import numpy as np
import pytest

from lawfinder import LawRegressor
from lawfinder.errors import UnitsError


def test_the_search_reads_the_scaled_data_and_datasets_as_a_last_column():
    X, y = np.linspace(1, 2, 40)[:, None], np.linspace(3, 4, 40)
    _, library, frame, search = LawRegressor(dataset_constants=["a"]).prepare(
        X, y, groups=np.repeat(["u", "v"], 20))
    assert search.X.shape == (40, 2) and set(search.X[:, -1]) == {0.0, 1.0}
    assert np.allclose(search.y, frame.target_from_si(y))
    assert search.starts.shape == (1, library.n_free)   # dimensionless: one start


def test_a_target_no_formula_can_build_is_refused_naming_the_units():
    X, y = np.linspace(1, 2, 40)[:, None], np.linspace(3, 4, 40)
    with pytest.raises(UnitsError, match="target 'y' has units .*kg.*free_constants"):
        LawRegressor(operators=["mul"]).prepare(X, y, names=["t"], units=["s"],
                                               target_units="kg")
