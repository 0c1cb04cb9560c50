"""Batches of prefix formulas: vectorised evaluation (with constant Jacobians) and SymPy form.

Evaluation walks each formula from its last token to its first with a value stack, in
the compiled kernel of `compiled` (DESIGN.md, 'Constants'); formulas that hold a user
operator, whose numerics are Python functions, in the NumPy walk of `numpy_walk`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache, partial

import numpy as np
import sympy

from lawfinder.evaluate import compiled, numpy_walk
from lawfinder.language.known_constants import NUMBERS
from lawfinder.language.library import Kind, Library

# The pure numbers of `known_constants` as SymPy writes them: 1, pi.
_NUMBERS = {name: sympy.sympify(name) for name in NUMBERS}


def evaluate(tokens: np.ndarray, library: Library, X: np.ndarray, constants: np.ndarray,
             jacobian: bool = False, by_token: bool = False, cache: np.ndarray | None = None
             ) -> tuple[np.ndarray, np.ndarray | None]:
    """Values (B, N) of formulas `tokens` (B, L) on inputs X (N, F) with constants (B, K).

    With `jacobian`, also d value / d constant (B, K, N) by forward-mode differentiation.
    A library with per-dataset constants reads each row's dataset index from the last
    column of X (`Library`). With `by_token` too, the derivatives are by constant token
    (B, J, N), the J tokens in slot order (`dict.fromkeys(library.free)`): at each row a
    per-dataset constant's is by the slot of that row's dataset, the others' are zero.
    Tokens past the library's are rows of `cache`, from `hoisting.hoisted` on the same X.
    """
    if library.dataset_names:
        _check_datasets(X, library.n_datasets)
    codes, tokens = kernel_codes(library), np.asarray(tokens)
    user = np.isin(tokens, np.flatnonzero(library.is_user)).any(axis=1)           # (B,)
    if not user.any():
        return compiled.walk(tokens, codes, X, constants, jacobian, by_token, cache)
    values = np.empty((len(tokens), len(X)))
    width = len(codes.local_slot) if by_token else library.n_free
    jac = np.empty((len(tokens), width, len(X))) if jacobian else None
    for rows, walk in ((~user, compiled.walk), (user, partial(numpy_walk.walk, library))):
        if rows.any():
            values[rows], rows_jac = walk(tokens[rows], codes, X, constants[rows], jacobian,
                                          by_token)
            if jacobian:
                jac[rows] = rows_jac
    return values, jac


def _check_datasets(X: np.ndarray, n_datasets: int) -> None:
    """The kernel indexes constants by the last column: it must hold dataset indices."""
    index = np.asarray(X, dtype=float)[:, -1] if np.ndim(X) == 2 and np.shape(X)[1] else None
    if index is None or not np.all((index >= 0) & (index < n_datasets) & (index % 1 == 0)):
        raise ValueError(f"the last column of X must hold each row's dataset index, an "
                         f"integer in [0, {n_datasets})")


@lru_cache(maxsize=8)  # a fit evaluates thousands of batches over a few libraries
def kernel_codes(library: Library) -> compiled.Codes:
    """Per token: the kernel's code, the column or slot it reads, the number it stands for;
    per constant token (shared ones in slot order, then per-dataset ones): its first slot."""
    terminal = {Kind.VARIABLE: compiled.VARIABLE, Kind.FIXED: compiled.FIXED,
                Kind.FREE: compiled.FREE, Kind.DATASET: compiled.DATASET}
    codes = [terminal[t.kind] if not t.arity else compiled.USER if t.user_operator else
             compiled.FIRST_UNARY + compiled.UNARY.index(t.name) if t.arity == 1 else
             compiled.FIRST_BINARY + compiled.BINARY.index(t.name) for t in library.tokens]
    constants = list(dict.fromkeys(library.free))          # constant tokens, slot order
    local = np.full(len(library), -1, dtype=np.int64)
    local[constants] = np.arange(len(constants))
    return compiled.Codes(np.array(codes, dtype=np.int64),
                          np.array([t.index for t in library.tokens], dtype=np.int64),
                          np.array([t.value for t in library.tokens], dtype=float), local,
                          np.array([library.tokens[t].index for t in constants], dtype=np.int64),
                          np.array([library.tokens[t].kind is Kind.DATASET for t in constants],
                                   dtype=np.bool_))


def padded(formulas: Sequence[Sequence[int]]) -> np.ndarray:
    """Formulas as one (B, L) token array, -1 after each one's end."""
    tokens = np.full((len(formulas), max(len(f) for f in formulas)), -1, dtype=np.int64)
    for i, f in enumerate(formulas):
        tokens[i, :len(f)] = f
    return tokens


def to_sympy(tokens: Sequence[int], library: Library,
             constants: Mapping[str, float | sympy.Expr] | None = None) -> sympy.Expr:
    """SymPy expression of one prefix formula; free constants as symbols unless given values
    (floats, or exact SymPy numbers).

    Variables, free constants and known constants other than 1 and pi (c, G: their values
    are `Token.known`) become ``Symbol(name)``, built from the name and never
    parsed from text: any name works, and E, I or pi as a column is that column, not
    SymPy's number of that name. A per-dataset constant stays a symbol unless `constants`
    holds a value for it (one dataset's).
    """
    position = 0

    def build() -> sympy.Expr:
        nonlocal position
        token = library.tokens[tokens[position]]
        position += 1
        if token.kind is Kind.VARIABLE:
            return sympy.Symbol(token.name)
        if token.kind is Kind.FIXED:
            return _NUMBERS.get(token.name) or sympy.Symbol(token.name)
        if token.kind in (Kind.FREE, Kind.DATASET):
            if constants is None or (token.kind is Kind.DATASET and token.name not in constants):
                return sympy.Symbol(token.name)
            value = constants[token.name]
            return value if isinstance(value, sympy.Expr) else sympy.Float(value)
        node = token.operator.sympy(*[build() for _ in range(token.arity)])
        if node.is_number and node.is_extended_real is not True:
            # asin(1 + pi), log(1 - pi): complex to SymPy, NaN to the evaluator. Kept complex,
            # the functions above them can send SymPy's evalf into hours of work.
            return sympy.nan
        return node

    return build()


def to_text(tokens: Sequence[int], library: Library) -> str:
    """Prefix formula as a compact infix string, e.g. 'mul(G, div(m1, n2(r)))'."""
    names = [library.names[t] for t in tokens]
    stack: list[str] = []
    for name, arity in zip(reversed(names), reversed([library.arity[t] for t in tokens])):
        args = [stack.pop() for _ in range(arity)]
        stack.append(f"{name}({', '.join(args)})" if arity else name)
    return stack[0] if stack else ""
