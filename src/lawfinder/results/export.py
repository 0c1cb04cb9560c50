"""A found formula as a NumPy function or a PyTorch module, generated from its SymPy form.

Both exports run the formula's SymPy expression (through `sympy.lambdify`) on inputs
rescaled exactly as `Formula.predict` rescales them, with the constants (fitted and
known) in the same well-scaled frame, so they agree with `predict` to rounding. SymPy
simplifies as it builds an expression (sqrt(x)*sqrt(x) becomes x), so outside a formula's
domain, where `predict` gives NaN, an export may give a number.

This module is the one place that needs torch for exports; `Formula` imports it lazily.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import sympy
import torch
from sympy.core.function import AppliedUndef
from torch import nn

from lawfinder.data.groups import dataset_codes
from lawfinder.errors import DataError, LawfinderError
from lawfinder.language.library import Kind, Library

if TYPE_CHECKING:
    from lawfinder.results.formula import Formula


def to_numpy(formula: Formula) -> Callable[..., np.ndarray]:
    """f(X): inputs (n, n_features) in their declared units -> (n,) in the target's units.

    X is a table with the columns in the order of the names given to fit, or a dict or
    DataFrame keyed by those names. A formula with per-dataset constants is f(X, groups):
    each row computed with the constants of its dataset, labelled as in fit.
    """
    function = _lambdify(formula, "numpy")
    constants = formula.scaled_constants[_used_slots(formula)]
    frame, library = formula.frame, formula.library
    names = _input_names(library)
    first = [library.tokens[library.terminal[name]].index for name in formula.dataset_names]

    def law(X: Any, groups: Any = None) -> np.ndarray:
        X = _table(X, names)
        _check_shape(X.shape, len(frame.input_dims))
        codes = _codes(formula, groups, len(X)) if first else None
        per_row = [formula.scaled_constants[k + codes] for k in first]
        with np.errstate(all="ignore"):
            values = function(*frame.inputs(X).T, *constants, *per_row)
        return frame.output(np.broadcast_to(values, len(X)))  # a constant formula gives a scalar

    return law


def _codes(formula: Formula, groups: Any, n_rows: int) -> np.ndarray:
    """Each row's dataset index, for a law with per-dataset constants."""
    if groups is None:
        raise DataError("this law has constants of each dataset; call it as f(X, groups), "
                        "with the dataset label of each row")
    return dataset_codes(groups, formula.datasets, n_rows)


def to_torch(formula: Formula) -> LawModule:
    """The formula as a differentiable `torch.nn.Module`; see `LawModule`."""
    return LawModule(formula)


class LawModule(nn.Module):
    """A formula as a layer: inputs (n, n_features) in their units -> (n,) in the target's.

    The free constants the formula uses form one parameter, `scaled_constants`, in the
    well-scaled frame of the search (values of order one, so that optimisers treat them
    evenly); `constants` gives their current values in the units they were declared in.
    Tensors are float64, like `predict`; `.float()` makes the module float32.
    """

    def __init__(self, formula: Formula):
        super().__init__()
        _refuse_datasets(formula)
        frame = formula.frame
        self.formula = formula
        self._slots = _used_slots(formula)
        self.scaled_constants = nn.Parameter(_float64(formula.scaled_constants[self._slots]))
        # Unit conversions, in the same steps as Frame.inputs and Frame.output.
        conversions = {"input_factors": frame.input_factors,
                       "input_scales": frame.scale_of(frame.input_dims),
                       "output_scale": frame.scale_of([frame.target_dim])[0],
                       "target_factor": frame.target_factor}
        for name, value in conversions.items():
            self.register_buffer(name, _float64(value), persistent=False)
        self._function = _lambdify(formula, "torch")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        _check_shape(X.shape, len(self.input_factors))
        scaled = X.to(self.input_scales.dtype) * self.input_factors / self.input_scales
        values = self._function(*scaled.unbind(dim=1), *self.scaled_constants.unbind())
        values = torch.as_tensor(values, dtype=scaled.dtype, device=scaled.device)
        return values.expand(len(X)) * self.output_scale / self.target_factor

    @property
    def constants(self) -> dict[str, float]:
        """Current values of the constants, in the units they were declared in."""
        scaled = self.formula.scaled_constants.copy()
        scaled[self._slots] = self.scaled_constants.detach().cpu().double().numpy()
        return replace(self.formula, scaled_constants=scaled).constants

    def extra_repr(self) -> str:
        return str(self.formula.sympy())

    def __getstate__(self) -> dict[str, Any]:
        # The generated function cannot be pickled (torch.save, copy.deepcopy): rebuild it.
        state = self.__dict__.copy()
        del state["_function"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._function = _lambdify(self.formula, "torch")


def _lambdify(formula: Formula, module: str) -> Callable[..., Any]:
    """The SymPy expression as a function of (input columns..., used shared constants...,
    used per-dataset constants...)."""
    library = formula.library
    names = (_input_names(library) + [library.free_names[slot] for slot in _used_slots(formula)]
             + formula.dataset_names)
    # lambdify puts every symbol's name into the generated function's namespace, where a
    # constant called pow or abs would hide that function: hand it Dummy symbols instead.
    arguments = [sympy.Dummy(name) for name in names]
    # Known constants (c, G) are numbers in the function, in the scaled units of the inputs.
    known = {sympy.Symbol(name): sympy.Float(library.tokens[library.index[name]].value, 17)
             for name in formula.known_constants}
    expression = formula.sympy().xreplace(dict(zip(map(sympy.Symbol, names), arguments)) | known)
    # Numbers such as pi**2 or sin(1) become floats (17 digits: enough for float64), as
    # torch's functions refuse plain numbers: pow(3.14..., 2) fails.
    expression = expression.evalf(17)
    if module == "numpy":  # a user operator's SymPy function computed by its own NumPy one
        module = [{op.head.__name__: op.function for op in library.user_operators if op.head},
                  module]
    unknown = [f.func.__name__ for f in expression.atoms(AppliedUndef)] if module == "torch" else []
    try:
        if unknown:
            raise NotImplementedError(f"undefined functions {unknown}")
        return sympy.lambdify(arguments, expression, modules=module)
    except NotImplementedError as exc:  # only user operators bring functions torch lacks
        names = [op.name for op in library.user_operators]
        raise LawfinderError(f"the torch export cannot compute this formula: SymPy has no torch "
                             f"form for a function in it ({exc}), from the user operators "
                             f"{names}; use to_numpy(), or give the operator a SymPy form that "
                             "SymPy can write for torch") from None


def _refuse_datasets(formula: Formula) -> None:
    """The torch module's parameters are the shared constants: none per dataset yet."""
    if formula.dataset_names:
        raise LawfinderError("this law has constants of each dataset, which the torch module "
                             "does not take yet; use to_numpy(), whose function takes the "
                             "rows' datasets, or predict(X, groups=...)")


def _input_names(library: Library) -> list[str]:
    """The names of the inputs, in the order of fit's columns."""
    return [t.name for t in library.tokens if t.kind is Kind.VARIABLE]


def _table(X: Any, names: Sequence[str]) -> np.ndarray:
    """X as floats: a table as it is, a dict or DataFrame as its columns `names` in order
    (a DataFrame labelled 0, 1, ..., pandas' default, is a table)."""
    keyed = isinstance(X, Mapping) or (
        isinstance(X, pd.DataFrame) and all(isinstance(label, str) for label in X.columns))
    if not keyed:
        return np.asarray(X, dtype=float)
    missing = [name for name in names if name not in X]
    if missing:
        raise DataError(f"the inputs lack {missing}; the law takes {list(names)}, as columns "
                        "in that order or keyed by those names")
    return np.column_stack([np.asarray(X[name], dtype=float) for name in names])


def _float64(values: Any) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


def _used_slots(formula: Formula) -> list[int]:
    """Slots of the shared free constants that appear in the formula, in library order."""
    used, library = set(formula.tokens), formula.library
    return [slot for slot, token in enumerate(library.free)
            if token in used and library.shared[slot]]



def _check_shape(shape: Sequence[int], n_features: int) -> None:
    if len(shape) != 2 or shape[1] != n_features:
        raise DataError(f"the inputs have shape {tuple(shape)}, but the law takes "
                        f"(n_samples, {n_features}); pass one column per input, in the order "
                        "of the names given to fit")
