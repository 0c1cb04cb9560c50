"""How a fitted `LawRegressor` and a `Formula` show themselves in Jupyter: HTML tables with
the formulas as `$...$` LaTeX, which the notebook's MathJax typesets.

The tables are the HTML report's own (`lawfinder.results.html_report`); only the formulas
are written differently, as LaTeX for MathJax instead of SVG drawn by matplotlib, so a
notebook needs neither matplotlib nor any style sheet.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from lawfinder.results.html_report import (constant_units, equation_latex, facts_table,
                                           front_caption, front_table, summary_facts)

if TYPE_CHECKING:
    from lawfinder.estimator import LawRegressor
    from lawfinder.results.formula import Formula


def model_html(model: LawRegressor) -> str | None:
    """A fitted model as HTML: what it explains and how the search went, then the Pareto
    front with the best formula starred. None for an unfitted model, so that Jupyter
    shows its text form, the parameters set."""
    if not hasattr(model, "best_"):
        return None
    target = model.problem_.target_name
    table = front_table(model.pareto_, model.best_,
                        lambda f: _math(equation_latex(model, f), f"{target} = {f.sympy()}"),
                        constant_units(model))
    return (f"<div><strong>LawRegressor</strong>{facts_table(summary_facts(model))}"
            f"<p>Pareto front. {html.escape(front_caption(model))}</p>{table}</div>")


def formula_html(formula: Formula) -> str:
    """One formula as HTML: a one-row table of its complexity, NRMSE, LaTeX and constants.

    A formula does not know the unit strings its constants were declared in; they are
    shown in SI units, with the factor of the declared unit where it was not SI (a
    constant declared in km is shown in units of "1000 m")."""
    return front_table([formula], None, lambda f: _math(f.latex(), str(f.sympy())),
                       _si_units(formula))


def _math(latex: str, text: str) -> str:
    """`latex` between dollars for MathJax, escaped for HTML (MathJax reads the decoded
    text, so a name such as a<b stays a<b); `text`, the plain form, as its tooltip."""
    return f'<span title="{html.escape(text)}">{html.escape(f"${latex}$")}</span>'


def _si_units(formula: Formula) -> dict[str, str]:
    """Each shared constant's units in SI, times the factor of its declared unit if not 1."""
    library, factors = formula.library, formula.frame.constant_factors
    return {name: str(dim) if factor == 1 else f"{factor:g} {dim}".removesuffix(" 1")
            for name, dim, factor in zip(library.free_names, library.free_dims, factors)}
