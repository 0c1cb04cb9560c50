"""The AI Feynman benchmark: 100 physics formulas with SI units, sampled and noised as in SRBench.

Formulas and sampling ranges are those of the AI Feynman database (Udrescu & Tegmark 2020), spelled
for SymPy (asin, log for its arcsin, ln); each name's units come from its units table, in SI base
dimensions.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy

from lawfinder.errors import LawfinderError
from lawfinder.units.dimension import DIMENSIONLESS, Dimension


@dataclass(frozen=True)
class Variable:
    """An input of a problem: its name in the formula, its sampling range and its dimension."""

    name: str
    low: float
    high: float
    dim: Dimension


@dataclass(frozen=True)
class FeynmanProblem:
    """One benchmark law, ``target_name = formula(variables)``, with the target's dimension."""

    name: str
    formula: str
    target_name: str
    target_dim: Dimension
    variables: tuple[Variable, ...]

    def sympy(self) -> sympy.Expr:
        """The formula in SymPy; symbols are named as the variables, positive if their range is."""
        return _expression(self)

    def generate(self, n: int, *, noise: float = 0.0,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """n points uniform in the ranges; noise as in SRBench: y + N(0, (noise*RMS(y))^2).

        Returns X of shape (n, len(variables)), columns in variable order, and y of shape (n,).
        """
        if n < 1:
            raise LawfinderError(f"{self.name}: need at least one point, got n={n}")
        check_noise(noise, self.name)
        low = np.array([v.low for v in self.variables])
        high = np.array([v.high for v in self.variables])
        x = rng.uniform(low, high, size=(n, len(self.variables)))
        y = np.asarray(_numpy_function(self)(*x.T), dtype=float)
        return x, add_noise(y, noise, rng)


def check_noise(noise: float, what: str) -> None:
    """Raise LawfinderError, naming `what`, unless noise is a finite fraction >= 0."""
    if not (np.isfinite(noise) and noise >= 0):
        raise LawfinderError(f"{what}: noise is a fraction of RMS(y) and must be >= 0, "
                             f"got {noise}")


def add_noise(y: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    """SRBench's target noise: y + N(0, (noise*RMS(y))^2); y itself (no draw) when noise is 0."""
    if not noise:
        return y
    return y + rng.normal(0.0, noise * np.sqrt(np.mean(y**2)), size=y.shape)


class UnknownProblemError(LawfinderError, KeyError):
    """No Feynman problem has this name; also a KeyError, as for a failed dict lookup."""

    __str__ = Exception.__str__  # KeyError's would print the message in quotes


def get(name: str) -> FeynmanProblem:
    """The problem called ``name``, e.g. "I.6.2a"; the EXCLUDED ones can be fetched too."""
    if name in _BY_NAME:
        return _BY_NAME[name]
    # PMLB spells names feynman_I_6_2a; compare in our spelling so those get a suggestion too.
    spelled = name.removeprefix("feynman_").replace("_", ".")
    close = difflib.get_close_matches(spelled, list(_BY_NAME), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else "; names look like 'I.6.2a'"
    raise UnknownProblemError(f"no Feynman problem named {name!r}{hint}")


def _symbols(problem: FeynmanProblem) -> dict[str, sympy.Symbol]:
    return {v.name: sympy.Symbol(v.name, positive=True) if v.low > 0 else sympy.Symbol(v.name)
            for v in problem.variables}


# Module-level caches rather than attributes, so problems stay small and picklable.
@functools.cache
def _expression(problem: FeynmanProblem) -> sympy.Expr:
    # Explicit symbols, or names such as I, gamma and beta would parse as SymPy's own objects.
    return sympy.parse_expr(problem.formula, local_dict=_symbols(problem))


@functools.cache
def _numpy_function(problem: FeynmanProblem) -> Callable[..., np.ndarray]:
    return sympy.lambdify(list(_symbols(problem).values()), _expression(problem), modules="numpy")


def _problem(name: str, target: str, formula: str,
             *ranges: tuple[str, float, float]) -> FeynmanProblem:
    variables = tuple(Variable(v, float(low), float(high), _UNITS[v]) for v, low, high in ranges)
    return FeynmanProblem(name, formula, target, _UNITS[target], variables)


# SI dimension of every name used below (the reference gives one set of units per name).
_UNITS: dict[str, Dimension] = {
    "A": Dimension.of(m=2),  # Area
    "a": Dimension.of(m=1, s=-2),  # Acceleration
    "A_vec": Dimension.of(m=1, kg=1, s=-2, A=-1),  # Vector potential
    "alpha": DIMENSIONLESS,  # Dimensionless
    "B": Dimension.of(kg=1, s=-2, A=-1),  # Magnetic field
    "beta": DIMENSIONLESS,  # Dimensionless
    "Bx": Dimension.of(kg=1, s=-2, A=-1),  # Magnetic field
    "By": Dimension.of(kg=1, s=-2, A=-1),  # Magnetic field
    "Bz": Dimension.of(kg=1, s=-2, A=-1),  # Magnetic field
    "C": Dimension.of(m=-2, kg=-1, s=4, A=2),  # Capacitance
    "c": Dimension.of(m=1, s=-1),  # Velocity
    "chi": DIMENSIONLESS,  # Dimensionless
    "D": Dimension.of(m=2, s=-1),  # Diffusion coefficient
    "d": Dimension.of(m=1),  # Length
    "d1": Dimension.of(m=1),  # Length
    "d2": Dimension.of(m=1),  # Length
    "delta": DIMENSIONLESS,  # Dimensionless
    "E_den": Dimension.of(m=-1, kg=1, s=-2),  # Energy density
    "E_n": Dimension.of(m=2, kg=1, s=-2),  # Energy
    "Ef": Dimension.of(m=1, kg=1, s=-3, A=-1),  # Electric field
    "epsilon": Dimension.of(m=-3, kg=-1, s=4, A=2),  # Electric permittivity
    "F": Dimension.of(m=1, kg=1, s=-2),  # Force
    "f": DIMENSIONLESS,  # Dimensionless
    "flux": Dimension.of(kg=1, s=-3),  # Energy flux
    "foc": Dimension.of(m=1),  # Length
    "G": Dimension.of(m=3, kg=-1, s=-2),  # Newton's constant
    "g": Dimension.of(m=1, s=-2),  # Acceleration
    "g_": DIMENSIONLESS,  # Dimensionless
    "gamma": DIMENSIONLESS,  # Dimensionless
    "H": Dimension.of(kg=1, s=-2, A=-1),  # Magnetic field
    "h": Dimension.of(m=2, kg=1, s=-1),  # Planck constant
    "I": Dimension.of(A=1),  # Current
    "I1": Dimension.of(kg=1, s=-3),  # Light intensity
    "I2": Dimension.of(kg=1, s=-3),  # Light intensity
    "I_0": Dimension.of(A=1),  # Current
    "Int": Dimension.of(kg=1, s=-3),  # Light intensity
    "Int_0": Dimension.of(kg=1, s=-3),  # Light intensity
    "j": Dimension.of(m=-2, A=1),  # Current density
    "Jz": Dimension.of(m=2, kg=1, s=-1),  # Angular momentum
    "K": Dimension.of(m=2, kg=1, s=-2),  # Energy
    "k": Dimension.of(m=-1),  # Wave number
    "k_spring": Dimension.of(kg=1, s=-2),  # Spring constant
    "kappa": Dimension.of(m=1, kg=1, s=-3, K=-1),  # Thermal conductivity
    "kb": Dimension.of(m=2, kg=1, s=-2, K=-1),  # Boltzmann constant
    "L": Dimension.of(m=2, kg=1, s=-1),  # Angular momentum
    "L_rad": Dimension.of(kg=1, s=-2),  # Spectral radiance
    "lambd": Dimension.of(m=1),  # Length
    "M": Dimension.of(m=-1, A=1),  # Magnetisation
    "m": Dimension.of(kg=1),  # Mass
    "m1": Dimension.of(kg=1),  # Mass
    "m2": Dimension.of(kg=1),  # Mass
    "m_0": Dimension.of(kg=1),  # Mass
    "mob": Dimension.of(kg=-1, s=1),  # Mobility
    "mom": Dimension.of(m=2, A=1),  # Magnetic moment
    "mu": DIMENSIONLESS,  # Dimensionless
    # The reference says kg/s, which makes I.43.16 (v = mu_drift*q*Volt/d) come out in
    # m*kg^2/s^3; a drift velocity per unit force is a mobility, s/kg, like "mob" below.
    "mu_drift": Dimension.of(kg=-1, s=1),  # Drift velocity constant (mobility)
    "mu_S": Dimension.of(m=-1, kg=1, s=-2),  # Shear modulus
    "n": DIMENSIONLESS,  # Dimensionless
    "n_0": DIMENSIONLESS,  # Dimensionless
    "n_rho": Dimension.of(m=-3),  # Inverse volume
    "Nn": Dimension.of(m=1, kg=1, s=-2),  # Force
    "omega": Dimension.of(s=-1),  # Frequency
    "omega_0": Dimension.of(s=-1),  # Frequency
    "p": Dimension.of(m=1, kg=1, s=-1),  # Momentum
    "p_d": Dimension.of(m=1, s=1, A=1),  # Electric dipole moment
    "Pol": Dimension.of(m=-2, s=1, A=1),  # Polarization
    "pr": Dimension.of(m=-1, kg=1, s=-2),  # Pressure
    "prob": DIMENSIONLESS,  # Dimensionless
    "Pwr": Dimension.of(m=2, kg=1, s=-3),  # Power
    "q": Dimension.of(s=1, A=1),  # Charge
    "q1": Dimension.of(s=1, A=1),  # Charge
    "q2": Dimension.of(s=1, A=1),  # Charge
    "r": Dimension.of(m=1),  # Length
    "r1": Dimension.of(m=1),  # Length
    "r2": Dimension.of(m=1),  # Length
    "rho": Dimension.of(m=-3, kg=1),  # Density
    "rho_c": Dimension.of(m=-3, s=1, A=1),  # Volume charge density
    "rho_c_0": Dimension.of(m=-3, s=1, A=1),  # Volume charge density
    "sigma": DIMENSIONLESS,  # Dimensionless
    "sigma_den": Dimension.of(m=-2, s=1, A=1),  # Surface charge density
    "T": Dimension.of(K=1),  # Temperature
    "t": Dimension.of(s=1),  # Time
    "T1": Dimension.of(K=1),  # Temperature
    "t1": Dimension.of(s=1),  # Time
    "T2": Dimension.of(K=1),  # Temperature
    "tau": Dimension.of(m=2, kg=1, s=-2),  # Torque
    "theta": DIMENSIONLESS,  # Dimensionless
    "theta1": DIMENSIONLESS,  # Dimensionless
    "theta2": DIMENSIONLESS,  # Dimensionless
    "U": Dimension.of(m=2, kg=1, s=-2),  # Energy
    "u": Dimension.of(m=1, s=-1),  # Velocity
    "V": Dimension.of(m=3),  # Volume
    "v": Dimension.of(m=1, s=-1),  # Velocity
    "V1": Dimension.of(m=3),  # Volume
    "v1": Dimension.of(m=1, s=-1),  # Velocity
    "V2": Dimension.of(m=3),  # Volume
    "Volt": Dimension.of(m=2, kg=1, s=-3, A=-1),  # Voltage
    "w": Dimension.of(m=1, s=-1),  # Velocity
    "x": Dimension.of(m=1),  # Length
    "x1": Dimension.of(m=1),  # Length
    "x2": Dimension.of(m=1),  # Length
    "x3": Dimension.of(m=1),  # Length
    "Y": Dimension.of(m=-1, kg=1, s=-2),  # Young modulus
    "y": Dimension.of(m=1),  # Length
    "y1": Dimension.of(m=1),  # Length
    "y2": Dimension.of(m=1),  # Length
    "y3": Dimension.of(m=1),  # Length
    "z": Dimension.of(m=1),  # Length
    "z1": Dimension.of(m=1),  # Length
    "z2": Dimension.of(m=1),  # Length
}

ALL_PROBLEMS: tuple[FeynmanProblem, ...] = (
    _problem("I.6.2a", "f", "exp(-theta**2/2)/sqrt(2*pi)",
             ("theta", 1, 3)),
    _problem("I.6.2", "f", "exp(-(theta/sigma)**2/2)/(sqrt(2*pi)*sigma)",
             ("sigma", 1, 3), ("theta", 1, 3)),
    _problem("I.6.2b", "f", "exp(-((theta-theta1)/sigma)**2/2)/(sqrt(2*pi)*sigma)",
             ("sigma", 1, 3), ("theta", 1, 3), ("theta1", 1, 3)),
    _problem("I.8.14", "d", "sqrt((x2-x1)**2+(y2-y1)**2)",
             ("x1", 1, 5), ("x2", 1, 5), ("y1", 1, 5), ("y2", 1, 5)),
    _problem("I.9.18", "F", "G*m1*m2/((x2-x1)**2+(y2-y1)**2+(z2-z1)**2)",
             ("m1", 1, 2), ("m2", 1, 2), ("G", 1, 2), ("x1", 3, 4), ("x2", 1, 2), ("y1", 3, 4),
             ("y2", 1, 2), ("z1", 3, 4), ("z2", 1, 2)),
    _problem("I.10.7", "m", "m_0/sqrt(1-v**2/c**2)",
             ("m_0", 1, 5), ("v", 1, 2), ("c", 3, 10)),
    _problem("I.11.19", "A", "x1*y1+x2*y2+x3*y3",
             ("x1", 1, 5), ("x2", 1, 5), ("x3", 1, 5), ("y1", 1, 5), ("y2", 1, 5), ("y3", 1, 5)),
    _problem("I.12.1", "F", "mu*Nn",
             ("mu", 1, 5), ("Nn", 1, 5)),
    _problem("I.12.2", "F", "q1*q2*r/(4*pi*epsilon*r**3)",
             ("q1", 1, 5), ("q2", 1, 5), ("epsilon", 1, 5), ("r", 1, 5)),
    _problem("I.12.4", "Ef", "q1*r/(4*pi*epsilon*r**3)",
             ("q1", 1, 5), ("epsilon", 1, 5), ("r", 1, 5)),
    _problem("I.12.5", "F", "q2*Ef",
             ("q2", 1, 5), ("Ef", 1, 5)),
    _problem("I.12.11", "F", "q*(Ef+B*v*sin(theta))",
             ("q", 1, 5), ("Ef", 1, 5), ("B", 1, 5), ("v", 1, 5), ("theta", 1, 5)),
    _problem("I.13.4", "K", "1/2*m*(v**2+u**2+w**2)",
             ("m", 1, 5), ("v", 1, 5), ("u", 1, 5), ("w", 1, 5)),
    _problem("I.13.12", "U", "G*m1*m2*(1/r2-1/r1)",
             ("m1", 1, 5), ("m2", 1, 5), ("r1", 1, 5), ("r2", 1, 5), ("G", 1, 5)),
    _problem("I.14.3", "U", "m*g*z",
             ("m", 1, 5), ("g", 1, 5), ("z", 1, 5)),
    _problem("I.14.4", "U", "1/2*k_spring*x**2",
             ("k_spring", 1, 5), ("x", 1, 5)),
    _problem("I.15.3x", "x1", "(x-u*t)/sqrt(1-u**2/c**2)",
             ("x", 5, 10), ("u", 1, 2), ("c", 3, 20), ("t", 1, 2)),
    _problem("I.15.3t", "t1", "(t-u*x/c**2)/sqrt(1-u**2/c**2)",
             ("x", 1, 5), ("c", 3, 10), ("u", 1, 2), ("t", 1, 5)),
    _problem("I.15.1", "p", "m_0*v/sqrt(1-v**2/c**2)",
             ("m_0", 1, 5), ("v", 1, 2), ("c", 3, 10)),
    _problem("I.16.6", "v1", "(u+v)/(1+u*v/c**2)",
             ("c", 1, 5), ("v", 1, 5), ("u", 1, 5)),
    _problem("I.18.4", "r", "(m1*r1+m2*r2)/(m1+m2)",
             ("m1", 1, 5), ("m2", 1, 5), ("r1", 1, 5), ("r2", 1, 5)),
    _problem("I.18.12", "tau", "r*F*sin(theta)",
             ("r", 1, 5), ("F", 1, 5), ("theta", 0, 5)),
    _problem("I.18.14", "L", "m*r*v*sin(theta)",
             ("m", 1, 5), ("r", 1, 5), ("v", 1, 5), ("theta", 1, 5)),
    _problem("I.24.6", "E_n", "1/2*m*(omega**2+omega_0**2)*1/2*x**2",
             ("m", 1, 3), ("omega", 1, 3), ("omega_0", 1, 3), ("x", 1, 3)),
    _problem("I.25.13", "Volt", "q/C",
             ("q", 1, 5), ("C", 1, 5)),
    _problem("I.26.2", "theta1", "asin(n*sin(theta2))",
             ("n", 0, 1), ("theta2", 1, 5)),
    _problem("I.27.6", "foc", "1/(1/d1+n/d2)",
             ("d1", 1, 5), ("d2", 1, 5), ("n", 1, 5)),
    _problem("I.29.4", "k", "omega/c",
             ("omega", 1, 10), ("c", 1, 10)),
    _problem("I.29.16", "x", "sqrt(x1**2+x2**2-2*x1*x2*cos(theta1-theta2))",
             ("x1", 1, 5), ("x2", 1, 5), ("theta1", 1, 5), ("theta2", 1, 5)),
    _problem("I.30.3", "Int", "Int_0*sin(n*theta/2)**2/sin(theta/2)**2",
             ("Int_0", 1, 5), ("theta", 1, 5), ("n", 1, 5)),
    _problem("I.30.5", "theta", "asin(lambd/(n*d))",
             ("lambd", 1, 2), ("d", 2, 5), ("n", 1, 5)),
    _problem("I.32.5", "Pwr", "q**2*a**2/(6*pi*epsilon*c**3)",
             ("q", 1, 5), ("a", 1, 5), ("epsilon", 1, 5), ("c", 1, 5)),
    _problem("I.32.17", "Pwr",
             "(1/2*epsilon*c*Ef**2)*(8*pi*r**2/3)*(omega**4/(omega**2-omega_0**2)**2)",
             ("epsilon", 1, 2), ("c", 1, 2), ("Ef", 1, 2), ("r", 1, 2), ("omega", 1, 2),
             ("omega_0", 3, 5)),
    _problem("I.34.8", "omega", "q*v*B/p",
             ("q", 1, 5), ("v", 1, 5), ("B", 1, 5), ("p", 1, 5)),
    _problem("I.34.1", "omega", "omega_0/(1-v/c)",
             ("c", 3, 10), ("v", 1, 2), ("omega_0", 1, 5)),
    _problem("I.34.14", "omega", "(1+v/c)/sqrt(1-v**2/c**2)*omega_0",
             ("c", 3, 10), ("v", 1, 2), ("omega_0", 1, 5)),
    _problem("I.34.27", "E_n", "(h/(2*pi))*omega",
             ("omega", 1, 5), ("h", 1, 5)),
    _problem("I.37.4", "Int", "I1+I2+2*sqrt(I1*I2)*cos(delta)",
             ("I1", 1, 5), ("I2", 1, 5), ("delta", 1, 5)),
    _problem("I.38.12", "r", "4*pi*epsilon*(h/(2*pi))**2/(m*q**2)",
             ("m", 1, 5), ("q", 1, 5), ("h", 1, 5), ("epsilon", 1, 5)),
    _problem("I.39.1", "E_n", "3/2*pr*V",
             ("pr", 1, 5), ("V", 1, 5)),
    _problem("I.39.11", "E_n", "1/(gamma-1)*pr*V",
             ("gamma", 2, 5), ("pr", 1, 5), ("V", 1, 5)),
    _problem("I.39.22", "pr", "n*kb*T/V",
             ("n", 1, 5), ("T", 1, 5), ("V", 1, 5), ("kb", 1, 5)),
    _problem("I.40.1", "n", "n_0*exp(-m*g*x/(kb*T))",
             ("n_0", 1, 5), ("m", 1, 5), ("x", 1, 5), ("T", 1, 5), ("g", 1, 5), ("kb", 1, 5)),
    _problem("I.41.16", "L_rad", "h/(2*pi)*omega**3/(pi**2*c**2*(exp((h/(2*pi))*omega/(kb*T))-1))",
             ("omega", 1, 5), ("T", 1, 5), ("h", 1, 5), ("kb", 1, 5), ("c", 1, 5)),
    _problem("I.43.16", "v", "mu_drift*q*Volt/d",
             ("mu_drift", 1, 5), ("q", 1, 5), ("Volt", 1, 5), ("d", 1, 5)),
    _problem("I.43.31", "D", "mob*kb*T",
             ("mob", 1, 5), ("T", 1, 5), ("kb", 1, 5)),
    _problem("I.43.43", "kappa", "1/(gamma-1)*kb*v/A",
             ("gamma", 2, 5), ("kb", 1, 5), ("A", 1, 5), ("v", 1, 5)),
    _problem("I.44.4", "E_n", "n*kb*T*log(V2/V1)",
             ("n", 1, 5), ("kb", 1, 5), ("T", 1, 5), ("V1", 1, 5), ("V2", 1, 5)),
    _problem("I.47.23", "c", "sqrt(gamma*pr/rho)",
             ("gamma", 1, 5), ("pr", 1, 5), ("rho", 1, 5)),
    _problem("I.48.2", "E_n", "m*c**2/sqrt(1-v**2/c**2)",
             ("m", 1, 5), ("v", 1, 2), ("c", 3, 10)),
    _problem("I.50.26", "x", "x1*(cos(omega*t)+alpha*cos(omega*t)**2)",
             ("x1", 1, 3), ("omega", 1, 3), ("t", 1, 3), ("alpha", 1, 3)),
    _problem("II.2.42", "Pwr", "kappa*(T2-T1)*A/d",
             ("kappa", 1, 5), ("T1", 1, 5), ("T2", 1, 5), ("A", 1, 5), ("d", 1, 5)),
    _problem("II.3.24", "flux", "Pwr/(4*pi*r**2)",
             ("Pwr", 1, 5), ("r", 1, 5)),
    _problem("II.4.23", "Volt", "q/(4*pi*epsilon*r)",
             ("q", 1, 5), ("epsilon", 1, 5), ("r", 1, 5)),
    _problem("II.6.11", "Volt", "1/(4*pi*epsilon)*p_d*cos(theta)/r**2",
             ("epsilon", 1, 3), ("p_d", 1, 3), ("theta", 1, 3), ("r", 1, 3)),
    _problem("II.6.15a", "Ef", "p_d/(4*pi*epsilon)*3*z/r**5*sqrt(x**2+y**2)",
             ("epsilon", 1, 3), ("p_d", 1, 3), ("r", 1, 3), ("x", 1, 3), ("y", 1, 3), ("z", 1, 3)),
    _problem("II.6.15b", "Ef", "p_d/(4*pi*epsilon)*3*cos(theta)*sin(theta)/r**3",
             ("epsilon", 1, 3), ("p_d", 1, 3), ("theta", 1, 3), ("r", 1, 3)),
    _problem("II.8.7", "E_n", "3/5*q**2/(4*pi*epsilon*d)",
             ("q", 1, 5), ("epsilon", 1, 5), ("d", 1, 5)),
    _problem("II.8.31", "E_den", "epsilon*Ef**2/2",
             ("epsilon", 1, 5), ("Ef", 1, 5)),
    _problem("II.10.9", "Ef", "sigma_den/epsilon*1/(1+chi)",
             ("sigma_den", 1, 5), ("epsilon", 1, 5), ("chi", 1, 5)),
    _problem("II.11.3", "x", "q*Ef/(m*(omega_0**2-omega**2))",
             ("q", 1, 3), ("Ef", 1, 3), ("m", 1, 3), ("omega_0", 3, 5), ("omega", 1, 2)),
    _problem("II.11.17", "n", "n_0*(1+p_d*Ef*cos(theta)/(kb*T))",
             ("n_0", 1, 3), ("kb", 1, 3), ("T", 1, 3), ("theta", 1, 3), ("p_d", 1, 3),
             ("Ef", 1, 3)),
    _problem("II.11.20", "Pol", "n_rho*p_d**2*Ef/(3*kb*T)",
             ("n_rho", 1, 5), ("p_d", 1, 5), ("Ef", 1, 5), ("kb", 1, 5), ("T", 1, 5)),
    _problem("II.11.27", "Pol", "n*alpha/(1-(n*alpha/3))*epsilon*Ef",
             ("n", 0, 1), ("alpha", 0, 1), ("epsilon", 1, 2), ("Ef", 1, 2)),
    _problem("II.11.28", "theta", "1+n*alpha/(1-(n*alpha/3))",
             ("n", 0, 1), ("alpha", 0, 1)),
    _problem("II.13.17", "B", "1/(4*pi*epsilon*c**2)*2*I/r",
             ("epsilon", 1, 5), ("c", 1, 5), ("I", 1, 5), ("r", 1, 5)),
    _problem("II.13.23", "rho_c", "rho_c_0/sqrt(1-v**2/c**2)",
             ("rho_c_0", 1, 5), ("v", 1, 2), ("c", 3, 10)),
    _problem("II.13.34", "j", "rho_c_0*v/sqrt(1-v**2/c**2)",
             ("rho_c_0", 1, 5), ("v", 1, 2), ("c", 3, 10)),
    _problem("II.15.4", "E_n", "-mom*B*cos(theta)",
             ("mom", 1, 5), ("B", 1, 5), ("theta", 1, 5)),
    _problem("II.15.5", "E_n", "-p_d*Ef*cos(theta)",
             ("p_d", 1, 5), ("Ef", 1, 5), ("theta", 1, 5)),
    _problem("II.21.32", "Volt", "q/(4*pi*epsilon*r*(1-v/c))",
             ("q", 1, 5), ("epsilon", 1, 5), ("r", 1, 5), ("v", 1, 2), ("c", 3, 10)),
    _problem("II.24.17", "k", "sqrt(omega**2/c**2-pi**2/d**2)",
             ("omega", 4, 6), ("c", 1, 2), ("d", 2, 4)),
    _problem("II.27.16", "flux", "epsilon*c*Ef**2",
             ("epsilon", 1, 5), ("c", 1, 5), ("Ef", 1, 5)),
    _problem("II.27.18", "E_den", "epsilon*Ef**2",
             ("epsilon", 1, 5), ("Ef", 1, 5)),
    _problem("II.34.2a", "I", "q*v/(2*pi*r)",
             ("q", 1, 5), ("v", 1, 5), ("r", 1, 5)),
    _problem("II.34.2", "mom", "q*v*r/2",
             ("q", 1, 5), ("v", 1, 5), ("r", 1, 5)),
    _problem("II.34.11", "omega", "g_*q*B/(2*m)",
             ("g_", 1, 5), ("q", 1, 5), ("B", 1, 5), ("m", 1, 5)),
    _problem("II.34.29a", "mom", "q*h/(4*pi*m)",
             ("q", 1, 5), ("h", 1, 5), ("m", 1, 5)),
    _problem("II.34.29b", "E_n", "g_*mom*B*Jz/(h/(2*pi))",
             ("g_", 1, 5), ("h", 1, 5), ("Jz", 1, 5), ("mom", 1, 5), ("B", 1, 5)),
    _problem("II.35.18", "n", "n_0/(exp(mom*B/(kb*T))+exp(-mom*B/(kb*T)))",
             ("n_0", 1, 3), ("kb", 1, 3), ("T", 1, 3), ("mom", 1, 3), ("B", 1, 3)),
    _problem("II.35.21", "M", "n_rho*mom*tanh(mom*B/(kb*T))",
             ("n_rho", 1, 5), ("mom", 1, 5), ("B", 1, 5), ("kb", 1, 5), ("T", 1, 5)),
    _problem("II.36.38", "f", "mom*H/(kb*T)+(mom*alpha)/(epsilon*c**2*kb*T)*M",
             ("mom", 1, 3), ("H", 1, 3), ("kb", 1, 3), ("T", 1, 3), ("alpha", 1, 3),
             ("epsilon", 1, 3), ("c", 1, 3), ("M", 1, 3)),
    _problem("II.37.1", "E_n", "mom*(1+chi)*B",
             ("mom", 1, 5), ("B", 1, 5), ("chi", 1, 5)),
    _problem("II.38.3", "F", "Y*A*x/d",
             ("Y", 1, 5), ("A", 1, 5), ("d", 1, 5), ("x", 1, 5)),
    _problem("II.38.14", "mu_S", "Y/(2*(1+sigma))",
             ("Y", 1, 5), ("sigma", 1, 5)),
    _problem("III.4.32", "n", "1/(exp((h/(2*pi))*omega/(kb*T))-1)",
             ("h", 1, 5), ("omega", 1, 5), ("kb", 1, 5), ("T", 1, 5)),
    _problem("III.4.33", "E_n", "(h/(2*pi))*omega/(exp((h/(2*pi))*omega/(kb*T))-1)",
             ("h", 1, 5), ("omega", 1, 5), ("kb", 1, 5), ("T", 1, 5)),
    _problem("III.7.38", "omega", "2*mom*B/(h/(2*pi))",
             ("mom", 1, 5), ("B", 1, 5), ("h", 1, 5)),
    _problem("III.8.54", "prob", "sin(E_n*t/(h/(2*pi)))**2",
             ("E_n", 1, 2), ("t", 1, 2), ("h", 1, 4)),
    _problem("III.9.52", "prob",
             "(p_d*Ef*t/(h/(2*pi)))*sin((omega-omega_0)*t/2)**2/((omega-omega_0)*t/2)**2",
             ("p_d", 1, 3), ("Ef", 1, 3), ("t", 1, 3), ("h", 1, 3), ("omega", 1, 5),
             ("omega_0", 1, 5)),
    _problem("III.10.19", "E_n", "mom*sqrt(Bx**2+By**2+Bz**2)",
             ("mom", 1, 5), ("Bx", 1, 5), ("By", 1, 5), ("Bz", 1, 5)),
    _problem("III.12.43", "L", "n*(h/(2*pi))",
             ("n", 1, 5), ("h", 1, 5)),
    _problem("III.13.18", "v", "2*E_n*d**2*k/(h/(2*pi))",
             ("E_n", 1, 5), ("d", 1, 5), ("k", 1, 5), ("h", 1, 5)),
    _problem("III.14.14", "I", "I_0*(exp(q*Volt/(kb*T))-1)",
             ("I_0", 1, 5), ("q", 1, 2), ("Volt", 1, 2), ("kb", 1, 2), ("T", 1, 2)),
    _problem("III.15.12", "E_n", "2*U*(1-cos(k*d))",
             ("U", 1, 5), ("k", 1, 5), ("d", 1, 5)),
    _problem("III.15.14", "m", "(h/(2*pi))**2/(2*E_n*d**2)",
             ("h", 1, 5), ("E_n", 1, 5), ("d", 1, 5)),
    _problem("III.15.27", "k", "2*pi*alpha/(n*d)",
             ("alpha", 1, 5), ("n", 1, 5), ("d", 1, 5)),
    _problem("III.17.37", "f", "beta*(1+alpha*cos(theta))",
             ("beta", 1, 5), ("alpha", 1, 5), ("theta", 1, 5)),
    _problem("III.19.51", "E_n", "-m*q**4/(2*(4*pi*epsilon)**2*(h/(2*pi))**2)*(1/n**2)",
             ("m", 1, 5), ("q", 1, 5), ("h", 1, 5), ("n", 1, 5), ("epsilon", 1, 5)),
    _problem("III.21.20", "j", "-rho_c_0*q*A_vec/m",
             ("rho_c_0", 1, 5), ("q", 1, 5), ("A_vec", 1, 5), ("m", 1, 5)),
)

EXCLUDED: dict[str, str] = {
    "I.26.2": "uses arcsin; SRBench's results collation drops it (with I.30.5 and bonus test_10) "
              "without a stated reason. Its data is finite: |n*sin(theta2)| <= 1 on these ranges",
    "I.30.5": "uses arcsin; SRBench's results collation drops it (with I.26.2 and bonus test_10) "
              "without a stated reason. Its data is finite: lambd/(n*d) <= 1 on these ranges",
    "II.11.17": "not in PMLB, SRBench's data source: its data file (equation 62) is missing from "
                "the AI Feynman database (PMLB pull request #145); the formula itself is sound",
}

FEYNMAN: tuple[FeynmanProblem, ...] = tuple(p for p in ALL_PROBLEMS if p.name not in EXCLUDED)

_BY_NAME = {p.name: p for p in ALL_PROBLEMS}
