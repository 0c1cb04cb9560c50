import numpy as np
import pandas as pd
import pytest

from rich.console import Console

from lawfinder import cli
from lawfinder.cli import main


@pytest.fixture
def newton_csv(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.uniform(1, 5, (200, 3))
    frame = pd.DataFrame(X, columns=["m1", "m2", "r"])
    frame["F"] = 6.123 * X[:, 0] * X[:, 1] / X[:, 2] ** 2
    path = tmp_path / "newton.csv"
    frame.to_csv(path, index=False)
    return path


FIT = ["--target", "F", "--units", "m1=kg, m2=kg, r=m, F=N", "--constants", "G=m^3/(kg*s^2)",
       "--max-evals", "300", "--quiet"]


def test_fit_prints_the_front_and_the_best_formula(newton_csv, capsys):
    assert main(["fit", str(newton_csv), *FIT]) == 0
    out = capsys.readouterr().out
    assert "Pareto front" in out and "best (*): F =" in out


def test_fit_writes_a_report(newton_csv, tmp_path, capsys):
    report = tmp_path / "run.html"
    assert main(["fit", str(newton_csv), *FIT, "--report", str(report)]) == 0
    assert f"report: {report}" in capsys.readouterr().out
    assert 'id="pareto-plot"' in report.read_text(encoding="utf-8")


@pytest.mark.parametrize("args, words", [
    (["--target", "Force"], "Force"),
    (["--target", "F", "--units", "m1=kg, m2=kg, F=N"], "r"),
    (["--target", "F", "--units", "m1=kg m2=kg"], "--units"),
    (["--target", "F", "--units", "m1=kg, m2=kg, r=m, F=s"], "units s"),
    (["--target", "F", "--operators", "mul,sqr"], "sqrt"),
])
def test_errors_are_one_clear_line_and_exit_2(newton_csv, capsys, args, words):
    assert main(["fit", str(newton_csv), *args, "--max-evals", "100", "--quiet"]) == 2
    err = capsys.readouterr().out
    assert "error:" in err and words in err and "Traceback" not in err


def test_non_numeric_column_is_named(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("x,label,y\n1,a,2\n2,b,4\n3,c,7\n")
    assert main(["fit", str(path), "--target", "y", "--quiet"]) == 2
    assert "label" in capsys.readouterr().out


def test_missing_file_is_named(tmp_path, capsys):
    assert main(["fit", str(tmp_path / "nope.csv"), "--target", "y", "--quiet"]) == 2
    assert "nope.csv" in capsys.readouterr().out


def test_demo_runs_its_real_path_with_the_live_display(capsys, monkeypatch):
    """`lawfinder demo` on a tiny budget: the live display, then the table with the verdict."""
    monkeypatch.setattr(cli, "console", Console(width=160))   # a terminal as wide as the table
    assert main(["demo", "--law", "newton", "--max-evals", "600"]) == 0
    out = capsys.readouterr().out
    assert "Newton's gravitation" in out and "epoch" in out.lower()
    assert "F = G*m1*m2/r**2" in out and "solved" in out


def test_fit_takes_a_column_of_dataset_labels_that_is_no_input(tmp_path, capsys):
    rng = np.random.default_rng(0)
    run = np.repeat(["north", "south", "west"], 40)
    x = rng.uniform(1, 3, len(run))
    offset = {"north": 1.5, "south": -2.0, "west": 4.0}
    frame = pd.DataFrame({"run": run, "x": x,
                          "y": 2.5 * x**2 + np.array([offset[r] for r in run])})
    path = tmp_path / "runs.csv"
    frame.to_csv(path, index=False)
    assert main(["fit", str(path), "--target", "y", "--groups", "run", "--operators",
                 "add,mul,n2", "--constants", "k=1", "--dataset-constants", "c=1",
                 "--max-evals", "5000", "--n-jobs", "1", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "best (*): y =" in out and all(label in out for label in offset)
    assert main(["fit", str(path), "--target", "y", "--groups", "Run", "--quiet"]) == 2
    assert "column named 'Run' for the dataset labels" in " ".join(capsys.readouterr().out.split())
