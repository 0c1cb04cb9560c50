"""The NumPy walk: formulas that hold a user operator, whose Python functions the compiled
kernel cannot call.

The same walk as the kernel's (`compiled._walk`: last token to first, a value stack and a
Jacobian stack by constant token, spread onto the slots at the end), one formula at a time
and vectorised over the points. Built-in operators keep the kernel's numerics
(`compiled.numerics`), so a formula without user operators gives the kernel's numbers;
only formulas with one are sent here (`prefix.evaluate`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from lawfinder.evaluate import compiled
from lawfinder.language.library import Kind, Library, Token


def walk(library: Library, tokens: np.ndarray, codes: compiled.Codes, X: np.ndarray,
         constants: np.ndarray, jacobian: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Values (B, N) of formulas `tokens` (B, L) and, with `jacobian`, their derivatives
    (B, K, N) by the constants (B, K): `compiled.walk`'s outputs."""
    X, constants = np.asarray(X, dtype=float), np.asarray(constants, dtype=float)
    (B, K), N = constants.shape, len(X)
    dataset = X[:, -1].astype(np.int64) if library.dataset_names else None  # (N,)
    numerics = {t: _numerics(library.tokens[t]) for t in np.flatnonzero(library.arity)}
    values = np.empty((B, N))
    jac = np.zeros((B, K, N)) if jacobian else None
    points = np.arange(N)
    for row in range(B):
        formula = tokens[row][tokens[row] >= 0]
        with np.errstate(all="ignore"):  # NaN and inf as the kernel gives them, silently
            values[row], grad = _formula(formula, library, numerics, codes, X, constants[row],
                                         dataset, jacobian)
        if jacobian:
            for k, (slot, grouped) in enumerate(zip(codes.local_slot, codes.local_grouped)):
                if grouped:
                    jac[row, slot + dataset, points] = grad[k]
                else:
                    jac[row, slot] = grad[k]
    return values, jac


def _formula(formula: np.ndarray, library: Library, numerics: dict[int, Callable],
             codes: compiled.Codes, X: np.ndarray, c: np.ndarray, dataset: np.ndarray | None,
             jacobian: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Value (N,) of one formula and, with `jacobian`, its gradient (J, N) by constant token."""
    J, N = len(codes.local_slot), len(X)
    stack: list[tuple[np.ndarray, np.ndarray | None]] = []
    for t in formula[::-1]:
        token = library.tokens[t]
        if not token.arity:
            grad = np.zeros((J, N)) if jacobian else None
            if jacobian and codes.local[t] >= 0:
                grad[codes.local[t]] = 1.0
            stack.append((_terminal(token, X, c, dataset), grad))
            continue
        children = [stack.pop() for _ in range(token.arity)]  # the first child was on top
        value, *slopes = numerics[t](*(v for v, _ in children))
        grad = None
        if jacobian:  # the kernel's order of operations, for the kernel's roundings
            grad = slopes[0] * children[0][1]
            if token.arity == 2:
                grad = grad + slopes[1] * children[1][1]
        stack.append((value, grad))
    return stack[0]


def _terminal(token: Token, X: np.ndarray, c: np.ndarray, dataset: np.ndarray | None
              ) -> np.ndarray:
    """Values (N,) of a variable or constant."""
    if token.kind is Kind.VARIABLE:
        return X[:, token.index]
    if token.kind is Kind.DATASET:
        return c[token.index + dataset]
    return np.full(len(X), token.value if token.kind is Kind.FIXED else c[token.index])


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
