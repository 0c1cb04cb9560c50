"""The Buckingham-Pi basis: a sympy reference check on random matrices, and hand-derived laws."""

import random
from fractions import Fraction

import pytest
import sympy
from sympy.matrices.normalforms import smith_normal_decomp

from lawfinder.units.buckingham import PiBasis, monomial_text, pi_bases

BASE = ("kg", "m", "s", "K")


def dim(**powers: int) -> tuple[Fraction, ...]:
    """Dimension vector over (kg, m, s, K), e.g. dim(m=1, s=-1) for a speed."""
    return tuple(Fraction(powers.get(b, 0)) for b in BASE)


def dimension_of(exponents: dict, quantities: list) -> tuple[Fraction, ...]:
    vectors = {name: vec for name, vec, _ in quantities}
    length = len(quantities[0][1])
    return tuple(sum((e * vectors[n][i] for n, e in exponents.items()), Fraction(0))
                 for i in range(length))


def negated(exponents: dict) -> dict:
    return {n: -e for n, e in exponents.items()}


def assert_group(groups: tuple, expected: dict) -> None:
    assert expected in groups or negated(expected) in groups, groups


# --- outside reference: sympy rank / exact dimension checks on random matrices ---------


def random_problem(seed: int):
    rng = random.Random(seed)
    n_dims, n = rng.randint(1, 3), rng.randint(1, 6)
    quantities = [(f"q{i}", tuple(Fraction(rng.randint(-2, 2)) for _ in range(n_dims)),
                   rng.random() < 0.4) for i in range(n)]
    if rng.random() < 0.6:  # a target in the span
        target = tuple(sum((rng.randint(-2, 2) * vec[r] for _, vec, _ in quantities), Fraction(0))
                       for r in range(n_dims))
    else:  # often fractional exponents or not in the span
        target = tuple(Fraction(rng.randint(-2, 2)) for _ in range(n_dims))
    return target, quantities


def integer_solvable(matrix: sympy.Matrix, rhs: sympy.Matrix) -> bool:
    """Reference via the Smith normal form S = U @ matrix @ V: matrix @ x = rhs has an
    integer solution iff each (U @ rhs)_i is divisible by s_i (zero where s_i is 0)."""
    smith, u, _ = smith_normal_decomp(matrix)
    ub = u * rhs
    diagonal = [smith[i, i] if i < smith.cols else 0 for i in range(smith.rows)]
    return all((b == 0) if s == 0 else (b % s == 0) for s, b in zip(diagonal, ub))


@pytest.mark.parametrize("seed", range(80))
def test_random_matrices_against_sympy_reference(seed):
    target, quantities = random_problem(seed)
    names = [name for name, _, _ in quantities]
    matrix = sympy.Matrix([[vec[r] for _, vec, _ in quantities] for r in range(len(target))])
    rhs = sympy.Matrix(target)
    bases = pi_bases(target, quantities)
    assert bool(bases) == integer_solvable(matrix, 2 * rhs)  # exponents in multiples of 1/2
    if bases and integer_solvable(matrix, rhs):
        assert all(Fraction(e).denominator == 1 for e in bases[0].prefactor.values())
    k = len(quantities) - matrix.rank()
    for basis in bases:
        assert len(basis.groups) == k
        if k:
            assert sympy.Matrix([[g.get(n, 0) for n in names] for g in basis.groups]).rank() == k
        for group in basis.groups:
            exponents = sympy.Matrix([group.get(n, 0) for n in names])
            assert matrix * exponents == sympy.zeros(len(target), 1)  # dimensionless
            assert all(Fraction(e).denominator == 1 for e in group.values())
        assert dimension_of(basis.prefactor, quantities) == tuple(target)
        assert all(Fraction(e).denominator <= 2 for e in basis.prefactor.values())
    assert len({tuple(sorted(b.prefactor.items())) for b in bases}) == len(bases)  # distinct P


# --- hand-derived Feynman-style laws ----------------------------------------------------


def test_einstein_energy():
    quantities = [("m", dim(kg=1), False), ("v", dim(m=1, s=-1), False),
                  ("c", dim(m=1, s=-1), True)]
    bases = pi_bases(dim(kg=1, m=2, s=-2), quantities)
    assert bases[0].groups == ({"v": 1, "c": -1},)
    assert bases[0].prefactor == {"m": 1, "c": 2}
    assert str(bases[0]) == "P = m*c**2; Π1 = v/c"
    assert len(bases) == 3 and all(b.groups == bases[0].groups for b in bases)
    assert all(dimension_of(b.prefactor, quantities) == dim(kg=1, m=2, s=-2) for b in bases)


def test_newton_gravity():
    quantities = [("m1", dim(kg=1), False), ("m2", dim(kg=1), False), ("r", dim(m=1), False),
                  ("G", dim(kg=-1, m=3, s=-2), True)]
    bases = pi_bases(dim(kg=1, m=1, s=-2), quantities)
    assert len(bases[0].groups) == 1
    assert_group(bases[0].groups, {"m1": 1, "m2": -1})
    for basis in bases:
        p = basis.prefactor
        assert p["G"] == 1 and p["r"] == -2 and p.get("m1", 0) + p.get("m2", 0) == 2


def test_damped_oscillator():
    quantities = [("t", dim(s=1), False), ("alpha", dim(s=-1), True),
                  ("omega", dim(s=-1), True), ("phi", dim(), True)]
    best = pi_bases(dim(), quantities)[0]
    assert len(best.groups) == 3
    assert {"phi": 1} in best.groups
    assert best.prefactor == {}
    assert_group(best.groups, {"t": 1, "alpha": 1})
    assert_group(best.groups, {"t": 1, "omega": 1})


def test_planck_radiance():
    quantities = [("lambda", dim(m=1), False), ("T", dim(K=1), False),
                  ("A", dim(kg=1, m=4, s=-3), True), ("C", dim(m=1, K=1), True)]
    bases = pi_bases(dim(kg=1, m=-1, s=-3), quantities)
    assert bases[0].groups == ({"lambda": 1, "T": 1, "C": -1},)
    assert bases[0].prefactor == {"A": 1, "lambda": -5}
    assert str(bases[0]) == "P = A/lambda**5; Π1 = lambda*T/C"


def test_target_not_in_span_gives_no_basis():
    assert pi_bases(dim(s=1), [("L", dim(m=1), False)]) == []
    assert pi_bases(dim(m=1), []) == []


def test_no_units_each_input_is_its_own_group():
    quantities = [("x", dim(), False), ("y", dim(), False), ("z", dim(), False)]
    assert pi_bases(dim(), quantities) == [PiBasis({}, ({"x": 1}, {"y": 1}, {"z": 1}))]


def test_identical_units_give_ratio():
    quantities = [("L1", dim(m=1), False), ("L2", dim(m=1), False)]
    best = pi_bases(dim(m=1), quantities)[0]
    assert best.groups == ({"L1": 1, "L2": -1},) and best.prefactor == {"L1": 1}


# --- integrality of the prefactor -------------------------------------------------------


def test_fractional_particular_solution_is_made_integral():
    # Eliminating with A first gives x = A**(1/2); shifting by the group A/L**2 gives L.
    best = pi_bases(dim(m=1), [("A", dim(m=2), False), ("L", dim(m=1), False)])[0]
    assert best.prefactor == {"L": 1}


def test_half_integral_prefactor_when_no_integral_one():
    best = pi_bases(dim(m=1), [("A", dim(m=2), False)])[0]
    assert best.prefactor == {"A": Fraction(1, 2)} and best.groups == ()
    assert str(best) == "P = A**(1/2)"


def test_cube_root_only_gives_no_basis():
    assert pi_bases(dim(m=1), [("V", dim(m=3), False)]) == []


def test_monomial_text():
    assert monomial_text({}) == "1"
    assert monomial_text({"G": 1, "m1": 2, "r": -2}) == "G*m1**2/r**2"
    assert monomial_text({"x": -1}) == "1/x"
    assert monomial_text({"k": 1, "T": 1, "a": -1, "b": -2}) == "k*T/(a*b**2)"
    assert monomial_text({"A": Fraction(-1, 2)}) == "1/A**(1/2)"
