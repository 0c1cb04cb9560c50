"""The NumPy walk: formulas that hold a user operator, whose Python functions the compiled
kernel cannot call.

It walks the prefix arrays from the last position to the first with a value stack per
formula, as the kernel does, but with one NumPy call per token kind present at a position,
covering every formula that holds it there (DESIGN.md, 'Constants'). Derivatives are carried
by constant token and spread onto the slots at the end, as in `compiled._walk`, and the
built-in operators keep the kernel's numerics (`compiled.numerics`): a formula without user
operators gets the kernel's numbers, to the bit. `prefix.evaluate` sends here only the
formulas with a user operator.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lawfinder.evaluate import compiled
from lawfinder.language.library import Kind, Library, Token


def walk(library: Library, tokens: np.ndarray, codes: compiled.Codes, X: np.ndarray,
         constants: np.ndarray, jacobian: bool, by_token: bool = False
         ) -> tuple[np.ndarray, np.ndarray | None]:
    """Values (B, N) of formulas `tokens` (B, L) and, with `jacobian`, their derivatives
    (B, K, N) by the constants (B, K), or (B, J, N) by constant token with `by_token`:
    `compiled.walk`'s outputs."""
    X, constants = np.asarray(X, dtype=float), np.asarray(constants, dtype=float)
    (B, L), N, J = tokens.shape, len(X), len(codes.local_slot)
    dataset = X[:, -1].astype(np.int64) if library.dataset_names else None  # (N,)
    growth = np.where(tokens >= 0, 1 - library.arity[np.maximum(tokens, 0)], 0)
    depth = max(int(np.cumsum(growth[:, ::-1], axis=1).max(initial=1)), 1)
    val = np.empty((B, depth, N))
    jac = np.zeros((B, depth, J, N)) if jacobian else None
    held = np.zeros((B, depth, J), dtype=bool)   # the constant tokens each subtree holds
    sp = np.zeros(B, dtype=np.int64)
    with np.errstate(all="ignore"):  # NaN and inf as the kernel gives them, silently
        for pos in range(L - 1, -1, -1):
            column = tokens[:, pos]
            for t in np.unique(column[column >= 0]):
                rows = np.flatnonzero(column == t)
                if library.arity[t]:
                    _operator(library.tokens[t], rows, sp, val, jac, held)
                else:
                    _push(library.tokens[t], codes.local[t], rows, sp, val, jac, held, X,
                          constants, dataset)
    if not jacobian:
        return val[:, 0], None
    return val[:, 0], jac[:, 0] if by_token else _spread(jac[:, 0], codes, dataset,
                                                         constants.shape[1])


def _push(token: Token, local: int, rows: np.ndarray, sp: np.ndarray, val: np.ndarray,
          jac: np.ndarray | None, held: np.ndarray, X: np.ndarray, constants: np.ndarray,
          dataset: np.ndarray | None) -> None:
    """A variable or constant onto the stacks of `rows`; a constant's own derivative is 1."""
    at = sp[rows]
    if token.kind is Kind.VARIABLE:
        val[rows, at] = X[:, token.index]
    elif token.kind is Kind.FIXED:
        val[rows, at] = token.value
    elif token.kind is Kind.FREE:
        val[rows, at] = constants[rows, token.index][:, None]
    else:
        val[rows, at] = constants[rows][:, token.index + dataset]               # (n, N)
    held[rows, at] = False
    if jac is not None:
        jac[rows, at] = 0.0
        if local >= 0:
            jac[rows, at, local] = 1.0
            held[rows, at, local] = True
    sp[rows] += 1


def _operator(token: Token, rows: np.ndarray, sp: np.ndarray, val: np.ndarray,
              jac: np.ndarray | None, held: np.ndarray) -> None:
    """Apply an operator to the stacks of `rows`: its children on top, the first topmost.
    Derivatives by constants a child does not hold stay 0, as in the kernel (not 0 times
    an infinite slope)."""
    top, arity = sp[rows] - 1, token.arity
    value, *slopes = _numerics(token)(*(val[rows, top - i] for i in range(arity)))
    first = held[rows, top]                                               # (n, J)
    if jac is not None:  # the kernel's order of operations, for the kernel's roundings
        a = np.where(first[..., None], slopes[0][:, None] * jac[rows, top], 0.0)
        if arity == 2:
            second = held[rows, top - 1]
            b = np.where(second[..., None], slopes[1][:, None] * jac[rows, top - 1], 0.0)
            both = (first & second)[..., None]
            a = np.where(both, slopes[0][:, None] * jac[rows, top]
                         + slopes[1][:, None] * jac[rows, top - 1], a + b)
            first = first | second
        jac[rows, top - arity + 1] = a
    held[rows, top - arity + 1] = first
    val[rows, top - arity + 1] = value
    sp[rows] -= arity - 1


def _spread(jac: np.ndarray, codes: compiled.Codes, dataset: np.ndarray | None, K: int
            ) -> np.ndarray:
    """Derivatives (B, J, N) by constant token onto the slots (B, K, N): a per-dataset
    constant's at each point onto its dataset's slot."""
    out = np.zeros((len(jac), K, jac.shape[2]))
    points = np.arange(jac.shape[2])
    for k, (slot, grouped) in enumerate(zip(codes.local_slot, codes.local_grouped)):
        if grouped:
            out[:, slot + dataset, points] = jac[:, k]
        else:
            out[:, slot] = jac[:, k]
    return out


def _numerics(token: Token) -> Callable[..., tuple[np.ndarray, ...]]:
    """(value, derivative by each child) of an operator token, elementwise on arrays."""
    if token.user_operator is not None:
        return token.user_operator.numerics
    return compiled.numerics(token.name)


def elementwise(token: Token) -> Callable[..., np.ndarray]:
    """An operator token's values alone, elementwise: the kernel's numerics for built-in
    operators, the user's function for theirs."""
    if token.user_operator is not None:
        return lambda *args: token.user_operator.numerics(*args)[0]
    return compiled.elementwise(token.name)
