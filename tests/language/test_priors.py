"""The rule against constant subtrees: no operator's subtree made of fixed numbers alone.

Finished formulas are checked by walking their tokens here, independently of the masks.
"""

import copy

import numpy as np
import pytest
import sympy
import torch

from support import ALL_OPERATORS, dim, newton_search
from symbolic_units import dimension_of

from lawfinder.evaluate.prefix import to_sympy

from lawfinder.generate.mutation import mutants
from lawfinder.generate.policy import Policy
from lawfinder.generate.sampler import Sampler
from lawfinder.language.build_cost import BuildCost
from lawfinder.language.library import Kind, Rule, build_library
from lawfinder.language.priors import (PriorConfig, allowed, has_constant_subtree,
                                       repeats_a_child)
from lawfinder.language.state import FormulaState

# Target, variables, free constants; the rule bites where only numbers are dimensionless.
PROBLEMS = {
    "newton": ("N", [("m1", "kg"), ("m2", "kg"), ("r", "m")], {"G": "m^3/(kg*s^2)"}),
    "oscillator": ("1", [("t", "s")], {"alpha": "1/s", "omega": "1/s", "phi": "1"}),
    "kepler": ("s", [("a", "m")], {"GM": "m^3/s^2"}),
    "ratio": ("1", [("x", "m"), ("L", "m")], {}),
}


def _library(problem, operators=ALL_OPERATORS):
    target, variables, constants = PROBLEMS[problem]
    library = build_library(operators, [(n, dim(u)) for n, u in variables],
                            {k: dim(u) for k, u in constants.items()}, ["1", "pi"])
    return library, np.array(dim(target).doubled())


def junk(tokens, library):
    """The operator subtrees of a finished prefix formula that hold no variable, no free
    constant and no known constant with units (c), and the functions (exp, sin, ...) of a
    bare free constant, as token names."""
    found, names = [], library.names

    def walk(i):  # -> (end of the subtree at i, whether it is grounded)
        token = library.tokens[tokens[i]]
        if token.arity == 0:
            return i + 1, (token.kind in (Kind.VARIABLE, Kind.FREE)
                           or not token.dim.is_dimensionless)
        end, grounded = i + 1, False
        for _ in range(token.arity):
            child = end
            end, holds = walk(end)
            grounded |= holds
        bare_free = library.tokens[tokens[child]].kind is Kind.FREE and end == child + 1
        function = token.arity == 1 and token.operator.rule is Rule.DIMENSIONLESS  # not pow(x, c)
        if not grounded or (function and bare_free):
            found.append(" ".join(names[t] for t in tokens[i:end]))
        return end, grounded

    assert walk(0)[0] == len(tokens)
    return found


def test_the_checker_sees_junk():
    library, _ = _library("oscillator")

    def found(text):
        return sorted(junk([library.index[name] for name in text.split()], library))

    assert found("mul omega t") == []
    assert found("sin add 1 mul omega t") == []
    assert found("1") == []   # a whole formula of one number is no disguise
    assert found("mul t log sin 1") == ["log sin 1", "sin 1"]
    assert found("div t add 1 pi") == ["add 1 pi"]
    assert found("exp phi") == ["exp phi"]


@pytest.mark.parametrize("problem", list(PROBLEMS))
def test_sampled_formulas_hold_no_constant_subtree(problem):
    library, target = _library(problem)
    sampler = Sampler(library, target, PriorConfig(max_length=20))
    checked, seed = 0, 0
    while checked < 2000:
        seed += 1
        torch.manual_seed(seed)
        episode = sampler.sample(Policy(len(library)), 1000, torch.Generator().manual_seed(seed))
        for formula in episode.formulas():
            assert junk(formula, library) == [], [library.names[t] for t in formula]
            checked += 1


@pytest.mark.parametrize("problem", list(PROBLEMS))
def test_mutants_hold_no_constant_subtree(problem):
    """A regrown subtree knows its parent and sibling: no sin(1) from sin(x), no add(1, 1)
    from add(1, x)."""
    library, target = _library(problem)
    sampler = Sampler(library, target, PriorConfig(max_length=20))
    regrow = Sampler(library, target, PriorConfig(max_length=20, soft_length=3.0,
                                                  soft_length_scale=3.0), sampler.cost)
    generator = torch.Generator().manual_seed(0)
    parents = sampler.sample(Policy(len(library)), 1000, generator).formulas()[:300]
    made = mutants(parents, 10, regrow, np.random.default_rng(0), generator)
    assert len(made) > 1500
    for formula in made:
        assert junk(formula, library) == [], [library.names[t] for t in formula]


def _random_walk(library, target, n, max_length, seed):
    """Write `n` formulas token by token, each token drawn uniformly among those the priors
    allow. Returns the finished formulas and how many dead ends the rule caused: slots
    where no token is allowed, but some would be with the rule off there (same formula,
    same budget; dead ends of other causes, such as a mul whose first child took units the
    second cannot complete in the tokens left, are not the rule's)."""
    config = PriorConfig(max_length=max_length)
    state = FormulaState(library, n, max_length, target, BuildCost(library, target, max_length))
    rng = np.random.default_rng(seed)
    blamed = 0
    while state.active.any():
        mask = allowed(state, config)
        dead = state.active & ~mask.any(axis=1)
        rule_off = copy.copy(state)
        rule_off.grounded = False
        blamed += int((dead & allowed(rule_off, config).any(axis=1)).sum())
        state.failed[dead] = True
        draw = rng.random(n)[:, None] * mask.sum(axis=1)[:, None]
        state.append(np.argmax(np.cumsum(mask, axis=1) > draw, axis=1))
    finished = np.flatnonzero(state.done & ~state.failed)
    return [tuple(state.tokens[i, :state.length[i]]) for i in finished], blamed


@pytest.mark.parametrize("problem", list(PROBLEMS))
@pytest.mark.parametrize("max_length", [8, 12, 20])
def test_the_rule_leaves_no_slot_without_a_token(problem, max_length):
    """The masks plan with the rule's costs (sin needs a grounded argument, not `1`), so it
    never leaves a slot whose only tokens would have been numbers."""
    library, target = _library(problem)
    formulas, blamed = _random_walk(library, target, 2000, max_length, seed=max_length)
    assert blamed == 0
    assert formulas
    for formula in formulas:
        assert junk(formula, library) == [], [library.names[t] for t in formula]


def test_a_grounded_dimensionless_subtree_is_planned_from_what_the_library_has():
    """Without a dimensionless variable or constant, sin needs mul(omega, t) inside: the
    shortest formula is 4 tokens; sin(1) no longer counts."""
    library, target = _library("oscillator")
    cost = BuildCost(library, target, 20)
    state = FormulaState(library, 1, 20, target, cost)
    assert state.dimensionless == (1, 2)   # phi; n2(phi), exp(phi) being masked
    ops = ["mul", "sin"]
    library = build_library(ops, [("t", dim("s"))], {"omega": dim("1/s")}, ["1", "pi"])
    state = FormulaState(library, 1, 4, target, BuildCost(library, target, 4))
    assert state.dimensionless == (3, 3)
    sin = library.index["sin"]
    assert allowed(state, PriorConfig(max_length=4))[0, sin]
    state = FormulaState(library, 1, 3, target, BuildCost(library, target, 3))
    assert not allowed(state, PriorConfig(max_length=3))[0, sin]


def test_masks_after_a_function_and_beside_a_number():
    library, target = _library("oscillator")
    index = library.index
    state = FormulaState(library, 4, 20, target, BuildCost(library, target, 20))
    state.append(np.array([index[name] for name in ("sin", "add", "mul", "neg")]))
    state.append(np.array([index[name] for name in ("mul", "1", "omega", "mul")]))
    mask = allowed(state, PriorConfig(max_length=20))
    one, pi, phi, t = (index[name] for name in ("1", "pi", "phi", "t"))
    assert mask[:, one].tolist() == [True, False, False, True]  # sin(mul(1, ...)), add(1, 1)
    assert not mask[1, pi] and mask[1, phi] and mask[2, t]
    state = FormulaState(library, 1, 20, target, BuildCost(library, target, 20))
    state.append(np.array([index["exp"]]))
    mask = allowed(state, PriorConfig(max_length=20))[0]
    assert not mask[phi] and not mask[one] and mask[index["mul"]]   # exp(phi) is a constant


@pytest.mark.parametrize("formula, expected", [
    ("div mul G mul m1 m2 mul n2 r sin 1", True),      # G*m1*m2/(r**2*sin(1))
    ("mul G sqrt pi", True),
    ("add 1 1", True),
    ("mul G div m1 n2 r", False),
    ("add G mul 1 m1", False),                         # a number beside a variable is fine
    ("1", False),                                      # a constant formula, not in disguise
])
def test_a_finished_formula_with_a_constant_subtree_is_told(formula, expected):
    library, _ = _library("newton")
    tokens = np.array([library.index[name] for name in formula.split()])
    assert has_constant_subtree(tokens, library) is expected
    assert any(" " in part or part in ("1", "pi") for part in junk(tokens, library)) is expected


@pytest.mark.parametrize("problem, formula, expected", [
    ("newton", "sub mul G m1 mul G m1", True),         # A - A is 0
    ("newton", "mul G div n2 r n2 r", True),           # A / A is 1, anywhere in the formula
    ("newton", "add m1 m1", True),                     # 2A: G absorbs the factor 2
    ("ratio", "add x x", False),                       # ... unless no free constant can
    ("ratio", "sub x L", False),
    ("newton", "mul m1 m1", False),                    # m1**2 is no twin of a shorter form
])
def test_a_finished_formula_that_repeats_a_child_is_told(problem, formula, expected):
    library, _ = _library(problem)
    tokens = np.array([library.index[name] for name in formula.split()])
    assert repeats_a_child(tokens, library) is expected


def test_the_search_gives_a_constant_subtree_from_elsewhere_no_score(monkeypatch):
    """SymPy's shorter twin of an exact formula is scored like any other: one holding
    sin(1) gets an infinite error, so it never takes a place in the hall of fame."""
    search = newton_search(seed=0)
    ix = search.library.index
    junky = tuple(ix[n] for n in "div mul G mul m1 m2 mul n2 r sin 1".split())
    entry, = search._score_new([junky], ["raw"])
    assert entry.nrmse == np.inf and not search.hall.offer(entry)


def _relativity():
    """E = m c^2 f(v/c) with c known: the operators of the law, numbers 1 and k = 2.5."""
    library = build_library(["mul", "div", "sub", "n2", "sqrt", "inv", "cos"],
                            [("m", dim("kg")), ("v", dim("m/s"))], {},
                            ["1", "k=2.5", "c=19.8 m/s"])
    return library, np.array(dim("J").doubled())


def test_a_known_constant_goes_wherever_its_units_fit_and_grounds_its_subtree():
    library, target = _relativity()
    index = library.index
    c, v, m, one, k = (index[n] for n in ("c", "v", "m", "1", "k"))
    config = PriorConfig(max_length=20)
    state = FormulaState(library, 3, 20, np.array(dim("m/s").doubled()),
                         BuildCost(library, target, 20))
    mask = allowed(state, config)
    assert mask[:, c].all() and mask[:, v].all() and not mask[:, m].any()
    state = FormulaState(library, 3, 20, target, BuildCost(library, target, 20))
    state.append(np.array([index["mul"], index["n2"], index["cos"]]))
    state.append(np.array([m, index["n2"], index["div"]]))
    mask = allowed(state, config)
    # mul(m, ·) needs m^2/s^2: not c itself; n2(n2(·)) of m^(1/2)/s^(1/2): nothing bare;
    # cos(div(·, ·)): c or v first.
    assert not mask[0, c] and mask[0, index["n2"]]
    assert not mask[1, c] and not mask[1, one]
    assert mask[2, c] and mask[2, v]
    state.append(np.array([index["n2"], index["mul"], one]))
    mask = allowed(state, config)
    assert mask[0, c] and not mask[0, one]       # mul(m, n2(c)): c grounds n2, 1 does not
    # cos(div(1, ·)): a dimensionless, grounded ratio such as v/c, never the number k.
    assert not mask[2, k] and not mask[2, c] and mask[2, index["div"]]


def test_sampled_formulas_with_a_known_constant_are_consistent_and_use_it():
    """Checked by the independent units checker and junk finder; c shows up often."""
    library, target = _relativity()
    sampler = Sampler(library, target, PriorConfig(max_length=12))
    generator = torch.Generator().manual_seed(0)
    formulas = sampler.sample(Policy(len(library)), 2000, generator).formulas()
    dims = {"m": dim("kg"), "v": dim("m/s"), "c": dim("m/s"), "k": dim("1")}
    checked = with_c = 0
    for formula in formulas:
        expr = to_sympy(formula, library)
        if expr.has(sympy.zoo, sympy.nan) or not expr.free_symbols:
            continue                             # x/(c - c), v - v: SymPy kept no units
        assert dimension_of(expr, dims) == dim("J"), expr
        assert junk(formula, library) == [], expr
        checked += 1
        with_c += sympy.Symbol("c") in expr.free_symbols
    assert checked > 300 and with_c > 100, (checked, with_c)


@pytest.mark.parametrize("problem", ["oscillator", "ratio"])
def test_pow_leaves_no_slot_without_a_token(problem):
    """pow's two dimensionless children are planned for: its second child's tokens are
    kept while the first is written, so no slot is left without a token."""
    library, target = _library(problem, [*ALL_OPERATORS, "pow"])
    formulas, blamed = _random_walk(library, target, 2000, 12, seed=3)
    assert blamed == 0
    powers = [f for f in formulas if library.index["pow"] in f]
    assert len(powers) > 100
    for formula in formulas:
        assert junk(formula, library) == [], [library.names[t] for t in formula]
