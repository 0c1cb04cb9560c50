"""Command line: `lawfinder fit data.csv ...`, `lawfinder demo` and `lawfinder bench`; a thin
layer over the API."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lawfinder.errors import LawfinderError
from lawfinder.results.notation import ERRORS_FROM, with_error
from lawfinder.results.selection import DEFAULT_RULE, RULES

console = Console()
notes = Console(stderr=True)  # beside output written to stdout

def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except LawfinderError as error:
        notes.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lawfinder", description=(
        "Find dimensionally consistent physical laws in data."))
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    _fit_parser(commands)

    predict = commands.add_parser("predict", help="apply a saved model to a CSV file")
    predict.add_argument("model", help="model file written by fit --save (or model.save)")
    predict.add_argument("csv", help="CSV file with the model's input columns, by name")
    predict.add_argument("--out", metavar="CSV", help="write here (default: standard output)")
    predict.add_argument("--groups", metavar="COLUMN", help="column of dataset labels, for a "
                                                            "model fitted with --groups")
    predict.set_defaults(run=_predict)

    demo = commands.add_parser("demo", help="recover three known laws from data made here")
    demo.add_argument("--law", choices=["oscillator", "einstein", "newton", "all"], default="all")
    _budget_options(demo, max_time=120.0)
    demo.set_defaults(run=_demo)

    _bench_parser(commands)
    return parser


def _fit_parser(commands: argparse._SubParsersAction) -> None:
    """`lawfinder fit CSV --target y [options]`: the columns, then the search and outputs."""
    fit = commands.add_parser("fit", help="search a law in a CSV file")
    _column_options(fit)
    fit.add_argument("--operators", help="comma-separated operators (default: "
                                         "add,sub,mul,div,neg,inv,n2,sqrt,exp,log,sin,cos)")
    fit.add_argument("--fixed-constants", default="1", help='comma-separated constants of '
                     'known value, never fitted: 1, pi, a physical constant pint knows by '
                     'name or short name (speed_of_light, c, G, h, hbar, k_B, ...), or '
                     'name=value units, e.g. "1, pi, c=19.8 m/s" (default: 1)')
    _budget_options(fit, max_time=60.0)
    fit.add_argument("--max-length", type=int, default=20, help="most tokens in a formula")
    fit.add_argument("--n-jobs", type=int, default=-1, help="islands searching in parallel "
                                                           "(default -1: one per core)")
    fit.add_argument("--cluster", metavar="ADDRESS",
                     help="a Dask scheduler's address: islands run on its workers")
    fit.add_argument("--model-selection", choices=RULES, default=DEFAULT_RULE,
                     help="how the best formula is chosen from the front (default: "
                          "%(default)s; see lawfinder.results.selection)")
    fit.add_argument("--stall-patience", type=int, metavar="EPOCHS",
                     help="with no exact formula, stop after this many epochs in which the "
                          "front did not improve by 1%%, once the enumeration is done (0: never; "
                          "default: LawRegressor's)")
    fit.add_argument("--save", metavar="JSON", help="write the fitted model to this file "
                                                    "(for lawfinder predict)")
    fit.add_argument("--front", metavar="CSV", help="write the Pareto front to this CSV file")
    fit.add_argument("--checkpoint", metavar="PATH", help="save the search to this file every "
                                                          "10 s and at the end")
    fit.add_argument("--resume", action="store_true", help="continue the search saved in "
                                                           "--checkpoint (a new one if no file)")
    fit.add_argument("--report", metavar="HTML", help="also write a self-contained HTML report "
                                                      "(plots, formulas) to this file")
    fit.set_defaults(run=_fit)


def _column_options(fit: argparse.ArgumentParser) -> None:
    """What the CSV's columns are: the target, units, errors, weights, datasets, constants."""
    fit.add_argument("csv", help="CSV file with a header row")
    fit.add_argument("--target", required=True, help="name of the column to explain")
    fit.add_argument("--units", help='units of the columns, e.g. "m1=kg, m2=kg, r=m, F=N"; '
                                     'not needed for those whose header carries them '
                                     '("m1 [kg]"); leave out for a search without units')
    fit.add_argument("--y-err", metavar="COLUMN", help="column of the target's standard errors "
                                                       "(in its units; not an input)")
    fit.add_argument("--weights", metavar="COLUMN", help="column of sample weights (not an "
                                                         "input)")
    fit.add_argument("--constants", default="", help='free constants and their units, '
                                                      'e.g. "G=m^3/(kg*s^2)" ("c=1": dimensionless)')
    fit.add_argument("--groups", metavar="COLUMN", help="column of dataset labels (numbers or "
                                                        "text): one law, several datasets; "
                                                        "not an input, no units")
    fit.add_argument("--dataset-constants", default="", help='constants with one value per '
                                                              'dataset (with --groups), e.g. '
                                                              '"v0=m/s, z0=m"')


def _bench_parser(commands: argparse._SubParsersAction) -> None:
    """`lawfinder bench [options]` runs a campaign; `lawfinder bench report FILE` reads one."""
    bench = commands.add_parser("bench", help="run a benchmark campaign (or: bench report FILE)",
                                description="Run methods x problems x noise levels x seeds on "
                                "Dask, saving each run to SQLite; rerun to resume.")
    bench.add_argument("--suite", help="feynman, demos or class")
    bench.add_argument("--problems", help="comma-separated subset, e.g. I.6.2a,II.6.15a "
                                          "(default: the whole suite)")
    bench.add_argument("--sample", type=int, help="a random subset of this many problems")
    bench.add_argument("--sample-seed", type=int, default=0, help="seed of --sample's draw")
    bench.add_argument("--methods", default="lawfinder", help="comma-separated: lawfinder,physo")
    bench.add_argument("--noise", default="0", help="noise levels, e.g. 0,0.001,0.01,0.1")
    bench.add_argument("--seeds", default="0", help="e.g. 0-4 or 0,2,5")
    bench.add_argument("--time-limit", type=float, default=600.0, help="seconds per run")
    bench.add_argument("--max-evals", type=int, default=1_000_000,
                       help="formulas per run (each method's own count)")
    bench.add_argument("--n-points", type=int, help="training points per run (default 10000; "
                                                    "class: 100 per dataset)")
    bench.add_argument("--datasets", default="1", help="class suite: datasets per law, e.g. 1,10")
    bench.add_argument("--with-units", action="store_true",
                       help="class suite: give the search the laws' units (default: off)")
    bench.add_argument("--results", default="results.sqlite", help="SQLite file of results")
    bench.add_argument("--scheduler", help="address of a running Dask scheduler "
                                           "(default: a local cluster)")
    bench.add_argument("--workers", type=int, help="local worker processes (default: cores)")
    bench.add_argument("--n-jobs", type=int, default=1, help="lawfinder's islands per task "
                                                             "(default 1: the workers share "
                                                             "the cores)")
    bench.add_argument("--retry-failed", action="store_true", help="run crashed tasks again")
    bench.set_defaults(run=_bench)
    reading = bench.add_subparsers(dest="bench_command", metavar="report")
    report = reading.add_parser("report", help="tables and a figure from a results file")
    report.add_argument("report_file", metavar="RESULTS", help="SQLite file of a campaign")
    report.add_argument("--plot", help="write the figure to this PNG file")
    report.add_argument("--paired", action="store_true",
                        help="only the tasks every method ran (same problems, noise, seeds)")
    report.add_argument("--by-problem", action="store_true",
                        help="also the outcome of each problem for each method and noise level")


def _budget_options(parser: argparse.ArgumentParser, max_time: float) -> None:
    parser.add_argument("--max-time", type=float, default=max_time, help="seconds per search")
    parser.add_argument("--max-evals", type=int, help="formulas sampled per search")
    parser.add_argument("--seed", type=int, default=0, help="random seed (reproducible runs)")
    parser.add_argument("--quiet", action="store_true", help="no live progress")


def _fit(args: argparse.Namespace) -> int:
    from lawfinder.estimator import LawRegressor
    from lawfinder.language.library import DEFAULT_OPERATORS
    from lawfinder.data.tables import parse_assignments, read_csv

    extra = {"y_err": args.y_err, "sample_weight": args.weights}
    X, y, columns = read_csv(args.csv, args.target,
                             not_inputs=[c for c in (*extra.values(), args.groups) if c])
    groups = None if args.groups is None else columns[args.groups]
    units = parse_assignments(args.units, what="--units") if args.units else None
    _check_units(units, [*X.columns, y.name], args.target)
    target_units = units.pop(args.target, None) if units else None
    constants = parse_assignments(args.constants, what="--constants") if args.constants else {}
    per_dataset = (parse_assignments(args.dataset_constants, what="--dataset-constants")
                   if args.dataset_constants else {})
    operators = (_listed(args.operators, "--operators", "'add,mul,div'")
                 if args.operators is not None else DEFAULT_OPERATORS)
    fixed = tuple(_listed(args.fixed_constants, "--fixed-constants", "'1, pi, c=19.8 m/s'",
                          empty_ok=True))
    model = LawRegressor(operators=operators, free_constants=constants,
                         dataset_constants=per_dataset, fixed_constants=fixed,
                         max_time=args.max_time,
                         max_evals=args.max_evals, max_length=args.max_length,
                         random_state=args.seed, n_jobs=args.n_jobs, cluster=args.cluster,
                         model_selection=args.model_selection)
    if args.stall_patience is not None:
        model.set_params(stall_patience=args.stall_patience or None)
    weights = {key: columns[column].to_numpy() for key, column in extra.items() if column}
    _run(model, f"lawfinder: {args.target}", args.quiet, X, y, units=units,
         target_units=target_units, groups=groups, report=args.report,
         checkpoint=args.checkpoint, resume=args.resume, **weights)
    _print_front(model)
    if args.save:
        model.save(args.save)
    if args.front:
        _front_table(model).to_csv(args.front, index=False)
    for what, path in (("model", args.save), ("front", args.front), ("report", args.report)):
        if path:
            console.print(f"{what}: {path}", markup=False, highlight=False)
    return 0


def _valued(name: str, value: str, units: str) -> str:
    """"name = value units", the units left out of a pure number ("1")."""
    return f"{name} = {value}" + ("" if units == "1" else f" {units}")


def _listed(text: str, option: str, example: str, empty_ok: bool = False) -> list[str]:
    """The comma-separated items of an option; at least one unless `empty_ok` ("" is none)."""
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not (items or empty_ok and not text.strip()):
        raise LawfinderError(f"{option}: nothing in {text!r}; give comma-separated items "
                             f"such as {example}")
    return items


def _check_units(units: dict[str, str] | None, labels: list[str], target: str) -> None:
    """Every column needs its units from --units or its header, once either gives some;
    with neither, a note on how to add them (a search without units stays allowed)."""
    from lawfinder.data.quantities import header_unit

    header = dict(map(header_unit, labels))
    if units is None and not any(header.values()):
        console.print("note: no units given, so the search ignores dimensions; give them "
                      'with --units "x=m, t=s" or in the header as "x [m]"', markup=False,
                      highlight=False)
        return
    missing = [name for name, unit in header.items() if unit is None and name not in (units or {})]
    if missing:
        raise LawfinderError(f"--units: no units for column(s) {', '.join(missing)}; give "
                             "every column, e.g. \"x=m, t=s\" ('1' if dimensionless), or "
                             "write them in the header as \"x [m]\"")
    unknown = [name for name in units or {} if name not in header]
    if unknown:
        raise LawfinderError(f"--units names {', '.join(map(repr, unknown))}, which the CSV "
                             f"does not have as inputs or target {target!r}; check the spelling")


def _front_table(model):
    """The Pareto front as a flat table: formulas as text, constants and errors as JSON."""
    import json

    table = model.equations_[["complexity", "loss", "sympy", "constants", "uncertainties",
                              "score_best", "score_bic"]].rename(columns={"sympy": "formula"})
    table["formula"] = [str(f) for f in table["formula"]]
    for column in ("constants", "uncertainties"):
        table[column] = [json.dumps(v) for v in table[column]]
    return table


def _predict(args: argparse.Namespace) -> int:
    from lawfinder.estimator import LawRegressor
    from lawfinder.data.tables import read_table
    from lawfinder.data.quantities import header_unit

    model = LawRegressor.load(args.model)
    frame = read_table(args.csv)
    problem = model.problem_
    bare = [header_unit(label)[0] for label in frame.columns]
    if args.groups is not None and args.groups not in bare:
        raise LawfinderError(f"--groups: {args.csv!r} has no column named {args.groups!r}; "
                             f"available columns: {', '.join(bare)}")
    groups = None if args.groups is None else frame[frame.columns[bare.index(args.groups)]]
    unused = [label for label, name in zip(frame.columns, bare)
              if name not in (*problem.names, problem.target_name, args.groups)]
    if unused:
        notes.print(f"note: columns not used by the model: {', '.join(unused)}",
                    markup=False, highlight=False)
    target = problem.target_name
    column = target if target not in bare else f"{target}_predicted"
    out = frame.assign(**{column: model.predict(frame, groups=groups)})
    if args.out:
        out.to_csv(args.out, index=False)
        notes.print(f"predictions: {args.out} ({len(out)} rows, column {column!r})",
                    markup=False, highlight=False)
    else:
        sys.stdout.write(out.to_csv(index=False))
    return 0


def _run(model, title: str, quiet: bool, X, y, **fit_args) -> None:
    from lawfinder.search.progress import LiveProgress

    if quiet:
        model.fit(X, y, **fit_args)
        return
    with LiveProgress(title, console) as progress:
        model.fit(X, y, callback=progress, **fit_args)
    if model.interrupted_:
        console.print("[yellow]interrupted: showing what was found so far[/]")


def _print_front(model) -> None:
    table = Table(title="Pareto front (simplest first)")
    for column in ("complexity", "NRMSE", "formula", "constants"):
        table.add_column(column)
    for formula in model.pareto_:
        mark = " *" if formula is model.best_ else ""
        errors = formula.uncertainties
        constants = ", ".join(f"{k} = {with_error(v, errors[k])}"
                              for k, v in formula.constants.items())
        table.add_row(f"{formula.complexity:g}{mark}", f"{formula.nrmse:.3g}",
                      escape(str(formula.sympy())), escape(constants))
    console.print(table)
    console.print(f"best (*): {model.problem_.target_name} = {model.best_}", markup=False)
    known = [t.known for t in model.library_.tokens if t.name in model.best_.known_constants]
    if known:
        console.print("known constants: " + ", ".join(
            _valued(k.name, f"{k.value:.10g}", k.units) for k in known),
            markup=False, highlight=False)
    if model.best_.datasets and not model.best_.dataset_constants.empty:
        console.print(model.best_.dataset_constants.to_string(), markup=False, highlight=False)
    console.print(ERRORS_FROM[model.best_.errors_from])


def _demo(args: argparse.Namespace) -> int:
    import sympy

    from lawfinder.benchmarks.demos import DEMO_LAWS
    from lawfinder.benchmarks.judge import Verdict
    from lawfinder.estimator import LawRegressor

    laws = [law for law in DEMO_LAWS if args.law in ("all", law.name)]
    results = Table(title="lawfinder demo")
    for column in ("law", "true", "found", "constants", "recovered", "time"):
        results.add_column(column, overflow="fold")   # wrapped, never cut short
    for law in laws:
        X, y = law.generate(1000, seed=args.seed)
        model = LawRegressor(operators=law.operators, free_constants=law.free_constants,
                             max_time=args.max_time, max_evals=args.max_evals,
                             random_state=args.seed)
        _run(model, law.title, args.quiet, X, y, names=law.names, units=law.units,
             target_units=law.target_units, target_name=law.target)
        found, values = model.best_.sympy(), model.best_.constants
        verdict = law.recovered(found, values)
        if verdict is Verdict.SOLVED:
            # Two constants in 1/s: the found law may use the names the other way round.
            names = law.true_names(values)
            found = found.xreplace({sympy.Symbol(a): sympy.Symbol(b) for a, b in names.items()})
            values = {names[k]: v for k, v in values.items()}
        constants = "\n".join(_valued(k, f"{v:.6g}", law.free_constants[k])
                               for k, v in values.items())
        if verdict is Verdict.SOLVED:
            constants += _in_law_form(law, found, values)
        results.add_row(law.title, f"{law.target} = {law.sympy(numeric=False)}",
                        f"{law.target} = {found}", constants, verdict.value,
                        f"{model.history_[-1].elapsed:.1f} s" if model.history_ else "-")
    console.print(results)
    return 0


def _in_law_form(law, found, values):
    """The constants of the law as written where the form found has others (the phase of a
    cosine found as a sine's), as lines to add under the constants found."""
    form = law.in_law_form(found, values)
    other = {k: v for k, v in form.items()
             if k not in values or not math.isclose(v, values[k], rel_tol=1e-6)}
    if not other:
        return ""
    return "\nas the law writes it:\n" + "\n".join(
        _valued(k, f"{v:.6g}", law.free_constants[k]) for k, v in other.items())


def _bench(args: argparse.Namespace) -> int:
    if args.bench_command == "report":
        from lawfinder.benchmarks.report import report

        report(args.report_file, plot_path=args.plot, paired=args.paired,
               by_problem=args.by_problem, console=console)
        return 0
    from lawfinder.benchmarks.campaign import campaign_from_options
    from lawfinder.benchmarks.runner import run_campaign

    campaign = campaign_from_options(
        args.suite, problems=args.problems, sample=args.sample, sample_seed=args.sample_seed,
        methods=args.methods, noise=args.noise, seeds=args.seeds, time_limit=args.time_limit,
        max_evals=args.max_evals, n_points=args.n_points, n_jobs=args.n_jobs,
        datasets=args.datasets, with_units=args.with_units)
    summary = run_campaign(campaign, args.results, scheduler=args.scheduler,
                           workers=args.workers, retry_failed=args.retry_failed, console=console)
    console.print(f"{summary.ran} runs now ({summary.failed} crashed); results in "
                  f"{args.results}; summary: lawfinder bench report {args.results}")
    return 130 if summary.interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
