"""The public surface: one list of names (``_EXPORTS``), the same in the type checker's
imports, each name importable, the results keyword-only and immutable."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import importlib.util
import inspect
import pkgutil
import re
import sys
from pathlib import Path

import pytest

import mynacheck

INIT = Path(mynacheck.__file__)


PACKAGES = sorted(
    ".".join(("mynacheck", *init.parent.relative_to(INIT.parent).parts))
    for init in INIT.parent.rglob("__init__.py")
)


def _package_source(package: str) -> tuple[ast.Module, Path]:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.origin is not None
    return ast.parse(Path(spec.origin).read_text(encoding="utf-8")), Path(spec.origin)


def _literal(tree: ast.Module, name: str) -> object:
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            assert node.value is not None
            return ast.literal_eval(node.value)
    return None


def _reexports(tree: ast.Module, package: str) -> dict[str, str]:
    """The ``if TYPE_CHECKING:`` imports of the package's own modules: name -> module."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for statement in node.body:
                if not isinstance(statement, ast.ImportFrom) or statement.level == 0:
                    continue  # typing's names and the like
                relative = "." * statement.level + (statement.module or "")
                for alias in statement.names:
                    assert alias.asname == alias.name, f"{package}: {alias.name} as {alias.name}"
                    found[alias.name] = importlib.util.resolve_name(relative, package)
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_names_its_lazy_exports_once(package: str) -> None:
    """A package that loads names on first use keeps one ``_EXPORTS``; its
    ``TYPE_CHECKING`` re-exports name the same modules, its ``__getattr__`` is
    :func:`mynacheck.lazy.lazy_getattr` (never one written by hand), its ``__all__``
    names them, and each one loads."""
    tree, path = _package_source(package)
    exports = _literal(tree, "_EXPORTS")
    module = importlib.import_module(package)
    hook = module.__dict__.get("__getattr__")
    if exports is None:
        assert hook is None, f"{path}: a __getattr__ without _EXPORTS"
        assert _reexports(tree, package) == {}, f"{path}: TYPE_CHECKING re-exports, no _EXPORTS"
        return
    assert isinstance(exports, dict)
    assert hook is not None and hook.__qualname__ == "lazy_getattr.<locals>.__getattr__", (
        f"{path}: __getattr__ must be mynacheck.lazy.lazy_getattr(__name__, _EXPORTS)"
    )
    resolved = {
        name: importlib.util.resolve_name(where, package) for name, where in exports.items()
    }
    assert all(where.startswith(".") for where in exports.values()), f"{path}: relative modules"
    assert _reexports(tree, package) == resolved, (
        f"{path}: the TYPE_CHECKING imports must name exactly _EXPORTS"
    )
    listed = getattr(module, "__all__", None)
    if listed is not None:
        assert set(exports) <= set(listed), f"{path}: __all__ lacks {set(exports) - set(listed)}"
    for name in [*exports, *(listed or ())]:
        assert getattr(module, name) is not None, f"{package}.{name}"
    assert set(exports) <= set(dir(module))
    for name, where in resolved.items():
        assert getattr(module, name) is getattr(importlib.import_module(where), name)
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018 - the hook must refuse it


def test_the_top_levels_names_are_its_list() -> None:
    exports = mynacheck._EXPORTS  # the subject: the one list of public names
    assert sorted(mynacheck.__all__) == sorted(["__version__", *exports])


def test_the_types_the_api_takes_and_returns_are_public() -> None:
    for name in ("Tally", "CertificateInfo", "Trust", "PinReference", "TallySummary"):
        assert name in mynacheck.__all__, name
    for name in ("TallyError", "KeyFileExposed"):
        assert name in mynacheck.__all__, name


def test_face_only_names_and_aliases_are_gone() -> None:
    for name in (
        "TALLIED_STATUSES",
        "check_chart_target",
        "draw_tally_chart",
        "normalize_pin",
        "pin_format_problem",
        "DEMO_PIN",
    ):
        assert not hasattr(mynacheck, name), name
    import mynacheck.errors as errors

    for name in ("CheckError", "UsageError", "CardCommunicationError"):
        assert not hasattr(errors, name), name
    assert mynacheck.SimulatedReader.DEMO_PIN == "1234"


PUBLIC = {name: getattr(mynacheck, name) for name in mynacheck.__all__ if name != "__version__"}
#: Classes a program builds itself (the rest are made by the library): their
#: ``__init__`` is part of the API.
BUILT_BY_CALLERS = ("CounterLoop", "SimulatedReader", "CheckReport")


def _own_class(name: str, module: object) -> type | None:
    """The mynacheck class an annotation's name stands for (also a type-only import)."""
    found = PUBLIC.get(name, vars(module).get(name))
    if found is None:
        for loaded in list(sys.modules.values()):
            if getattr(loaded, "__name__", "").startswith("mynacheck."):
                candidate = vars(loaded).get(name)
                if inspect.isclass(candidate) and candidate.__module__.startswith("mynacheck"):
                    found = candidate
                    break
    if inspect.isclass(found) and found.__module__.startswith("mynacheck"):
        return found
    return None


def _annotations(obj: object) -> list[tuple[str, object]]:
    """``(annotation text, module)`` of a public function, or of a public class's
    fields, public methods and properties (and ``__init__`` where callers build it)."""
    found: list[tuple[str, object]] = []
    functions: list[object] = []
    if inspect.isclass(obj):
        for klass in obj.__mro__:
            if not klass.__module__.startswith("mynacheck"):
                continue
            module = sys.modules[klass.__module__]
            found += [(str(a), module) for a in vars(klass).get("__annotations__", {}).values()]
            for name, member in vars(klass).items():
                wanted = name in ("__enter__", "__iter__") or (
                    name == "__init__" and obj.__name__ in BUILT_BY_CALLERS
                )
                if name.startswith("_") and not wanted:
                    continue
                member = member.fget if isinstance(member, property) else member
                member = getattr(member, "__func__", member)
                if inspect.isfunction(member):
                    found += [(str(a), module) for a in member.__annotations__.values()]
    elif inspect.isfunction(obj):
        functions.append(obj)
    for function in functions:
        module = sys.modules[function.__module__]  # type: ignore[attr-defined]
        found += [(str(a), module) for a in function.__annotations__.values()]  # type: ignore[attr-defined]
    return found


def _classes_the_api_takes_and_returns() -> dict[str, type]:
    # Every library module loaded first, so that a name imported for type checking
    # only is found wherever this test runs (the faces are not the API).
    for found in pkgutil.walk_packages(mynacheck.__path__, "mynacheck."):
        face = found.name.startswith(("mynacheck.gui", "mynacheck.cli"))
        if not face and not found.name.endswith("__main__"):
            importlib.import_module(found.name)
    seen: dict[str, type] = {}
    todo: list[object] = list(PUBLIC.values())
    while todo:
        for text, module in _annotations(todo.pop()):
            for name in re.findall(r"[A-Za-z_]\w*", text):
                found = _own_class(name, module)
                if found is not None and found not in seen.values():
                    seen[f"{found.__module__}.{found.__qualname__}"] = found
                    todo.append(found)
    return seen


REACHED = _classes_the_api_takes_and_returns()
RESULTS = sorted(
    {
        f"{c.__module__}.{c.__qualname__}": c
        for c in [*REACHED.values(), *PUBLIC.values()]
        if inspect.isclass(c) and dataclasses.is_dataclass(c)
    }.items()
)


def test_the_api_exports_every_type_it_takes_and_returns() -> None:
    """A program typed from docs/api.md can name whatever a public function or class
    takes or hands back: each of those types is in ``mynacheck``."""
    assert "mynacheck.tally.outbox.ServerTally" in REACHED  # open_tally's return
    missing = sorted(name for name, c in REACHED.items() if c not in PUBLIC.values())
    assert missing == [], f"used by the public API but not exported: {missing}"


@pytest.mark.parametrize("cls", [c for _, c in RESULTS], ids=[name for name, _ in RESULTS])
def test_results_are_keyword_only_and_frozen(cls: type) -> None:
    """Every dataclass the API exports or hands back, found by walking the public
    signatures: frozen, keyword-only, and no mutable container in its fields."""
    assert cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert all(f.kw_only for f in dataclasses.fields(cls))
    for field in dataclasses.fields(cls):
        assert not re.search(r"\b(dict|list|set)\[", str(field.type)), (
            f"{cls.__name__}.{field.name}: {field.type} (a Mapping, a tuple or a frozenset)"
        )


def test_the_walk_finds_the_results() -> None:
    names = {name.rpartition(".")[2] for name, _ in RESULTS}
    for name in ("CheckReport", "TallySummary", "Group", "CounterEvent", "DeliveryState",
                 "PushResult", "PinReference", "TallyRow", "CertificateInfo"):  # fmt: skip
        assert name in names, name


def test_the_mappings_in_results_are_read_only(tmp_path: Path) -> None:
    event = mynacheck.CounterEvent(kind="readers", info={"readers": ["A"]})
    with pytest.raises(TypeError):
        event.info["readers"] = []  # type: ignore[index]
    db = tmp_path / "t.sqlite3"
    with mynacheck.open_card(simulate="valid") as card, mynacheck.open_tally(db) as tally:
        tally.append(mynacheck.check_card(card))
    summary = mynacheck.summarize_tallies([db], by="day")
    assert summary.checks_by_status == {"valid": 1} and summary.groups is not None
    for mapping in (
        summary.checks_by_status,
        summary.cards_by_status,
        summary.groups[0].checks,
        summary.groups[0].cards,
    ):
        with pytest.raises(TypeError):
            mapping["valid"] = 2  # type: ignore[index]


def test_a_reports_info_is_read_only_and_its_json_unchanged() -> None:
    source = {"sw": "FILE_NOT_FOUND (6A82)"}
    report = mynacheck.CheckReport(status=mynacheck.Status.MISSING, info=source)
    source["sw"] = "changed"
    assert report.info == {"sw": "FILE_NOT_FOUND (6A82)"}
    with pytest.raises(TypeError):
        report.info["sw"] = "x"  # type: ignore[index]
    assert mynacheck.render_json(report, "en")["info"] == {"sw": "FILE_NOT_FOUND (6A82)"}
    assert dataclasses.replace(report, info={**report.info, "more": 1}).info["more"] == 1
