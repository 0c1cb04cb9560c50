"""LawRegressor follows scikit-learn's conventions without depending on scikit-learn."""

import warnings

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")

from sklearn.base import clone, is_regressor
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import parametrize_with_checks

from support import newton_data

from lawfinder import LawRegressor

NEWTON = dict(names=["m1", "m2", "r"], units=["kg", "kg", "m"], target_units="N")

# Checks that cannot pass, and why; docs/ecosystem.md lists the same.
EXPECTED_FAILED_CHECKS = {
    "check_estimators_unfitted":
        "predict before fit raises lawfinder's LawfinderError (a ValueError) saying to call "
        "fit; scikit-learn's NotFittedError would make scikit-learn a runtime dependency",
    "check_n_features_in_after_fitting":
        "a wrong number of columns raises DataError (a ValueError) listing the law's inputs, "
        "not scikit-learn's wording 'X has 1 features, but ... is expecting 4'",
    "check_complex_data":
        "complex columns raise DataError naming the column and the cell, not scikit-learn's "
        "wording 'Complex data not supported'",
    "check_dtype_object":
        "a cell that is not a number raises DataError (a ValueError) naming column, row and "
        "cell, where the check wants numpy's TypeError",
    "check_estimators_empty_data_messages":
        "an X without columns raises DataError 'X has no feature columns', not "
        "scikit-learn's wording",
    "check_fit2d_1sample":
        "too few rows raise DataError saying that lawfinder needs at least 3 rows, not "
        "scikit-learn's wording '1 sample'",
    "check_fit1d":
        "a 1-D X is read as one feature (a law of one variable) on purpose, not refused",
    "check_fit2d_predict1d":
        "a 1-D X is read as one column; a law of several inputs then refuses it with a "
        "DataError listing its inputs, not 'Reshape your data'",
    "check_sample_weight_equivalence_on_dense_data":
        "the search's random choices depend on the rows themselves (their order, the "
        "subsample constants are fitted on) and its unit scaling on their unweighted RMS: "
        "integer weights and repeated rows lead to different searches, which agree by chance",
    "check_supervised_y_2d":
        "a column-vector y of shape (n, 1) is accepted on purpose, without scikit-learn's "
        "DataConversionWarning",
}


def _quick(**kw):
    return LawRegressor(**{**dict(free_constants={"G": "m^3/(kg*s^2)"}, max_evals=200,
                                  batch_size=50, random_state=0), **kw})


with warnings.catch_warnings():
    # The checks warn that LawRegressor does not inherit from BaseEstimator: on purpose.
    warnings.filterwarnings("ignore", message=".*does not inherit from", category=UserWarning)
    _checks = parametrize_with_checks(
        [LawRegressor(max_evals=200, batch_size=50, random_state=0)],
        expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS)


@_checks
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_clone_gives_an_unfitted_copy_with_the_same_settings():
    X, y = newton_data(200)
    model = _quick().fit(X, y, **NEWTON)
    copy = clone(model)
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "best_") and is_regressor(copy)


def test_fit_returns_self_and_learned_attributes_end_in_underscore():
    X, y = newton_data(200)
    model = _quick()
    assert model.fit(X, y, **NEWTON) is model
    learned = set(vars(model)) - set(model.get_params())
    assert learned and all(name.endswith("_") for name in learned)


def test_repr_shows_the_changed_settings():
    assert repr(LawRegressor(max_evals=200)) == "LawRegressor(max_evals=200)"


def _pipeline():
    """Distances arrive in metres; the transformer turns them into km, as declared below."""
    to_km = FunctionTransformer(lambda X: X * [1, 1, 1e-3])
    return Pipeline([("to_km", to_km), ("law", _quick())])


KM = dict(names=["m1", "m2", "r"], units=["kg", "kg", "km"], target_units="N")


def test_pipeline_passes_fit_keywords_with_the_step_prefix():
    X, y = newton_data(200)
    pipe = _pipeline().fit(X, y, **{f"law__{key}": value for key, value in KM.items()})
    law = pipe.named_steps["law"]
    assert law.problem_.units == ("kg", "kg", "km")
    np.testing.assert_array_equal(pipe.predict(X), law.predict(X * [1, 1, 1e-3]))


def test_metadata_routing_passes_fit_keywords_by_name():
    X, y = newton_data(200)
    with sklearn.config_context(enable_metadata_routing=True):
        pipe = _pipeline().fit(X, y, **KM)
        scores = cross_val_score(_quick(), X, y, cv=2, params=NEWTON)
    assert pipe.named_steps["law"].problem_.units == ("kg", "kg", "km")
    assert scores.shape == (2,)


def test_cross_val_score_passes_fit_keywords_as_params():
    X, y = newton_data(200)
    scores = cross_val_score(_quick(), X, y, cv=2, params=NEWTON)
    assert np.isfinite(scores).all()
