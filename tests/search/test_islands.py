"""Islands: searches in parallel processes sharing their fronts, as one fit."""

import pytest
from support import NEWTON, newton_data, newton_islands_fit as _fit

import lawfinder.search.islands as islands_module
from lawfinder import LawRegressor
from lawfinder.errors import LawfinderError
from lawfinder.search.islands import island_seeds


@pytest.mark.slow
def test_islands_share_one_front_count_every_formula_and_repeat_for_a_seed():
    first, second = _fit(2), _fit(2)
    pd_first, pd_second = first.equations_, second.equations_
    assert [str(e) for e in pd_first["sympy"]] == [str(e) for e in pd_second["sympy"]]
    assert pd_first["loss"].tolist() == pd_second["loss"].tolist()
    assert first.islands_lost_ == []
    # On the fit's clock: an island that started later reports its finds shifted to it.
    assert all(0 <= f.found_at <= first.history_[-1].elapsed + 1 for f in first.pareto_)
    assert first.n_evals_ >= 9000 and first.history_[-1].sampled == first.n_evals_
    alone = _fit(1)
    assert first.n_evals_ > alone.history_[-1].sampled - 1 and len(first.history_) < len(
        alone.history_)  # two islands: the same budget in fewer epochs of island 0


@pytest.mark.slow
def test_an_island_whose_process_dies_is_left_behind_and_the_fit_goes_on(monkeypatch):
    started = []
    start = islands_module._Helper.start

    def record(*args):
        helper = start(*args)
        started.append(helper)
        return helper

    monkeypatch.setattr(islands_module._Helper, "start", record)

    def kill_once(stats, hall):
        if started and started[0].process.poll() is None and not started[0].reason:
            started[0].process.kill()

    with pytest.warns(UserWarning, match="island 1: its process ended"):
        model = _fit(2, callback=kill_once, max_evals=15000)
    assert len(model.islands_lost_) == 1 and model.islands_lost_[0].startswith("island 1")
    assert model.n_evals_ >= 15000 and len(model.pareto_) > 1


def test_a_fit_that_ends_in_its_first_round_starts_no_process(monkeypatch):
    def refuse(*args):
        raise AssertionError("no island process should start")

    monkeypatch.setattr(islands_module._Helper, "start", refuse)
    model = _fit(2, max_evals=500)
    assert model.islands_lost_ == []


@pytest.mark.parametrize("n_jobs", [0, 1.5, "2", True])
def test_n_jobs_must_be_a_nonzero_integer(n_jobs):
    X, y = newton_data(50)
    with pytest.raises(LawfinderError, match="n_jobs"):
        LawRegressor(n_jobs=n_jobs, free_constants={"G": "m^3/(kg*s^2)"},
                     max_evals=100).fit(X, y, **NEWTON)


def test_island_seeds_keep_the_fits_own_and_differ():
    seeds = island_seeds(7, 3)
    assert seeds[0] == 7 and len(set(seeds)) == 3 and island_seeds(7, 3) == seeds
    assert island_seeds(None, 2) == [None, None]


@pytest.mark.slow
def test_ctrl_c_with_islands_keeps_every_islands_front():
    rounds = []

    def interrupt(stats, hall):
        rounds.append(stats.islands)
        if stats.islands > 1:
            raise KeyboardInterrupt

    model = _fit(2, callback=interrupt, max_evals=10**7)
    assert model.interrupted_ and max(rounds) == 2
    assert len(model.pareto_) > 1 and model.n_evals_ < 10**7
