import numpy as np
import pandas as pd
import pytest
import scipy.special
import sympy

from support import ERF, NEWTON, erf_data, newton_data, relativity_data
from lawfinder import DataError, LawfinderError, LawRegressor, UnitsError, UserOperator
from lawfinder.language.library import Kind


def _quick(**kw):
    params = dict(free_constants={"G": "m^3/(kg*s^2)"}, max_evals=400, batch_size=100,
                  random_state=0)
    return LawRegressor(**{**params, **kw})


def test_fit_returns_self_and_a_consistent_front():
    X, y = newton_data(200)
    model = _quick()
    assert model.fit(X, y, **NEWTON) is model
    front = model.equations_
    assert list(front.columns) == ["complexity", "loss", "sympy", "constants", "latex",
                                   "view", "uncertainties", "score_best", "score_bic"]
    assert front["complexity"].is_monotonic_increasing
    assert front["loss"].is_monotonic_decreasing
    assert set(front["view"]) <= {"raw", *model.bases_}
    assert model.best_ in model.pareto_
    assert np.isfinite(model.predict(X)).all()


def test_prepare_gives_the_search_fit_runs_unstarted():
    X, y = newton_data(200)
    problem, library, frame, search = _quick().prepare(X, y, **NEWTON)
    assert list(problem.names) == NEWTON["names"] and library.free_names == ("G",)
    assert search.epoch == 0 and not search.cache and search.library is library
    assert search.step().epoch == 1 and search.cache


def test_each_distinct_starting_point_is_fitted_once():
    """1 in the user's units and 1 in the scaled units coincide for a dimensionless constant."""
    X, y = newton_data(200)
    *_, search = _quick().prepare(X, y, **NEWTON)
    assert search.starts.shape == (2, 1)          # G: 1 m^3/(kg s^2) is not 1 once scaled
    *_, search = _quick(free_constants={"k": ""}).prepare(X, y)   # no units at all
    assert search.starts.shape == (1, 1)


def test_predict_agrees_with_the_formula_in_user_units():
    """Non-SI units: r in km, F in kN; predictions come back in kN."""
    X, y = newton_data(200)
    model = _quick().fit(X, y, names=["m1", "m2", "r"], units=["kg", "kg", "km"],
                         target_units="kN")
    f = model.best_
    assert f.predict(X).shape == (len(X),)
    np.testing.assert_allclose(model.predict(X), f.predict(X))


def test_same_seed_same_result():
    X, y = newton_data(200)
    a = _quick().fit(X, y, **NEWTON)
    b = _quick().fit(X, y, **NEWTON)
    assert str(a.best_.sympy()) == str(b.best_.sympy())
    assert a.best_.constants == b.best_.constants


def test_dataframe_input_takes_names_from_columns():
    X, y = newton_data(200)
    frame = pd.DataFrame(X, columns=["m1", "m2", "r"])
    model = _quick().fit(frame, pd.Series(y, name="F"), units=["kg", "kg", "m"],
                         target_units="N")
    assert model.problem_.names == ("m1", "m2", "r")
    assert model.problem_.target_name == "F"
    assert np.isfinite(model.predict(frame)).all()


def test_get_set_params_roundtrip():
    model = LawRegressor(max_time=5)
    params = model.get_params()
    assert params["max_time"] == 5
    assert LawRegressor(**params).get_params() == params
    with pytest.raises(LawfinderError, match="unknown parameter"):
        model.set_params(max_tme=3)


def test_predict_before_fit_is_a_clear_error():
    with pytest.raises(LawfinderError, match="not fitted"):
        LawRegressor().predict(np.ones((2, 3)))


@pytest.mark.parametrize("change, error, words", [
    (dict(y=np.ones(199)), DataError, "199"),
    (dict(X_nan=True), DataError, "m2"),
    (dict(units=["kg", "kg", "furlongz"]), UnitsError, "furlongz"),
    (dict(target_units="s"), UnitsError, "units s"),
    (dict(constant_column=True), DataError, "r"),
])
def test_bad_input_names_the_culprit(change, error, words):
    X, y = newton_data(200)
    args = dict(NEWTON)
    if change.pop("X_nan", False):
        X[5, 1] = np.nan
    if change.pop("constant_column", False):
        X[:, 2] = 2.0
    y = change.pop("y", y)
    args.update(change)
    with pytest.raises(error, match=words):
        _quick(free_constants=None).fit(X, y, **args)


def test_unknown_operator_suggests_a_fix():
    X, y = newton_data(200)
    with pytest.raises(LawfinderError, match="Did you mean sqrt"):
        _quick(operators=["mul", "sqr"]).fit(X, y, **NEWTON)


def test_dimensional_constant_without_data_units_is_refused():
    X, y = newton_data(200)
    with pytest.raises(UnitsError, match="data has none"):
        _quick().fit(X, y)


@pytest.mark.parametrize("bad", [dict(max_time=0), dict(max_length=0), dict(batch_size=5),
                                 dict(max_evals=0), dict(free_constants="G"),
                                 # valid-looking but past memory: refused before any array
                                 dict(max_length=100_000), dict(batch_size=10**6)])
def test_bad_settings_are_refused_by_fit(bad):
    X, y = newton_data(200)
    with pytest.raises(LawfinderError):
        _quick(**bad).fit(X, y, **NEWTON)


def test_without_units_it_is_ordinary_symbolic_regression():
    rng = np.random.default_rng(1)
    X = rng.uniform(-2, 2, (300, 2))
    y = X[:, 0] * X[:, 1] + X[:, 0]
    model = LawRegressor(operators=["add", "sub", "mul", "sin"], max_evals=20000,
                         random_state=0).fit(X, y)
    assert model.best_.nrmse < 1e-9
    assert model.score(X, y) > 0.999999


def test_every_formula_reports_its_constants_errors_and_predictions_their_own():
    X, y = newton_data(200)
    y = y * (1 + 0.01 * np.random.default_rng(0).normal(size=len(y)))
    for kwargs, source in [({}, "residuals"), ({"y_err": 0.01 * np.abs(y)}, "y_err")]:
        model = _quick().fit(X, y, **NEWTON, **kwargs)
        for formula, errors in zip(model.pareto_, model.equations_["uncertainties"]):
            assert errors == formula.uncertainties
            assert errors.keys() == formula.constants.keys()
            assert all(type(e) is float and e >= 0 for e in errors.values())  # print as numbers
            assert list(formula.covariance.index) == list(formula.constants)
            assert formula.errors_from == source
        predicted, std = model.predict(X, return_std=True)
        np.testing.assert_array_equal(predicted, model.predict(X))
        assert std.shape == predicted.shape and (std >= 0).all()


def test_verbose_shows_the_search_live_and_a_callback_replaces_it(capsys):
    X, y = newton_data(200)
    _quick(verbose=True).fit(X, y, **NEWTON)
    assert "best formula" in capsys.readouterr().out
    seen = []
    _quick(verbose=True).fit(X, y, callback=lambda stats, hall: seen.append(stats), **NEWTON)
    assert seen and "best formula" not in capsys.readouterr().out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_relative_errors_on_a_target_of_173_decades_recover_the_law(seed):
    """y = 3 exp(-x/1.25) from 3 down to 1e-173 with y_err = 10% of y (issue 12): the weights
    1/y_err^2 span 346 decades, and the law is found, with a chi-square BIC and errors."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 500, (200, 1))
    clean = 3.0 * np.exp(-x[:, 0] / 1.25)
    y_err = 0.1 * clean
    y = clean + y_err * rng.normal(size=len(clean))
    model = LawRegressor(free_constants=["A", "s"], operators=["mul", "div", "exp", "neg", "add"],
                         max_evals=2000, random_state=seed, n_jobs=1).fit(x, y, y_err=y_err)
    np.testing.assert_allclose(model.predict(x), clean, rtol=0.02)
    chi2 = np.sum(((model.best_.predict(x) - y) / y_err) ** 2)
    assert model.best_.bic == pytest.approx(chi2 + model.best_.complexity * np.log(len(y)))
    assert all(np.isfinite(e) for e in model.best_.uncertainties.values())


def test_a_front_of_only_infinite_errors_is_not_blamed_on_the_budget(monkeypatch):
    """When every formula scored has a non-finite error, the message says so, not "raise
    max_time or max_evals"."""
    monkeypatch.setattr("lawfinder.search.scoring.nrmse",
                        lambda values, *args, **kwargs: np.full(len(values), np.inf))
    X, y = newton_data(50)
    with pytest.raises(LawfinderError, match=r"all \d+ formulas scored have an infinite or "
                                             r"undefined error on these data with these weights"):
        _quick(n_jobs=1).fit(X, y, y_err=0.1 * (1 + np.abs(y)), **NEWTON)


# E = m c^2 / sqrt(1 - v^2/c^2) in g, km/h and J, with c known (support.relativity_data).
RELATIVITY = dict(names=["m", "v"], units=["g", "km/h"], target_units="J")
LAW = "m*c**2/sqrt(1 - v**2/c**2)"


def _relativity(fixed=("1", "c=19.8 m/s"), **kw):
    return LawRegressor(fixed_constants=list(fixed), max_evals=300, batch_size=100,
                        random_state=0, n_jobs=1, **kw)


def _score(formula, fixed):
    """NRMSE of a formula written by hand, through the search's own scoring."""
    from lawfinder.evaluate.simplify import to_tokens

    X, y = relativity_data()
    *_, search = _relativity(fixed).prepare(X, y, **RELATIVITY)
    expr = sympy.sympify(formula, locals={name: sympy.Symbol(name) for name in "mvcE"})
    entry, = search._score_new([tuple(to_tokens(expr, search.library))], ["raw"])
    return entry.nrmse


@pytest.mark.parametrize("c", ["c=19.8 m/s", "c=0.0198 km/s", "c=71.28 km/h"])
def test_a_law_with_a_known_constant_scores_exactly_in_any_units_of_it(c):
    assert _score(LAW, ["1", c]) < 1e-12
    assert _score(LAW, ["1", "c=20 m/s"]) > 1e-3   # the value counts: it is not fitted


def test_a_known_constant_takes_part_in_the_dimensional_analysis():
    X, y = relativity_data()
    problem, library, frame, search = _relativity().prepare(X, y, **RELATIVITY)
    assert [v.name for v in search.pi_views][0] == "P = m*c**2; Π1 = v/c"
    assert library.n_free == 0
    c = library.tokens[library.index["c"]]
    assert c.value == pytest.approx(19.8 / frame.scale_of([c.dim])[0], rel=1e-15)


def test_a_known_constant_named_like_a_column_is_refused():
    X, y = relativity_data()
    with pytest.raises(LawfinderError, match="fixed constant 'v' is requested in "
                                             "fixed_constants, but the input column 'v'"):
        _relativity(["1", "v=3 m/s"]).fit(X, y, **RELATIVITY)


def test_a_column_named_like_a_constants_short_name_is_that_column():
    """c is the speed of light only when asked for: a column called c is the column."""
    X, y = relativity_data()
    problem, library, _, _ = _relativity(["1"]).prepare(X, y, names=["m", "c"],
                                                        units=["g", "km/h"], target_units="J")
    assert library.tokens[library.index["c"]].kind is Kind.VARIABLE


def test_a_known_constant_with_units_needs_data_with_units():
    X, y = relativity_data()
    with pytest.raises(UnitsError, match="fixed constant 'c' has units 'm/s' but the data "
                                         "have none"):
        _relativity().fit(X, y)


def test_bad_fixed_constants_are_refused_by_fit():
    X, y = relativity_data()
    with pytest.raises(LawfinderError, match="Did you mean speed_of_light"):
        _relativity(["speed_of_lite"]).fit(X, y, **RELATIVITY)


def test_a_short_fit_finds_the_law_with_c_known_not_fitted():
    """The Π view m*c^2 * f(v/c) holds the law among its shortest forms, so 20 s find it."""
    X, y = relativity_data()
    model = LawRegressor(fixed_constants=["1", "c=19.8 m/s"], max_time=20, random_state=0,
                         n_jobs=1).fit(X, y, **RELATIVITY)
    m, v, c = sympy.symbols("m v c")
    best = model.best_
    assert sympy.simplify(best.sympy() - m * c**2 / sympy.sqrt(1 - v**2 / c**2)) == 0
    assert best.constants == {} and best.known_constants == {"c": 19.8}
    assert "c" in str(best) and best.nrmse < 1e-9
    assert best.sympy(numeric=True).free_symbols == {m, v}
    np.testing.assert_allclose(model.predict(X), y, rtol=1e-12)


def test_a_user_operator_finds_its_law(erf_model):
    """y = erf(x / 0.7), with the user's erf among the operators, is found exactly."""
    x, s = sympy.symbols("x s")
    assert erf_model.best_.nrmse < 1e-9
    assert erf_model.best_.sympy() == sympy.erf(s * x)
    assert erf_model.best_.constants["s"] == pytest.approx(1 / 0.7, rel=1e-9)
    X, y = erf_data(50, seed=3)
    np.testing.assert_allclose(erf_model.predict(X), y, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_pow_fits_a_power_law_with_a_fitted_exponent(seed):
    X = np.random.default_rng(seed).uniform(0.5, 3, (200, 1))
    model = LawRegressor(operators=["add", "mul", "div", "pow"], free_constants=["a", "b"],
                         max_evals=1000, batch_size=100, patience=2, random_state=seed,
                         n_jobs=1).fit(X, 2.5 * X[:, 0] ** 1.37, names=["x"])
    assert model.best_.nrmse < 1e-9
    assert model.best_.sympy().has(sympy.Pow)


def test_a_user_operator_other_processes_cannot_import_keeps_one_island():
    erf = UserOperator("erf", 1, scipy.special.erf,
                       lambda a: 2 / np.sqrt(np.pi) * np.exp(-a**2), sympy.erf)
    X, y = erf_data(100)
    model = LawRegressor(operators=["mul", erf], free_constants=["s"], max_evals=100,
                         batch_size=50, random_state=0, n_jobs=2)
    with pytest.warns(UserWarning, match="the user operators \\['erf'\\] hold lambdas"):
        model.fit(X, y, names=["x"])
    assert model.islands_lost_ == []


def test_a_user_operator_is_a_parameter_like_any_other():
    from sklearn.base import clone

    model = LawRegressor(operators=["add", ERF])
    assert clone(model).get_params()["operators"] == ["add", ERF]
    assert "UserOperator('erf', arity=1, units='dimensionless')" in repr(model)
