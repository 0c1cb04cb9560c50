"""The token set: operators, variables and constants, each with its arity and unit rule."""

from __future__ import annotations

import difflib
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from lawfinder.errors import LawfinderError
from lawfinder.units.dimension import DIMENSIONLESS, Dimension


class Kind(enum.Enum):
    BINARY = "binary"
    UNARY = "unary"
    VARIABLE = "variable"
    FIXED = "fixed constant"
    FREE = "free constant"


class Rule(enum.Enum):
    """How an operator's units relate to its children's (DESIGN.md, 'Units')."""

    SAME = "same"            # add, sub: both children have the node's units
    PRODUCT = "product"      # mul: units add up
    QUOTIENT = "quotient"    # div: units subtract
    POWER = "power"          # n2, sqrt, inv, ...: node units = power * child units
    DIMENSIONLESS = "dimensionless"  # exp, log, sin, ...: child and node dimensionless
    TERMINAL = "terminal"    # variables and constants carry their own units


@dataclass(frozen=True)
class Operator:
    """What the units rules and SymPy know of one operator; its numerics (value and
    derivative) live in the compiled evaluator (`lawfinder.evaluate.compiled`)."""

    arity: int
    rule: Rule
    sympy: Callable[..., sympy.Expr]
    power: Fraction = Fraction(1)
    family: str = ""  # nesting prior: no exp in exp, no trig in trig, ...


OPERATORS: dict[str, Operator] = {
    "add": Operator(2, Rule.SAME, lambda a, b: a + b),
    "sub": Operator(2, Rule.SAME, lambda a, b: a - b),
    "mul": Operator(2, Rule.PRODUCT, lambda a, b: a * b),
    "div": Operator(2, Rule.QUOTIENT, lambda a, b: a / b),
    "neg": Operator(1, Rule.POWER, lambda a: -a),
    "abs": Operator(1, Rule.POWER, sympy.Abs),
    "inv": Operator(1, Rule.POWER, lambda a: 1 / a, Fraction(-1)),
    "n2": Operator(1, Rule.POWER, lambda a: a**2, Fraction(2)),
    "n3": Operator(1, Rule.POWER, lambda a: a**3, Fraction(3)),
    "sqrt": Operator(1, Rule.POWER, sympy.sqrt, Fraction(1, 2)),
    "exp": Operator(1, Rule.DIMENSIONLESS, sympy.exp, family="exp"),
    "log": Operator(1, Rule.DIMENSIONLESS, sympy.log, family="log"),
    "sin": Operator(1, Rule.DIMENSIONLESS, sympy.sin, family="trig"),
    "cos": Operator(1, Rule.DIMENSIONLESS, sympy.cos, family="trig"),
    "tan": Operator(1, Rule.DIMENSIONLESS, sympy.tan, family="trig"),
    "tanh": Operator(1, Rule.DIMENSIONLESS, sympy.tanh, family="tanh"),
    "asin": Operator(1, Rule.DIMENSIONLESS, sympy.asin, family="inverse trig"),
    "acos": Operator(1, Rule.DIMENSIONLESS, sympy.acos, family="inverse trig"),
    "atan": Operator(1, Rule.DIMENSIONLESS, sympy.atan, family="inverse trig"),
    "log10": Operator(1, Rule.DIMENSIONLESS, lambda a: sympy.log(a, 10), family="log"),
}

# Pairs (parent, child) that undo each other or do nothing useful: log(exp(x)) is x.
USELESS_PAIRS = frozenset({("log", "exp"), ("exp", "log"), ("inv", "inv"), ("neg", "neg"),
                           ("sqrt", "n2"), ("n2", "sqrt"), ("abs", "abs"), ("abs", "n2"),
                           ("abs", "exp"), ("abs", "sqrt"), ("sin", "asin"),
                           ("cos", "acos"), ("tan", "atan"), ("asin", "sin"),
                           ("acos", "cos"), ("atan", "tan")})

DEFAULT_OPERATORS = ("add", "sub", "mul", "div", "neg", "inv", "n2", "sqrt", "exp", "log",
                     "sin", "cos")
FIXED_CONSTANTS = {"1": 1.0, "pi": float(np.pi)}


@dataclass(frozen=True)
class Token:
    """One symbol a formula can hold."""

    name: str
    kind: Kind
    dim: Dimension = DIMENSIONLESS  # units of a terminal
    value: float = 0.0              # value of a fixed constant
    index: int = -1                 # column of a variable, slot of a free constant
    complexity: float = 1.0

    @property
    def arity(self) -> int:
        return OPERATORS[self.name].arity if self.kind in (Kind.BINARY, Kind.UNARY) else 0

    @property
    def operator(self) -> Operator:
        return OPERATORS[self.name]


class Library:
    """An ordered token set plus the per-token arrays the sampler and evaluator read."""

    def __init__(self, tokens: Sequence[Token]):
        self.tokens = tuple(tokens)
        self.names = tuple(t.name for t in self.tokens)
        self.index = {name: i for i, name in enumerate(self.names)}
        kinds = [t.kind for t in self.tokens]
        self.arity = np.array([t.arity for t in self.tokens])                      # (T,)
        self.is_terminal = self.arity == 0                                           # (T,)
        self.is_fixed = np.array([k is Kind.FIXED for k in kinds])
        self.is_free = np.array([k is Kind.FREE for k in kinds])
        self.complexity = np.array([t.complexity for t in self.tokens])
        self.dims2 = np.array([t.dim.doubled() for t in self.tokens], dtype=np.int64)  # (T, 7)
        operators = [t.operator if t.arity else None for t in self.tokens]
        self.rule = [op.rule if op else Rule.TERMINAL for op in operators]
        self.rule_code = np.array([list(Rule).index(r) for r in self.rule])          # (T,)
        self.power_num = np.array([op.power.numerator if op else 1 for op in operators])
        self.power_den = np.array([op.power.denominator if op else 1 for op in operators])
        self.families = sorted({op.family for op in operators if op and op.family})
        self.family = np.array([self.families.index(op.family) if op and op.family else -1
                                for op in operators])                              # (T,)
        self.useless = np.array([[(a, b) in USELESS_PAIRS for b in self.names]
                                 for a in self.names], dtype=bool)                 # (T parent, T child)
        self.free = [i for i, k in enumerate(kinds) if k is Kind.FREE]
        self.n_free = len(self.free)
        self.free_names = tuple(self.names[i] for i in self.free)
        self.free_dims = tuple(self.tokens[i].dim for i in self.free)
        self.free_dimensionless = np.array([d.is_dimensionless for d in self.free_dims],
                                           dtype=bool)                              # (K,)

    def __len__(self) -> int:
        return len(self.tokens)

    def __repr__(self) -> str:
        return f"Library({', '.join(self.names)})"


def _names(values: Any, what: str, example: str) -> list[str]:
    """Token names given as a list (or any iterable) of strings; a LawfinderError otherwise."""
    names = list(values) if isinstance(values, Iterable) and not isinstance(values, str) else None
    if names is None or not all(isinstance(name, str) for name in names):
        raise LawfinderError(f"{what} must be a list of names such as {example}, got {values!r}")
    return names


def build_library(operators: Sequence[str], variables: Sequence[tuple[str, Dimension]],
                  free_constants: Mapping[str, Dimension],
                  fixed_constants: Sequence[str] = ("1",)) -> Library:
    """Assemble operators, input variables, fixed and free constants into a Library."""
    operators = _names(operators, "operators", "['add', 'mul']")
    fixed_constants = _names(fixed_constants, "fixed_constants", "['1', 'pi']")
    tokens: list[Token] = []
    for name in operators:
        if name not in OPERATORS:
            close = difflib.get_close_matches(name, OPERATORS, n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise LawfinderError(f"unknown operator {name!r}.{hint} Available: {', '.join(OPERATORS)}")
        kind = Kind.BINARY if OPERATORS[name].arity == 2 else Kind.UNARY
        tokens.append(Token(name, kind))
    for column, (name, dim) in enumerate(variables):
        tokens.append(Token(name, Kind.VARIABLE, dim, index=column))
    for name in fixed_constants:
        if name not in FIXED_CONSTANTS:
            raise LawfinderError(f"unknown fixed constant {name!r}; available: {', '.join(FIXED_CONSTANTS)}")
        tokens.append(Token(name, Kind.FIXED, value=FIXED_CONSTANTS[name]))
    for slot, (name, dim) in enumerate(free_constants.items()):
        tokens.append(Token(name, Kind.FREE, dim, index=slot))
    names = [t.name for t in tokens]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise LawfinderError(f"names used twice among operators, variables and constants: "
                             f"{duplicates}; rename the variable or constant")
    if len(set(operators)) != len(operators):
        raise LawfinderError(f"operators listed twice in {list(operators)}")
    return Library(tokens)
