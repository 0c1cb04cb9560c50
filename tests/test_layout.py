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
