"""Physical dimensions as exact vectors over the 7 SI base dimensions, parsed with pint."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from lawfinder.errors import UnitsError

BASE_SYMBOLS = ("m", "kg", "s", "A", "K", "mol", "cd")
_PINT_DIMENSIONS = ("[length]", "[mass]", "[time]", "[current]", "[temperature]",
                    "[substance]", "[luminosity]")


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
    registry = _registry()
    try:
        quantity = registry.parse_expression(text.replace("^", "**"))
    except Exception as exc:  # pint raises several unrelated types for bad strings
        raise UnitsError(f"{what}: cannot understand the unit string {text!r} "
                         f"({type(exc).__name__}: {exc}); "
                         "write SI units such as 'kg*m/s^2', 'N', '1/s', or '1' for none") from exc
    units = getattr(quantity, "units", None)
    if units is not None and registry.Quantity(0.0, units).to_base_units().magnitude != 0:
        raise UnitsError(f"{what}: {text!r} is an offset unit (its zero is not a physical zero); "
                         "convert the column to an absolute unit such as K")
    dimension, factor = from_pint(quantity, what=what)
    return dimension, factor * float(getattr(quantity, "magnitude", 1.0))


def from_pint(units: Any, *, what: str = "units") -> tuple[Dimension, float]:
    """Dimension and SI factor of a pint Unit, or of the units of a pint Quantity."""
    registry = _registry()
    units = getattr(units, "units", units)
    try:
        base = registry.Quantity(1.0, units).to_base_units()
    except Exception as exc:  # pint's errors for foreign objects vary
        raise UnitsError(f"{what}: cannot convert {units!r} to SI base units ({exc})") from exc
    dims = base.dimensionality
    unknown = set(dims) - set(_PINT_DIMENSIONS)
    if unknown:
        raise UnitsError(f"{what}: units {units!r} use dimensions {sorted(unknown)} "
                         "outside the 7 SI base dimensions")
    exponents = tuple(Fraction(dims.get(d, 0)).limit_denominator(64) for d in _PINT_DIMENSIONS)
    return Dimension(exponents), float(base.magnitude)
