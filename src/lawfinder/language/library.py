"""The token set: operators, variables and constants, each with its arity and unit rule.

`OPERATORS` is the one table of the built-in operators: what the units rules, the priors,
SymPy and simplification know of each is its entry, and other modules derive their maps
from it. The numerics stay in the compiled kernel (`lawfinder.evaluate.compiled`), as
numba cannot read a Python table: a new operator is one entry here plus one kernel branch,
and tests/language/test_library.py fails until both are there and agree.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from lawfinder.errors import LawfinderError
from lawfinder.language.known_constants import KnownConstant, known_constants
from lawfinder.units.dimension import DIMENSIONLESS, Dimension


class Kind(enum.Enum):
    BINARY = "binary"
    UNARY = "unary"
    VARIABLE = "variable"
    FIXED = "fixed constant"
    FREE = "free constant"
    DATASET = "per-dataset constant"  # a free constant with one value per dataset (Class SR)


class Rule(enum.Enum):
    """How an operator's units relate to its children's (DESIGN.md, 'Units')."""

    SAME = "same"            # add, sub: both children have the node's units
    PRODUCT = "product"      # mul: units add up
    QUOTIENT = "quotient"    # div: units subtract
    POWER = "power"          # n2, sqrt, inv, ...: node units = power * child units
    DIMENSIONLESS = "dimensionless"  # exp, log, sin, pow: every child and the node dimensionless
    TERMINAL = "terminal"    # variables and constants carry their own units


@dataclass(frozen=True)
class Operator:
    """Everything lawfinder knows of one operator but its numerics: arity, units rule,
    SymPy form, and what the priors and simplification read. The numerics (value and
    derivative) of the built-in ones live in the compiled evaluator
    (`lawfinder.evaluate.compiled`), those of the user's own in `UserOperator`."""

    arity: int
    rule: Rule
    sympy: Callable[..., sympy.Expr]
    power: Fraction = Fraction(1)
    family: str = ""   # nesting prior: no exp in exp, no trig in trig, ...
    inverse: str = ""  # the operator it undoes both ways, f(g(x)) = g(f(x)) = x: log, exp
    # Other children it is no use over: it undoes them on part of their domain
    # (sqrt(x**2) is |x|, asin(sin x) is x near 0) or leaves them as they are (abs of exp).
    useless_over: frozenset[str] = frozenset()
    equal_children: str = ""  # what op(A, A) is: "a number" (A - A, A / A) or "a multiple"
                              # (A + A, whose factor 2 a free constant absorbs)


OPERATORS: dict[str, Operator] = {
    "add": Operator(2, Rule.SAME, lambda a, b: a + b, equal_children="a multiple"),
    "sub": Operator(2, Rule.SAME, lambda a, b: a - b, equal_children="a number"),
    "mul": Operator(2, Rule.PRODUCT, lambda a, b: a * b),
    "div": Operator(2, Rule.QUOTIENT, lambda a, b: a / b, equal_children="a number"),
    "neg": Operator(1, Rule.POWER, lambda a: -a, inverse="neg"),
    "abs": Operator(1, Rule.POWER, sympy.Abs,
                    useless_over=frozenset({"abs", "n2", "exp", "sqrt"})),
    "inv": Operator(1, Rule.POWER, lambda a: 1 / a, Fraction(-1), inverse="inv"),
    "n2": Operator(1, Rule.POWER, lambda a: a**2, Fraction(2), useless_over=frozenset({"sqrt"})),
    "n3": Operator(1, Rule.POWER, lambda a: a**3, Fraction(3)),
    "sqrt": Operator(1, Rule.POWER, sympy.sqrt, Fraction(1, 2), useless_over=frozenset({"n2"})),
    "exp": Operator(1, Rule.DIMENSIONLESS, sympy.exp, family="exp", inverse="log"),
    "log": Operator(1, Rule.DIMENSIONLESS, sympy.log, family="log", inverse="exp"),
    "sin": Operator(1, Rule.DIMENSIONLESS, sympy.sin, family="trig",
                    useless_over=frozenset({"asin"})),
    "cos": Operator(1, Rule.DIMENSIONLESS, sympy.cos, family="trig",
                    useless_over=frozenset({"acos"})),
    "tan": Operator(1, Rule.DIMENSIONLESS, sympy.tan, family="trig",
                    useless_over=frozenset({"atan"})),
    "tanh": Operator(1, Rule.DIMENSIONLESS, sympy.tanh, family="tanh"),
    "asin": Operator(1, Rule.DIMENSIONLESS, sympy.asin, family="inverse trig",
                     useless_over=frozenset({"sin"})),
    "acos": Operator(1, Rule.DIMENSIONLESS, sympy.acos, family="inverse trig",
                     useless_over=frozenset({"cos"})),
    "atan": Operator(1, Rule.DIMENSIONLESS, sympy.atan, family="inverse trig",
                     useless_over=frozenset({"tan"})),
    "log10": Operator(1, Rule.DIMENSIONLESS, lambda a: sympy.log(a, 10), family="log"),
    # pow(a, b) = a**b, b mostly a fitted constant: x**c where n2, sqrt, ... fix the power.
    # A real power of a quantity has no units, so both children are pure numbers. Defined
    # for a > 0 (NaN elsewhere, a**b's slope in b being a**b*log(a)); not a default operator.
    "pow": Operator(2, Rule.DIMENSIONLESS, lambda a, b: a**b),
}

# (parent, child) pairs of built-in operators, from the table: exact inverses (log(exp x)
# is x), and every pair whose parent is no use over its child, which the priors forbid.
INVERSE_PAIRS = frozenset((name, op.inverse) for name, op in OPERATORS.items() if op.inverse)
USELESS_PAIRS = INVERSE_PAIRS | {(name, child) for name, op in OPERATORS.items()
                                 for child in op.useless_over}


def sympy_head(operator: Operator) -> type | None:
    """The SymPy function class when the operator's form is one call of it on the children
    (exp(a), erf(a)), which simplification and exports map back to the operator; else None."""
    children = sympy.symbols(f"a:{operator.arity}", real=True)
    form = operator.sympy(*children)
    return form.func if isinstance(form, sympy.Function) and form.args == children else None


DEFAULT_OPERATORS = ("add", "sub", "mul", "div", "neg", "inv", "n2", "sqrt", "exp", "log",
                     "sin", "cos")


@dataclass(frozen=True)
class Token:
    """One symbol a formula can hold."""

    name: str
    kind: Kind
    dim: Dimension = DIMENSIONLESS  # units of a terminal
    value: float = 0.0              # value of a fixed constant, in the units of the inputs
                                    # it is evaluated on: SI, or scaled (`Library.scaled`)
    known: KnownConstant | None = None  # a fixed constant as given: value, units, SI factor
    index: int = -1                 # column of a variable, slot of a free constant (the
                                    # first of its datasets' slots for a per-dataset one)
    complexity: float = 1.0
    user_operator: Operator | None = None  # a UserOperator; built-ins are found by name

    @property
    def arity(self) -> int:
        return self.operator.arity if self.kind in (Kind.BINARY, Kind.UNARY) else 0

    @property
    def operator(self) -> Operator:
        return self.user_operator or OPERATORS[self.name]


class Library:
    """An ordered token set plus the per-token arrays the sampler and evaluator read.

    Fitted constants live in slots, the columns of a (B, K) constants array: one slot per
    shared free constant, then `n_datasets` consecutive slots per per-dataset constant
    (its value in dataset 0, 1, ...). A library with `n_datasets` evaluates inputs whose
    last column is each row's dataset index (`lawfinder.evaluate.prefix.evaluate`).
    """

    def __init__(self, tokens: Sequence[Token], n_datasets: int = 0):
        self.tokens = tuple(tokens)
        self.n_datasets = n_datasets
        self.names = _keys(self.tokens)
        self.index = {name: i for i, name in enumerate(self.names)}
        # A terminal by its own name, as SymPy symbols carry it (an input called exp too).
        self.terminal = {t.name: i for i, t in enumerate(self.tokens) if not t.arity}
        kinds = [t.kind for t in self.tokens]
        self.arity = np.array([t.arity for t in self.tokens])                      # (T,)
        self.is_terminal = self.arity == 0                                           # (T,)
        # Pure numbers (1, pi, dimensionless known constants) ground no subtree: cos(1) is a
        # constant a free one would fit. A known constant with units (c, G) is a physical
        # quantity, and units and priors treat it as they treat an input.
        self.is_number = np.array([k is Kind.FIXED and t.dim.is_dimensionless
                                   for k, t in zip(kinds, self.tokens)])
        # User operators' numerics are Python functions, which the compiled kernel cannot call.
        self.is_user = np.array([t.user_operator is not None for t in self.tokens], dtype=bool)
        self.user_operators = tuple(t.user_operator for t in self.tokens if t.user_operator)
        # Both kinds of fitted constant, shared or per dataset: units and priors treat them alike.
        self.is_free = np.array([k in (Kind.FREE, Kind.DATASET) for k in kinds])
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
        self.dataset_names = tuple(t.name for t in self.tokens if t.kind is Kind.DATASET)
        # Per slot (K,): the token it belongs to, and that token's name and units.
        self.free = ([i for i, k in enumerate(kinds) if k is Kind.FREE]
                     + [i for i, k in enumerate(kinds) if k is Kind.DATASET
                        for _ in range(n_datasets)])
        if any(self.tokens[t].index != self.free.index(t) for t in set(self.free)):
            raise ValueError("constant tokens' slots must follow the library's layout: shared "
                             "constants first, then n_datasets slots per per-dataset constant")
        self.n_free = len(self.free)
        self.shared = np.array([self.tokens[t].kind is Kind.FREE for t in self.free],
                               dtype=bool)                                          # (K,)
        self.free_names = tuple(self.tokens[i].name for i in self.free)
        self.shared_names = tuple(n for n, shared in zip(self.free_names, self.shared) if shared)
        self.free_dims = tuple(self.tokens[i].dim for i in self.free)
        self.free_dimensionless = np.array([d.is_dimensionless for d in self.free_dims],
                                           dtype=bool)                              # (K,)

    def __len__(self) -> int:
        return len(self.tokens)

    def scaled(self, scale_of: Callable[[Sequence[Dimension]], np.ndarray]) -> Library:
        """This library with each known constant's value in scaled units, its SI value over
        `scale_of` its units (`lawfinder.units.scaling.Frame.scale_of`): the number a
        formula needs on inputs scaled so."""
        return Library([replace(t, value=t.known.si / float(scale_of([t.dim])[0]))
                        if t.known else t for t in self.tokens], self.n_datasets)

    def __repr__(self) -> str:
        return f"Library({', '.join(self.names)})"


def _keys(tokens: Sequence[Token]) -> tuple[str, ...]:
    """Each token's key in `Library.index`: its name, but primed (exp', exp'', ...) for an
    input or constant named like one of the library's operators, so the rules that name
    operators (mul, sub, log of exp) never take the column for the operator."""
    keys = [t.name for t in tokens]
    for i, token in enumerate(tokens):
        while not token.arity and keys.count(keys[i]) > 1:
            keys[i] += "'"
    return tuple(keys)


def _operator_tokens(operators: Any) -> list[Token]:
    """Tokens of the operators: built-in ones by name, the user's own as their objects
    (`lawfinder.UserOperator`, told apart by having a `name`)."""
    listed = isinstance(operators, Iterable) and not isinstance(operators, str)
    given = list(operators) if listed else []
    if not listed or not all(isinstance(op, str) or (isinstance(op, Operator)
                                                     and hasattr(op, "name")) for op in given):
        raise LawfinderError(f"operators must be a list of names such as ['add', 'mul'], and "
                             f"UserOperator objects, got {operators!r}")
    tokens = []
    for op in given:
        if not isinstance(op, str):
            tokens.append(Token(op.name, Kind.BINARY if op.arity == 2 else Kind.UNARY,
                                user_operator=op))
            continue
        if op not in OPERATORS:
            close = difflib.get_close_matches(op, OPERATORS, n=3)
            hint = f" Did you mean {', '.join(close)}?" if close else ""
            raise LawfinderError(f"unknown operator {op!r}.{hint} Available: "
                                 f"{', '.join(OPERATORS)}; an operator of your own is passed "
                                 "as its object, operators=[..., lawfinder.UserOperator(...)]")
        tokens.append(Token(op, Kind.BINARY if OPERATORS[op].arity == 2 else Kind.UNARY))
    return tokens


def build_library(operators: Sequence[str | Operator],
                  variables: Sequence[tuple[str, Dimension]],
                  free_constants: Mapping[str, Dimension],
                  fixed_constants: Sequence[str | KnownConstant] = ("1",),
                  dataset_constants: Mapping[str, Dimension] | None = None,
                  n_datasets: int = 0) -> Library:
    """Assemble operators (names of built-in ones, or UserOperator objects), input
    variables, fixed and free constants into a Library.

    `fixed_constants` are items as `lawfinder.language.known_constants` reads them ("pi",
    "c", "g=9.80665 m/s^2"); their tokens hold SI values until `Library.scaled`.

    With `n_datasets`, the inputs come from that many datasets (Class SR) and each of
    `dataset_constants` takes one value per dataset; the free constants are shared.
    """
    dataset_constants = dict(dataset_constants or {})
    if dataset_constants and n_datasets < 1:
        raise LawfinderError(f"the per-dataset constants {list(dataset_constants)} need the "
                             "data's datasets: pass groups=, one dataset label per row")
    fixed = known_constants(fixed_constants)
    tokens = _operator_tokens(operators)
    operators = [t.name for t in tokens]
    for column, (name, dim) in enumerate(variables):
        tokens.append(Token(name, Kind.VARIABLE, dim, index=column))
    for constant in fixed:
        tokens.append(Token(constant.name, Kind.FIXED, constant.dim, constant.si, known=constant))
    for slot, (name, dim) in enumerate(free_constants.items()):
        tokens.append(Token(name, Kind.FREE, dim, index=slot))
    for k, (name, dim) in enumerate(dataset_constants.items()):
        tokens.append(Token(name, Kind.DATASET, dim, index=len(free_constants) + k * n_datasets))
    if len(free_constants) + len(dataset_constants) > 63:  # the evaluator's bit masks
        raise LawfinderError(f"{len(free_constants) + len(dataset_constants)} free and "
                             "per-dataset constants were given; lawfinder takes at most 63")
    names = [t.name for t in tokens if not t.arity]  # an operator's name is free to take
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise LawfinderError(f"names used twice among variables and constants: "
                             f"{duplicates}; rename the variable or constant")
    if len(set(operators)) != len(operators):
        raise LawfinderError(f"operators listed twice in {list(operators)}")
    return Library(tokens, n_datasets)
