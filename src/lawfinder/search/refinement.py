"""The final refinement of a search's front: constants refitted on all rows (the search
fitted them on a subsample), phases wrapped, and dimensionless constants set to closed
forms where the data cannot tell the difference."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import sympy
from scipy.stats import chi2

from lawfinder.evaluate.prefix import padded
from lawfinder.fit.closed_form import RTOL, closed_forms
from lawfinder.search.front import Entry
from lawfinder.search.scoring import Scorer


def polish(entries: list[Entry], scorer: Scorer) -> list[Entry]:
    """Refit the constants of `entries` on all data (the search fitted on a subsample).

    Dimensionless constants are also tried wrapped into (-pi, pi]: a phase found as
    0.997 - 2*pi is then reported as 0.997 when it fits as well; and then at nearby
    closed forms (see `_snapped`).
    """
    if not entries or not scorer.library.n_free:
        return entries
    tokens = padded([e.tokens for e in entries])
    c0 = np.array([e.constants for e in entries])                   # (B, K)
    dimensionless = scorer.library.free_dimensionless
    wrapped = np.where(dimensionless, (c0 + np.pi) % (2 * np.pi) - np.pi, c0)
    c = scorer.refit_on_all(tokens, np.stack([c0, wrapped], axis=1))
    # Old and new constants compared on the same rows, all of them (the entries' NRMSE
    # is on the scoring rows): every entry leaves with its NRMSE on all data.
    before, after = (scorer.nrmse_on_all(tokens, ci) for ci in (c0, c))
    polished = [replace(e, constants=ci, nrmse=float(new))
                if new <= old * (1 + 1e-6) + 1e-12 else replace(e, nrmse=float(old))
                for e, ci, old, new in zip(entries, c, before, after)]
    return _snapped(polished, scorer)

def _snapped(entries: list[Entry], scorer: Scorer) -> list[Entry]:
    """`entries` with dimensionless constants set to nearby closed forms (`closed_forms`)
    where the data cannot tell the difference: with the other constants refitted, the
    rise of the squared error passes a likelihood-ratio test (chi-square, 95%). On noisy
    data sqrt(1 - 1.0073*v**2/c**2) becomes sqrt(1 - v**2/c**2) when noise explains 0.0073.
    Only formulas within twice the best NRMSE (or 1e-9) are tried, and only shared
    constants: a closed form in one dataset of many is a coincidence.
    """
    dimensionless = scorer.library.free_dimensionless & scorer.library.shared
    # The test takes the residual for noise: true only of formulas at the noise floor.
    floor = 2 * min(e.nrmse for e in entries) + 1e-9
    trials = []
    for i, e in enumerate(entries):
        if e.nrmse > floor:
            continue
        user = e.constants * scorer.user_scale
        for k in np.flatnonzero(np.isin(scorer.library.free, e.tokens) & dimensionless):
            trials += [(i, {k: float(form) / scorer.user_scale[k]})
                       for form in _candidates(user[k])]
    if not trials:
        return entries
    ok = _as_good(trials, entries, scorer)
    chosen: list[dict[int, float]] = [{} for _ in entries]
    for (i, fixed), good in zip(trials, ok):      # simplest first: first good form wins
        if good:
            chosen[i] = {**fixed, **chosen[i]}
    joint = [(i, fixed) for i, fixed in enumerate(chosen) if len(fixed) > 1]
    for (i, _), good in zip(joint, _as_good(joint, entries, scorer)):
        if not good:   # together they fit worse: keep the first that fitted alone
            chosen[i] = next(f for (j, f), g in zip(trials, ok) if j == i and g)
    snapping = [(i, fixed) for i, fixed in enumerate(chosen) if fixed]
    if not snapping:
        return entries
    constants, errors = _refit(snapping, entries, scorer)
    out = list(entries)
    for (i, _), ci, err in zip(snapping, constants, errors):
        out[i] = replace(entries[i], constants=ci, nrmse=float(err))
    return out

def _as_good(trials: list[tuple[int, dict[int, float]]], entries: list[Entry],
             scorer: Scorer) -> np.ndarray:
    """Whether each trial (entry, fixed constants) fits as well as its entry, refitted on
    all data by `polish`: a likelihood-ratio test, one degree of freedom per constant fixed."""
    if not trials:
        return np.zeros(0, dtype=bool)
    _, errors = _refit(trials, entries, scorer)
    before = np.array([entries[i].nrmse for i, _ in trials]) ** 2
    n = int((scorer.weights > 0).sum())
    rise = np.array([chi2.ppf(0.95, len(fixed)) for _, fixed in trials]) * before / n
    # On exact data the squared error is rounding: 1e-24 of the target's variance.
    return errors**2 <= before + np.maximum(rise, 1e-24)

def _refit(trials: list[tuple[int, dict[int, float]]], entries: list[Entry],
           scorer: Scorer) -> tuple[np.ndarray, np.ndarray]:
    """Constants (T, K) and NRMSE on all data (T,) of each trial's entry refitted with
    the trial's constants fixed at the trial's values."""
    starts = np.array([entries[i].constants for i, _ in trials])
    frozen = np.zeros(starts.shape, dtype=bool)
    for row, (_, fixed) in enumerate(trials):
        for k, value in fixed.items():
            starts[row, k], frozen[row, k] = value, True
    tokens = padded([entries[i].tokens for i, _ in trials])
    c = scorer.refit_on_all(tokens, starts[:, None], frozen)
    return c, scorer.nrmse_on_all(tokens, c)


def _candidates(value: float) -> list[sympy.Expr]:
    """Closed forms worth trying for a fitted value: the one it equals to 1e-9, if any, then
    the simplest within 1%, and only simple ones (size 8: 2*pi, pi**2/4, 1/(4*pi), 3/2):
    a noisy fit near 16/(5*pi) is no evidence for it."""
    exact = closed_forms(value, RTOL, limit=1)
    return exact + [f for f in closed_forms(value, 1e-2, max_size=8) if f not in exact]
