"""Islands: independent searches in parallel processes that share their best formulas.

The fit's own search is island 0 and runs in the calling process; the others run in
processes of their own (or on a Dask cluster's workers, `cluster`), each with its seed,
its views in another order (so that its second writer works in another Π basis) and its
policy. The enumerated formulas are
shared out between them, one epoch's chunk each in turn. They advance in rounds of a few
epochs; after each round every island's front joins island 0's hall of fame, and the
merged front goes back to every island, into its hall of fame and so its neighbourhood
sweep. Rounds are synchronous, so that a seed and `max_evals` give the same result for
a given number of islands.

A fit that ends within its first round (a short law found at once) never starts a
process: the other islands join from the second round. An island that fails or whose
process dies is left behind; what it sent stays in the front, and `lost` says why.
"""

from __future__ import annotations

import itertools
import math
import numbers
import os
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from lawfinder.generate.pi_views import View, enumerated_formulas
from lawfinder.language.library import Library
from lawfinder.search.front import Entry
from lawfinder.search.config import EpochStats, SearchConfig
from lawfinder.search.loop import Search

ROUND_EPOCHS = 5   # epochs between exchanges


@dataclass(frozen=True)
class IslandSpec:
    """Everything that builds an island's search, in this process or another."""

    library: Library
    target2: np.ndarray
    X: np.ndarray
    y: np.ndarray
    weights: np.ndarray
    starts: np.ndarray
    user_scale: np.ndarray
    config: SearchConfig
    views: tuple[View, ...]
    enumeration: bool

    @classmethod
    def of(cls, search: Search, enumeration: bool) -> IslandSpec:
        """The spec of `search` (island 0), which enumerates formulas if `enumeration`."""
        return cls(search.library, search.sampler.target2, search.X, search.y, search.weights,
                   search.starts, search.user_scale, search.config, tuple(search.pi_views),
                   enumeration)

    def search(self, island: int, n: int, seed: int | None) -> Search:
        """The search of island `island` of n (not island 0, the fit's own)."""
        k = island % max(len(self.views), 1)
        views = self.views[k:] + self.views[:k]
        # The rounds, not the island, apply the fit's stop rules.
        config = replace(self.config, max_time=math.inf, max_evals=None, patience=2**62,
                         stall_patience=None)
        return Search(self.library, self.target2, self.X, self.y, self.weights, self.starts,
                      self.user_scale, config, seed, None, self.forms(island, n), views)

    def forms(self, island: int, n: int) -> Iterator[tuple[tuple[int, ...], str]]:
        """Island `island`'s share of the enumerated formulas: of the chunks of one epoch
        each, the chunks island, island + n, island + 2n, ... (the same for every run)."""
        if not self.enumeration:
            return iter(())
        forms = enumerated_formulas(list(self.views), self.library,
                                    self.config.priors.max_length, self.X, self.y)
        size = self.config.batch_size
        chunks = iter(lambda: list(itertools.islice(forms, size)), [])
        return (form for k, chunk in enumerate(chunks) if k % n == island for form in chunk)


@dataclass(frozen=True)
class Report:
    """What an island sends back after a round."""

    front: list[Entry]
    sampled: int                # formulas sampled, scored and distinct so far
    scored: int
    distinct: int
    history: list[EpochStats]   # the round's epochs
    origin: float               # wall-clock time (time.time()) of the island's second 0


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def island_seeds(seed: int | None, n: int) -> list[int | None]:
    """Island 0 keeps the fit's seed (one island is the plain search); the others' seeds
    are drawn from it."""
    if seed is None or n == 1:
        return [seed] * n
    base = (seed if isinstance(seed, numbers.Integral)
            else np.random.default_rng(seed).integers(2**63))
    drawn = np.random.SeedSequence(int(base)).generate_state(n - 1)
    return [seed, *(int(s) for s in drawn)]


class Islands:
    """n islands around the fit's search; `run` leaves the fit's result in that search."""

    def __init__(self, spec: IslandSpec, n: int, seed: int | None,
                 start: Callable[[IslandSpec, int, int, int | None], Any] | None = None):
        """`start(spec, island, n, seed)` starts an island other than the fit's and returns
        its helper (`_Helper.start`, a process of this machine, by default;
        `cluster.starter`, a Dask cluster's worker)."""
        self.spec, self.n = spec, n
        self.seeds = island_seeds(seed, n)
        self.start = start or _Helper.start
        self.lost: list[str] = []
        self._helpers: list[Any] = []

    def run(self, main: Search, between_rounds: Callable[[], None] | None = None) -> None:
        """Run the rounds until a stop rule of the fit fires; then island 0 (`main`) holds
        the merged hall of fame, and counts and history over all islands."""
        if self.n == 1:
            main.run(between_rounds)
            return
        cfg = main.config
        deadline = time.time() + cfg.max_time - main.elapsed_before
        # The enumeration is shared out: island 0 goes on with its share, past what it scored.
        main.forms = itertools.islice(self.spec.forms(0, self.n), main.enumerated, None)
        callback, main.callback = main.callback, None    # progress shows the merged rounds
        done = 0
        try:
            while not main.should_stop() and time.time() < deadline:
                if done == 1:
                    self._start()
                caps, sent = self._caps(main, cfg.max_evals), self._alive()
                for helper, cap in zip(sent, caps[1:]):
                    helper.send((ROUND_EPOCHS, deadline, cap, main.hall.front()))
                first = len(main.history)
                main.run(epochs=ROUND_EPOCHS, max_sampled=caps[0], deadline=deadline)
                if main.interrupted:
                    break
                reports = self._collect(main, sent)
                for helper, report in reports:
                    # Its formulas' found_at on the fit's clock, which started before its.
                    shift = report.origin - (time.time() - main.elapsed_before)
                    main.welcome([replace(e, found_at=e.found_at + shift)
                                  for e in report.front])
                merged = _merged(main.history[first:], [r.history for _, r in reports],
                                 self._total("sampled"), self._total("distinct"))
                main.history[first:] = merged
                done += 1
                if callback:
                    for stats in merged:
                        callback(stats, main.hall)
                if between_rounds:
                    between_rounds()
                if cfg.max_evals is not None and merged and merged[-1].sampled >= cfg.max_evals:
                    break
        except KeyboardInterrupt:
            main.interrupted = True
        finally:
            main.callback = callback
            self._stop()
        main.sampled += self._total("sampled")
        main.scored += self._total("scored")

    def _total(self, count: str) -> int:
        """A count (sampled, scored, distinct) summed over the other islands' last reports."""
        return sum(getattr(h.last, count) for h in self._helpers if h.last is not None)

    def _caps(self, main: Search, max_evals: int | None) -> list[int | None]:
        """Each island's sampled-formula cap for the round: the rest of max_evals shared out."""
        alive = self._alive()
        if max_evals is None:
            return [None] * (1 + len(alive))
        left = max_evals - main.sampled - self._total("sampled")
        share = max(left, 0) // (1 + len(alive))
        return [main.sampled + share,
                *((h.last.sampled if h.last else 0) + share for h in alive)]

    def _start(self) -> None:
        for island in range(1, self.n):
            helper = self.start(self.spec, island, self.n, self.seeds[island])
            self._helpers.append(helper)
            if helper.reason is not None:
                self.lost.append(f"island {island}: {helper.reason}")

    def _alive(self) -> list[Any]:
        return [h for h in self._helpers if h.reason is None]

    def _collect(self, main: Search, sent: list[Any]) -> list[tuple[Any, Report]]:
        """The round's reports of the islands it was sent to (those that failed since are
        lost); the wait counts as search time."""
        waited = time.perf_counter()
        reports = []
        for helper in sent:
            report = helper.receive()
            if report is None:
                self.lost.append(f"island {helper.island}: {helper.reason}")
            else:
                reports.append((helper, report))
        main.elapsed_before += time.perf_counter() - waited
        return reports

    def _stop(self) -> None:
        for helper in self._alive():
            helper.send(None)
        for helper in self._helpers:
            helper.close()


# The islands' processes run this, not the user's script: a script without an
# `if __name__ == "__main__":` guard is not run again in each of them (as multiprocessing's
# spawn would), and no process is forked with torch's threads in an unknown state.
_SERVE = ("import sys; from lawfinder.search.islands import serve; "
          "serve(int(sys.argv[1]), int(sys.argv[2]))")


@dataclass
class _Helper:
    """An island in a process of its own, and the two pipes to it."""

    island: int
    process: subprocess.Popen
    to_island: Connection
    from_island: Connection
    reason: str | None = None    # why it was left behind; None while it works
    last: Report | None = None   # its latest report

    @classmethod
    def start(cls, spec: IslandSpec, island: int, n: int, seed: int | None) -> _Helper:
        down_read, down_write = os.pipe()
        up_read, up_write = os.pipe()
        # A session of its own: Ctrl-C in the terminal reaches the fit, which stops the
        # islands, and not each island halfway through a round.
        process = subprocess.Popen([sys.executable, "-c", _SERVE, str(down_read), str(up_write)],
                                   pass_fds=(down_read, up_write), start_new_session=True)
        os.close(down_read)
        os.close(up_write)
        helper = cls(island, process, Connection(down_write, readable=False),
                     Connection(up_read, writable=False))
        helper.send((spec, island, n, seed))
        return helper

    def send(self, message: object) -> None:
        try:
            self.to_island.send(message)
        except (OSError, EOFError) as exc:
            self.reason = f"its process could not be reached ({exc})"

    def receive(self) -> Report | None:
        """The island's report, or None (with `reason` set) if it failed or died."""
        if self.reason is not None:
            return None
        try:
            message = self.from_island.recv()
        except (OSError, EOFError):
            self.reason = f"its process ended (exit code {self.process.wait(timeout=5)})"
            return None
        if isinstance(message, str):
            self.reason = f"it failed:\n{message}"
            return None
        self.last = message
        return message

    def close(self) -> None:
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.to_island.close()
        self.from_island.close()


def serve(read_fd: int, write_fd: int) -> None:
    """An island's process: build the island it is sent, run the rounds it is sent and
    report after each one, until told to stop (None) or the fit's process is gone."""
    inbox, outbox = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    try:
        spec, island, n, seed = inbox.recv()
        search = spec.search(island, n, seed)
        while (message := inbox.recv()) is not None:
            outbox.send(play_round(search, *message))
    except (EOFError, OSError):
        return
    except Exception:
        outbox.send(traceback.format_exc())


def play_round(search: Search, epochs: int, deadline: float, cap: int | None,
               migrants: list[Entry]) -> Report:
    """One round of an island other than the fit's own: the front's formulas welcomed,
    `epochs` epochs (up to `cap` formulas sampled, until `deadline`), and its report."""
    search.welcome(migrants)
    first = len(search.history)
    search.run(epochs=epochs, max_sampled=cap, deadline=deadline)
    return Report(search.hall.front(), search.sampled, search.scored, len(search.cache),
                  search.history[first:], time.time() - search.elapsed_before)


def _merged(own: Sequence[EpochStats], others: Sequence[Sequence[EpochStats]],
            sampled: int, distinct: int) -> list[EpochStats]:
    """Island 0's epochs of a round with totals over all islands: formulas sampled and
    distinct formulas scored by the others (their counts at the round's end; a formula two
    islands scored counts twice), the best formula of any."""
    out = []
    for i, stats in enumerate(own):
        theirs = [rows[min(i, len(rows) - 1)] for rows in others if rows]
        best = min([stats, *theirs], key=lambda s: s.best_nrmse)
        out.append(replace(stats, sampled=stats.sampled + sampled,
                           fitted=stats.fitted + distinct, best_nrmse=best.best_nrmse,
                           best=best.best, islands=1 + len(others)))
    return out
