"""Local search around the best formulas: replace a subtree by a new one of the same units.

The policy's best formulas are often one subtree away from the law (an envelope
1/(a*t) where exp(-a*t) belongs). Growing random replacement subtrees under the same
unit masks keeps every mutant dimensionally consistent (the uDSR idea of seeding a
local search with the policy's output).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from lawfinder.language.library import Library, Rule
from lawfinder.language.prefix_tree import NO_CHILD, children, subtree_ends
from lawfinder.language.state import NONE
from lawfinder.generate.policy import Observation
from lawfinder.generate.sampler import Sampler


class UniformPolicy(nn.Module):
    """Equal logits for every token: sampling then follows the priors alone."""

    def __init__(self, n_tokens: int):
        super().__init__()
        self.n_tokens = n_tokens

    def initial(self, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.zeros(batch, 1), torch.zeros(batch, 1)

    def forward(self, obs: Observation, state):
        return torch.zeros(len(obs.previous), self.n_tokens), state


def subtree_units(tokens: tuple[int, ...], library: Library) -> np.ndarray:
    """(L, 7) doubled units of the subtree that starts at each position."""
    units = np.zeros((len(tokens), 7), dtype=np.int64)
    stack: list[np.ndarray] = []
    for i in range(len(tokens) - 1, -1, -1):
        t = tokens[i]
        rule = library.rule[t]
        if rule is Rule.TERMINAL:
            u = library.dims2[t]
        elif rule is Rule.POWER:
            u = stack.pop() * library.power_num[t] // library.power_den[t]
        elif rule is Rule.DIMENSIONLESS:
            del stack[len(stack) - library.arity[t]:]
            u = np.zeros(7, dtype=np.int64)
        else:
            a, b = stack.pop(), stack.pop()
            u = {Rule.SAME: a, Rule.PRODUCT: a + b, Rule.QUOTIENT: a - b}[rule]
        units[i] = u
        stack.append(u)
    return units


def surroundings(tokens: tuple[int, ...], library: Library) -> tuple[np.ndarray, np.ndarray]:
    """Parent and other child (tokens (L,), NONE if none) of the subtree at each position:
    what the priors must know to regrow it (no sin(1), no add(1, 1) once it is replaced)."""
    tokens = np.asarray(tokens, dtype=np.int64)
    first, second = children(tokens, library.arity).T                # (L,), (L,)
    one, two = first != NO_CHILD, second != NO_CHILD
    parent = np.full(len(tokens), NONE, dtype=np.int64)
    other = np.full(len(tokens), NONE, dtype=np.int64)
    parent[first[one]], parent[second[two]] = tokens[one], tokens[two]
    other[first[two]], other[second[two]] = tokens[second[two]], tokens[first[two]]
    return parent, other


def mutants(formulas: list[tuple[int, ...]], per_formula: int, sampler: Sampler,
            rng: np.random.Generator, generator: torch.Generator) -> list[tuple[int, ...]]:
    """Copies of `formulas` with one random subtree regrown (same units, within max length)."""
    library, max_length = sampler.library, sampler.config.max_length
    parents, starts, ends, targets, budgets, around = [], [], [], [], [], []
    for f in formulas:
        units = subtree_units(f, library)
        parent, other = surroundings(f, library)
        f_ends = subtree_ends(f, library.arity)
        for start in rng.integers(0, len(f), per_formula):
            end = int(f_ends[start])
            parents.append(f)
            starts.append(int(start))
            ends.append(end)
            targets.append(units[start])
            budgets.append(max_length - (len(f) - (end - start)))
            around.append((parent[start], other[start]))
    if not parents:
        return []
    episode = sampler.sample(UniformPolicy(len(library)), len(parents), generator,
                             np.array(targets), np.array(budgets),
                             tuple(np.array(column) for column in zip(*around)))
    out = []
    for row, subtree in zip(episode.rows, episode.formulas()):
        f, start, end = parents[row], starts[row], ends[row]
        out.append((*f[:start], *subtree, *f[end:]))
    return out
