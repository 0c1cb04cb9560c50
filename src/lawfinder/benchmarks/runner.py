"""Run a campaign on Dask: skip finished tasks, save each result the moment it arrives.

Stop it at any time (Ctrl-C, a killed job): every result that arrived is in the SQLite
file, and running the same campaign again runs only what is missing.
"""

from __future__ import annotations

import contextlib
import datetime
import os
from collections.abc import Iterator
from dataclasses import dataclass
from os import PathLike
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from lawfinder.benchmarks.campaign import Campaign
from lawfinder.benchmarks.methods import OPTIONAL_MODULES, unavailable
from lawfinder.benchmarks.store import ResultStore
from lawfinder.benchmarks.tasks import Result, Task, ensure_can_judge, run_task
from lawfinder.errors import LawfinderError


@dataclass(frozen=True)
class RunSummary:
    """What one invocation of a campaign did."""

    total: int          # tasks in the campaign
    already_done: int   # skipped: their row exists
    unavailable: int    # skipped: their method's package is not installed (still pending)
    ran: int            # finished now, crashed ones included
    failed: int         # of which crashed
    interrupted: bool   # stopped by Ctrl-C before the end


def run_campaign(campaign: Campaign, results: str | PathLike[str], *,
                 scheduler: str | None = None, workers: int | None = None,
                 retry_failed: bool = False, console: Console | None = None) -> RunSummary:
    """Run the campaign's unfinished tasks, writing each result to `results` as it completes.

    Without `scheduler`, a LocalCluster of `workers` single-threaded processes (default: one
    per core); with it, the Dask cluster at that address, whose workers must run with
    distributed.worker.daemon False. Crashed tasks count as finished unless `retry_failed`.
    """
    console = console or Console()
    tasks = campaign.tasks()
    missing = unavailable(campaign.methods)
    for method in missing:
        console.print(f"[yellow]{method} is not installed here (pip install "
                      f"{OPTIONAL_MODULES[method]}): its tasks are skipped and stay pending[/]")
    with contextlib.closing(ResultStore(results)) as store:
        done = store.done_keys(include_failed=not retry_failed)
        pending = [t for t in tasks if t.key not in done and t.method not in missing]
        skipped = sum(t.method in missing and t.key not in done for t in tasks)
        before = len(tasks) - len(pending) - skipped
        console.print(f"{len(tasks)} tasks: {before} done before, {skipped} skipped, "
                      f"{len(pending)} to run")
        ran, failed, interrupted = (_run_pending(pending, len(tasks), store, scheduler, workers,
                                                 console) if pending else (0, 0, False))
    return RunSummary(len(tasks), before, skipped, ran, failed, interrupted)


def _run_pending(pending: list[Task], total: int, store: ResultStore, scheduler: str | None,
                 workers: int | None, console: Console) -> tuple[int, int, bool]:
    """Run the tasks on Dask, writing each result as it arrives: (ran, crashed, interrupted)."""
    ran = failed = 0
    with _client(scheduler, workers) as client:
        client.run(ensure_can_judge)
        try:
            for result in _results(client, pending, total, console):
                store.write(result)
                ran, failed = ran + 1, failed + result.failed
        except KeyboardInterrupt:
            console.print(f"[yellow]interrupted: {ran} results saved in {store.path}; "
                          "run the same command again to resume[/]")
            return ran, failed, True
    return ran, failed, False


def _results(client: Any, pending: list[Task], total: int,
             console: Console) -> Iterator[Result]:
    """Submit the tasks and yield their results in the order they finish, with progress."""
    from distributed import as_completed

    futures = {client.submit(run_task, task, key=f"lawfinder-{task.key}", pure=False): task
               for task in pending}
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), _RateColumn())
    solved = 0
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task("benchmark", total=total, completed=total - len(pending), ran=0)
        for ran, future in enumerate(as_completed(futures), start=1):
            result = _result_of(future, futures.pop(future))
            solved += result.verdict == "solved"
            progress.console.print(_line(result), highlight=False)
            progress.update(bar, advance=1, ran=ran,
                            description=f"{solved} solved, {ran} run")
            yield result


def _result_of(future: Any, task: Task) -> Result:
    """The task's Result, or a crashed one when its worker died (KilledWorker) or the task
    was lost: recorded, and the campaign goes on."""
    try:
        return future.result()
    except Exception as error:  # noqa: BLE001
        return Result(task, error=f"{type(error).__name__}: {error}")


def _line(result: Result) -> str:
    """One log line per finished task."""
    key = result.task.key
    if result.failed:
        return f"[red]crashed[/] {key}: {escape(result.error.strip().splitlines()[-1])}"
    return (f"{result.verdict:<10} {key}: R2 = {result.r2:.6g}, {result.wall:.1f} s, "
            f"{result.evals} evals: {escape(result.formula)}")


class _RateColumn(ProgressColumn):
    """Tasks per hour in this invocation, and the time the rest will take at that rate."""

    def render(self, task: Any) -> Text:
        ran, elapsed = task.fields.get("ran", 0), task.elapsed or 0.0
        if not ran:
            return Text("- tasks/h, ETA -")
        rate = ran / elapsed
        left = datetime.timedelta(seconds=round((task.total - task.completed) / rate))
        return Text(f"{rate * 3600:.1f} tasks/h, ETA {left}")


@contextlib.contextmanager
def _client(scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """A Dask client: of the cluster at `scheduler`, or of a LocalCluster made for this run."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as error:
        raise LawfinderError(f"benchmark campaigns need Dask ({error}); "
                             "pip install 'lawfinder[bench]'") from error
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=30)
        except OSError as error:
            raise LawfinderError(f"cannot reach the Dask scheduler at {scheduler!r} ({error}); "
                                 "check the address the cluster printed") from error
        with client:
            yield client
        return
    if workers is not None and workers < 1:
        raise LawfinderError(f"--workers must be >= 1, got {workers}")
    # The recovery judge runs SymPy in a child process it can kill on timeout, and Dask's
    # worker processes are daemons by default, which may not have children. The nanny reads
    # this setting each time it starts a worker, so it stays set while the cluster lives.
    with dask.config.set({"distributed.worker.daemon": False}), \
            LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                         processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client
