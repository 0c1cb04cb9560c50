"""Benchmark report: Class SR runs judged again with constants rounded to fewer digits.

Per-dataset constants are real numbers drawn at random, and a fit on noisy data finds them
up to the noise: at noise 0.01 on 100 points, to about 1e-3, where SRBench's rounding to 3
significant digits tells them apart from the truth by chance. This reads a results file
of `lawfinder bench --suite class`, rebuilds each run's true constants from its seed, and
prints the exact-recovery rate with 3 (SRBench, as the run judged it) and 2 significant
digits beside the accuracy rate (R² > 0.999 on every dataset; only such runs are judged
again). Usage:

    python benchmarks/class_digits.py class.sqlite
"""

from __future__ import annotations

import argparse
import io

import numpy as np
import pandas as pd


def solved_with(row, digits: int) -> bool:
    """Whether the run's formula is every dataset's law with constants rounded to `digits`."""
    from lawfinder.benchmarks import class_sr
    from lawfinder.benchmarks.judge import parse

    problem = class_sr.get(row.problem)
    constants = np.random.SeedSequence(int(row.seed)).spawn(3)[0]
    truth = problem.draw_constants(int(row.n_datasets), np.random.default_rng(constants))
    fitted = (None if row.dataset_constants is None
              else pd.read_json(io.StringIO(row.dataset_constants), orient="index"))
    verdict = class_sr.judge_datasets(parse(row.formula), fitted, problem, truth, digits)
    return verdict.value == "solved"


def main() -> None:
    from lawfinder.benchmarks.store import ResultStore

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    args = parser.parse_args()
    frame = ResultStore(args.results, create=False).frame()
    frame = frame[(frame.suite == "class") & frame.error.isna()]
    d3 = frame.verdict == "solved"
    # Fewer digits can only add runs, and only runs whose formula fits every dataset.
    d2 = [solved or (bool(row.accuracy_solution) and solved_with(row, 2))
          for solved, row in zip(d3, frame.itertuples())]
    frame = frame.assign(d3=d3, d2=d2)
    table = frame.groupby(["n_datasets", "class_units", "noise"]).agg(
        runs=("d3", "size"), exact_3_digits=("d3", "mean"), exact_2_digits=("d2", "mean"),
        r2_above_0_999=("accuracy_solution", "mean"))
    print(table.round(2).to_string())


if __name__ == "__main__":
    main()
