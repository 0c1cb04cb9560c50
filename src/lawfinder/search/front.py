"""The Pareto front a user reads: each formula more accurate than every simpler one, and no
two formulas that are the same function.

The final refit on all rows (`Search.polish`), and the snapping of constants to closed
forms, rescore the hall of fame's front: a longer formula may then be no better than a
shorter one, or be the same function (-G*m1*m2/r**2 with G fitted negative beside
G*m1*m2/r**2). `strict_front` filters such rows out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lawfinder.evaluate.prefix import evaluate, padded
from lawfinder.language.library import Library

# A formula is more accurate than a simpler one only if its loss (NRMSE) is lower by more
# than LOSS_RTOL of the simpler one's loss plus LOSS_ATOL: losses within that are equal,
# including those of exact fits, whose NRMSE of 1e-15 or 1e-13 is rounding.
LOSS_RTOL = 1e-9
LOSS_ATOL = 1e-12
# Two formulas whose predictions differ nowhere by more than this fraction of the largest
# |prediction| are the same function.
SAME_FUNCTION_RTOL = 1e-12


@dataclass(frozen=True)
class Entry:
    """A scored formula, as the hall of fame keeps it and the front ranks it."""

    tokens: tuple[int, ...]
    constants: np.ndarray   # (K,) in scaled units
    nrmse: float
    complexity: float
    found_at: float = 0.0   # seconds into the search when first scored
    view: str = "raw"       # the view that wrote it: raw, or a Π basis ('P = m*c**2; Π1 = v/c')


def strict_front(entries: Sequence[Entry], predicted: np.ndarray | None = None,
                 rtol: float = LOSS_RTOL, atol: float = LOSS_ATOL,
                 same: float = SAME_FUNCTION_RTOL) -> list[Entry]:
    """`entries` by increasing complexity, each kept only if its loss is below that of every
    simpler kept entry by more than `rtol` times that loss plus `atol`, and, given their
    predictions `predicted` (len(entries), N), only if it is not the same function as a
    simpler kept entry (predictions equal within `same`, see `same_function`).

    Entries with a non-finite loss are dropped: they cannot be compared.
    """
    order = sorted(range(len(entries)), key=lambda i: (entries[i].complexity, entries[i].nrmse))
    kept: list[int] = []
    for i in order:
        loss = entries[i].nrmse
        if not np.isfinite(loss):
            continue
        if kept and not loss < entries[kept[-1]].nrmse * (1 - rtol) - atol:
            continue   # the last kept entry is the most accurate simpler one
        if predicted is not None and any(same_function(predicted[i], predicted[k], same)
                                         for k in kept):
            continue
        kept.append(i)
    return [entries[i] for i in kept]


def improves(front: Sequence[Entry], record: Sequence[tuple[float, float]], rtol: float) -> bool:
    """Whether some entry of `front` is more accurate, by more than `rtol` of the loss, than
    every (complexity, loss) of `record` at its complexity or below (a simpler formula than
    any recorded one improves on it at any loss)."""
    for entry in front:
        simpler = [loss for complexity, loss in record if complexity <= entry.complexity]
        if entry.nrmse < (1 - rtol) * min(simpler, default=np.inf):
            return True
    return False


def same_function(a: np.ndarray, b: np.ndarray, rtol: float = SAME_FUNCTION_RTOL) -> bool:
    """Whether predictions `a` and `b` (N,) differ nowhere by more than `rtol` times the
    largest |prediction|: relative to the scale of the whole row, so that values that
    cross zero do not make rounding look like a difference."""
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0))
    return bool(np.max(np.abs(a - b), initial=0.0) <= rtol * scale)


def predictions(entries: Sequence[Entry], library: Library, X: np.ndarray) -> np.ndarray:
    """(len(entries), N) values of each entry's formula, with its constants, on inputs X
    (in the scaled units the entries' constants were fitted in)."""
    if not entries:
        return np.zeros((0, len(X)))
    constants = np.array([e.constants for e in entries]).reshape(len(entries), library.n_free)
    return evaluate(padded([e.tokens for e in entries]), library, X, constants)[0]
