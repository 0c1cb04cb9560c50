"""Running the constant fitter of another tree (a checkout of an older commit) on saved
batches, in its own process, and comparing what two trees' fits found.

Shared by the fitter benchmarks. The child process imports whichever layout its tree has:
the fitter and library moved into subpackages after commit d60d8d6.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

HERE_SRC = str(Path(__file__).resolve().parents[1] / "src")

# (fitter module, library module, dimension module) of each layout, newest first.
_LAYOUTS = (("lawfinder.fit.levenberg_marquardt", "lawfinder.language.library",
             "lawfinder.units.dimension"),
            ("lawfinder.constants", "lawfinder.library", "lawfinder.units"))


def fitter_api() -> tuple[Any, Any, Any]:
    """`FitConfig`, `fit_constants` and a library builder `build(spec)` of the tree on the path."""
    for fitter, library, dimension in _LAYOUTS:
        try:
            fit = importlib.import_module(fitter)
        except ModuleNotFoundError:
            continue
        build_library = importlib.import_module(library).build_library
        none = importlib.import_module(dimension).DIMENSIONLESS

        def build(spec: dict) -> Any:
            # Fitting never reads units: every token dimensionless.
            extra = ({n: none for n in spec["dataset"]}, spec["n_datasets"]) if spec["dataset"] else ()
            library = build_library(spec["operators"], [(v, none) for v in spec["variables"]],
                                    {n: none for n in spec["free"]}, ("1",), *extra)
            if list(library.names) != spec["names"]:
                raise SystemExit(f"library tokens differ from the search's: {library.names}")
            return library

        return fit.FitConfig, fit.fit_constants, build
    raise SystemExit("no lawfinder fitter found on the path")


def run_tree(script: str, src: str, args: list[str]) -> dict:
    """Run `script` with `args` in the tree whose package sources are at `src` (its own
    numba cache); the JSON object its last line prints."""
    env = dict(os.environ, PYTHONPATH=src,
               NUMBA_CACHE_DIR=str(Path(tempfile.gettempdir()) / f"numba-{Path(src).parent.name}"))
    done = subprocess.run([sys.executable, script, *args], env=env, check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def fidelity(loss: np.ndarray, base: np.ndarray) -> tuple[float, float]:
    """Shares of formulas whose loss is within 1% (or 1e-12) of the baseline's, and no worse
    than that (better ones included)."""
    both_inf = np.isinf(loss) & np.isinf(base)
    with np.errstate(invalid="ignore"):
        margin = np.maximum(0.01 * np.abs(base), 1e-12)
        within = (np.abs(loss - base) <= margin) | both_inf
        no_worse = (loss <= base + margin) | both_inf
    return float(within.mean()), float(no_worse.mean())


def add_tree_arguments(parser: argparse.ArgumentParser, folder: str) -> None:
    """The options both fitter comparisons take, and the hidden ones of their child runs."""
    parser.add_argument("--baseline-src", help="src folder of the baseline tree")
    parser.add_argument("--repeats", type=int, default=3, help="timed fits, best kept")
    parser.add_argument("--batches", default=folder,
                        help="folder for the batches; existing ones are reused")
    parser.add_argument("--replay", nargs=2, metavar=("BATCH", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--reverse", action="store_true", help=argparse.SUPPRESS)


def both_trees(script: str, baseline_src: str, batch: Path, repeats: int
               ) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Seconds of the baseline and this tree on a saved batch (`script --replay`, each in its
    own process), and the losses of each and of the baseline on its rows reversed."""
    seconds, losses = {}, {}
    for side, src, reverse in (("baseline", baseline_src, False), ("current", HERE_SRC, False),
                               ("rev", baseline_src, True)):
        out = batch.with_name(f"{batch.stem}-{side}-out.npz")
        args = ["--replay", str(batch), str(out), "--repeats", str(1 if reverse else repeats)]
        seconds[side] = run_tree(script, src, args + ["--reverse"] * reverse)["seconds"]
        losses[side] = np.load(out)["loss"]
    return seconds, losses
