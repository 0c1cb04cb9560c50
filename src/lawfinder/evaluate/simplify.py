"""Shorter twins of exact formulas, found by SymPy and written back as tokens.

The policy often first finds a law in a roundabout form (m1*(G*m2/r**2 + sqrt(G**2*m2**2/r**4))
is 2*G*m1*m2/r**2). SymPy simplifies it; numeric factors of products that hold a free
constant are dropped (refitting the constant absorbs them); the result is translated back into the
library's tokens, when they can express it, so the search can refit and keep it.
"""

from __future__ import annotations

import sympy

from lawfinder.language.library import OPERATORS, Library, sympy_head


def _powers() -> dict[sympy.Rational, str]:
    """Built-in operators that are one fixed positive power of their child: x**2 is n2."""
    a = sympy.Symbol("a")
    forms = {name: op.sympy(a) for name, op in OPERATORS.items() if op.arity == 1}
    return {f.exp: name for name, f in forms.items() if f.is_Pow and f.base == a and f.exp > 0}


# Built-in operators by their SymPy forms, read from the table: exp(x) is exp, x**2 n2.
_FUNCTIONS = {head: name for name, op in OPERATORS.items() if (head := sympy_head(op))}
_POWERS = _powers()


class Untranslatable(Exception):
    """The expression needs a token the library lacks (or a number it cannot write)."""


def simpler_tokens(tokens: tuple[int, ...], library: Library,
                   positive: set[str]) -> tuple[int, ...] | None:
    """Tokens of a simplified equivalent of `tokens`, or None if none is shorter.

    Symbols in `positive` (variables whose data are positive, and the free constants:
    the refit decides whether the result still fits) are declared positive to SymPy.
    """
    from lawfinder.evaluate.prefix import to_sympy

    expr = to_sympy(tokens, library)
    assumed = {s: sympy.Symbol(s.name, positive=True) for s in expr.free_symbols
               if s.name in positive}
    simplified = _drop_factor(_rewrite(expr.subs(assumed)), library)
    plain = simplified.subs({v: sympy.Symbol(v.name) for v in simplified.free_symbols})
    try:
        shorter = tuple(to_tokens(plain, library))
    except Untranslatable:
        return None
    return shorter if len(shorter) < len(tokens) else None


def _rewrite(expr: sympy.Expr) -> sympy.Expr:
    """Rational simplification and power collection: what turns roundabout laws into short
    ones. Unlike sympy.simplify it does not search trigonometric identities, whose time
    has no bound, and it runs inside the search loop."""
    return sympy.factor_terms(sympy.powsimp(sympy.cancel(sympy.together(expr))))


def _drop_factor(expr: sympy.Expr, library: Library) -> sympy.Expr:
    """Remove numeric factors of products that hold a free constant (2*omega*t -> omega*t):
    refitting absorbs them, and the refit tells whether the shorter form still holds."""
    free = set(library.free_names)

    def absorbable(node: sympy.Expr) -> bool:
        coefficient, rest = node.as_coeff_Mul()
        return coefficient not in (1, -1) and bool({s.name for s in rest.free_symbols} & free)

    return expr.replace(lambda node: isinstance(node, sympy.Mul) and absorbable(node),
                        lambda node: node.as_coeff_Mul()[1] * sympy.sign(node.as_coeff_Mul()[0]))


def to_tokens(expr: sympy.Expr, library: Library) -> list[int]:
    """Prefix token ids of `expr`; raises Untranslatable if the library cannot write it."""
    if isinstance(expr, sympy.Symbol):
        if expr.name not in library.terminal:
            raise Untranslatable(expr.name)
        return [library.terminal[expr.name]]
    if expr == 1 or expr == sympy.pi:
        return [_token(str(expr), library)]
    if isinstance(expr, sympy.Add):
        return _sum(list(expr.args), library)
    if isinstance(expr, sympy.Mul):
        return _product(expr, library)
    if isinstance(expr, sympy.Pow):
        return _power(expr.base, expr.exp, library)
    for op in library.user_operators:  # erf(x) back to the user's erf
        if op.head is not None and expr.func is op.head and len(expr.args) == op.arity:
            return [_token(op.name, library),
                    *(t for arg in expr.args for t in to_tokens(arg, library))]
    for function, name in _FUNCTIONS.items():
        if isinstance(expr, function):
            return [_token(name, library),
                    *(t for arg in expr.args for t in to_tokens(arg, library))]
    raise Untranslatable(str(expr))


def _token(name: str, library: Library) -> int:
    if name not in library.index:
        raise Untranslatable(name)
    return library.index[name]


def _sum(terms: list[sympy.Expr], library: Library) -> list[int]:
    """Terms folded left; a negated term becomes a subtraction."""
    out = to_tokens(terms[0], library)
    for term in terms[1:]:
        if term.could_extract_minus_sign() and "sub" in library.index:
            out = [_token("sub", library), *out, *to_tokens(-term, library)]
        else:
            out = [_token("add", library), *out, *to_tokens(term, library)]
    return out


def _product(expr: sympy.Mul, library: Library) -> list[int]:
    """Numerator over denominator; a factor -1 becomes neg."""
    coefficient, rest = expr.as_coeff_Mul()
    if coefficient == -1:
        return [_token("neg", library), *to_tokens(rest, library)]
    if coefficient != 1:
        raise Untranslatable(str(coefficient))
    numerator, denominator = sympy.fraction(expr)
    if denominator != 1 and "div" in library.index:
        return [_token("div", library), *to_tokens(numerator, library),
                *to_tokens(denominator, library)]
    if denominator != 1:
        return [_token("mul", library), *to_tokens(numerator, library),
                _token("inv", library), *to_tokens(denominator, library)]
    first, *others = expr.args
    out = to_tokens(first, library)
    for factor in others:
        out = [_token("mul", library), *out, *to_tokens(factor, library)]
    return out


def _power(base: sympy.Expr, exponent: sympy.Expr, library: Library) -> list[int]:
    """base**exponent from inv, n2, n3, sqrt and mul: r**4 is n2(n2(r)), r**(3/2) sqrt(n3(r));
    any other power (x**c) from pow."""
    if not exponent.is_Rational:
        if "pow" not in library.index:
            raise Untranslatable(f"power {exponent}")
        return [_token("pow", library), *to_tokens(base, library), *to_tokens(exponent, library)]
    if exponent < 0:
        return [_token("inv", library), *_power(base, -exponent, library)]
    if exponent == 1:
        return to_tokens(base, library)
    if exponent in _POWERS:
        return [_token(_POWERS[exponent], library), *to_tokens(base, library)]
    if exponent.q == 2:
        return [_token("sqrt", library), *_power(base, exponent * 2, library)]
    if exponent.q != 1:
        raise Untranslatable(f"power {exponent}")
    for root, name in ((2, "n2"), (3, "n3")):
        if exponent % root == 0:
            return [_token(name, library), *_power(base, exponent / root, library)]
    return [_token("mul", library), *to_tokens(base, library), *_power(base, exponent - 1, library)]
