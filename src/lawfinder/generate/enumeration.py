"""Enumerate every distinct short formula of a small dimensionless grammar.

Formulas are prefix (Polish) tuples of symbol names, e.g. ("inv", "sqrt", "sub", "1",
"n2", "x1") for 1/sqrt(1 - x1**2).  They are built bottom-up by size (dynamic
programming): the subtrees of size s are made only from the *distinct* subtrees of
smaller sizes, where two subtrees are the same when their values on the caller's
sample points agree to ~10 significant digits.  The first one met (shortest, then
earliest in the generation order) is kept, so deduplication prunes the whole space.

Rules (see enumerate_forms): commutative operators take one child order only;
(parent, child) pairs in `useless_pairs` are never built; no subtree other than a bare
number leaf may be built from numbers only or be constant on the sample points; and a
subtree that is NaN or infinite at any sample point is dropped, with everything above
it.  That last rule assumes the sample points look like the search data (mostly
positive variables): log(x) survives for x in (0.1, 0.9), but not for x in (-1, 1).

Growth: each extra symbol multiplies the count by about 7 with one variable, 8 with two.
With the 12 operators {neg, inv, n2, sqrt, exp, log, sin, cos, add, sub, mul, div}, leaves
{x1, 1} and 64 points in (0.1, 0.9), the forms of length 1..8 number 1, 8, 50, 332, 2282,
16166, 117002, 862509; with {x1, x2, 1}: 2, 16, 106, 780, 5967, 47169, 382571 (length 7).
Only the values of sizes below max_length are kept: length 7 peaks near 140 MB.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable, Iterator, Mapping

import numpy as np

Form = tuple[str, ...]

_MANTISSA_BITS = 34  # a mantissa in [0.5, 1) to 2**-34: about 10 significant digits
_BATCH = 1 << 15     # candidate trees evaluated at once (rows of n_points floats)


@dataclass
class _Level:
    """The distinct subtrees of one size: their forms, values and whether each has a variable."""
    forms: list[Form]
    values: np.ndarray  # (n_forms, n_points)
    has_var: np.ndarray  # (n_forms,) bool; False only for number leaves

    @cached_property
    def heads(self) -> np.ndarray:
        """Top symbol of each form, for the useless-pair rule."""
        return np.array([form[0] for form in self.forms], dtype=object)


@dataclass(frozen=True)
class _Rules:
    """The syntactic pruning rules, in the form the builders use them."""
    commutative: frozenset[str]
    banned_children: Mapping[str, list[str]]  # parent -> child heads it must not take


def _value_keys(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Round finite values to ~10 significant digits as exact (mantissa, exponent) integers."""
    mantissa, exponent = np.frexp(values)
    scaled = np.rint(mantissa * 2.0**_MANTISSA_BITS).astype(np.int64)
    carry = np.abs(scaled) == 2**_MANTISSA_BITS  # 0.99999999999 rounded up to 1: renormalise
    scaled[carry] //= 2
    return scaled, exponent.astype(np.int64) + carry


def _select(values: np.ndarray, seen: set[bytes], constant_ok: np.ndarray | None = None
            ) -> np.ndarray:
    """Indices of rows that are finite, not constant and new; their keys join `seen`."""
    finite = np.flatnonzero(np.isfinite(values).all(axis=1))
    mantissa, exponent = _value_keys(values[finite])
    varies = ((mantissa != mantissa[:, :1]) | (exponent != exponent[:, :1])).any(axis=1)
    if constant_ok is not None:
        varies |= constant_ok[finite]
    keys = np.ascontiguousarray(np.hstack([mantissa, exponent])[varies])
    keep = []
    for row, key in zip(finite[varies], keys):
        digest = hashlib.blake2b(key, digest_size=16).digest()
        if digest not in seen:
            seen.add(digest)
            keep.append(row)
    return np.array(keep, dtype=np.intp)


def _leaf_level(leaves: Mapping[str, np.ndarray], numbers: frozenset[str],
                seen: set[bytes]) -> _Level:
    """Size-1 level: the distinct leaves; number leaves are kept although constant."""
    names = list(leaves)
    arrays = [np.asarray(leaves[name], dtype=float) for name in names]
    if not arrays or any(a.ndim != 1 or a.shape != arrays[0].shape for a in arrays):
        raise ValueError("leaves must be 1-D arrays of one common length")
    values = np.stack(arrays)
    is_number = np.array([name in numbers for name in names])
    keep = _select(values, seen, constant_ok=is_number)
    return _Level([(names[k],) for k in keep], values[keep], ~is_number[keep])


def _allowed(level: _Level, parent: str, rules: _Rules) -> np.ndarray:
    """Mask of the subtrees of `level` that `parent` may take as a child."""
    return ~np.isin(level.heads, rules.banned_children.get(parent, []))


def _binary_batches(op: str, left: _Level, right: _Level, same_size: bool, rules: _Rules
                    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(left, right) index pairs for op(left, right), row-major, in batches of ~_BATCH."""
    ok_left, ok_right = _allowed(left, op, rules), _allowed(right, op, rules)
    n_right = len(right.forms)
    step = max(1, _BATCH // max(1, n_right))
    for start in range(0, len(left.forms), step):
        rows = np.arange(start, min(start + step, len(left.forms)))
        mask = ok_left[rows, None] & ok_right[None, :]
        mask &= left.has_var[rows, None] | right.has_var[None, :]  # not numbers only
        if same_size and op in rules.commutative:
            mask &= rows[:, None] <= np.arange(n_right)[None, :]
        i, j = np.nonzero(mask)
        if len(i):
            yield rows[i], j


def _evaluate(func: Callable[..., np.ndarray], *args: np.ndarray) -> np.ndarray:
    """func(*args) as floats, silently: NaN and inf are filtered afterwards."""
    with np.errstate(all="ignore"):
        return np.asarray(func(*args), dtype=float)


def _candidates(size: int, levels: dict[int, _Level], unary: Mapping[str, Callable],
                binary: Mapping[str, Callable], rules: _Rules
                ) -> Iterator[tuple[str, list[tuple[_Level, np.ndarray]], np.ndarray]]:
    """Batches (operator, [(child level, child indices), ...], values) of trees of `size`."""
    child = levels[size - 1]
    for op, func in unary.items():
        rows = np.flatnonzero(_allowed(child, op, rules) & child.has_var)  # no f(number)
        for start in range(0, len(rows), _BATCH):
            i = rows[start:start + _BATCH]
            yield op, [(child, i)], _evaluate(func, child.values[i])
    for op, func in binary.items():
        for a in range(1, size - 1):
            b = size - 1 - a
            if op in rules.commutative and a > b:
                continue  # the (b, a) split already holds one order of these children
            for i, j in _binary_batches(op, levels[a], levels[b], a == b, rules):
                yield op, [(levels[a], i), (levels[b], j)], _evaluate(
                    func, levels[a].values[i], levels[b].values[j])


def _forms(op: str, children: list[tuple[_Level, np.ndarray]], keep: np.ndarray
           ) -> list[Form]:
    """Prefix forms of the kept trees op(children[0][keep], ...)."""
    picked = [[level.forms[k] for k in rows[keep]] for level, rows in children]
    return [(op,) + sum(parts, ()) for parts in zip(*picked)]


def enumerate_forms(unary: Mapping[str, Callable[[np.ndarray], np.ndarray]],
                    binary: Mapping[str, Callable[[np.ndarray, np.ndarray], np.ndarray]],
                    leaves: Mapping[str, np.ndarray],
                    max_length: int,
                    commutative: frozenset[str] = frozenset({"add", "mul"}),
                    useless_pairs: frozenset[tuple[str, str]] = frozenset(),
                    numbers: frozenset[str] = frozenset({"1"}),
                    ) -> Iterator[Form]:
    """Yield each distinct function of at most `max_length` symbols once, shortest first.

    `leaves` maps leaf names to their values at the sample points; `numbers` names the
    leaves that are numbers.  Every form yielded contains a variable, is finite and not
    constant on the points, and differs in value from every form yielded before it.
    `useless_pairs` must hold only (parent, child) pairs that do nothing on the data
    (log(exp(y)) is y), otherwise functions are lost.  Order within a length: unary
    operators, then binary ones, each in mapping order, then by child sizes and indices.
    """
    for forms, _ in enumerate_batches(unary, binary, leaves, max_length, commutative,
                                      useless_pairs, numbers):
        yield from forms


def enumerate_batches(unary: Mapping[str, Callable[[np.ndarray], np.ndarray]],
                      binary: Mapping[str, Callable[[np.ndarray, np.ndarray], np.ndarray]],
                      leaves: Mapping[str, np.ndarray],
                      max_length: int,
                      commutative: frozenset[str] = frozenset({"add", "mul"}),
                      useless_pairs: frozenset[tuple[str, str]] = frozenset(),
                      numbers: frozenset[str] = frozenset({"1"}),
                      ) -> Iterator[tuple[list[Form], np.ndarray]]:
    """`enumerate_forms`' forms in batches, each with their values (n_forms, n_points)."""
    if max_length < 1:
        return
    rules = _Rules(commutative, {p: [c for q, c in useless_pairs if q == p]
                                 for p, _ in useless_pairs})
    seen: set[bytes] = set()
    levels = {1: _leaf_level(leaves, numbers, seen)}
    yield ([form for form, var in zip(levels[1].forms, levels[1].has_var) if var],
           levels[1].values[levels[1].has_var])
    n_points = levels[1].values.shape[1]
    for size in range(2, max_length + 1):
        forms: list[Form] = []
        values = [np.empty((0, n_points))]
        for op, children, batch in _candidates(size, levels, unary, binary, rules):
            keep = _select(batch, seen)
            new = _forms(op, children, keep)
            yield new, batch[keep]
            if size < max_length:  # the longest forms are never children: store nothing
                forms += new
                values.append(batch[keep])
        levels[size] = _Level(forms, np.concatenate(values), np.ones(len(forms), bool))


def count_forms(*args: Any, **kwargs: Any) -> dict[int, int]:
    """Number of forms yielded per length; takes the arguments of enumerate_forms."""
    return dict(sorted(Counter(len(form) for form in enumerate_forms(*args, **kwargs)).items()))
