"""Benchmark: whole searches of this tree against a baseline tree, on the same data.

For each problem (the demo laws and five Feynman problems), the data are generated once;
each tree fits them in its own process (PYTHONPATH=its src) with default settings, the
same seed and time budget, one island (`n_jobs=1` where the tree has islands). Printed
per problem and tree: distinct formulas scored per second (`history_[-1].fitted /
history_[-1].elapsed`) and their ratio, and whether the returned formula is the law (the
SRBench rule of this tree's judge). Usage:

    git -C /work/main worktree add --detach /work/base d60d8d6
    python benchmarks/search_speed.py --baseline-src /work/base/src --max-time 30
"""

from __future__ import annotations

import argparse
import inspect
import json
import tempfile
from pathlib import Path

import numpy as np

from trees import HERE_SRC, run_tree

PROBLEMS = "demos:oscillator,demos:einstein,demos:newton,feynman:I.6.2a,feynman:I.12.4," \
           "feynman:II.24.17,feynman:III.4.33,feynman:I.41.16"


def save_data(problem: str, seed: int, path: Path) -> None:
    """The problem's noiseless data and what `LawRegressor` is told of it."""
    from lawfinder.benchmarks.methods import fit_options
    from lawfinder.benchmarks.suites import get_law

    suite, name = problem.split(":")
    law = get_law(suite, name)
    X, y = law.data(1000 if suite == "demos" else 10_000, 0.0, np.random.default_rng(seed))
    spec = dict(operators=list(law.operators), free_constants=dict(law.free_constants),
                fit=fit_options(law))
    np.savez(path, X=X, y=y, spec=json.dumps(spec))


def search(path: Path, max_time: float, seed: int) -> None:
    """Fit the saved data with the tree on the path; print formulas/s and the formula."""
    from lawfinder.estimator import LawRegressor

    saved = np.load(path)
    spec = json.loads(str(saved["spec"]))
    settings = dict(operators=spec["operators"], free_constants=spec["free_constants"],
                    fixed_constants=("1",), max_time=max_time, random_state=seed)
    if "n_jobs" in inspect.signature(LawRegressor).parameters:
        settings["n_jobs"] = 1
    model = LawRegressor(**settings).fit(saved["X"], saved["y"], **spec["fit"])
    last = model.history_[-1]
    print(json.dumps({"rate": last.fitted / last.elapsed, "fitted": last.fitted,
                      "formula": str(model.best_.sympy(numeric=True))}))


def recovered(problem: str, formula: str) -> bool:
    from lawfinder.benchmarks.judge import Verdict, judge, parse
    from lawfinder.benchmarks.suites import get_law

    law = get_law(*problem.split(":"))
    return judge(parse(formula), law.truth, positive=law.positive) is Verdict.SOLVED


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-src", help="src folder of the baseline tree")
    parser.add_argument("--problems", default=PROBLEMS, help="suite:name, comma-separated")
    parser.add_argument("--max-time", type=float, default=30.0, help="seconds per search")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--search", metavar="DATA", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.search:
        return search(Path(args.search), args.max_time, args.seed)
    if not args.baseline_src:
        parser.error("--baseline-src is required")
    rates = {"baseline": [], "current": []}
    with tempfile.TemporaryDirectory() as folder:
        for problem in args.problems.split(","):
            data = Path(folder) / f"{problem.replace(':', '-')}.npz"
            save_data(problem, args.seed, data)
            out = {side: run_tree(__file__, src, ["--search", str(data), "--max-time",
                                                  str(args.max_time), "--seed", str(args.seed)])
                   for side, src in (("baseline", args.baseline_src), ("current", HERE_SRC))}
            for side, result in out.items():
                rates[side].append(result["rate"])
            print(f"{problem}: formulas/s baseline {out['baseline']['rate']:.0f}, current "
                  f"{out['current']['rate']:.0f}, ratio "
                  f"x{out['current']['rate'] / out['baseline']['rate']:.2f}; law recovered: "
                  f"baseline {recovered(problem, out['baseline']['formula'])}, current "
                  f"{recovered(problem, out['current']['formula'])}", flush=True)
    ratio = np.exp(np.mean(np.log(np.array(rates["current"]) / np.array(rates["baseline"]))))
    print(f"geometric mean of the ratios: x{ratio:.2f}")


if __name__ == "__main__":
    main()
