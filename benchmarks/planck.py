"""Benchmark: Planck's law from noisy data, with the default operators and settings.

B = A / lam**5 / (exp(C / (lam*T)) - 1), free constants A [W*m^2] and C [m*K], 2000 points
with lam in 0.2-5 um and T in 2000-10000 K, 1% multiplicative noise y*(1 + 0.01*N(0,1)),
SI magnitudes. Recovered: the found formula, constants as symbols and rounded to 3
significant digits, is the law (`DemoLaw.recovered`; SRBench's rule on the numeric
formula would zero A = 1.2e-16, as its small-float rule does, and call anything solved).
With `--y-err` the fit is told each point's standard error, 1% of its measured value, as
a physicist who knows the noise would: unweighted least squares on multiplicative noise
lets the brightest points decide the constants. Usage:

    python benchmarks/planck.py --seeds 0-4 --max-time 120 [--y-err]
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def run(seed: int, max_time: float, y_err: bool) -> tuple[bool, float, float, str]:
    """(recovered, seconds to the formula, wall seconds, formula and its constants' relative
    errors) for one seed."""
    from lawfinder import LawRegressor
    from lawfinder.benchmarks.demos import PLANCK
    from lawfinder.benchmarks.judge import Verdict

    X, y = PLANCK.generate(2000, seed=seed)
    y = y * (1 + 0.01 * np.random.default_rng(seed + 1000).normal(size=len(y)))
    start = time.perf_counter()
    model = LawRegressor(free_constants=PLANCK.free_constants, max_time=max_time,
                         random_state=seed)
    model.fit(X, y, names=PLANCK.names, units=PLANCK.units, target_units=PLANCK.target_units,
              y_err=0.01 * np.abs(y) if y_err else None)
    wall = time.perf_counter() - start
    solved = PLANCK.recovered(model.best_.sympy(), model.best_.constants) is Verdict.SOLVED
    errors = ", ".join(f"{name} {value / PLANCK.constants[name][0] - 1:+.2%}"
                       for name, value in model.best_.constants.items() if name in PLANCK.constants)
    return solved, model.best_.found_at, wall, f"{model.best_.sympy()} ({errors})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0-4", help="first-last")
    parser.add_argument("--max-time", type=float, default=120.0)
    parser.add_argument("--y-err", action="store_true",
                        help="give the fit each point's standard error (1%% of its value)")
    args = parser.parse_args()
    low, high = (int(s) for s in args.seeds.split("-"))
    results = []
    for seed in range(low, high + 1):
        solved, found_at, wall, formula = run(seed, args.max_time, args.y_err)
        results.append(solved)
        print(f"seed {seed}: {'recovered' if solved else 'missed'} (best found at "
              f"{found_at:.1f} s, run {wall:.1f} s): {formula}", flush=True)
    print(f"recovered {sum(results)}/{len(results)}")


if __name__ == "__main__":
    main()
