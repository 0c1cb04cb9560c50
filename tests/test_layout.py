"""The README's picture of the layout matches the package's folders."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_layout_names_every_subpackage_and_no_other():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    picture = readme.split("## Layout", 1)[1].split("```")[1]
    named = [re.match(r"\w+", line).group() for line in picture.strip().splitlines()]
    package = ROOT / "src" / "lawfinder"
    folders = sorted(p.name for p in package.iterdir() if (p / "__init__.py").exists())
    assert sorted(named) == folders


def test_the_tests_mirror_the_subpackages():
    package = ROOT / "src" / "lawfinder"
    folders = {p.name for p in package.iterdir() if (p / "__init__.py").exists()}
    tests = {p.name for p in (ROOT / "tests").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == tests


def _imports() -> dict[str, set[str]]:
    """Each module of the package and the package modules it imports anywhere: at the top,
    inside functions, and under TYPE_CHECKING alike."""
    import ast

    package = ROOT / "src"
    modules = {".".join(p.relative_to(package).with_suffix("").parts).removesuffix(".__init__"): p
               for p in (package / "lawfinder").rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def test_no_module_imports_itself_through_others():
    graph = _imports()

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), list(graph[start])
        while todo:
            module = todo.pop()
            if module == goal:
                return True
            if module not in seen:
                seen.add(module)
                todo += graph[module]
        return False

    assert [m for m in graph if reaches(m, m)] == []


def _sources() -> list[Path]:
    return sorted((ROOT / "src" / "lawfinder").rglob("*.py"))


def test_modules_stay_small_enough_to_hold_one_job():
    long = {str(p.relative_to(ROOT)): n for p in _sources()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


def test_functions_read_at_once():
    """At most 50 lines of code in a function, its docstring aside."""
    import ast

    long = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body[1:] if ast.get_docstring(node) and len(node.body) > 1 else node.body
                if node.end_lineno - body[0].lineno + 1 > 50:
                    long.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert long == []
