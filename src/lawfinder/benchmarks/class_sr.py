"""PhySO's Class SR benchmark: 8 laws, each searched on several datasets at once.

Every dataset of a law has its own values of the law's per-dataset constants (drawn
uniformly in their ranges), and its inputs are sampled uniformly in theirs. The registry
is the data file `data/class.json`, with PhySO's published recovery rates beside it.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd
import sympy
from scipy.optimize import least_squares

from lawfinder.benchmarks.feynman import (UnknownProblemError, add_noise, check_noise,
                                         range_symbols)
from lawfinder.benchmarks.judge import Verdict, judge, same_values
from lawfinder.errors import LawfinderError

POINTS_PER_DATASET = 100   # the protocol's training points per dataset


@dataclass(frozen=True)
class Quantity:
    """An input or a per-dataset constant: its name, units and uniform sampling range."""

    name: str
    units: str
    low: float
    high: float


@dataclass(frozen=True)
class ClassData:
    """Rows of several datasets of one law, and each dataset's true constants."""

    X: np.ndarray          # (rows, inputs), columns in the problem's input order
    y: np.ndarray          # (rows,)
    groups: np.ndarray     # (rows,): the dataset index 0..G-1 of each row
    constants: np.ndarray  # (G, per-dataset constants): each dataset's true values


@dataclass(frozen=True)
class ClassProblem:
    """One law, ``target_name = formula(variables, dataset_constants)``."""

    number: int
    name: str
    formula: str
    target_name: str
    target_units: str
    variables: tuple[Quantity, ...]
    dataset_constants: tuple[Quantity, ...]
    shared_constant_units: str   # units of the law's numbers, for the one shared constant

    def sympy(self) -> sympy.Expr:
        """The law in SymPy, its per-dataset constants as symbols."""
        return _expression(self)

    def truth(self, values: Sequence[float]) -> sympy.Expr:
        """The law of one dataset: its per-dataset constants replaced by `values`."""
        return self.sympy().xreplace(
            {sympy.Symbol(c.name): sympy.Float(v) for c, v in zip(self.dataset_constants, values)})

    def draw_constants(self, n_datasets: int, rng: np.random.Generator) -> np.ndarray:
        """Each dataset's per-dataset constants, uniform in their ranges: (n_datasets, n_spe)."""
        if n_datasets < 1:
            raise LawfinderError(f"{self.name}: need at least one dataset, got {n_datasets}")
        low, high = _bounds(self.dataset_constants)
        return rng.uniform(low, high, size=(n_datasets, len(self.dataset_constants)))

    def sample(self, constants: np.ndarray, n: int, noise: float,
               rng: np.random.Generator) -> ClassData:
        """n points per dataset, uniform in the inputs' ranges, with each dataset's target
        noised on its own scale: y + N(0, (noise*RMS(y))^2), RMS over that dataset."""
        if n < 1:
            raise LawfinderError(f"{self.name}: need at least one point per dataset, got n={n}")
        check_noise(noise, self.name)
        low, high = _bounds(self.variables)
        law = _numpy_function(self)
        parts = []
        for values in constants:
            x = rng.uniform(low, high, size=(n, len(self.variables)))
            y = np.broadcast_to(np.asarray(law(*x.T, *values), dtype=float), (n,))
            parts.append((x, add_noise(y.copy(), noise, rng)))
        groups = np.repeat(np.arange(len(constants)), n)
        return ClassData(np.vstack([x for x, _ in parts]), np.concatenate([y for _, y in parts]),
                         groups, constants)

    def positive(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables if v.low > 0)

    def ranges(self) -> dict[str, tuple[float, float]]:
        return {v.name: (v.low, v.high) for v in self.variables}


def of_dataset(formula: sympy.Expr, fitted: pd.DataFrame | None, g: int) -> sympy.Expr:
    """The formula of dataset g: its per-dataset constants replaced by their fitted values
    in row g of `fitted` (indexed by dataset); unchanged without such a row."""
    if fitted is None or g not in fitted.index:
        return formula
    return formula.xreplace({sympy.Symbol(str(k)): sympy.Float(v)
                             for k, v in fitted.loc[g].items()})


def judge_datasets(formula: sympy.Expr, fitted: pd.DataFrame | None, problem: ClassProblem,
                   constants: np.ndarray, digits: int = 3) -> Verdict:
    """Exact recovery over every dataset: for each, the formula with that dataset's fitted
    per-dataset constants (row g of `fitted`) against the law with its true ones, by the
    SRBench rule, applied to the formula as found and, if that fails, expanded: SRBench
    rounds constants to 3 digits before simplifying, which refuses a law whose constants
    are rewritten (-4.905*(k0 + t)**2 - k1 is the free fall with v0 = -9.81*k0). The
    worst verdict wins: not solved if any dataset is, else not judged if the judge could
    not decide one, else solved. `digits`: the significant digits both sides are rounded to
    (SRBench's 3; fewer for a looser rule on noisy data, whose fitted constants carry the
    noise)."""
    verdict = Verdict.SOLVED
    for g, values in enumerate(constants):
        found = _judged(of_dataset(formula, fitted, g), problem.truth(values), problem, digits)
        if found is Verdict.NOT_SOLVED:
            return found
        if found is Verdict.NOT_JUDGED:
            verdict = found
    return verdict


def _judged(formula: sympy.Expr, truth: sympy.Expr, problem: ClassProblem, digits: int
            ) -> Verdict:
    """The SRBench verdict on the formula as written, or on its expanded form if not solved;
    failing both, solved if it is the law's function to 1e-9 (`judge.same_values`)."""
    options = dict(positive=problem.positive(), ranges=problem.ranges(), digits=digits)
    verdict = judge(formula, truth, **options)
    if verdict is not Verdict.NOT_SOLVED:
        return verdict
    verdict = judge(sympy.expand(formula), truth, **options)
    if verdict is Verdict.NOT_SOLVED and same_values(formula, truth, problem.ranges()):
        return Verdict.SOLVED
    return verdict


def refit(formula: sympy.Expr, own: Sequence[str], problem: ClassProblem, data: ClassData,
          start: np.ndarray) -> tuple[sympy.Expr, pd.DataFrame, np.ndarray]:
    """`formula` with its numbers (shared by all datasets) and its per-dataset constants
    `own` fitted to `data` by least squares, from the numbers it holds and `start`
    (datasets x own). Each dataset is weighted by 1/RMS of its target, the scale of its
    noise (the maximum-likelihood fit). Returns the formula with the fitted numbers, the
    fitted constants (one row per dataset) and each dataset's RMS residual over its RMS."""
    numbers = sorted(formula.atoms(sympy.Float), key=float)
    shared = sympy.symbols(f"s0:{len(numbers)}")
    inputs = [sympy.Symbol(v.name) for v in problem.variables]
    f = sympy.lambdify([*inputs, *shared, *sympy.symbols(list(own))],
                       formula.xreplace(dict(zip(numbers, shared))), "numpy")
    G, S = len(start), len(numbers)
    scale = _rms_by_dataset(data.y, data.groups, G)

    def residuals(p: np.ndarray) -> np.ndarray:
        per = p[S:].reshape(G, len(own))[data.groups]
        with np.errstate(all="ignore"):
            value = np.broadcast_to(f(*data.X.T, *p[:S], *per.T), data.y.shape)
        r = (value - data.y) / scale[data.groups]
        return np.where(np.isfinite(r), r, 1e3)  # a NaN or overflow counts as a large miss

    x0 = np.concatenate([np.array(numbers, dtype=float), np.asarray(start, float).ravel()])
    fit = least_squares(residuals, x0, xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=2000)
    fitted = formula.xreplace({n: sympy.Float(v) for n, v in zip(numbers, fit.x[:S])})
    table = pd.DataFrame(fit.x[S:].reshape(G, len(own)), columns=list(own))
    return fitted, table, _rms_by_dataset(fit.fun, data.groups, G)


def _rms_by_dataset(values: np.ndarray, groups: np.ndarray, n: int) -> np.ndarray:
    """The RMS of `values` over the rows of each dataset 0..n-1."""
    return np.array([np.sqrt(np.mean(values[groups == g] ** 2)) for g in range(n)])


def published_rate(name: str, noise: float, n_datasets: int) -> float | None:
    """PhySO's published exact recovery rate for the law at this noise and number of
    datasets; None where it published none."""
    reference = _registry()[1]
    rates = reference["exact_recovery"].get(name, {}).get(str(n_datasets))
    levels = [float(v) for v in reference["noise_levels"]]
    if rates is None or float(noise) not in levels:
        return None
    return float(rates[levels.index(float(noise))])


def get(name: str) -> ClassProblem:
    """The problem called `name`, e.g. "Radioactive Decay"."""
    by_name = {p.name: p for p in CLASS}
    if name in by_name:
        return by_name[name]
    close = difflib.get_close_matches(name, list(by_name), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else f"choose from {', '.join(by_name)}"
    raise UnknownProblemError(f"no Class SR problem named {name!r}; {hint}")


def _bounds(quantities: Iterable[Quantity]) -> tuple[np.ndarray, np.ndarray]:
    quantities = tuple(quantities)
    return np.array([q.low for q in quantities]), np.array([q.high for q in quantities])


@functools.cache
def _expression(problem: ClassProblem) -> sympy.Expr:
    # Explicit symbols, or names such as T, n and A could parse as SymPy's own objects.
    local = range_symbols(problem.variables) | {c.name: sympy.Symbol(c.name)
                                                for c in problem.dataset_constants}
    return sympy.parse_expr(problem.formula, local_dict=local)


@functools.cache
def _numpy_function(problem: ClassProblem) -> Callable[..., np.ndarray]:
    symbols = [*range_symbols(problem.variables).values(),
               *(sympy.Symbol(c.name) for c in problem.dataset_constants)]
    return sympy.lambdify(symbols, _expression(problem), modules="numpy")


def _quantities(entries: Mapping[str, Mapping[str, object]]) -> tuple[Quantity, ...]:
    return tuple(Quantity(name, str(e["units"]), float(e["range"][0]), float(e["range"][1]))
                 for name, e in entries.items())


@functools.cache
def _registry() -> tuple[tuple[ClassProblem, ...], dict[str, object]]:
    """The problems of the data file, and PhySO's published rates on them."""
    with resources.files("lawfinder.benchmarks").joinpath("data/class.json").open() as file:
        data = json.load(file)
    problems = tuple(
        ClassProblem(p["number"], p["name"], p["formula"], p["target"], p["target_units"],
                     _quantities(p["variables"]), _quantities(p["dataset_constants"]),
                     p["shared_constant_units"])
        for p in data["problems"])
    return problems, data["physo_published"]


CLASS: tuple[ClassProblem, ...] = _registry()[0]
