"""The block-structured LM step of Class SR libraries against the dense one over all slots:
the same damped normal equations, so the same step up to rounding."""

import numpy as np
import pytest
import torch

from support import dim

from lawfinder.evaluate.prefix import evaluate
from lawfinder.fit.normal_equations import Blocks, sorted_by_dataset
from lawfinder.generate.policy import Policy
from lawfinder.generate.sampler import Sampler
from lawfinder.language.library import build_library
from lawfinder.language.priors import PriorConfig
from lawfinder.units.dimension import DIMENSIONLESS


def _grouped_batch(shared, own, n_datasets=4, datasets_present=None, seed=0):
    """Random formulas over a library with `shared` and `own` (per-dataset) dimensionless
    constants, their Jacobians by slot and by token on rows sorted by dataset, residuals."""
    library = build_library(["add", "sub", "mul", "div", "n2", "exp", "cos"],
                            [("x", DIMENSIONLESS)], {n: DIMENSIONLESS for n in shared}, ["1"],
                            {n: DIMENSIONLESS for n in own}, n_datasets=n_datasets)
    sampler = Sampler(library, np.array(dim("1").doubled()), PriorConfig(max_length=12))
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        policy = Policy(len(library))
    episode = sampler.sample(policy, 200, torch.Generator().manual_seed(seed))
    tokens = episode.tokens[np.isin(episode.tokens, library.free).any(axis=1)]
    rng = np.random.default_rng(seed)
    datasets = np.arange(n_datasets) if datasets_present is None else datasets_present
    X = np.column_stack([rng.uniform(-2, 2, 60), rng.choice(datasets, 60)])
    X = X[sorted_by_dataset(X)]
    c = rng.uniform(-1.5, 1.5, (len(tokens), library.n_free))
    value, by_slot = evaluate(tokens, library, X, c, jacobian=True)
    _, by_token = evaluate(tokens, library, X, c, jacobian=True, by_token=True)
    sqrt_w = np.sqrt(rng.uniform(0.5, 2.0, 60))
    r = (value - rng.normal(size=60)) * sqrt_w
    with np.errstate(over="ignore"):
        products = np.abs(by_slot).max(axis=(1, 2)) ** 2 * 60
    ok = np.isfinite(r).all(axis=1) & np.isfinite(products)
    return library, X, sqrt_w, by_slot[ok], by_token[ok], r[ok]


def _damped_normal_matrix(by_slot, sqrt_w, damping):
    """LM's damped J^T J over all slots (n, K, K), written out as a reference."""
    J = by_slot * sqrt_w
    JtJ = J @ J.transpose(0, 2, 1)
    diag = np.einsum("bkk->bk", JtJ)
    floor = 1e-12 * np.clip(diag.max(axis=1), 1e-300, 1.0)[:, None]
    return JtJ + np.eye(JtJ.shape[1]) * (damping[:, None] * (diag + floor))[:, None]


def _assert_steps_solve(step, A, b):
    """`step` solves A x = b to rounding, against a solve of the system scaled to a unit
    diagonal, where that is well conditioned and in the slots whose constants have an
    effect. Random formulas also give constants whose derivatives are rounding errors
    (k0 - k0): the steps of those, and of systems of condition 1e30, rounding decides."""
    diag = np.einsum("bkk->bk", A)
    d = 1 / np.sqrt(diag)
    scaled = A * d[:, :, None] * d[:, None]
    good = np.linalg.cond(scaled) < 1e8
    assert good.mean() > 0.9
    exact = d * np.linalg.solve(scaled, (d * b)[..., None])[..., 0]
    size = np.maximum(np.abs(exact).max(axis=1, keepdims=True), 1e-300)
    effect = good[:, None] & (diag > 1e-9 * diag.max(axis=1, keepdims=True))
    np.testing.assert_allclose((step / size)[effect], (exact / size)[effect], rtol=0, atol=1e-9)


@pytest.mark.parametrize("shared, own", [(["c0"], ["k0", "k1", "k2"]), (["c0", "c1"], ["k0"]),
                                         ([], ["k0", "k1"])])
def test_block_steps_equal_the_dense_steps(shared, own):
    library, X, sqrt_w, by_slot, by_token, r = _grouped_batch(shared, own)
    assert len(r) > 50
    damping = np.random.default_rng(1).choice([1e-4, 1e-3, 1.0], len(r))
    block = Blocks(library, X[:, -1], sqrt_w).step(by_token, r, None, damping)
    _assert_steps_solve(block, _damped_normal_matrix(by_slot, sqrt_w, damping),
                        -np.einsum("bkn,n,bn->bk", by_slot, sqrt_w, r))


def test_frozen_slots_and_absent_datasets_take_no_step_in_either():
    """As when a new dataset is fitted: the shared constants and the old datasets' slots
    frozen, and only the new dataset's rows present."""
    library, X, sqrt_w, by_slot, by_token, r = _grouped_batch(["c0"], ["k0", "k1"],
                                                              datasets_present=[1, 3])
    free = np.random.default_rng(2).random((len(r), library.n_free)) < 0.6
    damping = np.full(len(r), 1e-3)
    block = Blocks(library, X[:, -1], sqrt_w).step(by_token, r, free, damping)
    J = by_slot * free[:, :, None]
    _assert_steps_solve(block, _damped_normal_matrix(J, sqrt_w, damping),
                        -np.einsum("bkn,n,bn->bk", J, sqrt_w, r))
    assert not block[~free].any()
    absent = [1 + 4 * k + g for k in range(2) for g in (0, 2)]   # slots of datasets 0 and 2
    assert not block[:, absent].any()
