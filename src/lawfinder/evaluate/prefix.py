"""Batches of prefix formulas: vectorised evaluation (with constant Jacobians) and SymPy form.

Evaluation walks the prefix arrays from the last position to the first with a value
stack per formula; at each position it makes one NumPy call per token kind present
there, covering every formula that holds it (DESIGN.md, 'Constants').
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import sympy

from lawfinder.language.library import Kind, Library


def evaluate(tokens: np.ndarray, library: Library, X: np.ndarray, constants: np.ndarray,
             jacobian: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """Values (B, N) of formulas `tokens` (B, L) on inputs X (N, F) with constants (B, K).

    With `jacobian`, also d value / d constant (B, K, N) by forward-mode differentiation.
    """
    B, L = tokens.shape
    N, K = len(X), library.n_free
    depth = max_stack(tokens, library)
    val = np.empty((B, depth, N))
    jac = np.empty((B, depth, K, N)) if jacobian else None
    sp = np.zeros(B, dtype=np.int64)
    with np.errstate(all="ignore"):
        for pos in range(L - 1, -1, -1):
            column = tokens[:, pos]
            for t in np.unique(column[column >= 0]):
                rows = np.flatnonzero(column == t)
                _apply(library.tokens[t], rows, sp, val, jac, X, constants)
    values = val[:, 0]
    return values, (jac[:, 0] if jacobian else None)


def padded(formulas: Sequence[Sequence[int]]) -> np.ndarray:
    """Formulas as one (B, L) token array, -1 after each one's end."""
    tokens = np.full((len(formulas), max(len(f) for f in formulas)), -1, dtype=np.int64)
    for i, f in enumerate(formulas):
        tokens[i, :len(f)] = f
    return tokens


def max_stack(tokens: np.ndarray, library: Library) -> int:
    """Deepest value stack the right-to-left walk over `tokens` (B, L) needs."""
    growth = np.where(tokens >= 0, 1 - library.arity[np.maximum(tokens, 0)], 0)
    return max(int(np.cumsum(growth[:, ::-1], axis=1).max(initial=1)), 1)


def _apply(token, rows, sp, val, jac, X, constants) -> None:
    """Apply one token to the value stacks of `rows` (top of stack = first child)."""
    top = sp[rows] - 1
    if token.kind is Kind.VARIABLE:
        _push(rows, sp, val, jac, X[:, token.index][None])
    elif token.kind is Kind.FIXED:
        _push(rows, sp, val, jac, np.full((1, val.shape[2]), token.value))
    elif token.kind is Kind.FREE:
        _push(rows, sp, val, jac, np.repeat(constants[rows, token.index][:, None], val.shape[2], 1))
        if jac is not None:
            jac[rows, sp[rows] - 1, token.index] = 1.0
    elif token.arity == 1:
        a = val[rows, top]
        v = token.operator.value(a)
        if jac is not None:
            jac[rows, top] *= _per_constant(token.operator.grad(a, v))
        val[rows, top] = v
    else:
        a, b = val[rows, top], val[rows, top - 1]
        v = token.operator.value(a, b)
        if jac is not None:
            ga, gb = (_per_constant(g) for g in token.operator.grad(a, b, v))
            jac[rows, top - 1] = ga * jac[rows, top] + gb * jac[rows, top - 1]
        val[rows, top - 1] = v
        sp[rows] -= 1


def _per_constant(factor):
    """Broadcast a chain-rule factor (n, N) over the constants axis of a Jacobian (n, K, N)."""
    return factor[:, None] if np.ndim(factor) else factor


def _push(rows, sp, val, jac, values) -> None:
    val[rows, sp[rows]] = values
    if jac is not None:
        jac[rows, sp[rows]] = 0.0
    sp[rows] += 1


def to_sympy(tokens: Sequence[int], library: Library,
             constants: Mapping[str, float | sympy.Expr] | None = None) -> sympy.Expr:
    """SymPy expression of one prefix formula; free constants as symbols unless given values
    (floats, or exact SymPy numbers).

    Variables and free constants become ``Symbol(name)``, built from the name and never
    parsed from text: any name works, and E, I or pi as a column is that column, not
    SymPy's number of that name.
    """
    position = 0

    def build() -> sympy.Expr:
        nonlocal position
        token = library.tokens[tokens[position]]
        position += 1
        if token.kind is Kind.VARIABLE:
            return sympy.Symbol(token.name)
        if token.kind is Kind.FIXED:
            return sympy.pi if token.name == "pi" else sympy.Integer(int(token.value))
        if token.kind is Kind.FREE:
            if constants is None:
                return sympy.Symbol(token.name)
            value = constants[token.name]
            return value if isinstance(value, sympy.Expr) else sympy.Float(value)
        children = [build() for _ in range(token.arity)]
        return token.operator.sympy(*children)

    return build()


def to_text(tokens: Sequence[int], library: Library) -> str:
    """Prefix formula as a compact infix string, e.g. 'mul(G, div(m1, n2(r)))'."""
    names = [library.names[t] for t in tokens]
    stack: list[str] = []
    for name, arity in zip(reversed(names), reversed([library.arity[t] for t in tokens])):
        args = [stack.pop() for _ in range(arity)]
        stack.append(f"{name}({', '.join(args)})" if arity else name)
    return stack[0] if stack else ""
