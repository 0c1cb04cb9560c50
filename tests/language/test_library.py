import numpy as np
import pytest

from lawfinder.errors import LawfinderError
from lawfinder.language.library import DEFAULT_OPERATORS, Kind, build_library

from support import dim


def test_per_dataset_constants_own_consecutive_slots_after_the_shared_ones():
    library = build_library(DEFAULT_OPERATORS, [("t", dim("s"))], {"g": dim("m/s^2")}, ["1"],
                            {"v0": dim("m/s"), "z0": dim("m")}, n_datasets=3)
    assert library.n_free == 7
    assert library.free_names == ("g", "v0", "v0", "v0", "z0", "z0", "z0")
    np.testing.assert_array_equal(library.shared, [True] + [False] * 6)
    assert library.shared_names == ("g",) and library.dataset_names == ("v0", "z0")
    v0 = library.tokens[library.index["v0"]]
    assert v0.kind is Kind.DATASET and v0.index == 1 and v0.dim == dim("m/s")
    # Units and priors see both kinds of fitted constant alike.
    assert library.is_free[[library.index[n] for n in ("g", "v0", "z0")]].all()


def test_per_dataset_constants_need_datasets():
    with pytest.raises(LawfinderError, match="per-dataset constants \\['v0'\\] need the data's "
                                             "datasets: pass groups="):
        build_library(DEFAULT_OPERATORS, [("t", dim("s"))], {}, ["1"], {"v0": dim("m/s")})


def test_a_name_used_for_a_shared_and_a_per_dataset_constant_is_refused():
    with pytest.raises(LawfinderError, match="names used twice.*\\['g'\\]"):
        build_library(DEFAULT_OPERATORS, [("t", dim("s"))], {"g": dim("1")}, ["1"],
                      {"g": dim("1")}, n_datasets=2)


def test_pow_is_built_in_but_not_a_default_operator():
    from lawfinder.language.library import OPERATORS, Rule

    assert "pow" not in DEFAULT_OPERATORS
    assert (OPERATORS["pow"].arity, OPERATORS["pow"].rule) == (2, Rule.DIMENSIONLESS)
