import numpy as np
import pytest
import sympy

from lawfinder.errors import LawfinderError
from lawfinder.evaluate import compiled
from lawfinder.language.library import (DEFAULT_OPERATORS, INVERSE_PAIRS, OPERATORS,
                                        USELESS_PAIRS, Kind, build_library)

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


# The table and the compiled kernel each hold part of a built-in operator (numba cannot read
# the table); these tests hold the two together.

@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_every_built_in_operator_has_a_kernel_branch_of_its_arity(name):
    assert name in {1: compiled.UNARY, 2: compiled.BINARY}[OPERATORS[name].arity]


def test_the_kernel_has_no_operator_the_table_lacks():
    assert set(compiled.UNARY) | set(compiled.BINARY) <= set(OPERATORS)


def _real(form, children, point):
    """The SymPy form at a point, evaluated by SymPy itself; NaN where it is not real."""
    z = complex(sympy.N(form.subs(dict(zip(children, map(sympy.Float, point)))), 17))
    return z.real if z.imag == 0 else np.nan


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_the_kernel_computes_the_sympy_form_and_its_derivative(name):
    """At random points the kernel's value and derivative by each child are the SymPy
    form's and SymPy's derivative of it; where the form is not real, the kernel gives NaN."""
    op = OPERATORS[name]
    children = sympy.symbols(f"a:{op.arity}", real=True)
    forms = [op.sympy(*children)] + [sympy.diff(op.sympy(*children), c) for c in children]
    points = np.random.default_rng(0).uniform(-3, 3, (op.arity, 40))       # (arity, 40)
    expected = np.array([[_real(f, children, p) for p in points.T] for f in forms])
    kernel = np.array(compiled.numerics(name)(*points))                   # (1 + arity, 40)
    real = np.isfinite(expected[0])
    assert real.sum() >= 8, "too few points in the operator's domain to check it"
    np.testing.assert_allclose(kernel[:, real], expected[:, real], rtol=1e-9, atol=1e-12)
    assert np.isnan(kernel[0, ~real]).all()


def test_the_table_names_only_its_own_operators():
    for name, op in OPERATORS.items():
        assert op.useless_over <= set(OPERATORS) and op.inverse in {"", *OPERATORS}, name
    assert {p for pair in USELESS_PAIRS for p in pair} <= set(OPERATORS)
    assert INVERSE_PAIRS <= USELESS_PAIRS


@pytest.mark.parametrize("parent, child", sorted(INVERSE_PAIRS))
def test_inverses_undo_each_other_both_ways(parent, child):
    a = sympy.Symbol("a", positive=True)
    assert OPERATORS[child].inverse == parent
    assert sympy.simplify(OPERATORS[parent].sympy(OPERATORS[child].sympy(a))) == a


@pytest.mark.parametrize("name", sorted(n for n, op in OPERATORS.items() if op.arity == 2))
def test_equal_children_says_what_the_form_of_a_a_is(name):
    a = sympy.Symbol("a", positive=True)
    form = OPERATORS[name].sympy(a, a)
    said = OPERATORS[name].equal_children
    assert (said == "a number") == form.is_number
    assert (said == "a multiple") == (not form.is_number and (form / a).is_number)
