"""The front a user reads: strictly more accurate with each step of complexity, no twins."""

import numpy as np
import pytest

from support import newton_data, newton_search

from lawfinder import LawRegressor
from lawfinder.search.front import improves, predictions, same_function, strict_front
from lawfinder.search.front import Entry
from lawfinder.search.hall_of_fame import HallOfFame


def _entry(complexity, loss, tokens=(0,), constants=()):
    return Entry(tuple(tokens), np.array(constants, dtype=float), loss, float(complexity))


def _shape(front):
    return [(e.complexity, e.nrmse) for e in front]


def test_rows_no_more_accurate_than_a_simpler_one_are_dropped():
    entries = [_entry(9, 0.1), _entry(1, 0.5), _entry(3, 0.5), _entry(5, 0.2),
               _entry(7, 0.2 * (1 - 1e-10)), _entry(8, 0.3)]
    assert _shape(strict_front(entries)) == [(1, 0.5), (5, 0.2), (9, 0.1)]


def test_the_tolerance_is_relative_with_an_absolute_floor():
    assert len(strict_front([_entry(1, 0.2), _entry(2, 0.2 * (1 - 2e-9))])) == 2
    assert len(strict_front([_entry(1, 0.2), _entry(2, 0.2 * (1 - 0.5e-9))])) == 1
    # Exact fits: 1e-13 and 1e-16 are both rounding, so the simpler one stays alone.
    assert _shape(strict_front([_entry(5, 1e-13), _entry(7, 1e-16)])) == [(5, 1e-13)]
    assert len(strict_front([_entry(5, 3e-12), _entry(7, 1e-16)])) == 2


def test_a_front_improves_by_beating_every_recorded_row_at_or_below_its_complexity():
    record = [(3, 0.5), (7, 0.1)]
    assert not improves([_entry(7, 0.0995)], record, 0.01)    # under 1% better
    assert improves([_entry(7, 0.098)], record, 0.01)
    assert improves([_entry(5, 0.3)], record, 0.01)           # better at 5 than the 3
    assert not improves([_entry(9, 0.1), _entry(5, 0.5)], record, 0.01)
    assert improves([_entry(2, 0.9)], record, 0.01)           # simpler than any recorded
    assert improves([_entry(2, 0.9)], [], 0.01)


def test_rows_that_cannot_be_scored_are_dropped():
    front = strict_front([_entry(1, np.nan), _entry(2, np.inf), _entry(3, 0.5), _entry(4, 0.1)])
    assert _shape(front) == [(3, 0.5), (4, 0.1)]


def test_a_twin_of_a_simpler_row_is_dropped_even_when_its_loss_is_lower():
    """Same function within 1e-12 (rounding of a near-exact fit can lower a loss by more
    than the tolerance); a different function stays."""
    x = np.linspace(-1, 1, 50)
    predicted = np.array([x, x * (1 + 1e-13), x * (1 + 1e-9), x**2])
    entries = [_entry(3, 2e-12), _entry(5, 1e-13), _entry(7, 5e-14), _entry(9, 1e-14)]
    assert _shape(strict_front(entries, predicted)) == [(3, 2e-12), (7, 5e-14)]
    assert _shape(strict_front(entries)) == [(3, 2e-12), (5, 1e-13)]   # losses alone


def test_same_function_is_relative_to_the_whole_row():
    x = np.linspace(-1, 1, 51)   # crosses zero: elementwise relative errors would be huge
    assert same_function(np.sin(x), np.sin(x) + 1e-17)
    assert not same_function(np.sin(x), np.sin(x) + 1e-10)
    assert not same_function(x, np.full_like(x, np.nan))


def _tokens(search, text):
    return tuple(search.library.index[name] for name in text.split())


def test_after_the_final_refit_twins_and_ties_leave_the_front():
    """Scored on a subsample as different, G*m1*m2/r**2, -G*m1*m2/r**2 with G negative and
    a roundabout G*m1*m2/(r*(r*1)) are all exact after the refit on all rows: one stays."""
    search = newton_search(seed=0)
    hall = HallOfFame()
    law = _tokens(search, "mul G div mul m1 m2 n2 r")
    negated = _tokens(search, "neg mul G div mul m1 m2 n2 r")
    roundabout = _tokens(search, "mul m1 mul m2 div G mul r mul r 1")
    for tokens, g, loss in [(law, 6.0, 0.3), (negated, -6.3, 0.2), (roundabout, 6.2, 0.1)]:
        hall.offer(Entry(tokens, np.array([g]), loss, float(len(tokens))))
    assert len(hall.front()) == 3
    polished = search.polish(hall.front())
    assert all(e.nrmse < 1e-12 for e in polished)
    front = strict_front(polished, predictions(polished, search.library, search.X))
    assert [e.tokens for e in front] == [law]


@pytest.fixture(scope="module")
def noisy_newton_model():
    X, y = newton_data(300, seed=1)
    y = y * (1 + 0.05 * np.random.default_rng(2).standard_normal(len(y)))
    model = LawRegressor(free_constants={"G": "m^3/(kg*s^2)"}, max_evals=2000,
                         batch_size=200, random_state=0)
    model.fit(X, y, names=["m1", "m2", "r"], units=["kg", "kg", "m"], target_units="N")
    return model, X


def test_a_fitted_front_is_strict_and_has_no_twins(noisy_newton_model):
    model, X = noisy_newton_model
    front = model.equations_
    assert list(front.columns[:3]) == ["complexity", "loss", "sympy"]
    loss = front["loss"].to_numpy()
    assert np.all(np.diff(front["complexity"]) > 0)
    assert np.all(loss[1:] < loss[:-1] * (1 - 1e-9) - 1e-12)
    predicted = [f.predict(X) for f in model.pareto_]
    for i in range(len(predicted)):
        for j in range(i):
            assert not same_function(predicted[i], predicted[j]), (front["sympy"][i],
                                                                   front["sympy"][j])
