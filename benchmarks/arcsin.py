"""Benchmark: the two Feynman laws that need arcsin (I.26.2, I.30.5), with `asin` added to
the suite's 12 operators; left out of the 97, they are reported beside them.

Each run is a campaign task's own: the same data (10,000 points, the task's seed), budget,
constants and judge, only the operator set differs. Usage:

    python benchmarks/arcsin.py --seeds 0-2 --noise 0,0.01 --time-limit 60 --workers 2
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import itertools

import numpy as np

PROBLEMS = ("I.26.2", "I.30.5")


def run(problem: str, noise: float, seed: int, time_limit: float) -> tuple:
    from lawfinder.benchmarks.judge import is_accuracy_solution, judge, r2_score
    from lawfinder.benchmarks.methods import fit_lawfinder
    from lawfinder.benchmarks.suites import get_law
    from lawfinder.benchmarks.tasks import DEFAULT_POINTS, TEST_POINTS, predict

    law = get_law("feynman", problem)
    law = dataclasses.replace(law, operators=(*law.operators, "asin"))
    train, test = np.random.SeedSequence(seed).spawn(2)
    X, y = law.data(DEFAULT_POINTS, noise, np.random.default_rng(train))
    X_test, y_test = law.data(TEST_POINTS, 0.0, np.random.default_rng(test))
    fit = fit_lawfinder(law, X, y, time_limit=time_limit, max_evals=1_000_000, seed=seed)
    r2 = r2_score(y_test, predict(law, fit.formula, X_test))
    verdict = judge(fit.formula, law.truth, positive=law.positive)
    return problem, noise, seed, verdict.value, r2, is_accuracy_solution(r2), fit.wall, fit.formula


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--noise", default="0")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    low, _, high = args.seeds.partition("-")
    seeds = range(int(low), int(high or low) + 1)
    noises = [float(n) for n in args.noise.split(",")]
    jobs = list(itertools.product(PROBLEMS, noises, seeds))
    with concurrent.futures.ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(run, *zip(*jobs), [args.time_limit] * len(jobs)))
    print("| problem | noise | seed | verdict | R² | wall | formula |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for problem, noise, seed, verdict, r2, _, wall, formula in results:
        print(f"| {problem} | {noise:g} | {seed} | {verdict} | {r2:.6f} | {wall:.0f} s | "
              f"`{formula}` |")


if __name__ == "__main__":
    main()
