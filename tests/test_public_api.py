"""The public surface: one list of names (``_EXPORTS``), the same in the type checker's
imports, each name importable, the results keyword-only and immutable."""

from __future__ import annotations

import ast
import dataclasses
import importlib
from pathlib import Path
from types import ModuleType

import pytest

import mynacheck

#: The packages whose names load on first use (mynacheck.lazy), and each one's list.
LAZY_PACKAGES = {
    "mynacheck": "_EXPORTS",
    "mynacheck.api": "_EXPORTS",
    "mynacheck.card.pcsc": "_EXPORTS",
    "mynacheck.present.messages": "_TABLES",
    "mynacheck.simcard": "_EXPORTS",
    "mynacheck.tally": "_EXPORTS",
}


def _type_checking_imports(module: ModuleType) -> dict[str, str]:
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom), ast.dump(statement)
                if statement.level == 0:  # typing's names, for the annotations
                    continue
                for alias in statement.names:
                    assert alias.asname == alias.name  # "X as X": an explicit re-export
                    found[alias.name] = "." * statement.level + str(statement.module)
    return found


@pytest.mark.parametrize("package", sorted(LAZY_PACKAGES))
def test_type_checking_imports_and_exports_are_one_list(package: str) -> None:
    module = importlib.import_module(package)
    # The subject: the package's one list of names, private to it.
    exports = getattr(module, LAZY_PACKAGES[package])
    assert _type_checking_imports(module) == exports, (
        f"{package}: the TYPE_CHECKING imports must name exactly {LAZY_PACKAGES[package]}"
    )
    assert module.__getattr__.__module__ == "mynacheck.lazy", "one lazy loader for all"
    for name in exports:
        assert getattr(module, name) is not None, name
    assert set(exports) <= set(dir(module))


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


@pytest.mark.parametrize(
    "cls",
    [
        mynacheck.CheckReport,
        mynacheck.PinReport,
        mynacheck.KeyProof,
        mynacheck.TallySummary,
        mynacheck.CertificateInfo,
        mynacheck.PinInfo,
        mynacheck.ReaderInfo,
    ],
)
def test_results_are_keyword_only_and_frozen(cls: type) -> None:
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    assert params.frozen
    assert all(f.kw_only for f in dataclasses.fields(cls))


def test_a_reports_info_is_read_only_and_its_json_unchanged() -> None:
    source = {"sw": "FILE_NOT_FOUND (6A82)"}
    report = mynacheck.CheckReport(status=mynacheck.Status.MISSING, info=source)
    source["sw"] = "changed"
    assert report.info == {"sw": "FILE_NOT_FOUND (6A82)"}
    with pytest.raises(TypeError):
        report.info["sw"] = "x"  # type: ignore[index]
    assert mynacheck.render_json(report, "en")["info"] == {"sw": "FILE_NOT_FOUND (6A82)"}
    assert dataclasses.replace(report, info={**report.info, "more": 1}).info["more"] == 1
