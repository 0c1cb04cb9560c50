import numpy as np
import pytest
import sympy
import torch

from lawfinder.evaluate.prefix import evaluate, to_sympy, to_text
from lawfinder.language.library import DEFAULT_OPERATORS, build_library
from lawfinder.generate.policy import Policy
from lawfinder.language.priors import PriorConfig
from lawfinder.generate.sampler import Sampler

from support import dim


def _batch(library, target, n=300, seed=0):
    sampler = Sampler(library, target, PriorConfig(max_length=16))
    torch.manual_seed(seed)
    episode = sampler.sample(Policy(len(library)), n, torch.Generator().manual_seed(seed))
    return episode.tokens, episode.lengths


def test_vectorised_evaluation_matches_sympy(newton_library, newton_target):
    """Outside reference: SymPy's lambdify of each formula, one at a time."""
    tokens, lengths = _batch(newton_library, newton_target)
    rng = np.random.default_rng(0)
    X = rng.uniform(1, 5, (50, 3))
    constants = rng.uniform(0.5, 2, (len(tokens), 1))
    values, _ = evaluate(tokens, newton_library, X, constants)
    symbols = sympy.symbols("m1 m2 r")
    for i in range(0, len(tokens), 7):
        expr = to_sympy(tokens[i, :lengths[i]], newton_library, {"G": constants[i, 0]})
        if expr.has(sympy.zoo, sympy.nan):  # 1/(x - x): SymPy folds it to a non-number
            continue
        with np.errstate(all="ignore"):  # NaN where the formula is undefined, as below
            expected = np.broadcast_to(sympy.lambdify(symbols, expr, "numpy")(*X.T), (50,))
        finite = np.isfinite(expected) & np.isfinite(values[i])
        # SymPy folds x - x to 0 where floats keep a rounding residue: hence atol.
        np.testing.assert_allclose(values[i][finite], expected[finite], rtol=1e-9, atol=1e-6)


def test_jacobian_matches_finite_differences(newton_library, newton_target):
    tokens, _ = _batch(newton_library, newton_target, 200, seed=1)
    X = np.random.default_rng(1).uniform(1, 5, (20, 3))
    c = np.full((len(tokens), 1), 1.3)
    values, jac = evaluate(tokens, newton_library, X, c, jacobian=True)
    h = 1e-6
    shifted, _ = evaluate(tokens, newton_library, X, c + h)
    with np.errstate(invalid="ignore"):  # inf - inf of formulas that overflow
        numeric = (shifted - values) / h
    ok = (np.isfinite(numeric).all(axis=1) & np.isfinite(jac[:, 0]).all(axis=1)
          & (np.abs(values).max(axis=1) < 1e6))
    assert ok.mean() > 0.5
    np.testing.assert_allclose(jac[ok, 0], numeric[ok], rtol=1e-3, atol=1e-4)


def test_to_text_and_sympy(newton_library):
    ix = newton_library.index
    tokens = [ix[t] for t in ("mul", "G", "div", "mul", "m1", "m2", "n2", "r")]
    assert to_text(tokens, newton_library) == "mul(G, div(mul(m1, m2), n2(r)))"
    G, m1, m2, r = sympy.symbols("G m1 m2 r")
    assert to_sympy(tokens, newton_library) == G * m1 * m2 / r**2
    assert to_sympy(tokens, newton_library, {"G": 2.0}) == 2.0 * m1 * m2 / r**2


def test_invalid_values_are_not_errors(newton_library):
    ix = newton_library.index
    tokens = np.array([[ix["log"], ix["neg"], ix["1"]]])
    values, _ = evaluate(tokens, newton_library, np.ones((3, 3)), np.ones((1, 1)))
    assert np.isnan(values).all()


def test_a_constant_subtree_outside_the_reals_is_nan_as_the_evaluator_says(newton_library):
    """asin(m2/m2 + pi) is complex to SymPy; evaluated on, the functions above it once kept
    SymPy busy for hours. The kernel says NaN, and so does to_sympy, at once."""
    names = ["sqrt", "mul", "exp", "n2", "log", "tanh", "sqrt", "inv", "sin", "inv", "sqrt",
             "asin", "add", "mul", "m2", "inv", "m2", "pi", "n2", "div", "G", "n2", "div",
             "r", "m1"]
    tokens = [newton_library.index[name] for name in names]
    assert to_sympy(tokens, newton_library) is sympy.nan
    values, _ = evaluate(np.array([tokens]), newton_library, np.ones((3, 3)), np.ones((1, 1)))
    assert np.isnan(values).all()
    log_of_negative = [newton_library.index[n] for n in ["log", "sub", "1", "pi"]]
    assert to_sympy(log_of_negative, newton_library) is sympy.nan


def _per_dataset_batch(n_datasets=3):
    """Sampled formulas over t with a shared g and per-dataset v0, z0; inputs carry each row's
    dataset as a last column."""
    library = build_library(DEFAULT_OPERATORS, [("t", dim("s"))], {"g": dim("m/s^2")}, ["1"],
                            {"v0": dim("m/s"), "z0": dim("m")}, n_datasets)
    tokens, lengths = _batch(library, np.array(dim("m").doubled()), 200, seed=2)
    rng = np.random.default_rng(2)
    X = np.column_stack([rng.uniform(0.5, 3, 30), np.arange(30) % n_datasets])
    c = rng.uniform(0.5, 2, (len(tokens), library.n_free))       # (B, 1 + 2 * n_datasets)
    return library, tokens, lengths, X, c


def test_per_dataset_constants_take_the_value_of_each_rows_dataset():
    """Outside reference: SymPy's lambdify with one dataset's constants substituted."""
    library, tokens, lengths, X, c = _per_dataset_batch()
    values, _ = evaluate(tokens, library, X, c)
    uses = [i for i in range(len(tokens)) if {"v0", "z0"} & {library.names[t] for t in tokens[i]
                                                             if t >= 0}]
    assert len(uses) > 20
    for i in uses[:40]:
        expr = to_sympy(tokens[i][:lengths[i]], library)
        for d in range(3):
            rows = X[:, 1] == d
            own = {"g": c[i, 0], "v0": c[i, 1 + d], "z0": c[i, 4 + d]}
            substituted = expr.subs(own)
            if substituted.has(sympy.zoo, sympy.nan):  # 1/0 on substitution: nothing to compare
                continue
            f = sympy.lambdify(sympy.Symbol("t"), substituted, "numpy")
            with np.errstate(all="ignore"):
                expected = np.broadcast_to(f(X[rows, 0]), rows.sum()).astype(complex)
            # SymPy's sqrt(-1) is I, and it folds v0 - v0 to 0 where floats keep a residue.
            ok = np.isfinite(expected) & (expected.imag == 0) & np.isfinite(values[i, rows])
            np.testing.assert_allclose(values[i, rows][ok], expected[ok].real, rtol=1e-9,
                                       atol=1e-6)


def test_per_dataset_jacobian_matches_finite_differences_slot_by_slot():
    library, tokens, _, X, c = _per_dataset_batch()
    values, jac = evaluate(tokens, library, X, c, jacobian=True)
    h = 1e-6
    for k in range(library.n_free):
        shifted, _ = evaluate(tokens, library, X, c + h * np.eye(library.n_free)[k])
        with np.errstate(invalid="ignore"):  # inf - inf where a formula overflows
            numeric = (shifted - values) / h
        ok = (np.isfinite(numeric).all(axis=1) & np.isfinite(jac[:, k]).all(axis=1)
              & (np.abs(values).max(axis=1) < 1e4))
        np.testing.assert_allclose(jac[ok, k], numeric[ok], rtol=1e-3, atol=1e-3)
    # A dataset's own slots move only its own rows (where the formula has a value).
    assert not np.nan_to_num(jac[:, 1][:, X[:, 1] != 0]).any()


def test_per_dataset_constants_refuse_inputs_without_a_dataset_column():
    library, tokens, _, X, c = _per_dataset_batch()
    with pytest.raises(ValueError, match="last column of X must hold each row's dataset index"):
        evaluate(tokens, library, X[:, :1] + 0.5, c)
