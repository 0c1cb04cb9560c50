"""Scoring candidate formulas: constants fitted on a small subsample of the rows, the error
measured on a larger one, and either on all rows when asked (the final refinement).

Every dataset has its share of both subsamples, and enough rows to fit its own constants.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from lawfinder.evaluate.batches import chunks
from lawfinder.evaluate.prefix import evaluate
from lawfinder.fit.levenberg_marquardt import FitConfig, fit_constants
from lawfinder.fit.reward import dataset_weights, nrmse
from lawfinder.generate.pi_views import View, natural_constants
from lawfinder.language.library import Library

# Rows of the fitting subsample per constant a dataset has of its own (plus one): enough
# to determine them beside the shared ones.
_FIT_ROWS_PER_CONSTANT = 4


class Scorer:
    """The data of one search (scaled units) and how its formulas are fitted and scored.

    With datasets (Class SR) X's last column is each row's dataset index (`Library`), and
    the fit weighs datasets as the grouped NRMSE does (`lawfinder.fit.reward`).
    """

    def __init__(self, library: Library, X: np.ndarray, y: np.ndarray, weights: np.ndarray,
                 starts: np.ndarray, user_scale: np.ndarray, fit: FitConfig,
                 fit_points: int, score_points: int, views: Sequence[View],
                 rng: np.random.Generator):
        self.library, self.fit_config, self.rng = library, fit, rng
        self.groups = X[:, -1].astype(np.int64) if library.n_datasets else None
        if self.groups is not None:
            weights = dataset_weights(weights, y, self.groups)
        self.X, self.y, self.weights = X, y, weights
        self.starts, self.user_scale = starts, user_scale
        # A view's formulas are also fitted from constants sized to its groups.
        self.view_starts = {v.name: natural_constants(v, library, X, y, starts[0])
                            for v in views}
        order = rng.permutation(len(y))
        per_dataset = _FIT_ROWS_PER_CONSTANT * (len(library.dataset_names) + 1)
        fit_points = max(fit_points, library.n_datasets * per_dataset)
        self.fit_rows = _stratified(order, self.groups, fit_points)
        self.score_rows = _stratified(order, self.groups, max(score_points, fit_points))

    def fit(self, tokens: np.ndarray, views: Sequence[str], warm: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray]:
        """Constants (B, K) and NRMSE (B,) on the scoring rows for distinct formulas (B, L),
        each written by the view named in `views`, each also fitted from its row of `warm`
        (B, K) if given."""
        lib = self.library
        constants = np.ones((len(tokens), lib.n_free))
        uses = np.isin(tokens, lib.free).any(axis=1)
        views = np.array(views, dtype=object)
        sub, config = self.fit_rows, self.fit_config
        for view in dict.fromkeys(views[uses]):
            rows = uses & (views == view)
            starts = self.starts
            if view in self.view_starts:
                starts = np.vstack([self.starts, self.view_starts[view]])
            if warm is not None:
                # A formula one move from a fitted one starts mostly where that one ended.
                starts = np.concatenate([np.broadcast_to(starts, (rows.sum(), *starts.shape)),
                                         warm[rows][:, None]], axis=1)
                config = replace(config, n_random_starts=1)
            constants[rows], _ = fit_constants(tokens[rows], lib, self.X[sub], self.y[sub],
                                               self.weights[sub], starts, self.user_scale,
                                               config, self.rng)
        values, _ = evaluate(tokens, lib, self.X[self.score_rows], constants)
        return constants, self.nrmse(values, self.score_rows)

    def nrmse(self, values: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """NRMSE (B,) of values (B, n) on `rows` (default: all), over datasets if grouped."""
        rows = slice(None) if rows is None else rows
        groups = None if self.groups is None else self.groups[rows]
        return nrmse(values, self.y[rows], self.weights[rows], groups)

    def nrmse_on_all(self, tokens: np.ndarray, constants: np.ndarray) -> np.ndarray:
        """NRMSE (B,) on all rows of formulas (B, L) with their constants (B, K)."""
        return np.concatenate([
            self.nrmse(evaluate(tokens[part], self.library, self.X, constants[part])[0])
            for part in chunks(len(tokens), len(self.y))])

    def refit_on_all(self, tokens: np.ndarray, starts: np.ndarray,
                     frozen: np.ndarray | None = None) -> np.ndarray:
        """Constants (B, K) of formulas (B, L) fitted on all rows from `starts` (B, S, K)
        alone, those marked in `frozen` (B, K) held at their first start's value."""
        config = replace(self.fit_config, n_random_starts=0, prune_every=0)
        c, _ = fit_constants(tokens, self.library, self.X, self.y, self.weights, starts,
                             self.user_scale, config, self.rng, frozen)
        return c


def _stratified(order: np.ndarray, groups: np.ndarray | None, n: int) -> np.ndarray:
    """The first n rows of the permutation `order`, taken from the datasets in turn (all of
    a dataset once it runs out), sorted; without groups, simply the first n."""
    if groups is None:
        return np.sort(order[:n])
    labels = groups[order]
    by_dataset = np.argsort(labels, kind="stable")
    starts = np.searchsorted(labels[by_dataset], labels[by_dataset])
    rank = np.empty(len(order), dtype=np.int64)
    rank[by_dataset] = np.arange(len(order)) - starts      # place within its own dataset
    return np.sort(order[np.lexsort((np.arange(len(order)), rank))[:n]])
