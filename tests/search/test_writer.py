"""The writer's learner: the risk-seeking update reinforces the best of a batch only."""

import numpy as np
import torch
from support import newton_search


def test_the_update_makes_the_rewarded_formulas_likelier_and_returns_their_mean_reward():
    from lawfinder.generate.sampler import log_probabilities

    search = newton_search(seed=0)
    writer = search.writers[0]
    episode = writer.sampler.sample(writer.policy, 200, torch.Generator().manual_seed(0))
    rewards = np.linspace(0.0, 1.0, len(episode.lengths))
    threshold = np.quantile(rewards, 0.95)
    # The advantage is the reward over the batch's 95% quantile: zero at the threshold.
    top = episode.subset(np.flatnonzero(rewards > threshold))
    with torch.no_grad():
        before = log_probabilities(writer.policy, top)[0].sum(1)
    for _ in range(5):
        mean = writer.reinforce(episode, rewards, 0.05, 0.0, 0.7)
    with torch.no_grad():
        after = log_probabilities(writer.policy, top)[0].sum(1)
    assert mean == rewards[rewards >= threshold].mean()
    assert (after > before).all()


def test_a_batch_without_a_complete_formula_changes_nothing():
    writer = newton_search(seed=0).writers[0]
    weights = [p.detach().clone() for p in writer.policy.parameters()]
    episode = writer.sampler.sample(writer.policy, 20, torch.Generator().manual_seed(0))
    assert np.isnan(writer.reinforce(episode.subset(np.arange(0)), np.array([]), 0.05, 0.0, 0.7))
    assert all(torch.equal(a, b) for a, b in zip(weights, writer.policy.parameters()))
