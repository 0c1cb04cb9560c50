"""Physical dimensions as exact vectors over the 7 SI base dimensions, parsed with pint."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from lawfinder.errors import UnitsError

BASE_SYMBOLS = ("m", "kg", "s", "A", "K", "mol", "cd")
_PINT_DIMENSIONS = ("[length]", "[mass]", "[time]", "[current]", "[temperature]",
                    "[substance]", "[luminosity]")
_PINT_BASE_UNITS = ("meter", "kilogram", "second", "ampere", "kelvin", "mole", "candela")


@dataclass(frozen=True)
class Dimension:
    """Exponents of (m, kg, s, A, K, mol, cd); exact rationals so sqrt(m) is m^(1/2)."""

    exponents: tuple[Fraction, ...] = (Fraction(0),) * 7

    def __post_init__(self) -> None:
        if len(self.exponents) != 7:
            raise ValueError(f"a Dimension needs 7 exponents, got {len(self.exponents)}")
        object.__setattr__(self, "exponents", tuple(Fraction(e) for e in self.exponents))

    @classmethod
    def of(cls, **powers: Any) -> Dimension:
        """Build from keyword exponents, e.g. ``Dimension.of(m=1, s=-2)``."""
        unknown = set(powers) - set(BASE_SYMBOLS)
        if unknown:
            raise ValueError(f"unknown base symbols {sorted(unknown)}; use {BASE_SYMBOLS}")
        return cls(tuple(Fraction(powers.get(s, 0)) for s in BASE_SYMBOLS))

    def __mul__(self, other: Dimension) -> Dimension:
        return Dimension(tuple(a + b for a, b in zip(self.exponents, other.exponents)))

    def __truediv__(self, other: Dimension) -> Dimension:
        return Dimension(tuple(a - b for a, b in zip(self.exponents, other.exponents)))

    def __pow__(self, power: int | Fraction) -> Dimension:
        return Dimension(tuple(a * Fraction(power) for a in self.exponents))

    @property
    def is_dimensionless(self) -> bool:
        return all(e == 0 for e in self.exponents)

    def doubled(self) -> tuple[int, ...]:
        """Exponents times two as integers: the compact form the sampler compares."""
        twice = [2 * e for e in self.exponents]
        if any(t.denominator != 1 for t in twice):
            raise UnitsError(f"units {self} have an exponent that is not a multiple of 1/2; "
                             "lawfinder supports integer and half-integer powers only")
        return tuple(int(t) for t in twice)

    def __str__(self) -> str:
        if self.is_dimensionless:
            return "1"
        def part(sym: str, e: Fraction) -> str:
            return sym if e == 1 else f"{sym}^{e}" if e.denominator == 1 else f"{sym}^({e})"
        num = [part(s, e) for s, e in zip(BASE_SYMBOLS, self.exponents) if e > 0]
        den = [part(s, -e) for s, e in zip(BASE_SYMBOLS, self.exponents) if e < 0]
        top = "*".join(num) or "1"
        if not den:
            return top
        bottom = den[0] if len(den) == 1 else "(" + "*".join(den) + ")"
        return f"{top}/{bottom}"


DIMENSIONLESS = Dimension()


@functools.cache
def _registry() -> Any:
    import pint

    return pint.UnitRegistry()


def parse_units(text: str | None, *, what: str = "units") -> tuple[Dimension, float]:
    """Parse a unit string ("N", "m^3/(kg*s^2)", "1") into its dimension and SI factor.

    The factor converts a magnitude in these units to SI base units (km -> 1000).
    ``what`` names the column or constant in error messages.
    """
    if text is None or str(text).strip() in ("", "1", "dimensionless", "-"):
        return DIMENSIONLESS, 1.0
    if not isinstance(text, str):
        raise UnitsError(f"{what}: units must be a string such as 'm/s', got {text!r}")
    try:
        parsed = _registry().parse_expression(text.replace("^", "**"))
        magnitude = float(getattr(parsed, "magnitude", parsed))  # "1e3*m" has magnitude 1000
    except Exception as exc:  # pint raises several unrelated types for bad strings
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else "an incomplete expression"
        raise UnitsError(f"{what}: cannot understand the unit string {text!r} ({reason}); "
                         "write SI units such as 'kg*m/s^2', 'N', '1/s', or '1' for none") from exc
    # A bare number such as "2" parses to an int, not a Quantity: a dimensionless scale.
    dimension, factor = from_pint(parsed, what=what) if hasattr(parsed, "units") else (
        DIMENSIONLESS, 1.0)
    scale = factor * magnitude
    if not (math.isfinite(scale) and scale > 0):
        raise UnitsError(f"{what}: the unit string {text!r} is {scale:g} times SI units; a unit "
                         "must be a positive, finite multiple of SI units, such as 'km' or "
                         "'1e-3*s'")
    return dimension, scale


def pint_definition(name: str, *, what: str = "units") -> tuple[Dimension, float]:
    """Dimension and SI value of one unit or constant pint defines, by any of its names
    ("c", "R_∞", which a unit string cannot hold), of either sign (pint's electron g-factor
    is -2.002...), where a unit string must be a positive multiple of SI units."""
    registry = _registry()
    return from_pint(registry.Unit(registry.get_name(name)), what=what)


def from_pint(units: Any, *, what: str = "units") -> tuple[Dimension, float]:
    """Dimension and SI factor of a pint Unit, or of the units of a pint Quantity.

    The units may come from any pint registry (a user's own, with units of its own):
    they are converted within that registry.
    """
    units = getattr(units, "units", units)
    registry = getattr(units, "_REGISTRY", None) or _registry()
    try:
        one = registry.Quantity(1.0, units)
        unknown = set(one.dimensionality) - set(_PINT_DIMENSIONS)
        if unknown:
            raise UnitsError(f"{what}: units {str(units)!r} use dimensions {sorted(unknown)} "
                             "outside the 7 SI base dimensions")
        powers = [one.dimensionality.get(d, 0) for d in _PINT_DIMENSIONS]
        exponents = tuple(_exponent(power, units, what) for power in powers)
        si = _pint_si_expression(powers)
        factor = float(one.to(si).magnitude)
        offset = float(registry.Quantity(0.0, units).to(si).magnitude)
    except UnitsError:
        raise
    except Exception as exc:  # pint's errors for foreign objects vary
        raise UnitsError(f"{what}: cannot convert {units!r} to SI base units ({exc})") from exc
    if offset != 0:
        raise UnitsError(f"{what}: {str(units)!r} is an offset or logarithmic unit (its zero is "
                         "not a physical zero); convert the column to an absolute, linear unit "
                         "such as K")
    return Dimension(exponents), factor


def _exponent(value: Any, units: Any, what: str) -> Fraction:
    """A pint dimension exponent as an exact fraction (0.5 -> 1/2); finite or a UnitsError."""
    try:
        return Fraction(value).limit_denominator(64)
    except (ValueError, OverflowError, TypeError) as exc:
        raise UnitsError(f"{what}: units {str(units)!r} have the exponent {value!r}; exponents "
                         "must be finite numbers, such as 2 or 0.5") from exc


def _pint_si_expression(powers: list[Any]) -> str:
    """The SI base units with pint's exact powers, in pint's names: "meter**1.0*second**-2.0"."""
    parts = [f"{name}**{float(p)!r}" for name, p in zip(_PINT_BASE_UNITS, powers) if p]
    return "*".join(parts) or "dimensionless"
