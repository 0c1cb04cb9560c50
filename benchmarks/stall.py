"""Benchmark: the time `stall_patience` saves on noisy data, and the laws it would lose.

Each (law, noise, seed) runs once with the stall rule off (default settings otherwise, one
island); the rule only ever ends a search early, so where it would have stopped, and
whether the law had been found by then, follow from the run's own history: it stops at
the first epoch with `stalled == N` and no formula within target_nrmse, and keeps the law
if the returned law was found before that. Usage:

    python benchmarks/stall.py --noise 0,0.01,0.1 --seeds 0,1,2 --max-time 60 --workers 2
"""

from __future__ import annotations

import argparse
import concurrent.futures

PATIENCES = (10, 25, 50, 100)


def run(law_name: str, noise: float, seed: int, max_time: float) -> dict:
    """One fit without the stall rule; for each patience, when it would have stopped."""
    import numpy as np

    from lawfinder import LawRegressor
    from lawfinder.benchmarks.suites import get_law

    law = get_law("demos", law_name)
    X, y = law.data(1000, noise, np.random.default_rng(seed))
    model = LawRegressor(operators=law.operators, free_constants=dict(law.free_constants),
                         max_time=max_time, random_state=seed, n_jobs=1)
    model.fit(X, y, names=list(law.names), units=list(law.units),
              target_units=law.target_units, target_name=law.target_name)
    solved = law.source.recovered(model.best_.sympy(), model.best_.constants).value == "solved"
    target = model.target_nrmse
    end = model.history_[-1].elapsed
    stops = {}
    for n in PATIENCES:
        stop = next((s.elapsed for s in model.history_
                     if s.stalled >= n and s.best_nrmse > target), end)
        stops[n] = (stop, solved and model.best_.found_at <= stop)
    return {"law": law_name, "noise": noise, "seed": seed, "end": end, "solved": solved,
            "stops": stops}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noise", default="0,0.01,0.1")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--max-time", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    laws = ("oscillator", "einstein", "newton")
    noises = [float(n) for n in args.noise.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    jobs = [(law, noise, seed, args.max_time) for law in laws for noise in noises
            for seed in seeds]
    with concurrent.futures.ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(run, *zip(*jobs)))
    print(f"{'noise':<6}{'law':<12}{'seed':<6}{'search s':>9}{'law':>5}"
          + "".join(f"{'stop@' + str(n):>12}" for n in PATIENCES))
    for r in results:
        print(f"{r['noise']:<6}{r['law']:<12}{r['seed']:<6}{r['end']:>9.1f}"
              f"{'Y' if r['solved'] else '-':>5}"
              + "".join(f"{stop:>10.1f} {'Y' if kept else '-'}"
                        for stop, kept in r["stops"].values()))
    print("\nper noise level: search seconds with the rule / without, laws kept / found")
    for noise in noises:
        rows = [r for r in results if r["noise"] == noise]
        total = sum(r["end"] for r in rows)
        found = sum(r["solved"] for r in rows)
        cells = [f"N={n}: {sum(r['stops'][n][0] for r in rows) / total:.2f}, "
                 f"{sum(r['stops'][n][1] for r in rows)}/{found}" for n in PATIENCES]
        print(f"noise {noise:<5}  " + "   ".join(cells))


if __name__ == "__main__":
    main()
