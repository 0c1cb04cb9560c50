import numpy as np
import pytest
import torch

from lawfinder.fit import levenberg_marquardt
from lawfinder.fit.levenberg_marquardt import FitConfig, fit_constants
from lawfinder.fit.normal_equations import Dense
from lawfinder.generate.policy import Policy
from lawfinder.generate.sampler import Sampler
from lawfinder.language.library import build_library
from lawfinder.language.priors import PriorConfig
from lawfinder.units.dimension import DIMENSIONLESS

from support import dim


def _oscillator():
    library = build_library(["add", "mul", "exp", "neg", "cos"], [("t", dim("s"))],
                            {"alpha": dim("1/s"), "omega": dim("1/s"), "phi": dim("1")})
    ix = library.index
    prefix = ["mul", "exp", "neg", "mul", "alpha", "t", "cos", "add", "mul", "omega", "t", "phi"]
    return library, np.array([[ix[p] for p in prefix]])


def test_batched_fit_recovers_the_damped_oscillator():
    library, tokens = _oscillator()
    rng = np.random.default_rng(0)
    t = rng.uniform(np.pi, 10 * np.pi, 200)
    y = np.exp(-t / 9.89) * np.cos(0.784 * t + 0.997)
    c, loss = fit_constants(np.repeat(tokens, 3, axis=0), library, t[:, None], y, np.ones(200),
                            np.ones((1, 3)), np.ones(3), FitConfig(n_random_starts=6), rng)
    assert loss.max() < 1e-20
    np.testing.assert_allclose(np.abs(c[:, :2]), [[1 / 9.89, 0.784]] * 3, rtol=1e-8)


def test_equal_fits_prefer_the_smallest_constants():
    """cos(w t + phi) fits as well with phi + 2 pi: the small phase is reported."""
    library, tokens = _oscillator()
    t = np.linspace(np.pi, 10 * np.pi, 100)
    y = np.exp(-t / 9.89) * np.cos(0.784 * t + 0.997)
    starts = np.array([[[1 / 9.89, 0.784, 0.997 + 2 * np.pi], [1 / 9.89, 0.784, 0.997]]])
    c, _ = fit_constants(tokens, library, t[:, None], y, np.ones(100), starts, np.ones(3),
                         FitConfig(n_random_starts=0), np.random.default_rng(0))
    np.testing.assert_allclose(c[0], [1 / 9.89, 0.784, 0.997], rtol=1e-9)


def test_formulas_that_cannot_be_evaluated_get_infinite_loss():
    library = build_library(["log", "neg"], [("x", dim("1"))], {"c": dim("1")})
    ix = library.index
    tokens = np.array([[ix["log"], ix["neg"], ix["x"]]])
    _, loss = fit_constants(tokens, library, np.ones((5, 1)), np.arange(5.0), np.ones(5),
                            np.ones((1, 1)), np.ones(1), FitConfig(), np.random.default_rng(0))
    assert np.isinf(loss[0])


def test_frozen_constants_keep_their_value_and_the_others_fit_around_them():
    """Damped oscillator with the phase frozen at 1.0 (truth 0.997): the rest still fits,
    and from random starts too."""
    library, tokens = _oscillator()
    t = np.linspace(np.pi, 10 * np.pi, 100)
    y = np.exp(-t / 9.89) * np.cos(0.784 * t + 0.997)
    start = np.array([[[0.1, 0.78, 1.0]]])
    frozen = np.array([[False, False, True]])
    c, loss = fit_constants(tokens, library, t[:, None], y, np.ones(100), start, np.ones(3),
                            FitConfig(n_random_starts=4), np.random.default_rng(0), frozen)
    assert c[0, 2] == 1.0
    np.testing.assert_allclose(c[0, :2], [1 / 9.89, 0.784], rtol=1e-2)
    assert 0 < loss[0] < 1e-3


def _free_fall(n_datasets):
    """z = g t^2 + v0 t + z0, g shared, v0 and z0 per dataset; inputs with the dataset column."""
    library = build_library(["add", "mul", "n2"], [("t", dim("s"))], {"g": dim("m/s^2")},
                            dataset_constants={"v0": dim("m/s"), "z0": dim("m")},
                            n_datasets=n_datasets)
    ix = library.index
    prefix = ["add", "mul", "g", "n2", "t", "add", "mul", "v0", "t", "z0"]
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(n_datasets), 20)
    t = rng.uniform(0, 3, len(groups))
    return library, np.array([[ix[p] for p in prefix]]), np.column_stack([t, groups])


def test_joint_fit_recovers_shared_and_per_dataset_constants():
    library, tokens, X = _free_fall(4)
    v0, z0 = np.array([1.0, -2.0, 3.5, 0.2]), np.array([10.0, 0.0, -4.0, 7.0])
    t, d = X[:, 0], X[:, 1].astype(int)
    y = -4.905 * t**2 + v0[d] * t + z0[d]
    c, loss = fit_constants(tokens, library, X, y, np.ones(len(y)), np.ones((1, 9)), np.ones(9),
                            FitConfig(), np.random.default_rng(0))
    assert loss[0] < 1e-20
    np.testing.assert_allclose(c[0], [-4.905, *v0, *z0], rtol=1e-9, atol=1e-9)


def test_a_per_dataset_constant_that_enters_linearly_is_solved_exactly_in_a_few_steps():
    """The model is linear in its constants: Gauss-Newton lands on the least-squares
    solution, wherever it starts, and damping only delays that by a step or two."""
    library, tokens, X = _free_fall(3)
    t, d = X[:, 0], X[:, 1].astype(int)
    z0 = np.array([5.0, -1.0, 3000.0])
    y = -4.905 * t**2 + 2.0 * t + z0[d]
    start = np.array([[1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0]])
    c, loss = fit_constants(tokens, library, X, y, np.ones(len(y)), start, np.ones(7),
                            FitConfig(max_iter=6, n_random_starts=0), np.random.default_rng(0))
    np.testing.assert_allclose(c[0], [-4.905, 2.0, 2.0, 2.0, *z0], rtol=1e-10)
    assert loss[0] < 1e-20


def test_a_constant_beside_a_subtree_with_an_infinite_slope_is_still_fitted():
    """a*sqrt(t) on data with t = 0: sqrt's slope there is infinite, but a is not under
    it; its derivative, sqrt(t), is finite everywhere, and the fit finds a."""
    library = build_library(["mul", "sqrt"], [("t", dim("1"))], {"a": dim("1")})
    ix = library.index
    t = np.linspace(0, 4, 50)[:, None]
    tokens = np.array([[ix["mul"], ix["a"], ix["sqrt"], ix["t"]]])
    c, loss = fit_constants(tokens, library, t, 2.5 * np.sqrt(t[:, 0]), np.ones(50),
                            np.ones((1, 1)), np.ones(1), FitConfig(), np.random.default_rng(0))
    np.testing.assert_allclose(c, [[2.5]], rtol=1e-9)


def test_per_dataset_constants_alone_are_recovered_in_shuffled_rows():
    """No shared constant, and the datasets' rows interleaved: z = v0 t + z0."""
    library = build_library(["add", "mul"], [("t", dim("s"))], {},
                            dataset_constants={"v0": dim("m/s"), "z0": dim("m")}, n_datasets=3)
    ix = library.index
    tokens = np.array([[ix[p] for p in ["add", "mul", "v0", "t", "z0"]]])
    rng = np.random.default_rng(1)
    d, t = rng.integers(0, 3, 40), rng.uniform(0, 3, 40)
    v0, z0 = np.array([1.0, -2.0, 0.5]), np.array([3.0, 0.0, -7.0])
    c, loss = fit_constants(tokens, library, np.column_stack([t, d]), v0[d] * t + z0[d],
                            np.ones(40), np.ones((1, 6)), np.ones(6), FitConfig(),
                            np.random.default_rng(0))
    np.testing.assert_allclose(c[0], [*v0, *z0], rtol=1e-9, atol=1e-9)
    assert loss[0] < 1e-20


def test_a_new_datasets_constants_fit_with_the_shared_ones_frozen():
    """As `fit_dataset` does: g and datasets 0-2 frozen, dataset 3 alone in the rows."""
    library, tokens, _ = _free_fall(4)
    t = np.linspace(0, 3, 20)
    X = np.column_stack([t, np.full(20, 3)])
    start = np.array([[[-4.905, 1, 2, 3, 0, 4, 5, 6, 0]]], dtype=float)
    frozen = np.ones((1, 9), dtype=bool)
    frozen[0, [4, 8]] = False
    c, loss = fit_constants(tokens, library, X, -4.905 * t**2 + 0.7 * t - 1.5, np.ones(20),
                            start, np.ones(9), FitConfig(), np.random.default_rng(0), frozen)
    np.testing.assert_allclose(c[0], [-4.905, 1, 2, 3, 0.7, 4, 5, 6, -1.5], rtol=1e-9)
    assert loss[0] < 1e-20


def _random_grouped_formulas(seed):
    """Formulas sampled over a library with one shared and two per-dataset constants, and
    a noisy free fall in 5 datasets of 20 shuffled rows."""
    library = build_library(["add", "sub", "mul", "div", "n2", "exp", "cos"],
                            [("t", DIMENSIONLESS)], {"c0": DIMENSIONLESS}, ["1"],
                            {"k0": DIMENSIONLESS, "k1": DIMENSIONLESS}, n_datasets=5)
    sampler = Sampler(library, np.array(dim("1").doubled()), PriorConfig(max_length=12))
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        policy = Policy(len(library))
    tokens = sampler.sample(policy, 300, torch.Generator().manual_seed(seed)).tokens
    tokens = np.unique(tokens[np.isin(tokens, library.free).any(axis=1)], axis=0)
    rng = np.random.default_rng(seed)
    d, t = rng.permutation(np.repeat(np.arange(5), 20)), rng.uniform(0, 3, 100)
    y = -4.9 * t**2 + rng.uniform(-2, 2, 5)[d] * t + rng.uniform(-2, 2, 5)[d]
    return library, tokens, np.column_stack([t, d]), y + 0.01 * rng.normal(size=100)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_block_fit_gives_the_dense_fits_losses(seed, monkeypatch):
    """The block-structured normal equations against the dense ones over all K slots, on
    the same random formulas from the same starts. They solve the same systems, but LM on
    random formulas amplifies rounding: a constant whose derivative is a rounding error
    (k0 - k0) takes a step rounding decides, and a step accepted by one fit and not the
    other sends them apart. So most fits are equal to 1e-6, nearly all to 1%."""
    library, tokens, X, y = _random_grouped_formulas(seed)
    args = (tokens, library, X, y, np.ones(len(y)), np.ones((1, library.n_free)),
            np.ones(library.n_free), FitConfig())
    _, block = fit_constants(*args, np.random.default_rng(0))
    dense_system = lambda library, dataset, sqrt_w: Dense(sqrt_w)  # noqa: E731
    monkeypatch.setattr(levenberg_marquardt, "Blocks", dense_system)
    _, dense = fit_constants(*args, np.random.default_rng(0))
    assert len(tokens) > 200

    def agree(rtol):
        with np.errstate(invalid="ignore"):
            return ((np.abs(block - dense) <= rtol * dense + 1e-12)
                    | (np.isinf(block) & np.isinf(dense))).mean()

    assert agree(1e-6) > 0.9
    assert agree(1e-2) > 0.97


@pytest.mark.parametrize("frozen", [False, True])
def test_the_compiled_steps_give_the_numpy_loops_fits(frozen, monkeypatch):
    """Each fit stepped in the compiled loop against all fits stepped together in NumPy,
    on random formulas of two shared constants, some frozen: the same steps, solved by
    elimination instead of LAPACK, so equal to rounding on nearly every fit."""
    library = build_library(["add", "sub", "mul", "div", "n2", "sqrt", "exp", "log", "cos"],
                            [("t", DIMENSIONLESS), ("x", DIMENSIONLESS)],
                            {"c0": DIMENSIONLESS, "c1": DIMENSIONLESS}, ["1"])
    sampler = Sampler(library, np.array(dim("1").doubled()), PriorConfig(max_length=14))
    tokens = sampler.sample(Policy(len(library)), 400, torch.Generator().manual_seed(3)).tokens
    tokens = np.unique(tokens[np.isin(tokens, library.free).any(axis=1)], axis=0)
    rng = np.random.default_rng(0)
    X = rng.uniform(0.1, 3, (64, 2))
    y = 1.3 * np.exp(-0.4 * X[:, 0]) * np.cos(2.0 * X[:, 1]) + 0.01 * rng.normal(size=64)
    mask = np.zeros((len(tokens), 2), dtype=bool)
    mask[::3, 1] = frozen
    args = (tokens, library, X, y, np.ones(len(y)), np.ones((1, 2)), np.ones(2), FitConfig())
    compiled = fit_constants(*args, np.random.default_rng(0), mask)
    monkeypatch.setattr(levenberg_marquardt, "_compiled_steps", levenberg_marquardt._numpy_steps)
    numpy = fit_constants(*args, np.random.default_rng(0), mask)
    assert len(tokens) > 200
    with np.errstate(invalid="ignore"):
        same = (np.abs(compiled[1] - numpy[1]) <= 1e-6 * numpy[1] + 1e-12) | (
            np.isinf(compiled[1]) & np.isinf(numpy[1]))
    assert same.mean() > 0.97
    np.testing.assert_array_equal(compiled[0][mask], numpy[0][mask])


@pytest.mark.parametrize("seed", [0, 1])
def test_the_compiled_block_steps_give_the_numpy_loops_fits(seed, monkeypatch):
    """Class SR fits stepped in the compiled loop, its normal equations summed and solved
    in blocks there, against the NumPy loop's `Blocks`; among them fits with all but one
    dataset's slots frozen, as `fit_dataset` freezes them."""
    library, tokens, X, y = _random_grouped_formulas(seed)
    mask = np.zeros((len(tokens), library.n_free), dtype=bool)
    mask[::2] = np.arange(library.n_free) % 5 != 0      # free: c0 and dataset 4's k0, k1
    args = (tokens, library, X, y, np.ones(len(y)), np.ones((1, library.n_free)),
            np.ones(library.n_free), FitConfig())
    compiled = fit_constants(*args, np.random.default_rng(0), mask)
    monkeypatch.setattr(levenberg_marquardt, "_compiled_steps", levenberg_marquardt._numpy_steps)
    numpy = fit_constants(*args, np.random.default_rng(0), mask)
    assert len(tokens) > 200

    def agree(rtol):  # rounding amplified, as between the block and dense fits above
        with np.errstate(invalid="ignore"):
            return ((np.abs(compiled[1] - numpy[1]) <= rtol * numpy[1] + 1e-12)
                    | (np.isinf(compiled[1]) & np.isinf(numpy[1]))).mean()

    assert agree(1e-6) > 0.9
    assert agree(1e-2) > 0.97
    np.testing.assert_array_equal(compiled[0][mask], numpy[0][mask])
