"""The worked example of docs/: its code is its script's, and the script runs (on a tiny
budget here, not the doc's 30 s)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "docs" / "example_escape_velocity.py"
DOC = ROOT / "docs" / "example_escape_velocity.md"
BUDGET = "max_time=30"


def cells() -> list[str]:
    """The script's cells: what follows each '# %%' line."""
    return [cell.strip() for cell in SCRIPT.read_text(encoding="utf-8").split("# %%\n")[1:]]


def test_the_doc_shows_the_scripts_code_cell_by_cell():
    shown = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert [block.strip() for block in shown] == cells()


def test_the_script_runs_end_to_end(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)   # the script reads docs/data/ from the repository's root
    code = "\n\n".join(cells())
    assert BUDGET in code
    namespace: dict = {}
    exec(code.replace(BUDGET, "max_evals=300, batch_size=100, n_jobs=1"), namespace)
    assert list(namespace["table"]["body"])[:3] == ["Mercury", "Venus", "Earth"]
    assert namespace["model"].problem_.units == ("1e24 kg", "km")
    assert namespace["model"]._repr_html_().count("$v_{esc} = ") == len(namespace["model"].pareto_)
    assert "chi2 = " in capsys.readouterr().out
    assert namespace["G"] == pytest.approx(6.674e-11, rel=0.01)
