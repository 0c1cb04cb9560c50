"""Benchmark: the highest exact-recovery rate the Class SR rule allows on noisy data.

A run is recovered when, with each dataset's fitted constants substituted, the formula is
that dataset's law to 3 significant digits (SRBench's rounding), on every dataset. On
noisy data the constants are only known to the noise, whatever the search does. This
script gives every run the law itself: on the data of the campaign's task (same seed,
datasets, points and noise), the law's numbers (shared) and per-dataset constants are
fitted by weighted least squares (each dataset by 1/RMS of its target, as its noise is
scaled: the maximum-likelihood fit), from the true values, and the result is judged by
the campaign's judge (`class_sr.judge_datasets`). No method that fits constants to these
data can beat this rate by more than luck. Printed: the share of runs the rule calls
recovered, with 3 and with 2 digits, per noise level and law. Usage:

    python benchmarks/class_ceiling.py --noise 0,0.001,0.01,0.1 --seeds 0-9 --datasets 10
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import sympy

from lawfinder.benchmarks import class_sr
from lawfinder.benchmarks.campaign import parse_seeds
from lawfinder.benchmarks.tasks import class_task_data


def oracle(problem: class_sr.ClassProblem, seed: int, n_datasets: int, noise: float
           ) -> tuple[sympy.Expr, pd.DataFrame, np.ndarray]:
    """The law fitted to the task's training data: the formula with its fitted numbers,
    each dataset's fitted constants (one row per dataset) and the true constants."""
    truth, data, _ = class_task_data(problem, seed, n_datasets, class_sr.POINTS_PER_DATASET,
                                     noise)
    own = [c.name for c in problem.dataset_constants]
    formula, fitted, _ = class_sr.refit(problem.sympy(), own, problem, data, truth)
    return formula, fitted, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noise", default="0,0.001,0.01,0.1")
    parser.add_argument("--seeds", default="0-9")
    parser.add_argument("--datasets", type=int, default=10)
    parser.add_argument("--problems", default=",".join(p.name for p in class_sr.CLASS))
    args = parser.parse_args()
    rows = []
    for name in args.problems.split(","):
        problem = class_sr.get(name)
        for noise in (float(v) for v in args.noise.split(",")):
            for seed in parse_seeds(args.seeds):
                formula, fitted, truth = oracle(problem, seed, args.datasets, noise)
                rows.append(dict(problem=name, noise=noise, seed=seed, **{
                    f"exact_{d}_digits": class_sr.judge_datasets(
                        formula, fitted, problem, truth, d).value == "solved" for d in (3, 2)}))
    frame = pd.DataFrame(rows)
    print(frame.groupby("noise")[["exact_3_digits", "exact_2_digits"]].mean().round(2))
    print(frame.pivot_table(index="problem", columns="noise", values="exact_3_digits",
                            aggfunc="mean").round(2).to_string())


if __name__ == "__main__":
    main()
