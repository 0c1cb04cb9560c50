"""Reading data files (CSV and the like) and the name=value lists of the command line."""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Sequence
from os import PathLike

import pandas as pd

from lawfinder.data.columns import as_float
from lawfinder.data.quantities import header_unit
from lawfinder.errors import DataError, LawfinderError


_ASSIGNMENT_FORMAT = "name=value pairs separated by commas, such as 'm1=kg, r=m, F=N'"


def read_csv(path: str | PathLike[str], target: str, *, not_inputs: Sequence[str] = ()
             ) -> tuple[pd.DataFrame, pd.Series, dict[str, pd.Series]]:
    """Read a CSV into numeric input columns, the target column and the columns named in
    `not_inputs` (y_err, weights, dataset labels), left for their users to check. Columns
    are named as in the header, units included ("m1 [kg]", which `make_problem` reads),
    and found by their bare names ("m1")."""
    frame = read_table(path)
    hint = _delimiter_hint(frame.attrs["header"])
    labels = {header_unit(label)[0]: label for label in frame.columns}
    for name in (target, *not_inputs):
        if name not in labels:
            raise DataError(f"the CSV file {str(path)!r} has no column named {name!r}; "
                            f"available columns: {', '.join(labels)}{hint}")
    taken = [labels[name] for name in (target, *not_inputs)]
    if len(frame.columns) == len(set(taken)):
        raise DataError(f"the CSV file {str(path)!r} has only the columns "
                        f"{', '.join(map(repr, (target, *not_inputs)))}; add the input "
                        f"columns to explain {target!r} with{hint}")
    for name in frame.columns.drop(taken[1:]):
        as_float(frame[name], f"column {name!r}")
    return (frame.drop(columns=taken), frame[labels[target]],
            {name: frame[labels[name]] for name in not_inputs})


def read_table(path: str | PathLike[str]) -> pd.DataFrame:
    """Read a CSV with a header row, with errors that say what to fix."""
    try:
        header = pd.read_csv(path, header=None, nrows=1, dtype=str, keep_default_na=False)
        with warnings.catch_warnings():
            # With index_col=False pandas only warns, and drops values, when rows are
            # longer than the header; without it the first column silently becomes the index.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(path, index_col=False)
    except OSError as exc:
        raise DataError(f"cannot read the CSV file {str(path)!r}: {exc.strerror or exc}; "
                        "check the path") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"the CSV file {str(path)!r} is empty; it needs a header row of "
                        "column names followed by rows of numbers") from exc
    except pd.errors.ParserWarning as exc:
        raise DataError(f"some rows of {str(path)!r} have more values than the header has "
                        "column names; give every row one value per header name"
                        f"{_delimiter_hint(header.iloc[0].tolist())}") from exc
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot parse {str(path)!r} as CSV ({str(exc).strip()}); every row "
                        "needs one value per header name, separated by commas") from exc

    frame.columns = _csv_column_names(header.iloc[0].tolist(), path)
    if frame.empty:
        raise DataError(f"the CSV file {str(path)!r} has a header but no data rows")
    frame.attrs["header"] = header.iloc[0].tolist()  # as written, for delimiter hints
    return frame


def parse_assignments(text: str, *, what: str) -> dict[str, str]:
    """Parse "m1=kg, m2=kg, r=m, F=N" (as typed on the command line) into {"m1": "kg", ...}."""
    if not isinstance(text, str):
        raise LawfinderError(f"{what}: expected text, got {type(text).__name__} {text!r}; "
                             f"give {_ASSIGNMENT_FORMAT}")
    parts = [part.strip() for part in re.split(r"[,;]", text)]
    if not any(parts):
        raise LawfinderError(f"{what}: nothing given; expected {_ASSIGNMENT_FORMAT}")
    result: dict[str, str] = {}
    for part in filter(None, parts):  # tolerate a trailing or doubled separator
        name, sep, value = (piece.strip() for piece in part.partition("="))
        if not sep or not name or not value or "=" in value:
            raise LawfinderError(f"{what}: cannot read {part!r}; expected {_ASSIGNMENT_FORMAT}")
        if name in result:
            raise LawfinderError(f"{what}: {name!r} is given twice ({result[name]!r} and "
                                 f"{value!r}); give each name once")
        result[name] = value
    return result


def _csv_column_names(header: list[str], path: str | PathLike[str]) -> list[str]:
    """Header names stripped of whitespace; none empty, none repeated."""
    names = [name.strip() for name in header]
    if "" in names:
        raise DataError(f"column {names.index('') + 1} of {str(path)!r} has no name in the "
                        "header; name it or delete it (a trailing comma on every line makes "
                        "such a column)")
    repeated = [name for name, count in Counter(names).items() if count > 1]
    if repeated:
        raise DataError(f"the CSV file {str(path)!r} has more than one column named "
                        f"{repeated[0]!r}; rename them so that each name is unique")
    return names


def _delimiter_hint(header: list[str]) -> str:
    """A hint for files separated by semicolons or tabs, which read as a single column."""
    for separator, name in ((";", "semicolon"), ("\t", "tab")):
        if any(separator in cell for cell in header):
            return (f". The header has {name}s in it: the file looks {name}-separated, but "
                    "lawfinder reads comma-separated files; save it with commas")
    return ""
