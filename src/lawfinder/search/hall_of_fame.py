"""Hall of fame: the best formula of each complexity seen during a whole run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lawfinder.search.front import LOSS_ATOL, LOSS_RTOL, Entry, strict_front


@dataclass
class HallOfFame:
    """Keeps, per complexity, the lowest-error formula; `front()` is the Pareto front."""

    best: dict[float, Entry] = field(default_factory=dict)

    def offer(self, entry: Entry) -> bool:
        """Keep `entry` if it beats the current holder of its complexity by more than the
        front's tolerance; say whether it did. An equally exact twin found later does not
        take the place (nor its `found_at`)."""
        if not np.isfinite(entry.nrmse):
            return False
        held = self.best.get(entry.complexity)
        if held is None or entry.nrmse < held.nrmse * (1 - LOSS_RTOL) - LOSS_ATOL:
            self.best[entry.complexity] = entry
            return True
        return False

    def front(self) -> list[Entry]:
        """Entries by increasing complexity, each more accurate than all simpler ones (by the
        tolerance of `strict_front`)."""
        return strict_front(list(self.best.values()))

    def most_accurate(self) -> Entry | None:
        return min(self.best.values(), key=lambda e: (e.nrmse, e.complexity), default=None)

    def state_dict(self) -> list[dict[str, Any]]:
        """The entries as plain data (lists, numbers), in the order of their places."""
        return [{"tokens": [int(t) for t in e.tokens], "constants": e.constants.tolist(),
                 "nrmse": float(e.nrmse), "complexity": float(e.complexity),
                 "found_at": float(e.found_at), "view": e.view} for e in self.best.values()]

    @classmethod
    def from_state(cls, state: list[dict[str, Any]]) -> HallOfFame:
        """The hall of fame `state_dict()` described, places in the same order (ties between
        equally accurate entries are broken by that order)."""
        entries = [Entry(tuple(item["tokens"]), np.array(item["constants"], dtype=float),
                         item["nrmse"], item["complexity"], item["found_at"],
                         item.get("view", "raw")) for item in state]
        return cls({e.complexity: e for e in entries})
