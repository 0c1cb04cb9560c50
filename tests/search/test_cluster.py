"""Islands on the workers of a Dask cluster: the same fit as local islands, and one lost
when its worker dies."""

import os
import signal

import pytest
from support import NEWTON, newton_data, newton_islands_fit

import lawfinder.search.cluster as cluster_module
from lawfinder import LawRegressor
from lawfinder.errors import LawfinderError

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    """A cluster of two single-threaded worker processes on this machine."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as local:
        yield local


@pytest.mark.slow
def test_islands_on_a_cluster_give_the_local_islands_fit(cluster):
    """Rounds are synchronous: where an island runs does not change what it finds."""
    remote = newton_islands_fit(3, cluster=cluster.scheduler_address)
    local = newton_islands_fit(3)
    assert remote.islands_lost_ == []
    assert [str(e) for e in remote.equations_["sympy"]] == \
        [str(e) for e in local.equations_["sympy"]]
    assert remote.equations_["loss"].tolist() == local.equations_["loss"].tolist()
    assert remote.n_evals_ == local.n_evals_ and remote.history_[-1].islands == 3


@pytest.mark.slow
def test_n_jobs_minus_one_is_one_island_per_worker_and_the_fits(cluster):
    model = newton_islands_fit(-1, cluster=cluster.scheduler_address)
    assert max(stats.islands for stats in model.history_) == 3


@pytest.mark.slow
def test_an_island_whose_worker_dies_is_left_behind_and_the_fit_goes_on(cluster):
    with distributed.Client(cluster.scheduler_address) as client:
        pids = client.run(os.getpid)
    killed = []

    def kill_once(stats, hall):
        if stats.islands > 1 and not killed:
            killed.append(os.kill(max(pids.values()), signal.SIGKILL))

    with pytest.warns(UserWarning, match="island .: its worker failed or left the cluster"):
        model = newton_islands_fit(3, callback=kill_once, max_evals=15000,
                                   cluster=cluster.scheduler_address)
    assert len(model.islands_lost_) == 1
    assert model.n_evals_ >= 15000 and len(model.pareto_) > 1


def test_a_cluster_without_a_scheduler_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(cluster_module, "CONNECT_TIMEOUT", 2.0)
    X, y = newton_data(50)
    with pytest.raises(LawfinderError, match="cannot reach the Dask scheduler"):
        LawRegressor(free_constants={"G": "m^3/(kg*s^2)"}, max_evals=100, n_jobs=2,
                     cluster="tcp://127.0.0.1:1").fit(X, y, **NEWTON)


def test_cluster_must_be_an_address():
    X, y = newton_data(50)
    with pytest.raises(LawfinderError, match="scheduler's address"):
        LawRegressor(free_constants={"G": "m^3/(kg*s^2)"}, max_evals=100,
                     cluster=object()).fit(X, y, **NEWTON)
