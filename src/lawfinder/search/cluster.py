"""Islands on the workers of a Dask cluster: each island a Dask actor on a worker of its own.

The rounds are those of the local islands (`islands`), over Dask's connections instead of
pipes. A worker runs its actors in one thread, and a search holds the GIL, so an island
takes a worker process: `n_jobs=-1` is one island per worker, besides the fit's own.
Dask never moves an actor whose worker dies; the call raises, and the island is left
behind as a local one whose process ended. Workers need lawfinder installed, the same
version as the fit's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lawfinder.errors import LawfinderError
from lawfinder.search.islands import IslandSpec, Report, play_round

CONNECT_TIMEOUT = 30.0  # seconds to reach the scheduler


class IslandActor:
    """An island's search, living on a worker between rounds."""

    def __init__(self, spec: IslandSpec, island: int, n: int, seed: int | None):
        self.search = spec.search(island, n, seed)

    def round(self, epochs: int, deadline: float, cap: int | None, migrants: list) -> Report:
        return play_round(self.search, epochs, deadline, cap, migrants)


@dataclass
class DaskIsland:
    """An island on a cluster's worker: the helper `islands.Islands` drives, as `_Helper`."""

    island: int
    handle: Any                  # the actor's future, which keeps it alive
    actor: Any
    reason: str | None = None    # why it was left behind; None while it works
    last: Report | None = None   # its latest report
    pending: Any = None          # the round it is running

    def send(self, message: tuple | None) -> None:
        if message is None or self.reason is not None:
            return
        try:
            self.pending = self.actor.round(*message)
        except Exception as exc:  # noqa: BLE001 (a lost worker raises whatever its comm does)
            self.reason = f"its worker could not be reached ({exc!r})"

    def receive(self) -> Report | None:
        """The island's report, or None (with `reason` set) if it failed or its worker died."""
        if self.reason is not None:
            return None
        try:
            self.last = self.pending.result()
        except Exception as exc:  # noqa: BLE001 (the island's own error, or its worker's loss)
            self.reason = f"its worker failed or left the cluster ({exc!r})"
            return None
        return self.last

    def close(self) -> None:
        self.handle.release()


def starter(client: Any) -> Callable[[IslandSpec, int, int, int | None], DaskIsland]:
    """Starts island k on the k-th worker of the client's cluster (round the workers)."""
    workers = sorted(client.nthreads())

    def start(spec: IslandSpec, island: int, n: int, seed: int | None) -> DaskIsland:
        worker = workers[(island - 1) % len(workers)]
        handle = client.submit(IslandActor, spec, island, n, seed, actor=True, pure=False,
                               workers=[worker], allow_other_workers=False)
        try:
            return DaskIsland(island, handle, handle.result())
        except Exception as exc:  # noqa: BLE001 (a worker without lawfinder, or gone)
            return DaskIsland(island, handle, None,
                              reason=f"it could not start on the worker {worker} ({exc!r})")

    return start


@contextlib.contextmanager
def connected(address: str | None) -> Iterator[Any]:
    """A Dask client of the scheduler at `address` for the fit's duration (None: no cluster)."""
    if address is None:
        yield None
        return
    try:
        from distributed import Client
    except ImportError as exc:
        raise LawfinderError("cluster= needs Dask: pip install 'dask[distributed]'") from exc
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise LawfinderError(f"cannot reach the Dask scheduler at cluster={address!r} "
                             f"({exc}); start one (dask scheduler) or check the address"
                             ) from exc
    with client:
        if not client.nthreads():
            raise LawfinderError(f"the Dask cluster at {address!r} has no workers; start some "
                                 "(dask worker ADDRESS) or run without cluster=")
        yield client


def n_workers(client: Any) -> int:
    """Worker processes of the client's cluster."""
    return len(client.nthreads())
