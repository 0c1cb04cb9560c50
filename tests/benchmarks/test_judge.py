"""Tests for the exact-recovery judge, float rounding, parsing and the R^2 criterion."""

import multiprocessing
import os
import time

import numpy as np
import pytest
import sympy

from lawfinder.benchmarks import judge as judge_module
from lawfinder.benchmarks.judge import (Verdict, is_accuracy_solution, is_identical, judge, parse,
                                        r2_score, round_floats)

SOLVED, NOT_SOLVED, NOT_JUDGED = Verdict.SOLVED, Verdict.NOT_SOLVED, Verdict.NOT_JUDGED
needs_fork = pytest.mark.skipif(judge_module._START_METHOD != "fork",
                                reason="monkeypatches reach the child only through fork")

# (candidate, truth, positive names, judge verdict, is_identical verdict)
PAIRS = [
    ("sqrt(x**2)", "x", ["x"], SOLVED, SOLVED),
    ("sqrt(x**2)", "x", [], NOT_SOLVED, NOT_SOLVED),  # |x| for real x
    ("log(x*y)", "log(x) + log(y)", ["x", "y"], SOLVED, SOLVED),
    ("x + sin(x)**2 + cos(x)**2", "x", [], SOLVED, NOT_SOLVED),
    ("sin(x)**2 + cos(x)**2", "1", [], SOLVED, SOLVED),
    ("cos(x + pi/2)", "-sin(x)", [], SOLVED, SOLVED),
    ("x + 1.0", "x", [], SOLVED, NOT_SOLVED),
    ("3.0*x", "x", [], SOLVED, NOT_SOLVED),
    ("6.1234*m1*m2/r**2", "6.123*m1*m2/r**2", [], SOLVED, SOLVED),
    ("6.2*m", "6.123*m", [], SOLVED, NOT_SOLVED),
    ("0.1011*x", "x/9.89", [], SOLVED, SOLVED),
    ("x**2.0", "x**2", [], SOLVED, SOLVED),
    ("1/(1/x + 1/y)", "x*y/(x + y)", [], SOLVED, SOLVED),
    ("exp(-0.5*theta**2)/sqrt(2*pi)", "exp(-theta**2/2)/sqrt(2*pi)", [], SOLVED, SOLVED),
    ("x**2", "x**3", [], NOT_SOLVED, NOT_SOLVED),
    ("exp(x)", "exp(2*x)", [], NOT_SOLVED, NOT_SOLVED),
    ("sin(x)", "cos(x)", [], NOT_SOLVED, NOT_SOLVED),
    ("0", "x", [], NOT_SOLVED, NOT_SOLVED),  # ratio 0 is not a nonzero constant
    ("x + y", "x", [], NOT_SOLVED, NOT_SOLVED),
    # sqrt(1/(a - b)) is 1/sqrt(a - b) wherever the formula is real: SymPy needs forcing.
    ("sqrt(1/(1/(c**4*m**2) - v**2/(c**6*m**2)))", "m*c**2/sqrt(1 - v**2/c**2)",
     ["c", "m", "v"], SOLVED, SOLVED),
    # ... and the factors of a radicand must match whatever sign the formula gave them.
    ("c*m*v*sqrt(-1/(-c**2 + v**2))", "m*v/sqrt(1 - v**2/c**2)", ["c", "m", "v"],
     SOLVED, SOLVED),
    # A constant below 1e-4 is fitting noise, dropped as SRBench drops it.
    ("(6.28318530717959*a + 1.7e-16*n)/(d*n)", "2*pi*a/(d*n)", [], SOLVED, NOT_SOLVED),
]


@pytest.mark.parametrize("candidate, truth, positive, by_judge, by_identity", PAIRS)
def test_pairs(candidate, truth, positive, by_judge, by_identity):
    assert judge(candidate, truth, positive=positive) is by_judge
    assert is_identical(candidate, truth, positive=positive) is by_identity


def test_symbols_match_by_name_whatever_their_assumptions():
    x_positive, x_plain = sympy.Symbol("x", positive=True), sympy.Symbol("x")
    assert is_identical(sympy.sqrt(x_plain**2), x_positive, positive=["x"]) is SOLVED
    assert is_identical(sympy.sqrt(x_plain**2), x_positive) is NOT_SOLVED  # x is only real now


def test_digits_controls_rounding():
    assert is_identical("6.1234*m", "6.123*m", digits=5) is NOT_SOLVED
    assert is_identical("6.1234*m", "6.123*m", digits=4) is SOLVED


def test_forced_timeout_is_not_judged_and_leaves_no_child():
    start = time.monotonic()
    # expand and simplify of this pair run for well over 30 s; an easy pair takes ~20 ms.
    verdict = judge("(x + y + z + 1)**60 - (x + y)**60", "(x + z + y + 1)**60", timeout=0.2)
    assert verdict is NOT_JUDGED
    assert time.monotonic() - start < 5
    assert multiprocessing.active_children() == []


@needs_fork
def test_sympy_failure_is_not_judged(monkeypatch):
    def failing(expr):
        raise ValueError("SymPy gave up")

    monkeypatch.setattr(judge_module, "_STEPS", (failing,))
    assert judge("x", "x") is NOT_JUDGED


@needs_fork
def test_crashed_child_is_not_judged(monkeypatch):
    monkeypatch.setattr(judge_module, "_STEPS", (lambda expr: os._exit(3),))
    assert judge("x", "x") is NOT_JUDGED
    assert multiprocessing.active_children() == []


def test_bad_arguments_raise():
    with pytest.raises(TypeError):
        judge("x", "x", positive="x")
    with pytest.raises(ValueError):
        judge("x", "x", digits=0)
    with pytest.raises(sympy.SympifyError):
        judge("x +* (", "x")


def test_parse_makes_every_plain_identifier_a_symbol():
    expr = parse("lambda*E + I*gamma + S + N")
    assert expr.free_symbols == {sympy.Symbol(n) for n in ("lambda", "E", "I", "gamma", "S", "N")}


def test_parse_keeps_functions_pi_and_numbers():
    x = sympy.Symbol("x")
    thousand = sympy.Float(1000)
    assert parse("gamma(x) + exp(x) + pi + 1e3*x + 1.E3") == (
        sympy.gamma(x) + sympy.exp(x) + sympy.pi + thousand * x + thousand)


def test_round_floats():
    x = sympy.Symbol("x")
    expr = sympy.Float(6.1234) * x + sympy.Float(1 / 9.89) / x + sympy.Rational(1, 3) * x**2 + 12345
    expected = (sympy.Float("6.12") * x + sympy.Float("0.101") / x
                + sympy.Rational(1, 3) * x**2 + 12345)
    assert round_floats(expr) == expected
    tiny = sympy.Float(6.1234e-11) * x
    assert round_floats(tiny, digits=2, zero_below=0) == sympy.Float("6.1e-11") * x
    assert round_floats(tiny + sympy.Symbol("y")) == sympy.Symbol("y")


def test_r2_score():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert r2_score(y, y) == 1.0
    assert r2_score(y, np.full(4, y.mean())) == pytest.approx(0.0)
    assert r2_score(y, y.mean()) == pytest.approx(0.0)
    assert r2_score(y, y + 0.1) == pytest.approx(1 - 0.04 / 5)
    assert r2_score(y, 2 * y) < 0


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_r2_score_of_non_finite_prediction_is_minus_infinity(bad):
    assert r2_score([1.0, 2.0, 3.0], [1.0, bad, 3.0]) == -np.inf


def test_r2_score_of_huge_prediction_is_minus_infinity():
    assert r2_score([1.0, 2.0, 3.0], [1.0, 1e300, 3.0]) == -np.inf


def test_r2_score_of_constant_truth():
    assert r2_score([2.0, 2.0], [2.0, 2.0]) == 1.0
    assert r2_score([2.0, 2.0], [2.0, 3.0]) == 0.0


def test_is_accuracy_solution():
    assert is_accuracy_solution(0.9995)
    assert not is_accuracy_solution(0.999)
    assert not is_accuracy_solution(-np.inf)
    assert not is_accuracy_solution(float("nan"))
    assert is_accuracy_solution(0.95, threshold=0.9)
