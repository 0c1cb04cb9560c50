"""A new dataset for laws already found (Class SR): its own constants fitted, the form and
the shared constants held fixed, and every formula of the front given one more dataset."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from lawfinder.evaluate.prefix import padded
from lawfinder.fit.levenberg_marquardt import FitConfig, fit_constants
from lawfinder.fit.uncertainty import covariances
from lawfinder.language.library import Kind, Library
from lawfinder.results.formula import Formula


def add_dataset(front: list[Formula], X_scaled: np.ndarray, y_scaled: np.ndarray, label: Any,
                rng: np.random.Generator) -> list[Formula]:
    """The formulas of `front` (one library and frame) with a dataset `label` added, whose
    own constants are fitted to the scaled inputs (N, F) and target (N,) of its rows."""
    old = front[0].library
    library = _widened_library(old)
    moved = _moved_slots(old, library)                             # (K,) new slot of each old
    new = np.setdiff1d(np.arange(library.n_free), moved)           # the new dataset's slots
    starts = np.array([_widened(f.scaled_constants, old, library, moved) for f in front])
    frozen = np.ones(starts.shape, dtype=bool)
    frozen[:, new] = False
    X = np.column_stack([X_scaled, np.full(len(X_scaled), old.n_datasets)])
    weights = np.ones(len(y_scaled))
    tokens = [f.tokens for f in front]
    constants, _ = fit_constants(padded(tokens), library, X, y_scaled, weights, starts[:, None],
                                 _user_scale(front[0], library), FitConfig(), rng, frozen)
    # Their errors with the shared constants taken as known: the new block of the covariance.
    block = covariances(tokens, constants, library, X, y_scaled, weights, frozen)
    frame = replace(front[0].frame, constant_dims=library.free_dims,
                    constant_factors=front[0].frame.constant_factors[_source_slots(old, library)])
    return [replace(f, library=library, frame=frame, scaled_constants=c,
                    scaled_covariance=_widened_covariance(f.scaled_covariance, moved, b),
                    datasets=(*f.datasets, label))
            for f, c, b in zip(front, constants, block)]


def _widened_library(library: Library) -> Library:
    """The same tokens with one more dataset: per-dataset constants' first slots shift."""
    n_shared = int(library.shared.sum())
    n = library.n_datasets + 1
    per_dataset = [t for t in library.tokens if t.kind is Kind.DATASET]
    first = {t.name: n_shared + k * n for k, t in enumerate(per_dataset)}
    return Library([replace(t, index=first[t.name]) if t.kind is Kind.DATASET else t
                    for t in library.tokens], n)


def _moved_slots(old: Library, new: Library) -> np.ndarray:
    """For each slot of `old`, its slot in `new` (the same constant and dataset)."""
    moved = np.arange(old.n_free)
    for name in old.dataset_names:
        before, after = (lib.tokens[lib.terminal[name]].index for lib in (old, new))
        moved[before:before + old.n_datasets] = np.arange(after, after + old.n_datasets)
    return moved


def _source_slots(old: Library, new: Library) -> np.ndarray:
    """For each slot of `new`, an old slot of the same constant (for its units)."""
    return np.array([old.tokens[old.terminal[name]].index for name in new.free_names])


def _widened(constants: np.ndarray, old: Library, new: Library, moved: np.ndarray
             ) -> np.ndarray:
    """Old constants (K,) in the new layout; the new dataset starts from the mean of the
    others' values of each constant."""
    out = np.empty(new.n_free)
    out[moved] = constants
    for name in new.dataset_names:
        first = old.tokens[old.terminal[name]].index
        out[new.tokens[new.terminal[name]].index + old.n_datasets] = np.mean(
            constants[first:first + old.n_datasets])
    return out


def _widened_covariance(covariance: np.ndarray | None, moved: np.ndarray, block: np.ndarray
                        ) -> np.ndarray | None:
    """The old covariance in the new layout, plus the new dataset's own block."""
    if covariance is None:
        return None
    out = block.copy()
    out[np.ix_(moved, moved)] += covariance
    return out


def _user_scale(formula: Formula, library: Library) -> np.ndarray:
    """What a scaled constant is worth in its declared units, per slot (K,) of `library`."""
    frame = formula.frame
    per_old_slot = frame.scale_of(frame.constant_dims) / frame.constant_factors
    return per_old_slot[_source_slots(formula.library, library)]
