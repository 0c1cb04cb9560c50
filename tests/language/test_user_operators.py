"""User operators: checked when made, with errors that name the operator and the fix."""

import copy
import pickle

import numpy as np
import pytest
import scipy.special
import sympy

from lawfinder import LawfinderError, UserOperator
from lawfinder.language.library import DEFAULT_OPERATORS, Kind, Rule, build_library
from lawfinder.units.dimension import DIMENSIONLESS


def erf_slope(a):
    return 2 / np.sqrt(np.pi) * np.exp(-a**2)


def hypot_slopes(a, b):
    return a / np.hypot(a, b), b / np.hypot(a, b)


ERF = UserOperator("erf", 1, scipy.special.erf, erf_slope, sympy.erf)


def test_an_operator_gets_the_rule_of_its_units():
    assert (ERF.rule, ERF.power, ERF.head) == (Rule.DIMENSIONLESS, 1, sympy.erf)
    cbrt = UserOperator("cbrt", 1, np.cbrt, lambda a: np.cbrt(a) / (3 * a), sympy.cbrt,
                        units="power", power="1/3")
    assert (cbrt.rule, cbrt.power) == (Rule.POWER, sympy.Rational(1, 3))
    hypot = UserOperator("hypot", 2, np.hypot, hypot_slopes,
                         lambda a, b: sympy.sqrt(a**2 + b**2), units="same")
    assert (hypot.rule, hypot.head) == (Rule.SAME, None)  # a form of several SymPy parts
    softsign = UserOperator("softsign", 1, lambda a: a / (1 + np.abs(a)),
                            lambda a: 1 / (1 + np.abs(a)) ** 2, lambda a: a / (1 + abs(a)),
                            units="same")
    assert (softsign.rule, softsign.power) == (Rule.POWER, 1)  # the child's units


@pytest.mark.parametrize("arguments, words", [
    ({"derivative": lambda a: 2 * np.exp(-a**2)}, "erf'.*derivative is .* but central "
                                                  "differences of its function give"),
    ({"sympy": sympy.erfc}, "erf'.*sympy form is .* but its function gives"),
    ({"sympy": lambda a: sympy.log(a - 5)}, "erf'.*sympy form"),  # complex to SymPy
    ({"function": lambda a: a[:3]}, "erf'.*must work elementwise"),
    ({"derivative": lambda a: a.reshape(4, 4)}, "erf'.*must work elementwise"),
    ({"function": lambda a: a.undefined}, "erf'.*failed on NumPy arrays \\(AttributeError"),
    ({"arity": 3}, "erf'.*arity must be 1 or 2, got 3"),
    ({"units": "product"}, "units must be one of .*dimensionless.*got 'product'"),
    ({"power": 2}, "power=2 needs units='power'"),
    ({"units": "power", "power": 0}, "units='power' takes one child and a nonzero power"),
    ({"name": "exp"}, "'exp' is a built-in operator"),
    ({"name": "my erf"}, "name must be an identifier"),
    ({"sympy": "erf"}, "sympy must be callable"),
])
def test_bad_operators_are_refused_by_name(arguments, words):
    given = {"name": "erf", "arity": 1, "function": scipy.special.erf,
             "derivative": erf_slope, "sympy": sympy.erf, **arguments}
    with pytest.raises(LawfinderError, match=words):
        UserOperator(**given)


def test_a_binary_derivative_is_checked_by_each_child():
    wrong = lambda a, b: (a / np.hypot(a, b), a / np.hypot(a, b))  # noqa: E731
    with pytest.raises(LawfinderError, match="derivative by child 2"):
        UserOperator("hypot", 2, np.hypot, wrong, lambda a, b: sympy.sqrt(a**2 + b**2),
                     units="same")
    with pytest.raises(LawfinderError, match="the pair d/da, d/db"):
        UserOperator("hypot", 2, np.hypot, lambda a, b: a / np.hypot(a, b),
                     lambda a, b: sympy.sqrt(a**2 + b**2), units="same")


def test_the_library_takes_the_object_and_refuses_its_bare_name():
    library = build_library([*DEFAULT_OPERATORS, ERF], [("x", DIMENSIONLESS)], {}, ["1"])
    token = library.tokens[library.index["erf"]]
    assert token.kind is Kind.UNARY and token.operator is ERF and token.arity == 1
    assert library.is_user.tolist() == [name == "erf" for name in library.names]
    assert library.user_operators == (ERF,)
    with pytest.raises(LawfinderError, match="unknown operator 'erf'.*passed as its object"):
        build_library([*DEFAULT_OPERATORS, "erf"], [("x", DIMENSIONLESS)], {}, ["1"])
    beside = build_library([ERF], [("erf", DIMENSIONLESS)], {}, ["1"])  # a column called erf
    assert beside.tokens[beside.terminal["erf"]].kind is Kind.VARIABLE


def test_operators_copy_pickle_and_compare_by_what_they_are():
    assert copy.deepcopy(ERF) == ERF and pickle.loads(pickle.dumps(ERF)) == ERF
    assert repr(ERF) == "UserOperator('erf', arity=1, units='dimensionless')"  # no address
    assert ERF.portable  # its functions live in modules another process imports
    lambdas = UserOperator("erf", 1, scipy.special.erf, lambda a: erf_slope(a), sympy.erf)
    assert lambdas != ERF and not lambdas.portable
