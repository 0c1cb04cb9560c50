"""Shared fixtures for the campaign machinery: tasks and results made without any search."""

from __future__ import annotations

import pytest

from lawfinder.benchmarks.tasks import Result, Task


def make_task(problem: str = "I.12.1", **fields) -> Task:
    base = {"method": "lawfinder", "suite": "feynman", "problem": problem, "noise": 0.0, "seed": 0,
                "time_limit": 20.0, "max_evals": 10_000, "n_points": 500}
    return Task(**{**base, **fields})


@pytest.fixture
def task():
    """A factory of Tasks: task(problem, field=value, ...)."""
    return make_task


@pytest.fixture
def finished():
    """A factory of judged Results: finished(task, verdict=..., r2=..., ...)."""
    def make(task: Task, verdict: str = "solved", r2: float = 1.0, wall: float = 3.0,
             evals: int = 1000, formula: str = "Nn*mu") -> Result:
        return Result(task, verdict, r2, r2 > 0.999, wall, evals, formula)
    return make


@pytest.fixture
def crashed():
    """A factory of crashed Results."""
    def make(task: Task, error: str = "Traceback ...\nRuntimeError: boom") -> Result:
        return Result(task, error=error)
    return make
