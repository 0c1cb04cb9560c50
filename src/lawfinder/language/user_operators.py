"""Operators of the user's own: a NumPy function, its derivative, its SymPy form, a unit rule.

The compiled evaluator cannot call Python functions, so formulas holding a user operator
are evaluated by a NumPy walk (`lawfinder.evaluate.numpy_walk`) and the others stay in
the kernel. Everything is checked when the operator is made, at fixed points, so that a
wrong derivative or SymPy form fails there, by name, and not as a fit that goes astray.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from lawfinder.errors import LawfinderError
from lawfinder.language.library import OPERATORS, Operator, Rule, sympy_head

UNITS = ("dimensionless", "power", "same")
# Where the checks look: of order one and positive, like the inputs the search sees.
_POINTS = np.random.default_rng(0).uniform(0.1, 2.0, (2, 16))
_STEP = 1e-6


class UserOperator(Operator):
    """An operator of one's own, passed in `operators` like a built-in's name.

    `function(a)` (or `function(a, b)`) takes and returns NumPy arrays of one shape;
    `derivative` gives d function / d a (or the pair (d/da, d/db)); `sympy` builds the
    SymPy form from SymPy expressions (`sympy.erf`, or a lambda). `units`: "dimensionless"
    (children and value pure numbers, as for exp), "same" (the value has the child's units,
    as for abs; for two children both have them, as for add) or "power" (value units =
    `power` x child units, as for sqrt, one child). Made, it checks the derivative against
    central differences and the SymPy form against the function at points in [0.1, 2].
    The search's islands rebuild it in other processes when its functions are defined in
    a module (not lambdas, not the script's own); otherwise the search runs in one.

        def erf_slope(a):
            return 2 / np.sqrt(np.pi) * np.exp(-a**2)

        erf = UserOperator("erf", 1, scipy.special.erf, erf_slope, sympy.erf)
    """

    def __init__(self, name: str, arity: int, function: Callable[..., Any],
                 derivative: Callable[..., Any], sympy: Callable[..., sympy.Expr],
                 units: str = "dimensionless", power: Fraction | int | str = 1):
        _check_signature(name, arity, function, derivative, sympy, units)
        rule, exponent = _rule(name, arity, units, power)
        super().__init__(arity, rule, sympy, exponent)
        for field, value in (("name", name), ("function", function),
                             ("derivative", derivative), ("units", units)):
            object.__setattr__(self, field, value)
        _check_derivative(self)
        _check_sympy(self)
        # The SymPy function class when the form is one call of it on the children (erf(a)),
        # which exports and simplification map back to this operator; else None.
        object.__setattr__(self, "head", sympy_head(self))

    def numerics(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        """(value, derivative by each child) at arrays `args` of one shape, NaN-silent."""
        with np.errstate(all="ignore"):
            value = self.function(*args)
            slopes = self.derivative(*args)
        slopes = (slopes,) if self.arity == 1 else tuple(slopes)
        shape = np.shape(args[0])
        return tuple(np.broadcast_to(np.asarray(v, dtype=float), shape)
                     for v in (value, *slopes))

    @property
    def portable(self) -> bool:
        """Whether other processes (the search's islands) can rebuild the operator: its
        functions pickle by reference to a module they can import (not the script's
        __main__, not a lambda)."""
        try:
            return b"__main__" not in pickle.dumps(self)
        except (pickle.PicklingError, AttributeError, TypeError):
            return False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UserOperator) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[Any, ...]:
        return (self.name, self.arity, self.rule, self.power, self.function, self.derivative,
                self.sympy)

    def __repr__(self) -> str:  # no addresses: checkpoints compare settings by their repr
        power = f", power={str(self.power)!r}" if self.units == "power" else ""
        return f"UserOperator({self.name!r}, arity={self.arity}, units={self.units!r}{power})"


def _check_signature(name: Any, arity: Any, function: Any, derivative: Any, form: Any,
                     units: Any) -> None:
    """The plain parts: a fresh identifier, arity 1 or 2, callables, a known units rule."""
    if not (isinstance(name, str) and name.isidentifier()):
        raise LawfinderError(f"a user operator's name must be an identifier such as 'erf', "
                             f"got {name!r}")
    if name in OPERATORS:
        raise LawfinderError(f"{name!r} is a built-in operator: pass the name {name!r} in "
                             "operators, or give yours another name")
    if arity not in (1, 2) or isinstance(arity, bool):
        raise LawfinderError(f"user operator {name!r}: arity must be 1 or 2, got {arity!r}")
    for what, value in (("function", function), ("derivative", derivative), ("sympy", form)):
        if not callable(value):
            raise LawfinderError(f"user operator {name!r}: {what} must be callable, got "
                                 f"{value!r}")
    if units not in UNITS:
        raise LawfinderError(f"user operator {name!r}: units must be one of {UNITS}, got "
                             f"{units!r}")


def _rule(name: str, arity: int, units: str, power: Any) -> tuple[Rule, Fraction]:
    """The library's unit rule and power of a (name, arity, units, power) description."""
    try:
        exponent = Fraction(power)
    except (TypeError, ValueError, ZeroDivisionError):
        raise LawfinderError(f"user operator {name!r}: power must be a rational number such "
                             f"as 3 or '1/3', got {power!r}") from None
    if units != "power" and exponent != 1:
        raise LawfinderError(f"user operator {name!r}: power={power!r} needs units='power'")
    if units == "power" and (arity != 1 or exponent == 0):
        raise LawfinderError(f"user operator {name!r}: units='power' takes one child and a "
                             f"nonzero power, got arity {arity} and power {power!r}")
    if units == "dimensionless":
        return Rule.DIMENSIONLESS, exponent
    return (Rule.SAME if arity == 2 else Rule.POWER), exponent


def _check_derivative(op: UserOperator) -> None:
    """Shapes, then the derivative against central differences of the function."""
    args = tuple(_POINTS[:op.arity])
    shape = args[0].shape
    try:
        value = np.asarray(op.function(*args), dtype=float)
        slopes = op.derivative(*args)
        slopes = [np.asarray(s, dtype=float) for s in ([slopes] if op.arity == 1 else slopes)]
    except Exception as exc:  # the user's code: say whose it was and what it raised
        raise LawfinderError(f"user operator {op.name!r}: its function or derivative failed "
                             f"on NumPy arrays ({type(exc).__name__}: {exc}); both must take "
                             "arrays and return arrays of their shape") from exc
    if len(slopes) != op.arity or not all(_fits(a.shape, shape) for a in (value, *slopes)):
        pair = " (the derivative: the pair d/da, d/db)" if op.arity == 2 else ""
        got = [s.shape for s in slopes] if len(slopes) <= 2 else f"{len(slopes)} numbers"
        raise LawfinderError(f"user operator {op.name!r}: its function and derivative must "
                             f"work elementwise, returning arrays of the inputs' shape{pair}; "
                             f"for inputs of shape {shape} they returned {value.shape} and "
                             f"{got}")
    for k, slope in enumerate(slopes):
        step = _STEP * np.maximum(1.0, np.abs(args[k]))
        up, down = (np.asarray(op.function(*(a + sign * step if i == k else a
                                             for i, a in enumerate(args))), dtype=float)
                    for sign in (1, -1))
        what = "derivative" + (f" by child {k + 1}" if op.arity == 2 else "")
        _agree(op, what, slope, (up - down) / (2 * step), 1e-4,
               "central differences of its function give", "derivative")


def _fits(got: tuple[int, ...], shape: tuple[int, ...]) -> bool:
    """Whether an output of shape `got` broadcasts to the inputs' `shape`."""
    try:
        return np.broadcast_shapes(got, shape) == shape
    except ValueError:
        return False


def _check_sympy(op: UserOperator) -> None:
    """The SymPy form, evaluated by SymPy itself, against the NumPy function."""
    args = _POINTS[:op.arity]
    value = op.numerics(*args)[0]
    try:
        form = [complex(sympy.N(op.sympy(*map(sympy.Float, point)), 17)) for point in args.T]
    except (TypeError, ValueError, AttributeError) as exc:
        raise LawfinderError(f"user operator {op.name!r}: its sympy form does not give a "
                             f"number at {args.T[0].tolist()} ({exc}); give SymPy functions "
                             "such as sympy.erf or a lambda of SymPy operations") from exc
    form = np.array([z.real if z.imag == 0 else np.nan for z in form])
    _agree(op, "sympy form", form, value, 1e-8, "its function gives", "sympy form")


def _agree(op: UserOperator, what: str, got: np.ndarray, expected: np.ndarray, rtol: float,
           reference: str, fix: str) -> None:
    """A clear error at the first point where `got` and `expected` differ beyond rtol."""
    finite = np.isfinite(expected)
    if not finite.any():
        raise LawfinderError(f"user operator {op.name!r}: its function gives no finite value "
                             "in [0.1, 2], where lawfinder checks it")
    bad = ~np.isclose(got, expected, rtol=rtol, atol=rtol * np.abs(expected[finite]).max())
    bad &= finite
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        point = ", ".join(f"{p:.6g}" for p in _POINTS[:op.arity, i])
        raise LawfinderError(f"user operator {op.name!r}: its {what} is {got[i]:.10g} at "
                             f"({point}) but {reference} {expected[i]:.10g} there; fix "
                             f"the {fix}")
