"""The prefix-tree walk against trees built by hand and against a recursive parse."""

import numpy as np
import pytest

from lawfinder.language.library import DEFAULT_OPERATORS, build_library
from lawfinder.language.prefix_tree import NO_CHILD, children, open_slots, subtree_ends

from support import dim

LIBRARY = build_library(DEFAULT_OPERATORS, [("x", dim("m")), ("y", dim("m"))], {"c": dim("1")})


def _tokens(*names):
    return np.array([LIBRARY.index[n] for n in names])


def test_a_tree_by_hand():
    tokens = _tokens("add", "mul", "c", "x", "sin", "y")  # add(mul(c, x), sin(y))
    np.testing.assert_array_equal(subtree_ends(tokens, LIBRARY.arity), [6, 4, 3, 4, 6, 6])
    np.testing.assert_array_equal(children(tokens, LIBRARY.arity),
                                  [[1, 4], [2, 3], [NO_CHILD] * 2, [NO_CHILD] * 2,
                                   [5, NO_CHILD], [NO_CHILD] * 2])
    np.testing.assert_array_equal(open_slots(tokens, LIBRARY.arity), [2, 3, 2, 1, 1, 0])


def test_a_lone_terminal_is_its_own_subtree():
    tokens = _tokens("x")
    np.testing.assert_array_equal(subtree_ends(tokens, LIBRARY.arity), [1])
    np.testing.assert_array_equal(children(tokens, LIBRARY.arity), [[NO_CHILD, NO_CHILD]])


def _random_tree(rng, depth):
    """Tokens of a random tree, each position's subtree end and children, built top-down."""
    ops = np.flatnonzero(~LIBRARY.is_terminal)
    terminals = np.flatnonzero(LIBRARY.is_terminal)
    if depth == 0 or rng.random() < 0.3:
        return [int(rng.choice(terminals))], [1], [(NO_CHILD, NO_CHILD)]
    op = int(rng.choice(ops))
    tokens, ends, kids, starts = [op], [None], [None], []
    for _ in range(LIBRARY.arity[op]):
        starts.append(len(tokens))
        sub_tokens, sub_ends, sub_kids = _random_tree(rng, depth - 1)
        shift = len(tokens)
        tokens += sub_tokens
        ends += [e + shift for e in sub_ends]
        kids += [tuple(k + shift if k != NO_CHILD else k for k in pair) for pair in sub_kids]
    ends[0] = len(tokens)
    kids[0] = tuple(starts + [NO_CHILD] * (2 - len(starts)))
    return tokens, ends, kids


def test_random_trees_match_how_they_were_built():
    rng = np.random.default_rng(3)
    for _ in range(200):
        tokens, ends, kids = _random_tree(rng, depth=5)
        np.testing.assert_array_equal(subtree_ends(tokens, LIBRARY.arity), ends)
        np.testing.assert_array_equal(children(tokens, LIBRARY.arity), kids)
        assert open_slots(tokens, LIBRARY.arity)[-1] == 0


@pytest.mark.parametrize("names", [(), ("add", "x"), ("x", "y"), ("sin",), ("x", "sin", "y")])
def test_anything_but_one_complete_formula_is_refused(names):
    with pytest.raises(ValueError, match="complete"):
        subtree_ends(_tokens(*names), LIBRARY.arity)
