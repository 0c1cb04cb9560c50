"""The search loop's bookkeeping: what reaches the hall of fame, whatever interrupts it."""

import torch
from support import newton_search

import lawfinder.search.loop as search_module
from lawfinder.search.loop import _key


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


def test_a_search_leaves_torchs_global_generator_alone():
    """The policy's weights follow the search's seed, and the caller's torch state is untouched."""
    before = torch.get_rng_state()
    first, second = newton_search(seed=3), newton_search(seed=3)
    assert torch.equal(torch.get_rng_state(), before)
    assert all(torch.equal(a, b) for a, b in zip(first.policy.parameters(),
                                                 second.policy.parameters()))
    other = newton_search(seed=4)
    assert not torch.equal(next(first.policy.parameters()), next(other.policy.parameters()))
