"""Known constants: numbers and physical constants that formulas use with their exact values.

Each item of `fixed_constants` is one of

- a pure number lawfinder knows: "1", "pi";
- a name with a value and units: "g=9.80665 m/s^2", "c=19.8 m/s", "k=2.5" (dimensionless);
- the name of a physical constant pint defines ("speed_of_light", "planck_constant",
  "boltzmann_constant", ...), or one of its short names ("c", "G", "h", "hbar", "k_B", ...).

In formulas a known constant is the symbol it is named by, its value never fitted. Units
and pint's constants are read by `lawfinder.units.dimension`, as the data's units are.
"""

from __future__ import annotations

import difflib
import functools
import importlib.resources
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lawfinder.errors import LawfinderError, UnitsError
from lawfinder.units.dimension import DIMENSIONLESS, Dimension, parse_units, pint_definition

if TYPE_CHECKING:
    from lawfinder.data.problem import Problem

# Pure numbers, printed as SymPy's own (1, pi) rather than as symbols.
NUMBERS = {"1": 1.0, "pi": math.pi}
# Short names of pint's constants, as physicists write them; pint itself knows some of
# them under other meanings ("h" is the hour, "G" the gauss) or not at all.
ALIASES = {
    "c": "speed_of_light", "G": "gravitational_constant", "h": "planck_constant",
    "hbar": "dirac_constant", "k_B": "boltzmann_constant", "e": "elementary_charge",
    "epsilon_0": "vacuum_permittivity", "mu_0": "vacuum_permeability",
    "N_A": "avogadro_constant", "R": "molar_gas_constant", "m_e": "electron_mass",
    "m_p": "proton_mass", "g_n": "standard_gravity", "sigma_SB": "stefan_boltzmann_constant",
    "alpha": "fine_structure_constant",
}
_EXAMPLE = "['1', 'pi', 'c', 'g=9.80665 m/s^2']"
# "value units": a number at the start, then the units, perhaps after a "*".
_VALUE = re.compile(r"\s*(?P<value>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
                    r"(?:\s*\*\s*|\s+|$)(?P<units>.*)")


@dataclass(frozen=True)
class KnownConstant:
    """A constant whose value is known: its name in formulas, its value in `units` (SI
    for pint's constants), and those units' dimension and SI factor."""

    name: str
    value: float
    units: str = "1"
    dim: Dimension = DIMENSIONLESS
    factor: float = 1.0  # SI value of one `units`

    @property
    def si(self) -> float:
        """The value in SI base units."""
        return self.value * self.factor

    @property
    def is_number(self) -> bool:
        """Whether it is a pure number (dimensionless), not a physical quantity."""
        return self.dim.is_dimensionless

    def spec(self) -> str:
        """The item of `fixed_constants` that gives this constant back: "c=19.8 m/s"."""
        if self.name in NUMBERS:
            return self.name
        return f"{self.name}={self.value!r}" + ("" if self.units == "1" else f" {self.units}")


NUMBER_CONSTANTS = {name: KnownConstant(name, value) for name, value in NUMBERS.items()}


def known_constants(items: Any) -> tuple[KnownConstant, ...]:
    """The `fixed_constants` setting read into known constants, each name once."""
    if isinstance(items, str) or not isinstance(items, Iterable):
        raise LawfinderError(f"fixed_constants must be a list such as {_EXAMPLE}, got {items!r}")
    constants: dict[str, tuple[KnownConstant, Any]] = {}
    for item in items:
        constant = item if isinstance(item, KnownConstant) else known_constant(item)
        if constant.name in constants:
            raise LawfinderError(f"fixed constant {constant.name!r} is given twice "
                                 f"({constants[constant.name][1]!r} and {item!r}); give "
                                 "each name once")
        constants[constant.name] = (constant, item)
    return tuple(constant for constant, _ in constants.values())


def known_constant(item: Any) -> KnownConstant:
    """One item of `fixed_constants`: "pi", "c", "speed_of_light" or "g=9.80665 m/s^2"."""
    if not isinstance(item, str) or not item.strip():
        raise LawfinderError(f"fixed_constants must be a list of texts such as {_EXAMPLE}, "
                             f"but it holds {item!r}")
    name, sep, rest = (part.strip() for part in item.partition("="))
    if not sep:
        return NUMBER_CONSTANTS.get(name) or pint_constant(name)
    if not name:
        raise LawfinderError(f"fixed constant {item!r} has no name before '='; write "
                             "'name=value units', e.g. 'g=9.80665 m/s^2'")
    if name in NUMBERS:
        raise LawfinderError(f"fixed constant {item!r}: {name!r} is the number {name} and "
                             "cannot take another value; give your constant another name")
    match = _VALUE.fullmatch(rest)
    if match is None:
        value = rest.split()[0] if rest else rest
        raise LawfinderError(f"fixed constant {item!r}: the value {value!r} is not a number; "
                             "write the value, then its units, e.g. "
                             f"'{name}=1.5 m/s' ('{name}=2.5' for a pure number)")
    value = float(match["value"])
    if not (math.isfinite(value) and value != 0):
        raise LawfinderError(f"fixed constant {item!r}: its value must be a finite, nonzero "
                             f"number, not {match['value']}")
    units = match["units"].strip() or "1"
    dim, factor = parse_units(units, what=f"fixed constant {item!r}")
    return KnownConstant(name, value, units, dim, factor)


def pint_constant(name: str) -> KnownConstant:
    """A physical constant pint defines, by its name or a short name (`ALIASES`), with its
    SI value; a LawfinderError with close names when pint has no constant of that name."""
    pint_name = ALIASES.get(name, name)
    if pint_name not in pint_constant_names():
        close = difflib.get_close_matches(name, [*NUMBERS, *ALIASES, *pint_constant_names()],
                                          n=4, cutoff=0.6)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise LawfinderError(f"unknown fixed constant {name!r}: neither a number lawfinder "
                             f"knows ({', '.join(NUMBERS)}) nor a physical constant pint "
                             f"defines.{hint} Or give its value and units, e.g. "
                             f"'{name}=1.5 m/s'")
    dim, si = pint_definition(pint_name, what=f"fixed constant {name!r}")
    return KnownConstant(name, si, str(dim), dim, 1.0)


@functools.cache
def pint_constant_names() -> frozenset[str]:
    """Names and aliases of the constants pint defines in its constants file, the one
    list that tells its constants ("g_0") from its units ("g", the gram)."""
    text = importlib.resources.files("pint").joinpath("constants_en.txt").read_text("utf-8")
    names: set[str] = set()
    for line in text.splitlines():
        definition = line.split("#", 1)[0]
        if "=" in definition and not definition.lstrip().startswith("@"):
            name, _, *aliases = definition.split("=")  # name = definition = alias = ...
            names |= {name.strip(), *(alias.strip() for alias in aliases)}
    return frozenset(names - {"", "_"})


def check_fixed_constants(constants: Sequence[KnownConstant], problem: Problem) -> None:
    """Refuse a fixed constant requested by the name of an input: in formulas the column of
    that name wins (a column called pi is that variable, not 3.14159, and one called c is
    not the speed of light); and one with units when the data have none."""
    for constant in constants:
        name = constant.name
        if name in problem.names:
            raise LawfinderError(f"fixed constant {name!r} is requested in fixed_constants, but "
                                 f"the input column {name!r} has that name too, and in formulas "
                                 f"{name!r} is the column; drop {name!r} from fixed_constants "
                                 "or rename the column")
        if not (problem.has_units or constant.is_number):
            raise UnitsError(f"fixed constant {name!r} has units {constant.units!r} but the data "
                             "have none; give units for the columns (units=..., target_units="
                             "...) or drop it from fixed_constants")
