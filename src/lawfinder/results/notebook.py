"""How a fitted `LawRegressor` shows itself in Jupyter: HTML tables with the formulas as
`$...$` LaTeX, which the notebook's MathJax typesets (a `Formula` alone: `Formula._repr_html_`).

The tables are the HTML report's own (`lawfinder.results.html_report`); only the formulas
are written differently, as LaTeX for MathJax instead of SVG drawn by matplotlib, so a
notebook needs neither matplotlib nor any style sheet.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from lawfinder.results.html_report import (constant_units, equation_latex, front_caption,
                                           summary_facts)
from lawfinder.results.html_tables import facts_table, front_table, mathjax

if TYPE_CHECKING:
    from lawfinder.estimator import LawRegressor


def model_html(model: LawRegressor) -> str | None:
    """A fitted model as HTML: what it explains and how the search went, then the Pareto
    front with the best formula starred. None for an unfitted model, so that Jupyter
    shows its text form, the parameters set."""
    if not hasattr(model, "best_"):
        return None
    target = model.problem_.target_name
    table = front_table(model.pareto_, model.best_,
                        lambda f: mathjax(equation_latex(model, f), f"{target} = {f.sympy()}"),
                        constant_units(model))
    return (f"<div><strong>LawRegressor</strong>{facts_table(summary_facts(model))}"
            f"<p>Pareto front. {html.escape(front_caption(model))}</p>{table}</div>")
