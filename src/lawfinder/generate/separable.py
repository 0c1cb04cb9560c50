"""Products of two short forms, chosen by least squares on the logarithms of the data.

Over its Π groups, x*(1 - u*t/x)/sqrt(1 - u**2/c**2) (Feynman I.15.3x) is the ratio of
two short forms, 1 - x2 and sqrt(1 - x1**2): 9 symbols, past what can be enumerated over
two groups (some 10^7 forms), but a difference in log space,
log|y/P| = log|g| - log|h| (+ log|C| with a constant to fit). So every product and ratio
of two forms of a tier's lengths (`TIERS`) is scored at once, by matrix products of their
logarithms at sample rows, and the best few go to the search, to be fitted and scored
like any other formula.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np

from lawfinder.generate.enumeration import Form
from lawfinder.generate.forms import library_forms
from lawfinder.language.library import Library

# Tiers, cheapest first: the longest factor by number of groups, and the symbols of two
# factors together. Over two groups the first scores 6,900 factors in about 0.25 s a
# view, the second 54,000 (the six-symbol ones) in some 5 s.
TIERS = (({1: 6, 2: 5, 3: 4}, 9), ({1: 6, 2: 6, 3: 4}, 10))
KEEP = 48            # forms sent to the search
BLOCK = 1 << 22      # pairs whose errors are held at once


def best_products(leaves: Mapping[str, np.ndarray], ratio: np.ndarray, library: Library,
                  scaled: bool, max_length: int, tier: int = 0) -> list[Form]:
    """The forms g, g*h and g/h over `leaves` (values at sample rows) closest to `ratio` in
    log space, best first, with the factors of `TIERS[tier]`: up to a constant factor if
    `scaled`, else exactly. Each has at most `max_length` symbols; the signs of form and
    ratio agree at every row (up to the factor's sign if `scaled`)."""
    ops = [op for op in ("mul", "div") if op in library.index]
    if "mul" not in ops:  # it writes the products and the constant
        return []
    factor_length, pair_length = TIERS[tier]
    forms, logs, signs = _factors(leaves, library, factor_length.get(len(leaves), 0), scaled)
    if not forms:
        return []
    target = np.log(np.abs(ratio))
    if scaled:
        target = target - target.mean()
    lengths = np.array([len(form) for form in forms])
    candidates = _singles(target, logs, lengths <= max_length)
    for g, h in _blocks(lengths, min(pair_length, max_length - 1)):
        candidates += _pairs(target, logs, g, h, ops)
    return _chosen(candidates, forms, signs, np.sign(ratio), scaled)


def _blocks(lengths: np.ndarray, total: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Indices (g, h) of factors of two lengths that sum to at most `total`, in blocks of
    at most `BLOCK` pairs."""
    for lg in np.unique(lengths):
        for lh in np.unique(lengths[lengths <= total - lg]):
            g, h = np.flatnonzero(lengths == lg), np.flatnonzero(lengths == lh)
            step = max(1, BLOCK // len(h))
            for start in range(0, len(g), step):
                yield g[start:start + step], h


def _chosen(candidates: list[tuple[float, str, int, int]], forms: list[Form],
            signs: np.ndarray, sign: np.ndarray, scaled: bool) -> list[Form]:
    """The `KEEP` best candidates whose signs agree with the ratio's (`sign`), as forms."""
    # Equal errors are one function written twice (g/inv(h) for g*h): the shortest stays.
    candidates.sort(key=lambda c: (float(f"{c[0]:.10e}"), len(forms[c[2]]) + len(forms[c[3]])))
    out: list[Form] = []
    errors: set[float] = set()
    for error, op, i, j in candidates:
        if float(f"{error:.10e}") in errors:
            continue
        if op == "mul":  # g*h is h*g
            i, j = min(i, j), max(i, j)
        s = sign * signs[i] * (signs[j] if op else 1)
        form = (op, *forms[i], *forms[j]) if op else forms[i]
        if (s == s[0]).all() and (scaled or s[0] > 0) and form not in out:
            out.append(form)
            errors.add(float(f"{error:.10e}"))
        if len(out) == KEEP:
            break
    return out


def _factors(leaves: Mapping[str, np.ndarray], library: Library, max_length: int,
             scaled: bool) -> tuple[list[Form], np.ndarray, np.ndarray]:
    """The distinct forms over `leaves` that are finite and nonzero at every row, with the
    logs of their magnitudes and their signs (n_forms, n_rows). If `scaled`, the logs
    less their means, and one form of those equal up to a factor (1 - x, x - 1, 2 - 2x)."""
    if max_length < 1:
        return [], np.empty((0, 0)), np.empty((0, 0))
    batches = list(library_forms(leaves, len(next(iter(leaves.values()))), library,
                                 max_length))
    forms = [form for batch, _ in batches for form in batch]
    values = np.concatenate([v for _, v in batches])
    keep = np.flatnonzero((values != 0).all(axis=1))
    logs = np.log(np.abs(values[keep]))
    if scaled:  # the fitted constant takes up the mean
        logs -= logs.mean(axis=1, keepdims=True)
        # Rows told apart by one random projection of their rounded values (a hash).
        key = np.round(logs, 9) @ np.random.default_rng(0).uniform(1, 2, logs.shape[1])
        first = np.sort(np.unique(key, return_index=True)[1])
        keep, logs = keep[first], logs[first]
    return [forms[k] for k in keep], logs, np.sign(values[keep])


def _singles(target: np.ndarray, logs: np.ndarray, allowed: np.ndarray
             ) -> list[tuple[float, str, int, int]]:
    """(squared error, "", form, form) of the best single forms among `allowed`."""
    errors = np.where(allowed, ((target - logs) ** 2).sum(axis=1), np.inf)
    best = _smallest(errors, 4 * KEEP)
    return [(float(errors[i]), "", int(i), int(i)) for i in best if np.isfinite(errors[i])]


def _pairs(target: np.ndarray, logs: np.ndarray, g: np.ndarray, h: np.ndarray,
           ops: list[str]) -> list[tuple[float, str, int, int]]:
    """(squared error, op, form, form) of the best products and ratios (of `ops`) of a
    form of `g` with one of `h`: |t - G -+ H|^2 = |t - G|^2 + |H|^2 -+ 2 (t - G).H, one
    matrix product."""
    rest = target - logs[g]
    cross = rest @ logs[h].T
    base = (rest ** 2).sum(axis=1)[:, None] + (logs[h] ** 2).sum(axis=1)[None, :]
    out = []
    for op in ops:
        errors = base - 2 * cross if op == "mul" else base + 2 * cross
        rows = _smallest(errors.min(axis=1), 4 * KEEP)  # the best pairs lie in these rows
        flat = errors[rows].ravel()
        for k in _smallest(flat, 4 * KEEP):
            i, j = divmod(int(k), len(h))
            out.append((float(flat[k]), op, int(g[rows[i]]), int(h[j])))
    return out


def _smallest(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k smallest values (all of them if fewer), in no order."""
    if len(values) <= k:
        return np.arange(len(values))
    return np.argpartition(values, k)[:k]
