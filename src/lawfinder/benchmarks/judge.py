"""SRBench-style judges: exact symbolic recovery (run in a killable child process) and R^2.

When SymPy times out or fails, exact recovery is decided numerically instead, from both
sides' values at random points in high precision.
"""

from __future__ import annotations

import enum
import multiprocessing
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Context
from multiprocessing.connection import Connection
from typing import Literal, Union

import mpmath
import numpy as np
import sympy
from sympy.polys.polyerrors import BasePolynomialError

ExprLike = Union[sympy.Expr, str, int, float]
Ranges = Mapping[str, tuple[float, float]]
DecidedBy = Literal["symbolic", "numeric"]

# An identifier not preceded by a word character or a dot (so not the "e5" of "1e5"),
# optionally followed by "(" when it is called as a function.
_IDENTIFIER = re.compile(r"(?<![\w.])(?!\d)(\w+)(\s*\()?")
_ALIAS_PREFIX = "_lf_"

# Errors SymPy raises when a simplification routine gives up or hits one of its bugs.
_SYMPY_ERRORS = (ArithmeticError, AttributeError, NotImplementedError, RecursionError,
                 TypeError, ValueError, BasePolynomialError)

_NOT_FINITE = (sympy.nan, sympy.zoo, sympy.oo, -sympy.oo)

# The numeric check: working precision, points drawn, points needed where both sides are
# finite reals, and the range of a variable whose range the caller did not give.
_WORKING_DIGITS = 50
_POINTS = 64
_MIN_POINTS = 20
_DEFAULT_RANGE = (0.5, 5.0)
# Errors evaluating a side at a point (ZeroDivisionError, mpmath's OverflowError, ...), or
# lambdifying it; NameError for an undefined function such as f(x).
_EVALUATION_ERRORS = _SYMPY_ERRORS + (NameError,)


def _forced_powers(expr: sympy.Expr) -> sympy.Expr:
    """sqrt(1/x) -> 1/sqrt(x), sqrt(x)*sqrt(y) -> sqrt(x*y) and the like, when every symbol
    is positive.

    With positive variables, a formula that is real and finite on its data has positive
    radicands there, where these identities hold; SymPy applies them only when forced.
    Radicands are factored first, so that sqrt(1/(c**2 - v**2)) and sqrt(1 - v**2/c**2)
    split into the same factors (c - v) and (c + v).
    """
    if not all(s.is_positive for s in expr.free_symbols):
        return expr
    factored = sympy.factor(sympy.together(expr), deep=True)
    return sympy.simplify(sympy.powsimp(sympy.powdenest(factored, force=True), force=True))


# Cheapest first: most equivalences are proven by expand alone, simplify is the last resort.
_STEPS: tuple[Callable[[sympy.Expr], sympy.Expr], ...] = (
    lambda e: e,
    sympy.expand,  # also splits log(x*y) and x**(a+b) when the assumptions allow it
    lambda e: sympy.cancel(sympy.together(e)),
    sympy.trigsimp,
    lambda e: sympy.logcombine(sympy.powsimp(e)),
    sympy.simplify,
    _forced_powers,
)

_START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"


class Verdict(enum.Enum):
    """Outcome of a judgement; NOT_JUDGED when neither SymPy nor the numeric check could decide."""

    SOLVED = "solved"
    NOT_SOLVED = "not solved"
    NOT_JUDGED = "not judged"


@dataclass(frozen=True)
class Judgement:
    """A Verdict and the check that reached it; `decided_by` is None when NOT_JUDGED."""

    verdict: Verdict
    decided_by: DecidedBy | None


def parse(text: str) -> sympy.Expr:
    """Parse text with every identifier a Symbol, so `E`, `I`, `S`, `gamma`, `lambda` are variables.

    Exceptions: `pi` is the number pi, and an identifier followed by "(" is a function
    looked up in SymPy (sin, exp, log, sqrt, gamma, ...); unknown ones become undefined
    functions. Python keywords such as `lambda` are valid variable names here.
    Raises sympy.SympifyError when the text is not an expression.
    """
    symbols: dict[str, sympy.Symbol] = {}

    def alias(match: re.Match[str]) -> str:
        name, call = match.groups()
        if call or name == "pi":
            return match.group(0)
        # Aliasing every name also gets keywords like `lambda` past Python's parser.
        symbols[_ALIAS_PREFIX + name] = sympy.Symbol(name)
        return _ALIAS_PREFIX + name

    return sympy.sympify(_IDENTIFIER.sub(alias, text), locals=symbols)


def round_floats(expr: sympy.Expr, digits: int = 3, zero_below: float = 1e-4) -> sympy.Expr:
    """Round every floating-point number in expr to `digits` significant digits; as SRBench
    does, numbers smaller than `zero_below` in magnitude become 0 (fitting noise, such as
    the 1e-16 of a constant the data did not need).

    Integers and rationals are untouched.
    """
    context = Context(prec=digits)
    return expr.xreplace({f: sympy.Float(str(context.create_decimal(str(f))))
                          if abs(f) >= zero_below else sympy.Integer(0)
                          for f in expr.atoms(sympy.Float)})


def judge(candidate: ExprLike, truth: ExprLike, *, digits: int = 3, timeout: float = 10.0,
          positive: Iterable[str] = (), ranges: Ranges | None = None) -> Verdict:
    """SRBench's exact recovery: after rounding floats on both sides, candidate is a solution
    if candidate - truth simplifies to a constant or candidate / truth to a nonzero constant.

    Names in `positive` become positive symbols, all others real. If SymPy times out or
    fails, the rule is checked numerically, at points drawn from `ranges` (name -> (low,
    high)) where given; `judgement` also tells which check decided. Raises
    sympy.SympifyError for unparsable strings.
    """
    return _run("judge", candidate, truth, digits, timeout, positive, ranges).verdict


def is_identical(candidate: ExprLike, truth: ExprLike, *, digits: int = 3, timeout: float = 10.0,
                 positive: Iterable[str] = (), ranges: Ranges | None = None) -> Verdict:
    """Stricter: after rounding floats on both sides, candidate - truth simplifies to exactly 0."""
    return _run("identical", candidate, truth, digits, timeout, positive, ranges).verdict


def judgement(candidate: ExprLike, truth: ExprLike, *, identical: bool = False, digits: int = 3,
              timeout: float = 10.0, positive: Iterable[str] = (),
              ranges: Ranges | None = None) -> Judgement:
    """The verdict of is_identical (if `identical`) or else of judge, and which check reached
    it: "symbolic" (SymPy) or, when SymPy timed out or failed, "numeric"."""
    rule = "identical" if identical else "judge"
    return _run(rule, candidate, truth, digits, timeout, positive, ranges)


def same_values(candidate: sympy.Expr, truth: sympy.Expr, ranges: Ranges,
                rtol: float = 1e-9) -> bool:
    """Whether both sides, constants unrounded, agree to `rtol` of the largest |value| at
    the numeric check's points: the law written so that rounding hides it (A sin(w (t - k))
    for A cos(w t + phi)); approximations and noisy constants miss by far more."""
    sides = (_with_assumptions(side, frozenset()) for side in (candidate, truth))
    with mpmath.workdps(_WORKING_DIGITS):
        pairs = _values(*sides, ranges)
    scale = max((max(abs(c), abs(t)) for c, t in pairs), default=0)
    return len(pairs) >= _MIN_POINTS and all(abs(c - t) <= rtol * scale for c, t in pairs)


def r2_score(y_true: np.ndarray, y_pred: np.ndarray | float) -> float:
    """1 - SS_res/SS_tot; -inf for a NaN or infinite prediction, so a broken model scores worst.

    A scalar y_pred (a constant model) is broadcast. A constant y_true scores 1.0 when
    matched exactly and 0.0 otherwise, as in scikit-learn.
    """
    truth = np.asarray(y_true, dtype=float)
    pred = np.broadcast_to(np.asarray(y_pred, dtype=float), truth.shape)
    if truth.size == 0 or not np.all(np.isfinite(truth)):
        raise ValueError("y_true must be non-empty and finite")
    if not np.all(np.isfinite(pred)):
        return -np.inf
    with np.errstate(over="ignore"):
        ss_res = float(np.sum((truth - pred) ** 2))
    ss_tot = float(np.sum((truth - truth.mean()) ** 2))
    if ss_tot == 0.0:
        return 1.0 if ss_res == 0.0 else 0.0
    return 1.0 - ss_res / ss_tot


def is_accuracy_solution(r2: float, threshold: float = 0.999) -> bool:
    """SRBench's accuracy criterion: R^2 strictly above the threshold."""
    return r2 > threshold


def _run(rule: str, candidate: ExprLike, truth: ExprLike, digits: int, timeout: float,
         positive: Iterable[str], ranges: Ranges | None) -> Judgement:
    """Prepare both sides in this process, decide in a child killed after `timeout` seconds,
    and numerically here if the child could not decide."""
    if digits < 1 or timeout <= 0:
        raise ValueError(f"need digits >= 1 and timeout > 0, got {digits=}, {timeout=}")
    if isinstance(positive, str):
        raise TypeError(f"positive must be a collection of names, not the string {positive!r}")
    names = frozenset(positive)
    sides = [_prepare(side, digits, names) for side in (candidate, truth)]
    verdict = _in_child(rule, *(sympy.srepr(side) for side in sides), timeout=timeout)
    if verdict is not Verdict.NOT_JUDGED:
        return Judgement(verdict, "symbolic")
    verdict = _numeric(rule, *sides, digits, ranges or {})
    return Judgement(verdict, None if verdict is Verdict.NOT_JUDGED else "numeric")


def _prepare(value: ExprLike, digits: int, positive: frozenset[str]) -> sympy.Expr:
    """Parse, give symbols their assumptions by name, round floats and make them exact rationals.

    Exact rationals keep float noise out of the difference and make x**2.0 equal to x**2.
    """
    expr = parse(value) if isinstance(value, str) else sympy.sympify(value, strict=True)
    rounded = round_floats(_with_assumptions(expr, positive), digits)
    return rounded.xreplace({f: sympy.Rational(str(f)) for f in rounded.atoms(sympy.Float)})


def _with_assumptions(expr: sympy.Expr, positive: frozenset[str]) -> sympy.Expr:
    """Replace each symbol, whatever it assumed, by a positive or else a real one of that name."""
    def renew(name: str) -> sympy.Symbol:
        if name in positive:
            return sympy.Symbol(name, positive=True)
        return sympy.Symbol(name, real=True)

    symbols = [s for s in expr.free_symbols if isinstance(s, sympy.Symbol)]
    return expr.xreplace({s: renew(s.name) for s in symbols})


def _in_child(rule: str, candidate: str, truth: str, *, timeout: float) -> Verdict:
    """Run _decide on srepr strings in a child process; NOT_JUDGED if it overruns or dies."""
    context = multiprocessing.get_context(_START_METHOD)
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, rule, candidate, truth), daemon=True)
    process.start()
    sender.close()  # so that the child dying shows up here as EOF
    try:
        if not receiver.poll(timeout):
            return Verdict.NOT_JUDGED
        return receiver.recv()
    except EOFError:
        return Verdict.NOT_JUDGED
    finally:
        receiver.close()
        _reap(process)


def _reap(process: multiprocessing.process.BaseProcess) -> None:
    """Stop the child if still running and wait for it, leaving no zombie."""
    process.terminate()
    process.join(1.0)
    if process.is_alive():
        process.kill()
        process.join()
    process.close()


def _child(sender: Connection, rule: str, candidate: str, truth: str) -> None:
    """Child process entry point: send back the Verdict."""
    try:
        verdict = _decide(rule, sympy.sympify(candidate), sympy.sympify(truth))
    except _SYMPY_ERRORS:
        verdict = Verdict.NOT_JUDGED
    sender.send(verdict)
    sender.close()


def _decide(rule: str, candidate: sympy.Expr, truth: sympy.Expr) -> Verdict:
    """Try each step on each check, cheapest step first; SOLVED as soon as one check holds.

    A step that raises is skipped; if no step proves the rule and one raised, the pair
    is NOT_JUDGED rather than NOT_SOLVED, since the failed step might have proven it.
    """
    checks = [(candidate - truth, _is_zero)] if rule == "identical" else [
        (candidate - truth, _is_constant), (candidate / truth, _is_nonzero_constant)]
    failed = False
    for step in _STEPS:
        for expr, holds in checks:
            try:
                if holds(step(expr)):
                    return Verdict.SOLVED
            except _SYMPY_ERRORS:
                failed = True
    return Verdict.NOT_JUDGED if failed else Verdict.NOT_SOLVED


def _is_zero(expr: sympy.Expr) -> bool:
    return expr == 0


def _is_constant(expr: sympy.Expr) -> bool:
    """A finite number, possibly involving pi or E: no free symbols."""
    return not expr.free_symbols and not expr.has(*_NOT_FINITE)


def _is_nonzero_constant(expr: sympy.Expr) -> bool:
    return _is_constant(expr) and expr.is_zero is False


def _numeric(rule: str, candidate: sympy.Expr, truth: sympy.Expr, digits: int,
             ranges: Ranges) -> Verdict:
    """Decide `rule` from both sides' values at random points, for pairs SymPy could not decide.

    NOT_JUDGED when fewer than _MIN_POINTS points give both sides finite real values.
    """
    with mpmath.workdps(_WORKING_DIGITS):
        pairs = _values(candidate, truth, ranges)
        if len(pairs) < _MIN_POINTS:
            return Verdict.NOT_JUDGED
        tolerance = _tolerance(digits)
        if rule == "identical":
            holds = _differ_by(pairs, mpmath.mpf(0), tolerance)
        else:
            first_candidate, first_truth = pairs[0]
            holds = (_differ_by(pairs, first_candidate - first_truth, tolerance)
                     or _ratio_is_nonzero_constant(pairs, tolerance))
    return Verdict.SOLVED if holds else Verdict.NOT_SOLVED


def _tolerance(digits: int) -> mpmath.mpf:
    """Relative difference below which the numeric check takes the two sides as equal."""
    # Both sides hold their constants rounded to `digits` digits as exact rationals, so when
    # the rule holds they agree to the working precision (1e-50 relative, less cancellation).
    # When it fails only because two constants rounded differently, those differ by at
    # least one unit in their last digit, 10**-digits relative, and so do the sides, give or
    # take the formula's sensitivity to the constant. 10**-(2*digits) (1e-6 for 3 digits) lies
    # deep inside that gap; it is capped at half the working digits so that cancellation in
    # the evaluation cannot pass for a difference. A tolerance of the rounding's own size
    # (1e-3) would be looser than SymPy's exact rule, and make the verdict on a close but
    # wrong formula depend on whether SymPy finished in time.
    return mpmath.mpf(10) ** -min(2 * digits, _WORKING_DIGITS // 2)


def _values(candidate: sympy.Expr, truth: sympy.Expr,
            ranges: Ranges) -> list[tuple[mpmath.mpf, mpmath.mpf]]:
    """Both sides at _POINTS random points, keeping the points where both are finite reals."""
    symbols = sorted(candidate.free_symbols | truth.free_symbols, key=lambda s: s.name)
    try:
        sides = [sympy.lambdify(symbols, side, modules="mpmath") for side in (candidate, truth)]
    except _EVALUATION_ERRORS:
        return []
    pairs = []
    for point in _points(symbols, ranges):
        try:
            pair = tuple(_real(side(*point)) for side in sides)
        except _EVALUATION_ERRORS:
            continue
        if all(value is not None for value in pair):
            pairs.append(pair)
    return pairs


def _points(symbols: list[sympy.Symbol], ranges: Ranges) -> list[list[mpmath.mpf]]:
    """_POINTS points, a value per symbol (see _draw), the same at every call so that
    verdicts are reproducible."""
    rng = np.random.default_rng(0)
    columns = [_draw(symbol, ranges.get(symbol.name), rng) for symbol in symbols]
    rows = np.array(columns, dtype=float).reshape(len(symbols), _POINTS).T
    return [[mpmath.mpf(value) for value in row] for row in rows.tolist()]


def _draw(symbol: sympy.Symbol, bounds: tuple[float, float] | None,
          rng: np.random.Generator) -> np.ndarray:
    """Values of one variable: uniform in `bounds` if known, else in _DEFAULT_RANGE, with a
    random sign unless the symbol is positive (a real one may be negative, as in SymPy)."""
    if bounds is not None:
        return rng.uniform(*bounds, _POINTS)
    magnitudes = rng.uniform(*_DEFAULT_RANGE, _POINTS)
    return magnitudes if symbol.is_positive else magnitudes * rng.choice((-1.0, 1.0), _POINTS)


def _real(value: object) -> mpmath.mpf | None:
    """value as an mpf if it is a finite real number, else None.

    Complex results (mpc) are rejected even with a zero imaginary part: the evaluation left
    the reals, as sqrt(x)*sqrt(y) does at negative x and y.
    """
    number = mpmath.mpmathify(value)
    if isinstance(number, mpmath.mpc) or not mpmath.isfinite(number):
        return None
    return number


def _differ_by(pairs: list[tuple[mpmath.mpf, mpmath.mpf]], offset: mpmath.mpf,
               tolerance: mpmath.mpf) -> bool:
    """candidate - truth equals `offset` at every point, relative to the values involved."""
    return all(abs(c - t - offset) <= tolerance * max(abs(c), abs(t), abs(offset))
               for c, t in pairs)


def _ratio_is_nonzero_constant(pairs: list[tuple[mpmath.mpf, mpmath.mpf]],
                               tolerance: mpmath.mpf) -> bool:
    """candidate / truth is the same nonzero number wherever truth is nonzero."""
    ratios = [c / t for c, t in pairs if t != 0]
    if not ratios or ratios[0] == 0:
        return False
    return all(abs(r - ratios[0]) <= tolerance * max(abs(r), abs(ratios[0])) for r in ratios)
