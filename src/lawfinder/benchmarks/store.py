"""Benchmark results in SQLite: one row per finished task, keyed by the task's key.

Each row is committed on its own, so a campaign killed at any moment loses only the runs
that were still going; rerunning it skips every task with a row.
"""

from __future__ import annotations

import dataclasses
import datetime
import sqlite3
from os import PathLike
from pathlib import Path

import pandas as pd

from lawfinder.benchmarks.tasks import Result
from lawfinder.errors import LawfinderError

TABLE = "results"
COLUMNS: dict[str, str] = {
    "key": "TEXT PRIMARY KEY",
    "method": "TEXT NOT NULL",
    "suite": "TEXT NOT NULL",
    "problem": "TEXT NOT NULL",
    "noise": "REAL NOT NULL",
    "seed": "INTEGER NOT NULL",
    "time_limit": "REAL NOT NULL",
    "max_evals": "INTEGER",
    "n_points": "INTEGER NOT NULL",
    "n_jobs": "INTEGER NOT NULL DEFAULT 1",   # added with islands: older files gain it
    "n_datasets": "INTEGER NOT NULL DEFAULT 1",   # added with the class suite, as n_jobs
    "class_units": "INTEGER NOT NULL DEFAULT 0",
    "verdict": "TEXT",             # 'solved', 'not solved', 'not judged'; NULL if crashed
    "r2": "REAL",
    "accuracy_solution": "INTEGER",
    "wall": "REAL",
    "evals": "INTEGER",
    "formula": "TEXT",
    "error": "TEXT",               # traceback of a crashed run, else NULL
    "dataset_constants": "TEXT",   # class suite: fitted per-dataset constants (JSON)
    "finished_at": "TEXT NOT NULL",  # UTC, ISO 8601
}


class StoreError(LawfinderError):
    """The results file is missing, unreadable or not a lawfinder results file."""


class ResultStore:
    """A results file; `create=False` opens an existing one read-only (for reports).

    Use it in `with contextlib.closing(ResultStore(path)) as store:`.
    """

    def __init__(self, path: str | PathLike[str], *, create: bool = True):
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise StoreError(f"no results file {str(self.path)!r}; run a campaign with "
                             f"`lawfinder bench ... --results {self.path}` first")
        try:
            if create:
                self._db = sqlite3.connect(self.path)
                with self._db:
                    self._db.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} "
                                     f"({', '.join(f'{c} {t}' for c, t in COLUMNS.items())})")
                    have = {row[1] for row in self._db.execute(f"PRAGMA table_info({TABLE})")}
                    for column in COLUMNS.keys() - have:
                        self._db.execute(f"ALTER TABLE {TABLE} ADD COLUMN {column} "
                                         f"{COLUMNS[column]}")
            else:
                self._db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
                self._db.execute(f"SELECT key FROM {TABLE} LIMIT 1")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{str(self.path)!r} is not a lawfinder results file ({error}); "
                             "give the SQLite file a campaign wrote, or a new file name") from error

    def write(self, result: Result) -> None:
        """Insert the result's row, replacing an earlier one for the same task, and commit."""
        row = row_of(result)
        with self._db:  # one transaction per row: committed here or rolled back
            self._db.execute(f"INSERT OR REPLACE INTO {TABLE} ({', '.join(row)}) "
                             f"VALUES ({', '.join(':' + c for c in row)})", row)

    def done_keys(self, *, include_failed: bool = True) -> set[str]:
        """Keys of tasks with a row; without `include_failed`, crashed ones are left out."""
        where = "" if include_failed else " WHERE error IS NULL"
        return {key for (key,) in self._db.execute(f"SELECT key FROM {TABLE}{where}")}

    def frame(self) -> pd.DataFrame:
        """Every row, as a DataFrame with the columns of COLUMNS."""
        return pd.read_sql_query(f"SELECT * FROM {TABLE} ORDER BY key", self._db)

    def close(self) -> None:
        self._db.close()


def row_of(result: Result) -> dict[str, object]:
    """The SQLite row of a result: its task's fields and key, its outcome, the time now."""
    outcome = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)
               if f.name != "task"}
    return {"key": result.task.key, **dataclasses.asdict(result.task), **outcome,
            "finished_at": datetime.datetime.now(datetime.timezone.utc).isoformat()}
