import numpy as np

from lawfinder.fit.levenberg_marquardt import FitConfig
from lawfinder.language.library import build_library
from lawfinder.search.scoring import Scorer

from support import dim


def scorer(n: int = 5000, noise: float = 0.0, groups: int = 0, law=lambda x: 2.5 * x,
           operators=("mul", "add")) -> Scorer:
    """y = law(x) (+ noise) on n rows, one free constant a; with `groups`, a last column of
    dataset indices."""
    rng = np.random.default_rng(0)
    x = rng.uniform(1, 3, n)
    y = law(x) + noise * rng.normal(size=n)
    columns = [x] if not groups else [x, np.arange(n) % groups]
    library = build_library(list(operators), [("x", dim("1"))], {"a": dim("1")},
                            n_datasets=groups)
    return Scorer(library, np.column_stack(columns), y, np.ones(n), np.ones((1, 1)),
                  np.ones(1), FitConfig(), 128, 2000, (), np.random.default_rng(1))


def tokens(s: Scorer, *names: str) -> np.ndarray:
    return np.array([[s.library.index[n] for n in names]])


def test_constants_are_fitted_on_the_fit_rows_and_scored_on_the_score_rows():
    s = scorer()
    assert (len(s.fit_rows), len(s.score_rows)) == (128, 2000)
    assert set(s.fit_rows) <= set(s.score_rows)   # both the start of one permutation
    constants, errors = s.fit(tokens(s, "mul", "a", "x"), ["raw"])
    np.testing.assert_allclose(constants, [[2.5]], rtol=1e-9)
    assert errors[0] < 1e-9


def test_formulas_without_constants_are_scored_without_a_fit():
    s = scorer()
    constants, errors = s.fit(tokens(s, "add", "x", "x"), ["raw"])
    assert constants.tolist() == [[1.0]]
    assert 0.1 < errors[0] < 1


def test_scores_on_all_rows_agree_with_scores_on_the_rows_given():
    s = scorer(noise=0.3)
    t = tokens(s, "mul", "a", "x")
    from lawfinder.evaluate.prefix import evaluate
    values, _ = evaluate(t, s.library, s.X, np.array([[2.4]]))
    assert s.nrmse_on_all(t, np.array([[2.4]]))[0] == s.nrmse(values)[0]


def test_every_dataset_has_its_share_of_the_fit_rows():
    s = scorer(n=400, groups=4)
    assert np.bincount(s.groups[s.fit_rows]).tolist() == [32, 32, 32, 32]
