"""The neighbourhood sweep: every formula one short subtree away from the front's most
promising formulas, a few hundred per epoch, each neighbourhood resumed where it stopped
(`lawfinder.generate.neighbourhood` writes the neighbours)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import numpy as np

from lawfinder.generate.neighbourhood import neighbours
from lawfinder.language.library import Library
from lawfinder.search.front import Entry


class Sweep:
    """Where the sweep of each parent's neighbourhood has got to, and what comes next."""

    def __init__(self, replacements: tuple, library: Library, max_length: int):
        self.replacements, self.library, self.max_length = replacements, library, max_length
        self.swept: dict[tuple[int, ...], int] = {}   # per parent: neighbours gone through
        self._sweeps: dict[tuple[int, ...], Iterator[tuple[int, ...]]] = {}

    def batches(self, front: list[Entry], floor: float, budget: int,
                seen: Callable[[tuple[int, ...]], bool]
                ) -> Iterator[tuple[Entry, list[tuple[int, ...]]]]:
        """Up to `budget` neighbours not `seen`, as (parent, its neighbours), the parents in
        order of their gain over simpler formulas (`by_gain`); each batch is to be scored
        before the next is asked for, so that `seen` knows it."""
        if not self.replacements:
            return
        made = 0
        for entry in by_gain(front, floor):
            if made >= budget:
                break
            fresh = list(dict.fromkeys(self._next(entry.tokens, budget - made, seen)))
            if fresh:
                made += len(fresh)
                yield entry, fresh

    def restore(self, swept: dict[tuple[int, ...], int]) -> None:
        """Go on from a saved `swept`: each neighbourhood resumes after what it went through."""
        self.swept, self._sweeps = dict(swept), {}

    def _next(self, parent: tuple[int, ...], n: int, seen: Callable[[tuple[int, ...]], bool]
              ) -> list[tuple[int, ...]]:
        """Up to n neighbours of `parent` not `seen`, where its sweep left off."""
        sweep = self._sweeps.get(parent)
        if sweep is None:
            sweep = neighbours(parent, self.replacements, self.library, self.max_length)
            sweep = self._sweeps[parent] = itertools.islice(sweep, self.swept.get(parent, 0),
                                                            None)
        out = []
        for f in sweep:
            self.swept[parent] = self.swept.get(parent, 0) + 1
            if not seen(f):
                out.append(f)
                if len(out) == n:
                    break
        return out


def by_gain(front: list[Entry], floor: float) -> list[Entry]:
    """The front's entries (by complexity), those whose error fell most per unit of
    complexity over the next simpler entry first (PySR's score; errors below `floor`
    count as `floor`): the law's near misses stand out where the error drops."""
    # A floor of 0 (target_nrmse=0) would put log(0) on exact formulas.
    logs = np.log(np.maximum([1.0] + [e.nrmse for e in front], max(floor, 1e-300)))
    steps = np.diff([0.0] + [e.complexity for e in front])
    gain = -np.diff(logs) / steps
    return [front[i] for i in np.argsort(-gain, kind="stable")]
