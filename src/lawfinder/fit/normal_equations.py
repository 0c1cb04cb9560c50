"""Levenberg-Marquardt steps from the damped normal equations (J^T J + damping) x = -J^T r.

`Dense` forms them over all K slots. `Blocks` is for libraries with per-dataset constants
(Class SR), whose Jacobian by slot is mostly zeros: a per-dataset slot moves only its own
dataset's rows. It takes the Jacobian by constant token (J of them, `evaluate(...,
by_token=True)`), sums the token-level products over each dataset's rows, and solves by
the Schur complement of the per-dataset blocks, which are independent given the shared
constants. Both solve the same system: they differ by rounding.

Measured on a Class SR batch (benchmarks/class_fitter.py's harmonic oscillator: 10
datasets, K = 31 slots, J = 4 tokens, 160 rows, 800 fits, one LM step): the dense J^T J
took 57 ms; the token products and dataset sums 5-9 ms. Solving: the K x K matrix
assembled from the blocks (0.4 ms) took 9.6 ms, the Schur complement 2.4-4.6 ms, so
`Blocks` never forms it. The dataset sums are `np.add.reduceat` over rows sorted by
dataset: a little faster than a one-hot (N, G) matrix product at 10 datasets (8-11 ms
with the products), and unlike it they do not grow with the number of datasets.
"""

from __future__ import annotations

import numpy as np

from lawfinder.language.library import Kind, Library


class Dense:
    """Steps over all slots, from the Jacobian by slot (n, K, N)."""

    by_token = False

    def __init__(self, sqrt_w: np.ndarray):
        self.sqrt_w = sqrt_w                                             # (N,)

    def step(self, jac: np.ndarray, r: np.ndarray, free: np.ndarray | None,
             damping: np.ndarray) -> np.ndarray:
        """Steps (n, K) for Jacobians (n, K, N), weighted residuals (n, N), the slots each
        fit may move (n, K; None: all) and dampings (n,)."""
        # A frozen constant's Jacobian row is zero: its step is 0, the others' unchanged.
        with np.errstate(all="ignore"):
            J = jac * self.sqrt_w[None, None]
            if free is not None:
                J = J * free[:, :, None]
            JtJ = np.einsum("bkn,bjn->bkj", J, J)
            g = np.einsum("bkn,bn->bk", J, r)
        diag = np.einsum("bkk->bk", JtJ)
        with np.errstate(all="ignore"):
            A = JtJ + np.eye(JtJ.shape[1]) * _damped(diag, damping)[:, None]
        return _finite(solve(A, -g[..., None])[..., 0])


class Blocks:
    """Steps for a library with per-dataset constants, from the Jacobian by constant token
    (n, J, N) on rows sorted by dataset (`sorted_by_dataset`)."""

    by_token = True

    def __init__(self, library: Library, dataset: np.ndarray, sqrt_w: np.ndarray):
        tokens = list(dict.fromkeys(library.free))     # slot order: the shared ones first
        self.s = sum(library.tokens[t].kind is Kind.FREE for t in tokens)
        self.p, self.G = len(tokens) - self.s, library.n_datasets
        self.sqrt_w = sqrt_w
        # Each dataset present: its rows' start, in the rows sorted by dataset.
        self.present, self.starts = np.unique(dataset.astype(np.int64), return_index=True)
        self.first, self.second = np.triu_indices(len(tokens))          # pairs of tokens
        self.pair = np.zeros((len(tokens), len(tokens)), dtype=np.int64)
        self.pair[self.first, self.second] = self.pair[self.second, self.first] = \
            np.arange(len(self.first))

    def step(self, jac: np.ndarray, r: np.ndarray, free: np.ndarray | None,
             damping: np.ndarray) -> np.ndarray:
        """Steps (n, K) for Jacobians by token (n, J, N), weighted residuals (n, N), the
        slots each fit may move (n, K; None: all) and dampings (n,)."""
        s, p = self.s, self.p
        A_ss, A_sp, A_pp, b_s, b_p = self._blocks(jac, r)
        if free is not None:
            A_ss, A_sp, A_pp, b_s, b_p = self._frozen(free, A_ss, A_sp, A_pp, b_s, b_p)
        diag_s, diag_p = np.einsum("bii->bi", A_ss), np.einsum("bgii->bgi", A_pp)
        extra = _damped(np.concatenate([diag_s, diag_p.reshape(len(r), -1)], axis=1), damping)
        with np.errstate(all="ignore"):
            A_ss = A_ss + np.eye(s) * extra[:, None, :s]
            A_pp = A_pp + np.eye(p) * extra[:, s:].reshape(diag_p.shape)[..., None, :]
        x_s, x_p = _schur(A_ss, A_sp, A_pp, -b_s, -b_p)
        # Slot of per-dataset token q in dataset g: s + q * G + g.
        return _finite(np.concatenate([x_s, x_p.transpose(0, 2, 1).reshape(len(r), -1)], axis=1))

    def _blocks(self, jac: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, ...]:
        """J^T J and J^T r in blocks: shared x shared (n, s, s), shared x per-dataset
        (n, G, s, p) and per-dataset x per-dataset (n, G, p, p) of each dataset; (n, s) and
        (n, G, p)."""
        s, G = self.s, self.G
        n, P = len(r), len(self.first)
        products = np.empty((n, P + jac.shape[1], jac.shape[2]))        # (n, P + J, N)
        with np.errstate(all="ignore"):
            W = np.multiply(jac, self.sqrt_w[None, None], out=products[:, P:])
            for i, (a, b) in enumerate(zip(self.first, self.second)):   # pairs, not gathers
                np.multiply(W[:, a], W[:, b], out=products[:, i])
            W *= r[:, None]                     # the pairs are done: now J^T r's terms
            sums = np.zeros((n, P + jac.shape[1], G))
            sums[..., self.present] = np.add.reduceat(products, self.starts, axis=2)
            by_pair, by_token = sums[:, :P], sums[:, P:]
            shared, own = np.arange(s), np.arange(s, s + self.p)
            # Formulas that overflow (NaN sums) have their steps rejected by the caller.
            A_ss = by_pair[:, self.pair[np.ix_(shared, shared)]].sum(axis=-1)
            b_s = by_token[:, :s].sum(axis=-1)
        A_sp = by_pair[:, self.pair[np.ix_(shared, own)]].transpose(0, 3, 1, 2)
        A_pp = by_pair[:, self.pair[np.ix_(own, own)]].transpose(0, 3, 1, 2)
        return A_ss, A_sp, A_pp, b_s, by_token[:, s:].transpose(0, 2, 1)

    def _frozen(self, free: np.ndarray, A_ss, A_sp, A_pp, b_s, b_p) -> tuple[np.ndarray, ...]:
        """The blocks with the rows and columns of frozen slots zeroed, as a zero Jacobian
        row would: their steps are 0, the others' unchanged."""
        f_s = free[:, :self.s].astype(float)                             # (n, s)
        f_p = free[:, self.s:].reshape(len(free), self.p, self.G).transpose(0, 2, 1)
        f_p = f_p.astype(float)                                          # (n, G, p)
        with np.errstate(all="ignore"):
            return (A_ss * f_s[:, :, None] * f_s[:, None],
                    A_sp * f_s[:, None, :, None] * f_p[:, :, None],
                    A_pp * f_p[..., None] * f_p[..., None, :], b_s * f_s, b_p * f_p)


def sorted_by_dataset(X: np.ndarray) -> np.ndarray:
    """The order of X's rows (N,) by dataset (its last column), stable."""
    return np.argsort(X[:, -1], kind="stable")


def _schur(A_ss: np.ndarray, A_sp: np.ndarray, A_pp: np.ndarray, b_s: np.ndarray,
           b_p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve [[A_ss, A_sp], [A_sp^T, blockdiag(A_pp)]] x = b for the shared part (n, s)
    and the per-dataset part (n, G, p): each dataset's block eliminated on its own."""
    s = A_ss.shape[1]
    A_ps = A_sp.transpose(0, 1, 3, 2)                                    # (n, G, p, s)
    Y = solve(A_pp, np.concatenate([A_ps, b_p[..., None]], axis=-1))    # (n, G, p, s + 1)
    if not s:
        return b_s, Y[..., 0]
    with np.errstate(all="ignore"):
        complement = A_ss - np.einsum("bgip,bgpj->bij", A_sp, Y[..., :s])
        rhs = b_s - np.einsum("bgip,bgp->bi", A_sp, Y[..., s])
    x_s = solve(complement, rhs[..., None])[..., 0]
    with np.errstate(all="ignore"):
        x_p = Y[..., s] - np.einsum("bgpj,bj->bgp", Y[..., :s], x_s)
    return x_s, x_p


def _damped(diag: np.ndarray, damping: np.ndarray) -> np.ndarray:
    """What LM adds to the diagonal (n, K): damping times the diagonal plus a floor that keeps
    A invertible where a constant has no effect; the floor is relative to the largest
    diagonal (at most 1e-12) so that it cannot swamp the Jacobian of tiny data."""
    floor = 1e-12 * np.clip(diag.max(axis=1), 1e-300, 1.0)[:, None]
    with np.errstate(all="ignore"):
        return damping[:, None] * (diag + floor)


def solve(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Batched solve of A X = B, A (..., k, k), B (..., k, m); least squares where A is
    singular."""
    with np.errstate(all="ignore"):
        try:
            return np.linalg.solve(A, B)
        except np.linalg.LinAlgError:
            finite = np.isfinite(A).all(axis=(-2, -1))
            out = np.zeros_like(B)
            out[finite] = np.linalg.pinv(A[finite]) @ B[finite]
            return out


def _finite(step: np.ndarray) -> np.ndarray:
    """Steps of failed solves (NaN, inf) are none: those fits' trials are their start."""
    return np.nan_to_num(step, nan=0.0, posinf=0.0, neginf=0.0)
