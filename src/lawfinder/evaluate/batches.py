"""Splitting a batch of formulas so that its arrays stay within a memory budget.

A fit or a score on all rows of big data holds (formulas, rows) values and (formulas,
constants, rows) Jacobians: the front on a million rows would take gigabytes at once.
"""

from __future__ import annotations

from collections.abc import Iterator

BUDGET = 2**22  # float64 elements per chunk (32 MiB); the search's own batches fit in one


def chunks(n_formulas: int, elements_each: int, multiple: int = 1) -> Iterator[slice]:
    """Consecutive slices of `n_formulas` whose arrays of `elements_each` per formula stay
    within BUDGET (at least `multiple` formulas, and a multiple of it, per slice)."""
    size = max(1, BUDGET // max(1, elements_each * multiple)) * multiple
    for start in range(0, n_formulas, size):
        yield slice(start, min(start + size, n_formulas))
