"""Search checkpoints: saved atomically as the search runs, resumed only by the same run.

A checkpoint is a `torch.save` file of plain data (tensors, dicts, lists, tuples, numbers,
strings, bytes) read back with `weights_only=True`, so loading one runs no code from the
file. Besides the search state it holds a fingerprint of the run (a hash of the data, the
names, units and settings) so that a checkpoint is never resumed into another problem.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from lawfinder.search.atomic import write_atomically
from lawfinder.errors import CheckpointError
from lawfinder.data.problem import Problem

if TYPE_CHECKING:
    from lawfinder.search.loop import Search

FORMAT = "lawfinder-checkpoint"
VERSION = 1


def fingerprint(problem: Problem, settings: Mapping[str, Any]) -> dict[str, str]:
    """What a run is, as texts to compare: a hash of the data, the names, units and settings.

    Each part is kept apart so that a mismatch can be named.
    """
    data = hashlib.sha256()
    grouping = () if problem.groups is None else (problem.groups,)
    for array in (problem.X, problem.y, problem.weights, *grouping):
        data.update(repr(array.shape).encode())
        data.update(np.ascontiguousarray(array).tobytes())
    datasets = {"datasets": problem.datasets} if problem.datasets else {}
    parts = {"data": data.hexdigest(), "names": problem.names, "target_name": problem.target_name,
             "units": problem.units, "target_units": problem.target_units, **datasets,
             **settings}
    return {key: json.dumps(value, default=repr) for key, value in parts.items()}


class Checkpoint:
    """A search's checkpoint file: resumed from, saved every `every` seconds (checked
    between epochs) and once more when the search ends, Ctrl-C included."""

    def __init__(self, path: str | os.PathLike[str], fingerprint: dict[str, str],
                 every: float = 10.0):
        self.path = Path(path)
        if not self.path.parent.is_dir():
            raise CheckpointError(f"cannot write the checkpoint {str(self.path)!r}: the folder "
                                  f"{str(self.path.parent)!r} does not exist; create it first")
        if not every > 0:
            raise CheckpointError(f"checkpoint_every must be > 0 seconds, got {every!r}")
        self.fingerprint, self.every = fingerprint, every
        self._saved_at = time.monotonic()

    def run(self, search: Search, resume: bool,
            run: Callable[[Callable[[], None]], object] | None = None) -> None:
        """Run `search` to its end, saving as it goes; with `resume`, first continue it from
        the file, or start afresh (with a warning) if there is no file yet. `run(save)`
        runs it, calling `save` between epochs (by default `search.run`; islands save
        island 0, which holds every island's front, between rounds)."""
        if resume and not self.restore(search):
            warnings.warn(f"no checkpoint {str(self.path)!r} to resume from: starting a new "
                          "search", stacklevel=3)
        (run or search.run)(lambda: self._save_if_due(search))
        self.save(search)

    def save(self, search: Search) -> None:
        """Write the search's state, atomically: a crash leaves the old file or the new one."""
        document = {"format": FORMAT, "version": VERSION, "fingerprint": self.fingerprint,
                    "search": search.state_dict()}
        try:
            write_atomically(self.path, lambda handle: torch.save(document, handle))
        except OSError as exc:
            raise CheckpointError(f"cannot write the checkpoint {str(self.path)!r}: "
                                  f"{exc.strerror or exc}; check the disk space and that the "
                                  "folder is writable") from exc
        self._saved_at = time.monotonic()

    def restore(self, search: Search) -> bool:
        """Load the saved state into `search`; False if there is no file."""
        where = str(self.path)
        try:
            document = torch.load(self.path, weights_only=True)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise CheckpointError(f"cannot read the checkpoint {where!r}: "
                                  f"{exc.strerror or exc}; check the path") from exc
        except (pickle.UnpicklingError, EOFError, RuntimeError) as exc:
            raise CheckpointError(f"{where!r} is not a lawfinder checkpoint or is damaged "
                                  f"({type(exc).__name__}); give a file written by "
                                  "fit(checkpoint=...), or resume=False to start over") from exc
        self._check(document)
        try:
            search.load_state_dict(document["search"])
        except (KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise CheckpointError(f"the checkpoint {where!r} does not fit this search ({exc}); "
                                  "it may come from another lawfinder version; use "
                                  "resume=False to start over") from exc
        self._saved_at = time.monotonic()
        return True

    def _save_if_due(self, search: Search) -> None:
        if time.monotonic() - self._saved_at >= self.every:
            self.save(search)

    def _check(self, document: Any) -> None:
        """Refuse files of another format or version, and checkpoints of another run."""
        where = str(self.path)
        if not (isinstance(document, dict) and document.get("format") == FORMAT):
            raise CheckpointError(f"{where!r} is not a lawfinder checkpoint; give a file "
                                  "written by fit(checkpoint=...)")
        if document.get("version") != VERSION:
            raise CheckpointError(f"{where!r} is a checkpoint of format version "
                                  f"{document.get('version')!r}, but this lawfinder reads "
                                  f"version {VERSION}; resume it with the lawfinder that wrote "
                                  "it, or use resume=False to start over")
        saved = document.get("fingerprint", {})
        differences = [_difference(key, saved.get(key), self.fingerprint.get(key))
                       for key in dict.fromkeys([*self.fingerprint, *saved])
                       if saved.get(key) != self.fingerprint.get(key)]
        if differences:
            raise CheckpointError(f"the checkpoint {where!r} was made for another run: "
                                  f"{'; '.join(differences)}; resume with the same data and "
                                  "settings, or use resume=False (or another checkpoint path) "
                                  "to start a new search")


def _difference(key: str, saved: str | None, now: str | None) -> str:
    if key == "data":
        return "the data (X, y or weights) differ"
    return f"{key} was {saved or 'not set'}, now {now or 'not set'}"
