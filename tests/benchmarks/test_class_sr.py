"""The Class SR suite: its registry against PhySO's ClassEquations.csv, data made per dataset,
the judge over every dataset, PhySO's published rates, and one short run."""

import json

import numpy as np
import pandas as pd
import pytest
import sympy

from lawfinder.benchmarks import class_sr
from lawfinder.benchmarks.class_sr import CLASS, get, judge_datasets, of_dataset, published_rate
from lawfinder.benchmarks.judge import Verdict
from lawfinder.benchmarks.methods import fit_options, lawfinder_model
from lawfinder.benchmarks.suites import get_law, problem_names
from lawfinder.benchmarks.tasks import Task, run_task
from lawfinder.errors import LawfinderError
from lawfinder.units.dimension import parse_units


def _spec(quantities):
    return {q.name: (q.units, q.low, q.high) for q in quantities}


def test_the_registry_has_the_eight_laws_with_their_inputs_and_per_dataset_constants():
    assert [p.number for p in CLASS] == list(range(1, 9))
    assert problem_names("class")[:2] == ("Harmonic Oscillator", "Radioactive Decay")
    # The "# variables" and "# spe" columns of ClassEquations.csv.
    assert [len(p.variables) for p in CLASS] == [1, 1, 1, 1, 1, 1, 2, 2]
    assert [len(p.dataset_constants) for p in CLASS] == [3, 2, 2, 2, 2, 1, 1, 1]


def test_ranges_and_units_are_those_of_the_reference():
    # Spot checks by hand: t [1,] is time in the one-entry rows, Free Fall's basis is
    # (length, time), the ideal gas's (m, s, kg, K, mol), the terminal velocity's (m, s, kg).
    harmonic = get("Harmonic Oscillator")
    assert _spec(harmonic.variables) == {"t": ("s", 0.0, 9.42)}
    assert _spec(harmonic.dataset_constants) == {"A": ("1", 0.6, 1.2),
                                                 "omega": ("1/s", 0.2, 1.5),
                                                 "Phi": ("1", 0.95, 1.15)}
    fall = get("Free Fall")
    assert (fall.target_name, fall.target_units) == ("z", "m")
    assert _spec(fall.dataset_constants) == {"v0": ("m/s", -2.0, 8.0), "z0": ("m", -3.0, 3.0)}
    gas = get("Ideal Gas Law")
    assert gas.target_units == "kg/(m*s^2)"
    assert _spec(gas.variables) == {"T": ("K", 1.0, 5.0), "V": ("m^3", 1.0, 5.0)}
    assert _spec(gas.dataset_constants) == {"n": ("mol", 1.0, 5.0)}
    terminal = get("Free Fall Terminal Velocity")
    assert _spec(terminal.variables) == {"m": ("kg", 1.0, 10.0), "A": ("m^2", 1.0, 5.0)}
    assert _spec(terminal.dataset_constants) == {"rho": ("kg/m^3", 1.0, 6.0)}
    assert get("Black Body Photon Count").shared_constant_units == "K*s"


@pytest.mark.parametrize("problem", CLASS, ids=lambda p: p.name)
def test_every_unit_string_parses(problem):
    for text in (problem.target_units, problem.shared_constant_units,
                 *(q.units for q in (*problem.variables, *problem.dataset_constants))):
        parse_units(text, what=problem.name)


def test_units_are_off_unless_asked():
    off, on = get_law("class", "Free Fall"), get_law("class", "Free Fall", with_units=True)
    assert not off.with_units and off.free_constants == (("c0", "1"),)
    assert off.dataset_constants == (("k0", "1"), ("k1", "1"))
    assert on.with_units and on.free_constants == (("c0", "m/s^2"),)
    assert on.dataset_constants == (("k0", "m/s"), ("k1", "m"))
    assert fit_options(off) == {"names": ["t"], "target_name": "z"}
    assert fit_options(on) == {"names": ["t"], "target_name": "z", "units": ["s"],
                               "target_units": "m"}


def test_an_unknown_name_suggests_the_close_ones():
    with pytest.raises(LawfinderError, match="did you mean Free Fall"):
        get("Free Fal")


def test_each_dataset_draws_its_constants_in_their_ranges_and_has_its_points():
    problem = get("Harmonic Oscillator")
    constants = problem.draw_constants(10, np.random.default_rng(0))
    assert constants.shape == (10, 3) and len({tuple(row) for row in constants}) == 10
    for column, spe in zip(constants.T, problem.dataset_constants):
        assert ((spe.low <= column) & (column <= spe.high)).all()
    data = problem.sample(constants, 100, 0.0, np.random.default_rng(1))
    assert data.X.shape == (1000, 1) and np.bincount(data.groups).tolist() == [100] * 10
    A, omega, phi = constants[data.groups].T
    np.testing.assert_allclose(data.y, A * np.cos(omega * data.X[:, 0] + phi))
    assert ((0 <= data.X) & (data.X <= 9.42)).all()


def test_noise_is_drawn_on_each_datasets_own_scale():
    problem = get("Ideal Gas Law")
    constants = np.array([[1.0], [5.0]])   # n: the second dataset's target is 5 times larger
    data = problem.sample(constants, 20_000, 0.1, np.random.default_rng(2))
    T, V = data.X.T
    clean = 8.314 * constants[data.groups, 0] * T / V
    for g in (0, 1):
        rows = data.groups == g
        rms = np.sqrt(np.mean(clean[rows] ** 2))
        assert np.std(data.y[rows] - clean[rows]) == pytest.approx(0.1 * rms, rel=0.05)


def test_bad_counts_are_refused():
    problem = get("Radioactive Decay")
    with pytest.raises(LawfinderError, match="at least one dataset"):
        problem.draw_constants(0, np.random.default_rng(0))
    with pytest.raises(LawfinderError, match="at least one point per dataset"):
        problem.sample(np.ones((2, 2)), 0, 0.0, np.random.default_rng(0))


DECAY = np.array([[1.0, 1.2], [0.5, 0.95]])   # (n0, T) of two datasets
FOUND = sympy.sympify("k0*exp(-t/k1)")


def _fitted(rows):
    return pd.DataFrame(rows, columns=["k0", "k1"], index=pd.Index([0, 1], name="dataset"))


def test_a_formula_whose_fitted_constants_give_every_datasets_law_is_recovered():
    assert judge_datasets(FOUND, _fitted(DECAY), get("Radioactive Decay"), DECAY) \
        is Verdict.SOLVED


def test_one_dataset_wrong_is_not_recovered():
    wrong = DECAY.copy()
    wrong[1, 1] = 2.0
    assert judge_datasets(FOUND, _fitted(wrong), get("Radioactive Decay"), DECAY) \
        is Verdict.NOT_SOLVED


@pytest.mark.parametrize("verdicts, worst", [
    ((Verdict.SOLVED, Verdict.NOT_JUDGED), Verdict.NOT_JUDGED),
    ((Verdict.NOT_JUDGED, Verdict.NOT_SOLVED), Verdict.NOT_SOLVED),
])
def test_the_worst_verdict_over_the_datasets_wins(monkeypatch, verdicts, worst):
    answers = iter(verdicts)
    monkeypatch.setattr(class_sr, "_judged", lambda *args, **kwargs: next(answers))
    assert judge_datasets(FOUND, _fitted(DECAY), get("Radioactive Decay"), DECAY) is worst


def test_a_law_whose_constants_are_rewritten_is_recovered_in_its_expanded_form():
    """-4.905*(k0 + t)**2 - k1 is the free fall with v0 = -9.81*k0 and z0 = -k1 - 4.905*k0**2:
    rounded to 3 digits before expanding, SRBench's rule alone refuses it."""
    truth = np.array([[3.0, 1.0], [-1.5, 2.0]])                  # (v0, z0) of two datasets
    k0 = -truth[:, 0] / 9.81
    fitted = pd.DataFrame({"k0": k0, "k1": -truth[:, 1] - 4.905 * k0**2},
                          index=pd.Index([0, 1], name="dataset"))
    found = sympy.sympify("-4.905*(k0 + t)**2 - k1")
    assert judge_datasets(found, fitted, get("Free Fall"), truth) is Verdict.SOLVED


def test_the_law_written_with_another_function_is_recovered_by_its_values():
    """A sin(w (t - k)) is A cos(w t + phi) with k = -(phi + pi/2)/w: the phases differ by
    pi/2 only before rounding, so no rounded symbolic rule sees it; its values do. The
    same formula with a phase off by 1e-3 is not the law."""
    truth = np.array([[0.8, 1.1, 1.0], [1.1, 0.4, 0.97]])   # (A, omega, phi) of two datasets
    shift = -(truth[:, 2] + np.pi / 2) / truth[:, 1]
    found = sympy.sympify("k0*sin(k1*(t - k2))")
    fitted = pd.DataFrame({"k0": truth[:, 0], "k1": truth[:, 1], "k2": shift},
                          index=pd.Index([0, 1], name="dataset"))
    problem = get("Harmonic Oscillator")
    assert judge_datasets(found, fitted, problem, truth) is Verdict.SOLVED
    assert judge_datasets(found, fitted.assign(k2=shift + 1e-3), problem, truth) \
        is Verdict.NOT_SOLVED


def test_of_dataset_substitutes_that_datasets_row():
    assert of_dataset(FOUND, _fitted(DECAY), 1) == sympy.sympify("0.5*exp(-t/0.95)")
    assert of_dataset(FOUND, None, 0) == FOUND


def test_refit_finds_the_numbers_and_each_datasets_constants_from_a_start_off_the_truth():
    problem = get("Damped Harmonic Oscillator A")
    truth = problem.draw_constants(3, np.random.default_rng(0))
    data = problem.sample(truth, 50, 0.0, np.random.default_rng(1))
    off = problem.sympy().xreplace({sympy.Float(1.389): sympy.Float(1.3)})
    formula, fitted, rms = class_sr.refit(off, ["k", "Phi"], problem, data, truth * 1.05)
    assert list(fitted.columns) == ["k", "Phi"]
    np.testing.assert_allclose(fitted.to_numpy(), truth, rtol=1e-7)
    assert abs(float(formula.atoms(sympy.Float).pop()) - 1.389) < 1e-8
    assert rms.shape == (3,) and rms.max() < 1e-8


def test_refit_leaves_a_residual_where_the_form_is_not_the_law():
    problem = get("Radioactive Decay")
    truth = problem.draw_constants(2, np.random.default_rng(0))
    data = problem.sample(truth, 50, 0.0, np.random.default_rng(1))
    stand_in = sympy.sympify("n0/(1.0 + t/T)")
    assert class_sr.refit(stand_in, ["n0", "T"], problem, data, truth)[2].min() > 1e-3


def test_physo_published_rates_are_those_of_its_summary():
    assert published_rate("Free Fall", 0.01, 1) == 0.2
    assert published_rate("Free Fall", 0.01, 10) == 1.0
    assert published_rate("Damped Harmonic Oscillator B", 0.0, 10) == 0.6
    assert published_rate("Free Fall", 0.05, 1) is None
    assert published_rate("Free Fall", 0.0, 3) is None


def test_physo_is_refused_for_the_class_suite():
    result = run_task(Task("physo", "class", "Radioactive Decay", 0.0, 0, 5.0, 1000, 100,
                           n_datasets=2))
    assert result.failed and "does not run the class suite" in result.error


def test_a_short_run_on_two_datasets_finishes_with_a_verdict():
    task = Task("lawfinder", "class", "Radioactive Decay", 0.01, 0, 5.0, 200_000, 100,
                n_datasets=2)
    result = run_task(task)
    assert result.error is None, result.error
    assert result.verdict in {"solved", "not solved", "not judged"}
    assert result.r2 is not None and result.evals > 0
    assert task.key.endswith("/n=100/datasets=2")
    fitted = json.loads(result.dataset_constants)
    assert set(fitted) == {"0", "1"} and all(set(row) <= {"k0", "k1"} for row in fitted.values())


@pytest.mark.parametrize("with_units", [False, True])
@pytest.mark.parametrize("problem", CLASS, ids=lambda p: p.name)
def test_every_law_makes_a_feasible_search_with_and_without_units(problem, with_units):
    law = get_law("class", problem.name, with_units=with_units)
    data = problem.sample(problem.draw_constants(3, np.random.default_rng(0)), 50, 0.0,
                          np.random.default_rng(1))
    # Raises UnitsError if no formula of the law's units can be built.
    lawfinder_model(law).prepare(data.X, data.y, groups=data.groups, **fit_options(law))


def test_constants_off_by_the_noise_pass_with_two_digits_not_three():
    noisy = DECAY * (1 + np.array([[0, 6e-3], [0, 0]]))   # 1/T = 0.828: 0.83 or 0.828
    assert judge_datasets(FOUND, _fitted(noisy), get("Radioactive Decay"), DECAY) \
        is Verdict.NOT_SOLVED
    assert judge_datasets(FOUND, _fitted(noisy), get("Radioactive Decay"), DECAY, digits=2) \
        is Verdict.SOLVED
