"""The estimator's settings read into the search's configuration and its islands."""

import pytest

from lawfinder import LawRegressor, UserOperator
from lawfinder.errors import LawfinderError
from lawfinder.search import islands
from lawfinder.search.settings import n_islands, search_config


def test_the_settings_become_the_configuration():
    params = LawRegressor(max_length=12, max_time=5, patience=3, batch_size=64).get_params()
    config = search_config(params)
    assert (config.batch_size, config.max_time, config.patience) == (64, 5.0, 3)
    assert config.priors.max_length == 12 and config.priors.soft_length <= 6


@pytest.mark.parametrize("name, value", [("max_length", 0), ("max_length", 2.5),
                                         ("batch_size", 10), ("max_time", -1),
                                         ("stall_patience", 0), ("random_state", "seed")])
def test_a_bad_setting_is_named_with_its_value(name, value):
    params = LawRegressor().get_params() | {name: value}
    with pytest.raises(LawfinderError, match=rf"{name} must be .*{value!r}"):
        search_config(params)


def test_n_jobs_reads_as_scikit_learn_reads_it():
    cores = islands.available_cores()
    assert n_islands(None) == 1 and n_islands(3) == 3
    assert n_islands(-1) == cores and n_islands(-2) == max(cores - 1, 1)
    for bad in (0, 1.5, True):
        with pytest.raises(LawfinderError, match="n_jobs must be"):
            n_islands(bad)


def test_a_user_operator_of_the_script_keeps_the_search_in_one_process():
    cube = UserOperator("cube", 1, lambda a: a**3, lambda a: 3 * a**2, lambda a: a**3,
                        units="power", power=3)
    with pytest.warns(UserWarning, match="cannot import"):
        assert n_islands(2, [cube]) == 1
