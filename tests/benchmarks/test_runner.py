"""Campaign runs: resume after a kill, optional methods, and one real smoke run on Dask."""

import contextlib
import io

import pytest
import sympy
from rich.console import Console

from lawfinder.benchmarks import methods
from lawfinder.benchmarks.campaign import Campaign
from lawfinder.benchmarks.judge import parse
from lawfinder.benchmarks.runner import _result_of, run_campaign
from lawfinder.benchmarks.store import ResultStore

# Nothing listens here: a run that tried to reach a cluster would fail.
NO_CLUSTER = "tcp://127.0.0.1:9"


def _campaign(*problems, methods=("lawfinder",)):
    return Campaign("feynman", problems, methods=methods, time_limit=20.0, max_evals=12_000,
                    n_points=500)


def _prefill(path, results):
    with contextlib.closing(ResultStore(path)) as store:
        for result in results:
            store.write(result)


def _quiet():
    return Console(file=io.StringIO(), width=200)


def test_a_finished_campaign_runs_nothing_again(tmp_path, finished, crashed):
    campaign = _campaign("I.12.1", "I.14.4", "I.29.4")
    first, second, third = campaign.tasks()
    path = tmp_path / "results.sqlite"
    _prefill(path, [finished(first), finished(second), crashed(third)])
    summary = run_campaign(campaign, path, scheduler=NO_CLUSTER, console=_quiet())
    assert (summary.total, summary.already_done, summary.ran) == (3, 3, 0)


def test_a_missing_optional_method_is_said_once_and_its_tasks_stay_pending(
        tmp_path, monkeypatch, finished):
    monkeypatch.setitem(methods.OPTIONAL_MODULES, "physo", "lawfinder_test_no_such_module")
    campaign = _campaign("I.12.1", "I.14.4", methods=("lawfinder", "physo"))
    ours = [t for t in campaign.tasks() if t.method == "lawfinder"]
    path = tmp_path / "results.sqlite"
    _prefill(path, [finished(t) for t in ours])
    console = _quiet()
    summary = run_campaign(campaign, path, scheduler=NO_CLUSTER, console=console)
    assert (summary.unavailable, summary.already_done, summary.ran) == (2, 2, 0)
    assert console.file.getvalue().count("physo is not installed") == 1
    with contextlib.closing(ResultStore(path)) as store:
        assert store.done_keys() == {t.key for t in ours}


@pytest.mark.slow
def test_smoke_campaign_on_a_local_dask_cluster_resumes_a_killed_one(tmp_path, finished, crashed):
    """As if a campaign had been killed: I.12.1 finished, I.29.4 crashed, I.14.4 never ran.
    The rerun (retrying crashes) runs the last two on 2 worker processes and keeps the first."""
    campaign = _campaign("I.12.1", "I.14.4", "I.29.4")
    kept, _, retried = campaign.tasks()
    path = tmp_path / "results.sqlite"
    _prefill(path, [finished(kept, formula="prefilled"), crashed(retried)])
    summary = run_campaign(campaign, path, workers=2, retry_failed=True, console=_quiet())
    assert (summary.already_done, summary.ran, summary.failed) == (1, 2, 0)
    with contextlib.closing(ResultStore(path)) as store:
        rows = store.frame().set_index("problem")
    assert set(rows.index) == {"I.12.1", "I.14.4", "I.29.4"}
    assert rows.loc["I.12.1", "formula"] == "prefilled"
    for problem in ("I.14.4", "I.29.4"):
        row = rows.loc[problem]
        assert row["error"] is None, row["error"]
        assert row["verdict"] in ("solved", "not solved", "not judged")
        assert -float("inf") <= row["r2"] <= 1.0 and row["accuracy_solution"] == (row["r2"] > 0.999)
        assert row["wall"] > 0 and row["evals"] > 0
        assert isinstance(parse(row["formula"]), sympy.Expr)


def test_a_task_lost_with_its_worker_is_recorded_as_crashed(task):
    class LostFuture:
        def result(self):
            raise RuntimeError("worker died")

    result = _result_of(LostFuture(), task())
    assert result.failed and result.error == "RuntimeError: worker died"
