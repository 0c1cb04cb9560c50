"""Every method sees each law's own names (issue 14), and the judge compares formulas over
them, awkward ones included: I, gamma, beta (SymPy objects by those names), lambda, E."""

import numpy as np
import pytest
import sympy

from lawfinder import LawRegressor
from lawfinder.benchmarks import methods, physo_method
from lawfinder.benchmarks.demos import DemoLaw
from lawfinder.benchmarks.judge import Verdict, judge, judgement, parse
from lawfinder.benchmarks.physo_method import PhysoRun, program_sympy
from lawfinder.benchmarks.suites import SUITES, get_law, problem_names
from lawfinder.benchmarks.tasks import Task, run_task
from lawfinder.language.library import OPERATORS

LAWS = [get_law(suite, name) for suite in SUITES
        for name in problem_names(suite, include_excluded=True)]
# physo.physym.token.MAX_NAME_SIZE: PhySO asserts that every token name is shorter.
PHYSO_MAX_NAME_SIZE = 10
# The Feynman problems whose input names SymPy reads as something else, and the truth of each
# as a search writes it: plain symbols, constants as floats.
AWKWARD = {"II.13.17": "0.159154943*I/(epsilon*c**2*r)",   # I: the imaginary unit
           "I.39.11": "V*pr/(gamma - 1.0)",                 # gamma: the gamma function
           "III.17.37": "beta*(1.0 + alpha*cos(theta))"}    # beta: the beta function


def _symbol_names(expr: sympy.Expr) -> set[str]:
    return {s.name for s in expr.free_symbols}


@pytest.mark.parametrize("law", LAWS, ids=lambda law: f"{law.suite}-{law.name}")
def test_no_input_name_collides_with_a_constant_an_operator_or_the_target(law):
    inputs = set(law.names)
    assert len(inputs) == len(law.names)
    assert not inputs & {name for name, _ in law.free_constants}
    assert not inputs & set(OPERATORS)
    assert law.target_name not in inputs


@pytest.mark.parametrize("law", LAWS, ids=lambda law: f"{law.suite}-{law.name}")
def test_every_name_is_a_physo_token_that_parses_back_as_the_variable(law):
    names = [*law.names, law.target_name, *(name for name, _ in law.free_constants)]
    assert all(len(name) < PHYSO_MAX_NAME_SIZE for name in names)
    assert all(parse(name) == sympy.Symbol(name) for name in law.names)


@pytest.mark.parametrize("problem, found", AWKWARD.items())
def test_the_judge_solves_the_truth_over_awkward_names(problem, found):
    law = get_law("feynman", problem)
    expr = parse(found)
    assert _symbol_names(expr) == set(law.names)
    assert judge(expr, law.truth, positive=law.positive) is Verdict.SOLVED
    assert judge(str(expr), law.truth, positive=law.positive) is Verdict.SOLVED  # as stored


@pytest.mark.parametrize("problem, found", AWKWARD.items())
def test_the_judge_refuses_a_wrong_formula_over_awkward_names(problem, found):
    law = get_law("feynman", problem)
    name = next(n for n in law.names if n in ("I", "gamma", "beta"))
    wrong = parse(found).subs(sympy.Symbol(name), sympy.Symbol(name) ** 2)
    assert judge(wrong, law.truth, positive=law.positive) is Verdict.NOT_SOLVED


def test_the_numeric_check_evaluates_awkward_names_as_variables(monkeypatch):
    from lawfinder.benchmarks import judge as judge_module

    monkeypatch.setattr(judge_module, "_in_child", lambda *args, **kwargs: Verdict.NOT_JUDGED)
    truth = parse("lambda/E + gamma*I + beta")
    for found, verdict in (("lambda/E + gamma*I + beta + 1.5", Verdict.SOLVED),
                           ("lambda/E + gamma*I", Verdict.NOT_SOLVED)):
        assert judgement(found, truth, positive=["lambda", "E"]).verdict is verdict


def test_a_demo_law_over_awkward_names_is_recovered_and_a_near_miss_is_not():
    law = DemoLaw("awkward", "Awkward names", "A*lambda/E + gamma*I", "y", "1",
                  (("lambda", "1", 1.0, 2.0), ("E", "1", 1.0, 3.0), ("gamma", "1", 1.0, 2.0),
                   ("I", "1", 1.0, 2.0)), {"A": (2.5, "1")})
    found = parse("A*lambda/E + I*gamma")
    assert law.recovered(found, {"A": 2.5}) is Verdict.SOLVED
    assert law.recovered(found, {"A": 2.6}) is Verdict.NOT_SOLVED


def test_lawfinder_searches_over_the_real_names_and_is_judged_on_them(monkeypatch):
    given = {}
    fit = LawRegressor.fit

    def spied_fit(model, X, y, **settings):
        given.update(settings)
        return fit(model, X, y, **settings)

    monkeypatch.setattr(LawRegressor, "fit", spied_fit)
    result = run_task(Task("lawfinder", "feynman", "I.39.11", 0.0, 0, 60.0, 3000, 500))
    assert result.error is None, result.error
    assert (given["names"], given["target_name"]) == (["gamma", "pr", "V"], "E_n")
    assert _symbol_names(parse(result.formula)) == {"pr", "V", "gamma"}
    assert result.verdict == "solved"


def test_physo_is_given_the_real_names_and_its_formula_judged_on_them(monkeypatch):
    law = get_law("feynman", "II.13.17")
    given = {}

    def run_physo(X, y, **settings):
        given.update(settings)
        return PhysoRun(parse(AWKWARD["II.13.17"]), 1.0, 10, ())

    monkeypatch.setattr(physo_method, "run_physo", run_physo)
    X, y = law.data(20, 0.0, np.random.default_rng(0))
    fit = methods.fit_physo(law, X, y, time_limit=1.0, max_evals=10, seed=0)
    assert (given["names"], given["target_name"]) == (law.names, law.target_name)
    assert judge(fit.formula, law.truth, positive=law.positive) is Verdict.SOLVED


def test_a_physo_program_over_awkward_names_reads_back_with_its_constants():
    class Program:  # the two methods of a PhySO program that program_sympy uses
        def get_infix_str(self):
            return "((c0*I)/((epsilon*(c**2))*r))"

        def get_sympy_local_dicts(self):
            return [{"c0": 0.159154943, "c1": 1.0}]

    expr = program_sympy(Program())
    assert _symbol_names(expr) == {"I", "epsilon", "c", "r"}
    law = get_law("feynman", "II.13.17")
    assert judge(expr, law.truth, positive=law.positive) is Verdict.SOLVED
