"""Masked sampling of a batch of formulas from the policy, and their log-probabilities."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from lawfinder.language.build_cost import BuildCost
from lawfinder.language.library import Library
from lawfinder.generate.policy import Observation, Policy
from lawfinder.language.priors import PriorConfig, allowed, soft_length
from lawfinder.language.state import FormulaState

# Log-weight of a forbidden token: zero probability in float32, yet finite, so that
# entropies and their gradients never meet 0 * inf.
FORBIDDEN = -1e4


@dataclass
class Episode:
    """Sampled formulas with everything needed to recompute their log-probabilities."""

    tokens: np.ndarray      # (B, L) prefix token ids, -1 after the end
    lengths: np.ndarray     # (B,)
    previous: np.ndarray    # (B, L) observations per step
    parent: np.ndarray
    sibling: np.ndarray
    units: np.ndarray       # (B, L, 8)
    log_prior: np.ndarray   # (B, L, T) log mask + soft length weights
    rows: np.ndarray        # (B,) index of each formula in the batch asked for

    def subset(self, rows: np.ndarray) -> Episode:
        return Episode(*(getattr(self, f)[rows] for f in self.__dataclass_fields__))

    def formulas(self) -> list[tuple[int, ...]]:
        """Each formula's tokens, without the padding."""
        return [tuple(int(t) for t in tokens[:n]) for tokens, n in zip(self.tokens, self.lengths)]


class Sampler:
    """Writes formulas with a policy, enforcing the priors at every step."""

    def __init__(self, library: Library, target2: np.ndarray, config: PriorConfig,
                 cost: BuildCost | None = None):
        self.library, self.config = library, config
        self.target2 = np.asarray(target2)
        self.cost = cost or BuildCost(library, self.target2, config.max_length)

    def feasible(self) -> bool:
        """Whether any formula within max_length has the target units."""
        state = FormulaState(self.library, 1, self.config.max_length, self.target2, self.cost,
                             self.config.no_constant_subtrees)
        return bool(allowed(state, self.config).any())

    @torch.no_grad()
    def sample(self, policy: Policy, batch: int, generator: torch.Generator,
               targets: np.ndarray | None = None, max_lengths: np.ndarray | None = None,
               context: tuple[np.ndarray, np.ndarray] | None = None) -> Episode:
        """Sample `batch` formulas; the rare ones that reach a dead end are dropped.

        `targets` (B, 7) and `max_lengths` (B,) override the units and length cap per
        formula, and `context` gives the parent and other child (B,) of the slot each
        fills (to grow replacement subtrees, for instance).
        """
        T = len(self.library)
        max_length = self.config.max_length if max_lengths is None else max_lengths
        target = self.target2 if targets is None else targets
        state = FormulaState(self.library, batch, max_length, target, self.cost,
                             self.config.no_constant_subtrees, context)
        L = state.tokens.shape[1]
        obs = {k: np.full((batch, L), -1, dtype=np.int64) for k in ("previous", "parent", "sibling")}
        units = np.zeros((batch, L, 8), dtype=np.float32)
        log_prior = np.full((batch, L, T), FORBIDDEN, dtype=np.float32)
        hidden = policy.initial(batch)
        for step in range(L):
            active = state.active
            if not active.any():
                break
            o = self._observe(state)
            for k in obs:
                obs[k][:, step] = getattr(o, k).numpy()
            units[:, step] = o.units.numpy()
            mask = allowed(state, self.config)
            dead = active & ~mask.any(axis=1)
            state.failed[dead] = True
            prior = np.where(mask, soft_length(state, self.config.soft_length,
                                               self.config.soft_length_scale), FORBIDDEN)
            log_prior[:, step] = prior
            logits, hidden = policy(o, hidden)
            logits = logits + torch.from_numpy(prior.astype(np.float32))
            logits[~torch.from_numpy(state.active)] = 0.0  # finished rows: any valid distribution
            choice = torch.multinomial(torch.softmax(logits, dim=1), 1, generator=generator)[:, 0]
            state.append(choice.numpy())
        keep = np.flatnonzero(state.done & ~state.failed)
        return Episode(state.tokens, state.length, obs["previous"], obs["parent"],
                       obs["sibling"], units, log_prior, np.arange(batch)).subset(keep)

    @staticmethod
    def _observe(state: FormulaState) -> Observation:
        req, free = state.required()
        parent, sibling = state.parent_sibling()
        units = np.concatenate([req / 2.0, free[:, None]], axis=1).astype(np.float32)
        return Observation(torch.from_numpy(state.previous()), torch.from_numpy(parent),
                           torch.from_numpy(sibling), torch.from_numpy(units))


def log_probabilities(policy: Policy, episode: Episode) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-step log-probability of the chosen tokens and entropy, each (B, L), zero past the end."""
    B, L = episode.tokens.shape
    hidden = policy.initial(B)
    steps = torch.arange(L)[None] < torch.from_numpy(episode.lengths)[:, None]  # (B, L)
    logp, entropy = [], []
    for step in range(L):
        o = Observation(*(torch.from_numpy(getattr(episode, k)[:, step])
                          for k in ("previous", "parent", "sibling", "units")))
        logits, hidden = policy(o, hidden)
        prior = torch.from_numpy(episode.log_prior[:, step])
        valid = steps[:, step]
        logits = torch.where(valid[:, None], logits + prior, torch.zeros_like(logits))
        log_soft = torch.log_softmax(logits, dim=1)
        chosen = torch.from_numpy(np.maximum(episode.tokens[:, step], 0))
        logp.append(log_soft.gather(1, chosen[:, None])[:, 0] * valid)
        entropy.append(-(log_soft.exp() * log_soft).sum(1) * valid)
    return torch.stack(logp, 1), torch.stack(entropy, 1)
