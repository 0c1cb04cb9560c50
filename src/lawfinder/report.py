"""Compatibility: `lawfinder.report.write_report(model, path, X, y, groups)`, as documented; the
report itself lives in `lawfinder.results.html_report` and reads the fit's record."""

from __future__ import annotations

from os import PathLike
from typing import TYPE_CHECKING, Any

from lawfinder.results import html_report

if TYPE_CHECKING:
    from lawfinder.estimator import LawRegressor

__all__ = ["write_report"]


def write_report(model: LawRegressor, path: str | PathLike[str], X: Any = None,
                 y: Any = None, groups: Any = None) -> None:
    """Write an HTML report of a fitted (or loaded) `model` to `path`; see
    `lawfinder.results.html_report.write_report`."""
    model._check_fitted()
    html_report.write_report(model.fitted_law_, path, X, y, groups)
