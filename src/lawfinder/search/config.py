"""A search's settings and what it reports after each epoch."""

from __future__ import annotations

from dataclasses import dataclass, field

from lawfinder.fit.levenberg_marquardt import FitConfig
from lawfinder.language.priors import PriorConfig


@dataclass(frozen=True)
class SearchConfig:
    batch_size: int = 500          # formulas sampled per epoch
    risk_eps: float = 0.05         # only the best 5% of each batch are reinforced
    learning_rate: float = 2.5e-3
    entropy_weight: float = 0.005
    entropy_gamma: float = 0.7     # entropy bonus decays along the sequence
    hidden: int = 128
    fit_points: int = 128          # constants are fitted on a subsample ...
    score_points: int = 2000       # ... and formulas scored on a larger one
    max_time: float = 60.0         # seconds
    max_evals: int | None = None   # formulas sampled, as PhySO counts them
    target_nrmse: float = 1e-9     # formulas this accurate count as exact ...
    patience: int = 20             # ... and once one is found, stop after this many epochs
                                   # without a simpler exact one
    stall_patience: int | None = 25  # with no exact formula: stop after this many epochs
    stall_rtol: float = 0.01       # in which no formula beat the front by this fraction of
                                   # its loss (None: never; see `front.improves`)
    parsimony: float = 1e-4        # reward cost per unit of complexity: among equally exact
                                   # formulas the policy learns the simplest (it changes no
                                   # ranking between formulas whose errors differ by more)
    elite: int = 10                # best formulas of each batch mutated by local search ...
    mutations_per_formula: int = 10  # ... this many times each (0: no local search)
    neighbours: int = 500          # formulas one short subtree away from the front's best,
                                   # scored per epoch (0: none; see generate.neighbourhood)
    priors: PriorConfig = field(default_factory=PriorConfig)
    fit: FitConfig = field(default_factory=FitConfig)


@dataclass(frozen=True)
class EpochStats:
    epoch: int
    sampled: int        # formulas sampled so far
    fitted: int         # distinct formulas scored so far
    elapsed: float
    best_nrmse: float
    best: str           # best formula so far, constants as symbols
    valid_fraction: float  # share of the batch that completed (no dead end)
    top_reward: float   # mean reward of the batch's best risk_eps, the formulas reinforced
    islands: int = 1    # islands whose work the counts include
    stalled: int = 0    # epochs since a formula last beat the front (`stall_rtol`)
