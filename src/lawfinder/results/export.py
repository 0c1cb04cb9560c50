"""A found formula as a NumPy function or a PyTorch module, generated from its SymPy form.

Both exports run the formula's SymPy expression (through `sympy.lambdify`) on inputs
rescaled exactly as `Formula.predict` rescales them, with the constants (fitted and
known) in the same well-scaled frame, so they agree with `predict` to rounding. SymPy
simplifies as it builds an expression (sqrt(x)*sqrt(x) becomes x), so outside a formula's
domain, where `predict` gives NaN, an export may give a number.

This module is the one place that needs torch for exports; `Formula` imports it lazily and
hands it a `Law`, what the exports compute, so that it never needs to know `Formula`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import sympy
import torch
from sympy.core.function import AppliedUndef
from torch import nn

from lawfinder.data.groups import dataset_codes
from lawfinder.errors import DataError, LawfinderError
from lawfinder.units.scaling import Frame


@dataclass(frozen=True)
class Law:
    """What an export computes: a SymPy expression over the inputs and constants, their
    values in the search's scaled frame, and the frame that converts units around it."""

    expression: sympy.Expr
    inputs: tuple[str, ...]              # input names, in the order of fit's columns
    constants: dict[str, float]          # shared constants it uses: scaled values
    to_user: dict[str, float]            # per constant used, shared or per dataset: scaled
                                         # value -> declared units
    frame: Frame
    dataset_constants: dict[str, np.ndarray] = field(default_factory=dict)  # scaled, (G,) each
    datasets: tuple[Any, ...] = ()       # dataset labels, in the order of those values
    known: dict[str, float] = field(default_factory=dict)   # known constants (c): scaled
    functions: dict[str, Callable[..., np.ndarray]] = field(default_factory=dict)  # the
                                         # NumPy function of each user operator's SymPy head


def to_numpy(law: Law) -> Callable[..., np.ndarray]:
    """f(X): inputs (n, n_features) in their declared units -> (n,) in the target's units.

    X is a table with the columns in the order of the names given to fit, or a dict or
    DataFrame keyed by those names. A law with per-dataset constants is f(X, groups):
    each row computed with the constants of its dataset, labelled as in fit.
    """
    function = _lambdify(law, "numpy")
    frame, per_dataset = law.frame, list(law.dataset_constants.values())

    def computed(X: Any, groups: Any = None) -> np.ndarray:
        X = _table(X, law.inputs)
        _check_shape(X.shape, len(frame.input_dims))
        codes = _codes(law, groups, len(X)) if per_dataset else None
        with np.errstate(all="ignore"):
            values = function(*frame.inputs(X).T, *law.constants.values(),
                              *(values[codes] for values in per_dataset))
        return frame.output(np.broadcast_to(values, len(X)))  # a constant formula gives a scalar

    return computed


def _codes(law: Law, groups: Any, n_rows: int) -> np.ndarray:
    """Each row's dataset index, for a law with per-dataset constants."""
    if groups is None:
        raise DataError("this law has constants of each dataset; call it as f(X, groups), "
                        "with the dataset label of each row")
    return dataset_codes(groups, law.datasets, n_rows)


def to_torch(law: Law) -> LawModule:
    """The law as a differentiable `torch.nn.Module`; see `LawModule`."""
    return LawModule(law)


class LawModule(nn.Module):
    """A formula as a layer: inputs (n, n_features) in their units -> (n,) in the target's.

    The shared free constants the formula uses form one parameter, `scaled_constants`;
    each per-dataset constant is one parameter (G,) of `scaled_dataset_constants`, one
    entry per dataset of `datasets`, in the order of `dataset_names` (a list, not a dict:
    a constant's name may hold a dot, which torch refuses in a parameter's name). All are
    in the well-scaled frame of the search (values of order one, so that optimisers treat
    them evenly); `constants` and `dataset_constants` give them in their declared units.
    Tensors are float64, like `predict`; `.float()` makes the module float32.
    """

    def __init__(self, law: Law):
        super().__init__()
        frame = law.frame
        self.law = law
        self.datasets = law.datasets
        self.dataset_names = tuple(law.dataset_constants)
        self.scaled_constants = nn.Parameter(_float64(list(law.constants.values())))
        self.scaled_dataset_constants = nn.ParameterList(
            [nn.Parameter(_float64(values)) for values in law.dataset_constants.values()])
        # Unit conversions, in the same steps as Frame.inputs and Frame.output.
        conversions = {"input_factors": frame.input_factors,
                       "input_scales": frame.scale_of(frame.input_dims),
                       "output_scale": frame.scale_of([frame.target_dim])[0],
                       "target_factor": frame.target_factor}
        for name, value in conversions.items():
            self.register_buffer(name, _float64(value), persistent=False)
        self._function = _lambdify(law, "torch")

    def forward(self, X: torch.Tensor, groups: Any = None) -> torch.Tensor:
        """The law on X (n, n_features); with per-dataset constants, `groups` gives each
        row's dataset (see `dataset_indices`), and is ignored without them."""
        _check_shape(X.shape, len(self.input_factors))
        scaled = X.to(self.input_scales.dtype) * self.input_factors / self.input_scales
        per_dataset = []
        if self.dataset_names:
            codes = self.dataset_indices(groups).to(scaled.device)   # (n,)
            if len(codes) != len(X):
                raise DataError(f"groups has {len(codes)} labels but X has {len(X)} rows; "
                                "give one dataset label per row")
            per_dataset = [values[codes] for values in self.scaled_dataset_constants]
        values = self._function(*scaled.unbind(dim=1), *self.scaled_constants.unbind(),
                                *per_dataset)
        values = torch.as_tensor(values, dtype=scaled.dtype, device=scaled.device)
        return values.expand(len(X)) * self.output_scale / self.target_factor

    def dataset_indices(self, groups: Any) -> torch.Tensor:
        """Each row's dataset as an index into `datasets`, (n,) int64. `groups` holds the
        labels as given to fit (numbers or strings; a list, array or Series) or, as a
        torch tensor of integers, the indices themselves: convert labels once with this
        method and pass its tensor to every training step."""
        if groups is None:
            raise DataError(f"this law has constants of each dataset {list(self.dataset_names)}; "
                            "call the module as module(X, groups), with the dataset label of "
                            "each row")
        if isinstance(groups, torch.Tensor):
            return _checked_indices(groups, len(self.datasets))
        n_labels = np.shape(groups)[0] if np.ndim(groups) else 0  # a scalar: refused as not 1-D
        return torch.from_numpy(dataset_codes(groups, self.datasets, n_labels))

    @property
    def constants(self) -> dict[str, float]:
        """Current values of the shared constants, in the units they were declared in."""
        scaled = self.scaled_constants.detach().cpu().double().numpy()
        return {name: float(value * self.law.to_user[name])
                for name, value in zip(self.law.constants, scaled)}

    @property
    def dataset_constants(self) -> pd.DataFrame:
        """Current values of the per-dataset constants in their declared units, laid out as
        `Formula.dataset_constants`: one row per dataset label, one column per constant."""
        columns = {name: values.detach().cpu().double().numpy() * self.law.to_user[name]
                   for name, values in zip(self.dataset_names, self.scaled_dataset_constants)}
        return pd.DataFrame(columns, index=pd.Index(list(self.datasets), name="dataset"),
                            columns=list(self.dataset_names), dtype=float)

    def extra_repr(self) -> str:
        return str(self.law.expression)

    def __getstate__(self) -> dict[str, Any]:
        # The generated function cannot be pickled (torch.save, copy.deepcopy): rebuild it.
        state = self.__dict__.copy()
        del state["_function"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._function = _lambdify(self.law, "torch")


def _checked_indices(groups: torch.Tensor, n_datasets: int) -> torch.Tensor:
    """A tensor of dataset indices, checked: 1-D integers, each in [0, n_datasets)."""
    if groups.dtype.is_floating_point or groups.dtype.is_complex or groups.dtype == torch.bool:
        raise DataError(f"groups is a tensor of {groups.dtype}; a tensor gives each row's "
                        "dataset index as integers (module.dataset_indices(labels) makes "
                        "one), or pass the labels as a list or array")
    if groups.ndim != 1:
        raise DataError(f"groups must be 1-D, one dataset index per row, got shape "
                        f"{tuple(groups.shape)}")
    outside = (groups < 0) | (groups >= n_datasets)
    if outside.any():
        raise DataError(f"groups holds the dataset index {int(groups[outside][0])}, but the law "
                        f"has {n_datasets} datasets (indices 0 to {n_datasets - 1}, in the "
                        "order of module.datasets); pass labels, or indices in that range")
    return groups.long()


def _lambdify(law: Law, module: str) -> Callable[..., Any]:
    """The SymPy expression as a function of (input columns..., used shared constants...,
    used per-dataset constants...)."""
    names = [*law.inputs, *law.constants, *law.dataset_constants]
    # lambdify puts every symbol's name into the generated function's namespace, where a
    # constant called pow or abs would hide that function: hand it Dummy symbols instead.
    arguments = [sympy.Dummy(name) for name in names]
    # Known constants (c, G) are numbers in the function, in the scaled units of the inputs.
    known = {sympy.Symbol(name): sympy.Float(value, 17) for name, value in law.known.items()}
    expression = law.expression.xreplace(dict(zip(map(sympy.Symbol, names), arguments)) | known)
    # Numbers such as pi**2 or sin(1) become floats (17 digits: enough for float64), as
    # torch's functions refuse plain numbers: pow(3.14..., 2) fails.
    expression = expression.evalf(17)
    if module == "numpy":  # a user operator's SymPy function computed by its own NumPy one
        module = [law.functions, module]
    unknown = [f.func.__name__ for f in expression.atoms(AppliedUndef)] if module == "torch" else []
    try:
        if unknown:
            raise NotImplementedError(f"undefined functions {unknown}")
        return sympy.lambdify(arguments, expression, modules=module)
    except NotImplementedError as exc:  # only user operators bring functions torch lacks
        raise LawfinderError(f"the torch export cannot compute this formula: SymPy has no torch "
                             f"form for a function in it ({exc}), from the user operators "
                             f"{list(law.functions)}; use to_numpy(), or give the operator a "
                             "SymPy form that SymPy can write for torch") from None


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


def _check_shape(shape: Sequence[int], n_features: int) -> None:
    if len(shape) != 2 or shape[1] != n_features:
        raise DataError(f"the inputs have shape {tuple(shape)}, but the law takes "
                        f"(n_samples, {n_features}); pass one column per input, in the order "
                        "of the names given to fit")
