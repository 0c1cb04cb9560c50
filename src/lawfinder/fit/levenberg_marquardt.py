"""Fitting the free constants of a whole batch of formulas at once (batched Levenberg-Marquardt).

Every (formula, distinct starting point) pair is one row; all rows take their LM steps
together, each with its own damping. Jacobians come from the forward-mode pass of
`evaluate`, the formulas' constant-free subtrees evaluated once for all steps
(`hoisting`); the damped normal equations are formed and solved in `normal_equations`,
in blocks when the library has per-dataset constants. A formula affine in all the constants
it moves (`lawfinder.fit.linear`) is solved in one step from one start instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lawfinder.evaluate.batches import chunks
from lawfinder.evaluate.hoisting import hoisted
from lawfinder.evaluate.prefix import evaluate, kernel_codes
from lawfinder.fit.compiled_steps import fit_rows
from lawfinder.fit.linear import affine_fits
from lawfinder.fit.normal_equations import Blocks, Dense, sorted_by_dataset
from lawfinder.fit.reward import weighted_squares
from lawfinder.language.library import Library


@dataclass(frozen=True)
class FitConfig:
    max_iter: int = 40        # LM steps per fit
    n_random_starts: int = 4  # beyond the given starting points: escapes local minima
    tol: float = 1e-6         # relative loss gain under which a fit counts as converged
    prune_every: int = 8      # every so many steps, stop the worse half of the fits still running:
    prune_keep: float = 0.5   # the search only needs accurate rewards for its best formulas


def fit_constants(tokens: np.ndarray, library: Library, X: np.ndarray, y: np.ndarray,
                  weights: np.ndarray, starts: np.ndarray, user_scale: np.ndarray,
                  config: FitConfig, rng: np.random.Generator,
                  frozen: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Best constants (B, K) and their weighted mean squared error (B,) for formulas (B, L).

    `starts` (S, K), or (B, S, K) per formula, are tried for every formula, plus random
    ones. Among equally good fits, the constants smallest in the user's units
    (c * user_scale) win: cos(w*t + 0.997) rather than the same curve as cos(w*t + 7.28).
    Constants marked in `frozen` (B, K) keep the value of the first start.
    """
    B, K = len(tokens), library.n_free
    # Random starts around 1 in the user's units, either sign: users' units tend to make
    # constants of order one, and a wrong sign is a basin LM rarely leaves. A per-dataset
    # constant starts at one value in every dataset, so that all start in the same basin.
    tokens_of_slots, column = np.unique(library.free, return_inverse=True)
    shape = (config.n_random_starts, len(tokens_of_slots))
    draw = rng.choice([-1.0, 1.0], shape) * np.exp(rng.normal(0.0, 1.0, shape))
    random = draw[:, column] / user_scale
    starts = np.broadcast_to(starts, (B, *np.shape(starts)[-2:]))
    inits = np.concatenate([starts, np.broadcast_to(random, (B, *random.shape))], axis=1)
    frozen = np.zeros((B, K), dtype=bool) if frozen is None else frozen
    moved, solved = affine_fits(tokens, library, frozen)
    # Starts that differ only in constants the fit does not move, or of a formula solved
    # exactly, are one fit: fitted once.
    inits = np.where((~moved | solved[:, None])[:, None], inits[:, :1], inits)
    S = inits.shape[1]                                                   # (B, S, K)
    same = (inits[:, :, None] == inits[:, None, :]).all(axis=-1)
    todo = np.flatnonzero(~np.tril(same, -1).any(axis=-1).ravel())     # distinct starts
    rows = np.repeat(tokens, S, axis=0)[todo]
    c = inits.reshape(B * S, K).copy()
    frozen, moved = (np.repeat(a, S, axis=0)[todo] for a in (frozen, moved))
    solved = np.repeat(solved, S)[todo]
    fitted, loss = c[todo], np.full(B * S, np.inf)
    # On big data a few formulas at a time; the search's batches on the subsample are one
    # chunk, so pruning sees the whole batch.
    for part in chunks(len(todo), len(y) * (K + 1), S):
        fitted[part], loss[todo[part]] = levenberg_marquardt(
            rows[part], library, X, y, weights, fitted[part], config, frozen[part],
            (moved[part], solved[part]))
    c[todo] = fitted
    loss = loss.reshape(B, S)
    tied = loss <= loss.min(axis=1, keepdims=True) * (1 + 1e-6) + _rounding(y, weights)
    size = np.abs(c * user_scale).sum(axis=1).reshape(B, S)
    best = np.argmin(np.where(tied, size, np.inf), axis=1)
    pick = np.arange(B) * S + best
    return c[pick], loss.ravel()[pick]


def levenberg_marquardt(tokens: np.ndarray, library: Library, X: np.ndarray, y: np.ndarray,
                        weights: np.ndarray, c: np.ndarray, config: FitConfig,
                        frozen: np.ndarray | None = None,
                        affine: tuple[np.ndarray, np.ndarray] | None = None
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Minimise mean(w * (f(X; c) - y)^2) for every row from `c` (R, K), leaving the
    constants marked in `frozen` (R, K) where they are. Rows of formulas affine in all the
    constants they move (`lawfinder.fit.linear.affine_fits`, or `affine` if already known:
    moved (R, K), solved (R,)) are solved in one least-squares step instead."""
    if library.dataset_names:
        # Per-dataset constants: the normal equations in blocks, summed over each dataset's
        # rows, which `Blocks` takes sorted by dataset (the loss, a mean, does not change).
        order = sorted_by_dataset(X)
        X, y, weights = X[order], y[order], weights[order]
        system = Blocks(library, X[:, -1], np.sqrt(weights))
    else:
        system = Dense(np.sqrt(weights))
    sqrt_w = np.sqrt(weights)[None]                                      # (1, N)
    walked, cache = hoisted(tokens, library, X)
    value, jac = evaluate(walked, library, X, c, jacobian=True, by_token=system.by_token,
                          cache=cache)
    loss = _loss(value, y, sqrt_w)
    active = np.isfinite(loss)
    moved, solved = affine_fits(tokens, library, frozen) if affine is None else affine
    idx = np.flatnonzero(solved & active)
    if len(idx):
        trial, t_loss = _gauss_newton(walked[idx], cache, library, X, y, sqrt_w, system,
                                      c[idx], value[idx], jac[idx], moved[idx])
        ok = t_loss <= loss[idx]
        c[idx[ok]], loss[idx[ok]] = trial[ok], t_loss[ok]
    active &= ~solved
    free = np.ones_like(c, dtype=bool) if frozen is None else ~frozen
    fit = (c, loss, value, jac, np.full(len(c), 1e-3), active, free)
    # The compiled loop where the kernel walks every formula.
    compiled = not np.isin(walked, np.flatnonzero(library.is_user)).any()
    run = _compiled_steps if compiled else _numpy_steps
    exact = _rounding(y, weights)
    for first, last in _rounds(config):
        if config.prune_every and first % config.prune_every == 0:
            active &= loss <= np.quantile(loss[active], config.prune_keep) if active.any() else False
        if not active.any():
            break
        run(walked, cache, library, X, y, system, fit, (first, last), config, exact)
    return c, loss


def _rounds(config: FitConfig) -> list[tuple[int, int]]:
    """The steps (first, last) between two prunings: every `prune_every` steps, the worse
    half of the fits still running stop (the search only needs accurate rewards for its
    best formulas)."""
    every = config.prune_every
    firsts = sorted({1, *(range(every, config.max_iter + 1, every) if every else ())})
    return list(zip(firsts, [first - 1 for first in firsts[1:]] + [config.max_iter]))


def _compiled_steps(walked: np.ndarray, cache: np.ndarray | None, library: Library,
                    X: np.ndarray, y: np.ndarray, system: Dense | Blocks,
                    fit: tuple[np.ndarray, ...], steps: tuple[int, int], config: FitConfig,
                    exact: float) -> None:
    """Steps `steps` (first, last) of the fits, each to its end in the compiled loop."""
    layout = (system.s, system.G) if system.by_token else (0, 0)
    fit_rows(walked, kernel_codes(library), X, cache, y, system.sqrt_w, layout, fit, steps,
             config.max_iter, config.tol, exact)


def _numpy_steps(walked: np.ndarray, cache: np.ndarray | None, library: Library,
                 X: np.ndarray, y: np.ndarray, system: Dense | Blocks,
                 fit: tuple[np.ndarray, ...], steps: tuple[int, int], config: FitConfig,
                 exact: float) -> None:
    """Steps `steps` (first, last) of the fits in NumPy, all fits still running at once, the
    normal equations by `system`: the loop `compiled_steps.fit_rows` compiles, for the
    formulas with user operators."""
    c, loss, value, jac, damping, active, free = fit
    free = None if free.all() else free
    sqrt_w = system.sqrt_w[None]
    for step in range(steps[0], steps[1] + 1):
        idx = np.flatnonzero(active)
        if not len(idx):
            break
        # Formulas meet NaN and inf by design (log of a negative, overflow); their steps
        # are rejected below, so the warnings would only alarm the user.
        with np.errstate(all="ignore"):
            r = (value[idx] - y) * sqrt_w                                 # (n, N)
        trial = c[idx] + system.step(jac[idx], r, None if free is None else free[idx],
                                     damping[idx])
        # The trial's Jacobian in the same walk: most steps are accepted, and one walk with
        # derivatives costs less than a walk for values and another for the accepted ones.
        last = step == config.max_iter
        t_value, t_jac = evaluate(walked[idx], library, X, trial, jacobian=not last,
                                  by_token=system.by_token, cache=cache)
        t_loss = _loss(t_value, y, sqrt_w)
        better = t_loss < loss[idx]
        with np.errstate(all="ignore"):  # rejected steps may overflow; they are discarded
            gain = np.where(better, (loss[idx] - t_loss) / np.maximum(loss[idx], 1e-300), 0.0)
        c[idx[better]], loss[idx[better]] = trial[better], t_loss[better]
        damping[idx] = np.where(better, damping[idx] / 3, damping[idx] * 4)
        # Converged: tiny relative gain on an accepted step, damping so large steps vanish,
        # or an exact fit (whose later steps only trade rounding errors).
        active[idx] = ~((better & (gain < config.tol)) | (damping[idx] > 1e10)
                        | (loss[idx] <= exact))
        if not last:  # rejected steps keep the old point's values and Jacobian
            value[idx[better]], jac[idx[better]] = t_value[better], t_jac[better]


def _gauss_newton(tokens: np.ndarray, cache: np.ndarray | None, library: Library,
                  X: np.ndarray, y: np.ndarray, sqrt_w: np.ndarray, system: Dense | Blocks,
                  c: np.ndarray, value: np.ndarray, jac: np.ndarray, moved: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
    """One undamped step in the `moved` constants (n, K) from c (n, K), and its loss (n,):
    the exact least-squares constants of formulas affine in them (`tokens` hoisted, with
    their `cache`)."""
    with np.errstate(all="ignore"):
        r = (value - y) * sqrt_w
    # Damping at rounding level: it only keeps the rows of unmoved slots invertible.
    trial = c + system.step(jac, r, moved, np.full(len(c), 1e-14))
    return trial, _loss(evaluate(tokens, library, X, trial, cache=cache)[0], y, sqrt_w)


def _rounding(y: np.ndarray, weights: np.ndarray) -> float:
    """The loss of an exact fit, rounding alone: 1e-24 of the target's mean square, at most
    1e-24, so that data of 1e-30 are judged as data of order one are. Exact fits tie below
    it, and a fit that reaches it has nothing left to gain."""
    return 1e-24 * min(1.0, float(weighted_squares(y, weights)) / len(y))


def _loss(value: np.ndarray, y: np.ndarray, sqrt_w: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        loss = np.mean(((value - y) * sqrt_w) ** 2, axis=1)
    return np.where(np.isfinite(loss), loss, np.inf)
