"""The SQLite results store: one committed row per task, resumable, crashes recorded."""

import contextlib
import dataclasses
import sqlite3

import pytest

from lawfinder.benchmarks.store import COLUMNS, ResultStore, StoreError
from lawfinder.benchmarks.tasks import Result, Task


@pytest.fixture
def store(tmp_path):
    with contextlib.closing(ResultStore(tmp_path / "results.sqlite")) as opened:
        yield opened


def test_columns_cover_every_field_of_task_and_result():
    outcome = [f.name for f in dataclasses.fields(Result) if f.name != "task"]
    expected = ["key", *(f.name for f in dataclasses.fields(Task)), *outcome, "finished_at"]
    assert list(COLUMNS) == expected


def test_done_keys_are_the_written_tasks(store, task, finished, crashed):
    store.write(finished(task("I.12.1")))
    store.write(crashed(task("I.14.4")))
    assert store.done_keys() == {task("I.12.1").key, task("I.14.4").key}
    assert store.done_keys(include_failed=False) == {task("I.12.1").key}


def test_crash_is_recorded_with_its_error(store, task, crashed):
    store.write(crashed(task(), error="Traceback ...\nValueError: bad data"))
    row = store.frame().iloc[0]
    assert "ValueError: bad data" in row["error"]
    assert row["verdict"] is None and row["problem"] == "I.12.1"


def test_each_row_is_committed_when_written(tmp_path, task, finished):
    path = tmp_path / "results.sqlite"
    writer = ResultStore(path)
    writer.write(finished(task()))
    # Another connection sees the row while the writer is still open: nothing is lost if
    # the campaign is killed now.
    with contextlib.closing(sqlite3.connect(path)) as reader:
        assert reader.execute("SELECT count(*) FROM results").fetchone() == (1,)
    writer.close()


def test_a_failed_write_rolls_back_only_its_own_row(store, task, finished):
    store.write(finished(task("I.12.1")))
    unbindable = dataclasses.replace(finished(task("I.14.4")), formula=object())
    with pytest.raises(sqlite3.Error):
        store.write(unbindable)
    store.write(finished(task("I.25.13")))
    assert store.done_keys() == {task("I.12.1").key, task("I.25.13").key}


def test_a_retried_task_replaces_its_crashed_row(store, task, finished, crashed):
    store.write(crashed(task()))
    store.write(finished(task(), verdict="not solved", r2=0.5))
    frame = store.frame()
    assert len(frame) == 1 and frame.iloc[0]["verdict"] == "not solved"
    assert frame.iloc[0]["error"] is None


def test_values_round_trip(store, task, finished):
    store.write(finished(task(noise=0.01, max_evals=None), r2=float("-inf")))
    row = store.frame().iloc[0]
    assert row["r2"] == float("-inf") and row["noise"] == 0.01
    assert row["accuracy_solution"] == 0 and row["max_evals"] is None


def test_reading_a_missing_file_names_it(tmp_path):
    with pytest.raises(StoreError, match="no results file .*nope.sqlite"):
        ResultStore(tmp_path / "nope.sqlite", create=False)
    assert not (tmp_path / "nope.sqlite").exists()


@pytest.mark.parametrize("create", [True, False])
def test_a_file_that_is_not_sqlite_is_named(tmp_path, create):
    path = tmp_path / "notes.txt"
    path.write_text("not a database, but long enough to have a header " * 4)
    with pytest.raises(StoreError, match="notes.txt.*not a lawfinder results file"):
        ResultStore(path, create=create)


def test_a_file_written_before_islands_gains_their_column(tmp_path, task, finished):
    path = tmp_path / "old.sqlite"
    old = {c: t for c, t in COLUMNS.items() if c != "n_jobs"}
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute(f"CREATE TABLE results ({', '.join(f'{c} {t}' for c, t in old.items())})")
    with contextlib.closing(ResultStore(path)) as store:
        store.write(finished(dataclasses.replace(task(), n_jobs=2)))
        assert store.frame()["n_jobs"].tolist() == [2]
        assert store.frame()["key"].iloc[0].endswith("/jobs=2")
