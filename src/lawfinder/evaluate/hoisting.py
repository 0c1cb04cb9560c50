"""Subtrees free of fitted constants, evaluated once for a whole fit.

Across a formula's Levenberg-Marquardt steps, and from every start, only the subtrees
holding a free constant change: `sin(theta)` or `m*v**2` has the same values at every
step. `hoisted` evaluates each such subtree of a batch once and writes it as one terminal
reading a row of a cache, which the kernel reads as it reads an input column; the values
are those of the same operations in the same order, so fits do not change.
"""

from __future__ import annotations

import numba
import numpy as np

from lawfinder.evaluate import compiled
from lawfinder.evaluate.prefix import kernel_codes
from lawfinder.language.library import Library


@numba.njit(cache=True)
def _maximal_free(tokens, arity, is_free, walked):
    """(row, first, end) of every maximal subtree of two or more tokens that holds no
    free constant, in formulas `tokens` (R, L); in `walked`, a copy of them, such a
    subtree's tokens after its first are set to -1 (the kernel skips them)."""
    R, L = tokens.shape
    end = np.empty(L, np.int64)
    free = np.empty(L, np.bool_)
    found = []
    for r in range(R):
        # As `prefix_tree.subtree_ends`: a child's subtree ends before its parent's.
        for p in range(L - 1, -1, -1):
            t = tokens[r, p]
            if t < 0:
                continue
            e, f = p + 1, not is_free[t]
            for _ in range(arity[t]):
                f = f and free[e]
                e = end[e]
            end[p], free[p] = e, f
        # In prefix order, skipping each hoisted subtree, the first free node met is maximal.
        p = 0
        while p < L and tokens[r, p] >= 0:
            if free[p] and arity[tokens[r, p]] > 0:
                found.append((r, p, end[p]))
                walked[r, p + 1:end[p]] = -1
                p = end[p]
            else:
                p += 1
    return found


def hoisted(tokens: np.ndarray, library: Library, X: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray | None]:
    """The formulas (R, L) with each maximal constant-free subtree of two or more tokens
    written as one terminal, and the cache (M, N) of those subtrees' values on X that the
    kernel reads for them (`compiled.walk`'s `cache`). Formulas as they are, and no cache,
    for a library with user operators (they are walked by NumPy) or where nothing hoists."""
    tokens = np.ascontiguousarray(tokens, dtype=np.int64)
    if library.is_user.any() or not len(tokens):
        return tokens, None
    walked = tokens.copy()
    found = _maximal_free(tokens, library.arity, library.is_free, walked)
    if not found:
        return tokens, None
    row, first, end = np.array(found, dtype=np.int64).T
    offset = np.arange(int((end - first).max()))
    inside = offset < (end - first)[:, None]
    at = np.where(inside, first[:, None] + offset, 0)
    subtrees = np.where(inside, tokens[row[:, None], at], -1)
    unique, which = np.unique(subtrees, axis=0, return_inverse=True)
    cache, _ = compiled.walk(unique, kernel_codes(library), X,
                             np.zeros((len(unique), library.n_free)), jacobian=False)
    walked[row, first] = len(library) + which.ravel()
    return walked, cache
