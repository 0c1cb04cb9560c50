"""A fitted model as one self-contained HTML page: the Pareto front, the chosen formula on
the data, and how the search went.

Plots and formulas are inline SVG and the style sheet is inline too, so the page opens
offline, can be mailed or archived, and fetches nothing. Matplotlib is imported only here,
without pyplot: no GUI backend is touched and no global figure state is left behind.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
from collections.abc import Iterator
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from lawfinder.data.groups import dataset_codes
from lawfinder.errors import DataError, LawfinderError
from lawfinder.language.known_constants import NUMBERS
from lawfinder.results.fitted_law import FittedLaw
from lawfinder.results.formula import Formula, latex
from lawfinder.fit.reward import nrmse
from lawfinder.search.config import SearchConfig
from lawfinder.results.selection import RULE_TEXT
from lawfinder.results.html_tables import dataset_table, facts_table, front_table, with_units
from lawfinder.results.notation import ERRORS_FROM
from lawfinder.version import __version__

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_POINTS = 2000      # points drawn in the data plots: more only make the file bigger
MAX_LEGEND = 10        # datasets told apart by colour and named in a legend (tab10's colours)
_NRMSE_FLOOR = 1e-16   # an exact fit can score 0, which a log axis cannot show
_STYLE = {
    "mathtext.fontset": "cm",      # formulas in Computer Modern, as in a paper
    "svg.fonttype": "path",        # text as outlines: no font needed to read the page
    "svg.hashsalt": "lawfinder",   # the same model gives the same file
    "font.size": 9,
}
# Left out of every SVG: the XML prolog, the DTD and the dates and URLs of the metadata.
_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
# Inside HTML, <svg> is in the SVG namespace without declarations; they are URLs that
# checks for external references would flag.
_NAMESPACES = re.compile(r'\s+xmlns(:xlink)?="[^"]*"')


def write_report(law: FittedLaw, path: str | PathLike[str], X: Any = None,
                 y: Any = None, groups: Any = None) -> None:
    """Write an HTML report of a fit (`LawRegressor.fitted_law_`) to `path`.

    The data plots use X and y (in the units declared at fit) when given, with the rows'
    dataset labels in `groups` for a law fitted on several datasets, otherwise the data
    `fit` kept; a model read with `LawRegressor.load` kept none, so give them.
    """
    check_report_path(path)
    with _plot_style():
        sections = [_summary(law), _front_section(law), _datasets_section(law),
                    _data_section(law, X, y, groups), _history_section(law)]
    title = f"lawfinder: {law.problem.target_name} = {law.best.sympy()}"
    try:
        Path(path).write_text(_page(title, sections), encoding="utf-8")
    except OSError as error:
        raise LawfinderError(f"cannot write the report {str(path)!r}: "
                             f"{error.strerror or error}; choose a writable path") from error


def check_report_path(path: str | PathLike[str]) -> None:
    """Fail before a long search rather than after it: matplotlib is installed and `path`
    can be a file in an existing folder."""
    _figure_class()
    target = Path(path)
    if target.is_dir():
        raise LawfinderError(f"the report path {str(path)!r} is a folder; give a file name "
                             "such as run.html")
    if not target.parent.is_dir():
        raise LawfinderError(f"cannot write the report {str(path)!r}: the folder "
                             f"{str(target.parent)!r} does not exist; create it first")


def _figure_class() -> type[Figure]:
    try:
        from matplotlib.figure import Figure
    except ImportError as error:
        raise LawfinderError(f"the report needs matplotlib ({error}); "
                             "pip install 'lawfinder[report]'") from error
    return Figure


@contextlib.contextmanager
def _plot_style() -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context(_STYLE):
        yield


def _figure(width: float, height: float) -> Figure:
    return _figure_class()(figsize=(width, height), layout="constrained")


def _svg(figure: Figure, **savefig: Any) -> str:
    """The figure as an <svg> element to paste into HTML."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata=_NO_METADATA, **savefig)
    text = buffer.getvalue()
    return _NAMESPACES.sub("", text[text.index("<svg"):], count=2)


def _math(latex: str, size: float) -> str | None:
    """`latex` typeset as an SVG element; None if mathtext cannot parse it."""
    figure = _figure_class()()
    figure.text(0, 0, f"${latex}$", fontsize=size)
    try:
        return _svg(figure, bbox_inches="tight", pad_inches=0.02, transparent=True)
    except ValueError:   # mathtext knows only part of LaTeX
        return None


def _equation(law: FittedLaw, formula: Formula, size: float = 14) -> str:
    """'target = formula' typeset, with the plain text beneath to copy; only the plain
    text where mathtext cannot typeset it."""
    text = html.escape(f"{law.problem.target_name} = {formula.sympy()}")
    svg = _math(equation_latex(law, formula), size)
    if svg is None:
        return f'<code class="formula math-fallback">{text}</code>'
    return (f'<span class="math" role="img" aria-label="{text}">{svg}</span><br>'
            f'<code class="formula">{text}</code>')


def equation_latex(law: FittedLaw, formula: Formula) -> str:
    """'target = formula' in LaTeX, names as in a paper (`lawfinder.results.formula.latex`)."""
    return f"{latex(sympy.Symbol(law.problem.target_name))} = {formula.latex()}"


def summary_facts(law: FittedLaw) -> list[tuple[str, str]]:
    """What the model explains, from what, how the search went and what the errors are, as
    (heading, plain text) pairs."""
    problem, best = law.problem, law.best
    units = problem.units or (None,) * problem.n_features
    inputs = ", ".join(with_units(name, u) for name, u in zip(problem.names, units))
    search = f"{law.n_evals} formulas sampled, {law.n_scored} scored"
    if law.history:
        last = law.history[-1]
        search += f" in {last.epoch} epochs and {last.elapsed:.1f} s"
    if law.interrupted:
        search += "; interrupted (Ctrl-C): this is what was found so far"
    known = [t.known for t in law.library.tokens if t.known and t.name not in NUMBERS]
    facts = [("explains", with_units(problem.target_name, problem.target_units)),
             ("from", inputs), ("search", search), ("best formula NRMSE", f"{best.nrmse:.3g}"),
             ("constants", ERRORS_FROM[best.errors_from])]
    if known:
        facts.insert(2, ("known constants", ", ".join(
            with_units(f"{k.name} = {k.value:.10g}", k.units) for k in known)))
    if best.datasets:
        facts.insert(2, ("datasets", _datasets_fact(law)))
    return facts


def _datasets_fact(law: FittedLaw) -> str:
    """How many datasets, their first labels, and which constants each has of its own."""
    labels, own = law.best.datasets, law.library.dataset_names
    shown = ", ".join(map(str, labels[:10])) + (", ..." if len(labels) > 10 else "")
    return (f"{len(labels)} ({shown}); "
            + (f"constants of each: {', '.join(own)}" if own else "every constant shared"))


def constant_units(law: FittedLaw) -> dict[str, str]:
    """The declared units of every fitted constant, shared or per dataset, by name."""
    units = law.constant_units()
    if law.library.dataset_names:
        units |= law.constant_units("dataset_constants")
    return units


def _summary(law: FittedLaw) -> str:
    return (f'<section id="summary"><div class="headline">'
            f'{_equation(law, law.best, 20)}</div>'
            f'{facts_table(summary_facts(law))}</section>')


def _front_section(law: FittedLaw) -> str:
    table = front_table(law.pareto, law.best, lambda f: _equation(law, f), constant_units(law))
    return (f'<section id="front"><h2>Pareto front</h2>'
            f'{_plot("pareto-plot", _front_plot(law), front_caption(law))}{table}</section>')


def _datasets_section(law: FittedLaw) -> str:
    table = datasets_html(law)
    return (f'<section id="datasets"><h2>Constants of each dataset</h2>{table}</section>'
            if table else "")


def datasets_html(law: FittedLaw) -> str:
    """The best formula's constants of each dataset: a caption, then the table; "" for a
    formula without any."""
    best = law.best
    if not best.dataset_names:
        return ""
    caption = (f"The best formula's constants of each of its {len(best.datasets)} datasets, "
               f"the shared ones ({', '.join(best.constants) or 'none'}) being in the front's "
               f"table. {ERRORS_FROM[best.errors_from]}")
    return f"<p>{html.escape(caption)}</p>{dataset_table(best, constant_units(law))}"


def front_caption(law: FittedLaw) -> str:
    """What the front table shows and how its best formula was chosen, as plain text."""
    rule = law.settings["model_selection"]
    return (f"The most accurate formula of each complexity found; the best (star) is "
            f"{RULE_TEXT.get(rule, rule)} (model_selection={rule!r}).")


def _plot(plot_id: str, svg: str, caption: str) -> str:
    return (f'<figure class="plot" id="{plot_id}">{svg}'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def _front_plot(law: FittedLaw) -> str:
    figure = _figure(6, 3.4)
    ax = figure.subplots()
    complexity = [f.complexity for f in law.pareto]
    loss = np.maximum([f.nrmse for f in law.pareto], _NRMSE_FLOOR)
    ax.step(complexity, loss, where="post", color="0.6", zorder=1)
    ax.scatter(complexity, loss, color="tab:blue", zorder=2, label="front")
    best = law.pareto.index(law.best)
    ax.scatter(complexity[best], loss[best], marker="*", s=260, color="tab:red", zorder=3,
               label="best")
    ax.set_yscale("log")
    ax.set_xlabel("complexity")
    ax.set_ylabel("NRMSE")
    ax.legend()
    return _svg(figure)


def _data_section(law: FittedLaw, X: Any, y: Any, groups: Any) -> str:
    measured, predicted, codes = _measured_and_predicted(law, X, y, groups)
    if not len(measured):
        return ('<section id="data"><h2>Best formula on the data</h2><p>No data: this model '
                "was loaded from a file, which keeps none; pass X and y to write_report."
                "</p></section>")
    # In random order, not the rows' order: rows sorted by dataset would draw the last
    # dataset over all the others.
    shown = np.random.default_rng(0).choice(len(measured), min(len(measured), MAX_POINTS),
                                            replace=False)
    problem = law.problem
    label = with_units(problem.target_name, problem.target_units)
    caption = (f"{len(shown)} of {len(measured)} points; residual = measured - predicted. "
               f"NRMSE on these data: {_nrmse(measured, predicted, codes):.3g}"
               + ("." if codes is None else _datasets_legend_caption(len(law.best.datasets))))
    svg = _data_plot(measured[shown], predicted[shown], label,
                     None if codes is None else codes[shown], law.best.datasets)
    return (f'<section id="data"><h2>Best formula on the data</h2>'
            f'{_plot("data-plot", svg, caption)}</section>')


def _measured_and_predicted(law: FittedLaw, X: Any, y: Any, groups: Any
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The target, the best formula's predictions, in the target's declared units, and each
    row's dataset index for a law fitted on several datasets (else None)."""
    if (X is None) != (y is None):
        raise LawfinderError("give both X and y to write_report, or neither to use the data "
                             "fit kept")
    if X is None and groups is not None:
        raise LawfinderError("groups was given to write_report without X and y; give the "
                             "rows' labels with the data they label, or none of the three")
    if X is None:
        problem = law.problem
        X = problem.X / np.array(problem.factors)
        y = problem.y / problem.target_factor
        groups = problem.row_labels
        predicted = law.best.predict(X, groups=groups)
    else:
        predicted = law.predict(X, groups=groups)   # checks groups: needed, known, one per row
    measured = np.asarray(y, dtype=float).ravel()
    if measured.shape != predicted.shape:
        raise DataError(f"y has {measured.size} values but X has {predicted.size} rows; give "
                        "one target value per row of X")
    codes = None if groups is None else dataset_codes(groups, law.best.datasets, len(measured))
    return measured, predicted, codes


def _nrmse(measured: np.ndarray, predicted: np.ndarray, codes: np.ndarray | None) -> float:
    """The NRMSE the fit reports: with datasets, the root mean square of their own."""
    return float(nrmse(predicted[None], measured, np.ones(len(measured)), codes)[0])


def _datasets_legend_caption(n_datasets: int) -> str:
    aggregate = " (root mean square of the datasets' own NRMSE); "
    if n_datasets <= MAX_LEGEND:
        return aggregate + "one colour per dataset."
    return (aggregate + f"coloured by dataset, from dark (first in the table of constants) "
            f"to light (last): {n_datasets} datasets are too many to tell apart in a legend.")


# All datasets overlaid in the two panels, one colour each, rather than small multiples:
# the panels then share one scale, so a dataset the formula fits worse stands out as its
# colour off the diagonal or spread wider in the residuals, while ten pairs of small panels
# would each be scaled to their own data, hiding that, and be too small to read.
def _data_plot(measured: np.ndarray, predicted: np.ndarray, label: str,
               codes: np.ndarray | None, datasets: tuple[Any, ...]) -> str:
    figure = _figure(9, 3.6)
    fit, residual = figure.subplots(1, 2)
    colours = "C0" if codes is None else _dataset_colours(len(datasets))[codes]
    fit.scatter(measured, predicted, s=6, alpha=0.6, c=colours)
    ends = [min(measured.min(), predicted.min()), max(measured.max(), predicted.max())]
    fit.plot(ends, ends, color="tab:red", linewidth=1, label="predicted = measured")
    fit.set_xlabel(f"measured {label}")
    fit.set_ylabel(f"predicted {label}")
    fit.legend()
    residual.scatter(predicted, measured - predicted, s=6, alpha=0.6, c=colours)
    residual.axhline(0, color="tab:red", linewidth=1)
    residual.set_xlabel(f"predicted {label}")
    residual.set_ylabel(f"residual {label}")
    if codes is not None and len(datasets) <= MAX_LEGEND:
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], marker="o", linestyle="", color=colour, label=str(name))
                   for name, colour in zip(datasets, _dataset_colours(len(datasets)))]
        figure.legend(handles=handles, title="dataset", loc="outside right upper")
    return _svg(figure)


def _dataset_colours(n_datasets: int) -> np.ndarray:
    """One RGBA colour per dataset (n_datasets, 4): tab10's ten distinct ones up to ten,
    viridis's steps in dataset order beyond."""
    from matplotlib import colormaps

    if n_datasets <= MAX_LEGEND:
        return colormaps["tab10"](np.arange(n_datasets))
    return colormaps["viridis"](np.linspace(0, 1, n_datasets))


def _history_section(law: FittedLaw) -> str:
    if not law.history:
        return ('<section id="history"><h2>Search</h2><p>No search history: a model loaded '
                "from a file does not keep it, and a search stopped during its first epoch "
                "has none.</p></section>")
    caption = (f"Per epoch: error of the most accurate formula so far; mean reward of the best "
               f"{SearchConfig().risk_eps:.0%} of the batch, the formulas the network learns "
               "from (reward = 1/(1 + NRMSE), less a small cost per unit of complexity); "
               "formulas sampled and seconds elapsed.")
    return (f'<section id="history"><h2>Search</h2>'
            f'{_plot("history-plot", _history_plot(law), caption)}</section>')


def _history_plot(law: FittedLaw) -> str:
    history = law.history
    epoch = [s.epoch for s in history]
    figure = _figure(9, 5)
    curves = [("best NRMSE", [max(s.best_nrmse, _NRMSE_FLOOR) for s in history]),
              (f"top {SearchConfig().risk_eps:.0%} mean reward", [s.top_reward for s in history]),
              ("formulas sampled", [s.sampled for s in history]),
              ("seconds elapsed", [s.elapsed for s in history])]
    for ax, (label, values) in zip(figure.subplots(2, 2).flat, curves):
        ax.plot(epoch, values, marker="o", markersize=3)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
    figure.axes[0].set_yscale("log")
    return _svg(figure)


def _page(title: str, sections: list[str]) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="generator" content="lawfinder {html.escape(__version__)}">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 70rem; margin: 2rem auto;
        padding: 0 1rem; color: #222; }}
h1 {{ font-size: 1.3rem; }}
h2 {{ font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ text-align: left; vertical-align: middle; padding: 0.35rem 0.7rem;
          border-bottom: 1px solid #eee; }}
tr.best {{ background: #fff4d6; }}
figure {{ margin: 1rem 0; }}
figure svg {{ max-width: 100%; height: auto; }}
figcaption {{ color: #555; font-size: 0.9rem; }}
code.formula {{ font-family: ui-monospace, monospace; font-size: 0.85rem; color: #666; }}
code.math-fallback {{ font-size: 1rem; color: inherit; }}
</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
{"".join(sections)}
</body>
</html>
"""
