"""Benchmark: how often each model-selection rule's choice is the law, on exact and noisy data.

One fit per (law, noise, seed) with the default settings (the suite's operators and free
constants, `n_jobs=1`); every rule of `lawfinder.results.selection` then chooses from the
same front, and the benchmark's judge (SRBench's symbolic rule) says whether the choice is
the law. Laws: the three demo laws and a seeded sample of Feynman laws. Usage:

    python benchmarks/model_selection.py --noise 0,0.01,0.1 --max-time 30 --workers 2
    python benchmarks/model_selection.py --noise 0.01,0.1 --n-points 50 --max-time 20 --workers 2
"""

from __future__ import annotations

import argparse
import concurrent.futures

import numpy as np


def run(suite: str, problem: str, noise: float, seed: int, max_time: float, n_points: int
        ) -> dict:
    """Fit once; each rule's choice and whether the judge calls it the law."""
    from lawfinder import LawRegressor
    from lawfinder.benchmarks.judge import judge
    from lawfinder.benchmarks.suites import get_law
    from lawfinder.results.selection import RULES, choose

    law = get_law(suite, problem)
    X, y = law.data(n_points, noise, np.random.default_rng(seed))
    model = LawRegressor(operators=law.operators, free_constants=dict(law.free_constants),
                         max_time=max_time, random_state=seed, n_jobs=1)
    model.fit(X, y, names=list(law.names), units=list(law.units),
              target_units=law.target_units, target_name=law.target_name)
    verdicts: dict[str, str] = {}
    picks = {}
    for rule in RULES:
        formula = choose(model.pareto_, rule).sympy(numeric=True)
        key = str(formula)
        if key not in verdicts:
            verdicts[key] = judge(formula, law.truth, positive=law.positive).value
        picks[rule] = (key, verdicts[key] == "solved")
    return {"law": f"{suite}:{problem}", "noise": noise, "seed": seed, "picks": picks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noise", default="0,0.01,0.1")
    parser.add_argument("--seeds", default="0", help="comma-separated")
    parser.add_argument("--feynman", type=int, default=10, help="Feynman laws sampled")
    parser.add_argument("--sample-seed", type=int, default=0)
    parser.add_argument("--max-time", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--n-points", type=int, default=1000)
    args = parser.parse_args()

    from lawfinder.benchmarks.suites import problem_names
    from lawfinder.results.selection import RULES

    feynman = np.random.default_rng(args.sample_seed).choice(
        problem_names("feynman"), args.feynman, replace=False)
    laws = [("demos", name) for name in problem_names("demos")]
    laws += [("feynman", str(name)) for name in sorted(feynman)]
    noises = [float(n) for n in args.noise.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    jobs = [(suite, name, noise, seed, args.max_time, args.n_points)
            for suite, name in laws for noise in noises for seed in seeds]
    with concurrent.futures.ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(run, *zip(*jobs)))
    for r in sorted(results, key=lambda r: (r["noise"], r["law"], r["seed"])):
        marks = "  ".join(f"{rule}:{'Y' if ok else '-'}" for rule, (_, ok) in r["picks"].items())
        print(f"noise {r['noise']:<5} {r['law']:<22} seed {r['seed']}  {marks}  "
              f"{r['picks']['accuracy'][0][:60]}")
    print(f"\nlaw chosen, of {len(laws) * len(seeds)} fits per noise level "
          f"({args.n_points} points, {args.max_time:g} s each, n_jobs=1):")
    print(f"{'noise':<8}" + "".join(f"{rule:>10}" for rule in RULES))
    for noise in noises:
        rows = [r for r in results if r["noise"] == noise]
        print(f"{noise:<8}" + "".join(f"{sum(r['picks'][rule][1] for r in rows):>10}"
                                      for rule in RULES))


if __name__ == "__main__":
    main()
