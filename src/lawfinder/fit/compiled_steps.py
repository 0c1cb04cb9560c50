"""Levenberg-Marquardt steps of a batch, each fit stepped to its end in one compiled loop.

The same steps as `levenberg_marquardt`'s NumPy loop, for formulas of built-in operators
(all but those of user operators): a fit's walk, normal equations, solve and trial run
in one kernel call per round between two prunings, instead of a dozen NumPy calls per
step over the whole batch that gather and scatter its Jacobians. With per-dataset
constants (Class SR) the normal equations are summed and solved in blocks, as
`normal_equations.Blocks` does. Rows are independent within a round, so the fits are
those of the NumPy loop up to rounding (its solves are LAPACK's, these are Gaussian
elimination).
"""

from __future__ import annotations

import math

import numpy as np

from lawfinder.evaluate.compiled import (Codes, columns, kernel, stacks, walk_row,
                                         write_jacobian)


@kernel
def _solve(A, b, out):
    """out = A^-1 b for a small K x K system and right-hand sides b (K, m), by elimination
    with partial pivoting (A and b overwritten); False, and out 0, where A is singular or
    the solution not finite, as a failed solve's step is none."""
    K, m = b.shape
    for k in range(K):
        pivot = k
        for i in range(k + 1, K):
            if abs(A[i, k]) > abs(A[pivot, k]):
                pivot = i
        if not (A[pivot, k] != 0.0 and math.isfinite(A[pivot, k])):
            out[:] = 0.0
            return False
        for j in range(K):
            A[k, j], A[pivot, j] = A[pivot, j], A[k, j]
        for j in range(m):
            b[k, j], b[pivot, j] = b[pivot, j], b[k, j]
        for i in range(k + 1, K):
            f = A[i, k] / A[k, k]
            for j in range(k, K):
                A[i, j] -= f * A[k, j]
            for j in range(m):
                b[i, j] -= f * b[k, j]
    for j in range(m):
        for k in range(K - 1, -1, -1):
            s = b[k, j]
            for i in range(k + 1, K):
                s -= A[k, i] * out[i, j]
            out[k, j] = s / A[k, k]
    for k in range(K):
        for j in range(m):
            if not math.isfinite(out[k, j]):
                out[:] = 0.0
                return False
    return True


@kernel
def _step(jac, value, y, sqrt_w, free, damping, A, g, out):
    """The damped step (K, 1) of one fit from its Jacobian by slot (K, N) and values (N,),
    as `normal_equations.Dense.step`: (J^T J + damping * (diag + floor)) x = -J^T r."""
    K, N = jac.shape
    for k in range(K):
        g[k, 0] = 0.0
        for j in range(K):
            A[k, j] = 0.0
    for n in range(N):
        r = (value[n] - y[n]) * sqrt_w[n]
        for k in range(K):
            if not free[k]:
                continue
            a = jac[k, n] * sqrt_w[n]
            g[k, 0] -= a * r
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
def _block_scratch(s, p, G):
    """Room for one fit's normal equations in blocks (`_block_sums`) and their solve, and
    for one point's weighted derivatives (s + p,)."""
    return (np.empty((s, s)), np.empty((G, p, s)), np.empty((G, p, p)), np.empty((s, 1)),
            np.empty((G, p, 1)), np.empty((G, p, s + 1)), np.empty((p, s + 1)),
            np.empty((s, 1)), np.empty(s + p))


@kernel
def _block_sums(jac, value, y, sqrt_w, free, local_slot, s, dataset, blocks):
    """J^T J and -J^T r of one fit in blocks, from its Jacobian by constant token (J, N) on
    rows sorted by dataset, as `normal_equations.Blocks`: the lower triangles of shared x
    shared (s, s) and of each dataset's per-dataset x per-dataset (G, p, p), its
    per-dataset x shared (G, p, s); (s, 1) and (G, p, 1). Frozen slots' rows stay 0."""
    A_ss, A_ps, A_pp, b_s, b_p = blocks[:5]
    a = blocks[8]
    J = jac.shape[0]
    A_ss[:] = 0.0
    b_s[:] = 0.0
    A_ps[:] = 0.0
    A_pp[:] = 0.0
    b_p[:] = 0.0
    for n in range(y.shape[0]):
        g, w = int(dataset[n]), sqrt_w[n]
        r = (value[n] - y[n]) * w
        for k in range(J):
            a[k] = jac[k, n] * w if free[local_slot[k] + (g if k >= s else 0)] else 0.0
        for k in range(s):
            b_s[k, 0] -= a[k] * r
            for j in range(k + 1):
                A_ss[k, j] += a[k] * a[j]
        for q in range(J - s):
            v = a[s + q]
            b_p[g, q, 0] -= v * r
            for j in range(s):
                A_ps[g, q, j] += v * a[j]
            for j in range(q + 1):
                A_pp[g, q, j] += v * a[s + j]


@kernel
def _block_damp(A_ss, A_pp, damping):
    """The blocks' upper triangles, and LM's damping on their diagonals: `_step`'s, with
    the floor relative to the largest diagonal of all the blocks."""
    s, (G, p) = A_ss.shape[0], A_pp.shape[:2]
    largest = 0.0
    for k in range(s):
        for j in range(k):
            A_ss[j, k] = A_ss[k, j]
        largest = max(largest, A_ss[k, k])
    for g in range(G):
        for k in range(p):
            for j in range(k):
                A_pp[g, j, k] = A_pp[g, k, j]
            largest = max(largest, A_pp[g, k, k])
    floor = 1e-12 * min(max(largest, 1e-300), 1.0)
    for k in range(s):
        A_ss[k, k] += damping * (A_ss[k, k] + floor)
    for g in range(G):
        for k in range(p):
            A_pp[g, k, k] += damping * (A_pp[g, k, k] + floor)


@kernel
def _block_solve(blocks, local_slot, out):
    """The step (K,) of the damped blocks by the Schur complement of the per-dataset ones,
    as `normal_equations._schur`: each dataset's block eliminated on its own."""
    A_ss, A_ps, A_pp, b_s, b_p, Y, rhs, x_s = blocks[:8]
    s, (G, p) = A_ss.shape[0], A_pp.shape[:2]
    out[:] = 0.0
    for g in range(G):
        rhs[:, :s] = A_ps[g]
        rhs[:, s] = b_p[g, :, 0]
        if not _solve(A_pp[g], rhs, Y[g]):
            return
    for i in range(s):
        for g in range(G):
            for q in range(p):
                for j in range(s):
                    A_ss[i, j] -= A_ps[g, q, i] * Y[g, q, j]
                b_s[i, 0] -= A_ps[g, q, i] * Y[g, q, s]
    if s and not _solve(A_ss, b_s, x_s):
        return
    for k in range(s):
        out[local_slot[k]] = x_s[k, 0]
    for g in range(G):
        for q in range(p):
            v = Y[g, q, s]
            for j in range(s):
                v -= Y[g, q, j] * x_s[j, 0]
            if not math.isfinite(v):
                out[:] = 0.0
                return
            out[local_slot[s + q] + g] = v


@kernel
def _fit_rows(tokens, codes, slots, numbers, local, local_slot, local_grouped, Xt, cache, y,
              sqrt_w, s, G, c, loss, value, jac, damping, active, free, first, last, max_iter,
              tol, exact):
    """Steps `first`..`last` of every active fit (row of `tokens`), in place: with `G`
    datasets, in blocks of `s` shared constant tokens and the per-dataset ones."""
    R, K = c.shape
    N, J = y.shape[0], local_slot.shape[0]
    dataset = Xt[Xt.shape[0] - 1]
    val, stack_jac, holds, slopes = stacks(tokens.shape[1], J, N)
    A, g, step, trial = np.empty((K, K)), np.empty((K, 1)), np.empty((K, 1)), np.empty(K)
    blocks = _block_scratch(s, J - s, G)
    for row in range(R):
        for it in range(first, last + 1):
            if not active[row]:
                break
            if G:
                _block_sums(jac[row], value[row], y, sqrt_w, free[row], local_slot, s,
                            dataset, blocks)
                _block_damp(blocks[0], blocks[2], damping[row])
                _block_solve(blocks, local_slot, step[:, 0])
            else:
                _step(jac[row], value[row], y, sqrt_w, free[row], damping[row], A, g, step)
            for k in range(K):
                trial[k] = c[row, k] + step[k, 0]
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
                if with_jac:  # by constant token in blocks, else by slot
                    jac[row] = 0.0
                    write_jacobian(jac[row], stack_jac[0], holds[0], local_slot,
                                    local_grouped, dataset, G > 0)
                damping[row] /= 3
            else:
                damping[row] *= 4
            # Converged: tiny relative gain on an accepted step, damping so large steps
            # vanish, or an exact fit (whose later steps only trade rounding errors).
            if (better and gain < tol) or damping[row] > 1e10 or loss[row] <= exact:
                active[row] = False


def fit_rows(tokens: np.ndarray, codes: Codes, X: np.ndarray, cache: np.ndarray | None,
             y: np.ndarray, sqrt_w: np.ndarray, layout: tuple[int, int],
             state: tuple[np.ndarray, ...], steps: tuple[int, int], max_iter: int, tol: float,
             exact: float) -> None:
    """Steps `steps` (first, last) of the fits `tokens` (R, L), hoisted, with their `cache`,
    updating their `state` in place: constants (R, K), losses (R,), values (R, N),
    Jacobians (R, K, N) by slot, dampings (R,), whether still running (R,), and the slots
    each may move (R, K). `layout` is (shared constant tokens, datasets): with datasets,
    X's rows sorted by dataset and the Jacobians by constant token (R, J, N), the normal
    equations are solved in blocks, as `normal_equations.Blocks` does; (0, 0) without."""
    _fit_rows(tokens, *codes, *columns(X, cache), y, sqrt_w, *layout, *state, *steps,
              max_iter, tol, exact)
