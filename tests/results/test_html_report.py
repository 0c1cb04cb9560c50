"""The HTML report: one offline file with the front, the fit on the data and the search."""

import dataclasses
import html
import re
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image  # installed with matplotlib, which the report needs

from support import newton_data, relativity_data

from lawfinder import LawRegressor
from lawfinder.errors import LawfinderError
from lawfinder.results.formula import Formula
from lawfinder.report import write_report
from lawfinder.results import html_report

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
