"""The search loop's bookkeeping: what reaches the hall of fame, whatever interrupts it."""

import itertools
from dataclasses import replace

import numpy as np
import torch
from support import dim, newton_search

import lawfinder.search.loop as search_module
from lawfinder.generate.pi_views import enumerated_formulas, pi_views
from lawfinder.language.library import DEFAULT_OPERATORS, build_library
from lawfinder.search.cache import key
from lawfinder.search.config import SearchConfig
from lawfinder.search.loop import Search


def test_ctrl_c_while_simplifying_loses_no_scored_formula(monkeypatch):
    search = newton_search(seed=0)
    offered, hall_offer = set(), search.hall.offer

    def record(entry):
        offered.add(key(entry.tokens))
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


def _newton_with_views(seed: int) -> Search:
    """newton_search with the enumerated formulas of its Π views and a policy in the first."""
    plain = newton_search(seed)
    views = pi_views(plain.library, tuple(plain.sampler.target2))
    forms = enumerated_formulas(views, plain.library, plain.config.priors.max_length)
    return Search(plain.library, plain.sampler.target2, plain.X, plain.y, plain.weights,
                  plain.starts, plain.user_scale, plain.config, seed, forms=forms,
                  views=views)


def test_enumerated_formulas_are_scored_and_counted_with_their_view():
    search = _newton_with_views(seed=0)
    stats = search.step()
    assert search.enumerated == search.config.batch_size
    assert stats.sampled >= search.enumerated + search.config.batch_size
    best = search.hall.most_accurate()
    assert best.nrmse < 1e-12       # G*m1**2/r**2 * (m2/m1): P times 1/Π, of length 2
    assert best.view.startswith("P = ")


def test_a_view_writers_formulas_reach_the_search_in_its_library(monkeypatch):
    search = _newton_with_views(seed=0)
    assert [w.name for w in search.writers] == ["raw", search.writers[1].view.name]
    considered, consider = [], search._consider

    def record(formulas, views, warm=None):
        considered.extend(zip(formulas, views))
        consider(formulas, views, warm)

    monkeypatch.setattr(search, "_consider", record)
    for _ in range(2):
        search.step()                 # epoch 2 is the view writer's
    written = {f for f, view in considered if view == search.writers[1].name}
    assert len(written) > search.config.batch_size   # its own formulas beside the enumerated
    lib = search.library
    for tokens in written:
        assert sum(lib.arity[t] - 1 for t in tokens) == -1 and max(tokens) < len(lib)


def test_a_resumed_search_goes_on_enumerating_where_it_was():
    original = _newton_with_views(seed=0)
    original.step()
    resumed = _newton_with_views(seed=1)
    resumed.load_state_dict(original.state_dict())
    original.step()
    resumed.step()
    assert resumed.enumerated == original.enumerated == 2 * original.config.batch_size
    assert resumed.cache.keys() == original.cache.keys()


def test_the_front_is_swept_one_move_at_a_time_and_a_resume_goes_on_where_it_was():
    original = _newton_with_views(seed=0)
    original.step()
    assert original.sweep.swept and original.sweep.replacements
    resumed = _newton_with_views(seed=1)
    resumed.load_state_dict(original.state_dict())
    assert resumed.sweep.swept == original.sweep.swept
    original.step()
    resumed.step()
    assert resumed.sweep.swept == original.sweep.swept
    assert resumed.cache.keys() == original.cache.keys()


def test_a_stalled_front_stops_a_search_without_an_exact_formula():
    search = newton_search(seed=0)
    search.y = search.y + np.random.default_rng(0).normal(0, search.y.std() / 10, len(search.y))
    search.config = replace(search.config, stall_patience=3, target_nrmse=0.0, max_time=60)
    search.run()
    assert search.history[-1].stalled == 3
    assert search.epoch - search.improved_at == 3
    assert all(s.stalled < 3 for s in search.history[:-1])


def test_a_stall_waits_until_the_enumeration_runs_dry():
    """On noisy data the law enumerated late need not beat a stand-in by stall_rtol; the
    forms are scored all the same."""
    search = _newton_with_views(seed=0)
    search.y = search.y + np.random.default_rng(0).normal(0, search.y.std() / 10, len(search.y))
    forms = list(itertools.islice(search.forms, 6 * search.config.batch_size))
    search.forms = iter(forms)
    # stall_rtol=1: no formula beats the first front, every epoch after it stalls.
    search.config = replace(search.config, stall_patience=1, stall_rtol=1.0, target_nrmse=0.0,
                            max_time=60)
    search.run()
    assert search.enumerated == len(forms) and not search.forms_left
    assert any(s.stalled >= 1 for s in search.history[:-1])   # the stall waited
    assert search.history[-1].stalled >= 1


def test_an_exact_formula_hands_the_stop_over_to_patience():
    search = newton_search(seed=0)
    search.config = replace(search.config, stall_patience=1, patience=4, max_time=60)
    search.run()
    assert search.simplest_exact is not None
    assert search.epoch - search.simplest_exact[1] == 4


def _grouped_search(sizes):
    """A search over datasets of the given sizes, with one per-dataset constant."""
    library = build_library(DEFAULT_OPERATORS, [("x", dim("1"))], {"k": dim("1")}, ["1"],
                            {"c": dim("1")}, len(sizes))
    groups = np.repeat(np.arange(len(sizes)), sizes)
    x = np.random.default_rng(0).uniform(1, 2, len(groups))
    y = x + groups * 10.0 ** groups
    return Search(library, np.zeros(7, dtype=np.int64), np.column_stack([x, groups]), y,
                  np.ones(len(y)), np.ones((1, library.n_free)), np.ones(library.n_free),
                  SearchConfig(batch_size=50), 0)


def test_every_dataset_has_its_share_of_the_fitting_and_scoring_rows():
    """A dataset of 9 rows beside one of 5000 keeps all 9 among the rows constants are
    fitted on, and the big one only its share."""
    search = _grouped_search([5000, 9, 40, 40])
    counts = np.bincount(search.scorer.groups[search.scorer.fit_rows], minlength=4)
    assert counts[1] == 9 and counts.min() >= 9 and counts.sum() == 128
    scored = np.bincount(search.scorer.groups[search.scorer.score_rows], minlength=4)
    assert scored.tolist() == [2000 - 89, 9, 40, 40]


def test_a_grouped_search_weighs_every_dataset_alike_whatever_its_size_or_spread():
    """Each dataset's total weight times its target's variance is the same (fit.reward)."""
    search = _grouped_search([300, 30, 30])
    totals = np.bincount(search.scorer.groups, search.scorer.weights)
    spreads = [np.var(search.y[search.scorer.groups == g]) for g in range(3)]
    np.testing.assert_allclose(totals * spreads, totals[0] * spreads[0])
