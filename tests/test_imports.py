"""No back-door re-exports: every ``from mynacheck.x import name`` (in src/, tests/,
scripts/, benchmarks/) takes ``name`` from the module that defines it, or from a
package, whose public names are its ``_EXPORTS`` (tests/test_public_api.py). A module
that merely imports a name is not a second address for it: such aliases outlive
their reason and hide who owns what."""

from __future__ import annotations

import ast
import importlib.util
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(
    path
    for folder in ("src", "tests", "scripts", "benchmarks")
    for path in (ROOT / folder).rglob("*.py")
    if ".venv" not in path.parts
)


def _defined(body: list[ast.stmt], names: set[str]) -> set[str]:
    """Names a module body binds other than by importing them."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            for part in ("body", "orelse", "finalbody"):
                _defined(getattr(node, part, []), names)
            for handler in getattr(node, "handlers", []):
                _defined(handler.body, names)
    return names


@cache
def _module_defines(module: str) -> frozenset[str] | None:
    """What ``module`` defines; None for a package (or no such module)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or spec.submodule_search_locations is not None:
        return None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    return frozenset(_defined(tree.body, set()))


def _package_of(path: Path) -> str | None:
    """The package a file in src/ belongs to, for its relative imports."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[0] != "src":
        return None
    dotted = list(parts[1:])
    return ".".join(dotted[:-1])


def test_every_name_comes_from_where_it_is_defined() -> None:
    wrong = []
    for path in SOURCES:
        package = _package_of(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                if package is None:
                    continue
                module = importlib.util.resolve_name(
                    "." * node.level + (node.module or ""), package
                )
            else:
                module = node.module or ""
            if not module.startswith("mynacheck"):
                continue
            defines = _module_defines(module)
            if defines is None:
                continue
            for alias in node.names:
                if alias.name not in defines:
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}: {module}.{alias.name}")
    assert wrong == [], "imported from a module that only re-exports it:\n" + "\n".join(wrong)


def test_the_check_finds_a_reexport() -> None:
    """The test's own subject: a name a module only imports is not defined there."""
    assert _module_defines("mynacheck.report") is not None
    assert "CheckReport" in (_module_defines("mynacheck.report") or ())
    assert "Detail" not in (_module_defines("mynacheck.report") or ())  # imported from status
    assert _module_defines("mynacheck.simcard") is None  # a package: its _EXPORTS
