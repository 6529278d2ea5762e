"""``report`` on the server gives the same answers as on the SQLite files holding the
same rows: every option, compared as ``--json`` and ``--csv`` (any divergence between
the SQL on the server and the SQL on files shows here)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import mynacheck
from mynacheck.cli import main

from .pg_cluster import Tally
from .tally_helpers import log, simulated

JST = timezone(timedelta(hours=9))


def jst(day: str, hour: int = 10, minute: int = 0) -> datetime:
    y, m, d = map(int, day.split("-"))
    return datetime(y, m, d, hour, minute, tzinfo=JST)


#: Counter A: written to a file, then pushed (``tally push``).
COUNTER_A = [
    ("valid", "2026-04-01", 9),
    ("expired", "2026-04-02", 10),
    ("missing_not_found", "2026-04-15", 10),
    ("renewal_window", "2026-05-01", 0),  # 2026-04-30 15:xx UTC: May in JST
    ("valid", "2026-05-11", 10),
    ("not_mynumber_card", "2026-05-12", 23),
    ("expired", "2026-07-06", 8),
]
#: Counter B: delivered by a counter through its outbox. The valid card also goes to A.
COUNTER_B = [
    ("valid", "2026-05-20", 10),
    ("big_certificate", "2026-06-01", 10),
    ("pulled_out", "2026-06-02", 10),
    ("renewal_window", "2026-06-29", 23),
    ("no_expiry", "2026-07-01", 10),
    ("missing_blank_ff", "2026-07-01", 11),
    ("big_certificate", "2026-07-05", 10),
]


@pytest.fixture
def same_rows(pg_tally: Tally, tmp_path: Path) -> tuple[list[str], str]:
    key = tmp_path / "shared.key"
    a = tmp_path / "a.sqlite3"
    log(a, [(s, jst(d, h, 30)) for s, d, h in COUNTER_A], key_file=key, tag="総務課")
    mynacheck.push_tallies([a], pg_tally.uri("counter1"))
    outbox = tmp_path / "b-outbox.sqlite3"
    with mynacheck.open_tally(
        pg_tally.uri("counter2"), key_file=key, tag="人事課", outbox=outbox
    ) as counter:
        for scenario, day, hour in COUNTER_B:
            counter.append(simulated(scenario, jst(day, hour)), at=jst(day, hour, 15))
        assert counter.flush(30), counter.state()
    return [str(a), str(outbox)], pg_tally.uri("office")


def report(args: list[str]) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["report", *args, "--json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    del payload["databases"]
    return payload


OPTIONS = [
    [],
    ["--at", "2026-11-27"],
    ["--at", "2026-06-15"],
    ["--from", "2026-05-01", "--to", "2026-06-30"],
    ["--from", "2026-05-01"],
    ["--to", "2026-05-31", "--at", "2026-12-01"],
    *[["--by", by] for by in ("day", "week", "month", "tag")],
    *[["--by", by, "--latest"] for by in ("day", "week", "month", "tag")],
    ["--by", "month", "--latest", "--from", "2026-05-01", "--to", "2026-06-30"],
    ["--by", "tag", "--from", "2026-06-01"],
    ["--by", "week", "--latest", "--from", "2026-04-01", "--to", "2026-04-30"],
    ["--from", "2027-01-01"],  # nothing in the period
    ["--tag", "人事課"],
    ["--tag", "総務課", "--by", "month", "--at", "2026-11-27"],
    ["--tag", "総務課", "--tag", "人事課", "--by", "tag", "--latest"],
    ["--tag", "人事課", "--from", "2026-06-01", "--by", "week"],
    ["--tag", "窓口9"],  # a tag no row has
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: " ".join(o) or "whole")
def test_server_json_equals_files_json(
    same_rows: tuple[list[str], str], options: list[str]
) -> None:
    files, server = same_rows
    on_files = report([*files, *options])
    on_server = report([server, *options])
    assert on_server == on_files
    if not options:  # the survey itself, so that equal is not equally wrong
        assert on_files["checks"] == 14 and on_files["cards"] == 5
        assert on_files["checks_by_status"]["valid"] == 8


def test_server_csv_and_chart_equal_files(same_rows: tuple[list[str], str], tmp_path: Path) -> None:
    files, server = same_rows
    for options in ([], ["--by", "month"], ["--by", "tag", "--latest"]):
        outputs = []
        for source in (files, [server]):
            result = CliRunner().invoke(main, ["report", *source, *options, "--csv"])
            assert result.exit_code == 0, result.output
            outputs.append(result.stdout)
        assert outputs[0] == outputs[1]
    summaries = [
        mynacheck.summarize_tallies(source, cumulative=True, at=jst("2026-11-27").date())
        for source in (files, [server])
    ]
    assert summaries[0].valid_cards_cumulative == summaries[1].valid_cards_cumulative
    assert summaries[1].valid_cards_cumulative[-1][1] == 4
    chart = tmp_path / "survey.svg"
    result = CliRunner().invoke(main, ["report", server, "--chart", str(chart), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert chart.read_text().startswith("<?xml")


def test_one_card_at_two_counters_counts_once(pg_tally: Tally, tmp_path: Path) -> None:
    key = tmp_path / "shared.key"
    for counter in ("counter1", "counter2"):
        with mynacheck.open_tally(
            pg_tally.uri(counter), key_file=key, outbox=tmp_path / f"{counter}.sqlite3"
        ) as tally:
            tally.append(simulated("valid"), at=jst("2026-04-01"))
            assert tally.flush(20)
    payload = report([pg_tally.uri("office")])
    assert payload["checks"] == 2 and payload["cards"] == 1 and not payload["mixed_keys"]
    # A third counter with its own key: the report warns, as over files.
    with mynacheck.open_tally(
        pg_tally.uri("counter1"), key_file=tmp_path / "other.key", outbox=tmp_path / "c3.sqlite3"
    ) as tally:
        tally.append(simulated("valid"), at=jst("2026-04-02"))
        assert tally.flush(20)
    result = CliRunner().invoke(main, ["report", pg_tally.uri("office"), "--lang", "en"])
    assert result.exit_code == 0 and "different keys" in result.stderr
