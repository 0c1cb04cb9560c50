"""Live progress of a search in the terminal or a Jupyter notebook, drawn with rich; it
observes from outside. In Jupyter, rich draws with ipywidgets, and without them only warns."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.table import Table

from lawfinder.search.hall_of_fame import HallOfFame
from lawfinder.search.config import EpochStats


class LiveProgress:
    """A search callback that redraws epoch, evaluations and the best formula so far."""

    def __init__(self, title: str = "lawfinder", console: Console | None = None):
        self.title = title
        self.console = console or Console()
        self.live = Live(self._table(None), console=self.console, refresh_per_second=4,
                         transient=False)

    def __enter__(self) -> LiveProgress:
        self.live.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.console.is_jupyter:   # there rich's Live leaves the last update undrawn
            self.live.refresh()
        self.live.__exit__(kind, error, trace)

    def __call__(self, stats: EpochStats, hall: HallOfFame) -> None:
        self.live.update(self._table(stats))

    def _table(self, stats: EpochStats | None) -> Table:
        table = Table(title=self.title, show_header=False, box=None)
        if stats is None:
            table.add_row("starting", "")
            return table
        rate = stats.sampled / max(stats.elapsed, 1e-9)
        table.add_row("epoch", f"{stats.epoch}" + (f" ({stats.islands} islands)"
                                                   if stats.islands > 1 else ""))
        table.add_row("evaluations", f"{stats.sampled:,} sampled, {stats.fitted:,} distinct "
                                     f"({rate:,.0f}/s)")
        table.add_row("time", f"{stats.elapsed:.1f} s")
        table.add_row("best NRMSE", f"{stats.best_nrmse:.3g}")
        table.add_row("best formula", stats.best)
        return table
