"""The three laws of the demo and the end-to-end tests, with data made from their formulas."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import sympy
from scipy.optimize import least_squares

from lawfinder.benchmarks.judge import Verdict, is_identical, parse
from lawfinder.language.library import DEFAULT_OPERATORS
from lawfinder.search.front import same_function


@dataclass(frozen=True)
class DemoLaw:
    """A known law, the search settings for it, and a way to make its data."""

    name: str
    title: str
    truth: str                                   # SymPy-parsable, constants by name
    target: str
    target_units: str
    variables: tuple[tuple[str, str, float, float], ...]   # name, units, low, high
    constants: dict[str, tuple[float, str]]      # name -> (true value, units): fitted by the search
    # What a user gets without choosing: the demo shows the search as a user meets it.
    operators: tuple[str, ...] = DEFAULT_OPERATORS

    @property
    def names(self) -> list[str]:
        return [v[0] for v in self.variables]

    @property
    def units(self) -> list[str]:
        return [v[1] for v in self.variables]

    @property
    def free_constants(self) -> dict[str, str]:
        return {name: units for name, (_, units) in self.constants.items()}

    def sympy(self, numeric: bool = True) -> sympy.Expr:
        """The law, with its constants' true values or, without `numeric`, as symbols."""
        expr = parse(self.truth)
        if not numeric:
            return expr
        return expr.subs({sympy.Symbol(k): v for k, (v, _) in self.constants.items()})

    def generate(self, n: int = 1000, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """n points uniform in the variables' ranges and the law's exact values there."""
        rng = np.random.default_rng(seed)
        X = np.column_stack([rng.uniform(low, high, n) for _, _, low, high in self.variables])
        f = sympy.lambdify([sympy.Symbol(n) for n in self.names], self.sympy(), "numpy")
        return X, np.broadcast_to(np.asarray(f(*X.T), dtype=float), (n,)).copy()

    def recovered(self, expr: sympy.Expr, constants: dict[str, float]) -> Verdict:
        """Exact recovery: with every constant rounded to 3 significant digits on both sides,
        the difference between `expr` (constants as symbols) and the law simplifies to 0;
        failing that, `expr` with its fitted constants is the law reparametrised
        (`same_function`): -exp(a*b*t)*sin(w*t - b) for exp(-alpha*t)*cos(omega*t + phi)."""
        truth = _rounded(self.sympy(numeric=False), {k: v for k, (v, _) in self.constants.items()})
        ranges = {name: (low, high) for name, _, low, high in self.variables}
        verdict = is_identical(_rounded(expr, constants), truth, positive=self.positive_names(),
                               ranges=ranges)   # where SymPy times out, checked at data points
        if verdict is not Verdict.SOLVED and self.same_function(expr, constants):
            return Verdict.SOLVED
        return verdict

    def same_function(self, expr: sympy.Expr, constants: dict[str, float],
                      rtol: float = 1e-9) -> bool:
        """Whether `expr` with `constants` is the law's function, as the front tells twins
        apart (`lawfinder.search.front.same_function`, to `rtol`), at 256 points over the
        data ranges stretched by half on each side: a fit that only approximates the law
        (a rational envelope, a Taylor-like series) misses by far more, and more so beyond
        the data."""
        a, b = (self._values(e) for e in (_valued(expr, constants), self.sympy()))
        return bool(np.isfinite(a).all()) and same_function(a, b, rtol)

    def in_law_form(self, expr: sympy.Expr, constants: dict[str, float]) -> dict[str, float]:
        """The law's constants for which the law, as written, is the function `expr` with
        `constants` found: the law's form read off a fit of another form (the phase of
        cos(omega*t + phi) where -sin(omega*t - phi') was found). Fitted by least squares
        at `same_function`'s points from the true values; empty where no such constants
        make the two the same function."""
        found = self._values(_valued(expr, constants)).real
        law = self.sympy(numeric=False)
        names = list(self.constants)
        f = sympy.lambdify([sympy.Symbol(n) for n in [*self.names, *names]], law, "numpy")
        points = self._points()

        def residuals(c: np.ndarray) -> np.ndarray:
            with np.errstate(all="ignore"):
                return np.broadcast_to(f(*points, *c), found.shape) - found

        start = [value for value, _ in self.constants.values()]
        fitted = dict(zip(names, least_squares(residuals, start, xtol=1e-15, ftol=1e-15).x))
        return fitted if self.same_function(law, fitted) else {}

    def _points(self) -> list[np.ndarray]:
        """256 points over the data ranges stretched by half on each side."""
        rng = np.random.default_rng(0)
        return [rng.uniform(*_stretched(low, high), 256) for _, _, low, high in self.variables]

    def _values(self, expr: sympy.Expr) -> np.ndarray:
        """`expr` (constants substituted) at `_points`, complex where it leaves the reals."""
        f = sympy.lambdify([sympy.Symbol(n) for n in self.names], expr, "numpy")
        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(f(*self._points()), dtype=complex), (256,))

    def true_names(self, constants: dict[str, float]) -> dict[str, str]:
        """Found constant -> the law's constant it stands for: among constants of the same
        units, names paired by closest magnitude (a found formula may call the frequency
        alpha and the damping omega, both in 1/s); others keep their names."""
        renamed = {}
        for units in dict.fromkeys(units for _, units in self.constants.values()):
            names = [n for n, (_, u) in self.constants.items() if u == units and n in constants]
            truth = {n: abs(self.constants[n][0]) for n in names}

            def distance(order: tuple[str, ...]) -> float:
                return sum(abs(np.log((abs(constants[a]) + 1e-300) / truth[b]))
                           for a, b in zip(names, order))

            best = min(itertools.permutations(names), key=distance)
            renamed.update(zip(names, best))
        return {name: renamed.get(name, name) for name in constants}

    def positive_names(self) -> list[str]:
        return [name for name, _, low, _ in self.variables if low > 0]


def _stretched(low: float, high: float) -> tuple[float, float]:
    """A variable's range widened by half its width on each side; a positive one stays
    positive (down to half its low end)."""
    width = high - low
    return (low / 2 if low > 0 else low - width / 2), high + width / 2


def _valued(expr: sympy.Expr, values: dict[str, float]) -> sympy.Expr:
    return expr.subs({sympy.Symbol(k): v for k, v in values.items()})


def _rounded(expr: sympy.Expr, values: dict[str, float]) -> sympy.Expr:
    """Substitute each constant by its value rounded to 3 significant digits, as an exact rational."""
    exact = {sympy.Symbol(k): sympy.Rational(f"{v:.3g}") for k, v in values.items()}
    return expr.subs(exact)


DEMO_LAWS = (
    DemoLaw("oscillator", "Damped harmonic oscillator", "exp(-alpha*t)*cos(omega*t + phi)",
            "y", "1", (("t", "s", np.pi, 10 * np.pi),),
            {"alpha": (1 / 9.89, "1/s"), "omega": (0.784, "1/s"), "phi": (0.997, "1")}),
    DemoLaw("einstein", "Einstein's energy", "m*c**2/sqrt(1 - v**2/c**2)", "E", "J",
            (("m", "kg", 1.0, 5.0), ("v", "m/s", 1.0, 10.0)),
            {"c": (19.8, "m/s")}),
    DemoLaw("newton", "Newton's gravitation", "G*m1*m2/r**2", "F", "N",
            (("m1", "kg", 1.0, 5.0), ("m2", "kg", 1.0, 5.0), ("r", "m", 1.0, 5.0)),
            {"G": (6.123, "m^3/(kg*s^2)")}),
)

# Not in the demo: Planck's spectral radiance, the harder law of docs/performance.md, in SI
# magnitudes (A = 2hc^2, C = hc/k_B), measured on noisy data by benchmarks/planck.py.
PLANCK = DemoLaw("planck", "Planck's law", "A/lam**5/(exp(C/(lam*T)) - 1)", "B", "W/m^3",
                 (("lam", "m", 0.2e-6, 5e-6), ("T", "K", 2000.0, 10000.0)),
                 {"A": (1.191042972e-16, "W*m^2"), "C": (1.438776877e-2, "m*K")})


def get(name: str) -> DemoLaw:
    by_name = {law.name: law for law in DEMO_LAWS}
    if name not in by_name:
        from lawfinder.errors import LawfinderError

        raise LawfinderError(f"unknown demo law {name!r}; choose from {', '.join(by_name)}")
    return by_name[name]
