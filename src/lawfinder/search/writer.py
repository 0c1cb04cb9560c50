"""A writer of formulas, and its learner: a policy with its optimizer and samplers over
one view's tokens, and the risk-seeking update that trains it.

The raw view writes formulas in the search library's tokens. A dimensionless view writes
forms f over its Π groups and hands the search P * f in the library's tokens, so that
one hall of fame, one cache and one fitter serve every view.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from lawfinder.generate.pi_views import View, view_library
from lawfinder.generate.policy import Policy
from lawfinder.generate.sampler import Episode, Sampler, log_probabilities
from lawfinder.language.library import Library
from lawfinder.language.priors import PriorConfig


@dataclass
class Writer:
    name: str
    library: Library            # the tokens this writer's policy writes
    sampler: Sampler
    mutation_sampler: Sampler   # grows short replacement subtrees for local search
    policy: Policy
    optimizer: torch.optim.Optimizer
    view: View | None = None    # None: the raw view

    @classmethod
    def make(cls, library: Library, target2: np.ndarray, priors: PriorConfig, hidden: int,
             learning_rate: float, seed: int, view: View | None = None) -> Writer:
        """A writer with fresh policy weights drawn from `seed` (torch's global generator is
        left as it was: it belongs to the caller)."""
        own = view_library(view, library) if view else library
        target = np.zeros_like(target2) if view else target2
        sampler = Sampler(own, target, priors)
        # Replacement subtrees are short: a soft length of a few tokens.
        mutation = Sampler(own, target, replace(priors, soft_length=3.0, soft_length_scale=3.0,
                                                min_length=1), sampler.cost)
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            policy = Policy(len(own), hidden=hidden)
        optimizer = torch.optim.Adam(policy.parameters(), lr=learning_rate)
        return cls(view.name if view else "raw", own, sampler, mutation, policy, optimizer, view)

    def to_search(self, formula: tuple[int, ...], library: Library) -> tuple[int, ...]:
        """The formula in the search library's tokens."""
        if self.view is None:
            return formula
        return self.view.formula(tuple(self.library.names[t] for t in formula), library)

    def reinforce(self, episode: Episode, rewards: np.ndarray, risk_eps: float,
                  entropy_weight: float, entropy_gamma: float) -> float:
        """Risk-seeking policy gradient on the top `risk_eps` of the batch (never punishes);
        returns their mean reward (NaN for a batch without a complete formula)."""
        if len(rewards) == 0:
            return float("nan")
        threshold = np.quantile(rewards, 1 - risk_eps)
        top = np.flatnonzero(rewards >= threshold)
        logp, entropy = log_probabilities(self.policy, episode.subset(top))   # (n, L)
        advantage = torch.as_tensor(rewards[top] - threshold, dtype=torch.float32)
        decay = entropy_gamma ** torch.arange(logp.shape[1], dtype=torch.float32)
        loss = (-(advantage * logp.sum(1)).mean()
                - entropy_weight * (entropy * decay).sum(1).mean())
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return float(rewards[top].mean())
