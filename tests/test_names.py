"""Any name a physicist uses works (issue 14): E, I, beta, lambda, y, λ, pi, exp as a column.

Each name set fits y = a / b, which a tiny budget finds by construction (three tokens
from a library of three operators and two inputs); a quotient, so that swapped columns
in an export would show.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sympy
import torch

from lawfinder import DataError, LawfinderError, LawRegressor
from lawfinder.results.formula import latex
from lawfinder.report import write_report

NAME_SETS = [["x", "y"], ["beta", "m"], ["gamma", "m"], ["zeta", "m"], ["E", "m"], ["I", "R"],
             ["S", "T"], ["N", "V"], ["Q", "C"], ["lambda", "nu"], ["λ", "T"], ["pi", "O"],
             ["m_1", "T0"], ["mul", "div"], ["exp", "add"]]  # the last two: operators' names
# How each name reads in LaTeX: SymPy's spelling of Greek names, and λ too.
TEX = {"beta": r"\beta", "gamma": r"\gamma", "zeta": r"\zeta", "lambda": r"\lambda",
       "nu": r"\nu", "λ": r"\lambda", "pi": r"\pi", "m_1": "m_{1}", "T0": "T_{0}"}


def data(n: int = 40) -> tuple[np.ndarray, np.ndarray]:
    X = np.random.default_rng(0).uniform(1, 3, (n, 2))
    return X, X[:, 0] / X[:, 1]


def fitted(names: list[str], **settings) -> LawRegressor:
    X, y = data()
    model = LawRegressor(operators=["mul", "div", "add"], max_evals=1000, random_state=0,
                         **settings)
    return model.fit(X, y, names=names)


@pytest.fixture(scope="module", params=NAME_SETS, ids="-".join)
def model(request) -> LawRegressor:
    return fitted(request.param)


def test_the_exact_law_is_found_and_printed_with_the_users_names(model):
    a, b = model.problem_.names
    assert model.best_.nrmse < 1e-9
    assert str(model.best_) == f"{a}/{b}"
    assert model.equations_["sympy"].map(str).str.contains(a, regex=False).any()


def test_latex_writes_greek_names_as_greek_letters(model):
    a, b = (TEX.get(name, name) for name in model.problem_.names)
    assert model.best_.latex() == rf"\frac{{{a}}}{{{b}}}"


@pytest.mark.parametrize("name, tex", [("θ_0", r"\theta_{0}"), ("Δx", r"\Delta x"),
                                       ("αβ", r"\alpha\beta"), ("Ω", r"\Omega"),
                                       ("k_B", "k_{B}"), ("η%", r"\eta\%")])
def test_latex_of_unicode_and_markup_in_names(name, tex):
    assert latex(sympy.Symbol(name)) == tex


def test_sympy_symbols_carry_the_users_names(model):
    assert {s.name for s in model.best_.sympy().free_symbols} == set(model.problem_.names)


def test_the_model_file_round_trips(model, tmp_path):
    X, _ = data(10)
    model.save(tmp_path / "model.json")
    loaded = LawRegressor.load(tmp_path / "model.json")
    assert loaded.problem_.names == model.problem_.names
    assert str(loaded.best_) == str(model.best_)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_the_numpy_export_takes_columns_in_order_or_by_name(model):
    X, y = data(10)
    law = model.best_.to_numpy()
    a, b = model.problem_.names
    np.testing.assert_allclose(law(X), y, rtol=1e-12)
    np.testing.assert_allclose(law({b: X[:, 1], a: X[:, 0]}), y, rtol=1e-12)
    np.testing.assert_allclose(law(pd.DataFrame({b: X[:, 1], a: X[:, 0]})), y, rtol=1e-12)


def test_a_missing_name_is_named():
    law = fitted(["lambda", "nu"]).best_.to_numpy()
    with pytest.raises(DataError, match=r"lack \['nu'\]"):
        law({"lambda": [1.0]})


def test_the_torch_export_works_with_keyword_names():
    model = fitted(["lambda", "E"])
    X, y = data(10)
    module = model.best_.to_torch()
    np.testing.assert_allclose(module(torch.tensor(X)).detach().numpy(), y, rtol=1e-12)
    assert "lambda/E" in repr(module)


def test_the_default_target_name_avoids_an_input_called_y():
    assert fitted(["x", "y"]).problem_.target_name == "y_target"
    assert fitted(["a", "b"]).problem_.target_name == "y"


def test_an_explicit_target_name_equal_to_an_input_is_refused():
    X, y = data()
    with pytest.raises(DataError, match="target name 'y' is also a feature name"):
        LawRegressor(max_evals=50).fit(X, y, names=["x", "y"], target_name="y")


def test_a_column_named_pi_is_the_column_and_fixed_pi_beside_it_is_refused():
    model = fitted(["pi", "r"])
    assert str(model.best_) == "pi/r"
    np.testing.assert_allclose(model.best_.to_numpy()([[2.0, 4.0]]), [0.5])  # pi = 2 here
    with pytest.raises(LawfinderError, match="fixed constant 'pi'.*input column 'pi'"):
        fitted(["pi", "r"], fixed_constants=["1", "pi"])


def test_free_constants_may_have_any_name():
    X = np.random.default_rng(0).uniform(1, 3, (40, 1))
    for name in ("lambda", "E", "λ", "mul"):  # mul: the name of an operator of the search
        model = LawRegressor(operators=["mul"], free_constants=[name], max_evals=1000,
                             random_state=0).fit(X, 2.5 * X[:, 0], names=["x"])
        assert model.best_.constants == pytest.approx({name: 2.5})
        assert {s.name for s in model.best_.sympy().free_symbols} == {name, "x"}
        np.testing.assert_allclose(model.best_.to_numpy()({"x": [2.0]}), [5.0])


def test_a_constant_pi_is_not_written_as_pi_beside_a_column_named_pi():
    X = np.random.default_rng(0).uniform(1, 3, (40, 1))
    model = LawRegressor(operators=["mul"], free_constants=["k"], max_evals=1000,
                         random_state=0).fit(X, np.pi * X[:, 0], names=["pi"])
    assert str(model.best_).startswith("3.14159")


def test_the_report_shows_unicode_names(tmp_path):
    pytest.importorskip("matplotlib")
    model = fitted(["λ", "T"])
    write_report(model, tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "y = λ/T" in page and 'class="formula math-fallback"' not in page
