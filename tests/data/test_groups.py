import numpy as np
import pandas as pd
import pytest

from lawfinder.data.groups import check_dataset_sizes, dataset_codes, encode_groups
from lawfinder.errors import DataError


def test_labels_are_encoded_in_sorted_order_and_keep_their_type():
    codes, labels = encode_groups(np.array([3, 1, 3, 2]), 4)
    assert labels == (1, 2, 3) and all(type(label) is int for label in labels)
    np.testing.assert_array_equal(codes, [2, 0, 2, 1])
    codes, labels = encode_groups(pd.Series(["b", "a", "b"]), 3)
    assert labels == ("a", "b") and codes.tolist() == [1, 0, 1]


@pytest.mark.parametrize("groups, message", [
    ([1, 2], "groups has 2 labels but X has 3 rows"),
    ([1.0, np.nan, 2.0], "missing (NaN or None) labels in 1 rows (first at row 1)"),
    (["a", None, "b"], "missing"),
    (np.ones((3, 2)), "groups must be 1-D"),
])
def test_bad_labels_are_refused_with_what_and_where(groups, message):
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        encode_groups(groups, 3)


def test_new_data_are_encoded_by_the_fitted_labels_and_an_unseen_one_is_named():
    np.testing.assert_array_equal(dataset_codes(["b", "a"], ("a", "b"), 2), [1, 0])
    with pytest.raises(DataError, match="label 'c', which was not among the datasets of the "
                                        "fit \\('a', 'b'\\); fit its own constants first"):
        dataset_codes(["a", "c"], ("a", "b"), 2)


def test_a_dataset_too_small_for_its_own_constants_is_named():
    codes = np.array([0, 0, 0, 1, 1])
    y, weights = np.arange(5.0), np.ones(5)
    check_dataset_sizes(codes, ("run1", "run2"), y, weights, 1)
    with pytest.raises(DataError, match="dataset 'run2' has 2 row.*needs at least 3 to fit its 2"):
        check_dataset_sizes(codes, ("run1", "run2"), y, weights, 2)
    with pytest.raises(DataError, match="dataset 'run2' has 1 row"):
        check_dataset_sizes(codes, ("run1", "run2"), y, np.array([1, 1, 1, 1, 0.0]), 0)


def test_a_target_constant_within_a_dataset_is_refused():
    with pytest.raises(DataError, match="constant \\(every value is 7\\) within dataset 2"):
        check_dataset_sizes(np.array([0, 0, 1, 1]), (1, 2), np.array([1.0, 2, 7, 7]),
                            np.ones(4), 1)
