"""The formula cache: every formula scored in a search, with its constants and error.

A formula is scored once: the cache is how the loop skips the formulas the policy, the
mutations, the sweep and the other islands write again.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch


def key(formula: Sequence[int]) -> bytes:
    """The cache's key of a formula (its tokens)."""
    return np.array(formula, dtype=np.int64).tobytes()


class FormulaCache(dict[bytes, tuple[np.ndarray, float]]):
    """key(formula) -> (constants (K,), NRMSE)."""

    def knows(self, formula: Sequence[int]) -> bool:
        return key(formula) in self

    def error(self, formula: Sequence[int]) -> float:
        return self[key(formula)][1]

    def put(self, formula: Sequence[int], constants: np.ndarray, error: float) -> None:
        self[key(formula)] = (constants, error)

    def state_dict(self, n_free: int) -> dict[str, torch.Tensor]:
        """The cache as tensors: keys' tokens end to end with their lengths, constants
        (N, K) and errors (N,); far smaller and faster to save than N small objects."""
        return {
            "tokens": torch.from_numpy(np.frombuffer(b"".join(self), dtype=np.int64).copy()),
            "lengths": torch.tensor([len(k) // 8 for k in self], dtype=torch.int64),
            "constants": torch.from_numpy(
                np.array([c for c, _ in self.values()], dtype=float).reshape(len(self), n_free)),
            "errors": torch.from_numpy(np.array([e for _, e in self.values()], dtype=float)),
        }

    @classmethod
    def from_state(cls, state: dict[str, torch.Tensor]) -> FormulaCache:
        tokens, lengths = state["tokens"].numpy(), state["lengths"].numpy()
        ends = np.cumsum(lengths)
        return cls({tokens[end - n:end].tobytes(): (c, e) for n, end, c, e
                    in zip(lengths, ends, state["constants"].numpy(), state["errors"].numpy())})
