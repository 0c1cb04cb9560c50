"""`lawfinder bench` and `lawfinder bench report`: parsing of both forms and clear errors."""

import pytest

from lawfinder.benchmarks.store import ResultStore
from lawfinder.cli import _parser, main


def test_run_and_report_forms_both_parse():
    run = _parser().parse_args(["bench", "--suite", "feynman", "--seeds", "0-4",
                                "--noise", "0,0.01", "--results", "r.sqlite"])
    assert run.bench_command is None and run.suite == "feynman" and run.results == "r.sqlite"
    report = _parser().parse_args(["bench", "report", "r.sqlite", "--plot", "out.png"])
    assert report.bench_command == "report"
    assert (report.report_file, report.plot, report.paired) == ("r.sqlite", "out.png", False)
    both = _parser().parse_args(["bench", "report", "r.sqlite", "--paired", "--by-problem"])
    assert both.paired and both.by_problem


def test_the_class_suite_options_parse():
    run = _parser().parse_args(["bench", "--suite", "class", "--datasets", "1,10",
                                "--with-units"])
    assert (run.suite, run.datasets, run.with_units, run.n_points) == ("class", "1,10", True,
                                                                       None)
    plain = _parser().parse_args(["bench", "--suite", "class"])
    assert (plain.datasets, plain.with_units) == ("1", False)


@pytest.mark.parametrize("args, words", [
    ([], "--suite feynman"),
    (["--suite", "srbench"], "unknown benchmark suite"),
    (["--suite", "feynman", "--noise", "0,x"], "--noise"),
    (["--suite", "feynman", "--noise", "-0.1"], "--noise"),
    (["--suite", "feynman", "--seeds", "4-0"], "--seeds"),
    (["--suite", "feynman", "--problems", "I.6.2z"], "did you mean"),
    (["--suite", "feynman", "--methods", "lawfinder,eureqa"], "eureqa"),
    (["--suite", "demos", "--sample", "4"], "--sample"),
    (["--suite", "class", "--datasets", "1,0"], "--datasets"),
    (["--suite", "feynman", "--datasets", "10"], "--suite class"),
])
def test_bad_options_are_one_clear_line_and_exit_2(tmp_path, capsys, args, words):
    results = tmp_path / "results.sqlite"
    assert main(["bench", *args, "--results", str(results)]) == 2
    out = capsys.readouterr().err
    assert "error:" in out and words in out and "Traceback" not in out
    assert not results.exists()  # rejected before anything ran


def test_report_of_a_missing_file_is_an_error(tmp_path, capsys):
    assert main(["bench", "report", str(tmp_path / "none.sqlite")]) == 2
    assert "no results file" in capsys.readouterr().err


def test_report_prints_the_table(tmp_path, capsys, task, finished):
    path = tmp_path / "results.sqlite"
    store = ResultStore(path)
    store.write(finished(task()))
    store.close()
    assert main(["bench", "report", str(path), "--plot", str(tmp_path / "f.png")]) == 0
    out = capsys.readouterr().out
    assert "feynman" in out and "lawfinder" in out and (tmp_path / "f.png").is_file()
    assert main(["bench", "report", str(path), "--paired"]) == 0
    assert "tasks every method ran" in capsys.readouterr().out
