"""Benchmark: speed and quality of the constant fitter's settings on the same batches.

For each Feynman problem, a search runs a few epochs (so that the policy writes formulas
like those of a real run), then samples one batch. Every setting fits that batch; printed
per setting: seconds, speed relative to the default, and how well it ranks the batch for
the reward: the share of the reference's best 5% that it fits as well (NRMSE within 1% or
1e-9 of the reference's), and how many formulas it fits exactly (NRMSE < 1e-6). The reference fits from 16 random starts for 200
steps without pruning. Usage:

    python benchmarks/fitter.py --problems I.6.2a,II.24.17,I.41.16,III.4.33 --batch 2000
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

import numpy as np

from lawfinder import LawRegressor
from lawfinder.benchmarks.suites import get_law
from lawfinder.fit.levenberg_marquardt import FitConfig, fit_constants
from lawfinder.evaluate.prefix import evaluate, padded
from lawfinder.fit.reward import nrmse
from lawfinder.search.loop import Search

REFERENCE = FitConfig(max_iter=200, n_random_starts=16, prune_every=0)
# name: (fitter settings, how many times each given starting point is tried)
SETTINGS = {
    "default": (FitConfig(), 1),
    "prune every 4": (FitConfig(prune_every=4), 1),
    "2 random starts": (FitConfig(n_random_starts=2), 1),
    "no pruning": (FitConfig(prune_every=0), 1),
}


@dataclass
class Outcome:
    seconds: float
    errors: np.ndarray


def batch(problem: str, size: int, warmup: int, seed: int) -> tuple[Search, np.ndarray]:
    """A search on the problem's data after `warmup` epochs, and a fresh batch of its
    formulas that have free constants (B, L)."""
    law = get_law("feynman", problem)
    X, y = law.data(10_000, 0.0, np.random.default_rng(seed))
    model = LawRegressor(operators=law.operators, free_constants=dict(law.free_constants),
                         fixed_constants=("1",), random_state=seed)
    _, _, _, search = model.prepare(X, y, names=list(law.names), units=list(law.units),
                                    target_units=law.target_units)
    for _ in range(warmup):
        search.step()
    episode = search.sampler.sample(search.policy, size, search.generator)
    tokens = padded(list(dict.fromkeys(episode.formulas())))
    return search, tokens[np.isin(tokens, search.library.free).any(axis=1)]


def fit(search: Search, tokens: np.ndarray, config: FitConfig, repeat: int = 1) -> Outcome:
    """Fit on the search's fit rows, score on its score rows, as its Scorer does."""
    scorer = search.scorer
    lib, fit_rows, score_rows = search.library, scorer.fit_rows, scorer.score_rows
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    constants, _ = fit_constants(tokens, lib, search.X[fit_rows], search.y[fit_rows],
                                 scorer.weights[fit_rows], np.tile(search.starts, (repeat, 1)),
                                 search.user_scale,
                                 config, rng)
    values, _ = evaluate(tokens, lib, search.X[score_rows], constants)
    errors = nrmse(values, search.y[score_rows], scorer.weights[score_rows])
    return Outcome(time.perf_counter() - start, errors)


def best_share(errors: np.ndarray, share: float = 0.05) -> np.ndarray:
    """Indices of the best `share` of the formulas."""
    return np.argsort(errors, kind="stable")[:max(1, int(share * len(errors)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", default="I.6.2a,II.24.17,I.41.16,III.4.33")
    parser.add_argument("--batch", type=int, default=2000, help="formulas sampled per problem")
    parser.add_argument("--warmup", type=int, default=10, help="search epochs before sampling")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    totals = {name: [0.0, 0.0, 0, 0] for name in SETTINGS}   # seconds, overlap, exact, n
    for problem in args.problems.split(","):
        search, tokens = batch(problem, args.batch, args.warmup, args.seed)
        reference = fit(search, tokens, REFERENCE)
        best = best_share(reference.errors)
        print(f"{problem}: {len(tokens)} formulas with constants; reference "
              f"{reference.seconds:.1f} s, {(reference.errors < 1e-6).sum()} exact")
        for name, (config, repeat) in SETTINGS.items():
            outcome = fit(search, tokens, config, repeat)
            as_good = outcome.errors[best] <= reference.errors[best] * 1.01 + 1e-9
            overlap = float(as_good.mean())
            exact = int((outcome.errors < 1e-6).sum())
            print(f"  {name:16s} {outcome.seconds:6.2f} s  best 5% as good {overlap:5.1%}  "
                  f"exact {exact}")
            total = totals[name]
            total[0] += outcome.seconds
            total[1] += overlap
            total[2] += exact
            total[3] += 1
    base = totals["default"][0]
    print("\nall problems: setting, seconds, speed-up over default, best 5% fitted as well (mean), exact")
    for name, (seconds, overlap, exact, n) in totals.items():
        print(f"  {name:16s} {seconds:6.1f} s  x{base / seconds:4.2f}  {overlap / n:5.1%}  {exact}")


if __name__ == "__main__":
    main()
