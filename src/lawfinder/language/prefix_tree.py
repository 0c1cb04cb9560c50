"""The tree of a prefix formula: where each subtree ends, and each token's children.

A formula is its tokens in prefix (Polish) order, each operator followed by its children,
so the tokens' arities (`Library.arity`) fix the tree. The priors, mutation, the
neighbourhood search and model loading read the tree through these functions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

NO_CHILD = -1  # position of a child that is not there


def open_slots(tokens: Sequence[int], arity: np.ndarray) -> np.ndarray:
    """(L,) children still to write after each token: a complete formula's count first
    reaches 0 at its last token."""
    return 1 + np.cumsum(arity[np.asarray(tokens, dtype=np.int64)] - 1)


def subtree_ends(tokens: Sequence[int], arity: np.ndarray) -> np.ndarray:
    """(L,) the position just past the subtree that starts at each position.

    Raises ValueError unless `tokens` are exactly one complete formula."""
    n = arity[np.asarray(tokens, dtype=np.int64)].tolist()  # plain ints: formulas are short
    ends = [0] * len(n)
    for i in range(len(n) - 1, -1, -1):  # a child's subtree ends before its parent's
        end = i + 1
        for _ in range(n[i]):
            if end == len(n):
                raise ValueError(f"tokens {list(tokens)} end before the formula is complete")
            end = ends[end]
        ends[i] = end
    if not n or ends[0] != len(n):
        raise ValueError(f"tokens {list(tokens)} are not one complete prefix formula")
    return np.array(ends, dtype=np.int64)


def children(tokens: Sequence[int], arity: np.ndarray) -> np.ndarray:
    """(L, 2) positions of each token's first and second child, NO_CHILD where it has
    fewer: the first follows its parent, the second follows the first's subtree."""
    ends = subtree_ends(tokens, arity)
    n = arity[np.asarray(tokens, dtype=np.int64)]                    # (L,)
    at = np.arange(len(n))
    kids = np.full((len(n), 2), NO_CHILD, dtype=np.int64)
    kids[n >= 1, 0] = at[n >= 1] + 1
    kids[n >= 2, 1] = ends[at[n >= 2] + 1]
    return kids
