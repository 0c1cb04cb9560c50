"""Partial formulas being written, token by token, for a whole batch at once.

The state is a stack of open operator nodes per formula. From it follow, at each step,
the units the next token must have (DESIGN.md, 'Units: checked while the formula is
written'), the parent and sibling of the next token, whether its subtree must be grounded
and the length budget left. Units are doubled integer exponents (sqrt(m) is 1), so
half-integer powers stay exact.

A subtree is grounded when it holds a variable, a free constant or a known constant with
units (c, G: physical quantities, as inputs are; `Library.is_number`). With the rule against
constant subtrees on, every operator's subtree is grounded: cos(1), exp(1 + 1) and
1/(1 + pi) are never written, since a free constant (or nothing) does their work.
"""

from __future__ import annotations

import numpy as np

from lawfinder.language.build_cost import INFEASIBLE, BuildCost
from lawfinder.language.library import Library, Rule

NONE = -1  # no parent / no sibling / no previous token
_SAME, _PRODUCT, _QUOTIENT, _POWER, _DIMLESS = (list(Rule).index(r) for r in
                                                 (Rule.SAME, Rule.PRODUCT, Rule.QUOTIENT,
                                                  Rule.POWER, Rule.DIMENSIONLESS))


class FormulaState:
    """Batch of prefix formulas under construction; `append` adds one token to each."""

    def __init__(self, library: Library, batch_size: int, max_length: int | np.ndarray,
                 target2: np.ndarray, cost: BuildCost, grounded: bool = True,
                 context: tuple[np.ndarray, np.ndarray] | None = None):
        """`max_length` (scalar or (B,)) caps the tokens; `target2` (7,) or (B, 7) are the
        doubled units each formula must have. `grounded`: every operator's subtree must be
        grounded. `context`: parent and other child (tokens (B,), NONE if none) of the slot
        each formula fills, when it is a subtree regrown inside a larger formula."""
        B, L = batch_size, int(np.max(max_length))
        self.library, self.cost, self.max_length = library, cost, np.asarray(max_length)
        self.grounded = grounded
        none = np.full(B, NONE, dtype=np.int64)
        self.context = context if context is not None else (none, none)
        self.dimensionless = _dimensionless_costs(library, cost)
        self.target2 = np.asarray(target2, dtype=np.int64)
        self.tokens = np.full((B, L), NONE, dtype=np.int64)
        self.length = np.zeros(B, dtype=np.int64)
        self.done = np.zeros(B, dtype=bool)
        self.failed = np.zeros(B, dtype=bool)       # hit a dead end; discarded by the sampler
        self.dangling = np.ones(B, dtype=np.int64)  # open slots still to fill
        self.reserved = np.zeros(B, dtype=np.int64)  # tokens promised to pending second children
        self.sp = np.zeros(B, dtype=np.int64)       # stack height
        self.node_tok = np.full((B, L), NONE, dtype=np.int64)
        self.node_nd = np.zeros((B, L), dtype=np.int64)        # children completed
        self.node_req = np.zeros((B, L, 7), dtype=np.int64)    # units the node must have
        self.node_free = np.zeros((B, L), dtype=bool)          # ... or any units
        self.node_a = np.zeros((B, L, 7), dtype=np.int64)      # units of its first child
        self.node_first = np.full((B, L), NONE, dtype=np.int64)  # root token of first child
        self.node_pending = np.zeros((B, L), dtype=np.int64)
        self.in_family = np.zeros((B, max(len(library.families), 1)), dtype=np.int64)
        self.rows = np.arange(B)

    @property
    def active(self) -> np.ndarray:
        return ~self.done & ~self.failed

    def top(self) -> tuple[np.ndarray, np.ndarray]:
        """Index of the top node (clipped at 0) and whether a top node exists."""
        return np.maximum(self.sp - 1, 0), self.sp > 0

    def required(self) -> tuple[np.ndarray, np.ndarray]:
        """Units (B, 7) the next token must have, and whether any units will do (B,)."""
        top, has = self.top()
        op = np.where(has, self.node_tok[self.rows, top], 0)
        rule = np.where(has, self.library.rule_code[op], -1)
        nd = self.node_nd[self.rows, top]
        req = self.node_req[self.rows, top]
        free = self.node_free[self.rows, top]
        a = self.node_a[self.rows, top]
        num, den = self.library.power_num[op][:, None], self.library.power_den[op][:, None]
        out = np.broadcast_to(self.target2, req.shape).copy()
        out_free = np.zeros(len(self.rows), dtype=bool)
        second = nd == 1
        cases = [  # (rows, units, any-units flag)
            (rule == _SAME, np.where(second[:, None], a, req), free & ~second),
            (rule == _PRODUCT, req - a, free | ~second),
            (rule == _QUOTIENT, a - req, free | ~second),
            (rule == _POWER, (req * den) // num, free),
            (rule == _DIMLESS, np.zeros_like(req), np.zeros_like(free)),
        ]
        for rows, units, any_units in cases:
            out[rows] = units[rows]
            out_free[rows] = any_units[rows]
        return out, out_free

    def budget(self) -> np.ndarray:
        """Tokens the current slot's subtree may use without overrunning max_length."""
        return self.max_length - self.length - self.reserved

    def parent_sibling(self) -> tuple[np.ndarray, np.ndarray]:
        """Token of the parent of the next slot, and of its left sibling (NONE if absent);
        for the root slot of a regrown subtree, its `context`."""
        top, has = self.top()
        root = ~has & (self.length == 0)
        around_parent, around_sibling = (np.where(root, c, NONE) for c in self.context)
        parent = np.where(has, self.node_tok[self.rows, top], around_parent)
        sibling = np.where(has & (self.node_nd[self.rows, top] == 1),
                           self.node_first[self.rows, top], around_sibling)
        return parent, sibling

    def grounding(self) -> tuple[np.ndarray, np.ndarray]:
        """Whether the next slot's subtree must be grounded (B,), being a unary operator's
        child or beside a fixed number; and whether it is a function's argument (B,), which
        may not be a bare free constant either (exp(c) is a constant). False when the rule
        is off."""
        lib = self.library
        parent, sibling = self.parent_sibling()
        p = np.maximum(parent, 0)
        unary = (parent != NONE) & (lib.arity[p] == 1) & self.grounded
        beside_fixed = (sibling != NONE) & lib.is_number[np.maximum(sibling, 0)] & self.grounded
        return unary | beside_fixed, unary & (lib.rule_code[p] == _DIMLESS)

    def grounded_cost(self, dims2: np.ndarray) -> np.ndarray:
        """Fewest tokens of a subtree of units `dims2` (..., 7) where one must be grounded:
        that of any subtree, but for dimensionless ones when the rule is on (then a bare
        fixed number no longer counts)."""
        dims2 = np.asarray(dims2)
        costs = self.cost(dims2)
        if not self.grounded:
            return costs
        return np.where(dims2.any(axis=-1), costs, self.dimensionless[0])

    def argument_cost(self) -> int:
        """Fewest tokens of a function's argument (exp, sin, ...): dimensionless, and when
        the rule is on, grounded and no bare free constant."""
        return self.dimensionless[1] if self.grounded else int(self.cost(np.zeros(7, np.int64)))

    def previous(self) -> np.ndarray:
        return np.where(self.length > 0, self.tokens[self.rows, np.maximum(self.length - 1, 0)],
                        NONE)

    def append(self, chosen: np.ndarray) -> None:
        """Write `chosen` (B,) into every active formula; finished ones ignore it."""
        rows = np.flatnonzero(self.active)
        t = chosen[rows]
        req, free = self.required()
        req, free = req[rows], free[rows]
        self.tokens[rows, self.length[rows]] = t
        self.length[rows] += 1
        self.dangling[rows] += self.library.arity[t] - 1
        top, has = self.top()
        first = rows[has[rows] & (self.node_nd[rows, top[rows]] == 0)]
        self.node_first[first, top[first]] = chosen[first]
        is_op = self.library.arity[t] > 0
        self._push(rows[is_op], t[is_op], req[is_op], free[is_op])
        self._complete(rows[~is_op], self.library.dims2[t[~is_op]])

    def _push(self, rows: np.ndarray, t: np.ndarray, req: np.ndarray, free: np.ndarray) -> None:
        j = self.sp[rows]
        self.node_tok[rows, j] = t
        self.node_nd[rows, j] = 0
        self.node_req[rows, j] = req
        self.node_free[rows, j] = free
        self.node_first[rows, j] = NONE
        pending = self._second_child_reserve(t, req, free)
        self.node_pending[rows, j] = pending
        self.reserved[rows] += pending
        fam = self.library.family[t]
        has_fam = fam >= 0
        np.add.at(self.in_family, (rows[has_fam], fam[has_fam]), 1)
        self.sp[rows] += 1

    def _second_child_reserve(self, t: np.ndarray, req: np.ndarray, free: np.ndarray
                              ) -> np.ndarray:
        """Tokens to keep for a binary node's second child while its first is written.

        add/sub with known units: the cost of those units. mul/div with known units: the
        cheapest second child after a terminal first child (the plan the masks counted on).
        pow, whatever its units: the cost of a dimensionless child. Otherwise one token.
        """
        lib = self.library
        pending = np.where(lib.arity[t] == 2, 1, 0)
        for op in np.unique(t[lib.arity[t] == 2]):
            rows = (t == op) & ~free
            if lib.rule[op] is Rule.DIMENSIONLESS:
                pending[t == op] = self.cost(np.zeros(7, dtype=np.int64))
            elif lib.rule[op] is Rule.SAME:
                pending[rows] = self.cost(req[rows])
            else:
                pending[rows] = second_child_cost(self, op, req[rows])
        return pending

    def _complete(self, rows: np.ndarray, units: np.ndarray) -> None:
        """A subtree with `units` (n, 7) just closed in each row: climb the stack."""
        while len(rows):
            empty = self.sp[rows] == 0
            self.done[rows[empty]] = True
            rows, units = rows[~empty], units[~empty]
            j = self.sp[rows] - 1
            op = self.node_tok[rows, j]
            waits = (self.library.arity[op] == 2) & (self.node_nd[rows, j] == 0)
            r, jj = rows[waits], j[waits]
            self.node_a[r, jj] = units[waits]
            self.node_nd[r, jj] = 1
            self.reserved[r] -= self.node_pending[r, jj]
            rows, units, j, op = rows[~waits], units[~waits], j[~waits], op[~waits]
            units, exact = self._node_units(op, self.node_a[rows, j], units)
            self.failed[rows[~exact]] = True  # e.g. sqrt of m^(1/2): not on the half-integer grid
            fam = self.library.family[op]
            has_fam = fam >= 0
            np.add.at(self.in_family, (rows[has_fam], fam[has_fam]), -1)
            self.sp[rows] -= 1
            rows, units = rows[exact], units[exact]

    def _node_units(self, op: np.ndarray, a: np.ndarray, last: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
        """Units of closing nodes from their first child `a` and last child `last`."""
        rule = self.library.rule_code[op][:, None]
        num, den = self.library.power_num[op][:, None], self.library.power_den[op][:, None]
        powered = last * num
        exact = np.all(powered % den == 0, axis=1)
        units = np.select([rule == _PRODUCT, rule == _QUOTIENT, rule == _POWER, rule == _DIMLESS],
                          [a + last, a - last, powered // den, 0], last)
        return units, exact


def second_child_cost(state: FormulaState, op: int, req: np.ndarray) -> np.ndarray:
    """(B,) cheapest second child of mul/div `op` with known units `req`, after a terminal
    (after a fixed number, a grounded one)."""
    lib = state.library
    sign = 1 if lib.rule[op] is Rule.PRODUCT else -1
    terms = np.unique(lib.dims2[lib.is_terminal & ~lib.is_number], axis=0)
    costs = [state.cost(sign * (req - u)) for u in terms]
    if lib.is_number.any():  # numbers are dimensionless (c, with units, is among the terms)
        costs.append(state.grounded_cost(sign * req))
    return np.min(costs, axis=0)


def _dimensionless_costs(library: Library, cost: BuildCost) -> tuple[int, int]:
    """Fewest tokens of a grounded dimensionless subtree, and of one that is also no bare
    free constant (a function's argument). The plans are those BuildCost counts on, made
    grounded: a bare variable or free constant; a power of one; a variable or free constant
    times or over a subtree that cancels its units (any subtree may follow those)."""
    lib = library
    grounded = lib.is_terminal & ~lib.is_number
    dimensionless = grounded & ~lib.dims2.any(axis=1)
    rules = set(lib.rule)
    bare = 1 if dimensionless.any() else INFEASIBLE
    plans = [INFEASIBLE, 1 + bare if Rule.POWER in rules else INFEASIBLE]
    for u in np.unique(lib.dims2[grounded], axis=0):
        if Rule.PRODUCT in rules:
            plans.append(2 + int(cost(-u)))
        if Rule.QUOTIENT in rules:
            plans.append(2 + int(cost(u)))
    operator = min(plans)
    bare_variable = 1 if (dimensionless & ~lib.is_free).any() else INFEASIBLE
    return min(bare, operator), min(bare_variable, operator)
