import numpy as np
import pytest
import sympy

from lawfinder.benchmarks.feynman import (ALL_PROBLEMS, EXCLUDED, FEYNMAN, UnknownProblemError,
                                          get)
from lawfinder.errors import LawfinderError
from symbolic_units import dimension_of
from lawfinder.units.dimension import parse_units

ids = [p.name for p in ALL_PROBLEMS]


def test_registry_holds_the_100_problems_and_srbench_drops_three():
    assert len(ALL_PROBLEMS) == 100
    assert len(set(ids)) == 100
    assert set(EXCLUDED) == {"I.26.2", "I.30.5", "II.11.17"}
    assert set(EXCLUDED) <= set(ids)
    assert len(FEYNMAN) == 97
    assert not {p.name for p in FEYNMAN} & set(EXCLUDED)


@pytest.mark.parametrize("problem", ALL_PROBLEMS, ids=ids)
def test_formula_units_match_the_declared_output_units(problem):
    dims = {v.name: v.dim for v in problem.variables}
    assert dimension_of(problem.sympy(), dims) == problem.target_dim


@pytest.mark.parametrize("problem", ALL_PROBLEMS, ids=ids)
def test_formula_symbols_are_exactly_the_variables(problem):
    # Also catches names such as I, gamma and beta parsing as SymPy's own objects.
    symbols = {s.name: s for s in problem.sympy().free_symbols}
    assert sorted(symbols) == sorted(v.name for v in problem.variables)
    for v in problem.variables:
        assert symbols[v.name].is_positive is (True if v.low > 0 else None)


def _dims_by_name():
    seen = {}
    for p in ALL_PROBLEMS:
        for name, dim in [(p.target_name, p.target_dim)] + [(v.name, v.dim) for v in p.variables]:
            seen.setdefault(name, set()).add(dim)
    return seen


def test_each_name_has_one_dimension_across_problems():
    assert {name: dims for name, dims in _dims_by_name().items() if len(dims) > 1} == {}


@pytest.mark.parametrize(("name", "unit"), [
    ("G", "m^3/(kg*s^2)"), ("kb", "J/K"), ("h", "J*s"), ("epsilon", "F/m"), ("c", "m/s"),
    ("B", "T"), ("Ef", "V/m"), ("Volt", "V"), ("q", "C"), ("I", "A"), ("C", "F"),
    ("mom", "A*m^2"), ("p_d", "C*m"), ("Pol", "C/m^2"), ("j", "A/m^2"), ("A_vec", "T*m"),
    ("kappa", "W/(m*K)"), ("mob", "s/kg"), ("L_rad", "J/m^2"), ("flux", "W/m^2"),
    ("pr", "Pa"), ("E_den", "J/m^3"), ("T", "K"),
    ("mu_drift", "s/kg"),  # corrected from the reference's kg/s, see the registry
])
def test_registry_units_agree_with_pint(name, unit):
    assert _dims_by_name()[name] == {parse_units(unit)[0]}


@pytest.mark.parametrize("problem", ALL_PROBLEMS, ids=ids)
def test_generation_shapes_ranges_and_values(problem):
    x, y = problem.generate(1000, rng=np.random.default_rng(0))
    assert x.shape == (1000, len(problem.variables))
    assert y.shape == (1000,)
    low = np.array([v.low for v in problem.variables])
    high = np.array([v.high for v in problem.variables])
    assert np.all((x >= low) & (x <= high))
    assert np.all(np.isfinite(y))
    point = dict(zip((v.name for v in problem.variables), x[0]))
    expr = problem.sympy()
    exact = float(expr.subs({s: point[s.name] for s in expr.free_symbols}))
    assert y[0] == pytest.approx(exact, rel=1e-9, abs=1e-12)


def test_noise_is_gaussian_with_std_noise_times_rms():
    problem = get("I.12.2")
    x_clean, y_clean = problem.generate(100_000, rng=np.random.default_rng(1))
    x_noisy, y_noisy = problem.generate(100_000, noise=0.1, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(x_noisy, x_clean)
    added = y_noisy - y_clean
    rms = np.sqrt(np.mean(y_clean**2))
    assert np.std(added) == pytest.approx(0.1 * rms, rel=0.02)
    assert abs(np.mean(added)) < 5 * 0.1 * rms / np.sqrt(100_000)  # five standard errors


def test_generation_is_reproducible_with_a_seeded_rng():
    problem = get("II.6.15a")
    first = problem.generate(50, noise=0.01, rng=np.random.default_rng(7))
    again = problem.generate(50, noise=0.01, rng=np.random.default_rng(7))
    other = problem.generate(50, noise=0.01, rng=np.random.default_rng(8))
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize(("n", "noise"), [(0, 0.0), (10, -0.1)])
def test_generation_rejects_bad_arguments(n, noise):
    with pytest.raises(LawfinderError):
        get("I.12.2").generate(n, noise=noise, rng=np.random.default_rng(0))


def test_name_collisions_with_sympy_parse_as_symbols():
    assert sympy.Symbol("I", positive=True) in get("II.13.17").sympy().free_symbols
    assert sympy.Symbol("gamma", positive=True) in get("I.39.11").sympy().free_symbols


def test_get_finds_problems_including_excluded_ones():
    assert get("I.6.2a").name == "I.6.2a"
    assert get("II.11.17").target_name == "n"


@pytest.mark.parametrize(("name", "suggestion"), [("I.6.2c", "I.6.2a"),
                                                  ("feynman_I_6_2a", "I.6.2a"),
                                                  ("III.4.3", "III.4.32")])
def test_get_suggests_close_matches(name, suggestion):
    with pytest.raises(UnknownProblemError, match="did you mean") as error:
        get(name)
    assert suggestion in str(error.value)
    assert isinstance(error.value, KeyError) and isinstance(error.value, LawfinderError)


def test_get_without_close_matches_shows_the_name_format():
    with pytest.raises(UnknownProblemError, match="I.6.2a") as error:
        get("pendulum")
    assert "did you mean" not in str(error.value)
