"""The constants a user declares to be fitted (free or per dataset), read with their units."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lawfinder.data.problem import Problem
from lawfinder.errors import LawfinderError, UnitsError
from lawfinder.units.dimension import Dimension, parse_units


def declared_constants(problem: Problem, given: Any, setting: str
                       ) -> dict[str, tuple[Dimension, float]]:
    """The constants of `setting` (free_constants or dataset_constants, whose value is
    `given`) as name -> (dimension, SI factor of their declared units); names any
    non-blank text. Also refuses per-dataset constants without datasets."""
    kind = "free constant" if setting == "free_constants" else "per-dataset constant"
    given = given or {}
    if isinstance(given, str) or not isinstance(given, Iterable):
        raise LawfinderError(f"{setting} must be a dict of name -> units or a list of "
                             f"names, not {given!r}")
    pairs = given.items() if isinstance(given, Mapping) else [(name, "1") for name in given]
    out = {}
    for name, text in pairs:
        if not (isinstance(name, str) and name.strip()):
            raise LawfinderError(f"{kind} name {name!r} must be a non-blank string, "
                                 "e.g. 'G', 'k_B' or 'λ'")
        dim, factor = parse_units(text, what=f"{kind} {name!r}")
        if not problem.has_units and not dim.is_dimensionless:
            raise UnitsError(f"{kind} {name!r} has units {text!r} but the data has none; "
                             "give units for the columns (units=..., target_units=...) or "
                             "declare the constant dimensionless ('1')")
        out[name] = (dim, factor)
    if out and setting == "dataset_constants" and problem.groups is None:
        raise LawfinderError(f"dataset_constants {list(out)} take one value per dataset, "
                             "but fit was given no datasets; pass groups=, the dataset "
                             "label of each row, or make them free_constants")
    return out
