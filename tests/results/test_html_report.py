"""The HTML report: one offline file with the front, the fit on the data and the search."""

import dataclasses
import html
import re
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image  # installed with matplotlib, which the report needs

from support import free_fall, newton_data, relativity_data

from lawfinder import LawRegressor
from lawfinder.errors import DataError, LawfinderError
from lawfinder.results.formula import Formula
from lawfinder.report import write_report
from lawfinder.results import html_report
from lawfinder.results.notation import with_error

NEWTON = {"names": ["m1", "m2", "r"], "units": ["kg", "kg", "m"], "target_units": "N",
          "target_name": "F"}
PLOTS = ("pareto-plot", "data-plot", "history-plot")
# Anything a browser would fetch: URLs, scripts, style sheets, images, fonts.
EXTERNAL = re.compile(r"https?://|<script|<link|<img|<iframe|@import|url\((?!#)", re.IGNORECASE)


def small_model() -> LawRegressor:
    return LawRegressor(free_constants={"G": "m^3/(kg*s^2)"}, max_evals=500, batch_size=100,
                        random_state=0)


@pytest.fixture(scope="module")
def model() -> LawRegressor:
    return small_model().fit(*newton_data(), **NEWTON)


@pytest.fixture(scope="module")
def report(model, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "run.html"
    write_report(model, path)
    return path


def formula_texts(model: LawRegressor) -> list[str]:
    return [html.escape(f"F = {f.sympy()}") for f in model.pareto_]


def test_report_has_the_formulas_and_plots_and_fetches_nothing(model, report):
    text = report.read_text(encoding="utf-8")
    assert all(formula in text for formula in formula_texts(model))
    assert text.count('<span class="math"') == len(model.pareto_) + 1   # + the headline
    assert all(re.search(f'id="{plot}"><svg', text) for plot in PLOTS)
    constant = f"G = {model.best_.constants['G']:.6g} [m^3/(kg*s^2)]"
    assert html.escape(constant) in text
    assert not EXTERNAL.search(text)


def test_formulas_mathtext_cannot_parse_are_shown_as_text(model, tmp_path, monkeypatch):
    monkeypatch.setattr(Formula, "latex", lambda self, numeric=False: r"\frac{")
    path = tmp_path / "run.html"
    write_report(model, path)
    text = path.read_text(encoding="utf-8")
    assert '<span class="math"' not in text
    assert text.count('class="formula math-fallback"') == len(model.pareto_) + 1
    assert all(f'<code class="formula math-fallback">{formula}</code>' in text
               for formula in formula_texts(model))


def test_text_is_escaped(model, tmp_path):
    law = model.fitted_law_
    odd = dataclasses.replace(law, problem=dataclasses.replace(law.problem, target_name="F<b>&"))
    path = tmp_path / "run.html"
    html_report.write_report(odd, path)
    text = path.read_text(encoding="utf-8")
    assert "F<b>" not in text and "F&lt;b&gt;&amp;" in text


def test_fit_writes_the_report_also_after_ctrl_c(tmp_path):
    def interrupt(stats, hall):
        raise KeyboardInterrupt

    path = tmp_path / "run.html"
    model = small_model().fit(*newton_data(), **NEWTON, callback=interrupt, report=path)
    assert model.interrupted_ and "interrupted (Ctrl-C)" in path.read_text(encoding="utf-8")


def test_a_bad_report_path_fails_before_the_search(tmp_path):
    with pytest.raises(LawfinderError, match="missing.*does not exist"):
        small_model().fit(*newton_data(), **NEWTON, report=tmp_path / "missing" / "run.html")
    with pytest.raises(LawfinderError, match="is a folder"):
        small_model().fit(*newton_data(), **NEWTON, report=tmp_path)


def test_a_loaded_model_plots_the_data_it_is_given(model, tmp_path):
    model.save(tmp_path / "model.json")
    loaded = LawRegressor.load(tmp_path / "model.json")
    write_report(loaded, tmp_path / "bare.html")
    bare = (tmp_path / "bare.html").read_text(encoding="utf-8")
    assert "pass X and y" in bare and "No search history" in bare and "data-plot" not in bare
    write_report(loaded, tmp_path / "data.html", *newton_data(50))
    assert 'id="data-plot"><svg' in (tmp_path / "data.html").read_text(encoding="utf-8")
    with pytest.raises(LawfinderError, match="both X and y"):
        write_report(loaded, tmp_path / "half.html", newton_data(50)[0])


@pytest.fixture
def chromium(tmp_path):
    """Headless Chromium, kept from fetching anything (updates, sync, first-run pages);
    a function of its arguments that returns its stdout."""
    binary = shutil.which("chromium")   # Debian's; Ubuntu's chromium-browser may be a snap stub
    if binary is None:
        pytest.skip("chromium not installed: apt-get install chromium")
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'profile'}"]
    return lambda *args: subprocess.run([*command, *args], capture_output=True, text=True,
                                        timeout=120, check=True).stdout


def test_chromium_renders_the_report(chromium, model, report, tmp_path):
    dom = chromium("--dump-dom", report.as_uri())
    assert all(formula in dom for formula in formula_texts(model))
    assert all(re.search(f'<figure class="plot" id="{plot}"><svg', dom) for plot in PLOTS)
    screenshot = tmp_path / "report.png"
    chromium(f"--screenshot={screenshot}", "--window-size=1200,2000", "--hide-scrollbars",
             report.as_uri())
    pixels = np.asarray(Image.open(screenshot).convert("RGB"))
    assert pixels.shape == (2000, 1200, 3)
    drawn = (pixels != pixels[0, 0]).any(axis=2).mean()   # the corner is background
    assert drawn > 0.02, f"only {drawn:.1%} of the screenshot differs from the background"


def test_the_report_says_the_known_constants(tmp_path):
    X, y = relativity_data()
    model = LawRegressor(fixed_constants=["1", "c=19.8 m/s"], max_evals=100, batch_size=100,
                         random_state=0, n_jobs=1).fit(
        X, y, names=["m", "v"], units=["g", "km/h"], target_units="J")
    path = tmp_path / "run.html"
    write_report(model, path)
    assert "<th>known constants</th><td>c = 19.8 [m/s]</td>" in path.read_text(encoding="utf-8")


def data_plot(text: str) -> str:
    """The data section's figure, where the rows are drawn."""
    return text[text.index('id="data-plot"'):text.index("</figure>", text.index('id="data-plot"'))]


@pytest.fixture(scope="module")
def grouped_report(grouped, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("grouped") / "runs.html"
    write_report(grouped.model, path)
    return path.read_text(encoding="utf-8")


def test_a_grouped_report_tables_each_datasets_constants_with_errors_and_units(grouped,
                                                                              grouped_report):
    best = grouped.model.best_
    assert best.dataset_names == ["v0", "z0"]
    table = grouped_report[grouped_report.index('<table class="datasets">'):]
    table = table[:table.index("</table>")]
    assert "<th>dataset</th><th>v0 [km/h]</th><th>z0 [m]</th>" in table
    values, errors = best.dataset_constants, best.dataset_uncertainties
    for label in ("run a", "run b", "run c"):
        cells = [with_error(values.loc[label, n], errors.loc[label, n]) for n in ("v0", "z0")]
        row = "".join(f"<td>{html.escape(cell)}</td>" for cell in cells)
        assert f"<tr><th>{label}</th>{row}</tr>" in table
    assert all("(" in with_error(values.loc["run a", n], errors.loc["run a", n]) for n in values)
    facts = "<th>datasets</th><td>3 (run a, run b, run c); constants of each: v0, z0</td>"
    assert facts in grouped_report
    assert html.escape("v0 [km/h], z0 [m]: one value per dataset") in grouped_report
    assert not EXTERNAL.search(grouped_report)


def test_a_grouped_report_colours_the_rows_by_dataset_with_a_legend(grouped, grouped_report,
                                                                   report):
    plot = data_plot(grouped_report)
    assert plot.count('id="legend_') == 2                     # + the datasets' legend
    assert data_plot(report.read_text(encoding="utf-8")).count('id="legend_') == 1
    assert all(colour in plot for colour in ("#1f77b4", "#ff7f0e", "#2ca02c"))   # tab10
    # The caption's NRMSE is the fit's: the root mean square of the datasets' own.
    assert f"NRMSE on these data: {grouped.model.best_.nrmse:.3g} (root mean square" in plot


def test_more_than_ten_datasets_are_shaded_in_order_without_a_legend(tmp_path):
    labels = tuple(range(11))
    X, y, groups = free_fall(labels, (8,) * 11)
    model = LawRegressor(operators=["add", "mul"], dataset_constants=["z0"], max_evals=100,
                         batch_size=100, random_state=0, n_jobs=1).fit(X, y, groups=groups)
    write_report(model, tmp_path / "runs.html")
    plot = data_plot((tmp_path / "runs.html").read_text(encoding="utf-8"))
    assert plot.count('id="legend_') == 1 and "#440154" in plot   # viridis, dark first
    assert "11 datasets are too many to tell apart in a legend" in plot


def test_a_report_of_new_data_of_a_grouped_model_needs_their_groups(grouped, tmp_path):
    grouped.model.save(tmp_path / "model.json")
    loaded = LawRegressor.load(tmp_path / "model.json")
    X, y, groups = grouped.X[::2], grouped.y[::2], grouped.groups[::2]
    with pytest.raises(DataError, match="fitted on datasets .* pass groups="):
        write_report(loaded, tmp_path / "runs.html", X, y)
    with pytest.raises(DataError, match="label 'run z', which was not among the datasets"):
        write_report(loaded, tmp_path / "runs.html", X, y, ["run z", *groups[1:]])
    with pytest.raises(LawfinderError, match="groups was given to write_report without X and y"):
        write_report(loaded, tmp_path / "runs.html", groups=groups)
    write_report(loaded, tmp_path / "runs.html", X, y, groups)
    text = (tmp_path / "runs.html").read_text(encoding="utf-8")
    assert data_plot(text).count('id="legend_') == 2 and '<table class="datasets">' in text



def test_groups_for_a_model_fitted_on_one_dataset_are_refused(model, tmp_path):
    X, y = newton_data(20)
    with pytest.raises(DataError, match="fitted on one dataset"):
        write_report(model, tmp_path / "run.html", X, y, np.zeros(20))
