"""Tests for the user-data door: shapes, names, units, numbers, weights, CSV and CLI parsing."""

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lawfinder.errors import DataError, LawfinderError, UnitsError
from lawfinder.data.problem import Problem, check_features, make_problem
from lawfinder.data.tables import parse_assignments, read_csv
from lawfinder.units.dimension import DIMENSIONLESS, Dimension

NEWTON = Dimension.of(kg=1, m=1, s=-2)


@pytest.fixture
def X():
    return np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 5.0], [4.0, 7.0]])


@pytest.fixture
def y():
    return np.array([1.0, 2.0, 4.0, 8.0])


# --- shapes and defaults ---------------------------------------------------------------

def test_defaults_without_units(X, y):
    p = make_problem(X, y)
    assert isinstance(p, Problem)
    assert p.names == ("x0", "x1") and p.target_name == "y" and p.n_features == 2
    assert not p.has_units
    assert p.dims == (DIMENSIONLESS, DIMENSIONLESS) and p.target_dim == DIMENSIONLESS
    assert p.factors == (1.0, 1.0) and p.target_factor == 1.0
    assert p.X.dtype == np.float64 and p.X.shape == (4, 2)
    np.testing.assert_array_equal(p.X, X)
    np.testing.assert_array_equal(p.y, y)
    np.testing.assert_array_equal(p.weights, np.ones(4))


def test_arrays_are_read_only_and_do_not_alias_input(X, y):
    p = make_problem(X, y)
    with pytest.raises(ValueError):
        p.X[0, 0] = 99.0
    X[0, 0] = 99.0
    assert p.X[0, 0] == 1.0


def test_dataframe_and_series_give_names():
    frame = pd.DataFrame({"m": [1, 2, 3], "v": [2.0, 1.0, 4.0]})
    p = make_problem(frame, pd.Series([1.0, 4.0, 9.0], name="E_kin"))
    assert p.names == ("m", "v") and p.target_name == "E_kin"


def test_explicit_names_override_dataframe_columns():
    frame = pd.DataFrame({"a b": [1, 2, 3], "c": [2.0, 1.0, 4.0]})
    assert make_problem(frame, [1, 2, 3], names=["a", "c"], target_name="F").names == ("a", "c")


def test_names_count_must_match_dataframe_columns():
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [2.0, 1.0, 4.0]})
    with pytest.raises(DataError, match="names has 1 entries but the DataFrame has 2 columns"):
        make_problem(frame, [1, 2, 3], names=["a"])


def test_one_dimensional_X_and_list_inputs():
    assert make_problem([1, 2, 3], [2, 4, 7]).X.shape == (3, 1)
    assert make_problem([[1, 5], [2, 4], [3, 9]], [2, 4, 7]).X.shape == (3, 2)


def test_column_y_is_raveled_but_wide_y_is_not(X):
    assert make_problem(X, [[1.0], [2.0], [3.0], [5.0]]).y.shape == (4,)
    assert make_problem(X, pd.DataFrame({"F": [1.0, 2.0, 3.0, 5.0]})).target_name == "F"
    with pytest.raises(DataError, match=r"y must be 1-D.*\(4, 2\)"):
        make_problem(X, np.ones((4, 2)))


def test_bad_X_shapes(y):
    with pytest.raises(DataError, match=r"2-D .*\(4, 1, 1\)"):
        make_problem(np.ones((4, 1, 1)), y)
    with pytest.raises(DataError, match="rows of different lengths"):
        make_problem([[1, 2], [3], [4, 5], [6, 7]], y)
    with pytest.raises(DataError, match="no feature columns"):
        make_problem(np.ones((4, 0)), y)


def test_row_counts(X, y):
    with pytest.raises(DataError, match="X has 4 rows but y has 3 values"):
        make_problem(X, y[:3])
    with pytest.raises(DataError, match="empty"):
        make_problem(np.ones((0, 2)), np.ones(0))
    with pytest.raises(DataError, match="only 2 rows.*at least 3"):
        make_problem(X[:2], y[:2])


# --- names -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["E", "I", "S", "N", "O", "Q", "pi", "beta", "gamma",
                                  "zeta", "oo", "nan", "lambda", "class", "λ", "θ_0",
                                  "mass (kg)", "1st", " m ", "exp", "n2", "add"])
def test_any_text_is_a_name(name, X, y):
    assert make_problem(X, y, names=[name, "b"]).names == (name, "b")


@pytest.mark.parametrize("name, reason, suggestion", [
    ("", "is blank", "x"),
    ("  ", "is blank", "x"),
    (3, "not a string (it is int)", "3"),
])
def test_invalid_names_get_a_reason_and_a_suggestion(name, reason, suggestion, X, y):
    with pytest.raises(DataError) as info:
        make_problem(X, y, names=[name, "b"])
    message = str(info.value)
    assert repr(name) in message and reason in message and repr(suggestion) in message


def test_ordinary_names_are_accepted(X, y):
    assert make_problem(X, y, names=["theta", "m_1"]).names == ("theta", "m_1")


def test_the_default_target_name_is_no_inputs_name(X, y):
    assert make_problem(X, y, names=["x", "y"]).target_name == "y_target"
    assert make_problem(X, y, names=["y", "y_target"]).target_name == "y_target_2"
    assert make_problem(X, y, names=["a", "b"]).target_name == "y"


def test_names_must_be_unique_and_differ_from_target(X, y):
    with pytest.raises(DataError, match="'a' is used for more than one column"):
        make_problem(X, y, names=["a", "a"])
    with pytest.raises(DataError, match="target name 'a' is also a feature name"):
        make_problem(X, y, names=["a", "b"], target_name="a")
    with pytest.raises(DataError, match="got the string"):
        make_problem(X, y, names="ab")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=12))
def test_suggested_names_are_always_accepted(name):
    data, target = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]]), np.array([1.0, 2.0, 3.0])
    # Suggestions never start with "_", so they cannot clash with these two names.
    others = {"names": [name, "_other"], "target_name": "_target"}
    try:
        make_problem(data, target, **others)
    except DataError as exc:
        suggestion = re.search(r"rename it, e\.g\. to '(\w+)'", str(exc))
        if suggestion is None:  # the name is taken by the other feature or the target
            return
        make_problem(data, target, names=[suggestion.group(1), "_other"], target_name="_target")


# --- units -----------------------------------------------------------------------------

def test_units_convert_to_si(X, y):
    p = make_problem(X, y, names=["d", "m"], units=["km", "kg"], target_units="kN",
                     target_name="F")
    assert p.has_units
    assert p.dims == (Dimension.of(m=1), Dimension.of(kg=1)) and p.target_dim == NEWTON
    assert p.factors == (1000.0, 1.0) and p.target_factor == 1000.0
    np.testing.assert_allclose(p.X[:, 0], X[:, 0] * 1000)
    np.testing.assert_allclose(p.y, y * 1000)
    np.testing.assert_allclose(p.X[:, 0] / p.factors[0], X[:, 0])


def test_units_by_name_and_dimensionless(X, y):
    p = make_problem(X, y, names=["a", "b"], units={"b": "1", "a": "m/s"}, target_units="1")
    assert p.dims == (Dimension.of(m=1, s=-1), DIMENSIONLESS) and p.target_dim == DIMENSIONLESS


def test_units_need_target_units_and_vice_versa(X, y):
    with pytest.raises(UnitsError, match="target_units is missing"):
        make_problem(X, y, units=["m", "s"])
    with pytest.raises(UnitsError, match="units .* is missing.*give both"):
        make_problem(X, y, target_units="N")


def test_unit_lists_must_cover_every_feature(X, y):
    with pytest.raises(UnitsError, match="got 1 units for 2 features"):
        make_problem(X, y, units=["m"], target_units="N")
    with pytest.raises(UnitsError, match=r"missing \['b'\], unknown names \['c'\]"):
        make_problem(X, y, names=["a", "b"], units={"a": "m", "c": "s"}, target_units="N")
    with pytest.raises(UnitsError, match="got the string 'm'"):
        make_problem(X, y, units="m", target_units="N")
    with pytest.raises(UnitsError, match="column 'b' has no units"):
        make_problem(X, y, names=["a", "b"], units=["m", None], target_units="N")


def test_bad_unit_string_names_the_column(X, y):
    with pytest.raises(UnitsError, match="column 'b'"):
        make_problem(X, y, names=["a", "b"], units=["m", "furlongs^^"], target_units="N")
    with pytest.raises(UnitsError, match="column 'F'"):
        make_problem(X, y, units=["m", "s"], target_units="bogons", target_name="F")


def test_si_conversion_must_stay_finite(X, y):
    X[2, 1] = 1e306
    with pytest.raises(DataError, match="column 'b' overflows.*row 2"):
        make_problem(X, y, names=["a", "b"], units=["m", "km"], target_units="1")


# --- numbers ---------------------------------------------------------------------------

def test_text_column_names_column_value_and_row():
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": ["1.5", "oops", "2"]})
    with pytest.raises(DataError, match=r"column 'b' is not numeric: row 1 holds 'oops'"):
        make_problem(frame, [1, 2, 3])


def test_mixed_list_reports_the_text_cell():
    with pytest.raises(DataError, match=r"column 'x1' is not numeric: row 2 holds 'c'"):
        make_problem([[1, 2], [2, 3], [3, "c"]], [1, 2, 3])


@pytest.mark.parametrize("column", [[True, False, True], np.array(["1", "2", "3"]),
                                    pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
                                    [1 + 1j, 2 + 0j, 3 + 0j]])
def test_non_numeric_dtypes_are_rejected(column):
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "flag": column})
    with pytest.raises(DataError, match="column 'flag' is not numeric"):
        make_problem(frame, [1, 2, 3])


def test_categorical_column_is_rejected_by_dtype():
    frame = pd.DataFrame({"a": pd.Categorical([1, 2, 3])})
    with pytest.raises(DataError, match="column 'a' has dtype category"):
        make_problem(frame, [1, 2, 3])


def test_object_column_of_numbers_and_nullable_ints_are_fine():
    frame = pd.DataFrame({"a": pd.Series([1, 2.5, 3], dtype=object),
                          "b": pd.array([1, 2, 4], dtype="Int64")})
    np.testing.assert_array_equal(make_problem(frame, [1, 2, 3]).X, [[1, 1], [2.5, 2], [3, 4]])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, None])
def test_missing_or_infinite_values(bad, X, y):
    data = X.astype(object)
    data[1, 1] = data[3, 1] = bad
    with pytest.raises(DataError, match=r"column 'b' .*in 2 rows \(first at row 1\); drop or "
                                        "impute"):
        make_problem(data, y, names=["a", "b"])


def test_missing_target_values(X, y):
    y[3] = np.nan
    with pytest.raises(DataError, match=r"column 'F' .*1 row \(first at row 3\)"):
        make_problem(X, y, target_name="F")


def test_constant_columns(X, y):
    X[:, 1] = 2.5
    with pytest.raises(DataError, match="column 'b' is constant .*2.5.*no information; drop it "
                                        "or declare it as a constant"):
        make_problem(X, y, names=["a", "b"])
    with pytest.raises(DataError, match="target column 'F' is constant"):
        make_problem(X[:, :1], np.full(4, 7.0), target_name="F")


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_nan_anywhere_names_the_first_bad_column(data):
    n, k = data.draw(st.integers(3, 8)), data.draw(st.integers(1, 4))
    values = data.draw(hnp.arrays(np.float64, (n, k), unique=True,
                                  elements=st.floats(-1e6, 1e6, allow_subnormal=False)))
    bad = data.draw(hnp.arrays(bool, (n, k)).filter(np.any))
    values[bad] = data.draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    column = int(np.argmax(bad.any(axis=0)))
    rows = bad[:, column]
    message = (f"column 'x{column}' has missing (NaN) or infinite values in {int(rows.sum())} "
               f"row{'s' if rows.sum() > 1 else ''} (first at row {int(np.argmax(rows))})")
    with pytest.raises(DataError, match=re.escape(message)):
        make_problem(values, np.arange(n, dtype=float))


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_valid_data_round_trips(data):
    n, k = data.draw(st.integers(3, 8)), data.draw(st.integers(1, 3))
    values = data.draw(hnp.arrays(np.float64, (n, k), unique=True,
                                  elements=st.floats(-1e6, 1e6, allow_subnormal=False)))
    target = data.draw(hnp.arrays(np.float64, n, unique=True,
                                  elements=st.floats(-1e6, 1e6, allow_subnormal=False)))
    units = data.draw(st.lists(st.sampled_from(["km", "g", "ms", "1", "N"]), min_size=k,
                               max_size=k))
    p = make_problem(values, target, units=units, target_units="kN")
    np.testing.assert_allclose(p.X / np.array(p.factors), values, rtol=1e-12)
    np.testing.assert_allclose(p.y / p.target_factor, target, rtol=1e-12)
    np.testing.assert_allclose(check_features(values, p.names, p.factors), p.X)


# --- weights ---------------------------------------------------------------------------

def test_sample_weight_is_normalised(X, y):
    w = make_problem(X, y, sample_weight=[1, 2, 3, 0]).weights
    np.testing.assert_allclose(w, [2 / 3, 4 / 3, 2, 0])
    assert w.mean() == pytest.approx(1.0)


def test_y_err_gives_inverse_variance_weights(X, y):
    w = make_problem(X, y, y_err=[1.0, 2.0, 1.0, 0.5]).weights
    np.testing.assert_allclose(w / w[0], [1, 0.25, 1, 4])
    assert w.mean() == pytest.approx(1.0)
    tiny = make_problem(X, y, y_err=[1e-100, 1.0, 1.0, 1.0]).weights
    assert np.isfinite(tiny).all() and tiny.mean() == pytest.approx(1.0)


def test_y_err_of_many_decades_keeps_every_weight():
    """Weights of mean 1 would be 1 and 1e-400 (0 in floats): they are centred in log space
    instead, and keep the ratio 1/y_err^2."""
    X, y = np.arange(1.0, 6.0)[:, None], np.array([2.0, 1.0, 5.0, 3.0, 4.0])
    errors = np.array([1e-200, 1.0, 1e-50, 1e-120, 3.0])
    p = make_problem(X, y, y_err=errors)
    assert (p.weights > np.finfo(float).tiny).all() and np.isfinite(p.weights).all()
    np.testing.assert_allclose(np.log(p.weights) - np.log(p.weights[1]), -2 * np.log(errors),
                               rtol=1e-12)
    np.testing.assert_allclose(np.exp(np.log(p.weights).mean()), 1.0, rtol=1e-9)
    np.testing.assert_allclose(p.unit_error / np.sqrt(p.weights), errors, rtol=1e-12)


def test_weights_beyond_64_bit_floats_are_refused_with_the_fix():
    X, y = np.arange(1.0, 6.0)[:, None], np.array([2.0, 1.0, 5.0, 3.0, 4.0])
    with pytest.raises(DataError, match=r"y_err spans 400 decades, from 1e-300 at row 0 to "
                                        r"1e\+100 at row 4: .* 1 row would be lost; fit log\(y\)"):
        make_problem(X, y, y_err=[1e-300, 1.0, 1.0, 1.0, 1e100])


def test_weight_on_rows_of_one_target_only_is_refused(X, y):
    with pytest.raises(DataError, match=r"target column 'y', on the rows of nonzero sample_weight, "
                                        r"is constant \(every value is 2\)"):
        make_problem(X, [2.0, 2.0, 4.0, 8.0], sample_weight=[1, 1, 0, 0])


def test_weight_errors(X, y):
    with pytest.raises(LawfinderError, match="sample_weight or y_err, not both"):
        make_problem(X, y, sample_weight=np.ones(4), y_err=np.ones(4))
    with pytest.raises(DataError, match="sample_weight must be >= 0, but row 2 holds -1"):
        make_problem(X, y, sample_weight=[1, 1, -1, 1])
    with pytest.raises(DataError, match="sample_weight is all zeros"):
        make_problem(X, y, sample_weight=np.zeros(4))
    with pytest.raises(DataError, match="sample_weight has missing"):
        make_problem(X, y, sample_weight=[1, np.nan, 1, 1])
    with pytest.raises(DataError, match="sample_weight has 3 values but X has 4 rows"):
        make_problem(X, y, sample_weight=[1, 1, 1])
    with pytest.raises(DataError, match="y_err must be > 0, but row 1 holds 0"):
        make_problem(X, y, y_err=[1, 0, 1, 1])
    with pytest.raises(DataError, match="y_err has missing"):
        make_problem(X, y, y_err=[1, np.inf, 1, 1])


# --- check_features --------------------------------------------------------------------

def test_check_features_converts_and_validates():
    names, factors = ("d", "m"), (1000.0, 1.0)
    np.testing.assert_array_equal(check_features([[1, 2]], names, factors), [[1000, 2]])
    with pytest.raises(DataError, match=r"X has 1 columns .*\['d', 'm'\].*\(n_samples, 2\)"):
        check_features([1.0, 2.0], names, factors)
    with pytest.raises(DataError, match="column 'm' has missing"):
        check_features([[1, np.nan]], names, factors)
    with pytest.raises(DataError, match="column 'd' is not numeric"):
        check_features([["a", 1]], names, factors)
    with pytest.raises(DataError, match="column 'd' overflows"):
        check_features([[1e307, 1]], names, factors)


def test_check_features_selects_dataframe_columns_by_name():
    frame = pd.DataFrame({"m": [2.0], "extra": [0.0], "d": [1.0]})
    np.testing.assert_array_equal(check_features(frame, ("d", "m"), (1000.0, 1.0)), [[1000, 2]])
    with pytest.raises(DataError, match=r"lacks the columns \['m'\]"):
        check_features(frame.drop(columns="m"), ("d", "m"), (1.0, 1.0))


# --- read_csv --------------------------------------------------------------------------

def write(tmp_path, text):
    path = tmp_path / "data.csv"
    path.write_text(text)
    return path


def test_read_csv_splits_inputs_and_target(tmp_path):
    X, y, _ = read_csv(write(tmp_path, " m1 , r ,F\n1,2,3\n2,3,4.5\n3,4,5\n"), "F")
    assert list(X.columns) == ["m1", "r"] and y.name == "F"
    assert make_problem(X, y).names == ("m1", "r")


def test_read_csv_keeps_a_column_of_dataset_labels_as_text(tmp_path):
    X, y, others = read_csv(write(tmp_path, "run,t,z\nnorth,1,2\nsouth,2,3\n"), "z",
                            not_inputs=["run"])
    assert others["run"].tolist() == ["north", "south"] and X["t"].tolist() == [1, 2]
    with pytest.raises(DataError, match="column 'run' is not numeric"):
        read_csv(write(tmp_path, "run,t,z\nnorth,1,2\n"), "z")
    with pytest.raises(DataError, match="only the columns 'z', 'run'"):
        read_csv(write(tmp_path, "run,z\nnorth,2\n"), "z", not_inputs=["run"])


def test_read_csv_errors(tmp_path):
    with pytest.raises(DataError, match="missing.csv"):
        read_csv(tmp_path / "missing.csv", "F")
    with pytest.raises(DataError, match="empty"):
        read_csv(write(tmp_path, ""), "F")
    with pytest.raises(DataError, match="no data rows"):
        read_csv(write(tmp_path, "a,F\n"), "F")
    with pytest.raises(DataError, match="no column named 'G'; available columns: a, F"):
        read_csv(write(tmp_path, "a,F\n1,2\n"), "G")
    with pytest.raises(DataError, match="column 'a' is not numeric: row 1 holds 'n.a.'.*clean "
                                        "or drop"):
        read_csv(write(tmp_path, "a,F\n1,2\nn.a.,3\n"), "F")
    with pytest.raises(DataError, match="more than one column named 'a'"):
        read_csv(write(tmp_path, "a,b, a\n1,2,3\n"), "b")
    with pytest.raises(DataError, match="column 3 .* no name"):
        read_csv(write(tmp_path, "a,b,\n1,2,\n"), "b")
    with pytest.raises(DataError, match="more values than the header"):
        read_csv(write(tmp_path, "a,b\n1,2,3\n4,5,6\n"), "b")


# --- parse_assignments -----------------------------------------------------------------

def test_parse_assignments():
    text = " m1=kg, m2 = kg; r=m ,F=kg*m/s^2, G = m^3/(kg * s^2),"
    assert parse_assignments(text, what="--units") == {
        "m1": "kg", "m2": "kg", "r": "m", "F": "kg*m/s^2", "G": "m^3/(kg * s^2)"}


@pytest.mark.parametrize("text, culprit", [("m1=kg, r", "'r'"), ("=kg", "'=kg'"),
                                           ("m1=", "'m1='"), ("a=b=c", "'a=b=c'"),
                                           ("  ", "nothing given")])
def test_parse_assignments_errors(text, culprit):
    with pytest.raises(LawfinderError, match=rf"^--units: .*{re.escape(culprit)}.*name=value"):
        parse_assignments(text, what="--units")


def test_parse_assignments_rejects_repeats():
    with pytest.raises(LawfinderError, match="--units: 'r' is given twice"):
        parse_assignments("r=m, r=km", what="--units")


# --- inputs that used to escape as NumPy/pandas errors --------------------------------------

def test_integers_too_large_for_a_float():
    with pytest.raises(DataError, match=r"column 'x0' holds a number too large .* row 1 "
                                        r"\(an integer of 401 digits\)"):
        make_problem([1, 10**400, 2, 3], [1.0, 2.0, 3.0, 4.0])


def test_structured_and_masked_arrays(X, y):
    record = np.rec.fromarrays([X[:, 0], X[:, 1]], names="a,b")
    with pytest.raises(DataError, match=r"structured \(record\) array with fields \['a', 'b'\]"
                                        r".*pandas.DataFrame"):
        make_problem(record, y)
    masked = np.ma.masked_array(X, mask=[[0, 0], [0, 1], [0, 0], [0, 0]])
    with pytest.raises(DataError, match=r"column 'x1' has missing .*first at row 1"):
        make_problem(masked, y)
    np.testing.assert_array_equal(make_problem(np.ma.masked_array(X), y).X, X)


def test_names_and_units_that_are_not_lists(X, y):
    with pytest.raises(DataError, match="names must be a list .* got int 5"):
        make_problem(X, y, names=5)
    with pytest.raises(UnitsError, match="units must be a list .* got int 5"):
        make_problem(X, y, units=5, target_units="m")


def test_read_csv_hints_at_other_delimiters_and_refuses_a_lone_target(tmp_path):
    with pytest.raises(DataError, match="no column named 'F'.*semicolon-separated"):
        read_csv(write(tmp_path, "a;F\n1;2\n"), "F")
    with pytest.raises(DataError, match="more values than the header.*semicolon-separated"):
        read_csv(write(tmp_path, "a;F\n1,5;2\n"), "F")
    with pytest.raises(DataError, match="only the columns 'F'.*tab-separated"):
        read_csv(write(tmp_path, "\tF\n1\n2\n"), "F")

