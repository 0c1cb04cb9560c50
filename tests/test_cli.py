import io

import numpy as np
import pandas as pd
import pytest

from rich.console import Console

from support import relativity_data

from lawfinder import LawRegressor, cli
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
    err = capsys.readouterr().err
    assert "error:" in err and words in err and "Traceback" not in err


def test_fit_saves_the_model_and_front_and_predict_applies_it(newton_csv, tmp_path, capsys):
    model, front = tmp_path / "model.json", tmp_path / "front.csv"
    assert main(["fit", str(newton_csv), *FIT, "--save", str(model), "--front", str(front)]) == 0
    table = pd.read_csv(front)
    assert list(table.columns[:3]) == ["complexity", "loss", "formula"]
    assert "G*m1*m2/r**2" in set(table["formula"])
    capsys.readouterr()
    # The data file holds the target already: the predictions get a column of their own.
    assert main(["predict", str(model), str(newton_csv)]) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out))
    data = pd.read_csv(newton_csv)
    assert list(out.columns) == [*data.columns, "F_predicted"]
    np.testing.assert_allclose(out["F_predicted"], data["F"], rtol=1e-9)


def test_predict_converts_header_units_and_reports_columns(newton_csv, tmp_path, capsys):
    model = tmp_path / "model.json"
    assert main(["fit", str(newton_csv), *FIT, "--save", str(model)]) == 0
    data = pd.read_csv(newton_csv).drop(columns="F")
    grams = data.assign(m1=data["m1"] * 1000, run=1).rename(columns={"m1": "m1 [g]"})
    grams.to_csv(tmp_path / "new.csv", index=False)
    out_path = tmp_path / "out.csv"
    assert main(["predict", str(model), str(tmp_path / "new.csv"), "--out", str(out_path)]) == 0
    err = capsys.readouterr().err
    assert "not used by the model: run" in err and "column 'F'" in err
    out = pd.read_csv(out_path)
    F = 6.123 * data["m1"] * data["m2"] / data["r"] ** 2
    np.testing.assert_allclose(out["F"], F, rtol=1e-9)


def test_predict_names_missing_columns(newton_csv, tmp_path, capsys):
    model = tmp_path / "model.json"
    assert main(["fit", str(newton_csv), *FIT, "--save", str(model)]) == 0
    pd.read_csv(newton_csv).drop(columns="r").to_csv(tmp_path / "new.csv", index=False)
    assert main(["predict", str(model), str(tmp_path / "new.csv")]) == 2
    assert "lacks the columns ['r']" in capsys.readouterr().err


def test_header_units_make_units_optional(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.uniform(1, 5, (200, 3))
    frame = pd.DataFrame(X, columns=["m1 [g]", "m2 [kg]", "r (m)"])
    frame["F [N]"] = 6.123 * X[:, 0] / 1000 * X[:, 1] / X[:, 2] ** 2
    frame.to_csv(tmp_path / "h.csv", index=False)
    args = ["fit", str(tmp_path / "h.csv"), "--target", "F", "--constants", "G=m^3/(kg*s^2)",
            "--max-evals", "300", "--quiet"]
    assert main(args) == 0
    assert "best (*): F = 6.123*m1*m2/r**2" in capsys.readouterr().out


def test_a_header_without_units_among_others_needs_them(tmp_path, capsys):
    pd.DataFrame({"x [m]": [1.0, 2, 3, 4], "t": [1.0, 2, 3, 5], "v [m/s]": [1.0, 1, 1, 0.8]}
                 ).to_csv(tmp_path / "h.csv", index=False)
    assert main(["fit", str(tmp_path / "h.csv"), "--target", "v", "--quiet"]) == 2
    assert "no units for column(s) t" in capsys.readouterr().err


def test_no_units_anywhere_prints_a_note(newton_csv, capsys):
    assert main(["fit", str(newton_csv), "--target", "F", "--max-evals", "100", "--quiet"]) == 0
    assert 'in the header as "x [m]"' in capsys.readouterr().out


def test_y_err_and_weights_columns_are_not_inputs(newton_csv, tmp_path, capsys):
    data = pd.read_csv(newton_csv)
    data.assign(dF=0.01 * data["F"]).to_csv(tmp_path / "e.csv", index=False)
    model = tmp_path / "m.json"
    assert main(["fit", str(tmp_path / "e.csv"), *FIT, "--y-err", "dF", "--save", str(model)]) == 0
    assert "propagated from y_err" in capsys.readouterr().out
    from lawfinder import LawRegressor
    assert LawRegressor.load(model).problem_.names == ("m1", "m2", "r")


def test_non_numeric_column_is_named(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("x,label,y\n1,a,2\n2,b,4\n3,c,7\n")
    assert main(["fit", str(path), "--target", "y", "--quiet"]) == 2
    assert "label" in capsys.readouterr().err


def test_missing_file_is_named(tmp_path, capsys):
    assert main(["fit", str(tmp_path / "nope.csv"), "--target", "y", "--quiet"]) == 2
    assert "nope.csv" in capsys.readouterr().err


def test_demo_runs_its_real_path_with_the_live_display(capsys, monkeypatch):
    """`lawfinder demo` on a tiny budget: the live display, then the table with the verdict."""
    monkeypatch.setattr(cli, "console", Console(width=160))   # a terminal as wide as the table
    assert main(["demo", "--law", "newton", "--max-evals", "600"]) == 0
    out = capsys.readouterr().out
    assert "Newton's gravitation" in out and "epoch" in out.lower()
    assert "F = G*m1*m2/r**2" in out and "solved" in out


def test_a_column_of_dataset_labels_is_no_input_to_fit_and_predict(tmp_path, capsys):
    rng = np.random.default_rng(0)
    run = np.repeat(["north", "south", "west"], 40)
    x = rng.uniform(1, 3, len(run))
    offset = {"north": 1.5, "south": -2.0, "west": 4.0}
    frame = pd.DataFrame({"run": run, "x": x,
                          "y": 2.5 * x**2 + np.array([offset[r] for r in run])})
    path = tmp_path / "runs.csv"
    frame.to_csv(path, index=False)
    model = tmp_path / "model.json"
    assert main(["fit", str(path), "--target", "y", "--groups", "run", "--operators",
                 "add,mul,n2", "--constants", "k=1", "--dataset-constants", "c=1",
                 "--max-evals", "5000", "--n-jobs", "1", "--quiet", "--save", str(model)]) == 0
    out = capsys.readouterr().out
    assert "best (*): y =" in out and all(label in out for label in offset)
    assert main(["predict", str(model), str(path), "--groups", "run"]) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out))
    np.testing.assert_allclose(out["y_predicted"], frame["y"], rtol=1e-9)
    assert main(["predict", str(model), str(path)]) == 2
    assert "pass groups=" in capsys.readouterr().err
    assert main(["fit", str(path), "--target", "y", "--groups", "Run", "--quiet"]) == 2
    assert "no column named 'Run'" in " ".join(capsys.readouterr().err.split())


@pytest.fixture
def relativity_csv(tmp_path):
    X, y = relativity_data()
    path = tmp_path / "relativity.csv"
    pd.DataFrame({"m": X[:, 0], "v": X[:, 1], "E": y}).to_csv(path, index=False)
    return path


RELATIVITY = ["--target", "E", "--units", "m=g, v=km/h, E=J", "--max-evals", "300",
              "--n-jobs", "1", "--quiet"]


def test_fit_takes_fixed_constants_with_units(relativity_csv, tmp_path, capsys):
    saved = tmp_path / "model.json"
    assert main(["fit", str(relativity_csv), *RELATIVITY, "--fixed-constants",
                 "1, pi, c=19.8 m/s", "--save", str(saved)]) == 0
    model = LawRegressor.load(saved)
    assert list(model.fixed_constants) == ["1", "pi", "c=19.8 m/s"]
    assert "c" in model.library_.names
    out = capsys.readouterr().out
    assert ("known constants: c = 19.8 m/s" in out) == bool(model.best_.known_constants)


@pytest.mark.parametrize("given, words", [
    ("1, speed_of_lite", "Did you mean speed_of_light"),
    ("c=fast m/s", "the value 'fast' is not a number"),
    (",,,", "--fixed-constants: nothing in ',,,'"),
    ("1, v=3 m/s", "fixed constant 'v' is requested"),
])
def test_bad_fixed_constants_are_one_clear_line(relativity_csv, capsys, given, words):
    assert main(["fit", str(relativity_csv), *RELATIVITY, "--fixed-constants", given]) == 2
    err = capsys.readouterr().err
    assert "error:" in err and words in err and "Traceback" not in err
