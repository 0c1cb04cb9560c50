"""The search loop's bookkeeping: what reaches the hall of fame, whatever interrupts it."""

from support import newton_search

import lawfinder.search as search_module
from lawfinder.search import _key


def test_ctrl_c_while_simplifying_loses_no_scored_formula(monkeypatch):
    search = newton_search(seed=0)
    offered, hall_offer = set(), search.hall.offer

    def record(entry):
        offered.add(_key(entry.tokens))
        return hall_offer(entry)

    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(search.hall, "offer", record)
    # The first formula within the target sets off SymPy's simplification: Ctrl-C there.
    monkeypatch.setattr(search_module, "simpler_tokens", interrupt)
    search.run()
    assert search.interrupted and search.simplest_exact is None
    assert offered == set(search.cache)   # every formula scored was offered
