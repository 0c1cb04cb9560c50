"""Tests for the exact-recovery judge, its numeric fallback, float rounding, parsing and the
R^2 criterion."""

import math
import multiprocessing
import os
import time

import numpy as np
import pytest
import sympy

from lawfinder.benchmarks import judge as judge_module
from lawfinder.benchmarks.judge import (Judgement, Verdict, is_accuracy_solution, is_identical,
                                        judge, judgement, parse, r2_score, round_floats,
                                        same_values)

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


def test_forced_timeout_is_decided_numerically_and_leaves_no_child():
    start = time.monotonic()
    # expand and simplify of this pair run for well over 30 s; an easy pair takes ~20 ms.
    verdict = judgement("(x + y + z + 1)**60 - (x + y)**60", "(x + z + y + 1)**60", timeout=0.2)
    assert verdict == Judgement(NOT_SOLVED, "numeric")
    assert time.monotonic() - start < 5
    assert multiprocessing.active_children() == []


@needs_fork
def test_sympy_failure_is_decided_numerically(monkeypatch):
    def failing(expr):
        raise ValueError("SymPy gave up")

    monkeypatch.setattr(judge_module, "_STEPS", (failing,))
    assert judgement("x", "x") == Judgement(SOLVED, "numeric")


@needs_fork
def test_crashed_child_is_decided_numerically(monkeypatch):
    monkeypatch.setattr(judge_module, "_STEPS", (lambda expr: os._exit(3),))
    assert judgement("x", "x") == Judgement(SOLVED, "numeric")
    assert multiprocessing.active_children() == []


def test_a_symbolic_decision_says_so():
    assert judgement("x + 1.0", "x") == Judgement(SOLVED, "symbolic")
    assert judgement("x + 1.0", "x", identical=True) == Judgement(NOT_SOLVED, "symbolic")


@pytest.fixture
def sympy_gives_up(monkeypatch):
    """The symbolic check answers NOT_JUDGED at once, as after a timeout, with no child process."""
    monkeypatch.setattr(judge_module, "_in_child", lambda *args, **kwargs: NOT_JUDGED)


@pytest.mark.parametrize("candidate, truth, positive, by_judge, by_identity", PAIRS)
def test_numeric_check_agrees_with_sympy(sympy_gives_up, candidate, truth, positive, by_judge,
                                         by_identity):
    assert judgement(candidate, truth, positive=positive) == Judgement(by_judge, "numeric")
    assert judgement(candidate, truth, identical=True, positive=positive) == Judgement(
        by_identity, "numeric")


# The demo's damped oscillator, exp(-alpha*t)*cos(omega*t + phi) with its constants rounded
# as the judge rounds them, and the form the search found it in.
OSCILLATOR = "exp(-0.101*t)*cos(0.784*t + 0.997)"
OSCILLATOR_RANGE = {"t": (math.pi, 10 * math.pi)}
FOUND_FORM = "exp(-omega*phi**2*t)*cos(alpha*(t - 1/omega))"


def found_oscillator(phase: sympy.Expr) -> sympy.Expr:
    """FOUND_FORM with exact constants making it exp(-0.101*t)*cos(0.784*t + phase).

    alpha = 0.784 and omega*phi**2 = 0.101; the phase -alpha/omega must be phase - 2*pi,
    since phase itself would need omega < 0 and so an imaginary phi.
    """
    alpha = sympy.Rational(98, 125)
    omega = alpha / (2 * sympy.pi - phase)
    phi = sympy.sqrt(sympy.Rational(101, 1000) / omega)
    names = {"alpha": alpha, "omega": omega, "phi": phi}
    return parse(FOUND_FORM).subs({sympy.Symbol(k): v for k, v in names.items()})


@needs_fork
def test_exact_oscillator_is_solved_numerically_when_sympy_times_out(monkeypatch):
    monkeypatch.setattr(judge_module, "_STEPS", (lambda expr: time.sleep(60),))
    candidate = found_oscillator(sympy.Rational(997, 1000))
    verdict = judgement(candidate, OSCILLATOR, timeout=0.2, positive=["t"], ranges=OSCILLATOR_RANGE)
    assert verdict == Judgement(SOLVED, "numeric")
    assert multiprocessing.active_children() == []


def test_oscillator_with_a_wrong_phase_is_not_solved_numerically(sympy_gives_up):
    candidate = found_oscillator(sympy.Rational(1097, 1000))
    verdict = judgement(candidate, OSCILLATOR, positive=["t"], ranges=OSCILLATOR_RANGE)
    assert verdict == Judgement(NOT_SOLVED, "numeric")


def test_rounding_fitted_constants_apart_is_not_solved_numerically(sympy_gives_up):
    """Fitted floats make the same function, but rounded to 3 digits 1/omega no longer holds
    the 2*pi: the phase moves by 4e-3, as SymPy also finds when given the time."""
    omega = 0.784 / (2 * math.pi - 0.997)
    phi = math.sqrt(1 / 9.89 / omega)
    candidate = f"exp(-{omega!r}*{phi!r}**2*t)*cos(0.784*(t - 1/{omega!r}))"
    verdict = judgement(candidate, OSCILLATOR, positive=["t"], ranges=OSCILLATOR_RANGE)
    assert verdict == Judgement(NOT_SOLVED, "numeric")


def test_numeric_points_come_from_the_given_ranges(sympy_gives_up):
    # |x| = x on [1, 2], not on the default ranges of a real x, which include negatives.
    assert judgement("sqrt(x**2)", "x", ranges={"x": (1.0, 2.0)}) == Judgement(SOLVED, "numeric")
    assert judgement("sqrt(x**2)", "x") == Judgement(NOT_SOLVED, "numeric")


@pytest.mark.parametrize("candidate", ["log(-x)", "f(x)"])
def test_too_few_real_values_is_not_judged(sympy_gives_up, candidate):
    # log(-x) is complex at every positive x; an undefined function cannot be evaluated.
    assert judgement(candidate, candidate, positive=["x"]) == Judgement(NOT_JUDGED, None)


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


def test_same_values_sees_through_a_rewriting_and_not_past_a_small_difference():
    x = sympy.Symbol("x")
    ranges = {"x": (0.0, 9.0)}
    assert same_values(sympy.sin(1.3 * x + 0.4), sympy.cos(1.3 * x + 0.4 - sympy.pi / 2), ranges)
    assert not same_values(sympy.sin(1.3 * x + 0.4), sympy.sin(1.3 * x + 0.4001), ranges)
    assert not same_values(1 / x, sympy.log(x), {"x": (-2.0, -1.0)})  # nowhere both real
