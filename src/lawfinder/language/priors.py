"""Per-step masks over the library for a batch of partial formulas.

Each prior is a small pure function of the formula state returning a (B, T) boolean
mask of allowed tokens; the sampler multiplies (ANDs) them. The soft length prior is
the exception: it returns additive log-weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lawfinder.language.build_cost import INFEASIBLE
from lawfinder.language.library import Rule
from lawfinder.language.prefix_tree import subtree_ends
from lawfinder.language.state import NONE, FormulaState, second_child_cost


@dataclass(frozen=True)
class PriorConfig:
    max_length: int = 20        # hard cap on tokens per formula
    min_length: int = 1         # hard floor on tokens per formula
    soft_length: float = 10.0   # preferred length: terminals discouraged before it, operators after
    soft_length_scale: float = 5.0
    nesting: bool = True        # no exp in exp, log in log, trig in trig
    no_useless_inverses: bool = True  # no log(exp x), inv(inv x), neg(neg x), ...
    no_constant_subtrees: bool = True  # no cos(1), add(1, 1), exp(c): constants fit those
                                       # (the sampler's FormulaState applies it)


def units_and_length(state: FormulaState) -> np.ndarray:
    """Tokens whose unit rule can be satisfied by a completion within the length budget."""
    return min_size(state) <= state.budget()[:, None]


def min_size(state: FormulaState) -> np.ndarray:
    """(B, T) fewest tokens a subtree rooted at each token can take in the next slot.

    The plans counted on keep every operator's subtree grounded when the state asks it:
    a unary operator's child, and the child after a fixed number, are grounded ones.
    """
    lib, cost = state.library, state.cost
    req, free = state.required()                                     # (B, 7), (B,)
    B, T = len(req), len(lib)
    size = np.full((B, T), INFEASIBLE, dtype=np.int64)
    anything = np.where(free, 1, cost(req))                          # (B,) cheapest subtree here
    terms = np.flatnonzero(lib.is_terminal)
    fits = free[:, None] | np.all(lib.dims2[terms][None] == req[:, None], axis=2)
    fits &= no_constant_subtrees(state)[:, terms] & _dependent_ok(state, terms)
    size[:, terms] = np.where(fits, 1, INFEASIBLE)
    for t in np.flatnonzero(~lib.is_terminal):
        rule = lib.rule[t]
        if rule is Rule.DIMENSIONLESS:  # the children are dimensionless even where any units do
            dimless = free | ~req.any(axis=1)
            size[:, t] = np.where(dimless, 1 + _dimensionless_children(state, lib.arity[t]),
                                  INFEASIBLE)
            continue
        if rule is Rule.POWER:
            num, den = lib.power_num[t], lib.power_den[t]
            child = req * den
            ok = np.all(child % num == 0, axis=1)
            inner = np.where(ok, state.grounded_cost(child // num), INFEASIBLE)
        elif rule is Rule.SAME:  # a fixed number first needs a grounded second, or vice versa
            inner = anything + np.where(free, 1, state.grounded_cost(req))
        else:  # mul/div: a terminal first, then the cheapest subtree that completes the units
            inner = 1 + second_child_cost(state, t, req)
        size[:, t] = np.where(free, 1 + lib.arity[t], 1 + np.minimum(inner, INFEASIBLE))
    return size


def _dimensionless_children(state: FormulaState, arity: int) -> int:
    """Fewest tokens of a function's dimensionless children: one argument (exp, sin), or
    two (pow) of which one is grounded (a fixed number first needs a grounded second)."""
    if arity == 1:
        return state.argument_cost()
    zero = np.zeros(7, dtype=np.int64)
    return int(state.cost(zero)) + int(state.grounded_cost(zero))


def _dependent_ok(state: FormulaState, terms: np.ndarray) -> np.ndarray:
    """(B, n_terms): in the first slot of a binary operator, can its second child still be
    written after each terminal? After mul/div's first child with known units the second
    must complete them; pow's is dimensionless; after a fixed number it must be grounded."""
    lib = state.library
    top, has = state.top()
    rows = state.rows
    op = np.where(has, state.node_tok[rows, top], 0)
    rule = np.where(has, lib.rule_code[op], -1)[:, None]
    first = (has & (lib.arity[op] == 2) & (state.node_nd[rows, top] == 0))[:, None]
    node_free = state.node_free[rows, top][:, None]
    node_req = state.node_req[rows, top][:, None]                    # (B, 1, 7)
    d = lib.dims2[terms][None]                                       # (1, n, 7)
    product = rule == list(Rule).index(Rule.PRODUCT)
    quotient = rule == list(Rule).index(Rule.QUOTIENT)
    dimensionless = rule == list(Rule).index(Rule.DIMENSIONLESS)     # pow: a pure number
    second = np.where(product[..., None], node_req - d,
                      np.where(quotient[..., None], d - node_req,
                               np.where(node_free[..., None], d, node_req)))
    second = np.where(dimensionless[..., None], 0, second)
    fixed = lib.is_number[terms][None]
    need = np.where(fixed, state.grounded_cost(second), state.cost(second))
    need = np.where((product | quotient) & node_free, 1, need)       # any second child will do
    left = (state.budget() - 1 + state.node_pending[rows, top])[:, None]
    return ~first | (need <= left)


def nesting(state: FormulaState) -> np.ndarray:
    """No operator inside another of its family (exp in exp, sin in cos, ...)."""
    fam = state.library.family
    inside = state.in_family[:, np.maximum(fam, 0)] > 0              # (B, T)
    return ~(inside & (fam >= 0)[None])


def useless_inverses(state: FormulaState) -> np.ndarray:
    """No child that undoes or repeats its parent: log(exp x), inv(inv x), neg(neg x)."""
    parent, _ = state.parent_sibling()
    banned = state.library.useless[np.maximum(parent, 0)]            # (B, T)
    return ~(banned & (parent != NONE)[:, None])


def no_constant_subtrees(state: FormulaState) -> np.ndarray:
    """No bare fixed number where the subtree must be grounded (cos(1), add(1, pi)), and no
    bare free constant as a function's argument (exp(c)): a free constant does their work.

    By induction every operator's subtree then holds a variable or free constant, so
    log(sin(1)) and 1/(1 + 1) cannot be written either. `min_size` counts on this rule,
    which the state turns on (FormulaState(grounded=...)).
    """
    lib = state.library
    ground, argument = state.grounding()
    return ~((ground[:, None] & lib.is_number[None]) | (argument[:, None] & lib.is_free[None]))


def min_length(state: FormulaState, minimum: int) -> np.ndarray:
    """Terminals that would close the formula before `minimum` tokens are forbidden."""
    closes = (state.dangling == 1) & (state.length + 1 < minimum)
    return ~(closes[:, None] & state.library.is_terminal[None])


def soft_length(state: FormulaState, loc: float, scale: float) -> np.ndarray:
    """(B, T) log-weights: terminals discouraged before `loc` tokens, operators after."""
    penalty = -((state.length + 1 - loc) ** 2) / (2 * scale**2)     # (B,)
    early = (state.length + 1 < loc)[:, None]
    terminal = state.library.is_terminal[None]
    return np.where(early == terminal, penalty[:, None], 0.0)


def repeats_a_child(tokens: np.ndarray, library) -> bool:
    """Whether a finished formula holds sub(A, A) or div(A, A), or add(A, A) when free
    constants could absorb the factor 2: such formulas are longer twins of simpler ones.

    Identical children are only known once written, so this judges finished formulas.
    """
    twins = ("a number", "a multiple") if library.n_free else ("a number",)
    ends = subtree_ends(tokens, library.arity)
    for i, t in enumerate(tokens):
        if library.arity[t] == 2 and library.tokens[t].operator.equal_children in twins:
            second = ends[i + 1]  # the first child starts at i + 1, the second after it
            if np.array_equal(tokens[i + 1:second], tokens[second:ends[i]]):
                return True
    return False


def has_constant_subtree(tokens: np.ndarray, library) -> bool:
    """Whether a finished formula holds an operator whose subtree has no variable and no
    free constant (sin(1), sqrt(pi)): the masks never write one, but a formula that comes
    from elsewhere (SymPy's shorter twin of an exact formula) may."""
    grounded = ~library.is_number[tokens] & library.is_terminal[tokens]
    ends = subtree_ends(tokens, library.arity)
    return any(library.arity[t] and not grounded[i:ends[i]].any() for i, t in enumerate(tokens))


def allowed(state: FormulaState, config: PriorConfig) -> np.ndarray:
    """(B, T) AND of every hard prior (no_constant_subtrees inside units_and_length)."""
    mask = units_and_length(state) & min_length(state, config.min_length)
    if config.nesting:
        mask &= nesting(state)
    if config.no_useless_inverses:
        mask &= useless_inverses(state)
    return mask
