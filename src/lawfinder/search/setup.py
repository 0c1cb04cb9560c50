"""A search made ready from a checked problem: its scaled inputs, its constants' starting
points and units scales, and a refusal when no formula can have the target's units."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from lawfinder.data.problem import Problem
from lawfinder.errors import UnitsError
from lawfinder.generate.pi_views import View
from lawfinder.language.library import Library
from lawfinder.search.hall_of_fame import HallOfFame
from lawfinder.search.config import EpochStats, SearchConfig
from lawfinder.search.loop import Search
from lawfinder.units.scaling import Frame


def make_search(problem: Problem, library: Library, frame: Frame, config: SearchConfig,
                seed: int | None, callback: Callable[[EpochStats, HallOfFame], None] | None,
                views: Sequence[View],
                forms: Callable[[np.ndarray, np.ndarray], Iterable[tuple[tuple[int, ...], str]]]
                ) -> Search:
    """The search of `problem` in the scaled units of `frame`, over the (scaled) `library`,
    also scoring the enumerated `forms(X, y)` of its scaled data; a UnitsError if no
    formula can be written."""
    X, y = _search_inputs(frame, problem), frame.target_from_si(problem.y)
    search = Search(library, np.array(problem.target_dim.doubled()), X, y,
                    problem.weights, _starts(frame),
                    frame.scale_of(frame.constant_dims) / frame.constant_factors,
                    config, seed, callback, forms(X, y), views)
    if not search.sampler.feasible():
        raise UnitsError(_infeasible_message(problem, library.names, config.priors.max_length))
    return search


def _search_inputs(frame: Frame, problem: Problem) -> np.ndarray:
    """The scaled inputs the search evaluates; with datasets, each row's dataset index as a
    last column that no variable reads (`lawfinder.language.library.Library`)."""
    X = frame.inputs_from_si(problem.X)
    return X if problem.groups is None else np.column_stack([X, problem.groups])


def _starts(frame: Frame) -> np.ndarray:
    """Starting points for constant fits: 1 in the user's units, and 1 in the scaled units
    (one point when they coincide, as for dimensionless constants: each start costs a fit)."""
    starts = np.vstack([frame.constants_from_user(np.ones(len(frame.constant_dims))),
                        np.ones(len(frame.constant_dims))])
    return starts[:1] if np.array_equal(starts[0], starts[1]) else starts


def _infeasible_message(problem: Problem, tokens: Sequence[str], max_length: int) -> str:
    given = ", ".join(f"{n} [{d}]" for n, d in zip(problem.names, problem.dims))
    return (f"target {problem.target_name!r} has units {problem.target_dim}, which no formula of "
            f"at most {max_length} tokens can build from {given} with the tokens "
            f"{', '.join(tokens)}; add a free constant with the missing units (free_constants="
            f"{{'k': '...'}}), more operators, or check the units")
