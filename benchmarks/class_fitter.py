"""Benchmark: the constant fitter on Class SR batches, this tree against a baseline tree.

For each Class SR problem, a search on 10 datasets of 100 points (units off, the suite's
protocol) runs a few epochs, so that the policy writes formulas like a real run's, then
samples a batch of formulas with constants. The batches and their fitting inputs (the
search's fitting subsample, or all rows with `--rows all`) are saved, and each tree fits
them with `fit_constants` in its own process (PYTHONPATH=its src), using only the public
`fit_constants` and `build_library` of commit 14c336d. Printed per tree: formulas fitted
per second; then their ratio and the fidelity, the share of formulas whose loss is within
1% (or 1e-12) of the baseline's, beside that of the baseline itself on its rows in reverse
order: LM on random formulas amplifies rounding, which alone moves some fits. Usage:

    git -C /work/main worktree add --detach /work/classbase 14c336d
    python benchmarks/class_fitter.py --baseline-src /work/classbase/src
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from trees import add_tree_arguments, both_trees, fidelity, fitter_api

PROBLEMS = "Harmonic Oscillator,Free Fall"
DATASETS, POINTS = 10, 100


def build(problem: str, size: int, warmup: int, rows: str, seed: int, path: Path) -> None:
    """Sample a batch of formulas with constants from a warmed-up search; save it with the
    inputs `fit_constants` gets for it and the arguments that rebuild the library."""
    from lawfinder.benchmarks.methods import fit_options, lawfinder_model
    from lawfinder.benchmarks.suites import get_law
    from lawfinder.evaluate.prefix import padded

    law = get_law("class", problem)
    rng = np.random.default_rng(seed)
    data = law.source.sample(law.source.draw_constants(DATASETS, rng), POINTS, 0.0, rng)
    model = lawfinder_model(law, random_state=seed)
    _, library, _, search = model.prepare(data.X, data.y, groups=data.groups, **fit_options(law))
    for _ in range(warmup):
        search.step()
    episode = search.sampler.sample(search.policy, size, search.generator)
    tokens = padded(list(dict.fromkeys(episode.formulas())))
    tokens = tokens[np.isin(tokens, library.free).any(axis=1)]
    fit = search.scorer.fit_rows if rows == "fit" else np.arange(len(search.y))
    spec = dict(operators=list(law.operators), variables=list(law.names),
                free=[n for n, _ in law.free_constants],
                dataset=[n for n, _ in law.dataset_constants], n_datasets=DATASETS,
                names=list(library.names))
    np.savez(path, tokens=tokens, X=search.X[fit], y=search.y[fit],
             weights=search.scorer.weights[fit], starts=search.starts,
             user_scale=search.user_scale, spec=json.dumps(spec))


def time_fit(path: Path, out: Path, repeats: int, reverse: bool) -> None:
    """Fit the saved batch (in whichever tree is on the path), its rows in reverse order if
    asked; save losses, print seconds."""
    FitConfig, fit_constants, build = fitter_api()
    saved = np.load(path)
    library = build(json.loads(str(saved["spec"])))
    args = [saved[k] for k in ("tokens", "X", "y", "weights", "starts", "user_scale")]
    if reverse:
        args[1:4] = [a[::-1].copy() for a in args[1:4]]
    fit_constants(args[0][:5], library, *args[1:], FitConfig(), np.random.default_rng(0))
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        constants, loss = fit_constants(*args[:1], library, *args[1:], FitConfig(),
                                        np.random.default_rng(0))
        best = min(best, time.perf_counter() - start)
    np.savez(out, constants=constants, loss=loss)
    print(json.dumps({"seconds": best}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_tree_arguments(parser, "/tmp/class_fitter")
    parser.add_argument("--problems", default=PROBLEMS)
    parser.add_argument("--batch", type=int, default=500, help="formulas sampled per problem")
    parser.add_argument("--warmup", type=int, default=3, help="search epochs before sampling")
    parser.add_argument("--rows", choices=("fit", "all"), default="fit",
                        help="the search's fitting subsample, or all 1000 rows")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.replay:
        return time_fit(Path(args.replay[0]), Path(args.replay[1]), args.repeats, args.reverse)
    if not args.baseline_src:
        parser.error("--baseline-src is required")
    folder = Path(args.batches)
    folder.mkdir(parents=True, exist_ok=True)
    for problem in args.problems.split(","):
        stem = f"{problem.replace(' ', '_')}-{args.batch}-{args.warmup}-{args.rows}-{args.seed}"
        batch = folder / f"{stem}.npz"
        if not batch.exists():
            build(problem, args.batch, args.warmup, args.rows, args.seed, batch)
        n = len(np.load(batch)["tokens"])
        seconds, loss = both_trees(__file__, args.baseline_src, batch, args.repeats)
        within, no_worse = fidelity(loss["current"], loss["baseline"])
        floor, _ = fidelity(loss["rev"], loss["baseline"])
        print(f"{problem}: {n} formulas, {len(np.load(batch)['y'])} rows; formulas/s baseline "
              f"{n / seconds['baseline']:.0f}, current {n / seconds['current']:.0f}, ratio "
              f"x{seconds['baseline'] / seconds['current']:.2f}; loss within 1% of the "
              f"baseline's {within:.1%} (no worse {no_worse:.1%}; the baseline on reversed "
              f"rows {floor:.1%})")


if __name__ == "__main__":
    main()
