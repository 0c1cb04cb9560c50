"""The benchmark suites in one shape: what a method is told about a law, and the law's data.

Every method sees each law's own names, inputs and target alike (`I`, `gamma`, `beta`,
`E_n`, ...), and returns its formula over them: lawfinder takes any column name that is
not one of its operators', and PhySO's formulas come back as text that `judge.parse`
reads with every plain identifier a variable, so a name that means something else to
SymPy stays the law's variable. No input shares a name with a free constant, an operator
or the law's target (tests/benchmarks/test_suites.py checks every problem).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy

from lawfinder.benchmarks import class_sr, demos, feynman
from lawfinder.benchmarks.feynman import add_noise, check_noise
from lawfinder.errors import LawfinderError

SUITES = ("feynman", "demos", "class")

# The protocol of issue 3 for Feynman: these operators and two dimensionless free constants
# (every method also gets the fixed constant 1); the physical constants of each law are
# input variables.
FEYNMAN_OPERATORS = ("add", "sub", "mul", "div", "inv", "n2", "sqrt", "neg", "exp", "log",
                     "sin", "cos")
FEYNMAN_FREE_CONSTANTS = (("c0", "1"), ("c1", "1"))


@dataclass(frozen=True)
class Law:
    """One benchmark law and the search settings every method gets for it."""

    suite: str
    name: str
    names: tuple[str, ...]                # input names, in column order: what methods see
    units: tuple[str, ...]                # unit string of each input
    target_name: str
    target_units: str
    truth: sympy.Expr                     # the law, constants as numbers, inputs by own names
    positive: tuple[str, ...]             # inputs sampled from a positive range
    free_constants: tuple[tuple[str, str], ...]   # (name, units) fitted by the search
    operators: tuple[str, ...]
    source: feynman.FeynmanProblem | demos.DemoLaw | class_sr.ClassProblem
    dataset_constants: tuple[tuple[str, str], ...] = ()   # (name, units): one value per dataset
    with_units: bool = True               # whether methods are told the units

    def data(self, n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """n points uniform in the inputs' ranges; target noise y + N(0, (noise*RMS(y))^2)."""
        check_noise(noise, self.name)
        if isinstance(self.source, class_sr.ClassProblem):
            raise LawfinderError(f"{self.name} is a Class SR law, whose data come in datasets: "
                                 "use its source's draw_constants and sample")
        if isinstance(self.source, feynman.FeynmanProblem):
            X, y = self.source.generate(n, rng=rng)
        else:
            X, y = self.source.generate(n, seed=int(rng.integers(2**32)))
        return X, add_noise(y, noise, rng)


def problem_names(suite: str, *, include_excluded: bool = False) -> tuple[str, ...]:
    """Names of the suite's problems in registry order; Feynman's EXCLUDED ones only if asked."""
    check_suite(suite)
    if suite == "demos":
        return tuple(law.name for law in demos.DEMO_LAWS)
    if suite == "class":
        return tuple(p.name for p in class_sr.CLASS)
    problems = feynman.ALL_PROBLEMS if include_excluded else feynman.FEYNMAN
    return tuple(p.name for p in problems)


def get_law(suite: str, name: str, *, with_units: bool = False) -> Law:
    """The law `name` of `suite`; LawfinderError naming the choices when either is unknown.

    `with_units` is for the class suite, whose methods are not told the units unless asked
    (the other suites always tell them)."""
    check_suite(suite)
    if suite == "class":
        return _class_law(class_sr.get(name), with_units)
    if suite == "demos":
        return _demo_law(demos.get(name))
    return _feynman_law(feynman.get(name))


def check_suite(suite: str) -> None:
    if suite not in SUITES:
        raise LawfinderError(f"unknown benchmark suite {suite!r}; choose from {', '.join(SUITES)}")


def _feynman_law(problem: feynman.FeynmanProblem) -> Law:
    return Law("feynman", problem.name, tuple(v.name for v in problem.variables),
               tuple(str(v.dim) for v in problem.variables), problem.target_name,
               str(problem.target_dim), problem.sympy(),
               tuple(v.name for v in problem.variables if v.low > 0),
               FEYNMAN_FREE_CONSTANTS, FEYNMAN_OPERATORS, problem)


def _demo_law(law: demos.DemoLaw) -> Law:
    """A demo law with its own operators and free constants (with their units)."""
    return Law("demos", law.name, tuple(law.names), tuple(law.units), law.target,
               law.target_units, law.sympy(), tuple(law.positive_names()),
               tuple(law.free_constants.items()), law.operators, law)


def _class_law(problem: class_sr.ClassProblem, with_units: bool) -> Law:
    """A Class SR law as its protocol has it: one shared and as many per-dataset constants
    as the law has, dimensionless, or in the law's own units `with_units`."""
    def units(text: str) -> str:
        return text if with_units else "1"

    return Law("class", problem.name, tuple(v.name for v in problem.variables),
               tuple(v.units for v in problem.variables), problem.target_name,
               problem.target_units, problem.sympy(), problem.positive(),
               (("c0", units(problem.shared_constant_units)),), FEYNMAN_OPERATORS, problem,
               tuple((f"k{i}", units(c.units)) for i, c in enumerate(problem.dataset_constants)),
               with_units)
