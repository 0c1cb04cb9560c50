"""A found law: its tokens, fitted constants in the user's units, and its exports."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import sympy
from sympy.printing.pretty.pretty_symbology import greek_unicode

from lawfinder.data.groups import dataset_codes
from lawfinder.errors import DataError
from lawfinder.fit.closed_form import closed_form
from lawfinder.fit.uncertainty import prediction_std
from lawfinder.evaluate.prefix import evaluate, to_sympy, to_text
from lawfinder.language.known_constants import NUMBERS
from lawfinder.results.html_tables import dataset_table, front_table, mathjax
from lawfinder.language.library import Kind, Library
from lawfinder.results.readable import readable, significant_digits
from lawfinder.units.scaling import Frame

if TYPE_CHECKING:
    from lawfinder.results.export import Law, LawModule

# What SymPy's LaTeX printer leaves as it is in a name: Greek letters typed in Unicode (it
# writes beta as \beta, but β as β), and characters that are markup to LaTeX.
_TEX = {char: sympy.latex(sympy.Symbol(name)) for name, char in greek_unicode.items()}
_TEX.update({char: "\\" + char for char in "#$%&"})
_TEX_CHARACTER = re.compile(f"[{re.escape(''.join(_TEX))}](?=([A-Za-z])?)")


def latex(expr: sympy.Expr) -> str:
    """LaTeX of `expr`, names written as in a paper: beta and β both as \\beta, m_1 as m_{1}."""
    return sympy.latex(expr, symbol_names={s: _name_tex(s) for s in expr.free_symbols})


def _name_tex(symbol: sympy.Symbol) -> str:
    """SymPy's LaTeX of one name, with the characters in `_TEX` replaced."""
    def replace(match: re.Match[str]) -> str:
        tex = _TEX[match[0]]
        return tex + " " if match[1] and tex[-1].isalpha() else tex  # \Delta x, not \Deltax

    return _TEX_CHARACTER.sub(replace, sympy.latex(symbol))


@dataclass(frozen=True, eq=False)
class Formula:
    """One formula of the Pareto front.

    Constants are reported in the units they were declared in, known ones (c, G: the
    `fixed_constants`) in those they were given in; the formula relates physical
    quantities, so with non-SI units (km, g) use `predict`, which converts.
    """

    tokens: tuple[int, ...]
    library: Library
    frame: Frame
    scaled_constants: np.ndarray  # (K,) as the search fitted them
    nrmse: float                  # normalised RMSE on the data it was fitted to
    complexity: float
    found_at: float = 0.0         # seconds into the search when it was first scored
    view: str = "raw"             # the view that wrote it: raw, or a Π basis (`bases_`)
    scaled_covariance: np.ndarray | None = None  # (K, K) of scaled_constants; None: unknown
    errors_from: str = "residuals"  # "y_err": propagated from y_err; "residuals": scaled by
                                    # the residual variance, nothing being known of the noise
    positive_inputs: frozenset[str] = field(default_factory=frozenset)  # inputs whose data
                                    # are all positive, which the printed form may rely on
    bic: float = float("nan")       # Bayesian information criterion on the fit's data, up to
                                    # a term shared by the front (`results.selection.bic`)
    datasets: tuple[Any, ...] = ()  # labels of the datasets fitted (Class SR), in index order

    @property
    def reward(self) -> float:
        return 1.0 / (1.0 + self.nrmse)

    @property
    def constants(self) -> dict[str, float]:
        """Fitted values of the shared free constants this formula uses, in the user's units."""
        values = self.frame.constants_to_user(self.scaled_constants)
        lib = self.library
        return {name: float(v) for name, v, shared in zip(lib.free_names, values, lib.shared)
                if shared and lib.terminal[name] in self.tokens}

    @property
    def known_constants(self) -> dict[str, float]:
        """Values of the known constants this formula uses as symbols (c, G, g=9.80665 m/s^2;
        not 1 and pi), in the units they were given in, SI for pint's; never fitted, so
        not in `constants`."""
        lib = self.library
        return {lib.tokens[t].name: lib.tokens[t].known.value for t in sorted(set(self.tokens))
                if lib.tokens[t].known and lib.tokens[t].name not in NUMBERS}

    @property
    def dataset_names(self) -> list[str]:
        """Names of the per-dataset constants this formula uses, in library order."""
        lib = self.library
        return [name for name in lib.dataset_names if lib.terminal[name] in self.tokens]

    @property
    def dataset_constants(self) -> pd.DataFrame:
        """Fitted values of the per-dataset constants this formula uses, in the user's units:
        one row per dataset label (as given to fit), one column per constant."""
        return self._per_dataset(self.frame.constants_to_user(self.scaled_constants))

    @property
    def dataset_uncertainties(self) -> pd.DataFrame:
        """Standard errors of `dataset_constants`, shaped like it (see `uncertainties`)."""
        if self.scaled_covariance is None:
            return self._per_dataset(np.full(self.library.n_free, np.nan))
        scaled = np.sqrt(np.diag(self.scaled_covariance))
        return self._per_dataset(np.abs(self.frame.constants_to_user(scaled)))

    def _per_dataset(self, values: np.ndarray) -> pd.DataFrame:
        """Slot values (K,) of the per-dataset constants used, as a (datasets, constants) table."""
        lib, used = self.library, self.dataset_names
        first = {name: lib.tokens[lib.terminal[name]].index for name in used}
        columns = {name: values[first[name]:first[name] + lib.n_datasets] for name in used}
        return pd.DataFrame(columns, index=pd.Index(list(self.datasets), name="dataset"),
                            columns=used, dtype=float)

    @property
    def uncertainties(self) -> dict[str, float]:
        """Standard error of each constant in `constants`, in the same units (see
        `errors_from`); 0 for one set to a closed form, NaN where not known (a model file
        written before error bars), inf for one the data do not determine."""
        errors = np.sqrt(np.diag(self.covariance.to_numpy()))
        return dict(zip(self.constants, map(float, errors)))

    @property
    def covariance(self) -> pd.DataFrame:
        """Covariance of the fitted constants, indexed and columned by their names, in the
        units of `constants`."""
        names = list(self.constants)
        slots = [self.library.free_names.index(n) for n in names]
        if self.scaled_covariance is None:
            values = np.full((len(names), len(names)), np.nan)
        else:
            to_user = self.frame.constants_to_user(np.ones(self.library.n_free))[slots]
            with np.errstate(invalid="ignore"):  # inf * 0 off the diagonal of a lost constant
                values = self.scaled_covariance[np.ix_(slots, slots)] * np.outer(to_user, to_user)
        return pd.DataFrame(values, index=names, columns=names)

    def sympy(self, numeric: bool = False) -> sympy.Expr:
        """SymPy expression as a person writes it (`lawfinder.results.readable`), the same
        function on the data; constants as symbols, or with `numeric` as their values: the
        fitted ones in their declared units, the known ones (`known_constants`) in theirs.

        A dimensionless constant fitted to within 1e-9 of a simple closed form (pi**2, 1/8,
        1/(4*pi), ...) appears in that form (`lawfinder.fit.closed_form`).
        """
        if not numeric:
            return self._form
        values = {**self.exact_constants, **self.known_constants}
        return self._with_values({name: value if isinstance(value, sympy.Expr)
                                  else sympy.Float(value) for name, value in values.items()})

    @functools.cached_property
    def _form(self) -> sympy.Expr:
        signs = dict.fromkeys(self.positive_inputs, 1)
        signs.update({name: int(np.sign(value)) for name, value
                      in (self.constants | self.known_constants).items()})
        return readable(to_sympy(self.tokens, self.library), signs)

    def _with_values(self, values: dict[str, sympy.Expr]) -> sympy.Expr:
        return self._form.xreplace({sympy.Symbol(name): v for name, v in values.items()})

    @property
    def exact_constants(self) -> dict[str, float | sympy.Expr]:
        """`constants`, with the dimensionless ones that have a closed form in that form."""
        lib = self.library
        dimensionless = {n for n, d in zip(lib.free_names, lib.free_dimensionless) if d}
        out: dict[str, float | sympy.Expr] = {}
        for name, value in self.constants.items():
            exact = closed_form(value) if name in dimensionless else None
            out[name] = value if exact is None or _reads_as_a_name(exact, lib) else exact
        return out

    def latex(self, numeric: bool = False) -> str:
        """LaTeX of `sympy` (see `latex`): Greek names as Greek letters."""
        return latex(self.sympy(numeric))

    def prefix(self) -> str:
        """The formula as the search wrote it, e.g. 'mul(G, div(m1, n2(r)))'."""
        return to_text(self.tokens, self.library)

    def predict(self, X: np.ndarray, return_std: bool = False, groups: Any = None
                ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Predictions in the target's units for inputs (N, F) in the inputs' declared units;
        with `return_std`, also their standard errors from the constants' covariance.
        A law fitted on several datasets needs each row's dataset label in `groups`."""
        scaled = self._with_datasets(self.frame.inputs(np.asarray(X, dtype=float)), groups)
        tokens = np.array([self.tokens])
        values, _ = evaluate(tokens, self.library, scaled, self.scaled_constants[None])
        if not return_std:
            return self.frame.output(values[0])
        if self.scaled_covariance is None:
            std = np.full(len(scaled), np.nan)
        else:
            std = prediction_std(self.tokens, self.scaled_constants, self.scaled_covariance,
                                 self.library, scaled)
        return self.frame.output(values[0]), np.abs(self.frame.output(std))

    def _with_datasets(self, scaled: np.ndarray, groups: Any) -> np.ndarray:
        """Scaled inputs with each row's dataset index as the last column, if fitted so."""
        if not self.datasets:
            if groups is not None:
                raise DataError("groups was given, but this law was fitted on one dataset "
                                "(fit without groups); leave groups out")
            return scaled
        if groups is None:
            raise DataError(f"this law was fitted on datasets {self.datasets[:10]} with "
                            "constants of their own; pass groups=, the dataset label of "
                            "each row")
        return np.column_stack([scaled, dataset_codes(groups, self.datasets, len(scaled))])

    def to_numpy(self) -> Callable[..., np.ndarray]:
        """A NumPy function f(X) generated from SymPy that computes what `predict` does;
        X is a table in input order, or a dict or DataFrame keyed by the input names. With
        per-dataset constants it is f(X, groups), groups the rows' dataset labels."""
        from lawfinder.results.export import to_numpy  # export imports torch

        return to_numpy(self._law())

    def to_torch(self) -> LawModule:
        """A `torch.nn.Module` computing `predict`, its constants trainable parameters; with
        per-dataset constants it is module(X, groups), groups the rows' dataset labels."""
        from lawfinder.results.export import to_torch

        return to_torch(self._law())

    def _law(self) -> Law:
        """What the exports compute: the readable form, and its numbers in the scaled frame."""
        from lawfinder.results.export import Law

        lib, scaled = self.library, self.scaled_constants
        used = [k for k, t in enumerate(lib.free) if t in self.tokens and lib.shared[k]]
        to_user = self.frame.constants_to_user(np.ones(lib.n_free))
        first = {name: lib.tokens[lib.terminal[name]].index for name in self.dataset_names}
        factors = {lib.free_names[k]: float(to_user[k]) for k in [*used, *first.values()]}
        return Law(self.sympy(), tuple(t.name for t in lib.tokens if t.kind is Kind.VARIABLE),
                   {lib.free_names[k]: float(scaled[k]) for k in used}, factors, self.frame,
                   {name: scaled[k:k + lib.n_datasets] for name, k in first.items()},
                   self.datasets,
                   {name: lib.tokens[lib.terminal[name]].value for name in self.known_constants},
                   {op.head.__name__: op.function for op in lib.user_operators if op.head})

    def __str__(self) -> str:
        """The formula for reading: each fitted number to the digits its standard error
        supports (at most 6); `sympy(numeric=True)` and `constants` keep full precision."""
        errors = self.uncertainties
        return str(self._with_values({
            name: value if isinstance(value, sympy.Expr)
            else sympy.Float(value, significant_digits(value, errors[name]))
            for name, value in self.exact_constants.items()}))

    def __repr__(self) -> str:
        return f"Formula({self.sympy()}, constants={self.constants}, nrmse={self.nrmse:.3g})"

    def _repr_html_(self) -> str:
        """Jupyter's view: a one-row table with the typeset formula and its constants, then
        the table of its per-dataset constants if any, in SI units times the declared
        unit's factor where that is not 1 (a formula does not know the unit strings its
        constants were declared in)."""
        lib, factors = self.library, self.frame.constant_factors
        units = {name: str(dim) if factor == 1 else f"{factor:g} {dim}".removesuffix(" 1")
                 for name, dim, factor in zip(lib.free_names, lib.free_dims, factors)}
        table = front_table([self], None, lambda f: mathjax(f.latex(), str(f.sympy())), units)
        return table + (dataset_table(self, units) if self.dataset_names else "")


def _reads_as_a_name(form: sympy.Expr, library: Library) -> bool:
    """Whether a closed form holds a number (pi) printed like an input or free constant of
    the library: beside a column named pi, a constant shown as pi would read as the column."""
    names = {t.name for t in library.tokens if t.kind is not Kind.FIXED and not t.arity}
    return any(str(number) in names for number in form.atoms(sympy.NumberSymbol))
