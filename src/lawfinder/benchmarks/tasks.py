"""One benchmark run (a Task) and its outcome (a Result): data, search, SRBench's judges.

A Task's seed drives its data (training and test sets come from independent streams of it)
and the method's search. A task of the class suite runs one law over several datasets and
is judged on each of them (`_run_class`).
"""

from __future__ import annotations

import multiprocessing
import traceback
import warnings
from dataclasses import dataclass

import numpy as np
import sympy

from lawfinder.benchmarks import class_sr
from lawfinder.benchmarks.judge import is_accuracy_solution, judge, r2_score
from lawfinder.benchmarks.methods import METHODS
from lawfinder.benchmarks.suites import Law, get_law
from lawfinder.errors import LawfinderError

TEST_POINTS = 10_000
CLASS_TEST_POINTS = 1_000   # per dataset
DEFAULT_POINTS = 10_000


class DaemonWorkerError(LawfinderError):
    """This process is a daemon, so it cannot start the child process the judge needs."""


@dataclass(frozen=True)
class Task:
    """One run: a method on one problem at one noise level with one seed and budget."""

    method: str
    suite: str
    problem: str
    noise: float
    seed: int
    time_limit: float             # seconds
    max_evals: int | None         # each method's own evaluation budget
    n_points: int = DEFAULT_POINTS
    n_jobs: int = 1               # lawfinder's islands in this task
    n_datasets: int = 1           # class suite: datasets of the law, n_points each
    class_units: bool = False     # class suite: tell the method the units

    @property
    def key(self) -> str:
        """Stable identity: the same fields give the same key in every process and release
        (one island, as before islands, adds nothing to it; nor do the class suite's fields
        to the other suites' keys)."""
        evals = "none" if self.max_evals is None else str(self.max_evals)
        jobs = "" if self.n_jobs == 1 else f"/jobs={self.n_jobs}"
        datasets = (f"/datasets={self.n_datasets}{'/units' if self.class_units else ''}"
                    if self.suite == "class" else "")
        return (f"{self.method}/{self.suite}/{self.problem}/noise={float(self.noise)!r}/"
                f"seed={self.seed}/time={float(self.time_limit)!r}/evals={evals}/"
                f"n={self.n_points}{jobs}{datasets}")


@dataclass(frozen=True)
class Result:
    """A finished Task: judged, or crashed (then `error` holds the traceback)."""

    task: Task
    verdict: str | None = None            # a Verdict value; None if crashed
    r2: float | None = None               # R^2 on a fresh, noise-free test set
    accuracy_solution: bool | None = None  # r2 > 0.999
    wall: float | None = None             # seconds of search
    evals: int | None = None              # formulas scored
    formula: str | None = None
    error: str | None = None
    # Class suite: the fitted per-dataset constants, JSON {dataset: {name: value}}.
    dataset_constants: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None


def run_task(task: Task) -> Result:
    """Run `task`; an exception from its data, method or judges becomes a crashed Result,
    so one failed run never stops a campaign."""
    try:
        ensure_can_judge()
        return _run(task)
    except Exception:  # noqa: BLE001
        return Result(task, error=traceback.format_exc())


def ensure_can_judge() -> None:
    """Raise DaemonWorkerError in a daemonic process, before hours of search are wasted:
    the recovery judge runs SymPy in a child process, which daemons may not start."""
    if multiprocessing.current_process().daemon:
        raise DaemonWorkerError(
            "this Dask worker is a daemonic process and cannot start the recovery judge's child "
            "process; start workers with the Dask setting distributed.worker.daemon: False "
            "(environment variable DASK_DISTRIBUTED__WORKER__DAEMON=False)")


def _run(task: Task) -> Result:
    """Fit on noisy training data; judge the formula symbolically and on noise-free test data.

    The test target is noise-free, so R^2 measures distance to the law itself rather than
    to one draw of the noise (SRBench's test split would carry the same noise as training).
    """
    if task.suite == "class":
        return _run_class(task)
    law = get_law(task.suite, task.problem)
    train, test = np.random.SeedSequence(task.seed).spawn(2)
    X, y = law.data(task.n_points, task.noise, np.random.default_rng(train))
    X_test, y_test = law.data(TEST_POINTS, 0.0, np.random.default_rng(test))
    fit = METHODS[task.method](law, X, y, time_limit=task.time_limit,
                               max_evals=task.max_evals, seed=task.seed, n_jobs=task.n_jobs)
    r2 = r2_score(y_test, predict(law, fit.formula, X_test))
    verdict = judge(fit.formula, law.truth, positive=law.positive)
    return Result(task, verdict.value, r2, is_accuracy_solution(r2), fit.wall, fit.evals,
                  str(fit.formula))


def _run_class(task: Task) -> Result:
    """Fit one form on `n_datasets` noisy datasets, each with its own constants; recovered
    if, with each dataset's fitted constants, it is that dataset's law (every dataset).

    R^2 is the lowest over the datasets, each on fresh noise-free points with its own true
    and fitted constants, so R^2 > 0.999 too means every dataset is fitted.
    """
    law = get_law("class", task.problem, with_units=task.class_units)
    problem = law.source
    truth, data, fresh = class_task_data(problem, task.seed, task.n_datasets, task.n_points,
                                         task.noise)
    fit = METHODS[task.method](law, data.X, data.y, time_limit=task.time_limit,
                               max_evals=task.max_evals, seed=task.seed, n_jobs=task.n_jobs,
                               groups=data.groups)
    r2 = min(r2_score(fresh.y[fresh.groups == g],
                      predict(law, class_sr.of_dataset(fit.formula, fit.dataset_constants, g),
                              fresh.X[fresh.groups == g]))
             for g in range(task.n_datasets))
    verdict = class_sr.judge_datasets(fit.formula, fit.dataset_constants, problem, truth)
    table = (None if fit.dataset_constants is None
             else fit.dataset_constants.to_json(orient="index", double_precision=15))
    return Result(task, verdict.value, r2, is_accuracy_solution(r2), fit.wall, fit.evals,
                  str(fit.formula), dataset_constants=table)


def class_task_data(problem: class_sr.ClassProblem, seed: int, n_datasets: int,
                    n_points: int, noise: float
                    ) -> tuple[np.ndarray, class_sr.ClassData, class_sr.ClassData]:
    """A Class SR task's true constants (n_datasets, n_spe), noisy training data and
    noise-free test data, from three streams of its seed."""
    constants, train, test = np.random.SeedSequence(seed).spawn(3)
    truth = problem.draw_constants(n_datasets, np.random.default_rng(constants))
    data = problem.sample(truth, n_points, noise, np.random.default_rng(train))
    return truth, data, problem.sample(truth, CLASS_TEST_POINTS, 0.0,
                                       np.random.default_rng(test))


def predict(law: Law, formula: sympy.Expr, X: np.ndarray) -> np.ndarray | float:
    """The formula evaluated with NumPy on rows of X (columns in the law's input order).

    Where the formula is undefined (log of a negative, say) the values are NaN, which
    r2_score counts as a broken model.
    """
    by_name = {s.name: s for s in formula.free_symbols if isinstance(s, sympy.Symbol)}
    unknown = set(by_name) - set(law.names)
    if unknown:
        raise ValueError(f"formula {formula} uses {sorted(unknown)}, which are not inputs of "
                         f"{law.name} ({', '.join(law.names)})")
    args = [by_name.get(name, sympy.Symbol(name)) for name in law.names]
    function = sympy.lambdify(args, formula, modules="numpy", dummify=True)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return function(*X.T)

