"""The AI Feynman benchmark: 100 physics formulas with SI units, sampled and noised as in SRBench.

The registry is the data file `data/feynman.json`: the formulas and sampling ranges of the AI
Feynman database (Udrescu & Tegmark 2020), spelled for SymPy (asin, log for its arcsin, ln), and
each name's units from its units table, in SI base dimensions.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import sympy

from lawfinder.errors import LawfinderError
from lawfinder.units.dimension import Dimension, parse_units


@dataclass(frozen=True)
class Variable:
    """An input of a problem: its name in the formula, its sampling range and its dimension."""

    name: str
    low: float
    high: float
    dim: Dimension


@dataclass(frozen=True)
class FeynmanProblem:
    """One benchmark law, ``target_name = formula(variables)``, with the target's dimension."""

    name: str
    formula: str
    target_name: str
    target_dim: Dimension
    variables: tuple[Variable, ...]

    def sympy(self) -> sympy.Expr:
        """The formula in SymPy; symbols are named as the variables, positive if their range is."""
        return _expression(self)

    def generate(self, n: int, *, noise: float = 0.0,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """n points uniform in the ranges; noise as in SRBench: y + N(0, (noise*RMS(y))^2).

        Returns X of shape (n, len(variables)), columns in variable order, and y of shape (n,).
        """
        if n < 1:
            raise LawfinderError(f"{self.name}: need at least one point, got n={n}")
        check_noise(noise, self.name)
        low = np.array([v.low for v in self.variables])
        high = np.array([v.high for v in self.variables])
        x = rng.uniform(low, high, size=(n, len(self.variables)))
        y = np.asarray(_numpy_function(self)(*x.T), dtype=float)
        return x, add_noise(y, noise, rng)


def check_noise(noise: float, what: str) -> None:
    """Raise LawfinderError, naming `what`, unless noise is a finite fraction >= 0."""
    if not (np.isfinite(noise) and noise >= 0):
        raise LawfinderError(f"{what}: noise is a fraction of RMS(y) and must be >= 0, "
                             f"got {noise}")


def add_noise(y: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """SRBench's target noise: y + N(0, (noise*RMS(y))^2); y itself (no draw) when noise is 0."""
    if not noise:
        return y
    return y + rng.normal(0.0, noise * np.sqrt(np.mean(y**2)), size=y.shape)


class UnknownProblemError(LawfinderError, KeyError):
    """No problem of a benchmark suite has this name; also a KeyError, as for a failed dict
    lookup."""

    __str__ = Exception.__str__  # KeyError's would print the message in quotes


def get(name: str) -> FeynmanProblem:
    """The problem called ``name``, e.g. "I.6.2a"; the EXCLUDED ones can be fetched too."""
    if name in _BY_NAME:
        return _BY_NAME[name]
    # PMLB spells names feynman_I_6_2a; compare in our spelling so those get a suggestion too.
    spelled = name.removeprefix("feynman_").replace("_", ".")
    close = difflib.get_close_matches(spelled, list(_BY_NAME), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else "; names look like 'I.6.2a'"
    raise UnknownProblemError(f"no Feynman problem named {name!r}{hint}")


def range_symbols(variables: Iterable[Any]) -> dict[str, sympy.Symbol]:
    """A symbol per input (anything with a `name` and a sampling range's `low`), positive
    where the range is: what a benchmark formula is parsed and judged over."""
    return {v.name: sympy.Symbol(v.name, positive=True) if v.low > 0 else sympy.Symbol(v.name)
            for v in variables}


# Module-level caches rather than attributes, so problems stay small and picklable.
@functools.cache
def _expression(problem: FeynmanProblem) -> sympy.Expr:
    # Explicit symbols, or names such as I, gamma and beta would parse as SymPy's own objects.
    return sympy.parse_expr(problem.formula, local_dict=range_symbols(problem.variables))


@functools.cache
def _numpy_function(problem: FeynmanProblem) -> Callable[..., np.ndarray]:
    return sympy.lambdify(list(range_symbols(problem.variables).values()),
                          _expression(problem), modules="numpy")


@functools.cache
def _registry() -> tuple[tuple[FeynmanProblem, ...], dict[str, str]]:
    """Every problem of the data file, and the reasons some are left out of FEYNMAN."""
    with resources.files("lawfinder.benchmarks").joinpath("data/feynman.json").open() as file:
        data = json.load(file)
    dims = {name: parse_units(entry["unit"], what=f"Feynman units of {name!r}")[0]
            for name, entry in data["units"].items()}
    problems = tuple(
        FeynmanProblem(p["name"], p["formula"], p["target"], dims[p["target"]],
                       tuple(Variable(v, float(low), float(high), dims[v])
                             for v, (low, high) in p["ranges"].items()))
        for p in data["problems"])
    return problems, {p["name"]: p["excluded"] for p in data["problems"] if "excluded" in p}


ALL_PROBLEMS, EXCLUDED = _registry()

FEYNMAN: tuple[FeynmanProblem, ...] = tuple(p for p in ALL_PROBLEMS if p.name not in EXCLUDED)

_BY_NAME = {p.name: p for p in ALL_PROBLEMS}
