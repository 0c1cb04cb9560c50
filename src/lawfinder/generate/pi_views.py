"""Dimensionless views of a problem, y = P * f(Π1, ..., Πk), written in the library's tokens.

A view turns a form f over the leaves x1..xk (the Buckingham-Π groups) into a formula of
the original variables and constants: each xi becomes the monomial Πi and the form is
multiplied by the monomial P. Such formulas are dimensionally consistent by construction
and are fitted and scored like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import partial

import numpy as np

from lawfinder.generate.forms import group_forms
from lawfinder.generate.separable import best_products
from lawfinder.language.library import Kind, Library, Token
from lawfinder.units.buckingham import PiBasis, pi_bases

# Longest form f enumerated, by number of groups: about 10^5 distinct forms or fewer.
FORM_LENGTH = {1: 7, 2: 6, 3: 5, 4: 4}
# Forms with constants to fit per turn of an enumerated stream (the default epoch's
# batch, SearchConfig.batch_size; a turn does not follow a user's batch_size); forms
# without cost one evaluation instead of a fit of dozens, and take turns this many times
# as long (and an epoch scores as many more of them).
TURN = 500
FREE_PER_FITTED = 8
# The products of two forms of each tier (`separable.TIERS`) come with the forms of this
# many symbols, scored on this many rows of the data.
PRODUCT_KEYS = (4, 6)
PRODUCT_ROWS = 200


@dataclass(frozen=True)
class View:
    """A Π basis with its prefactor and groups as token sequences."""

    basis: PiBasis
    prefactor: tuple[int, ...]               # tokens of P; empty when P = 1
    groups: tuple[tuple[int, ...], ...]      # tokens of each Π

    @property
    def name(self) -> str:
        return str(self.basis)

    @property
    def trivial(self) -> bool:
        """Whether the view is the raw problem itself (without units, each input is a group)."""
        return not self.prefactor and all(len(g) == 1 for g in self.groups)

    def formula(self, form: tuple[str, ...], library: Library) -> tuple[int, ...]:
        """The tokens of P * form, with leaf 'x{i}' standing for group i (from 1)."""
        body = self.body(form, library)
        if not self.prefactor:
            return body
        return (library.index["mul"], *self.prefactor, *body)

    def body(self, form: tuple[str, ...], library: Library) -> tuple[int, ...]:
        """The tokens of the form alone, each leaf 'x{i}' written as group i."""
        tokens: list[int] = []
        for symbol in form:
            if symbol.startswith("x") and symbol[1:].isdigit():
                tokens += self.groups[int(symbol[1:]) - 1]
            else:
                tokens.append(library.index[symbol])
        return tuple(tokens)


def pi_views(library: Library, target_dim2: tuple[int, ...], max_views: int = 2) -> list[View]:
    """The views the library's tokens can write, best basis first (see `pi_bases`).

    A dimensionless target keeps one view: its alternatives only put a ratio of
    constants in front, which the groups already hold.
    """
    # A group may hold per-dataset constants too, and known ones with units (v/c, c known).
    constants = (Kind.FREE, Kind.DATASET, Kind.FIXED)
    quantities = [(t.name, t.dim.exponents, t.kind in constants)
                  for t, number in zip(library.tokens, library.is_number)
                  if t.kind in (Kind.VARIABLE, *constants) and not number]
    target = tuple(Fraction(e, 2) for e in target_dim2)
    bases = pi_bases(target, quantities, max_bases=max_views)
    if all(e == 0 for e in target):
        bases = bases[:1]
    views = []
    for basis in bases:
        prefactor = monomial_tokens(basis.prefactor, library)
        groups = [monomial_tokens(g, library) for g in basis.groups]
        if prefactor is not None and all(g for g in groups):
            views.append(View(basis, prefactor, tuple(groups)))
    return views


def monomial_tokens(exponents: Mapping[str, Fraction], library: Library
                    ) -> tuple[int, ...] | None:
    """Prefix tokens of a product of powers (exponents multiples of 1/2), or None when the
    library lacks an operator it needs (mul, div or inv, n2, sqrt)."""
    try:
        top = _product([_power(n, e, library) for n, e in exponents.items() if e > 0], library)
        bottom = _product([_power(n, -e, library) for n, e in exponents.items() if e < 0],
                          library)
        if not bottom:
            return top
        if not top:
            return (library.index["inv"], *bottom)
        return (library.index["div"], *top, *bottom)
    except KeyError:
        return None


def _power(name: str, exponent: Fraction, library: Library) -> tuple[int, ...]:
    """name**exponent for a positive multiple of 1/2, by squares, products and one sqrt."""
    index, leaf = library.index, library.terminal[name]
    if exponent == 1:
        return (leaf,)
    if exponent == Fraction(1, 2):
        return (index["sqrt"], leaf)
    if exponent.denominator == 2:
        whole = Fraction(exponent.numerator // 2)
        return (index["mul"], *_power(name, whole, library), index["sqrt"], leaf)
    if exponent % 2 == 0:
        return (index["n2"], *_power(name, exponent / 2, library))
    return (index["mul"], leaf, *_power(name, exponent - 1, library))


def _product(factors: list[tuple[int, ...]], library: Library) -> tuple[int, ...]:
    if not factors:
        return ()
    return tuple([library.index["mul"]] * (len(factors) - 1)
                 + [t for factor in factors for t in factor])


def variable_groups(view: View, library: Library) -> tuple[int, ...]:
    """Indices of the view's groups that hold a variable: not a lone fitted constant
    (Π = c0), which only gives a form a number to fit."""
    return tuple(i for i, group in enumerate(view.basis.groups)
                 if any(library.tokens[library.terminal[name]].kind is Kind.VARIABLE
                        for name in group))


def _holds_constant(monomial: Mapping[str, Fraction], library: Library) -> bool:
    """Whether a group has a fitted constant of its own (alpha*t), which already scales it."""
    return any(library.is_free[library.terminal[name]] for name in monomial)


def scaled_views(view: View, library: Library) -> list[View]:
    """The view over its variable groups with one of them (without a constant of its own)
    times a constants-only group, and P times another if there is one: c'*P*f(c*u), the
    numbers a law writes inside a function (hbar = h/2pi in exp(hbar*omega/(k*T)),
    theta/2) and before it."""
    held = variable_groups(view, library)
    scales = [g for i, g in enumerate(view.groups) if i not in held]  # constants alone
    if not scales or len(held) > 2:
        return []
    mul = library.index["mul"]
    front = view.prefactor
    if len(scales) > 1:
        front = (mul, *scales[1], *front) if front else scales[1]
    views = []
    for scaled in [i for i in held if not _holds_constant(view.basis.groups[i], library)]:
        groups = tuple((mul, *scales[0], *view.groups[i]) if i == scaled else view.groups[i]
                       for i in held)
        views.append(replace(view, prefactor=front, groups=groups))
    return views


def enumerated_formulas(views: list[View], library: Library, max_length: int,
                        X: np.ndarray | None = None, y: np.ndarray | None = None
                        ) -> Iterator[tuple[tuple[int, ...], str]]:
    """Every distinct form over the views' groups, written in each view, shortest first.

    Forms over the groups that hold a variable alone go first, by one symbol: without
    the groups of lone constants (c0, c1 of a Feynman problem) the forms of f(v/c) run
    two symbols longer within the same count, and 1/sqrt(1 - x1**2) takes six. The same
    forms with a group and P scaled by constants (`scaled_views`) count one symbol more,
    and stop two symbols shorter: they cost fits, the narrow forms none. Forms of one
    length go through the best view before the next, so that a law of that length costs
    one view's sweep, not all of them. `max_length` caps a form's symbols, as it caps
    what a view's policy writes: P and the groups written out come on top. With the
    data X, y, each view's best products of two short forms (`separable_forms`) come
    among the forms of 4 symbols, and those of longer factors among the forms of 6
    (`PRODUCT_KEYS`).
    """
    if not views:
        return
    k = len(views[0].groups)
    # The same views over their variable groups alone, for the forms over those.
    narrow = [replace(v, groups=tuple(v.groups[i] for i in variable_groups(v, library)))
              for v in views]
    j = len(narrow[0].groups)
    # Stream id: which views write its forms (0 narrow, 1 scaled, 2 all groups).
    written = [[v for v in narrow if len(v.groups) == j],
               [s for v in views for s in scaled_views(v, library)], views]
    lengths = {n: min(length, max_length) for n, length in FORM_LENGTH.items()}
    streams = []
    if 0 < j < k and j in lengths:
        streams.append(_keyed(group_forms(j, library, lengths[j]), 0, 0))
        if written[1]:
            streams.append(_keyed(group_forms(j, library, lengths[j] - 2), 1, 1))
    if k in lengths:
        streams.append(_keyed(group_forms(k, library, lengths[k]), 1, 2))
    for tier, key in enumerate(PRODUCT_KEYS if X is not None and y is not None else ()):
        for view in views:
            streams.append(_later(key, len(written), partial(
                separable_forms, view, library, X, y, max_length, tier)))
            written.append([view])
    for stream, forms in take_turns(streams, [_turn(w, library) for w in written]):
        for view in written[stream]:
            yield from ((view.formula(form, library), view.name) for form in forms)


def separable_forms(view: View, library: Library, X: np.ndarray, y: np.ndarray,
                    max_length: int, tier: int = 0) -> list[tuple[str, ...]]:
    """Forms c*g, c*g*h and c*g/h over the view's groups that fit y/P best at sample
    rows (`best_products` of that tier; c is a group of lone constants, or absent if the
    view has none), or none where P or a group with a variable holds a fitted constant."""
    held = variable_groups(view, library)
    monomials = [view.basis.prefactor, *(view.basis.groups[i] for i in held)]
    values = [_monomial_values(m, library, X) for m in monomials]
    if not held or any(v is None for v in values):
        return []
    with np.errstate(all="ignore"):
        ratio = y / values[0]
    rows = np.flatnonzero(np.isfinite(ratio) & (ratio != 0)
                          & np.isfinite(np.array(values[1:])).all(axis=0))
    if len(rows) < 2:  # every form is constant on one row
        return []
    rows = np.random.default_rng(0).choice(rows, min(len(rows), PRODUCT_ROWS), replace=False)
    scales = [f"x{i + 1}" for i in range(len(view.groups)) if i not in held][:1]
    leaves = {f"x{i + 1}": v[rows] for i, v in zip(held, values[1:])}
    forms = best_products(leaves, ratio[rows], library, bool(scales),
                          max_length - 2 * len(scales), tier)
    return [("mul", *scales, *form) if scales else form for form in forms]


def _monomial_values(monomial: Mapping[str, Fraction], library: Library, X: np.ndarray
                     ) -> np.ndarray | None:
    """A product of powers of variables and known constants at the rows of X, or None
    if it holds a constant to fit."""
    out = np.ones(len(X))
    for name, exponent in monomial.items():
        token = library.tokens[library.terminal[name]]
        if token.kind is not Kind.VARIABLE and not token.known:
            return None
        with np.errstate(all="ignore"):
            base = X[:, token.index] if token.kind is Kind.VARIABLE else token.value
            out = out * np.power(base, float(exponent))
    return out


def _keyed(forms: Iterator[tuple[str, ...]], extra: int, stream: int
           ) -> Iterator[tuple[int, int, tuple[str, ...]]]:
    """(key, stream, form): the key is the form's length plus the symbols its view adds."""
    return ((len(form) + extra, stream, form) for form in forms)


def _later(key: int, stream: int, make: Callable[[], list[tuple[str, ...]]]
           ) -> Iterator[tuple[int, int, tuple[str, ...] | None]]:
    """A stream of one key whose forms are made when the turns reach it, not before: a
    first (key, stream, None) stands in for them."""
    yield key, stream, None
    yield from ((key, stream, form) for form in make())


def _turn(views: list[View], library: Library) -> int:
    """Forms a stream gives per turn: an epoch's fits, or more where its views leave
    nothing to fit (a form over the groups alone, P and the groups constant-free)."""
    free = any(library.is_free[list(v.prefactor + sum(v.groups, ()))].any() for v in views)
    return TURN if free else TURN * FREE_PER_FITTED


def take_turns(streams: list[Iterator[tuple[int, int, tuple[str, ...] | None]]],
               turns: list[int]) -> Iterator[tuple[int, list[tuple[str, ...]]]]:
    """(stream, forms) from streams of (key, stream, form) sorted by key: the lowest key
    first, the streams that reach it taking turns of `turns[stream]` forms, so that the
    many cheap forms of one length do not hold back the few of another stream's. A form
    None only holds its stream's place."""
    heads = [next(s, None) for s in streams]
    while any(heads):
        key = min(h[0] for h in heads if h)
        for i, stream in enumerate(streams):
            if not heads[i] or heads[i][0] != key:
                continue
            sid, forms = heads[i][1], []
            while heads[i] and heads[i][0] == key and len(forms) < turns[sid]:
                if heads[i][2] is not None:  # not a stand-in (`_later`)
                    forms.append(heads[i][2])
                heads[i] = next(stream, None)
            if forms:
                yield sid, forms


def view_library(view: View, library: Library) -> Library:
    """The tokens a policy writes forms with: the library's operators and fixed numbers,
    and one dimensionless variable x{i} per group (its free constants live in the groups)."""
    groups = [Token(f"x{i + 1}", Kind.VARIABLE, index=i) for i in range(len(view.groups))]
    keep = [t for t, number in zip(library.tokens, library.is_number) if t.arity or number]
    return Library([t for t in keep if t.arity] + groups + [t for t in keep if not t.arity])


def natural_constants(view: View, library: Library, X: np.ndarray, y: np.ndarray,
                      default: np.ndarray) -> np.ndarray:
    """Starting values (K,) for the view's constants: each group's lone constant makes the
    group's typical size 1 (v/c with c near the typical v), then P's lone constant makes P
    as large as y typically is. Others keep `default`. Sizes are geometric medians.

    Without such a start, C in exp(C/(lam*T)) starts at 1 m*K where lam*T is 1e-3 m*K,
    the exponential overflows, and the law's true form fits no better than noise.
    """
    c = np.array(default, dtype=float)
    log_size = {t.name: _log_size(X[:, t.index]) for t in library.tokens
                if t.kind is Kind.VARIABLE}
    log_size |= {t.name: _log_size(np.array([t.value])) for t in library.tokens if t.known}
    targets = [(g, 0.0) for g in view.basis.groups] + [(view.basis.prefactor, _log_size(y))]
    for monomial, size in targets:
        unknown = [n for n in monomial if n not in log_size]
        if len(unknown) != 1:
            continue
        name = unknown[0]
        slots = np.flatnonzero(np.array(library.free) == library.terminal[name])  # every dataset's
        rest = sum(float(e) * log_size[n] for n, e in monomial.items() if n != name)
        c[slots] = np.exp((size - rest) / float(monomial[name]))
        log_size[name] = float(np.log(c[slots[0]]))
    return c


def _log_size(values: np.ndarray) -> float:
    """Log of the geometric median magnitude of the nonzero values (0 if none)."""
    logs = np.log(np.abs(values[values != 0]))
    return float(np.median(logs)) if len(logs) else 0.0
