from dataclasses import replace

import numpy as np

from lawfinder.evaluate.prefix import padded
from lawfinder.search.front import Entry
from lawfinder.search.refinement import polish

from search.test_scoring import scorer, tokens


def entry(s, constant: float) -> Entry:
    formula = tuple(tokens(s, "mul", "a", "x")[0])
    return Entry(formula, np.array([constant]), 0.0, 3.0)


def test_polish_leaves_each_entry_with_its_error_on_all_rows():
    """The d60d8d6 fix: the refit on all rows is judged on all rows, not against the
    entry's error on the scoring subsample; every entry leaves with its all-rows NRMSE."""
    s = scorer(noise=0.3)
    subsample_fit = entry(s, 2.45)
    (out,) = polish([replace(subsample_fit, nrmse=1e-9)], s)   # a flattering subsample score
    t = padded([out.tokens])
    assert out.nrmse == s.nrmse_on_all(t, out.constants[None])[0]
    assert out.nrmse <= s.nrmse_on_all(t, subsample_fit.constants[None])[0]
    np.testing.assert_allclose(out.constants, [2.5], atol=0.01)


def test_a_dimensionless_constant_near_a_closed_form_is_set_to_it_when_the_data_allow():
    s = scorer(noise=0.01, law=lambda x: np.pi * x)
    (out,) = polish([entry(s, 3.1416)], s)
    assert out.constants[0] == np.pi


def test_a_phase_is_reported_in_its_first_turn_when_it_fits_as_well():
    s = scorer(law=lambda x: np.cos(x + 0.997), operators=("cos", "add"))
    formula = tuple(tokens(s, "cos", "add", "x", "a")[0])
    (out,) = polish([Entry(formula, np.array([0.997 - 2 * np.pi]), 0.0, 4.0)], s)
    np.testing.assert_allclose(out.constants, [0.997], rtol=1e-9)
