"""The demo laws' recovery check: the law, however its constants are arranged, and nothing else."""

import sympy

from lawfinder.benchmarks.demos import get
from lawfinder.benchmarks.judge import Verdict

# exp(-alpha*t)*cos(omega*t + phi) with the phase written as a sine and the decay split in two
# constants: the same function when alpha*phi = -1/9.89 and phi = pi/2 - 0.997.
REPARAMETRISED = sympy.sympify("-exp(alpha*phi*t)*sin(omega*t - phi)")
PHI = float(sympy.pi / 2) - 0.997
EXACT = {"alpha": -1 / (9.89 * PHI), "omega": 0.784, "phi": PHI}


def test_a_reparametrised_law_is_recovered():
    assert get("oscillator").recovered(REPARAMETRISED, EXACT) is Verdict.SOLVED


def test_a_near_miss_is_not():
    off = {**EXACT, "omega": 0.7841}
    assert get("oscillator").recovered(REPARAMETRISED, off) is Verdict.NOT_SOLVED


def test_an_approximation_that_fits_is_not_the_law():
    taylor_like = sympy.sympify("m*sqrt(v**4 + c**2*v**2 + c**4)")
    assert get("einstein").recovered(taylor_like, {"c": 19.8}) is Verdict.NOT_SOLVED


def test_the_law_as_written_is_recovered():
    law = get("einstein")
    assert law.recovered(law.sympy(numeric=False), {"c": 19.8}) is Verdict.SOLVED


def test_constants_of_one_unit_are_named_as_the_law_names_them():
    """The oscillator's fit may call the frequency alpha and the damping omega (both 1/s);
    the phase, alone in its units, keeps its name whatever its value."""
    names = get("oscillator").true_names({"alpha": 0.784, "omega": 0.1011, "phi": 0.57})
    assert names == {"alpha": "omega", "omega": "alpha", "phi": "phi"}
    assert get("newton").true_names({"G": 3.0}) == {"G": "G"}


def test_a_reparametrised_law_is_read_in_the_laws_form():
    """The phase of the sine found is pi/2 - 0.997: as the law writes it, 0.997 again."""
    form = get("oscillator").in_law_form(REPARAMETRISED, EXACT)
    assert form.keys() == {"alpha", "omega", "phi"}
    assert abs(form["alpha"] - 1 / 9.89) < 1e-9 and abs(form["phi"] - 0.997) < 1e-9


def test_a_formula_that_is_not_the_law_has_no_law_form():
    off = {**EXACT, "omega": 0.79}
    assert get("oscillator").in_law_form(REPARAMETRISED, off) == {}
