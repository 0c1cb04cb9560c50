"""Units of the subtrees a mutation may regrow."""

import numpy as np

from support import dim

from lawfinder.generate.mutation import subtree_units
from lawfinder.language.library import build_library


def test_pow_and_its_children_are_pure_numbers_and_its_parent_sees_that():
    library = build_library(["mul", "div", "pow"], [("x", dim("m")), ("L", dim("m"))],
                            {"c": dim("1"), "k": dim("N")})
    tokens = tuple(library.index[n] for n in "mul k pow div x L c".split())  # k (x/L)^c
    units = subtree_units(tokens, library)
    np.testing.assert_array_equal(units[0], dim("N").doubled())
    assert not units[[2, 3, 6]].any()   # pow(...), x/L and c: dimensionless
    np.testing.assert_array_equal(units[4], dim("m").doubled())   # x
