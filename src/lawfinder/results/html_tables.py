"""The HTML tables of fitted formulas that the report and Jupyter share.

They read only what a formula shows (complexity, NRMSE, constants and their errors, shared
and per dataset), so `Formula` can show itself with them without this module knowing the
class.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from lawfinder.results.notation import with_error

if TYPE_CHECKING:
    import pandas as pd


class Row(Protocol):
    """What a table row reads of a formula."""

    complexity: float
    nrmse: float

    @property
    def constants(self) -> dict[str, float]: ...

    @property
    def uncertainties(self) -> dict[str, float]: ...

    @property
    def dataset_names(self) -> list[str]: ...

    @property
    def dataset_constants(self) -> pd.DataFrame: ...

    @property
    def dataset_uncertainties(self) -> pd.DataFrame: ...


def with_units(text: str, units: str | None) -> str:
    """`text [units]`; plain `text` without units or when dimensionless."""
    return text if units in (None, "1") else f"{text} [{units}]"


def mathjax(latex: str, text: str) -> str:
    """`latex` between dollars for MathJax, escaped for HTML (MathJax reads the decoded
    text, so a name such as a<b stays a<b); `text`, the plain form, as its tooltip."""
    return f'<span title="{html.escape(text)}">{html.escape(f"${latex}$")}</span>'


def constants_html(formula: Row, units: Mapping[str, str | None]) -> str:
    """The formula's shared constants, one a line, each with its standard error and in
    `units` (by name), then the names of its per-dataset ones; escaped for HTML."""
    errors = formula.uncertainties
    lines = [with_units(f"{name} = {with_error(value, errors[name])}", units.get(name))
             for name, value in formula.constants.items()]
    if formula.dataset_names:
        lines.append(", ".join(with_units(name, units.get(name)) for name in formula.dataset_names)
                     + ": one value per dataset")
    return "<br>".join(map(html.escape, lines))


def front_table(formulas: Sequence[Row], best: Row | None, equation: Callable[[Row], str],
                units: Mapping[str, str | None]) -> str:
    """The formulas as an HTML table: complexity (a star by `best`), NRMSE, the formula as
    `equation` writes it (HTML), and the constants with their errors in `units`."""
    rows = []
    for formula in formulas:
        mark, star = (' class="best"', " ★ best") if formula is best else ("", "")
        rows.append(f"<tr{mark}><td>{formula.complexity:g}{star}</td>"
                    f"<td>{formula.nrmse:.3g}</td><td>{equation(formula)}</td>"
                    f"<td>{constants_html(formula, units)}</td></tr>")
    return ('<table class="front"><thead><tr><th>complexity</th><th>NRMSE</th>'
            "<th>formula</th><th>constants</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def dataset_table(formula: Row, units: Mapping[str, str | None]) -> str:
    """The formula's per-dataset constants as an HTML table: one row per dataset label, one
    column per constant (headed with its units), each value with its standard error."""
    values, errors = formula.dataset_constants, formula.dataset_uncertainties
    head = "".join(f"<th>{html.escape(with_units(name, units.get(name)))}</th>"
                   for name in values.columns)
    rows = "".join(
        f"<tr><th>{html.escape(str(label))}</th>"
        + "".join(f"<td>{html.escape(with_error(value, error))}</td>"
                  for value, error in zip(row_values, row_errors))
        + "</tr>" for label, row_values, row_errors
        in zip(values.index, values.to_numpy(), errors.to_numpy()))
    return (f'<table class="datasets"><thead><tr><th>dataset</th>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def facts_table(facts: list[tuple[str, str]]) -> str:
    """(heading, plain text) pairs as a two-column HTML table, escaped."""
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                   for k, v in facts)
    return f'<table class="facts">{rows}</table>'
