"""Distinct short forms written with a library's operators and fixed numbers, over named
leaves: the groups of a Π view (`lawfinder.generate.pi_views`) at fixed points, or at
data rows (`lawfinder.generate.separable`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np

from lawfinder.evaluate.numpy_walk import elementwise
from lawfinder.generate.enumeration import Form, enumerate_batches
from lawfinder.language.library import INVERSE_PAIRS, Library


def library_forms(leaves: Mapping[str, np.ndarray], n_points: int, library: Library,
                  max_length: int) -> Iterator[tuple[list[Form], np.ndarray]]:
    """Every distinct form of up to `max_length` symbols over `leaves` (name -> values at
    n_points common points; none for forms of numbers alone), the library's operators and
    its fixed numbers, shortest first, in batches with their values at the points (see
    `enumerate_batches`)."""
    numbers = {t.name: np.full(n_points, t.value)
               for t, number in zip(library.tokens, library.is_number) if number}
    ops = [t for t in library.tokens if t.arity]
    return enumerate_batches({t.name: elementwise(t) for t in ops if t.arity == 1},
                             {t.name: elementwise(t) for t in ops if t.arity == 2},
                             {**leaves, **numbers}, max_length,
                             # exact inverses only: sqrt(x**2) = |x| is a function of its own
                             useless_pairs=INVERSE_PAIRS, numbers=frozenset(numbers))


def group_forms(k: int, library: Library, max_length: int) -> Iterator[Form]:
    """Every distinct form of up to `max_length` symbols over k groups x1..xk, shortest first.

    The forms are told apart by their values at fixed points in (0.1, 0.9), the same for
    every seed: groups are ratios of a variable to its scale, mostly of order one.
    """
    points = np.random.default_rng(0).uniform(0.1, 0.9, (k, 64))
    for forms, _ in library_forms({f"x{i + 1}": points[i] for i in range(k)}, 64, library,
                                  max_length):
        yield from forms
