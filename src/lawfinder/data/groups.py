"""Dataset labels (Class SR): one label per row, any numbers or strings, checked and encoded.

A fit's rows may come from several datasets of one law. Their labels are encoded as
indices 0..G-1 in sorted order (`labels[i]` is dataset i), kept as the user gave them:
numbers stay numbers and strings stay strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from lawfinder.errors import DataError


def encode_groups(groups: Any, n_rows: int) -> tuple[np.ndarray, tuple[Any, ...]]:
    """Each row's dataset index (n_rows,) and the labels in index order."""
    values = _column(groups, n_rows)
    missing = pd.isna(values)
    if missing.any():
        raise DataError(f"groups has missing (NaN or None) labels in {int(missing.sum())} rows "
                        f"(first at row {int(np.argmax(missing))}); give every row the label "
                        "of its dataset, or drop those rows")
    codes, labels = pd.factorize(values, sort=True)
    return codes.astype(np.int64), tuple(_plain(label) for label in labels)


def dataset_codes(groups: Any, labels: Sequence[Any], n_rows: int) -> np.ndarray:
    """Each row's dataset index (n_rows,) among the fitted `labels`; a label the fit did
    not see is an error."""
    values = _column(groups, n_rows)
    index = {label: i for i, label in enumerate(labels)}
    unknown = [label for label in dict.fromkeys(values) if label not in index]
    if unknown:
        raise DataError(f"groups holds the label {_plain(unknown[0])!r}, which was not among "
                        f"the datasets of the fit ({_listed(labels)}); fit its own constants "
                        "first with fit_dataset(X, y, label), or use a fitted label")
    return np.array([index[label] for label in values], dtype=np.int64)


def check_dataset_sizes(codes: np.ndarray, labels: Sequence[Any], y: np.ndarray,
                        weights: np.ndarray, n_own: int) -> None:
    """Each dataset needs more rows than its own constants (n_own) and a target that varies
    within it: its error is measured against its own spread (`lawfinder.fit.reward`)."""
    counts = np.bincount(codes, weights > 0, len(labels))
    needed = max(n_own + 1, 2)
    small = np.flatnonzero(counts < needed)
    if len(small):
        label = labels[small[0]]
        raise DataError(f"dataset {label!r} has {int(counts[small[0]])} row(s) of nonzero weight, "
                        f"but each dataset needs at least {needed} to fit its {n_own} own "
                        f"constant(s) and measure an error; add rows to it or drop it")
    for i, label in enumerate(labels):
        values = y[(codes == i) & (weights > 0)]
        if np.all(values == values[0]):
            raise DataError(f"the target is constant (every value is {values[0]:g}) within "
                            f"dataset {label!r}, whose error is measured against its own "
                            "spread; drop that dataset or check its rows")


def _column(groups: Any, n_rows: int) -> np.ndarray:
    """The labels as a 1-D object array of n_rows."""
    values = np.asarray(groups.to_numpy() if isinstance(groups, (pd.Series, pd.Index))
                        else groups, dtype=object)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values.ravel()
    if values.ndim != 1:
        raise DataError(f"groups must be 1-D, one dataset label per row, got shape "
                        f"{values.shape}")
    if len(values) != n_rows:
        raise DataError(f"groups has {len(values)} labels but X has {n_rows} rows; give one "
                        "dataset label per row")
    return np.array([_plain(v) for v in values], dtype=object)


def _plain(label: Any) -> Any:
    """NumPy scalars as Python ones: 3, not np.int64(3)."""
    return label.item() if isinstance(label, np.generic) else label


def _listed(labels: Sequence[Any]) -> str:
    shown = ", ".join(repr(label) for label in labels[:10])
    return shown + (", ..." if len(labels) > 10 else "")
