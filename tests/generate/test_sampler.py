import numpy as np
import pytest
import scipy.special
import sympy
import torch

from lawfinder import UserOperator
from lawfinder.evaluate.prefix import to_sympy
from lawfinder.language.library import build_library
from lawfinder.generate.policy import Policy
from lawfinder.language.priors import PriorConfig
from lawfinder.generate.sampler import Sampler, log_probabilities
from symbolic_units import dimension_of
from lawfinder.units.dimension import parse_units

from support import ALL_OPERATORS, dim


def _sample(library, target, n, seed=0, **prior):
    sampler = Sampler(library, target, PriorConfig(**prior))
    torch.manual_seed(seed)
    policy = Policy(len(library))
    return sampler.sample(policy, n, torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("target, variables, constants, per_dataset", [
    ("N", [("m1", "kg"), ("m2", "kg"), ("r", "m")], {"G": "m^3/(kg*s^2)"}, {}),
    ("J", [("m", "kg"), ("v", "m/s")], {"c": "m/s"}, {}),
    ("1", [("t", "s")], {"alpha": "1/s", "omega": "1/s", "phi": "1"}, {}),
    ("m/s", [("d", "m"), ("g", "m/s^2"), ("h", "m")], {}, {}),
    ("m", [("t", "s")], {"g": "m/s^2"}, {"v0": "m/s", "z0": "m"}),
])
def test_every_sampled_formula_is_dimensionally_consistent(target, variables, constants,
                                                           per_dataset):
    """Property: units recomputed from each finished formula by an independent checker;
    per-dataset constants are covered as the shared ones are."""
    library = build_library(ALL_OPERATORS, [(n, dim(u)) for n, u in variables],
                            {k: dim(u) for k, u in constants.items()}, ["1", "pi"],
                            {k: dim(u) for k, u in per_dataset.items()}, 3 if per_dataset else 0)
    units = {n: dim(u) for n, u in [*variables, *constants.items(), *per_dataset.items()]}
    checked = seed = 0
    while checked < 2000 and seed < 20:
        seed += 1
        episode = _sample(library, np.array(dim(target).doubled()), 1000, seed, max_length=20)
        for tokens, n in zip(episode.tokens, episode.lengths):
            with sympy.evaluate(False):  # check the formula as written, not as SymPy rewrites it
                expr = to_sympy(tokens[:n], library)
            assert dimension_of(expr, units) == dim(target), expr
            checked += 1
    assert checked >= 2000


def test_pow_and_user_operators_keep_every_formula_consistent():
    """The same property with pow (two dimensionless children) and user operators of each
    units rule: erf (dimensionless), cube root (power 1/3), hypot (same units)."""
    erf = UserOperator("erf", 1, scipy.special.erf,
                       lambda a: 2 / np.sqrt(np.pi) * np.exp(-a**2), sympy.erf)
    cbrt = UserOperator("cbrt", 1, np.cbrt, lambda a: np.cbrt(a) / (3 * a), sympy.cbrt,
                        units="power", power="1/3")
    hypot = UserOperator("hypot", 2, np.hypot, lambda a, b: (a / np.hypot(a, b),
                                                             b / np.hypot(a, b)),
                         lambda a, b: sympy.sqrt(a**2 + b**2), units="same")
    units = {"x": dim("m"), "t": dim("s"), "v": dim("m/s"), "k": dim("1")}
    library = build_library([*ALL_OPERATORS, "pow", erf, cbrt, hypot],
                            [("x", units["x"]), ("t", units["t"])],
                            {"v": units["v"], "k": units["k"]}, ["1", "pi"])
    seen = set()
    for seed in range(1, 4):
        episode = _sample(library, np.array(dim("m").doubled()), 1000, seed, max_length=20)
        for tokens, n in zip(episode.tokens, episode.lengths):
            with sympy.evaluate(False):
                expr = to_sympy(tokens[:n], library)
            assert dimension_of(expr, units) == dim("m"), expr
            seen |= {library.names[t] for t in tokens[:n]}
    assert {"pow", "erf", "cbrt", "hypot"} <= seen


def test_lengths_respect_the_hard_limits(newton_library, newton_target):
    episode = _sample(newton_library, newton_target, 500, max_length=12, min_length=4)
    assert episode.lengths.max() <= 12
    assert episode.lengths.min() >= 4
    assert np.all(episode.tokens[np.arange(12)[None] >= episode.lengths[:, None]] == -1)


def test_formulas_are_complete_prefix_expressions(newton_library, newton_target):
    episode = _sample(newton_library, newton_target, 300)
    arity = newton_library.arity
    for tokens, n in zip(episode.tokens, episode.lengths):
        open_slots = 1
        for t in tokens[:n]:
            assert open_slots > 0
            open_slots += arity[t] - 1
        assert open_slots == 0


def test_nesting_and_useless_inverses_never_appear(newton_library, newton_target):
    episode = _sample(newton_library, newton_target, 1000)
    names = newton_library.names
    for tokens, n in zip(episode.tokens, episode.lengths):
        text = " ".join(names[t] for t in tokens[:n])
        assert "log exp" not in text and "inv inv" not in text and "neg neg" not in text
        expr = to_sympy(tokens[:n], newton_library)
        for f in expr.atoms(sympy.exp):
            assert not f.args[0].has(sympy.exp)


def test_same_seed_same_formulas(newton_library, newton_target):
    a = _sample(newton_library, newton_target, 200, seed=3)
    b = _sample(newton_library, newton_target, 200, seed=3)
    assert np.array_equal(a.tokens, b.tokens)


def test_log_probabilities_match_what_was_sampled(newton_library, newton_target):
    """Teacher-forced log-probabilities are finite, negative and differentiable."""
    sampler = Sampler(newton_library, newton_target, PriorConfig())
    policy = Policy(len(newton_library))
    episode = sampler.sample(policy, 50, torch.Generator().manual_seed(0))
    logp, entropy = log_probabilities(policy, episode)
    total = logp.sum(1)
    assert torch.isfinite(total).all() and (total < 0).all()
    assert (entropy >= 0).all()
    total.sum().backward()
    assert all(torch.isfinite(p.grad).all() for p in policy.parameters() if p.grad is not None)


def test_infeasible_target_is_detected():
    library = build_library(["mul", "div"], [("x", dim("m"))], {})
    assert not Sampler(library, np.array(parse_units("s")[0].doubled()), PriorConfig()).feasible()
