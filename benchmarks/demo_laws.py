"""Benchmark: recovery rate, time to recovery, speed and memory on the three demo laws.

Each (law, seed) runs in a fresh process so its peak memory is its own. Where `physo`
is installed, PhySO runs on the same data, on the same machine, in the same command,
and the ratios are printed. Usage:

    python benchmarks/demo_laws.py --seeds 0-4 --max-time 120
    python benchmarks/demo_laws.py --seeds 0-19 --physo-seeds 0-2 --max-time 60
"""

from __future__ import annotations

import argparse
import concurrent.futures
import functools
import importlib.util
import multiprocessing
import resource
import statistics
import time


def run_lawfinder(law_name: str, seed: int, max_time: float, n_jobs: int = -1) -> dict:
    from lawfinder import LawRegressor
    from lawfinder.benchmarks.demos import get

    law = get(law_name)
    X, y = law.generate(1000, seed=seed)
    start = time.perf_counter()
    model = LawRegressor(operators=law.operators, free_constants=law.free_constants,
                         max_time=max_time, random_state=seed, n_jobs=n_jobs)
    model.fit(X, y, names=law.names, units=law.units, target_units=law.target_units,
              target_name=law.target)
    wall = time.perf_counter() - start
    solved = law.recovered(model.best_.sympy(), model.best_.constants).value == "solved"
    # Formulas scored, as PhySO counts its evaluations (sampled ones that reached a dead end
    # are not scored).
    return {"recovered": solved, "time": model.best_.found_at if solved else None,
            "wall": wall, "evals": model.n_scored_, "rate": model.n_scored_ / wall,
            "peak_mb": _peak_mb(), "formula": str(model.best_.sympy())}


def _peak_mb() -> float:
    """Peak memory of this process plus that of its largest child (an island's process,
    once ended): about the whole fit's peak with two islands."""
    return sum(resource.getrusage(who).ru_maxrss
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024


def run_physo(law_name: str, seed: int, max_time: float) -> dict:
    """PhySO on the same data, with the law's settings, through lawfinder.benchmarks.physo_method
    (config1, ended after the first epoch to finish past max_time)."""
    from lawfinder.benchmarks.demos import get
    from lawfinder.benchmarks.physo_method import run_physo as physo_run

    law = get(law_name)
    X, y = law.generate(1000, seed=seed)
    run = physo_run(X, y, names=law.names, units=law.units, target_name=law.target,
                    target_units=law.target_units, free_constants=list(law.free_constants.items()),
                    operators=law.operators, time_limit=max_time, seed=seed)
    solved = _physo_recovered(law, run.best)
    return {"recovered": solved, "time": _first_recovery(law, run.found) if solved else None,
            "wall": run.wall, "evals": run.evals, "rate": run.evals / run.wall,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "formula": str(run.best)}


def _first_recovery(law, found: tuple) -> float:
    """Seconds to the first of the run's successive best formulas that is the law; if a tie
    in reward hid it, to when the best reward was first reached."""
    from lawfinder.benchmarks.physo_method import program_sympy

    solutions = (t for t, program in found if _physo_recovered(law, program_sympy(program)))
    return next(solutions, found[-1][0])


def _physo_recovered(law, expr) -> bool:
    """Exact recovery judged on the formula with its constants' values, not law.recovered, which
    rounds each constant: PhySO may scale one by numbers it builds, as G/cos(1), and lawfinder
    never does (it forbids constant-only subtrees)."""
    from lawfinder.benchmarks.judge import is_identical

    return is_identical(expr, law.sympy(), positive=law.positive_names()).value == "solved"


def _in_fresh_process(target, *args) -> dict:
    """target(*args) in a new process, not a daemon: the recovery judge starts its own."""
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(target, *args).result()


def _seeds(text: str) -> list[int]:
    if "-" in text:
        low, high = text.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(s) for s in text.split(",")]


def _medians(runs: list[dict]) -> tuple[float, float | None, float | None]:
    """Recovery rate, median time to recovery and median formulas/s (None when undefined)."""
    times = [r["time"] for r in runs if r["recovered"]]
    rates = [r["rate"] for r in runs if r["rate"]]
    return (sum(bool(r["recovered"]) for r in runs) / len(runs),
            statistics.median(times) if times else None,
            statistics.median(rates) if rates else None)


def _summary(name: str, runs: list[dict]) -> str:
    recovery, median_time, median_rate = _medians(runs)
    time_cell = f"{median_time:7.1f} s" if median_time is not None else "      -  "
    rate_cell = f"{median_rate:8.2f}" if median_rate is not None else "       -"
    return (f"{name:<12} {round(recovery * len(runs))}/{len(runs)}  {time_cell}  {rate_cell}/s  "
            f"{max(r['peak_mb'] for r in runs):7.0f} MB")


_RATIO_COLUMNS = ("recovery", "median time", "formulas/s")


def _ratios(name: str, physo_runs: list[dict], lawfinder_runs: list[dict]) -> str:
    """One method's figures over another's (PhySO / lawfinder, or lawfinder with n_jobs=2
    over n_jobs=1): recovery rate, median time to recovery, formulas/s ("-" if undefined)."""
    cells = [f"{physo / ours:{len(column)}.3g}" if ours and physo is not None
             else f"{'-':>{len(column)}}"
             for column, physo, ours in zip(_RATIO_COLUMNS, _medians(physo_runs),
                                            _medians(lawfinder_runs))]
    return f"{name:<12} " + "  ".join(cells)


def _run(method: str, runner, laws: list[str], seeds: list[int], max_time: float) -> dict:
    """Runs of one method, by law, each printed as it ends and summarised per law."""
    print(f"== {method}")
    runs_by_law = {}
    for law in laws:
        runs = []
        for seed in seeds:
            result = dict(_in_fresh_process(runner, law, seed, max_time), seed=seed)
            runs.append(result)
            status = "recovered" if result["recovered"] else "missed"
            print(f"   {law} seed {seed}: {status} in {result['wall']:.1f} s: "
                  f"{result['formula']}", flush=True)
        print(_summary(law, runs), flush=True)
        runs_by_law[law] = runs
    return runs_by_law


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--laws", default="oscillator,einstein,newton")
    parser.add_argument("--seeds", default="0-4")
    parser.add_argument("--max-time", type=float, default=120.0)
    parser.add_argument("--methods", default="lawfinder,physo",
                        help="physo runs only where it is installed")
    parser.add_argument("--physo-seeds", help="PhySO's seeds, if fewer (default: --seeds); "
                        "its ratios are over lawfinder's runs on the same seeds")
    parser.add_argument("--n-jobs", default="-1",
                        help="lawfinder's islands; several, e.g. 1,2: each is run, and the "
                             "others' figures are printed over the first's")
    args = parser.parse_args()
    wanted = args.methods.split(",")
    jobs = [int(n) for n in args.n_jobs.split(",")]
    names = ["lawfinder"] if len(jobs) == 1 else [f"n_jobs={n}" for n in jobs]
    methods = ({name: functools.partial(run_lawfinder, n_jobs=n) for name, n in zip(names, jobs)}
               if "lawfinder" in wanted else {})
    if "physo" in wanted and importlib.util.find_spec("physo"):
        methods["physo"] = run_physo
    elif "physo" in wanted:
        print("physo is not installed (pip install physo): lawfinder only")
    laws, seeds = args.laws.split(","), _seeds(args.seeds)
    print(f"{'law':<12} solved  median time to recovery  formulas/s  peak memory")
    physo_seeds = _seeds(args.physo_seeds) if args.physo_seeds else seeds
    results = {method: _run(method, runner, laws, physo_seeds if method == "physo" else seeds,
                            args.max_time)
               for method, runner in methods.items()}
    pairs = [("physo", names[0])] * ("physo" in results) + [(n, names[0]) for n in names[1:]]
    for other, base in pairs:
        if other in results and base in results:
            print(f"== {other} / {base}\n" + f"{'law':<12} " + "  ".join(_RATIO_COLUMNS))
            for law in laws:
                theirs = {r["seed"] for r in results[other][law]}
                ours = [r for r in results[base][law] if r["seed"] in theirs]
                print(_ratios(law, results[other][law], ours))


if __name__ == "__main__":
    main()
