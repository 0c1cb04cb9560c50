"""Campaign reports: SRBench's rates per method and noise level, as tables and a figure.

Rates are over the runs that finished (crashed ones are counted apart); a run the judge
could not decide (not judged) counts as not recovered and is counted apart too. The class
suite's tables also give PhySO's published rate on the same laws (`class_sr.published_rate`).
"""

from __future__ import annotations

import contextlib
import math
import re
from os import PathLike

import numpy as np
import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table

from lawfinder.benchmarks.class_sr import published_rate
from lawfinder.benchmarks.store import ResultStore
from lawfinder.errors import LawfinderError

Z_95 = 1.959963984540054   # two-sided 95% quantile of the standard normal
GROUP = ["suite", "budget", "method", "noise"]
TASK = ["suite", "budget", "problem", "noise", "seed"]   # a task, whichever method ran it


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a binomial rate; (0, 1) when there are no trials.

    Unlike p +- z*sqrt(p(1-p)/n) it stays inside [0, 1] and is not empty at 0 or n successes.
    """
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def summarize(rows: pd.DataFrame, *, paired: bool = False) -> pd.DataFrame:
    """One line per suite, budget, method and noise level, from a results file's rows.

    `paired` keeps only the tasks that every method of their suite and budget ran, so that
    methods run on different subsets of problems are compared on the same ones.
    """
    rows = _selected(rows, paired)
    return pd.DataFrame([_line(key, group) for key, group in rows.groupby(GROUP, sort=True)])


def outcomes(rows: pd.DataFrame, *, paired: bool = False) -> pd.DataFrame:
    """One line per suite, budget and problem, a column per method and noise level: what
    its runs gave ("solved", or the R^2 of a formula not recovered; "k/n solved" over seeds)."""
    rows = _selected(rows, paired)
    rows = rows.assign(column=[f"{r.method}, noise {r.noise:g}" for r in rows.itertuples()])
    cells = rows.groupby(["suite", "budget", "problem", "column"], sort=True).apply(
        _outcome, include_groups=False)
    cells = cells.unstack("column").fillna("")
    # Problems in reading order: I.6.2 before I.12.1.
    return cells.sort_index(key=lambda level: level.map(_natural) if level.name == "problem"
                            else level)


def _selected(rows: pd.DataFrame, paired: bool) -> pd.DataFrame:
    if rows.empty:
        raise LawfinderError("the results file has no runs yet; nothing to report")
    # A file written before the class suite, opened read-only, lacks its columns.
    defaults = {"n_datasets": 1, "class_units": 0}
    rows = rows.assign(**{c: v for c, v in defaults.items() if c not in rows})
    rows = rows.assign(budget=[_budget(r) for r in rows.itertuples()])
    return _paired(rows) if paired else rows


def _natural(name: str) -> tuple[object, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def _outcome(runs: pd.DataFrame) -> str:
    if len(runs) > 1:
        return f"{int((runs['verdict'] == 'solved').sum())}/{len(runs)} solved"
    run = runs.iloc[0]
    if pd.notna(run["error"]):
        return "crashed"
    if run["verdict"] != "not solved":
        return str(run["verdict"])
    return f"R² {run['r2']:.4f}"


def _paired(rows: pd.DataFrame) -> pd.DataFrame:
    methods = rows.groupby(["suite", "budget"])["method"].transform("nunique")
    return rows[rows.groupby(TASK)["method"].transform("nunique") == methods]


def _budget(row: object) -> str:
    evals = "no eval limit" if pd.isna(row.max_evals) else f"{int(row.max_evals)} evals"
    budget = f"{row.time_limit:g} s, {evals}, {row.n_points} points"
    if row.suite != "class":
        return budget
    units = "units on" if row.class_units else "units off"
    datasets = f"{row.n_datasets} dataset{'' if row.n_datasets == 1 else 's'}"
    return f"{budget} per dataset, {datasets}, {units}"


def _line(key: tuple, group: pd.DataFrame) -> dict[str, object]:
    finished = group[group["error"].isna()]
    n = len(finished)
    solved = int((finished["verdict"] == "solved").sum())
    accurate = int(finished["accuracy_solution"].fillna(0).astype(bool).sum())
    return {**dict(zip(GROUP, key)), "runs": n, "crashed": len(group) - n,
            "solved": solved, "recovery": solved / n if n else np.nan,
            "recovery_ci": wilson_interval(solved, n),
            "accurate": accurate, "accuracy": accurate / n if n else np.nan,
            "accuracy_ci": wilson_interval(accurate, n),
            "median_r2": finished["r2"].median(), "median_wall": finished["wall"].median(),
            "median_evals": finished["evals"].median(),
            "not_judged": int((finished["verdict"] == "not judged").sum()),
            "physo_published": _published(key[0], finished)}


def _published(suite: str, runs: pd.DataFrame) -> float:
    """PhySO's published rates of the runs' laws at their noise and number of datasets,
    averaged over the runs; NaN outside the class suite or where it published none."""
    if suite != "class" or runs.empty:
        return np.nan
    rates = [published_rate(r.problem, r.noise, r.n_datasets) for r in runs.itertuples()]
    return np.nan if None in rates else float(np.mean(rates))


def tables(summary: pd.DataFrame, *, paired: bool = False) -> list[Table]:
    """One rich Table per suite and budget, a line per method and noise level."""
    out = []
    for (suite, budget), part in summary.groupby(["suite", "budget"], sort=True):
        title = f"{suite}: {budget}" + (", tasks every method ran" if paired else "")
        table = Table(title=title, box=box.SIMPLE_HEAD, padding=0,
                      pad_edge=False, show_edge=False,
                      caption="rates in % [95% Wilson interval] of the runs that finished")
        published = ("physo\n(published)",) if suite == "class" else ()
        for column in ("method", "noise", "runs", "recovered", *published, "R2 >\n0.999",
                       "median\nR2", "median\ntime", "median\nevals", "not\njudged", "crash"):
            table.add_column(column, justify="left" if column == "method" else "right")
        for line in part.itertuples():
            reference = (_number(100 * line.physo_published, ".0f"),) if published else ()
            table.add_row(line.method, f"{line.noise:g}", str(line.runs),
                          _rate(line.recovery, line.recovery_ci), *reference,
                          _rate(line.accuracy, line.accuracy_ci),
                          _number(line.median_r2, ".6f"), _number(line.median_wall, ".1f", " s"),
                          _number(line.median_evals, ".0f"), str(line.not_judged),
                          str(line.crashed))
        out.append(table)
    return out


def problem_tables(cells: pd.DataFrame) -> list[Table]:
    """The `outcomes` of each problem, one rich Table per suite and budget."""
    out = []
    for (suite, budget), part in cells.groupby(level=["suite", "budget"], sort=True):
        part = part.droplevel(["suite", "budget"]).loc[:, lambda f: (f != "").any()]
        table = Table(title=f"{suite}: {budget}, outcome of each problem", box=box.SIMPLE_HEAD,
                      padding=(0, 1), pad_edge=False, show_edge=False)
        for column in ("problem", *part.columns):
            table.add_column(column)
        for problem, line in part.iterrows():
            table.add_row(problem, *line)
        out.append(table)
    return out


def _rate(rate: float, ci: tuple[float, float]) -> str:
    if pd.isna(rate):
        return "-"
    return f"{100 * rate:.0f} [{100 * ci[0]:.0f},{100 * ci[1]:.0f}]"


def _number(value: float, spec: str, unit: str = "") -> str:
    return "-" if pd.isna(value) else f"{value:{spec}}{unit}"


def report(results: str | PathLike[str], *, plot_path: str | PathLike[str] | None = None,
           paired: bool = False, by_problem: bool = False,
           console: Console | None = None) -> pd.DataFrame:
    """Print the tables of a results file, write the figure if asked; return the summary.

    `paired`: only the tasks every method ran (see `summarize`); `by_problem`: also each
    problem's outcomes (see `outcomes`).
    """
    console = console or Console()
    with contextlib.closing(ResultStore(results, create=False)) as store:
        frame = store.frame()
    summary = summarize(frame, paired=paired)
    for table in tables(summary, paired=paired):
        console.print(table)
    if by_problem:
        for table in problem_tables(outcomes(frame, paired=paired)):
            console.print(table)
    if plot_path is not None:
        plot(summary, plot_path)
        console.print(f"figure written to {plot_path}")
    return summary


def plot(summary: pd.DataFrame, path: str | PathLike[str]) -> None:
    """As SRBench's figure: recovery and accuracy-solution rates with 95% CIs and median time,
    per method against noise level; one row of panels per suite and budget. PNG, no display."""
    try:
        from matplotlib.figure import (
            Figure,  # no pyplot: no GUI backend, no global state
        )
    except ImportError as error:
        raise LawfinderError(f"--plot needs matplotlib ({error}); "
                             "pip install 'lawfinder[bench]'") from error
    groups = list(summary.groupby(["suite", "budget"], sort=True))
    figure = Figure(figsize=(13, 3.6 * len(groups)), layout="constrained")
    axes = figure.subplots(len(groups), 3, squeeze=False)
    for row, ((suite, budget), part) in zip(axes, groups):
        _panels(row, part, f"{suite} ({budget})")
    figure.savefig(path, dpi=120)


def _runs_label(method: str, runs: pd.Series) -> str:
    """The method and how many runs each bar stands for: methods may have run on different
    subsets of problems."""
    low, high = int(runs.min()), int(runs.max())
    return f"{method} ({low} runs)" if low == high else f"{method} ({low}-{high} runs)"


def _panels(axes: np.ndarray, part: pd.DataFrame, title: str) -> None:
    noises = sorted(part["noise"].unique())
    methods = sorted(part["method"].unique())
    width = 0.8 / len(methods)
    for i, (method, lines) in enumerate(part.groupby("method", sort=True)):
        offset = (i - (len(methods) - 1) / 2) * width
        x = np.array([noises.index(v) for v in lines["noise"]]) + offset
        for ax, rate, ci in ((axes[0], "recovery", "recovery_ci"),
                             (axes[1], "accuracy", "accuracy_ci")):
            low, high = np.array(lines[ci].tolist()).T
            values = lines[rate].to_numpy()
            ax.bar(x, values, width, label=_runs_label(method, lines["runs"]),
                   yerr=[values - low, high - values], capsize=3)
        axes[2].bar(x, lines["median_wall"], width, label=method)
    labels = [f"{v:g}" for v in noises]
    for ax, ylabel in zip(axes, ("exact recovery rate", "rate of R$^2$ > 0.999",
                                 "median wall time (s)")):
        ax.set_xticks(range(len(noises)), labels)
        ax.set_xlabel("noise level (fraction of RMS(y))")
        ax.set_ylabel(ylabel)
    for ax in axes[:2]:
        ax.set_ylim(0, 1)
    times = part["median_wall"].dropna()
    if len(times) and times.max() > 10 * times.min() > 0:   # log only where times span decades
        axes[2].set_yscale("log")
    axes[0].legend()
    axes[0].set_title(title, loc="left")
