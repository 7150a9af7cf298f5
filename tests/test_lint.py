"""Lint is part of the test command: `ruff check` (rules in pyproject.toml), `lint-imports` (the
package's layers, `[tool.importlinter]` in pyproject.toml), and the house rules neither checks."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "harness"
LONG = 60  # lines: a function this long gets a docstring
LONGEST = 80  # lines: a longer function does several things; give each its own name

# Private names that modules still take from each other. TODO(executor): the sweep's executors
# share these until one scheduling loop lands; delete the entries with it (the test fails on an
# entry that no longer matches, so the list cannot go stale).
KNOWN_PRIVATE: set = set()  # (file, imported private name) pairs allowed for now: none


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _private_imports(tree) -> set[str]:
    """`m._x` for each `from harness.m import _x`, and for each `m._x` read off an imported
    harness module."""
    found, modules = set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("harness"):
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.add(name)
                modules[alias.asname or alias.name] = name
        elif isinstance(node, ast.Import):
            modules.update({(a.asname or a.name): a.name for a in node.names
                            if a.name.startswith("harness") and a.asname})
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in modules and node.attr.startswith("_")
                and not node.attr.startswith("__")):
            found.add(f"{modules[node.value.id]}.{node.attr}")
    return found


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_contracts_hold():
    # The package's own layers: no cycles, report/ a leaf, cli -> ... -> stats -> config -> data.
    code = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    result = subprocess.run([sys.executable, "-c", code, "--no-cache", "--no-logo"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_runner_import_loads_no_report_and_no_matplotlib():
    # The training path stays clear of the report: a run imports it only to write its report.
    code = ("import sys, harness.training.runner; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'PIL') "
            "or m.startswith('harness.report')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"


def test_no_private_name_crosses_a_module():
    found = {(path, name) for path, tree in _modules() for name in _private_imports(tree)}
    assert found - KNOWN_PRIVATE == set(), "make these public (a good name) or keep them home"
    assert KNOWN_PRIVATE - found == set(), "no longer imported: delete from KNOWN_PRIVATE"


def test_private_name_check_sees_both_spellings():
    tree = ast.parse("from harness.a import _x, y\nimport harness.b as b\nb._z\nb.__name__\n")
    assert _private_imports(tree) == {"harness.a._x", "harness.b._z"}


def test_long_functions_have_docstrings():
    bare = [f"{path}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for path, tree in _modules() for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > LONG and not ast.get_docstring(node)]
    assert not bare, f"give these a Keras-style docstring: {', '.join(bare)}"


def _lengths():
    """(where, name, lines) of every function and method in the package."""
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield f"{path}:{node.lineno}", node.name, node.end_lineno - node.lineno + 1


def test_no_function_is_longer_than_80_lines():
    long = [f"{where} {name} ({lines} lines)" for where, name, lines in _lengths()
            if lines > LONGEST]
    assert not long, f"split these into steps with names: {', '.join(long)}"
