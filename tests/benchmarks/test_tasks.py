"""One run: data per the protocol, the judges, crash records; methods stubbed (no search)."""

import multiprocessing

import numpy as np
import pytest
import sympy

from lawfinder.benchmarks import methods
from lawfinder.benchmarks.methods import Fit
from lawfinder.benchmarks.suites import get_law
from lawfinder.benchmarks.tasks import (DaemonWorkerError, Task, ensure_can_judge, predict,
                                        run_task)
from lawfinder.language.library import DEFAULT_OPERATORS


def _task(method, problem="II.13.17", noise=0.0):
    return Task(method, "feynman", problem, noise, 0, 1.0, 100, 200)


@pytest.fixture
def stub_methods(monkeypatch):
    """Methods that return the truth, a wrong formula, a formula over unknown names, or crash."""
    def truth(law, X, y, **budget):
        return Fit(law.truth, 0.5, 7)

    def wrong(law, X, y, **budget):
        return Fit(sympy.Symbol(law.names[0]) * 2, 0.5, 7)

    def crash(law, X, y, **budget):
        raise RuntimeError("the search blew up")

    for name, stub in (("truth", truth), ("wrong", wrong), ("crash", crash)):
        monkeypatch.setitem(methods.METHODS, name, stub)


def test_the_true_formula_is_solved_with_r2_one(stub_methods):
    result = run_task(_task("truth"))
    assert result.error is None
    assert result.verdict == "solved" and result.r2 == pytest.approx(1.0)
    assert result.accuracy_solution is True and (result.wall, result.evals) == (0.5, 7)
    assert "I" in result.formula  # II.13.17's current is named I, which SymPy would misread


def test_a_wrong_formula_is_not_solved(stub_methods):
    result = run_task(_task("wrong"))
    assert result.verdict == "not solved" and result.accuracy_solution is False


def test_a_crash_is_recorded_with_its_traceback(stub_methods):
    result = run_task(_task("crash"))
    assert result.failed and result.verdict is None
    assert "RuntimeError: the search blew up" in result.error and "Traceback" in result.error


def test_data_follows_the_protocol():
    law = get_law("feynman", "I.12.1")
    X, y = law.data(20_000, 0.1, np.random.default_rng(0))
    clean = X[:, 0] * X[:, 1]
    assert np.std(y - clean) == pytest.approx(0.1 * np.sqrt(np.mean(clean**2)), rel=0.03)
    X0, y0 = law.data(100, 0.0, np.random.default_rng(0))
    np.testing.assert_array_equal(y0, X0[:, 0] * X0[:, 1])


def test_demo_laws_use_their_constants_and_the_default_operators():
    law = get_law("demos", "newton")
    assert dict(law.free_constants) == {"G": "m^3/(kg*s^2)"}
    assert law.operators == DEFAULT_OPERATORS


def test_predict_gives_nan_where_the_formula_is_undefined():
    law = get_law("feynman", "I.12.1")
    values = predict(law, sympy.log(sympy.Symbol("mu") - 3), np.array([[1.0, 2.0], [5.0, 1.0]]))
    assert np.isnan(values[0]) and values[1] == pytest.approx(np.log(2))


def test_predict_rejects_names_that_are_not_inputs():
    with pytest.raises(ValueError, match="x0"):
        predict(get_law("feynman", "I.12.1"), sympy.Symbol("x0"), np.ones((2, 2)))


def _judge_check(queue):
    try:
        ensure_can_judge()
        queue.put("ok")
    except DaemonWorkerError as error:
        queue.put(str(error))


def test_a_daemonic_process_is_told_how_to_fix_the_workers():
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_judge_check, args=(queue,), daemon=True)
    process.start()
    message = queue.get(timeout=60)
    process.join()
    assert "distributed.worker.daemon: False" in message
    ensure_can_judge()  # the test process itself is no daemon


def test_physo_units_vectors_have_all_seven_si_base_units():
    from lawfinder.benchmarks.physo_method import units_vector

    assert units_vector("N") == [1.0, 1.0, -2.0, 0.0, 0.0, 0.0, 0.0]
    assert units_vector("kg*m^2/(s^2*K)") == [2.0, 1.0, -2.0, 0.0, -1.0, 0.0, 0.0]
    assert units_vector("1") == [0.0] * 7
