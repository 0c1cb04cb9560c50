"""Saving and loading fitted models as JSON: exact round trips and clear refusals."""

import copy
import dataclasses
import json
import os

import numpy as np
import pandas as pd
import pytest

from support import ERF, erf_data, newton_data, relativity_data

from lawfinder import LawfinderError, LawRegressor, ModelFileError
from lawfinder.results.model_file import save_model

NAMES = ["m1", "m2", "r"]


@pytest.fixture(scope="module")
def model():
    """Non-SI units (g, km, kN) given as a dict, so that every conversion is exercised."""
    X, y = newton_data(200)
    return LawRegressor(free_constants={"G": "m^3/(kg*s^2)", "k": "1"}, max_evals=400,
                        batch_size=100, random_state=0, fixed_constants=("1", "pi")).fit(
        X, y, names=NAMES, units={"r": "km", "m1": "g", "m2": "kg"}, target_units="kN",
        target_name="F")


@pytest.fixture(scope="module")
def unitless_model():
    X, y = newton_data(200, seed=1)
    return LawRegressor(max_evals=300, batch_size=100, random_state=0).fit(X, y)


@pytest.fixture
def saved(model, tmp_path):
    path = tmp_path / "newton.json"
    model.save(path)
    return path


def test_round_trip_predicts_exactly_the_same(model, saved):
    loaded = LawRegressor.load(saved)
    X = np.random.default_rng(7).uniform(0.1, 10, (500, 3))
    assert np.array_equal(loaded.predict(X), model.predict(X))
    for before, after in zip(model.pareto_, loaded.pareto_, strict=True):
        assert np.array_equal(after.predict(X), before.predict(X))


def test_round_trip_keeps_the_front_and_the_settings(model, saved):
    loaded = LawRegressor.load(saved)
    pd.testing.assert_frame_equal(loaded.equations_, model.equations_)
    assert loaded.best_.sympy() == model.best_.sympy()
    assert loaded.best_.constants == model.best_.constants
    assert loaded.pareto_.index(loaded.best_) == model.pareto_.index(model.best_)
    assert loaded.get_params() == model.get_params()
    assert list(loaded.feature_names_in_) == NAMES and loaded.n_features_in_ == 3
    assert (loaded.n_evals_, loaded.n_scored_, loaded.interrupted_) == (
        model.n_evals_, model.n_scored_, model.interrupted_)
    problem = loaded.problem_
    assert problem.units == ("g", "kg", "km") and problem.target_units == "kN"
    assert problem.target_name == "F" and len(problem.X) == 0  # the data are not stored


def test_the_file_is_readable_json(model, saved):
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert (document["format"], document["version"]) == ("lawfinder-model", 1)
    assert [q["units"] for q in document["inputs"]] == ["g", "kg", "km"]
    assert document["inputs"][2] == {"name": "r", "units": "km", "dims": {"m": 1},
                                     "si_factor": 1000.0}
    assert document["free_constants"][0]["dims"] == {"m": 3, "kg": -1, "s": -2}
    assert document["library"]["fixed_constants"] == ["1", "pi"]
    best = document["pareto_front"][document["best"]]
    assert best["tokens"] == [model.library_.names[t] for t in model.best_.tokens]
    assert best["constants"] == model.best_.constants


def test_a_model_without_units_round_trips(unitless_model, tmp_path):
    path = tmp_path / "plain.json"
    unitless_model.save(path)
    loaded = LawRegressor.load(path)
    X = np.random.default_rng(3).uniform(1, 5, (100, 3))
    assert np.array_equal(loaded.predict(X), unitless_model.predict(X))
    assert loaded.problem_.units is None and not loaded.problem_.has_units


def test_saving_a_loaded_model_writes_the_same_file(saved, tmp_path):
    again = tmp_path / "again.json"
    LawRegressor.load(saved).save(again)
    assert again.read_text(encoding="utf-8") == saved.read_text(encoding="utf-8")


def test_load_builds_the_class_it_is_called_on(saved):
    class Custom(LawRegressor):
        pass

    assert type(Custom.load(saved)) is Custom


def test_save_replaces_atomically_and_leaves_no_temporary_file(model, saved, monkeypatch):
    before = saved.read_text(encoding="utf-8")

    def broken_replace(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(ModelFileError, match="No space left"):
        model.save(saved)
    assert saved.read_text(encoding="utf-8") == before
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]


def test_save_into_a_missing_folder_names_the_path(model, tmp_path):
    target = tmp_path / "nowhere" / "model.json"
    with pytest.raises(ModelFileError, match="nowhere"):
        model.save(target)


def test_save_refuses_an_unfitted_model(tmp_path):
    with pytest.raises(LawfinderError, match="not fitted"):
        LawRegressor().save(tmp_path / "m.json")


def _with_settings(model, **settings):
    """The model's fit record with some settings as if the fit had run with them."""
    law = model.fitted_law_
    return dataclasses.replace(law, settings={**law.settings, **settings})


def test_numpy_and_infinite_settings_round_trip(model, tmp_path):
    save_model(_with_settings(model, max_time=float("inf"), max_evals=np.int64(400)),
               tmp_path / "m.json")
    params = LawRegressor.load(tmp_path / "m.json").get_params()
    assert params["max_time"] == float("inf") and params["max_evals"] == 400


def test_save_refuses_settings_that_are_not_plain_data(model, tmp_path):
    with pytest.raises(LawfinderError, match="random_state"):
        save_model(_with_settings(model, random_state=np.random.default_rng(0)),
                   tmp_path / "m.json")


def test_the_file_keeps_the_settings_of_the_fit_not_later_changes(model, tmp_path):
    changed = copy.deepcopy(model).set_params(free_constants={"c": "m/s"}, max_time=7)
    changed.save(tmp_path / "m.json")
    loaded = LawRegressor.load(tmp_path / "m.json")
    assert loaded.free_constants == model.free_constants
    assert loaded.max_time == model.max_time
    assert str(loaded.best_) == str(model.best_)


def test_load_of_a_missing_file_names_it(tmp_path):
    with pytest.raises(ModelFileError, match="absent.json"):
        LawRegressor.load(tmp_path / "absent.json")


@pytest.mark.parametrize("content, words", [
    (b"\x80\x03 a pickle", "not JSON"),
    (b"{not json", "not JSON"),
    (b"[1, 2]", "'format' is None"),
    (b'{"format": "something-else", "version": 1}', "'something-else'"),
    (b'{"format": "lawfinder-model", "version": 4}', "upgrade lawfinder"),
    (b'{"format": "lawfinder-model", "version": "1"}', "version '1'"),
    (b'{"format": "lawfinder-model", "version": 1}', "inputs is missing"),
])
def test_load_rejects_files_that_are_not_models(tmp_path, content, words):
    path = tmp_path / "odd.json"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match=words) as caught:
        LawRegressor.load(path)
    assert str(path) in str(caught.value)


def _edit_best(document, key, value):
    document["pareto_front"][document["best"]][key] = value


@pytest.mark.parametrize("damage, words", [
    (lambda d: d.pop("frame"), "frame is missing"),
    (lambda d: d["frame"]["log_scale"].pop("kg"), "one number for each"),
    (lambda d: d["inputs"][0].update(si_factor="1"), "si_factor should be a number"),
    (lambda d: d["inputs"][0].update(si_factor=-1.0), "positive"),
    (lambda d: d["inputs"][1].update(dims={"furlong": 1}), "not SI base units"),
    (lambda d: d["inputs"][1].update(dims={"kg": "x/2"}), "not a fraction"),
    (lambda d: d["inputs"][1].update(units=None), "all have units"),
    (lambda d: d["library"]["operators"].append("sqr"), "unknown operator 'sqr'"),
    (lambda d: d["params"].update(turbo=True), "unknown settings \\['turbo'\\]"),
    (lambda d: d.update(best=99), "best is 99"),
    (lambda d: d.update(best=True), "best should be an integer"),
    (lambda d: _edit_best(d, "tokens", ["mul", "m1"]), "end before the formula is complete"),
    (lambda d: _edit_best(d, "tokens", ["m1", "m2"]), "go on after a complete formula"),
    (lambda d: _edit_best(d, "tokens", ["mul", "m1", "mass"]), "'mass', which is not in"),
    (lambda d: _edit_best(d, "scaled_constants", [1.0]), "1 values for the 2 free"),
    (lambda d: _edit_best(d, "scaled_constants", ["1", 2.0]), "only numbers"),
    (lambda d: _edit_best(d, "nrmse", None), "nrmse should be a number"),
    (lambda d: _edit_best(d, "constants", {"G": 1.0, "k": 1.0, "extra": 1.0}),
     "edit those instead"),
])
def test_load_rejects_damaged_files_naming_the_part(saved, damage, words):
    document = json.loads(saved.read_text(encoding="utf-8"))
    damage(document)
    saved.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ModelFileError, match=words) as caught:
        LawRegressor.load(saved)
    assert str(saved) in str(caught.value)


def test_load_rejects_hand_edited_constants(saved):
    """The user-unit constants are a readable copy; editing only them would do nothing."""
    document = json.loads(saved.read_text(encoding="utf-8"))
    entry = next(e for e in document["pareto_front"] if e["constants"])
    name = next(iter(entry["constants"]))
    entry["constants"][name] *= 2
    saved.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ModelFileError, match="scaled_constants give"):
        LawRegressor.load(saved)


@pytest.fixture(scope="module")
def relativity_model():
    """c known, in km/h, beside data in g and km/h: its value and units go into the file."""
    X, y = relativity_data()
    return LawRegressor(fixed_constants=["1", "c=71.28 km/h"], max_evals=300, batch_size=100,
                        random_state=0, n_jobs=1).fit(
        X, y, names=["m", "v"], units=["g", "km/h"], target_units="J")


def test_a_model_with_a_known_constant_round_trips(relativity_model, tmp_path):
    path = tmp_path / "relativity.json"
    relativity_model.save(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["version"] == 3
    assert document["library"]["fixed_constants"] == [
        "1", {"name": "c", "units": "km/h", "dims": {"m": 1, "s": -1},
              "si_factor": pytest.approx(1 / 3.6, rel=1e-15), "value": 71.28}]
    loaded = LawRegressor.load(path)
    X, _ = relativity_data(100, seed=1)
    assert np.array_equal(loaded.predict(X), relativity_model.predict(X))
    assert [f.known_constants for f in loaded.pareto_] == [
        f.known_constants for f in relativity_model.pareto_]
    assert any(f.known_constants == {"c": 71.28} for f in loaded.pareto_)


def test_the_value_in_the_file_is_the_one_used(relativity_model, tmp_path):
    """Not pint's or the settings' value of the day: the one the model was fitted with."""
    path = tmp_path / "relativity.json"
    relativity_model.save(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    document["library"]["fixed_constants"][1]["value"] = 2 * 71.28
    path.write_text(json.dumps(document), encoding="utf-8")
    X, _ = relativity_data(100, seed=1)
    with_c = [i for i, f in enumerate(relativity_model.pareto_) if f.known_constants]
    assert with_c
    for i in with_c:
        before = relativity_model.pareto_[i].predict(X)
        assert not np.allclose(LawRegressor.load(path).pareto_[i].predict(X), before)


@pytest.mark.parametrize("damage, words", [
    (lambda c: c.update(value="fast"), "value should be a number"),
    (lambda c: c.update(value=0), "nonzero value"),
    (lambda c: c.update(units=None), "should have units"),
    (lambda c: c.pop("si_factor"), "si_factor is missing"),
])
def test_a_damaged_known_constant_is_named(relativity_model, tmp_path, damage, words):
    path = tmp_path / "relativity.json"
    relativity_model.save(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    damage(document["library"]["fixed_constants"][1])
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ModelFileError, match=f"library.fixed_constants\\[1\\].*{words}"):
        LawRegressor.load(path)


def test_a_model_with_a_user_operator_round_trips_when_given_it(erf_model, tmp_path):
    path = tmp_path / "erf.json"
    erf_model.save(path)
    document = json.loads(path.read_text())
    assert document["params"]["operators"][-1] == "erf"
    assert document["library"]["user_operators"] == [
        {"name": "erf", "arity": 1, "units": "dimensionless", "power": "1", "sympy": "erf(a0)"}]
    loaded = LawRegressor.load(path, operators=[ERF])
    X, _ = erf_data(50, seed=2)
    assert np.array_equal(loaded.predict(X), erf_model.predict(X))
    # The operator itself, to refit with (JSON lists read back as the default's tuple).
    assert list(loaded.operators) == list(erf_model.operators)


def test_load_without_the_user_operator_says_which_and_how(erf_model, tmp_path):
    path = tmp_path / "erf.json"
    erf_model.save(path)
    with pytest.raises(ModelFileError, match="uses the user operator 'erf' .* pass it to load: "
                                             "LawRegressor.load\\(path, operators=\\[erf\\]\\)"):
        LawRegressor.load(path)
    other = copy.copy(ERF)
    object.__setattr__(other, "units", "same")
    with pytest.raises(ModelFileError, match="units 'dimensionless'; the one given to load "
                                             "has arity 1 and units 'same'"):
        LawRegressor.load(path, operators=[other])
    with pytest.raises(LawfinderError, match="operators must be a list of the UserOperator"):
        LawRegressor.load(path, operators=["erf"])
