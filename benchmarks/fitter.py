"""Benchmark: the constant fitter of this tree against a baseline tree, on what searches fit.

For each problem (Feynman's or a demo law), a search with default settings runs a few
epochs, then every call it makes to `fit_constants` for a few more epochs is recorded:
the formulas (policy batches, enumerated forms, neighbours, mutants), their starting
points and fitter settings, and the fitting rows. Each tree replays the recorded calls in
its own process (PYTHONPATH=its src), so a tree from before the layout moves (commit
d60d8d6) runs them too. Printed per problem: formulas fitted per second in each tree and
their ratio; the fidelity, the share of formulas whose loss is within 1% of the baseline's
(and no worse), beside the baseline against itself on its rows in reverse order (what
rounding alone moves); the baseline's exact fits (NRMSE below 1e-6 on the fitting rows)
that this tree fits exactly too; the share of the baseline's best 5% fitted as well.
Usage:

    git -C /work/main worktree add --detach /work/base d60d8d6
    python benchmarks/fitter.py --baseline-src /work/base/src
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from trees import add_tree_arguments, both_trees, fidelity, fitter_api

PROBLEMS = "demos:oscillator,demos:einstein,feynman:I.12.4,feynman:II.24.17,feynman:I.41.16," \
           "feynman:III.4.33,feynman:I.6.2a"
EXACT = 1e-12  # loss over the target's mean square: NRMSE 1e-6


def record(problem: str, warmup: int, epochs: int, seed: int, path: Path) -> None:
    """Run a search on the problem's data and save the `fit_constants` calls of `epochs`
    epochs after `warmup`, with what rebuilds the library."""
    import lawfinder.search.scoring as scoring
    from lawfinder.benchmarks.methods import fit_options, lawfinder_model
    from lawfinder.benchmarks.suites import get_law

    suite, name = problem.split(":")
    law = get_law(suite, name)
    X, y = law.data(1000 if suite == "demos" else 10_000, 0.0, np.random.default_rng(seed))
    model = lawfinder_model(law, random_state=seed)
    _, library, _, search = model.prepare(X, y, **fit_options(law))
    for _ in range(warmup):
        search.step()
    calls, original = [], scoring.fit_constants

    def recording(tokens, library, X, y, weights, starts, user_scale, config, rng, frozen=None):
        starts = np.broadcast_to(starts, (len(tokens), *np.shape(starts)[-2:]))
        calls.append(dict(tokens=tokens, X=X, y=y, weights=weights, starts=starts,
                          config=np.array([config.max_iter, config.n_random_starts, config.tol,
                                           config.prune_every, config.prune_keep])))
        return original(tokens, library, X, y, weights, starts, user_scale, config, rng, frozen)

    scoring.fit_constants = recording
    try:
        for _ in range(epochs):
            search.step()
    finally:
        scoring.fit_constants = original
    spec = dict(operators=list(law.operators), variables=list(law.names),
                free=[n for n, _ in law.free_constants], dataset=[], n_datasets=0,
                names=list(library.names))
    arrays = {f"{key}{i}": value for i, call in enumerate(calls) for key, value in call.items()}
    np.savez(path, calls=len(calls), user_scale=search.user_scale, spec=json.dumps(spec), **arrays)


def replay(path: Path, out: Path, repeats: int, reverse: bool) -> None:
    """Fit the recorded calls (in whichever tree is on the path), rows reversed if asked;
    save the losses, print the best of `repeats` total seconds."""
    FitConfig, fit_constants, build = fitter_api()
    saved = np.load(path)
    library = build(json.loads(str(saved["spec"])))
    calls = []
    for i in range(int(saved["calls"])):
        rows = slice(None, None, -1) if reverse else slice(None)
        max_iter, starts, tol, every, keep = saved[f"config{i}"]
        config = FitConfig(int(max_iter), int(starts), float(tol), int(every), float(keep))
        calls.append((saved[f"tokens{i}"], library, *(np.ascontiguousarray(saved[f"{k}{i}"][rows])
                                                      for k in ("X", "y", "weights")),
                      saved[f"starts{i}"], saved["user_scale"], config))
    tokens, library, X, y, weights, starts, *rest = calls[0]
    fit_constants(tokens[:5], library, X, y, weights, starts[:5], *rest,  # compile, warm up
                  np.random.default_rng(0))
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        losses = [fit_constants(*call, np.random.default_rng(i))[1] for i, call in enumerate(calls)]
        best = min(best, time.perf_counter() - start)
    scale = np.concatenate([np.full(len(c[0]), np.mean(c[4] * c[3] ** 2)) for c in calls])
    np.savez(out, loss=np.concatenate(losses) / scale)
    print(json.dumps({"seconds": best}))


def compare(loss: np.ndarray, base: np.ndarray, rev: np.ndarray) -> str:
    """The fidelity figures of `loss` against the baseline's `base`, as one line."""
    within, no_worse = fidelity(loss, base)
    floor, _ = fidelity(rev, base)
    exact = base < EXACT
    best = np.argsort(base, kind="stable")[:max(1, len(base) // 20)]
    as_good = float(np.mean(loss[best] <= base[best] * 1.01 + EXACT))
    kept = f"{np.mean(loss[exact] < EXACT):.1%}" if exact.any() else "none"
    return (f"loss within 1% of the baseline's {within:.1%} (no worse {no_worse:.1%}; "
            f"baseline on reversed rows {floor:.1%}); exact {int((loss < EXACT).sum())} "
            f"(baseline {int(exact.sum())}, of its exact {kept}); "
            f"best 5% as good {as_good:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_tree_arguments(parser, "/tmp/fitter")
    parser.add_argument("--problems", default=PROBLEMS, help="suite:name, comma-separated")
    parser.add_argument("--warmup", type=int, default=3, help="search epochs before recording")
    parser.add_argument("--epochs", type=int, default=2, help="epochs recorded")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.replay:
        return replay(Path(args.replay[0]), Path(args.replay[1]), args.repeats, args.reverse)
    if not args.baseline_src:
        parser.error("--baseline-src is required")
    folder = Path(args.batches)
    folder.mkdir(parents=True, exist_ok=True)
    totals = {"baseline": 0.0, "current": 0.0, "formulas": 0}
    for problem in args.problems.split(","):
        stem = f"{problem.replace(':', '-')}-{args.warmup}-{args.epochs}-{args.seed}"
        batch = folder / f"{stem}.npz"
        if not batch.exists():
            record(problem, args.warmup, args.epochs, args.seed, batch)
        saved = np.load(batch)
        n = sum(len(saved[f"tokens{i}"]) for i in range(int(saved["calls"])))
        seconds, loss = both_trees(__file__, args.baseline_src, batch, args.repeats)
        totals["baseline"] += seconds["baseline"]
        totals["current"] += seconds["current"]
        totals["formulas"] += n
        print(f"{problem}: {n} formulas fitted; formulas/s baseline {n / seconds['baseline']:.0f}, "
              f"current {n / seconds['current']:.0f}, ratio "
              f"x{seconds['baseline'] / seconds['current']:.2f}; "
              f"{compare(loss['current'], loss['baseline'], loss['rev'])}", flush=True)
    n = totals["formulas"]
    print(f"all: {n} formulas; formulas/s baseline {n / totals['baseline']:.0f}, current "
          f"{n / totals['current']:.0f}, ratio x{totals['baseline'] / totals['current']:.2f}")


if __name__ == "__main__":
    main()
