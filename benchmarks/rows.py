"""Benchmark: seconds per epoch and peak memory of a default fit as the rows grow.

Constants are fitted on a 128-row subsample and formulas scored on 2000 rows, so an
epoch should cost nearly the same at any size; only reading the data, the final refit
on all rows (polish) and the error bars grow with it. Each size runs in a fresh process
(its peak memory is its own), one island, a fixed budget of formulas. Printed: per size,
the median epoch, the time outside the epochs (setup and polish), the peak memory, and
each as a ratio to the smallest size. Usage:

    python benchmarks/rows.py --rows 10000,100000,1000000 --max-evals 20000
"""

from __future__ import annotations

import argparse
import concurrent.futures
import multiprocessing
import resource
import statistics
import time


def run(rows: int, max_evals: int) -> dict:
    import numpy as np

    from lawfinder import LawRegressor

    rng = np.random.default_rng(0)
    X = rng.uniform(1, 5, (rows, 3))
    y = 6.123 * X[:, 0] * X[:, 1] / X[:, 2] ** 2 * (1 + 0.01 * rng.normal(size=rows))
    model = LawRegressor(free_constants={"G": "m^3/(kg*s^2)"}, max_evals=max_evals,
                         max_time=3600, patience=10**9, random_state=0, n_jobs=1)
    start = time.perf_counter()
    model.fit(X, y, names=["m1", "m2", "r"], units=["kg", "kg", "m"], target_units="N")
    wall = time.perf_counter() - start
    elapsed = [s.elapsed for s in model.history_]
    epochs = [b - a for a, b in zip(elapsed, elapsed[1:])]
    return {"epoch": statistics.median(epochs), "outside": wall - elapsed[-1],
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,100000,1000000")
    parser.add_argument("--max-evals", type=int, default=20000)
    args = parser.parse_args()
    sizes = [int(n) for n in args.rows.split(",")]
    context = multiprocessing.get_context("spawn")
    results = {}
    for rows in sizes:
        with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
            results[rows] = pool.submit(run, rows, args.max_evals).result()
    base = results[sizes[0]]
    print(f"{'rows':>9}  {'epoch':>8}  {'ratio':>5}  {'setup+polish':>12}  {'ratio':>6}  "
          f"{'peak MiB':>8}  {'ratio':>5}")
    for rows, r in results.items():
        print(f"{rows:>9}  {r['epoch']:7.2f}s  {r['epoch'] / base['epoch']:5.2f}  "
              f"{r['outside']:11.2f}s  {r['outside'] / base['outside']:6.2f}  "
              f"{r['peak_mb']:8.0f}  {r['peak_mb'] / base['peak_mb']:5.2f}")


if __name__ == "__main__":
    main()
