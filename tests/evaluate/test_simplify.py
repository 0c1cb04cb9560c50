import pytest
import sympy

from lawfinder.evaluate.prefix import to_sympy
from lawfinder.evaluate.simplify import Untranslatable, simpler_tokens, to_tokens
from lawfinder.language.library import build_library

from support import dim

G, m1, m2, r = sympy.symbols("G m1 m2 r")


def _same(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Equal for positive values of every symbol (the test data are positive)."""
    positive = {s: sympy.Symbol(s.name, positive=True) for s in (a - b).free_symbols}
    return sympy.simplify((a - b).subs(positive)) == 0


@pytest.mark.parametrize("expr", [
    G * m1 * m2 / r**2,
    sympy.sqrt(m1) + m2 - r,
    -sympy.exp(-G * r) * sympy.cos(m1 * r + 1),
    m1 ** sympy.Rational(3, 2) / (r + sympy.pi),
    1 / (m1 * r**3),
    r**4 + m1**5 + m2 ** sympy.Rational(5, 2),
])
def test_tokens_round_trip(expr, newton_library):
    tokens = to_tokens(expr, newton_library)
    assert _same(to_sympy(tokens, newton_library), expr)


@pytest.mark.parametrize("expr", [2 * m1 + r, m1**G, sympy.sinh(m1 / r)])
def test_what_the_library_cannot_write_is_refused(expr, newton_library):
    with pytest.raises(Untranslatable):
        to_tokens(expr, newton_library)


def test_a_roundabout_law_becomes_the_law(newton_library):
    """m2*(G*m1/r^2 + sqrt(G^2*m1^2/r^4)) is 2*G*m1*m2/r^2: the factor 2 goes into G."""
    roundabout = m2 * (G * m1 / r**2 + 1 / sympy.sqrt(r**4 / (G**2 * m1**2)))
    tokens = tuple(to_tokens(roundabout, newton_library))
    shorter = simpler_tokens(tokens, newton_library, {"G", "m1", "m2", "r"})
    assert shorter is not None and len(shorter) < len(tokens)
    assert _same(to_sympy(shorter, newton_library), G * m1 * m2 / r**2)


def test_nothing_shorter_gives_none(newton_library):
    tokens = tuple(to_tokens(G * m1 * m2 / r**2, newton_library))
    assert simpler_tokens(tokens, newton_library, {"G", "m1", "m2", "r"}) is None


def test_factors_that_constants_absorb_are_dropped_inside_functions():
    """cos(2*omega*t + 2*phi) is cos(omega*t + phi) with other constants."""
    from lawfinder.language.library import build_library
    from support import dim

    library = build_library(["add", "mul", "div", "neg", "exp", "cos"], [("t", dim("s"))],
                            {"alpha": dim("1/s"), "omega": dim("1/s"), "phi": dim("1")})
    a, o, p, t = sympy.symbols("alpha omega phi t")
    doubled = ("mul exp neg mul alpha t cos add add mul omega t phi add mul omega t phi").split()
    tokens = tuple(library.index[name] for name in doubled)
    shorter = simpler_tokens(tokens, library, {"alpha", "omega", "phi", "t"})
    assert _same(to_sympy(shorter, library), sympy.exp(-a * t) * sympy.cos(o * t + p))


def test_a_column_named_like_an_operator_is_written_back_as_the_column():
    library = build_library(["mul", "div", "exp"], [("exp", dim("1")), ("x", dim("1"))], {})
    index, column = library.index, library.terminal["exp"]
    roundabout = (index["div"], index["mul"], column, index["x"], index["x"])  # exp*x/x
    assert simpler_tokens(roundabout, library, {"x", "exp"}) == (column,)


def test_fitted_powers_and_user_functions_translate_back():
    """x**c is pow(x, c); erf(...) is the user's erf; x**a*x**b becomes one pow."""
    import numpy as np
    import scipy.special

    from lawfinder import UserOperator
    from lawfinder.language.library import build_library
    from lawfinder.units.dimension import DIMENSIONLESS

    erf = UserOperator("erf", 1, scipy.special.erf,
                       lambda a: 2 / np.sqrt(np.pi) * np.exp(-a**2), sympy.erf)
    library = build_library(["add", "mul", "div", "pow", erf], [("x", DIMENSIONLESS)],
                            {"a": DIMENSIONLESS, "b": DIMENSIONLESS})
    x, a, b = sympy.symbols("x a b")
    for expr in (x**a, sympy.erf(x / a), sympy.erf(x**a) + b):
        assert to_sympy(to_tokens(expr, library), library) == expr
    mine = UserOperator("my_tanh", 1, np.tanh, lambda a: 1 - np.tanh(a)**2, sympy.tanh)
    library_tanh = build_library(["mul", mine], [("x", DIMENSIONLESS)], {"a": DIMENSIONLESS})
    assert to_tokens(sympy.tanh(a * x), library_tanh)[0] == library_tanh.index["my_tanh"]
    twice = tuple(library.index[n] for n in "mul pow x a pow x b".split())
    shorter = simpler_tokens(twice, library, {"x", "a", "b"})
    assert to_sympy(shorter, library) == x ** (a + b)


# Every built-in operator whose SymPy form is one function call or one power of its child.
_WRITTEN_BACK = ["abs", "acos", "asin", "atan", "cos", "exp", "log", "n2", "n3", "sin", "sqrt",
                 "tan", "tanh"]


@pytest.mark.parametrize("name", _WRITTEN_BACK)
def test_each_built_in_function_and_power_is_written_back_as_its_operator(name):
    """The maps from SymPy back to names come from the table: a form made by an operator's
    own SymPy form translates back to that operator."""
    library = build_library(_WRITTEN_BACK, [("x", dim("1"))], {})
    x = sympy.Symbol("x")
    form = library.tokens[library.index[name]].operator.sympy(x)
    assert to_tokens(form, library) == [library.index[name], library.index["x"]]
