"""The model-selection rules pick the right row of a front (issue 12)."""

import numpy as np
import pytest

from lawfinder import LawfinderError, LawRegressor
from lawfinder.language.library import build_library
from lawfinder.results.formula import Formula
from lawfinder.results.selection import best_scores, bic, choose
from lawfinder.units.dimension import DIMENSIONLESS
from lawfinder.units.scaling import Frame

LIBRARY = build_library(["add", "mul"], [("x", DIMENSIONLESS)], {}, ["1"])
FRAME = Frame.fit(np.ones((3, 1)), np.ones(3), [DIMENSIONLESS], [1.0], DIMENSIONLESS, 1.0,
                  [], [])


def front(*rows: tuple[float, float, float]) -> list[Formula]:
    """Formulas (complexity, loss, BIC), simplest first; the tokens do not matter here."""
    return [Formula((LIBRARY.index["x"],), LIBRARY, FRAME, np.zeros(0), loss, complexity,
                    bic=score) for complexity, loss, score in rows]


NOISY = front((1, 0.9, 50.0), (3, 0.10, -400.0), (5, 0.0985, -390.0), (9, 0.098, -380.0))


def test_accuracy_takes_the_most_accurate_or_the_simplest_within_one_percent():
    assert choose(NOISY, "accuracy").complexity == 5
    assert choose(front((3, 0.1, 0.0), (5, 0.05, 0.0)), "accuracy").complexity == 5


def test_best_takes_the_largest_log_drop_per_token_within_one_and_a_half_times():
    np.testing.assert_allclose(best_scores(NOISY)[1], np.log(9) / 2)
    assert choose(NOISY, "best").complexity == 3
    # The knee at 3 lies outside 1.5x the lowest loss here: the choice is among the rest.
    sharp = front((1, 0.9, 0.0), (3, 0.1, 0.0), (5, 0.01, 0.0), (7, 0.0099, 0.0))
    assert choose(sharp, "best").complexity == 5


def test_bic_takes_the_lowest():
    assert choose(NOISY, "bic").complexity == 3


def test_bic_charges_each_token_ln_n_against_the_likelihood():
    n = 100
    assert bic(0.1, 5, n, None) - bic(0.1, 4, n, None) == pytest.approx(np.log(n))
    assert bic(0.1, 3, n, None) - bic(0.2, 3, n, None) == pytest.approx(2 * n * np.log(0.5))
    assert bic(0.1, 3, n, chi2=4.0) == pytest.approx(4.0 + 3 * np.log(n))


def test_an_unknown_rule_is_refused_naming_the_choices():
    X = np.random.default_rng(0).uniform(1, 2, (20, 1))
    with pytest.raises(LawfinderError, match="model_selection must be one of 'accuracy'"):
        LawRegressor(model_selection="aic", max_evals=50).fit(X, X[:, 0])


def line_data(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A straight line with 10% noise: longer formulas can only chase the noise."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 4, (40, 1))
    y = 2.0 * x[:, 0] + 1.0
    return x, y + rng.normal(0, 0.1 * y.std(), len(y))


@pytest.fixture(scope="module", params=[0, 1, 2])
def noisy_line(request):
    X, y = line_data(request.param)
    return LawRegressor(operators=["add", "mul", "exp", "sin"], free_constants=["a", "b"],
                        max_evals=4000, random_state=request.param, n_jobs=1).fit(X, y)


def test_on_a_noisy_line_bic_and_best_choose_the_line(noisy_line):
    for rule in ("bic", "best"):
        assert str(choose(noisy_line.pareto_, rule).sympy()) in ("a + b*x0", "a*x0 + b")


def test_equations_carry_each_rules_score(noisy_line):
    table = noisy_line.equations_
    np.testing.assert_allclose(table["score_best"], best_scores(noisy_line.pareto_))
    assert np.isfinite(table["score_bic"]).all()
    chosen = choose(noisy_line.pareto_, "bic")
    assert table["score_bic"].idxmin() == noisy_line.pareto_.index(chosen)


def test_the_scores_survive_a_model_file(noisy_line, tmp_path):
    noisy_line.save(tmp_path / "m.json")
    loaded = LawRegressor.load(tmp_path / "m.json")
    assert list(loaded.equations_["score_bic"]) == list(noisy_line.equations_["score_bic"])


def test_with_y_err_the_bic_is_chi_square_in_units_of_the_errors():
    rng = np.random.default_rng(0)
    X = rng.uniform(1, 3, (60, 1))
    y_err = 0.05 * (1 + X[:, 0])
    y = 2.0 * X[:, 0] + 1.0 + rng.normal(0, y_err)
    model = LawRegressor(operators=["add", "mul"], free_constants=["a", "b"], max_evals=2000,
                         random_state=0, n_jobs=1).fit(X, y, y_err=y_err)
    for formula in model.pareto_:
        chi2 = np.sum(((formula.predict(X) - y) / y_err) ** 2)
        assert formula.bic == pytest.approx(chi2 + formula.complexity * np.log(len(y)),
                                            rel=1e-9)
