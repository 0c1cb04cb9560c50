"""The formula cache: formulas by their tokens, and its checkpoint form."""

import numpy as np

from lawfinder.search.cache import FormulaCache, key


def test_a_formula_is_known_by_its_tokens_whatever_their_container():
    cache = FormulaCache()
    cache.put((3, 1, 2), np.array([0.5, 2.0]), 0.25)
    assert cache.knows([3, 1, 2]) and cache.knows(np.array([3, 1, 2]))
    assert not cache.knows((3, 2, 1))
    assert cache.error((3, 1, 2)) == 0.25 and key((3, 1, 2)) in cache


def test_the_state_gives_back_every_formula_with_its_constants_and_error():
    cache = FormulaCache()
    cache.put((0,), np.array([1.0, 2.0]), 0.0)
    cache.put((4, 0, 1, 2), np.array([-3.0, np.inf]), np.inf)
    back = FormulaCache.from_state(cache.state_dict(n_free=2))
    assert back.keys() == cache.keys()
    for k, (constants, error) in cache.items():
        assert np.array_equal(back[k][0], constants) and back[k][1] == error


def test_an_empty_cache_survives_its_state():
    assert FormulaCache.from_state(FormulaCache().state_dict(n_free=3)) == {}
