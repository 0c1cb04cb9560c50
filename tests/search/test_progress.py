"""The live progress display, in a terminal and in Jupyter (faked: no Jupyter is needed)."""

import builtins
import io
import sys
import types

import pytest
from rich.console import Console

from lawfinder.search.config import EpochStats
from lawfinder.search.progress import LiveProgress


def stats(epoch: int) -> EpochStats:
    return EpochStats(epoch=epoch, sampled=1000 * epoch, fitted=900 * epoch, elapsed=1.5,
                      best_nrmse=0.01, best="G*m1*m2/r**2", valid_fraction=1.0,
                      top_reward=0.9)


@pytest.fixture
def notebook(monkeypatch) -> list[str]:
    """IPython's display and ipywidgets' Output, which rich's Live draws with in Jupyter,
    faked; returns the texts displayed (not blank), last drawn last."""
    shown: list[str] = []

    class Output:
        def __enter__(self):
            return self

        def __exit__(self, *error):
            return None

        def clear_output(self, wait=False):
            return None

    display = types.ModuleType("IPython.display")
    display.display = lambda obj: shown.extend([obj.text] if getattr(obj, "text", "").strip()
                                               else [])
    ipython = types.ModuleType("IPython")
    ipython.display = display
    widgets = types.ModuleType("ipywidgets")
    widgets.Output = Output
    for name, module in (("IPython", ipython), ("IPython.display", display),
                         ("ipywidgets", widgets)):
        monkeypatch.setitem(sys.modules, name, module)
    return shown


def test_the_console_is_made_so_that_rich_detects_jupyter(monkeypatch):
    kernel = type("ZMQInteractiveShell", (), {})()   # what a Jupyter kernel's get_ipython gives
    monkeypatch.setattr(builtins, "get_ipython", lambda: kernel, raising=False)
    assert LiveProgress().console.is_jupyter


def test_in_jupyter_the_last_epoch_is_drawn(notebook):
    console = Console(force_jupyter=True, width=100)
    with LiveProgress("run", console=console) as progress:
        progress(stats(7), None)
    assert "epoch" in notebook[-1] and "7000 sampled" in notebook[-1].replace(",", "")


def test_in_a_terminal_the_last_epoch_is_drawn():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, force_jupyter=False, width=100)
    with LiveProgress("run", console=console) as progress:
        progress(stats(7), None)
    assert "7,000 sampled" in out.getvalue()
