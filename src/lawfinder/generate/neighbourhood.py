"""Systematic local search: every formula one short subtree away from a good one.

The policy's best formulas are often one subtree away from the law: cos(w*t + phi)/(a*t)
where cos(w*t + phi)*exp(a*t) belongs, exp(-a*t)*sin(w*t) where the phase is missing.
Random regrowth (`mutation`) finds such a fix by luck; here every fix from a small
catalogue of short dimensionless subtrees is tried, in order of length, after the moves
that shorten:

- a subtree is replaced by one of its own subtrees of the same units (a hoist): an
  operator the constants made linear goes, A*sin(B*x) becoming A*B*x, and then B;
- a dimensionless subtree is replaced by each catalogue entry;
- any subtree S becomes S * g for each catalogue entry g (units unchanged).

The catalogue is every distinct form of a few symbols over the Π groups and the fixed
numbers (`enumeration`), so each move keeps the formula dimensionally consistent.
"""

from __future__ import annotations

from collections.abc import Iterator

from lawfinder.generate.forms import group_forms
from lawfinder.generate.mutation import subtree_units
from lawfinder.generate.pi_views import View
from lawfinder.language.library import Kind, Library
from lawfinder.language.prefix_tree import subtree_ends

CATALOGUE_SYMBOLS = 3   # longest replacement form, in symbols (a group counts as one)


def catalogue(view: View, library: Library, symbols: int = CATALOGUE_SYMBOLS
              ) -> tuple[tuple[int, ...], ...]:
    """The distinct forms of up to `symbols` symbols over the view's groups, as tokens
    (without the view's prefactor), shortest first.

    A form over groups made of constants alone (phi, but not alpha*t) is a constant: only
    the bare group is kept, since S * phi already scales by any value.
    """
    varying = {f"x{i + 1}" for i, g in enumerate(view.groups)
               if any(library.tokens[t].kind is Kind.VARIABLE for t in g)}
    return tuple(view.body(form, library)
                 for form in group_forms(len(view.groups), library, symbols)
                 if len(form) == 1 or varying & set(form))


def neighbours(formula: tuple[int, ...], replacements: tuple[tuple[int, ...], ...],
               library: Library, max_length: int) -> Iterator[tuple[int, ...]]:
    """The formulas one move away from `formula` (see the module), at most `max_length`
    tokens: the hoists by position, then the others by length of the replacement and by
    position; the formula itself is skipped."""
    units = subtree_units(formula, library)
    ends = subtree_ends(formula, library.arity).tolist()
    for start, end in enumerate(ends):
        for inner in range(start + 1, end):
            if (units[inner] == units[start]).all():
                yield (*formula[:start], *formula[inner:ends[inner]], *formula[end:])
    times = library.index["mul"] if "mul" in library.index else None
    for g in replacements:
        for start, end in enumerate(ends):
            old = formula[start:end]
            room = max_length - (len(formula) - len(old))
            moves = []
            if not units[start].any() and len(g) <= room and g != old:
                moves.append(g)
            if times is not None and 1 + len(old) + len(g) <= room:
                moves.append((times, *old, *g))
            for new in moves:
                yield (*formula[:start], *new, *formula[end:])

