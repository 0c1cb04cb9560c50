import numpy as np

from lawfinder.fit.levenberg_marquardt import FitConfig, fit_constants
from lawfinder.language.library import build_library

from support import dim


def _oscillator():
    library = build_library(["add", "mul", "exp", "neg", "cos"], [("t", dim("s"))],
                            {"alpha": dim("1/s"), "omega": dim("1/s"), "phi": dim("1")})
    ix = library.index
    prefix = ["mul", "exp", "neg", "mul", "alpha", "t", "cos", "add", "mul", "omega", "t", "phi"]
    return library, np.array([[ix[p] for p in prefix]])


def test_batched_fit_recovers_the_damped_oscillator():
    library, tokens = _oscillator()
    rng = np.random.default_rng(0)
    t = rng.uniform(np.pi, 10 * np.pi, 200)
    y = np.exp(-t / 9.89) * np.cos(0.784 * t + 0.997)
    c, loss = fit_constants(np.repeat(tokens, 3, axis=0), library, t[:, None], y, np.ones(200),
                            np.ones((1, 3)), np.ones(3), FitConfig(n_random_starts=6), rng)
    assert loss.max() < 1e-20
    np.testing.assert_allclose(np.abs(c[:, :2]), [[1 / 9.89, 0.784]] * 3, rtol=1e-8)


def test_equal_fits_prefer_the_smallest_constants():
    """cos(w t + phi) fits as well with phi + 2 pi: the small phase is reported."""
    library, tokens = _oscillator()
    t = np.linspace(np.pi, 10 * np.pi, 100)
    y = np.exp(-t / 9.89) * np.cos(0.784 * t + 0.997)
    starts = np.array([[[1 / 9.89, 0.784, 0.997 + 2 * np.pi], [1 / 9.89, 0.784, 0.997]]])
    c, _ = fit_constants(tokens, library, t[:, None], y, np.ones(100), starts, np.ones(3),
                         FitConfig(n_random_starts=0), np.random.default_rng(0))
    np.testing.assert_allclose(c[0], [1 / 9.89, 0.784, 0.997], rtol=1e-9)


def test_formulas_that_cannot_be_evaluated_get_infinite_loss():
    library = build_library(["log", "neg"], [("x", dim("1"))], {"c": dim("1")})
    ix = library.index
    tokens = np.array([[ix["log"], ix["neg"], ix["x"]]])
    _, loss = fit_constants(tokens, library, np.ones((5, 1)), np.arange(5.0), np.ones(5),
                            np.ones((1, 1)), np.ones(1), FitConfig(), np.random.default_rng(0))
    assert np.isinf(loss[0])


def test_frozen_constants_keep_their_value_and_the_others_fit_around_them():
    """Damped oscillator with the phase frozen at 1.0 (truth 0.997): the rest still fits,
    and from random starts too."""
    library, tokens = _oscillator()
    t = np.linspace(np.pi, 10 * np.pi, 100)
    y = np.exp(-t / 9.89) * np.cos(0.784 * t + 0.997)
    start = np.array([[[0.1, 0.78, 1.0]]])
    frozen = np.array([[False, False, True]])
    c, loss = fit_constants(tokens, library, t[:, None], y, np.ones(100), start, np.ones(3),
                            FitConfig(n_random_starts=4), np.random.default_rng(0), frozen)
    assert c[0, 2] == 1.0
    np.testing.assert_allclose(c[0, :2], [1 / 9.89, 0.784], rtol=1e-2)
    assert 0 < loss[0] < 1e-3
