"""Levenberg-Marquardt steps of a batch, each fit stepped to its end in one compiled loop.

The same steps as `levenberg_marquardt`'s NumPy loop, for formulas with shared constants
and built-in operators (the common case): a fit's walk, normal equations, solve and
trial run in one kernel call per round between two prunings, instead of a dozen NumPy
calls per step over the whole batch that gather and scatter its Jacobians. Rows are
independent within a round, so the fits are those of the NumPy loop up to rounding (its
solves are LAPACK's, these are Gaussian elimination).
"""

from __future__ import annotations

import math

import numpy as np

from lawfinder.evaluate.compiled import Codes, columns, kernel, stacks, walk_row


@kernel
def _solve(A, b, out):
    """out = A^-1 b for a small K x K system by elimination with partial pivoting (A and b
    overwritten); 0 where A is singular or not finite, as a failed solve's step is none."""
    K = b.shape[0]
    for k in range(K):
        pivot = k
        for i in range(k + 1, K):
            if abs(A[i, k]) > abs(A[pivot, k]):
                pivot = i
        if not (A[pivot, k] != 0.0 and math.isfinite(A[pivot, k])):
            out[:] = 0.0
            return
        for j in range(K):
            A[k, j], A[pivot, j] = A[pivot, j], A[k, j]
        b[k], b[pivot] = b[pivot], b[k]
        for i in range(k + 1, K):
            f = A[i, k] / A[k, k]
            for j in range(k, K):
                A[i, j] -= f * A[k, j]
            b[i] -= f * b[k]
    for k in range(K - 1, -1, -1):
        s = b[k]
        for j in range(k + 1, K):
            s -= A[k, j] * out[j]
        out[k] = s / A[k, k]
    for k in range(K):
        if not math.isfinite(out[k]):
            out[:] = 0.0
            return


@kernel
def _step(jac, value, y, sqrt_w, free, damping, A, g, out):
    """The damped step (K,) of one fit from its Jacobian (K, N) and values (N,), as
    `normal_equations.Dense.step`: (J^T J + damping * (diag + floor)) x = -J^T r."""
    K, N = jac.shape
    for k in range(K):
        g[k] = 0.0
        for j in range(K):
            A[k, j] = 0.0
    for n in range(N):
        r = (value[n] - y[n]) * sqrt_w[n]
        for k in range(K):
            if not free[k]:
                continue
            a = jac[k, n] * sqrt_w[n]
            g[k] -= a * r
            for j in range(k + 1):
                if free[j]:
                    A[k, j] += a * jac[j, n] * sqrt_w[n]
    largest = 0.0  # a NaN diagonal is left in A, whose solve then fails: no step
    for k in range(K):
        for j in range(k):
            A[j, k] = A[k, j]
        largest = max(largest, A[k, k])
    floor = 1e-12 * min(max(largest, 1e-300), 1.0)
    for k in range(K):
        A[k, k] += damping * (A[k, k] + floor)
    _solve(A, g, out)


@kernel
def _loss(value, y, sqrt_w):
    total = 0.0
    for n in range(y.shape[0]):
        r = (value[n] - y[n]) * sqrt_w[n]
        total += r * r
    total /= y.shape[0]
    return total if math.isfinite(total) else math.inf


@kernel
def _fit_rows(tokens, codes, slots, numbers, local, local_slot, Xt, cache, y, sqrt_w, c, loss,
              value, jac, damping, active, free, first, last, max_iter, tol, exact):
    """Steps `first`..`last` of every active fit (row of `tokens`), in place."""
    R, K = c.shape
    N, J = y.shape[0], local_slot.shape[0]
    dataset = Xt[Xt.shape[0] - 1]
    val, stack_jac, holds, slopes = stacks(tokens.shape[1], J, N)
    A, g, step, trial = np.empty((K, K)), np.empty(K), np.empty(K), np.empty(K)
    for row in range(R):
        for it in range(first, last + 1):
            if not active[row]:
                break
            _step(jac[row], value[row], y, sqrt_w, free[row], damping[row], A, g, step)
            for k in range(K):
                trial[k] = c[row, k] + step[k]
            with_jac = it != max_iter
            walk_row(tokens[row], codes, slots, numbers, local, Xt, trial, cache, dataset,
                     with_jac, val, stack_jac, holds, slopes)
            t_loss = _loss(val[0], y, sqrt_w)
            better = t_loss < loss[row]
            gain = (loss[row] - t_loss) / max(loss[row], 1e-300) if better else 0.0
            if better:
                c[row] = trial
                loss[row] = t_loss
                value[row] = val[0]
                if with_jac:
                    for k in range(J):
                        if (holds[0] >> k) & 1:
                            jac[row, local_slot[k]] = stack_jac[0, k]
                        else:
                            jac[row, local_slot[k]] = 0.0
                damping[row] /= 3
            else:
                damping[row] *= 4
            # Converged: tiny relative gain on an accepted step, damping so large steps
            # vanish, or an exact fit (whose later steps only trade rounding errors).
            if (better and gain < tol) or damping[row] > 1e10 or loss[row] <= exact:
                active[row] = False


def fit_rows(tokens: np.ndarray, codes: Codes, X: np.ndarray, cache: np.ndarray | None,
             y: np.ndarray, sqrt_w: np.ndarray, state: tuple[np.ndarray, ...],
             steps: tuple[int, int], max_iter: int, tol: float, exact: float) -> None:
    """Steps `steps` (first, last) of the fits `tokens` (R, L), hoisted, with their `cache`,
    updating their `state` in place: constants (R, K), losses (R,), values (R, N),
    Jacobians by slot (R, K, N), dampings (R,), whether still running (R,), and the slots
    each may move (R, K)."""
    _fit_rows(tokens, codes.code, codes.slot, codes.number, codes.local, codes.local_slot,
              *columns(X, cache), y, sqrt_w, *state, *steps, max_iter, tol, exact)
