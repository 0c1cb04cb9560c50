"""Fewest tokens needed to build a subtree of given units: what keeps sampling out of dead ends.

Units are handled as doubled integer exponents (sqrt(m) is 1), over a bounded box of the
base dimensions that appear in the problem. The table is an upper bound on the true
minimum: it only considers plans the sampler's masks themselves allow (a terminal
multiplied or divided by a smaller subtree, unary powers), so every plan it counts on
can actually be written.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lawfinder.language.library import Library, Rule

INFEASIBLE = 10**6
_MAX_BOX = 200_000  # grid points of the units table: about a second to build


class BuildCost:
    """Lookup table: doubled units (…, 7) -> fewest tokens that build them."""

    def __init__(self, library: Library, target2: Sequence[int], max_length: int):
        terminal_dims = library.dims2[library.is_terminal]                          # (n_term, 7)
        used = np.vstack([terminal_dims, np.asarray(target2)[None]])
        # Base dims in play; keep one even when all is dimensionless so the box is never empty.
        self.axes = np.flatnonzero(np.any(used != 0, axis=0)) if used.any() else np.array([0])
        # Per base dimension: the largest exponent in play plus up to two units of margin,
        # less when many dimensions are active: the box's size grows as side ** dims, and
        # subtrees with units beyond it are not written.
        largest = np.abs(used[:, self.axes]).max(axis=0)                               # (a,)
        margin = next(m for m in (4, 3, 2, 1, 0)
                      if np.prod(2 * (largest + m) + 1) <= _MAX_BOX or m == 0)
        self.bound = largest + margin
        self.shape = tuple(int(b) for b in 2 * self.bound + 1)
        coords = np.indices(self.shape).reshape(len(self.axes), -1).T - self.bound  # (P, a)
        cost = np.full(len(coords), INFEASIBLE, dtype=np.int64)
        for dims in {tuple(d[self.axes]) for d in terminal_dims}:
            cost[self._flat(np.array([dims]))[0]] = 1
        moves = self._moves(library, terminal_dims[:, self.axes])
        for _ in range(max_length):
            best = cost.copy()
            for source, extra in moves(coords):
                flat = self._flat(source)
                ok = flat >= 0
                best[ok] = np.minimum(best[ok], cost[flat[ok]] + extra)
            if np.array_equal(best, cost):
                break
            cost = best
        self.table = cost

    def _flat(self, coords: np.ndarray) -> np.ndarray:
        """Flat table index of integer coords (P, a); -1 outside the box."""
        inside = np.all(np.abs(coords) <= self.bound, axis=1)
        clipped = np.clip(coords, -self.bound, self.bound) + self.bound
        flat = np.ravel_multi_index(tuple(clipped.T), self.shape)
        return np.where(inside, flat, -1)

    @staticmethod
    def _moves(library: Library, terminals: np.ndarray):
        """Relaxations cost[u] <= cost[source(u)] + extra for the operators in the library."""
        rules = {library.tokens[i].operator.rule: None for i in np.flatnonzero(~library.is_terminal)}
        powers = {library.tokens[i].operator.power for i in np.flatnonzero(~library.is_terminal)
                  if library.tokens[i].operator.rule is Rule.POWER}
        unique_terms = np.unique(terminals, axis=0)

        def moves(u: np.ndarray):
            for p in powers:  # u = p * child  ->  child = u / p, must stay on the doubled grid
                child = u * p.denominator
                divisible = np.all(child % p.numerator == 0, axis=1)
                yield np.where(divisible[:, None], child // p.numerator, 10**6), 1
            for t in unique_terms:  # mul(t, rest), div(t, rest): 2 extra tokens
                if Rule.PRODUCT in rules:
                    yield u - t, 2
                if Rule.QUOTIENT in rules:
                    yield t - u, 2
        return moves

    def __call__(self, dims2: np.ndarray) -> np.ndarray:
        """Costs of doubled units (..., 7); INFEASIBLE outside what the library can build."""
        dims2 = np.asarray(dims2)
        flat_in = dims2.reshape(-1, 7)
        off_axes = np.delete(flat_in, self.axes, axis=1)
        index = self._flat(flat_in[:, self.axes])
        out = np.where((index >= 0) & np.all(off_axes == 0, axis=1),
                       self.table[np.maximum(index, 0)], INFEASIBLE)
        return out.reshape(dims2.shape[:-1])
