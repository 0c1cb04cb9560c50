"""Benchmark: the products of two forms (`lawfinder.generate.separable`) on Feynman problems.

For each problem and each Π view of its default search, the seconds each tier takes and
the rank, among the forms it sends to the search, of the first one whose values are the
law's up to its constant (the product's c0 fitted by least squares at every row): "-"
when none is. Usage:

    python benchmarks/separable.py --problems I.15.3x,I.16.6,I.30.3,I.6.2
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from lawfinder.benchmarks.feynman import add_noise
from lawfinder.benchmarks.methods import fit_options, lawfinder_model
from lawfinder.benchmarks.suites import get_law
from lawfinder.evaluate.prefix import evaluate, padded
from lawfinder.generate.pi_views import separable_forms
from lawfinder.generate.separable import TIERS


def law_rank(formulas: list[tuple[int, ...]], library, X: np.ndarray, y: np.ndarray) -> str:
    """1-based rank of the first formula that is y times a constant, or "-"."""
    if not formulas:
        return "-"
    values, _ = evaluate(padded(formulas), library, X, np.ones((len(formulas), library.n_free)))
    scale = (values @ y) / np.einsum("ij,ij->i", values, values)
    exact = np.isclose(values * scale[:, None], y, rtol=1e-8).all(axis=1)
    return str(int(np.argmax(exact)) + 1) if exact.any() else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", default="I.15.3x,I.15.3t,I.16.6,I.32.17,I.30.3,I.6.2")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--noise", type=float, default=0.0)
    args = parser.parse_args()
    print("problem   view                                      tier  seconds  law's rank")
    for name in args.problems.split(","):
        law = get_law("feynman", name)
        X, y = law.data(args.rows, 0.0, np.random.default_rng(0))
        noisy = add_noise(y, args.noise, np.random.default_rng(1))
        _, library, frame, search = lawfinder_model(law).prepare(X, noisy, **fit_options(law))
        exact = frame.target_from_si(y)
        for view in search.pi_views:
            for tier in range(len(TIERS)):
                start = time.perf_counter()
                forms = separable_forms(view, library, search.X, search.y, 30, tier)
                seconds = time.perf_counter() - start
                formulas = [view.formula(form, library) for form in forms]
                rank = law_rank(formulas, library, search.X, exact)
                print(f"{name:9} {view.name[:40]:41} {tier:4} {seconds:8.2f}  {rank}")


if __name__ == "__main__":
    main()
