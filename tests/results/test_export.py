"""Exports of a formula (NumPy function, PyTorch module) agree with Formula.predict."""

import copy
import dataclasses
import io

import numpy as np
import pandas as pd
import pytest
import sympy
import torch

from support import ERF, erf_data, relativity_data

from lawfinder import DataError, LawfinderError, LawRegressor, UserOperator
from lawfinder.results.formula import Formula
from lawfinder.language.library import build_library
from lawfinder.units.scaling import Frame
from lawfinder.units.dimension import DIMENSIONLESS

OPERATORS = ["add", "sub", "mul", "div", "neg", "inv", "n2", "n3", "sqrt", "exp", "log", "sin",
             "cos", "tan", "tanh", "abs", "asin", "acos", "atan", "log10", "pow"]


@pytest.fixture(scope="module")
def model():
    """Newton's law in non-SI units: the exports must convert like predict.

    The pound-force is not a float32 number: a float32 conversion would show."""
    rng = np.random.default_rng(0)
    X = rng.uniform(1, 5, (200, 3))
    y = 6.123 * X[:, 0] * X[:, 1] / X[:, 2] ** 2
    return LawRegressor(free_constants={"G": "m^3/(kg*s^2)", "k": "1"}, max_evals=300,
                        batch_size=100, random_state=1).fit(
        X, y, names=["m1", "m2", "r"], units=["g", "lb", "km"], target_units="lbf")


@pytest.fixture(scope="module")
def unitless():
    """A library with every operator and a frame over unitless data, built without a search."""
    X = np.random.default_rng(0).uniform(0.5, 1.5, (50, 3))
    library = build_library(OPERATORS, [(name, DIMENSIONLESS) for name in "tuv"],
                            {"a": DIMENSIONLESS, "b": DIMENSIONLESS}, ["1", "pi"])
    frame = Frame.fit(X, X.sum(axis=1), [DIMENSIONLESS] * 3, [1.0] * 3, DIMENSIONLESS, 1.0,
                      [DIMENSIONLESS] * 2, [1.0] * 2)
    return library, frame


# Every operator, pi and 1, and formulas without inputs (the exports must broadcast those).
HAND_WRITTEN = [
    ["add", "t", "mul", "a", "u"],
    ["sub", "exp", "neg", "t", "log", "u"],
    ["div", "sin", "u", "cos", "v"],
    ["mul", "tan", "t", "tanh", "v"],
    ["sqrt", "abs", "sub", "t", "u"],
    ["add", "asin", "mul", "a", "t", "acos", "mul", "b", "u"],
    ["sub", "atan", "t", "log10", "v"],
    ["n3", "inv", "add", "b", "v"],
    ["pow", "t", "mul", "a", "u"],
    ["n2", "mul", "pi", "t"],
    ["add", "a", "b"],
    ["pi"],
    ["1"],
]


@pytest.fixture
def X():
    return np.random.default_rng(5).uniform(0.5, 1.5, (300, 3))


def _formula(model, names, scaled_constants):
    """A formula written by hand as prefix token names, with the given scaled constants."""
    library = model.library_
    return Formula(tuple(library.index[n] for n in names), library, model.frame_,
                   np.array(scaled_constants, dtype=float), 0.0, float(len(names)))


NEWTON = ["mul", "G", "div", "mul", "m1", "m2", "n2", "r"]


def _agree(exported, predicted):
    np.testing.assert_allclose(exported, predicted, rtol=1e-12, atol=0)


def test_exports_of_the_fitted_front_agree_with_predict(model, X):
    for formula in model.pareto_:
        _agree(formula.to_numpy()(X), formula.predict(X))
        out = formula.to_torch()(torch.tensor(X))
        assert out.shape == (len(X),) and out.dtype == torch.float64
        _agree(out.detach().numpy(), formula.predict(X))


@pytest.mark.parametrize("names", HAND_WRITTEN, ids=" ".join)
def test_exports_of_every_operator_agree_with_predict(unitless, names, X):
    library, frame = unitless
    formula = Formula(tuple(library.index[n] for n in names), library, frame,
                      np.array([0.7, -1.3]), 0.0, float(len(names)))
    _agree(formula.to_numpy()(X), formula.predict(X))
    out = formula.to_torch()(torch.tensor(X))
    assert out.shape == (len(X),)
    _agree(out.detach().numpy(), formula.predict(X))


def test_a_constant_formula_exports_one_value_per_row(model, X):
    formula = _formula(model, ["k"], [1.0, 0.5])
    assert formula.to_numpy()(X).shape == (len(X),)
    _agree(formula.to_numpy()(X), formula.predict(X))
    module = formula.to_torch()
    out = module(torch.tensor(X))
    assert out.shape == (len(X),)
    out.sum().backward()
    assert module.scaled_constants.grad.abs().sum() > 0


def test_torch_constants_are_parameters_that_gradients_reach(model, X):
    formula = _formula(model, NEWTON, [0.8, 1.0])
    module = formula.to_torch()
    assert [name for name, _ in module.named_parameters()] == ["scaled_constants"]
    assert module.constants == pytest.approx(formula.constants, rel=1e-15)
    module(torch.tensor(X)).sum().backward()
    assert torch.isfinite(module.scaled_constants.grad).all()
    assert module.scaled_constants.grad.abs().sum() > 0


def test_torch_module_can_be_fine_tuned(model, X):
    """Start G 50% off; Adam steps on the data bring it back, read in its declared units."""
    true = _formula(model, NEWTON, [1.0, 1.0])
    module = _formula(model, NEWTON, [1.5, 1.0]).to_torch()
    inputs, target = torch.tensor(X), torch.tensor(true.predict(X))
    optimiser = torch.optim.Adam(module.parameters(), lr=0.05)
    for _ in range(300):
        optimiser.zero_grad()
        loss = ((module(inputs) - target) ** 2).mean() / (target ** 2).mean()
        loss.backward()
        optimiser.step()
    assert module.constants["G"] == pytest.approx(true.constants["G"], rel=1e-4)


def test_torch_module_survives_copy_save_and_float32(model, X):
    module = model.best_.to_torch()
    inputs = torch.tensor(X)
    expected = module(inputs)
    assert torch.equal(copy.deepcopy(module)(inputs), expected)
    buffer = io.BytesIO()
    torch.save(module, buffer)
    buffer.seek(0)
    assert torch.equal(torch.load(buffer, weights_only=False)(inputs), expected)
    single = copy.deepcopy(module).float()
    out = single(inputs.float())
    assert out.dtype == torch.float32
    np.testing.assert_allclose(out.detach().numpy(), expected.detach().numpy(), rtol=1e-4)
    assert str(model.best_.sympy()) in repr(module)


def test_exports_refuse_inputs_of_the_wrong_shape(model, X):
    with pytest.raises(DataError, match=r"\(n_samples, 3\)"):
        model.best_.to_numpy()(X[:, :2])
    with pytest.raises(DataError, match=r"\(n_samples, 3\)"):
        model.best_.to_torch()(torch.tensor(X[0]))


def test_a_name_like_a_generated_call_does_not_break_the_export():
    """lambdify writes calls such as pow(x, 3/2) and abs(x): constants so named must not
    shadow them."""
    X = np.random.default_rng(2).uniform(1, 4, (100, 2))
    model = LawRegressor(operators=["mul", "sqrt", "n3"], free_constants=["pow", "abs"],
                         max_evals=200, batch_size=50, random_state=0).fit(X, X[:, 0] * X[:, 1])
    formula = _formula(model, ["mul", "pow", "mul", "abs", "sqrt", "n3", "x0"], [2.0, -3.0])
    _agree(formula.to_numpy()(X), formula.predict(X))
    _agree(formula.to_torch()(torch.tensor(X)).detach().numpy(), formula.predict(X))


def test_a_known_constant_is_a_number_in_the_exports_and_in_sympy(tmp_path):
    """E = m c^2/sqrt(1 - v^2/c^2) with m in g, v in km/h and c = 19.8 m/s: the exports and
    predict compute the physics, c converted like the data."""
    X, y = relativity_data()
    model = LawRegressor(fixed_constants=["1", "c=19.8 m/s"], max_evals=100, batch_size=100,
                         random_state=0, n_jobs=1).fit(
        X, y, names=["m", "v"], units=["g", "km/h"], target_units="J")
    law = _formula(model, ["div", "mul", "m", "n2", "c", "sqrt", "sub", "1",
                           "n2", "div", "v", "c"], [])
    _agree(law.predict(X), y)
    _agree(law.to_numpy()(X), y)
    _agree(law.to_torch()(torch.tensor(X)).detach().numpy(), y)
    m, v, c = sympy.symbols("m v c")
    assert str(law) == "c**2*m/sqrt(1 - v**2/c**2)" and law.constants == {}
    numeric = law.sympy(numeric=True)
    assert numeric.free_symbols == {m, v}
    assert float(numeric.subs({m: 2.0, v: 0.0})) == pytest.approx(2 * 19.8**2)


def test_a_user_operator_exports_through_its_numpy_function_and_torch(erf_model):
    """NumPy: the user's function (erf is no NumPy function); torch: SymPy's torch.erf."""
    X, _ = erf_data(100, seed=4)
    for formula in erf_model.pareto_:
        _agree(formula.to_numpy()(X), formula.predict(X))
        _agree(formula.to_torch()(torch.tensor(X)).detach().numpy(), formula.predict(X))


def test_a_user_operator_without_a_torch_form_is_a_clear_error(erf_model):
    """A SymPy function torch has no counterpart of: NumPy still exports, torch says why."""
    mine = sympy.Function("my_erf")
    my_erf = UserOperator("my_erf", 1, ERF.function, ERF.derivative,
                          lambda a: mine(a) if not a.is_number else sympy.erf(a))
    library = build_library(["mul", my_erf], [("x", DIMENSIONLESS)], {"s": DIMENSIONLESS})
    formula = Formula(tuple(library.index[n] for n in ("my_erf", "mul", "s", "x")), library,
                      erf_model.frame_, np.array([1 / 0.7]), 0.0, 4.0)
    X, y = erf_data(20)
    _agree(formula.to_numpy()(X), formula.predict(X))
    with pytest.raises(LawfinderError, match="torch export cannot compute .* user operators "
                                             "\\['my_erf'\\]; use to_numpy"):
        formula.to_torch()


# Class SR (the `grouped` fit of conftest.py): z = z0 + v0 t - g t^2, g shared, v0 and z0
# one value per dataset, in units that are not SI, so that the per-dataset constants convert.
FREE_FALL = ["add", "z0", "sub", "mul", "v0", "t", "mul", "g", "n2", "t"]
SCALED = [0.9, 0.3, -0.5, 0.8, 0.1, 0.2, -0.15]   # g, then v0 and z0 in datasets 0, 1, 2
LABELS = {"numbers": (10, 20, 30), "strings": ("run a", "run b", "run c")}


def _free_fall(grouped, datasets):
    return dataclasses.replace(_formula(grouped.model, FREE_FALL, SCALED), datasets=datasets)


@pytest.fixture
def rows():
    """Inputs in ms and each row's dataset index, the datasets shuffled among the rows."""
    rng = np.random.default_rng(3)
    return rng.uniform(100, 2000, (40, 1)), rng.permutation(np.arange(40) % 3)


@pytest.mark.parametrize("kind", LABELS)
def test_torch_export_of_a_grouped_law_agrees_with_numpy_and_predict(grouped, rows, kind):
    formula = _free_fall(grouped, LABELS[kind])
    X, codes = rows
    groups = [LABELS[kind][code] for code in codes]
    module = formula.to_torch()
    assert [name for name, _ in module.named_parameters()] == [
        "scaled_constants", "scaled_dataset_constants.0", "scaled_dataset_constants.1"]
    assert module.dataset_names == ("v0", "z0") and module.datasets == LABELS[kind]
    predicted = formula.predict(X, groups=groups)
    _agree(formula.to_numpy()(X, groups), predicted)
    for given in (groups, np.array(groups), torch.tensor(codes), module.dataset_indices(groups)):
        _agree(module(torch.tensor(X), given).detach().numpy(), predicted)
    _agree(copy.deepcopy(module)(torch.tensor(X), groups).detach().numpy(), predicted)
    assert module.constants == pytest.approx(formula.constants, rel=1e-15)
    pd.testing.assert_frame_equal(module.dataset_constants, formula.dataset_constants,
                                  rtol=1e-15)


def test_the_fitted_grouped_front_exports_to_torch(grouped):
    for formula in grouped.model.pareto_:
        out = formula.to_torch()(torch.tensor(grouped.X), grouped.groups)
        _agree(out.detach().numpy(), formula.predict(grouped.X, groups=grouped.groups))


def test_a_gradient_step_moves_only_the_rows_of_the_datasets_it_reaches(grouped, rows):
    module = _free_fall(grouped, LABELS["strings"]).to_torch()
    X, codes = torch.tensor(rows[0]), torch.tensor(rows[1])
    before = module(X, codes).detach()
    module(X[codes == 1], codes[codes == 1]).sum().backward()   # a loss on dataset 1 only
    for values in module.scaled_dataset_constants:
        assert values.grad[1] != 0 and (values.grad[[0, 2]] == 0).all()
    with torch.no_grad():
        for values in module.scaled_dataset_constants:
            values -= 0.1 * values.grad
    after = module(X, codes).detach()
    assert torch.equal(after[codes != 1], before[codes != 1])
    assert (after[codes == 1] != before[codes == 1]).all()


def test_a_grouped_fit_formula_without_per_dataset_constants_needs_no_groups(grouped, rows):
    formula = dataclasses.replace(_formula(grouped.model, ["mul", "g", "n2", "t"], SCALED),
                                  datasets=LABELS["strings"])
    X, codes = rows
    predicted = formula.predict(X, groups=[LABELS["strings"][code] for code in codes])
    _agree(formula.to_torch()(torch.tensor(X)).detach().numpy(), predicted)
    _agree(formula.to_numpy()(X), predicted)


@pytest.mark.parametrize("groups, message", [
    (None, r"constants of each dataset \['v0', 'z0'\]; call the module as module\(X, groups\)"),
    (["run a", "run z", "run b"], "label 'run z', which was not among the datasets"),
    (["run a", "run b"], "groups has 2 labels but X has 3 rows"),
    (torch.tensor([0, 3, 1]), r"dataset index 3, but the law has 3 datasets \(indices 0 to 2"),
    (torch.tensor([0.0, 1.0, 2.0]), "tensor of torch.float32; a tensor gives each row's dataset "
                                    "index as integers"),
    (torch.tensor([[0, 1, 2]]), r"1-D, one dataset index per row, got shape \(1, 3\)"),
])
def test_a_grouped_module_names_missing_or_unknown_datasets(grouped, groups, message):
    module = _free_fall(grouped, LABELS["strings"]).to_torch()
    with pytest.raises(DataError, match=message):
        module(torch.ones(3, 1, dtype=torch.float64), groups)
