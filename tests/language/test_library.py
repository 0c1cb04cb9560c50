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


def test_an_input_named_like_an_operator_is_a_terminal_to_every_rule():
    lib = build_library(["log", "exp", "mul"], [("exp", dim("1")), ("log", dim("1"))], {})
    column = lib.terminal["exp"]
    assert lib.tokens[column].kind is Kind.VARIABLE and lib.names[column] == "exp'"
    assert lib.index["exp"] != column and lib.arity[lib.index["exp"]] == 1
    # log(exp(x)) is useless; log of the column called exp is not
    assert lib.useless[lib.index["log"], lib.index["exp"]]
    assert not lib.useless[lib.index["log"], column]


def test_a_constant_named_like_an_operator_keeps_its_name_for_the_user():
    lib = build_library(["exp", "mul"], [("x", dim("1"))], {"exp": dim("1")})
    assert lib.free_names == ("exp",) and lib.names[lib.terminal["exp"]] == "exp'"


def test_two_terminals_of_one_name_are_refused():
    with pytest.raises(LawfinderError, match=r"names used twice.*\['x'\]"):
        build_library(["mul"], [("x", dim("1"))], {"x": dim("1")})


def test_fixed_constants_are_tokens_with_their_units_and_si_values():
    library = build_library(DEFAULT_OPERATORS, [("v", dim("m/s"))], {}, ["1", "c=19.8 km/s",
                                                                          "k=2.5", "G"])
    one, c, k, G = (library.tokens[library.index[n]] for n in ("1", "c", "k", "G"))
    assert all(t.kind is Kind.FIXED for t in (one, c, k, G))
    assert (c.dim, c.value, c.known.value, c.known.units) == (dim("m/s"), 19800.0, 19.8, "km/s")
    assert G.dim == dim("m^3/(kg*s^2)") and G.value == pytest.approx(6.6743e-11)
    # Only pure numbers are numbers to the priors; c and G are physical quantities.
    assert library.is_number[[library.index[n] for n in ("1", "c", "k", "G")]].tolist() == [
        True, False, True, False]
    assert library.n_free == 0


def test_scaled_libraries_hold_known_constants_in_the_scaled_units():
    library = build_library(DEFAULT_OPERATORS, [("v", dim("m/s"))], {}, ["1", "c=19.8 km/s"])
    scales = {dim("m/s"): 1e4, dim("1"): 1.0}

    def scale_of(dims):
        return np.array([scales[d] for d in dims])

    scaled = library.scaled(scale_of)
    assert scaled.tokens[scaled.index["c"]].value == pytest.approx(1.98)
    assert scaled.tokens[scaled.index["1"]].value == 1.0
    # From the SI value each time: scaling a scaled library changes nothing.
    assert scaled.scaled(scale_of).tokens[scaled.index["c"]].value == pytest.approx(1.98)
    assert library.tokens[library.index["c"]].value == 19800.0   # the library itself unchanged


def test_a_fixed_constant_named_like_a_variable_is_refused():
    with pytest.raises(LawfinderError, match="names used twice.*\\['c'\\]"):
        build_library(DEFAULT_OPERATORS, [("c", dim("m/s"))], {}, ["c"])


def test_pow_is_built_in_but_not_a_default_operator():
    from lawfinder.language.library import OPERATORS, Rule

    assert "pow" not in DEFAULT_OPERATORS
    assert (OPERATORS["pow"].arity, OPERATORS["pow"].rule) == (2, Rule.DIMENSIONLESS)
