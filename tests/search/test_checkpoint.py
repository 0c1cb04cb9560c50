"""Checkpoints: state round trips, atomic writes, refusal of other runs, and a real kill -9."""

import io
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch

from support import NEWTON, newton_data, newton_search

from lawfinder import CheckpointError, LawfinderError, LawRegressor
from lawfinder.search.atomic import write_atomically
from lawfinder.search.front import LOSS_ATOL, LOSS_RTOL
from lawfinder.search.checkpoint import Checkpoint
from lawfinder.cli import main


def _model(**kw):
    params = dict(free_constants={"G": "m^3/(kg*s^2)"}, batch_size=100, random_state=0,
                  target_nrmse=0.0)
    return LawRegressor(**{**params, **kw})


@pytest.fixture
def one_thread():
    """As in Search.run: several threads only slow the small policy down."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _through_a_file(state):
    """What torch.save then torch.load(weights_only=True) give back: plain data only."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


def _entries(hall, with_time=True):
    return [(e.tokens, e.constants.tolist(), e.nrmse, e.complexity,
             e.found_at if with_time else None) for e in hall.best.values()]


def _untimed(history):
    return [replace(stats, elapsed=0.0) for stats in history]


def _same_fronts(a, b):
    return ([(f.tokens, f.scaled_constants.tolist(), f.nrmse) for f in a.pareto_]
            == [(f.tokens, f.scaled_constants.tolist(), f.nrmse) for f in b.pareto_])


# --- state round trip -------------------------------------------------------------------

@pytest.mark.usefixtures("one_thread")
def test_a_loaded_search_is_the_saved_one_and_goes_on_identically():
    original = newton_search(seed=0)
    for _ in range(3):
        original.step()
    state = _through_a_file(original.state_dict())
    global_state = torch.get_rng_state()

    resumed = newton_search(seed=1)  # the state overrides all that the seed drew
    resumed.load_state_dict(state)
    assert torch.equal(torch.get_rng_state(), global_state)  # the caller's generator untouched
    assert _entries(resumed.hall) == _entries(original.hall)
    assert resumed.cache.keys() == original.cache.keys()
    assert all(np.array_equal(resumed.cache[k][0], c) and resumed.cache[k][1] == e
               for k, (c, e) in original.cache.items())
    assert resumed.history == original.history
    assert (resumed.epoch, resumed.sampled, resumed.scored) == (3, original.sampled,
                                                               original.scored)
    assert resumed.simplest_exact == original.simplest_exact is not None
    assert np.array_equal(resumed.scorer.fit_rows, original.scorer.fit_rows)
    assert np.array_equal(resumed.scorer.score_rows, original.scorer.score_rows)
    assert resumed._elapsed() >= state["elapsed"]

    for _ in range(2):
        assert replace(resumed.step(), elapsed=0.0) == replace(original.step(), elapsed=0.0)
    assert _entries(resumed.hall, with_time=False) == _entries(original.hall, with_time=False)
    assert resumed.rng.random() == original.rng.random()
    assert torch.equal(torch.rand(2, generator=resumed.generator),
                       torch.rand(2, generator=original.generator))


@pytest.mark.usefixtures("one_thread")
def test_state_dict_is_a_snapshot():
    search = newton_search(seed=0)
    search.step()
    state = search.state_dict()
    weights = {k: v.clone() for k, v in state["policy"].items()}
    search.step()
    assert all(torch.equal(state["policy"][k], v) for k, v in weights.items())


def test_a_resumed_fit_ends_as_an_uninterrupted_one(tmp_path):
    X, y = newton_data()
    path = tmp_path / "run.ckpt"
    first = _model(max_evals=800).fit(X, y, **NEWTON, checkpoint=path)
    resumed = _model(max_evals=1400).fit(X, y, **NEWTON, checkpoint=path, resume=True)
    whole = _model(max_evals=1400).fit(X, y, **NEWTON)
    assert _same_fronts(resumed, whole)
    assert resumed.n_evals_ == whole.n_evals_ > first.n_evals_
    assert _untimed(resumed.history_) == _untimed(whole.history_)
    assert resumed.history_[:len(first.history_)] == first.history_
    assert resumed.history_[-1].elapsed > first.history_[-1].elapsed


def test_max_time_counts_the_time_before_the_resume(tmp_path):
    X, y = newton_data()
    path = tmp_path / "run.ckpt"
    first = _model(max_evals=300).fit(X, y, **NEWTON, checkpoint=path)
    spent = first.history_[-1].elapsed
    again = _model(max_time=spent / 2).fit(X, y, **NEWTON, checkpoint=path, resume=True)
    assert again.n_evals_ == first.n_evals_
    assert _same_fronts(again, first)


# --- atomic writes ----------------------------------------------------------------------

class _Failure(Exception):
    pass


@pytest.mark.parametrize("failure", [_Failure, KeyboardInterrupt])
def test_a_write_that_fails_midway_leaves_the_old_file(tmp_path, failure):
    path = tmp_path / "file"
    path.write_bytes(b"old")

    def half_then_fail(handle):
        handle.write(b"new, half written")
        raise failure

    with pytest.raises(failure):
        write_atomically(path, half_then_fail)
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["file"]


def test_a_failed_fsync_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "file"
    path.write_bytes(b"old")

    def fail(descriptor):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError):
        write_atomically(path, lambda handle: handle.write(b"new"))
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["file"]


class _FakeSearch:
    """Stands in for a Search: only state_dict and load_state_dict are used by Checkpoint."""

    def __init__(self, state=None):
        self.state = state

    def state_dict(self):
        return self.state

    def load_state_dict(self, state):
        self.state = state


def test_a_checkpoint_that_fails_midway_leaves_the_old_one(tmp_path, monkeypatch):
    path = tmp_path / "run.ckpt"
    Checkpoint(path, {"data": "a"}).save(_FakeSearch({"epoch": 1}))
    real_save = torch.save

    def half_then_fail(obj, handle):
        buffer = io.BytesIO()
        real_save(obj, buffer)
        handle.write(buffer.getvalue()[:100])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(torch, "save", half_then_fail)
    with pytest.raises(CheckpointError, match="No space left"):
        Checkpoint(path, {"data": "a"}).save(_FakeSearch({"epoch": 2}))
    monkeypatch.undo()
    restored = _FakeSearch()
    assert Checkpoint(path, {"data": "a"}).restore(restored)
    assert restored.state == {"epoch": 1}
    assert os.listdir(tmp_path) == ["run.ckpt"]


# --- refusals ---------------------------------------------------------------------------

def test_a_checkpoint_of_another_run_is_refused_and_the_mismatch_named(tmp_path):
    path = tmp_path / "run.ckpt"
    Checkpoint(path, {"data": "a", "batch_size": "100"}).save(_FakeSearch({}))
    with pytest.raises(CheckpointError, match=r"data \(X, y or weights\) differ; batch_size "
                                              r"was 100, now 200"):
        Checkpoint(path, {"data": "b", "batch_size": "200"}).restore(_FakeSearch())


def test_resuming_other_data_or_settings_is_refused(tmp_path):
    X, y = newton_data()
    path = tmp_path / "run.ckpt"
    _model(max_evals=200).fit(X, y, **NEWTON, checkpoint=path)
    with pytest.raises(CheckpointError, match="data"):
        _model(max_evals=300).fit(X, 2 * y, **NEWTON, checkpoint=path, resume=True)
    with pytest.raises(CheckpointError, match="batch_size was 100, now 120"):
        _model(max_evals=300, batch_size=120).fit(X, y, **NEWTON, checkpoint=path, resume=True)
    with pytest.raises(CheckpointError, match="units"):
        _model(max_evals=300).fit(X, y, **{**NEWTON, "units": ["kg", "kg", "km"]},
                                  checkpoint=path, resume=True)


def test_a_grouped_fit_resumes_and_other_groups_are_refused(tmp_path):
    X, y = newton_data()
    groups = np.arange(len(y)) % 3
    path = tmp_path / "run.ckpt"
    grouped = dict(dataset_constants={"k": "1"}, n_jobs=1)
    _model(max_evals=200, **grouped).fit(X, y, **NEWTON, groups=groups, checkpoint=path)
    resumed = _model(max_evals=300, **grouped).fit(X, y, **NEWTON, groups=groups,
                                                   checkpoint=path, resume=True)
    assert resumed.n_evals_ >= 300 and resumed.best_.dataset_constants.shape[0] == 3
    with pytest.raises(CheckpointError, match="data"):
        _model(max_evals=300, **grouped).fit(X, y, **NEWTON, groups=(groups + 1) % 3,
                                             checkpoint=path, resume=True)


@pytest.mark.parametrize("content", [b"", b"not a checkpoint", b"PK\x03\x04 torn zip"])
def test_a_file_that_is_no_checkpoint_is_refused(tmp_path, content):
    path = tmp_path / "run.ckpt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match="not a lawfinder checkpoint"):
        Checkpoint(path, {}).restore(_FakeSearch())


def test_resume_without_a_file_starts_fresh_with_a_warning(tmp_path):
    X, y = newton_data()
    path = tmp_path / "run.ckpt"
    with pytest.warns(UserWarning, match="starting a new search"):
        model = _model(max_evals=200).fit(X, y, **NEWTON, checkpoint=path, resume=True)
    assert path.exists() and model.history_[0].epoch == 1


def test_bad_checkpoint_arguments_are_refused_before_the_search(tmp_path):
    X, y = newton_data()
    with pytest.raises(LawfinderError, match="needs checkpoint=PATH"):
        _model(max_evals=200).fit(X, y, **NEWTON, resume=True)
    with pytest.raises(CheckpointError, match="does not exist"):
        _model(max_evals=200).fit(X, y, **NEWTON, checkpoint=tmp_path / "no" / "run.ckpt")
    with pytest.raises(CheckpointError, match="checkpoint_every"):
        _model(max_evals=200).fit(X, y, **NEWTON, checkpoint=tmp_path / "run.ckpt",
                                  checkpoint_every=0)


def test_cli_checkpoint_and_resume(tmp_path):
    X, y = newton_data()
    csv, path = tmp_path / "newton.csv", tmp_path / "run.ckpt"
    pd.DataFrame({"m1": X[:, 0], "m2": X[:, 1], "r": X[:, 2], "F": y}).to_csv(csv, index=False)
    args = ["fit", str(csv), "--target", "F", "--units", "m1=kg, m2=kg, r=m, F=N",
            "--constants", "G=m^3/(kg*s^2)", "--quiet", "--checkpoint", str(path)]
    assert main([*args, "--max-evals", "200"]) == 0
    first = torch.load(path, weights_only=True)["search"]["sampled"]
    # One epoch (enumerated, sampled and mutated formulas) passes 1000: resume past it.
    assert main([*args, "--max-evals", "3000", "--resume"]) == 0
    assert torch.load(path, weights_only=True)["search"]["sampled"] > first


# --- the real thing: kill -9 and resume ---------------------------------------------------

_SCRIPT = """
import sys
import numpy as np
from lawfinder import LawRegressor

data = np.load(sys.argv[1])
LawRegressor(free_constants={"G": "m^3/(kg*s^2)"}, batch_size=100, random_state=0,
             target_nrmse=0.0, max_time=60, max_evals=10**9).fit(
    data["X"], data["y"], names=["m1", "m2", "r"], units=["kg", "kg", "m"],
    target_units="N", checkpoint=sys.argv[2], checkpoint_every=0.5)
"""


def _wait_for_a_rewrite(path, process, timeout=30.0):
    """Wait until `path` exists and has been replaced at least once since."""
    deadline, first = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the search process ended early: {process.stderr.read()}")
        if path.exists():
            mtime = path.stat().st_mtime_ns
            if first is None:
                first = mtime
            elif mtime != first:
                return
        time.sleep(0.05)
    pytest.fail(f"{path} was not written twice within {timeout} s")


def test_a_search_killed_with_sigkill_resumes_without_losing_anything(tmp_path):
    X, y = newton_data()
    data, path, script = tmp_path / "data.npz", tmp_path / "run.ckpt", tmp_path / "search.py"
    np.savez(data, X=X, y=y)
    script.write_text(_SCRIPT)
    process = subprocess.Popen([sys.executable, str(script), str(data), str(path)],
                               stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_a_rewrite(path, process)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    killed = torch.load(path, weights_only=True)["search"]

    model = _model(max_time=60, max_evals=killed["sampled"] + 300).fit(
        X, y, **NEWTON, checkpoint=path, resume=True)
    final = torch.load(path, weights_only=True)["search"]
    hall = {e["complexity"]: e["nrmse"] for e in final["hall"]}
    for entry in killed["hall"]:
        assert hall[entry["complexity"]] <= entry["nrmse"]
        # The front keeps a simpler row for equal losses, equal to the front's tolerance.
        assert any(f.complexity <= entry["complexity"]
                   and f.nrmse <= entry["nrmse"] * (1 + LOSS_RTOL) + LOSS_ATOL
                   for f in model.pareto_)
    assert model.n_evals_ > killed["sampled"]
    assert final["epoch"] > killed["epoch"] and final["elapsed"] > killed["elapsed"]
    assert [s.epoch for s in model.history_] == list(range(1, final["epoch"] + 1))
    assert [s.sampled for s in model.history_[:killed["epoch"]]] == [
        s["sampled"] for s in killed["history"]]
