"""How a fitted `LawRegressor` shows itself in Jupyter: HTML tables with the formulas as
`$...$` LaTeX, which the notebook's MathJax typesets (a `Formula` alone: `Formula._repr_html_`).

The tables are the HTML report's own (`lawfinder.results.html_report`); only the formulas
are written differently, as LaTeX for MathJax instead of SVG drawn by matplotlib, so a
notebook needs neither matplotlib nor any style sheet.
"""

from __future__ import annotations

import html

from lawfinder.results.html_report import (constant_units, datasets_html, equation_latex,
                                           front_caption, summary_facts)
from lawfinder.results.fitted_law import FittedLaw
from lawfinder.results.html_tables import facts_table, front_table, mathjax


def model_html(law: FittedLaw) -> str:
    """A fit as HTML: what it explains and how the search went, then the Pareto front with
    the best formula starred, and the best formula's constants of each dataset if any."""
    target = law.problem.target_name
    table = front_table(law.pareto, law.best,
                        lambda f: mathjax(equation_latex(law, f), f"{target} = {f.sympy()}"),
                        constant_units(law))
    return (f"<div><strong>LawRegressor</strong>{facts_table(summary_facts(law))}"
            f"<p>Pareto front. {html.escape(front_caption(law))}</p>{table}"
            f"{datasets_html(law)}</div>")
