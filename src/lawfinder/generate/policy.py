"""The recurrent policy: an LSTM that reads the partial formula and scores the next token."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class Observation:
    """What the policy sees at one step, for a batch: token ids use -1 for 'none'."""

    previous: torch.Tensor   # (B,) long
    parent: torch.Tensor     # (B,) long
    sibling: torch.Tensor    # (B,) long
    units: torch.Tensor      # (B, 8) float: required exponents (7) and an any-units flag


class Policy(nn.Module):
    """LSTM cell over [embed(previous), embed(parent), embed(sibling), required units]."""

    def __init__(self, n_tokens: int, hidden: int = 128, embedding: int = 16):
        super().__init__()
        self.n_tokens = n_tokens
        # Three separate tables: the same token means different things as parent or sibling.
        self.embed = nn.ModuleList(nn.Embedding(n_tokens + 1, embedding) for _ in range(3))
        self.cell = nn.LSTMCell(3 * embedding + 8, hidden)
        self.head = nn.Linear(hidden, n_tokens)
        self.hidden = hidden

    def initial(self, batch: int) -> tuple[torch.Tensor, torch.Tensor]:
        zeros = torch.zeros(batch, self.hidden)
        return zeros, zeros.clone()

    def forward(self, obs: Observation, state: tuple[torch.Tensor, torch.Tensor]
                ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Logits (B, T) for the next token and the new recurrent state."""
        ids = (obs.previous, obs.parent, obs.sibling)
        x = torch.cat([emb(i + 1) for emb, i in zip(self.embed, ids)] + [obs.units], dim=1)
        h, c = self.cell(x, state)                                   # (B, H)
        return self.head(h), (h, c)
