import warnings

import numpy as np

from lawfinder.generate.neighbourhood import catalogue
from lawfinder.generate.pi_views import pi_views
from lawfinder.language.library import build_library
from lawfinder.search.front import Entry
from lawfinder.search.sweep import Sweep, by_gain

from support import dim


def entry(nrmse: float, complexity: float, tokens=(0,)) -> Entry:
    return Entry(tuple(tokens), np.ones(1), nrmse, complexity)


def test_by_gain_puts_the_steepest_fall_of_error_first():
    front = [entry(0.5, 1), entry(0.4, 3), entry(1e-3, 5), entry(9e-4, 9)]
    assert [e.complexity for e in by_gain(front, 1e-9)] == [5, 1, 3, 9]


def test_by_gain_takes_an_exact_formula_without_a_floor_silently():
    front = [entry(0.5, 1), entry(0.0, 3)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [e.complexity for e in by_gain(front, 0.0)] == [3, 1]


def sweep_of_newton():
    """Neighbours of G*m1/r, a near miss of G*m1*m2/r^2 with its one group m1/m2."""
    library = build_library(["mul", "div", "n2"],
                            [("m1", dim("kg")), ("m2", dim("kg")), ("r", dim("m"))],
                            {"G": dim("N*m^2/kg^2")})
    views = pi_views(library, np.array(dim("N").doubled()))
    ix = library.index
    parent = entry(0.1, 5, [ix["mul"], ix["G"], ix["div"], ix["m1"], ix["r"]])
    return Sweep(catalogue(views[0], library), library, 12), parent


def test_batches_keep_to_the_budget_and_skip_what_was_seen():
    sweep, parent = sweep_of_newton()
    seen = set()
    (got, fresh), = list(sweep.batches([parent], 1e-9, 7, lambda f: f in seen))
    assert got is parent and len(fresh) == 7 and len(set(fresh)) == 7
    seen.update(fresh)
    (_, more), = list(sweep.batches([parent], 1e-9, 7, lambda f: f in seen))
    assert not set(more) & seen


def test_a_restored_sweep_goes_on_where_the_saved_one_stopped():
    sweep, parent = sweep_of_newton()
    list(sweep.batches([parent], 1e-9, 5, lambda f: False))
    after, _ = sweep_of_newton()
    after.restore(sweep.swept)
    nxt = [f for _, fs in sweep.batches([parent], 1e-9, 5, lambda f: False) for f in fs]
    resumed = [f for _, fs in after.batches([parent], 1e-9, 5, lambda f: False) for f in fs]
    assert nxt == resumed
