"""One law, several datasets (Class SR) through LawRegressor: shared and per-dataset
constants, grouped predictions and scores, model files, and the errors of bad groups."""

import copy

import numpy as np
import pandas as pd
import pytest

from lawfinder import LawRegressor
from lawfinder.errors import DataError, LawfinderError

OFFSETS = {10: 1.5, 20: -2.0, 30: 4.0}
NAMES = {10: "run a", 20: "run b", 30: "run c"}


def _data(seed=0, sizes=(30, 40, 50)):
    """y = 2.5 x^2 + c, c one value per dataset; datasets of different sizes."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(list(OFFSETS), sizes)
    x = rng.uniform(1, 3, len(labels))
    return x[:, None], 2.5 * x**2 + np.array([OFFSETS[label] for label in labels]), labels


def _model(**settings):
    return LawRegressor(**{"operators": ["add", "mul", "n2"], "free_constants": ["k"],
                           "dataset_constants": ["c"], "max_evals": 5000, "random_state": 0,
                           "n_jobs": 1, **settings})


@pytest.fixture(scope="module", params=["numbers", "strings"])
def fitted(request):
    X, y, labels = _data()
    if request.param == "strings":
        labels = np.array([NAMES[label] for label in labels])
    return _model().fit(X, y, groups=labels, names=["x"]), labels


def test_one_form_fits_every_dataset_with_its_own_constants(fitted):
    model, labels = fitted
    X, y, _ = _data()
    assert model.best_.nrmse < 1e-9
    np.testing.assert_allclose(model.predict(X, groups=labels), y, rtol=1e-9)
    assert model.score(X, y, groups=labels) == pytest.approx(1.0, abs=1e-12)
    assert set(model.best_.constants) <= {"k"}           # shared constants only


def test_dataset_constants_are_indexed_by_the_labels_as_given(fitted):
    model, labels = fitted
    table = model.best_.dataset_constants
    assert list(table.index) == sorted(set(labels.tolist()))
    assert all(type(label) is type(labels.tolist()[0]) for label in table.index)
    assert list(table.columns) == ["c"] and table.index.name == "dataset"
    assert model.best_.dataset_uncertainties.shape == table.shape
    assert "dataset_constants" in model.equations_.columns


def test_grouped_predictions_follow_each_rows_label_in_any_order(fitted):
    model, labels = fitted
    X, y, _ = _data()
    order = np.random.default_rng(1).permutation(len(y))[:25]
    np.testing.assert_allclose(model.predict(X[order], groups=list(labels[order])), y[order],
                               rtol=1e-9)


def test_a_model_file_keeps_the_datasets_and_their_labels_types(fitted, tmp_path):
    model, labels = fitted
    X, _, _ = _data()
    model.save(tmp_path / "law.json")
    loaded = LawRegressor.load(tmp_path / "law.json")
    np.testing.assert_array_equal(loaded.predict(X, groups=labels), model.predict(X, groups=labels))
    pd.testing.assert_frame_equal(loaded.best_.dataset_constants, model.best_.dataset_constants)
    assert [type(v) for v in loaded.problem_.datasets] == [type(v) for v in model.problem_.datasets]
    assert loaded.get_params()["dataset_constants"] == ["c"]


def test_predict_names_what_is_missing_or_unknown(fitted):
    model, labels = fitted
    X, _, _ = _data()
    with pytest.raises(DataError, match="fitted on datasets .* pass groups="):
        model.predict(X)
    with pytest.raises(DataError, match="label 'run z', which was not among the datasets"):
        model.predict(X[:2], groups=[labels[0], "run z"])
    with pytest.raises(DataError, match="groups has 1 labels but X has 2 rows"):
        model.predict(X[:2], groups=labels[:1])


def test_groups_without_dataset_constants_share_every_constant():
    X, y, labels = _data()
    y = 2.5 * X[:, 0] ** 2 + 1.0
    model = LawRegressor(operators=["add", "mul", "n2"], free_constants=["k", "b"],
                         max_evals=3000, random_state=0, n_jobs=1)
    model.fit(X, y, groups=labels, names=["x"])
    assert model.best_.nrmse < 1e-9 and model.best_.dataset_constants.shape == (3, 0)
    np.testing.assert_allclose(model.predict(X, groups=labels), y, rtol=1e-9)
    with pytest.raises(DataError, match="fitted on one dataset"):
        LawRegressor(operators=["add"], free_constants=["b"], max_evals=100, n_jobs=1
                     ).fit(X, y, names=["x"]).predict(X, groups=labels)


@pytest.mark.parametrize("groups, error, message", [
    (None, LawfinderError, "dataset_constants \\['c'\\] take one value per dataset, but fit "
                           "was given no datasets; pass groups="),
    (np.arange(5), DataError, "groups has 5 labels but X has 120 rows"),
    (np.r_[np.nan, np.ones(119)], DataError, "missing \\(NaN or None\\) labels in 1 rows"),
    (np.r_[7, np.ones(119, int)], DataError, "dataset 7 has 1 row\\(s\\).*at least 2 to fit its 1 "
                                        "own constant"),
])
def test_bad_groups_are_refused_before_the_search(groups, error, message):
    X, y, _ = _data()
    with pytest.raises(error, match=message):
        _model().fit(X, y, groups=groups, names=["x"])


def test_a_new_dataset_gets_its_own_constants_with_the_form_and_shared_ones_kept(fitted,
                                                                                tmp_path):
    model, labels = copy.deepcopy(fitted)                # fit_dataset changes the model
    X, y, _ = _data()
    before = model.predict(X, groups=labels)
    shared = model.best_.constants
    x = np.linspace(1, 3, 12)[:, None]
    label = "run d" if isinstance(labels[0], str) else 40
    row = model.fit_dataset(x, 2.5 * x[:, 0] ** 2 - 7.0, label)
    np.testing.assert_allclose(model.predict(x, groups=[label] * 12), 2.5 * x[:, 0] ** 2 - 7.0,
                               rtol=1e-9)
    assert list(row.index) == ["c"] and model.best_.constants == shared
    np.testing.assert_array_equal(model.predict(X, groups=labels), before)
    assert list(model.best_.dataset_constants.index)[-1] == label
    assert np.isfinite(model.best_.dataset_uncertainties.loc[label]).all()
    with pytest.raises(LawfinderError, match="fitted already"):
        model.fit_dataset(x, 2.5 * x[:, 0] ** 2, label)
    model.save(tmp_path / "law.json")
    np.testing.assert_array_equal(LawRegressor.load(tmp_path / "law.json").predict(
        x, groups=[label] * 12), model.predict(x, groups=[label] * 12))


def test_islands_search_datasets_together():
    X, y, labels = _data()
    model = _model(n_jobs=2, batch_size=100, target_nrmse=0.0, max_evals=4000)
    model.fit(X, y, groups=labels, names=["x"])
    assert not model.islands_lost_ and model.history_[-1].islands == 2
    np.testing.assert_allclose(model.predict(X, groups=labels), y, rtol=1e-6)


def test_the_report_of_a_grouped_fit_is_written(fitted, tmp_path):
    pytest.importorskip("matplotlib")
    from lawfinder.report import write_report

    model, _ = fitted
    write_report(model, tmp_path / "law.html")
    assert 'id="data-plot"' in (tmp_path / "law.html").read_text(encoding="utf-8")


def test_the_numpy_export_takes_each_rows_dataset(fitted):
    model, labels = fitted
    X, _, _ = _data()
    law = model.best_.to_numpy()
    assert model.best_.dataset_names == ["c"]
    np.testing.assert_allclose(law(X, labels), model.predict(X, groups=labels), rtol=1e-12)
    with pytest.raises(DataError, match="call it as f\\(X, groups\\)"):
        law(X)
    assert all(np.isfinite(f.to_numpy()(X, labels)).all() for f in model.pareto_)
