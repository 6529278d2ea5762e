"""The one-folder bundle (``dist/mynacheck``, built by ``scripts/build_bundle.py``),
driven from outside the repository as a user would run it.

``.ci/run`` builds the bundle (or reuses the cached one) and sets ``MYNACHECK_BUNDLE``.
Without a bundle these tests FAIL under CI and skip elsewhere. The tests that need
pcscd + vpcd take the shared virtual readers through the ``virtual_card`` fixture.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from ..helpers import ANCHOR  # through pcscd, the simulator's root must be named
from ..packaging_helpers import ROOT, WINDOWS, missing, run, source_version
from ..pg_cluster import Tally
from .conftest import InsertCard, reader_name

BUNDLE = Path(os.environ.get("MYNACHECK_BUNDLE") or ROOT / "dist" / "mynacheck")


def _exe(name: str) -> Path:
    return BUNDLE / (name + ".exe" if WINDOWS else name)


@pytest.fixture(scope="module")
def bundle() -> Path:
    if not _exe("mynacheck").is_file():
        missing(f"the bundle {BUNDLE}", "run: python scripts/build_bundle.py")
    return BUNDLE


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working folder outside the repository, with a home of its own (no anchors)."""
    home = tmp_path / "home"
    home.mkdir()
    return tmp_path


def _home_env(elsewhere: Path) -> dict[str, str]:
    home = str(elsewhere / "home")
    return {"HOME": home, "XDG_CONFIG_HOME": home, "LOCALAPPDATA": home}


def _bundled(bundle: Path, elsewhere: Path, *args: str, **env: str):  # type: ignore[no-untyped-def]
    return run([_exe("mynacheck"), *args], cwd=elsewhere, timeout=60, **_home_env(elsewhere), **env)


def test_version_is_the_source_version(bundle: Path, elsewhere: Path) -> None:
    result = _bundled(bundle, elsewhere, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().split()[-1] == source_version()


def test_simulated_check_json(bundle: Path, elsewhere: Path) -> None:
    result = _bundled(bundle, elsewhere, "check", "--simulate", "valid", "--no-pin", "--json")
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    report = json.loads(result.stdout.decode("utf-8"))
    assert report["status"] == "valid"
    assert report["simulated"] is True
    assert report["certificate"]["trust"] is not None


@pytest.mark.skipif(WINDOWS, reason="POSIX locales; Windows writes to a console in UTF-16")
@pytest.mark.parametrize(
    "locale", [{"LANG": "C.UTF-8"}, {"LANG": "ja_JP.UTF-8"}, {}], ids=["C.UTF-8", "ja_JP", "none"]
)
def test_japanese_text_is_intact(bundle: Path, elsewhere: Path, locale: dict[str, str]) -> None:
    """A frozen Python gets no C-locale coercion from a normal interpreter's start-up:
    whatever the locale, the Japanese verdict must come out as UTF-8, not '?'."""
    env = {"LC_ALL": "", "LC_CTYPE": "", **locale} if locale else {"LANG": "", "LC_ALL": ""}
    result = _bundled(
        bundle, elsewhere, "check", "--simulate", "valid", "--no-pin", "--lang", "ja", **env
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode("utf-8")
    assert "有効" in text and "?" not in text.splitlines()[0]


def test_a_failing_outcome_keeps_its_exit_code(bundle: Path, elsewhere: Path) -> None:
    result = _bundled(bundle, elsewhere, "check", "--simulate", "expired", "--no-pin", "--json")
    assert result.returncode == 11
    assert json.loads(result.stdout.decode("utf-8"))["status"] == "expired"


def test_report_files_from_the_bundle(bundle: Path, elsewhere: Path) -> None:
    """The survey's files from the zip alone: XlsxWriter is in it, the page needs nothing."""
    for scenario in ("valid", "expired", "renewal_window"):
        args = ["check", "--simulate", scenario, "--no-pin", "--log", "t.sqlite3"]
        result = _bundled(bundle, elsewhere, *args, "--tag", "総務課")
        assert result.returncode in (0, 11), result.stderr.decode(errors="replace")
    args = ["report", "t.sqlite3", "--by", "tag", "--xlsx", "t.xlsx", "--html", "t.html"]
    result = _bundled(bundle, elsewhere, *args, "--csv", "t.csv", "--lang", "ja")
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    import openpyxl

    book = openpyxl.load_workbook(elsewhere / "t.xlsx")
    assert book.sheetnames == ["概要", "タグ別", "更新の見通し", "集計ファイル"]
    assert (elsewhere / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "<svg" in (elsewhere / "t.html").read_text("utf-8")


def test_bundle_contents(bundle: Path) -> None:
    internal = bundle / "_internal"
    package = ROOT / "src" / "mynacheck"
    for file in package.rglob("*"):  # the package's data: simulated card, J-LIS roots, ...
        if file.is_file() and file.suffix != ".py" and "__pycache__" not in file.parts:
            bundled = internal / file.relative_to(package.parent)
            assert bundled.is_file(), f"the bundle lacks {bundled.relative_to(bundle)}"
    assert (internal / "mynacheck" / "simcard" / "data" / "ee-valid.der").is_file()
    assert (internal / "LICENSE").is_file()
    assert (internal / "THIRD_PARTY_NOTICES.md").is_file()
    for shipped in ("pyscard", "cryptography", "click", "XlsxWriter", "psycopg", "psycopg_binary"):
        assert any((internal / "licenses" / shipped).iterdir()), f"no license text for {shipped}"
    server_texts = {p.name for p in (internal / "licenses" / "psycopg_binary").iterdir()}
    assert {"PostgreSQL.txt", "Apache-2.0.txt"} <= server_texts, server_texts
    assert (internal / "psycopg_binary").is_dir(), "the server tally's libpq is missing"
    assert (internal / "psycopg" / "__init__.py").is_file()  # LGPL: replaceable files
    assert _exe("mynacheck-gui").is_file()
    for qt_part in ("PySide6_Essentials", "shiboken6"):  # LGPL-3.0 and the GPL-3.0
        texts = {p.name for p in (internal / "licenses" / qt_part).iterdir()}
        assert {"LGPL-3.0.txt", "GPL-3.0.txt"} <= texts, qt_part
    qt = internal / "PySide6" if WINDOWS else internal / "PySide6" / "Qt"
    platforms = {p.name for p in (qt / "plugins" / "platforms").iterdir()}
    native = "qwindows.dll" if WINDOWS else "libqxcb.so"
    offscreen = "qoffscreen.dll" if WINDOWS else "libqoffscreen.so"
    assert {native, offscreen} <= platforms, f"Qt's platform plugins: {platforms}"
    translations = {p.name for p in (qt / "translations").glob("*.qm")}
    assert "qtbase_ja.qm" in translations and "qtbase_de.qm" not in translations
    if sys.platform.startswith("linux"):
        # The PC/SC client library must be the system's, matching its pcscd.
        assert not [p.name for p in bundle.rglob("libpcsclite*")]


def test_gui_smoke_test_offscreen(bundle: Path, elsewhere: Path) -> None:
    result = run(
        [_exe("mynacheck-gui"), "--smoke-test"],
        cwd=elsewhere,
        timeout=120,
        QT_QPA_PLATFORM="offscreen",
        **_home_env(elsewhere),
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")


@pytest.mark.skipif(WINDOWS, reason="pcscd + vsmartcard-vpcd: Linux CI")
def test_readers_through_pcscd(bundle: Path, elsewhere: Path, pcscd: None) -> None:
    result = _bundled(bundle, elsewhere, "readers", "--json")
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    names = json.dumps(json.loads(result.stdout.decode("utf-8")), ensure_ascii=False)
    assert reader_name(0) in names and reader_name(1) in names


@pytest.mark.skipif(WINDOWS, reason="pcscd + vsmartcard-vpcd: Linux CI")
def test_real_check_through_pcscd(bundle: Path, elsewhere: Path, virtual_card: InsertCard) -> None:
    virtual_card("valid")
    result = _bundled(bundle, elsewhere, "check", "--reader", "0", "--no-pin", "--json", *ANCHOR)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    report = json.loads(result.stdout.decode("utf-8"))
    assert report["status"] == "valid"
    assert report["simulated"] is False
    assert report["reader"] == reader_name(0)
    assert report["apdu_count"] >= 3


def test_the_server_tally_from_the_bundle(bundle: Path, elsewhere: Path, pg_tally: Tally) -> None:
    """psycopg with its libpq and OpenSSL is in the bundle: a counter writes to the server
    over TLS (verify-full with the office's CA), a file is pushed, the office reports;
    a server whose certificate does not verify is refused."""
    cluster = pg_tally.cluster

    def tls(role: str, ca: Path = cluster.ca) -> str:
        uri = pg_tally.uri(role, sslmode="verify-full", sslrootcert=str(ca))
        return uri.replace("127.0.0.1", "localhost")

    key, data = elsewhere / "shared.key", {"XDG_DATA_HOME": str(elsewhere / "data")}
    counted = _bundled(
        bundle, elsewhere, "check", "--simulate", "valid", "--no-pin", "--tag", "窓口",
        "--log", tls("counter1"), "--key-file", str(key), **data,
    )  # fmt: skip
    assert counted.returncode == 0, counted.stderr.decode()
    assert pg_tally.rows("SELECT status, tag FROM mynacheck.checks") == [("valid", "窓口")]
    file = elsewhere / "counter.sqlite3"
    logged = _bundled(
        bundle, elsewhere, "check", "--simulate", "expired", "--no-pin",
        "--log", str(file), "--key-file", str(key),
    )  # fmt: skip
    assert logged.returncode == 11, logged.stderr.decode()
    pushed = _bundled(
        bundle, elsewhere, "tally", "push", str(file), "--to", tls("counter1"), "--json"
    )
    assert pushed.returncode == 0, pushed.stderr.decode()
    assert json.loads(pushed.stdout)["files"][0]["new"] == 1
    report = _bundled(bundle, elsewhere, "report", tls("office"), "--json")
    assert report.returncode == 0, report.stderr.decode()
    assert json.loads(report.stdout)["checks"] == 2
    refused = _bundled(bundle, elsewhere, "report", tls("office", cluster.other_ca), "--lang", "en")
    assert refused.returncode == 2 and b"certificate" in refused.stderr
