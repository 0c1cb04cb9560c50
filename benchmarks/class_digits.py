"""Benchmark report: Class SR runs judged again with constants rounded to fewer digits.

Per-dataset constants are real numbers drawn at random, and a fit on noisy data finds them
up to the noise: at noise 0.01 on 100 points, to about 1e-3, where SRBench's rounding to 3
significant digits tells them apart from the truth by chance. This reads a results file
of `lawfinder bench --suite class`, rebuilds each run's true constants from its seed, and
prints the exact-recovery rate with 3 (SRBench, by the current judge) and 2 significant
digits beside the accuracy rate (R² > 0.999 on every dataset; only such runs are judged
again). A last column asks only for the law's form: with every number of the formula
(its shared constants) and every per-dataset constant set free and fitted again, from the
values found, to each dataset's law without noise, the formula fits every dataset to
1e-8 of its RMS (a rewritten law, -4.905*(k0 + t)**2 - k1, is the law's form; a
stand-in that fits within the noise, or a frequency fitted per dataset where the law's
is shared, is not). Usage:

    python benchmarks/class_digits.py class.sqlite
"""

from __future__ import annotations

import argparse
import io

import numpy as np
import pandas as pd


def _run_constants(row):
    """The run's law, its datasets' true constants (rebuilt from its seed, as the task drew
    them) and their fitted per-dataset constants in dataset order (None without any)."""
    from lawfinder.benchmarks import class_sr
    from lawfinder.benchmarks.tasks import class_task_data

    problem = class_sr.get(row.problem)
    truth, _, _ = class_task_data(problem, int(row.seed), int(row.n_datasets),
                                  int(row.n_points), float(row.noise))
    fitted = (None if row.dataset_constants is None
              else pd.read_json(io.StringIO(row.dataset_constants), orient="index").sort_index())
    return problem, truth, fitted


def solved_with(row, digits: int) -> bool:
    """Whether the run's formula is every dataset's law with constants rounded to `digits`."""
    from lawfinder.benchmarks import class_sr
    from lawfinder.benchmarks.judge import parse

    problem, truth, fitted = _run_constants(row)
    verdict = class_sr.judge_datasets(parse(row.formula), fitted, problem, truth, digits)
    return verdict.value == "solved"


def form_recovered(row, n: int = 200) -> bool:
    """Whether the run's formula, its numbers and per-dataset constants freed, fits every
    dataset's noise-free law exactly (1e-8 of each dataset's RMS)."""
    from lawfinder.benchmarks import class_sr
    from lawfinder.benchmarks.judge import parse

    problem, truth, fitted = _run_constants(row)
    fitted = pd.DataFrame(index=range(len(truth))) if fitted is None else fitted
    data = problem.sample(truth, n, 0.0, np.random.default_rng(0))
    own = [str(k) for k in fitted.columns]
    _, _, rms = class_sr.refit(parse(row.formula), own, problem, data, fitted.to_numpy(float))
    return bool(rms.max() < 1e-8)


def main() -> None:
    from lawfinder.benchmarks.store import ResultStore

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    args = parser.parse_args()
    frame = ResultStore(args.results, create=False).frame()
    frame = frame[(frame.suite == "class") & frame.error.isna()]
    # The current judge on runs judged before it saw a law written with another function;
    # fewer digits can only add runs, and only runs whose formula fits every dataset.
    d3 = [row.verdict == "solved" or (bool(row.accuracy_solution) and solved_with(row, 3))
          for row in frame.itertuples()]
    d2 = [solved or (bool(row.accuracy_solution) and solved_with(row, 2))
          for solved, row in zip(d3, frame.itertuples())]
    form = [solved or form_recovered(row) for solved, row in zip(d3, frame.itertuples())]
    frame = frame.assign(d3=d3, d2=d2, form=form)
    table = frame.groupby(["n_datasets", "class_units", "noise"]).agg(
        runs=("d3", "size"), exact_3_digits=("d3", "mean"), exact_2_digits=("d2", "mean"),
        r2_above_0_999=("accuracy_solution", "mean"), form=("form", "mean"))
    print(table.round(2).to_string())


if __name__ == "__main__":
    main()
