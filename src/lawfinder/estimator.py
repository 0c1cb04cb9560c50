"""LawRegressor: the scikit-learn style front door to the search."""

from __future__ import annotations

import contextlib
import inspect
import os
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from lawfinder.data.constants import declared_constants
from lawfinder.data.groups import check_dataset_sizes, encode_groups
from lawfinder.search.checkpoint import Checkpoint, fingerprint
from lawfinder.errors import LawfinderError
from lawfinder.generate.pi_views import View, enumerated_formulas, pi_views
from lawfinder.results.fitted_law import FittedLaw, from_search
from lawfinder.language.known_constants import check_fixed_constants, known_constants
from lawfinder.language.library import DEFAULT_OPERATORS, Library, build_library
from lawfinder.language.user_operators import UserOperator
from lawfinder.search.hall_of_fame import HallOfFame
from lawfinder.search import cluster, islands
from lawfinder.data.problem import Problem, check_features, check_target, make_problem
from lawfinder.results.html_report import check_report_path, write_report
from lawfinder.results.notebook import model_html
from lawfinder.units.scaling import Frame
from lawfinder.language.priors import PriorConfig
from lawfinder.search.config import EpochStats, SearchConfig
from lawfinder.search.loop import Search
from lawfinder.search.settings import n_islands, search_config
from lawfinder.search.setup import make_search
from lawfinder.search.progress import LiveProgress
from lawfinder.results.model_file import save_model
from lawfinder.results.model_loading import load_model
from lawfinder.results.selection import DEFAULT_RULE, best_scores, check_rule
from lawfinder.results.new_dataset import add_dataset


class LawRegressor:
    """Find a short, dimensionally consistent formula y = f(X) with fitted constants.

    Parameters are stored as given (scikit-learn convention) and checked by `fit`.
    `operators` holds names of built-in operators and `UserOperator` objects of one's own.
    `free_constants` maps constant names to unit strings ("1" for dimensionless), or is a
    list of names of dimensionless constants. `dataset_constants`, in the same forms, are
    constants with one value per dataset when `fit` is given each row's dataset in `groups`
    (Class SR: one law, several datasets); the free constants are then shared by all.
    `fixed_constants` are constants whose values are known, never fitted: the numbers "1"
    and "pi", "name=value units" ("g=9.80665 m/s^2"), or a physical constant pint defines,
    by its name or a short one ("speed_of_light" or "c"; `lawfinder.language.known_constants`);
    formulas show them by name and they enter the dimensional analysis with their units.
    `n_jobs` is the number of islands, searches in parallel processes that share their best
    formulas (`lawfinder.search.islands`), as scikit-learn reads it: -1 (the default) one
    per core, None or 1 the fit's process alone. With `cluster`, the address of a Dask
    scheduler ("tcp://host:8786"), the islands other than the fit's own run on its
    workers, one per worker process (`lawfinder.search.cluster`); -1 is then one per
    worker and the fit's. `max_length` caps the tokens of a raw formula, and of a form f
    of a Π view with each group one token (P*f written out can be longer).

    Stop rules: `max_time`, `max_evals`; once a formula is within `target_nrmse`, `patience`
    epochs without a simpler one; before that (data with noise are never exact),
    `stall_patience` epochs in which no formula beat the front by 1% of its loss, once the
    enumeration has run dry (None: never; default 25, docs/performance.md).
    `model_selection` says which formula of the front is `best_` (`lawfinder.results.selection`).
    `verbose=True` shows the search live in the terminal (as `lawfinder fit` does) when
    `fit` is given no callback of its own.
    """

    def __init__(self, *, operators: Sequence[str | UserOperator] = DEFAULT_OPERATORS,
                 free_constants: Mapping[str, str] | Sequence[str] | None = None,
                 dataset_constants: Mapping[str, str] | Sequence[str] | None = None,
                 fixed_constants: Sequence[str] = ("1",),
                 max_length: int = PriorConfig.max_length,
                 max_time: float = SearchConfig.max_time, max_evals: int | None = None,
                 target_nrmse: float = SearchConfig.target_nrmse,
                 patience: int = SearchConfig.patience,
                 stall_patience: int | None = SearchConfig.stall_patience,
                 batch_size: int = SearchConfig.batch_size,
                 random_state: int | None = None, verbose: bool = False,
                 dimensional_analysis: bool = True, enumeration: bool = True,
                 n_jobs: int | None = -1, cluster: str | None = None,
                 model_selection: str = DEFAULT_RULE):
        self.operators = operators
        self.free_constants = free_constants
        self.dataset_constants = dataset_constants
        self.fixed_constants = fixed_constants
        self.max_length = max_length
        self.max_time = max_time
        self.max_evals = max_evals
        self.target_nrmse = target_nrmse
        self.patience = patience
        self.stall_patience = stall_patience
        self.batch_size = batch_size
        self.random_state = random_state
        self.verbose = verbose
        self.dimensional_analysis = dimensional_analysis
        self.enumeration = enumeration
        self.n_jobs = n_jobs
        self.cluster = cluster
        self.model_selection = model_selection

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _PARAMS}

    def set_params(self, **params: Any) -> LawRegressor:
        for name, value in params.items():
            if name not in _PARAMS:
                raise LawfinderError(f"unknown parameter {name!r}; valid: {', '.join(_PARAMS)}")
            setattr(self, name, value)
        return self

    def prepare(self, X: Any, y: Any, *, names: Sequence[str] | None = None,
                units: Sequence[str] | Mapping[str, str] | None = None,
                target_units: str | None = None, target_name: str | None = None,
                sample_weight: Any = None, y_err: Any = None, groups: Any = None,
                callback: Callable[[EpochStats, HallOfFame], None] | None = None,
                ) -> tuple[Problem, Library, Frame, Search]:
        """The checked problem, token library, scaling frame and search that `fit` runs,
        ready but not started: for experiments and benchmarks on the search's parts."""
        problem = make_problem(X, y, names=names, units=units, target_units=target_units,
                               target_name=target_name, sample_weight=sample_weight, y_err=y_err,
                               groups=groups)
        config = self._config()
        fixed = known_constants(self.fixed_constants)
        check_fixed_constants(fixed, problem)
        shared = declared_constants(problem, self.free_constants, "free_constants")
        own = declared_constants(problem, self.dataset_constants, "dataset_constants")
        if problem.groups is not None:
            check_dataset_sizes(problem.groups, problem.datasets, problem.y, problem.weights,
                                len(own))
        library = build_library(self.operators, list(zip(problem.names, problem.dims)),
                                {k: d for k, (d, _) in shared.items()}, fixed,
                                {k: d for k, (d, _) in own.items()}, problem.n_datasets)
        factors = {name: factor for name, (_, factor) in (shared | own).items()}
        frame = Frame.fit(problem.X, problem.y, problem.dims, problem.factors, problem.target_dim,
                          problem.target_factor, library.free_dims,
                          [factors[name] for name in library.free_names])
        library = library.scaled(frame.scale_of)  # known constants, as the scaled inputs
        views = self._views(problem, library)
        search = make_search(problem, library, frame, config, self.random_state, callback,
                             views, self._forms(views, library, config.priors.max_length))
        return problem, library, frame, search

    def fit(self, X: Any, y: Any, *, names: Sequence[str] | None = None,
            units: Sequence[str] | Mapping[str, str] | None = None,
            target_units: str | None = None, target_name: str | None = None,
            sample_weight: Any = None, y_err: Any = None, groups: Any = None,
            callback: Callable[[EpochStats, HallOfFame], None] | None = None,
            report: str | os.PathLike[str] | None = None,
            checkpoint: str | os.PathLike[str] | None = None, resume: bool = False,
            checkpoint_every: float = 10.0) -> LawRegressor:
        """Search for the law; Ctrl-C stops early and keeps what was found.

        With `checkpoint`, the search state is saved to that file every `checkpoint_every`
        seconds and at the end (Ctrl-C included), atomically. `resume=True` continues the
        search saved there: max_time and max_evals count the whole run across resumes. Of
        the settings, only the stop rules (max_time, max_evals, target_nrmse, patience) may
        change; a checkpoint of other data or settings is refused. Without a file yet,
        resume=True starts a new search, with a warning.

        With `report`, an HTML report of the result is written to that file at the end
        (see `lawfinder.report.write_report`), after a Ctrl-C too.

        `groups` gives each row's dataset label (numbers or strings) when the rows come
        from several datasets of one law: one form is searched, the free constants are
        shared and the `dataset_constants` fitted per dataset, and a formula's error is
        aggregated over the datasets so that it must fit every one (`lawfinder.fit.reward`).
        """
        if report is not None:
            check_report_path(report)  # before the search, not after it
        if resume and checkpoint is None:
            raise LawfinderError("resume=True needs checkpoint=PATH, the file to resume from")
        live = self.verbose and callback is None
        with LiveProgress("lawfinder") if live else contextlib.nullcontext() as progress:
            problem, library, frame, search = self.prepare(
                X, y, names=names, units=units, target_units=target_units,
                target_name=target_name, sample_weight=sample_weight, y_err=y_err,
                groups=groups, callback=progress if live else callback)
            lost = self._run(search, problem, checkpoint, resume, checkpoint_every)
        for island in lost:
            warnings.warn(f"{island}; the other islands went on, and what it had sent is in "
                          "the front", stacklevel=2)
        self._adopt(from_search(search, problem, library, frame, self.get_params(), tuple(lost)))
        if report is not None:
            write_report(self.fitted_law_, report)
        return self

    def _run(self, search: Search, problem: Problem, checkpoint: str | os.PathLike[str] | None,
             resume: bool, checkpoint_every: float) -> list[str]:
        """Run the search on its islands, through the checkpoint file if there is one;
        returns what was said of each island lost."""
        with cluster.connected(self.cluster) as client:
            cores = None if client is None else cluster.n_workers(client) + 1
            pool = islands.Islands(islands.IslandSpec.of(search, self.enumeration),
                                   n_islands(self.n_jobs, search.library.user_operators, cores),
                                   self.random_state,
                                   None if client is None else cluster.starter(client))
            if checkpoint is None:
                pool.run(search)
            else:
                settings = {k: v for k, v in self.get_params().items() if k not in _RESUMABLE}
                Checkpoint(checkpoint, fingerprint(problem, settings), checkpoint_every).run(
                    search, resume, lambda between: pool.run(search, between))
        return pool.lost

    @property
    def equations_(self) -> pd.DataFrame:
        """The Pareto front, one row per formula, simplest first; each row more accurate
        than every simpler one and no two the same function (`lawfinder.search.front`).

        Columns: `complexity` (tokens, each counting 1); `loss`, the NRMSE on all the data
        (weighted RMSE over the weighted standard deviation of y: 0 is exact, 1 no better
        than the mean), which the "accuracy" rule of `model_selection` chooses by;
        `sympy`, with the free constants as symbols; `constants`, their fitted values in
        the units they were declared in; `latex`; `view`, what wrote the formula: "raw"
        (the variables themselves) or the Π basis (one of `bases_`) whose groups it is a
        function of; `uncertainties`, the standard error of each constant
        (`Formula.uncertainties`); `score_best` and `score_bic`, what the "best" and "bic"
        rules choose by (`lawfinder.results.selection`: the highest score_best within 1.5x
        the lowest loss, the lowest score_bic). Fitted on several datasets, the loss is
        aggregated over them (`lawfinder.fit.reward`), `constants` holds the shared
        constants and `dataset_constants` the table of the others
        (`Formula.dataset_constants`).
        """
        self._check_fitted()
        grouped = {"dataset_constants": [f.dataset_constants for f in self.pareto_]}
        return pd.DataFrame({
            "complexity": [f.complexity for f in self.pareto_],
            "loss": [f.nrmse for f in self.pareto_],
            "sympy": [f.sympy() for f in self.pareto_],
            "constants": [f.constants for f in self.pareto_],
            "latex": [f.latex() for f in self.pareto_],
            "view": [f.view for f in self.pareto_],
            "uncertainties": [f.uncertainties for f in self.pareto_],
            "score_best": best_scores(self.pareto_),
            "score_bic": [f.bic for f in self.pareto_],
            **(grouped if self.best_.datasets else {}),
        })

    def predict(self, X: Any, return_std: bool = False, groups: Any = None
                ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Predictions of the best formula as plain numbers in the target's units; with
        `return_std`, also each one's standard error from the covariance of the constants
        (`Formula.covariance`), as scikit-learn's Gaussian process returns it.

        Plain inputs are read in the units the model was fitted with; Quantities and
        astropy tables are converted to them first. A model fitted with groups needs each
        row's dataset label in `groups`, one of the labels it was fitted on.
        """
        self._check_fitted()
        return self.fitted_law_.predict(X, return_std, groups)

    def score(self, X: Any, y: Any, groups: Any = None) -> float:
        """Coefficient of determination R^2 of `predict(X, groups=groups)` against y."""
        predicted = self.predict(X, groups=groups)
        y = check_target(y, self.problem_, len(predicted))
        return float(1 - np.sum((y - predicted) ** 2) / np.sum((y - y.mean()) ** 2))

    def fit_dataset(self, X: Any, y: Any, label: Any) -> pd.Series:
        """Fit a new dataset's own constants, the form and the shared constants held fixed,
        for every formula of the front; `predict` then takes `label`. Returns the best
        formula's row of `dataset_constants` for it."""
        self._check_fitted()
        p = self.problem_
        if not self.library_.dataset_names:
            raise LawfinderError("fit_dataset needs a model fitted with groups and "
                                 "dataset_constants: without per-dataset constants there is "
                                 "nothing of its own to fit; use predict")
        _, (label,) = encode_groups([label], 1)   # a NaN label is refused there
        if label in p.datasets:
            raise LawfinderError(f"dataset {label!r} is fitted already; give the new dataset "
                                 "a label of its own")
        X_user = check_features(X, p.names, np.ones(p.n_features),
                                units=list(zip(p.dims, p.factors)))
        y_si = check_target(y, p, len(X_user))
        check_dataset_sizes(np.zeros(len(y_si), dtype=np.int64), (label,), y_si,
                            np.ones(len(y_si)), len(self.library_.dataset_names))
        front = add_dataset(self.pareto_, self.frame_.inputs(X_user),
                            self.frame_.target_from_si(y_si), label,
                            np.random.default_rng(self.random_state))
        law = self.fitted_law_
        self._adopt(replace(law, problem=replace(p, datasets=front[0].datasets),
                            library=front[0].library, frame=front[0].frame,
                            pareto=tuple(front), best=front[law.pareto.index(law.best)]))
        return self.best_.dataset_constants.loc[label]

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the fitted model to `path` as versioned, human-readable JSON (no pickle).

        The file keeps the settings, the units, the token library and the Pareto front,
        not the training data; `LawRegressor.load` gives back a model that predicts the same.
        """
        self._check_fitted()
        save_model(self.fitted_law_, path)

    @classmethod
    def load(cls, path: str | os.PathLike[str],
             operators: Sequence[UserOperator] = ()) -> LawRegressor:
        """Read a model written by `save`; its `problem_` has the names and units, no data.
        A model fitted with user operators needs them again in `operators`: a file holds
        their names, not their code."""
        law = load_model(path, cls().get_params(), operators)
        model = cls(**law.settings)
        model._adopt(law)
        return model

    def __sklearn_tags__(self) -> Any:
        """How scikit-learn's tools and checks should treat this estimator.

        Written by hand, with a lazy import, so that scikit-learn stays optional.
        """
        from sklearn.utils import InputTags, RegressorTags, Tags, TargetTags

        return Tags(estimator_type="regressor", target_tags=TargetTags(required=True),
                    regressor_tags=RegressorTags(), input_tags=InputTags(),
                    non_deterministic=self.random_state is None)

    def get_metadata_routing(self) -> Any:
        """With scikit-learn's metadata routing on, ask for fit's own keywords by name.

        Then Pipeline.fit(X, y, units=...) and cross_val_score(..., params=...) pass
        names, units, target_units, target_name and y_err on to `fit`.
        """
        from sklearn.utils.metadata_routing import MetadataRequest

        request = MetadataRequest(owner=type(self).__name__)
        for name in _ROUTED_FIT_PARAMS:
            request.fit.add_request(param=name, alias=True)
        return request

    def __repr__(self) -> str:
        defaults = type(self)().get_params()
        changed = [f"{name}={value!r}" for name, value in self.get_params().items()
                   if value != defaults[name]]
        return f"{type(self).__name__}({', '.join(changed)})"

    def _repr_html_(self) -> str | None:
        """Jupyter's view of a fitted model: the front as a table of typeset formulas; None
        (Jupyter then shows `repr`, the parameters set) before fit."""
        return model_html(self.fitted_law_) if hasattr(self, "fitted_law_") else None

    def _adopt(self, law: FittedLaw) -> None:
        """Take what a fit found as the fitted attributes: `fit`, `load` and `fit_dataset`
        all end here, so the attributes always agree with `fitted_law_`."""
        self.fitted_law_ = law
        self.problem_, self.library_, self.frame_ = law.problem, law.library, law.frame
        self.pareto_, self.best_ = list(law.pareto), law.best
        self.history_, self.bases_ = list(law.history), list(law.bases)
        self.n_evals_, self.n_scored_ = law.n_evals, law.n_scored
        self.interrupted_, self.islands_lost_ = law.interrupted, list(law.islands_lost)
        self.feature_names_in_ = np.array(law.problem.names, dtype=object)
        self.n_features_in_ = law.problem.n_features

    def _check_fitted(self) -> None:
        if not hasattr(self, "best_"):
            raise LawfinderError("this LawRegressor is not fitted yet; call fit(X, y) first")

    def _config(self) -> SearchConfig:
        """The search's configuration, every setting checked (the constants with the data)."""
        config = search_config(self.get_params())
        n_islands(self.n_jobs)
        if self.cluster is not None and not isinstance(self.cluster, str):
            raise LawfinderError(f"cluster must be a Dask scheduler's address, such as "
                                 f"'tcp://host:8786' (a Client's is client.scheduler.address), "
                                 f"got {self.cluster!r}")
        check_rule(self.model_selection)
        return config

    def _views(self, problem: Problem, library: Library) -> list[View]:
        """The dimensionless views searched beside the raw one: the Π bases with units;
        without units the raw problem itself, whose inputs are its groups."""
        if problem.has_units and not self.dimensional_analysis:
            return []
        return pi_views(library, problem.target_dim.doubled())

    def _forms(self, views: list[View], library: Library, max_length: int
               ) -> Callable[[np.ndarray, np.ndarray], Iterator[tuple[tuple[int, ...], str]]]:
        """The enumerated formulas of the search's scaled data X, y (none if it is off)."""
        if not self.enumeration:
            return lambda X, y: iter(())
        return partial(enumerated_formulas, views, library, max_length)



_PARAMS = tuple(inspect.signature(LawRegressor.__init__).parameters)[1:]


# Settings a resumed search may change: the stop rules (to extend the budget), verbose,
# and what does not steer the search.
_RESUMABLE = ("max_time", "max_evals", "target_nrmse", "patience", "stall_patience",
              "verbose", "n_jobs", "cluster", "model_selection")

# Keywords of fit that only lawfinder uses, so scikit-learn may always route them here.
# sample_weight is left out: scikit-learn wants users to opt in to routing it.
_ROUTED_FIT_PARAMS = ("names", "units", "target_units", "target_name", "y_err")
