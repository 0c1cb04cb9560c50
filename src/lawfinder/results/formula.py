"""A found law: its tokens, fitted constants in the user's units, and its exports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import sympy

from lawfinder.fit.closed_form import closed_form
from lawfinder.evaluate.prefix import evaluate, to_sympy, to_text
from lawfinder.language.library import Library
from lawfinder.units.scaling import Frame

if TYPE_CHECKING:
    from lawfinder.results.export import LawModule


@dataclass(frozen=True, eq=False)
class Formula:
    """One formula of the Pareto front.

    Constants are reported in the units they were declared in; the formula relates
    physical quantities, so with non-SI units (km, g) use `predict`, which converts.
    """

    tokens: tuple[int, ...]
    library: Library
    frame: Frame
    scaled_constants: np.ndarray  # (K,) as the search fitted them
    nrmse: float                  # normalised RMSE on the data it was fitted to
    complexity: float
    found_at: float = 0.0         # seconds into the search when it was first scored

    @property
    def reward(self) -> float:
        return 1.0 / (1.0 + self.nrmse)

    @property
    def constants(self) -> dict[str, float]:
        """Fitted values of the free constants this formula uses, in the user's units."""
        values = self.frame.constants_to_user(self.scaled_constants)
        used = {self.library.names[t] for t in self.tokens}
        return {name: float(v) for name, v in zip(self.library.free_names, values) if name in used}

    def sympy(self, numeric: bool = False) -> sympy.Expr:
        """SymPy expression; constants as symbols, or as their fitted values with `numeric`.

        A dimensionless constant fitted to within 1e-9 of a simple closed form (pi**2, 1/8,
        1/(4*pi), ...) appears in that form (`lawfinder.fit.closed_form`).
        """
        return to_sympy(self.tokens, self.library, self.exact_constants if numeric else None)

    @property
    def exact_constants(self) -> dict[str, float | sympy.Expr]:
        """`constants`, with the dimensionless ones that have a closed form in that form."""
        lib = self.library
        dimensionless = {n for n, d in zip(lib.free_names, lib.free_dimensionless) if d}
        out: dict[str, float | sympy.Expr] = {}
        for name, value in self.constants.items():
            exact = closed_form(value) if name in dimensionless else None
            out[name] = value if exact is None else exact
        return out

    def latex(self, numeric: bool = False) -> str:
        return sympy.latex(self.sympy(numeric))

    def prefix(self) -> str:
        """The formula as the search wrote it, e.g. 'mul(G, div(m1, n2(r)))'."""
        return to_text(self.tokens, self.library)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predictions in the target's units for inputs (N, F) in the inputs' declared units."""
        scaled = self.frame.inputs(np.asarray(X, dtype=float))
        tokens = np.array([self.tokens])
        values, _ = evaluate(tokens, self.library, scaled, self.scaled_constants[None])
        return self.frame.output(values[0])

    def to_numpy(self) -> Callable[[np.ndarray], np.ndarray]:
        """A NumPy function f(X) generated from SymPy that computes what `predict` does."""
        from lawfinder.results.export import to_numpy  # export imports torch

        return to_numpy(self)

    def to_torch(self) -> LawModule:
        """A `torch.nn.Module` computing `predict`, its constants trainable parameters."""
        from lawfinder.results.export import to_torch

        return to_torch(self)

    def __str__(self) -> str:
        return str(self.sympy(numeric=True))

    def __repr__(self) -> str:
        return f"Formula({self.sympy()}, constants={self.constants}, nrmse={self.nrmse:.3g})"
