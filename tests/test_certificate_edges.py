"""Certificates at the edges of RFC 5280, through the real command (a subprocess, so
stderr is what a user sees): no expiry, past year 9999 in JST, before 1950, a
negative serial. Each gives a verdict, never an internal error or a warning."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import DATA, SIMULATOR_ROOT

MYNACHECK = [sys.executable, "-m", "mynacheck.cli"]

#: scenario -> (status, days_left, renewal_opens)
EDGES: dict[str, tuple[str, int | None, str | None]] = {
    "no_expiry": ("valid", None, None),
    "far_future_dates": ("not_yet_valid", None, None),
    "dates_before_1950": ("expired", -28090, "1949-09-30"),
    "negative_serial": ("valid", 1281, "2030-02-28"),
}
AT = "2026-11-27T12:00"


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MYNACHECK, *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def clean(result: subprocess.CompletedProcess[str]) -> None:
    """Nothing on stderr: no traceback, no warning (cryptography's included)."""
    assert result.stderr == "", result.stderr


@pytest.mark.parametrize("scenario", sorted(EDGES))
def test_check_json_gives_a_verdict_with_nulls_where_there_is_no_date(scenario: str) -> None:
    status, days_left, opens = EDGES[scenario]
    result = run(
        "check", "--simulate", scenario, "--pin-stdin", "--json", "--at", AT, stdin="1234\n"
    )
    clean(result)
    payload: dict[str, Any] = json.loads(result.stdout)
    assert payload["status"] == status
    cert = payload["certificate"]
    assert cert["days_left"] == days_left
    assert cert["renewal_opens"] == opens
    assert cert["renewal_open"] is False
    assert cert["trust"] == "simulated"
    if status == "valid":  # the PIN path parses the certificate again (key proof)
        assert payload["key_proof"] == {"performed": True, "ok": True}


@pytest.mark.parametrize("scenario", sorted(EDGES))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_check_text_prints_every_edge(scenario: str, lang: str) -> None:
    result = run("check", "--simulate", scenario, "--no-pin", "--lang", lang, "--at", AT)
    clean(result)
    out = result.stdout
    if scenario in ("no_expiry", "far_future_dates"):
        assert ("有効期限なし" if lang == "ja" else "No expiry") in out
    if scenario == "dates_before_1950":
        assert "1949-12-31 23:59 JST" in out and "1949-09-30" in out
    if scenario == "far_future_dates":
        assert "9999-12-31T15:00:00Z" in out  # the start, in UTC: JST cannot show it


def test_dates_print_as_iso_8601_with_four_digit_years() -> None:
    result = run("check", "--simulate", "dates_before_1950", "--no-pin", "--json", "--at", AT)
    clean(result)
    cert = json.loads(result.stdout)["certificate"]
    assert (cert["not_before"], cert["not_after"]) == (
        "0001-01-01T00:00:00Z",
        "1949-12-31T14:59:59Z",
    )


def test_negative_serial_is_reported_without_a_warning() -> None:
    der = str(DATA / "ee-negative-serial.der")
    ca = str(DATA / "simulator-root.der")
    result = run("inspect", der, "--ca", ca, "--trust-anchor", str(SIMULATOR_ROOT), "--json")
    clean(result)
    payload = json.loads(result.stdout)
    assert payload["status"] == "valid"
    assert payload["certificate"]["serial"] == "-1a2b3ce"
    # The same certificate as an anchor file: loading it is quiet too.
    result = run("inspect", der, "--ca", ca, "--trust-anchor", der, "--lang", "en")
    clean(result)
    assert result.returncode == 14


def test_watch_json_says_null_expiry_date() -> None:
    result = run("watch", "--simulate", "no_expiry,far_future_dates,valid", "--json")
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    checks = [line for line in lines if line.get("event") == "check"]
    assert [c["status"] for c in checks] == ["valid", "not_yet_valid", "valid"]
    for check in checks[:2]:
        cert = check["certificate"]
        assert cert["expiry_date"] is None
        assert cert["days_left"] is None and cert["renewal_opens"] is None
        assert cert["renewal_open"] is False
    assert checks[2]["certificate"]["expiry_date"] == "2030-05-31"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_watch_screen_says_no_expiry(lang: str) -> None:
    result = run("watch", "--simulate", "no_expiry", "--lang", lang)
    assert "Traceback" not in result.stderr
    assert ("有効期限なし" if lang == "ja" else "No expiry") in result.stdout


def test_tally_row_of_a_certificate_without_expiry(tmp_path: Path) -> None:
    db = tmp_path / "tally.sqlite3"
    result = run("check", "--simulate", "no_expiry", "--no-pin", "--log", str(db), "--json")
    clean(result)
    assert json.loads(result.stdout)["status"] == "valid"
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT status, expiry, renewal_open FROM checks").fetchall()
    assert rows == [("valid", None, 0)]
    report = run("report", str(db), "--json")
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["checks"] == 1
