"""Jupyter's view of a model and a formula: HTML tables with LaTeX for MathJax."""

import html

import numpy as np
import pytest

from support import newton_data

from lawfinder import LawRegressor
from lawfinder.results.html_report import equation_latex
from lawfinder.results.notation import with_error

# A column name that is markup in HTML, and a constant declared in units that are not SI.
NAMES = {"names": ["a<b", "m2", "r"], "units": ["kg", "kg", "m"], "target_units": "N",
         "target_name": "F"}


@pytest.fixture(scope="module")
def model() -> LawRegressor:
    X, y = newton_data()
    y = y * (1 + 0.01 * np.random.default_rng(1).standard_normal(len(y)))
    return LawRegressor(free_constants={"G": "km^3/(kg*s^2)"}, max_evals=500, batch_size=100,
                        n_jobs=1, random_state=0).fit(X, y, y_err=0.01 * np.abs(y), **NAMES)


def test_a_fitted_model_shows_its_front_with_latex_errors_and_units(model):
    page = model._repr_html_()
    assert page.count("<tr") == len(model.pareto_) + 1 + 5     # + the header, + 5 facts
    for formula in model.pareto_:
        assert html.escape(f"${equation_latex(model.fitted_law_, formula)}$") in page
        for name, value in formula.constants.items():
            text = f"{name} = {with_error(value, formula.uncertainties[name])} [km^3/(kg*s^2)]"
            assert html.escape(text) in page
    assert "(" in with_error(model.best_.constants["G"], model.best_.uncertainties["G"])
    assert page.count("★ best") == 1 and "F [N]" in page
    assert "propagated from y_err" in page


def test_a_formula_shows_its_latex_and_constants_in_si_units(model):
    formula = model.best_
    page = formula._repr_html_()
    assert html.escape(f"${formula.latex()}$") in page
    value, error = formula.constants["G"], formula.uncertainties["G"]
    assert html.escape(f"G = {with_error(value, error)} [1e+09 m^3/(kg*s^2)]") in page
    assert "★" not in page


def test_names_are_escaped(model):
    uses_a = [f for f in model.pareto_ if "a<b" in str(f.sympy())]
    assert uses_a
    for page in (model._repr_html_(), uses_a[0]._repr_html_()):
        assert "a<b" not in page and "a&lt;b" in page


def test_an_unfitted_model_leaves_jupyter_its_text_form():
    unfitted = LawRegressor(max_time=5)
    assert unfitted._repr_html_() is None
    assert repr(unfitted) == "LawRegressor(max_time=5)"


def test_a_loaded_model_shows_the_same_front(model, tmp_path):
    model.save(tmp_path / "model.json")
    loaded = LawRegressor.load(tmp_path / "model.json")

    def front(page: str) -> str:
        return page[page.index('<table class="front">'):]

    assert front(loaded._repr_html_()) == front(model._repr_html_())


def test_a_grouped_model_shows_the_constants_of_each_dataset(grouped):
    best = grouped.model.best_
    value, error = best.dataset_constants.loc["run b", "v0"], best.dataset_uncertainties.loc[
        "run b", "v0"]
    cell = f"<td>{html.escape(with_error(value, error))}</td>"
    page = grouped.model._repr_html_()
    assert "<th>dataset</th><th>v0 [km/h]</th><th>z0 [m]</th>" in page and cell in page
    assert "<th>datasets</th><td>3 (run a, run b, run c)" in page
    alone = best._repr_html_()             # a formula knows SI units and their factors only
    assert "<th>dataset</th><th>v0 [0.277778 m/s]</th><th>z0 [m]</th>" in alone
    assert cell in alone and "<th>run c</th>" in alone
