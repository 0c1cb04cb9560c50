import math

import pytest

from lawfinder.results.notation import with_error


@pytest.mark.parametrize("value, error, text", [
    (6.6743e-11, 1.5e-14, "6.6743(15)e-11"),
    (0.784, 0.0023, "0.7840(23)"),
    (9.81234, 0.0123, "9.812(12)"),
    (19.8, 0.0996, "19.80(10)"),
    (12345.0, 150.0, "1.234(15)e4"),
    (2.0, 3.0, "2.0(30)"),
    (0.002, 0.3, "0.002 ± 0.3"),
    (0.997, 0.0, "0.997 (exact)"),
    (1.5, math.inf, "1.5 (undetermined)"),
    (1.234567891, math.nan, "1.23457"),
    (6.123000000000001, 2e-15, "6.123"),
])
def test_a_value_shows_the_digits_its_error_supports(value, error, text):
    assert with_error(value, error) == text
