"""The hall of fame: the best formula per complexity, and its front."""

import numpy as np

from lawfinder.search.front import Entry
from lawfinder.search.hall_of_fame import HallOfFame


def _entry(complexity, loss, tokens=(0,)):
    return Entry(tuple(tokens), np.ones(1), loss, float(complexity))


def test_each_complexity_keeps_its_most_accurate_formula():
    hall = HallOfFame()
    assert hall.offer(_entry(3, 0.5, (1,)))
    assert not hall.offer(_entry(3, 0.6, (2,)))
    assert hall.offer(_entry(3, 0.4, (3,)))
    assert not hall.offer(_entry(4, np.inf))
    assert not hall.offer(_entry(4, np.nan))
    assert [e.tokens for e in hall.best.values()] == [(3,)]


def test_an_equally_exact_twin_found_later_keeps_neither_place_nor_time():
    """Time to recovery is when the first exact formula of a complexity was scored."""
    hall = HallOfFame()
    first = Entry((1,), np.ones(1), 7.5e-16, 11.0, found_at=11.1)
    assert hall.offer(first)
    assert not hall.offer(Entry((2,), np.ones(1), 7.0e-16, 11.0, found_at=33.6))
    assert hall.best[11.0] is first


def test_the_front_drops_dominated_entries_and_ties_within_the_tolerance():
    """The hall keeps every complexity; its front only those that improve, by more than
    1e-9 of the loss plus 1e-12 (`lawfinder.search.front`)."""
    hall = HallOfFame()
    for complexity, loss in [(7, 0.2), (1, 0.5), (3, 0.6), (5, 0.2), (9, 0.2 * (1 - 1e-12)),
                             (11, 0.05)]:
        hall.offer(_entry(complexity, loss))
    assert len(hall.best) == 6
    assert [(e.complexity, e.nrmse) for e in hall.front()] == [(1, 0.5), (5, 0.2), (11, 0.05)]
    assert hall.most_accurate().complexity == 11


def test_state_round_trip_keeps_the_front():
    hall = HallOfFame()
    for complexity, loss in [(1, 0.5), (2, 0.1), (3, 0.3)]:
        hall.offer(_entry(complexity, loss, (complexity,)))
    again = HallOfFame.from_state(hall.state_dict())
    assert [e.tokens for e in again.front()] == [e.tokens for e in hall.front()] == [(1,), (2,)]
