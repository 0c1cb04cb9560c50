"""Reports from a synthetic results file: rates, Wilson intervals, tables and the figure."""

import contextlib
import io

import pytest
from rich.console import Console

from lawfinder.benchmarks.report import outcomes, report, summarize, wilson_interval
from lawfinder.benchmarks.store import ResultStore
from lawfinder.errors import LawfinderError


@pytest.mark.parametrize("k, n, interval", [
    (5, 10, (0.2366, 0.7634)),   # textbook values of the Wilson score interval
    (0, 10, (0.0, 0.2775)),
    (10, 10, (0.7225, 1.0)),
    (0, 0, (0.0, 1.0)),
])
def test_wilson_interval(k, n, interval):
    assert wilson_interval(k, n) == pytest.approx(interval, abs=1e-4)


@pytest.fixture
def results(tmp_path, task, finished, crashed):
    """lawfinder at noise 0: 3 solved of 4 (one crash apart); at 0.01 one not judged;
    physo at noise 0: 1 solved of 2."""
    path = tmp_path / "results.sqlite"
    store = ResultStore(path)
    for problem, verdict, r2, wall in [("I.12.1", "solved", 1.0, 2.0),
                                       ("I.14.4", "solved", 0.99995, 4.0),
                                       ("I.25.13", "solved", 1.0, 6.0),
                                       ("I.29.4", "not solved", 0.9, 100.0)]:
        store.write(finished(task(problem), verdict=verdict, r2=r2, wall=wall))
    store.write(crashed(task("II.8.31")))
    store.write(finished(task("I.12.1", noise=0.01), verdict="not judged", r2=0.9999))
    store.write(finished(task("I.12.1", method="physo"), wall=30.0, evals=50))
    store.write(finished(task("I.14.4", method="physo"), verdict="not solved", r2=float("-inf"),
                         wall=50.0, evals=70))
    store.close()
    return path


def test_summary_counts_rates_and_medians(results):
    with contextlib.closing(ResultStore(results, create=False)) as store:
        summary = summarize(store.frame()).set_index(["method", "noise"])
    ours = summary.loc[("lawfinder", 0.0)]
    assert (ours["runs"], ours["crashed"], ours["solved"], ours["accurate"]) == (4, 1, 3, 3)
    assert ours["recovery"] == 0.75
    assert ours["recovery_ci"] == pytest.approx(wilson_interval(3, 4))
    assert ours["median_wall"] == 5.0 and ours["median_r2"] == pytest.approx(0.999975)
    noisy = summary.loc[("lawfinder", 0.01)]
    assert (noisy["runs"], noisy["solved"], noisy["not_judged"]) == (1, 0, 1)
    physo = summary.loc[("physo", 0.0)]
    assert (physo["recovery"], physo["median_evals"]) == (0.5, 60)
    assert physo["median_r2"] == -float("inf")
    assert set(summary["budget"]) == {"20 s, 10000 evals, 500 points"}


def test_paired_keeps_the_tasks_every_method_ran(results):
    with contextlib.closing(ResultStore(results, create=False)) as store:
        summary = summarize(store.frame(), paired=True).set_index(["method", "noise"])
    # physo ran I.12.1 and I.14.4 at noise 0 only: lawfinder's other runs drop out.
    assert list(summary.index) == [("lawfinder", 0.0), ("physo", 0.0)]
    assert summary.loc[("lawfinder", 0.0), "runs"] == 2
    assert summary.loc[("lawfinder", 0.0), "recovery"] == 1.0


def test_outcomes_of_each_problem(results):
    with contextlib.closing(ResultStore(results, create=False)) as store:
        rows = store.frame()
    cells = outcomes(rows).droplevel(["suite", "budget"])
    assert cells.loc["I.12.1"].tolist() == ["solved", "not judged", "solved"]
    assert cells.loc["I.29.4", "lawfinder, noise 0"] == "R² 0.9000"
    assert cells.loc["II.8.31", "lawfinder, noise 0"] == "crashed"
    assert cells.loc["I.29.4", "physo, noise 0"] == ""      # physo did not run it
    paired = outcomes(rows, paired=True)
    assert paired.index.get_level_values("problem").tolist() == ["I.12.1", "I.14.4"]


def test_outcomes_count_the_solved_over_seeds_in_reading_order(task, finished, tmp_path):
    path = tmp_path / "seeds.sqlite"
    with contextlib.closing(ResultStore(path)) as store:
        store.write(finished(task("I.12.1", seed=0)))
        store.write(finished(task("I.12.1", seed=1), verdict="not solved"))
        store.write(finished(task("I.6.2", seed=0)))
        cells = outcomes(store.frame()).droplevel(["suite", "budget"])
    assert cells.index.tolist() == ["I.6.2", "I.12.1"]      # reading order, not text order
    assert cells.loc["I.12.1"].tolist() == ["1/2 solved"]


def test_report_prints_a_table_and_writes_a_png(results, tmp_path):
    out = io.StringIO()
    report(results, plot_path=tmp_path / "figure.png", by_problem=True,
           console=Console(file=out, width=200))
    text = out.getvalue()
    assert "outcome of each problem" in text and "R² 0.9000" in text
    assert "feynman: 20 s, 10000 evals, 500 points" in text
    assert "75 [30,95]" in text and "50 [9,91]" in text
    assert (tmp_path / "figure.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_empty_results_file_is_an_error(tmp_path):
    ResultStore(tmp_path / "empty.sqlite").close()
    with pytest.raises(LawfinderError, match="no runs yet"):
        report(tmp_path / "empty.sqlite", console=Console(file=io.StringIO()))


def _class_task(task, problem, n_datasets, units=False):
    return task(problem, suite="class", n_points=100, n_datasets=n_datasets, class_units=units)


def test_class_runs_are_reported_per_number_of_datasets_beside_physo_s_published_rates(
        tmp_path, task, finished):
    path = tmp_path / "class.sqlite"
    with contextlib.closing(ResultStore(path)) as store:
        store.write(finished(_class_task(task, "Free Fall", 1)))
        store.write(finished(_class_task(task, "Damped Harmonic Oscillator B", 1),
                             verdict="not solved"))
        store.write(finished(_class_task(task, "Free Fall", 10, units=True)))
    out = io.StringIO()
    summary = report(path, console=Console(file=out, width=200)).set_index("budget")
    text = out.getvalue()
    off = "20 s, 10000 evals, 100 points per dataset, 1 dataset, units off"
    on = "20 s, 10000 evals, 100 points per dataset, 10 datasets, units on"
    assert set(summary.index) == {off, on}
    # PhySO published 1.0 (Free Fall) and 0.0 (oscillator B) at noise 0 with one dataset.
    assert summary.loc[off, "physo_published"] == 0.5 and summary.loc[off, "recovery"] == 0.5
    assert summary.loc[on, "physo_published"] == 1.0
    assert f"class: {off}" in text and "(published)" in text


def test_files_from_before_the_class_suite_are_reported(results):
    with contextlib.closing(ResultStore(results, create=False)) as store:
        rows = store.frame().drop(columns=["n_datasets", "class_units"])
    summary = summarize(rows)
    assert set(summary["budget"]) == {"20 s, 10000 evals, 500 points"}
    assert summary["physo_published"].isna().all()
