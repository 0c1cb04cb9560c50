"""A campaign: methods x problems x noise levels x seeds under one budget; parsed from text."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lawfinder.benchmarks.class_sr import POINTS_PER_DATASET
from lawfinder.benchmarks.feynman import check_noise
from lawfinder.benchmarks.methods import METHODS, PhysoClassError
from lawfinder.benchmarks.suites import get_law, problem_names
from lawfinder.benchmarks.tasks import DEFAULT_POINTS, Task
from lawfinder.errors import LawfinderError


@dataclass(frozen=True)
class Campaign:
    """Every combination of the fields below is one Task; checked when made."""

    suite: str
    problems: tuple[str, ...]
    methods: tuple[str, ...] = ("lawfinder",)
    noises: tuple[float, ...] = (0.0,)
    seeds: tuple[int, ...] = (0,)
    time_limit: float = 600.0
    max_evals: int | None = 1_000_000
    n_points: int = DEFAULT_POINTS
    n_jobs: int = 1   # lawfinder's islands per task
    datasets: tuple[int, ...] = (1,)   # class suite: numbers of datasets per law
    class_units: bool = False          # class suite: tell the methods the units

    def __post_init__(self) -> None:
        for name in self.problems:
            get_law(self.suite, name)  # raises, naming the suite's choices
        for what, values in (("problems", self.problems), ("methods", self.methods),
                             ("noise levels", self.noises), ("seeds", self.seeds)):
            if not values:
                raise LawfinderError(f"a campaign needs at least one of {what}")
        unknown = [m for m in self.methods if m not in METHODS]
        if unknown:
            raise LawfinderError(f"unknown method(s) {', '.join(unknown)}; "
                                 f"choose from {', '.join(METHODS)}")
        for noise in self.noises:
            check_noise(noise, "noise level")
        if not self.time_limit > 0:
            raise LawfinderError(f"the time limit must be > 0 seconds, got {self.time_limit}")
        if self.max_evals is not None and self.max_evals < 1:
            raise LawfinderError(f"max_evals must be >= 1, got {self.max_evals}")
        if self.n_points < 1:
            raise LawfinderError(f"need at least one data point per run, got {self.n_points}")
        if self.n_jobs < 1:
            raise LawfinderError(f"--n-jobs must be >= 1 island per task, got {self.n_jobs}")
        self._check_class_options()

    def _check_class_options(self) -> None:
        """Datasets and units are the class suite's; physo does not run it."""
        if self.suite != "class":
            if self.datasets != (1,) or self.class_units:
                raise LawfinderError(f"--datasets and --with-units are for --suite class; the "
                                     f"{self.suite} suite has one dataset per law and always "
                                     "gives the units")
            return
        if not self.datasets or min(self.datasets) < 1:
            raise LawfinderError(f"--datasets: need numbers of datasets >= 1, got "
                                 f"{self.datasets}; e.g. --datasets 1,10")
        if "physo" in self.methods:
            raise PhysoClassError()

    def tasks(self) -> list[Task]:
        """All tasks, seed by seed: a campaign stopped early has whole seeds, not half a suite."""
        return [Task(method, self.suite, problem, noise, seed, self.time_limit, self.max_evals,
                     self.n_points, self.n_jobs, n_datasets, self.class_units)
                for seed, noise, n_datasets, problem, method in itertools.product(
                    self.seeds, self.noises, self.datasets, self.problems, self.methods)]


def parse_noises(text: str) -> tuple[float, ...]:
    """'0,0.01' -> (0.0, 0.01): fractions of RMS(y), each finite and >= 0."""
    noises = []
    for item in _items(text, "--noise"):
        try:
            noises.append(float(item))
        except ValueError:
            raise LawfinderError(f"--noise: {item!r} is not a number; give fractions of RMS(y) "
                                 "separated by commas, e.g. 0,0.001,0.01,0.1") from None
        check_noise(noises[-1], "--noise")
    return tuple(dict.fromkeys(noises))


def parse_seeds(text: str) -> tuple[int, ...]:
    """'0-4' -> (0, 1, 2, 3, 4); '0,2,5' and mixes such as '0-2,7' work too."""
    seeds: list[int] = []
    for item in _items(text, "--seeds"):
        low, dash, high = item.partition("-")
        try:
            first = int(low)
            last = int(high) if dash else first
        except ValueError:
            raise LawfinderError(f"--seeds: cannot read {item!r}; write a range such as 0-4, "
                                 "a list such as 0,2,5, or both: 0-2,7") from None
        if first < 0 or last < first:
            raise LawfinderError(f"--seeds: {item!r} is not a range of seeds >= 0 from low to "
                                 "high, e.g. 0-4")
        seeds.extend(range(first, last + 1))
    return tuple(dict.fromkeys(seeds))


def parse_datasets(text: str) -> tuple[int, ...]:
    """'1,10' -> (1, 10): numbers of datasets per law, each >= 1."""
    numbers = []
    for item in _items(text, "--datasets"):
        if not item.isdigit() or int(item) < 1:
            raise LawfinderError(f"--datasets: {item!r} is not a number of datasets >= 1; "
                                 "give them separated by commas, e.g. 1,10")
        numbers.append(int(item))
    return tuple(dict.fromkeys(numbers))


def default_points(suite: str) -> int:
    """Training points per run when not given: per dataset in the class suite."""
    return POINTS_PER_DATASET if suite == "class" else DEFAULT_POINTS


def parse_methods(text: str) -> tuple[str, ...]:
    """'lawfinder,physo' -> ('lawfinder', 'physo'); names are checked by Campaign."""
    return tuple(dict.fromkeys(_items(text, "--methods")))


def select_problems(suite: str, names: str | None = None, sample: int | None = None,
                    sample_seed: int = 0) -> tuple[str, ...]:
    """The named problems ('I.6.2a,II.6.15a'), else the whole suite (Feynman without its
    EXCLUDED ones); with `sample`, a random subset of that many, drawn with `sample_seed`,
    kept in registry order."""
    chosen: Sequence[str] = (_items(names, "--problems") if names is not None
                             else problem_names(suite))
    chosen = tuple(dict.fromkeys(chosen))
    if sample is None:
        return chosen
    if not 1 <= sample <= len(chosen):
        raise LawfinderError(f"--sample: cannot draw {sample} of {len(chosen)} problems; "
                             f"give a number from 1 to {len(chosen)}")
    picked = np.random.default_rng(sample_seed).choice(len(chosen), sample, replace=False)
    return tuple(chosen[i] for i in sorted(picked))


def _items(text: str, option: str) -> list[str]:
    items = [item.strip() for item in text.split(",")]
    if not all(items):
        raise LawfinderError(f"{option}: empty item in {text!r}; separate values by single "
                             "commas, with no comma at either end")
    return items


def campaign_from_options(suite: str | None, *, problems: str | None = None,
                          sample: int | None = None, sample_seed: int = 0,
                          methods: str = "lawfinder", noise: str = "0", seeds: str = "0",
                          time_limit: float = 600.0, max_evals: int | None = 1_000_000,
                          n_points: int | None = None, n_jobs: int = 1, datasets: str = "1",
                          with_units: bool = False) -> Campaign:
    """A Campaign from the text of `lawfinder bench` options; LawfinderError names the bad one.
    Without `n_points`, the suite's default (`default_points`)."""
    if suite is None:
        raise LawfinderError("bench: choose the problems with --suite feynman, demos or class "
                             "(to read results instead: lawfinder bench report FILE)")
    return Campaign(suite, select_problems(suite, problems, sample, sample_seed),
                    parse_methods(methods), parse_noises(noise), parse_seeds(seeds),
                    time_limit, max_evals,
                    default_points(suite) if n_points is None else n_points, n_jobs,
                    parse_datasets(datasets), with_units)
