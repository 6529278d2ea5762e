"""``mynacheck report``: groupings, ``--latest``, the renewal forecast, merging, the
formats (text, CSV, JSON), the chart, and reading without ever writing.

Tallies are built with ``open_tally(...).append(report, at=...)`` from real
simulated checks on chosen days; hand-written SQL only damages or ages a file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from mynacheck import TallySummary
from mynacheck.cli import main
from mynacheck.present.watchview import display_width
from mynacheck.tally import TallyError, open_tally, summarize_tallies

from .tally_helpers import (
    as_version_1,
    assert_report_names_the_row,
    log,
    run_as_nobody,
    simulated,
    snapshot,
    unprivileged_python,
)

JST = timezone(timedelta(hours=9))
AT = "2026-11-27"


def jst(day: str, hour: int = 10, minute: int = 0) -> datetime:
    y, m, d = map(int, day.split("-"))
    return datetime(y, m, d, hour, minute, tzinfo=JST)


@pytest.fixture
def survey(tmp_path: Path) -> tuple[Path, Path]:
    """Two counters sharing one key. Cards: V (valid, checked at both), E (expired),
    R (renewal_window), G (big_certificate); plus a missing and a failed read."""
    key = tmp_path / "shared.key"
    a, b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    log(
        a,
        [
            ("valid", jst("2026-04-01", 9)),
            ("expired", jst("2026-04-02")),
            ("missing_not_found", jst("2026-04-15")),
            ("renewal_window", jst("2026-05-01", 0, 30)),  # 2026-04-30 15:30 UTC: May in JST
            ("valid", jst("2026-05-11")),
        ],
        key_file=key,
        tag="総務課",
    )
    log(
        b,
        [
            ("valid", jst("2026-05-20")),
            ("big_certificate", jst("2026-06-01")),
            ("pulled_out", jst("2026-06-02")),
        ],
        key_file=key,
        tag="人事課",
    )
    return a, b


def groups(summary: TallySummary) -> dict[str | None, tuple[dict[str, int], dict[str, int]]]:
    assert summary.groups is not None
    return {g.key: (g.checks, g.cards) for g in summary.groups}


# -- counting ------------------------------------------------------------------------------


def test_totals_merge_two_counters_and_count_a_card_once(survey: tuple[Path, Path]) -> None:
    summary = summarize_tallies(survey, at=date(2026, 11, 27))
    assert summary.checks == 8
    assert summary.checks_by_status == {"valid": 5, "missing": 1, "expired": 1, "card_error": 1}
    assert summary.cards == 4
    assert summary.cards_by_status == {"valid": 3, "expired": 1}
    assert summary.checks_without_certificate == 2
    assert summary.cards_renewal_open == 1  # R: its window opened on 2026-10-31
    assert not summary.mixed_keys and summary.groups is None


def test_by_month_in_jst(survey: tuple[Path, Path]) -> None:
    assert groups(summarize_tallies(survey, by="month")) == {
        "2026-04": ({"valid": 1, "missing": 1, "expired": 1}, {"valid": 1, "expired": 1}),
        "2026-05": ({"valid": 3}, {"valid": 2}),  # V at both counters counts once
        "2026-06": ({"valid": 1, "card_error": 1}, {"valid": 1}),
    }
    assert groups(summarize_tallies(survey, by="month", latest=True)) == {
        "2026-04": ({"valid": 1, "missing": 1, "expired": 1}, {"expired": 1}),
        "2026-05": ({"valid": 3}, {"valid": 2}),
        "2026-06": ({"valid": 1, "card_error": 1}, {"valid": 1}),
    }


def test_by_week_keys_are_mondays(survey: tuple[Path, Path]) -> None:
    result = groups(summarize_tallies(survey, by="week"))
    assert list(result) == [
        "2026-03-30",
        "2026-04-13",
        "2026-04-27",
        "2026-05-11",
        "2026-05-18",
        "2026-06-01",
    ]
    assert all(date.fromisoformat(key).weekday() == 0 for key in result if key)
    assert result["2026-03-30"] == ({"valid": 1, "expired": 1}, {"valid": 1, "expired": 1})
    assert result["2026-06-01"] == ({"valid": 1, "card_error": 1}, {"valid": 1})


def test_by_day(survey: tuple[Path, Path]) -> None:
    result = groups(summarize_tallies(survey, by="day", latest=True))
    assert list(result) == [
        "2026-04-01",
        "2026-04-02",
        "2026-04-15",
        "2026-05-01",
        "2026-05-11",
        "2026-05-20",
        "2026-06-01",
        "2026-06-02",
    ]
    assert result["2026-04-01"] == ({"valid": 1}, {})  # V's latest check is on 05-20
    assert result["2026-05-20"] == ({"valid": 1}, {"valid": 1})
    assert result["2026-04-15"] == ({"missing": 1}, {})


def test_by_tag(survey: tuple[Path, Path]) -> None:
    assert groups(summarize_tallies(survey, by="tag")) == {
        "人事課": ({"valid": 2, "card_error": 1}, {"valid": 2}),
        "総務課": ({"valid": 3, "missing": 1, "expired": 1}, {"valid": 2, "expired": 1}),
    }
    assert groups(summarize_tallies(survey, by="tag", latest=True)) == {
        "人事課": ({"valid": 2, "card_error": 1}, {"valid": 2}),
        "総務課": ({"valid": 3, "missing": 1, "expired": 1}, {"valid": 1, "expired": 1}),
    }


def test_latest_one_card_checked_three_times_counts_once_as_valid(tmp_path: Path) -> None:
    """One certificate: judged expired twice (a counter whose clock ran four years
    ahead), then valid. ``--latest`` counts it once, as valid, in its last group."""
    db = tmp_path / "t.sqlite3"
    wrong_clock = jst("2030-06-10")
    log(
        db,
        [
            ("valid", jst("2026-04-06"), wrong_clock),
            ("valid", jst("2026-04-07"), wrong_clock),
            ("valid", jst("2026-04-10")),
        ],
    )
    summary = summarize_tallies([db], by="day", latest=True)
    assert summary.checks_by_status == {"valid": 1, "expired": 2}
    assert summary.cards == 1 and summary.cards_by_status == {"valid": 1}
    assert groups(summary) == {
        "2026-04-06": ({"expired": 1}, {}),
        "2026-04-07": ({"expired": 1}, {}),
        "2026-04-10": ({"valid": 1}, {"valid": 1}),
    }
    by_week = groups(summarize_tallies([db], by="week", latest=True))
    assert by_week == {"2026-04-06": ({"valid": 1, "expired": 2}, {"valid": 1})}
    without = groups(summarize_tallies([db], by="day"))
    assert without["2026-04-06"] == ({"expired": 1}, {"expired": 1})


def test_a_renewed_certificate_is_another_card(tmp_path: Path) -> None:
    """The card hash is the certificate's: after renewal the old one stays expired
    (linking the two needs J-LIS); the README says so."""
    db = tmp_path / "t.sqlite3"
    log(db, [("expired", jst("2026-04-06")), ("valid", jst("2026-04-10"))])
    summary = summarize_tallies([db], latest=True)
    assert summary.cards_by_status == {"valid": 1, "expired": 1}


def test_renewal_forecast_and_window_as_of_at(survey: tuple[Path, Path]) -> None:
    summary = summarize_tallies(survey, at=date(2026, 11, 27))
    forecast = [(m.month, m.cards) for m in summary.renewal_forecast]
    assert len(forecast) == 12
    assert forecast[0] == ("2026-11", 0) and forecast[-1] == ("2027-10", 0)
    assert dict(forecast)["2027-01"] == 1  # R
    assert sum(n for _, n in forecast) == 1

    later = summarize_tallies(survey, at=date(2029, 12, 1))
    assert [m.month for m in later.renewal_forecast][:2] == ["2029-12", "2030-01"]
    assert {m.month: m.cards for m in later.renewal_forecast}["2030-05"] == 2  # V and G
    assert later.cards_renewal_open == 0
    assert summarize_tallies(survey, at=date(2030, 3, 1)).cards_renewal_open == 2
    assert summarize_tallies(survey, at=date(2030, 6, 1)).cards_renewal_open == 0  # expired


def test_period_is_in_jst_days(survey: tuple[Path, Path]) -> None:
    from mynacheck.tally import day_range

    since, until = day_range(date(2026, 5, 1), date(2026, 5, 31))
    summary = summarize_tallies(survey, since=since, until=until, by="month")
    assert summary.checks == 3 and list(groups(summary)) == ["2026-05"]
    since, until = day_range(date(2026, 4, 1), date(2026, 4, 30))
    assert summarize_tallies(survey, since=since, until=until).checks == 3
    with pytest.raises(TallyError) as error:
        day_range(date(2026, 5, 2), date(2026, 5, 1))
    assert error.value.key == "report_period_reversed"


def test_different_keys_count_twice_and_say_so(tmp_path: Path) -> None:
    log(tmp_path / "a.sqlite3", [("valid", jst("2026-04-01"))])
    log(tmp_path / "b.sqlite3", [("valid", jst("2026-04-02"))])
    summary = summarize_tallies([tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"])
    assert summary.cards == 2 and summary.mixed_keys
    result = CliRunner().invoke(
        main, ["report", str(tmp_path / "a.sqlite3"), str(tmp_path / "b.sqlite3"), "--lang", "en"]
    )
    assert result.exit_code == 0
    assert "different keys" in result.stderr and "different keys" not in result.stdout


def test_same_database_twice_is_read_once(survey: tuple[Path, Path]) -> None:
    a, _b = survey
    assert summarize_tallies([a, a.parent / "." / a.name]).checks == 5


#: The figures of a summary two ways of reading the same tallies must agree on.
FIGURES = (
    "checks_by_status",
    "cards_by_status",
    "groups",
    "renewal_forecast",
    "cards_renewal_open",
    "checks_without_certificate",
    "first",
    "last",
)


@pytest.mark.parametrize("files", [1, 2])
@pytest.mark.parametrize("latest", [False, True])
@pytest.mark.parametrize("by", [None, "day", "week", "month"])
def test_version_1_tallies_give_the_same_answers(
    survey: tuple[Path, Path], tmp_path: Path, by: str | None, latest: bool, files: int
) -> None:
    """A version-1 tally has no indexes: read the slow way, it must say the same."""
    old = [tmp_path / "old-a.sqlite3", tmp_path / "old-b.sqlite3"]
    for new, aged in zip(survey, old, strict=True):
        as_version_1(new, aged)
    at = date(2026, 11, 27)
    current = summarize_tallies(survey[:files], by=by, latest=latest, at=at, cumulative=True)
    previous = summarize_tallies(old[:files], by=by, latest=latest, at=at, cumulative=True)
    for name in FIGURES:
        assert getattr(previous, name) == getattr(current, name), name


@pytest.mark.parametrize("files", [1, 2])
@pytest.mark.parametrize("latest", [False, True])
@pytest.mark.parametrize("by", [None, "day", "week", "month", "tag"])
def test_the_writers_card_lines_agree_with_the_rows(
    survey: tuple[Path, Path], tmp_path: Path, by: str | None, latest: bool, files: int
) -> None:
    """A report over whole tallies reads each card's line (kept by the writers); over a
    period it reads the rows. Both must say the same, also for checks appended late."""
    from mynacheck.tally import day_range

    late = [
        ("valid", jst("2026-03-01"), jst("2030-06-10")),  # an older, expired verdict of V
        ("renewal_window", jst("2026-04-20")),  # R, before its May check
    ]
    log(survey[0], late, key_file=tmp_path / "shared.key", tag="総務課")
    since, _ = day_range(date(2000, 1, 1), None)
    at = date(2026, 11, 27)
    tallies = survey[:files]
    whole = summarize_tallies(tallies, by=by, latest=latest, at=at, cumulative=True)
    rows = summarize_tallies(tallies, since=since, by=by, latest=latest, at=at, cumulative=True)
    for name in ("checks", *FIGURES, "valid_cards_cumulative"):
        assert getattr(whole, name) == getattr(rows, name), name
    assert whole.cards_by_status == (
        {"valid": 3, "expired": 1} if files == 2 else {"valid": 2, "expired": 1}
    )
    assert whole.valid_cards_cumulative[0] == (date(2026, 4, 1), 1)


# -- the command: formats ---------------------------------------------------------------


def test_json_by_month_latest(survey: tuple[Path, Path]) -> None:
    args = ["report", *map(str, survey), "--by", "month", "--latest", "--at", AT, "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["schema"] == 1
    assert payload["by"] == "month" and payload["latest"] is True and payload["at"] == AT
    assert [{k: g[k] for k in ("key", "checks", "cards")} for g in payload["groups"]] == [
        {
            "key": "2026-04",
            "checks": {"valid": 1, "missing": 1, "expired": 1},
            "cards": {"expired": 1},
        },
        {"key": "2026-05", "checks": {"valid": 3}, "cards": {"valid": 2}},
        {"key": "2026-06", "checks": {"valid": 1, "card_error": 1}, "cards": {"valid": 1}},
    ]
    # each group's own renewal figures: R (renewal window, expires 2027-01) was last
    # checked in May; the groups add up to the whole (each card in one group)
    may = payload["groups"][1]
    assert may["cards_renewal_open"] == 1 and may["renewal_forecast"][2] == {
        "month": "2027-01",
        "cards": 1,
    }
    assert [g["cards_renewal_open"] for g in payload["groups"]] == [0, 1, 0]
    for index in range(12):
        assert (
            sum(g["renewal_forecast"][index]["cards"] for g in payload["groups"])
            == (payload["renewal_forecast"][index]["cards"])
        )
    assert payload["tags"] is None
    assert len(payload["renewal_forecast"]) == 12
    assert payload["renewal_forecast"][0] == {"month": "2026-11", "cards": 0}
    assert payload["renewal_forecast"][2] == {"month": "2027-01", "cards": 1}
    assert payload["cards_renewal_open"] == 1
    assert payload["cards"] == 4 and payload["checks"] == 8


def test_json_without_by_has_no_groups(survey: tuple[Path, Path]) -> None:
    result = CliRunner().invoke(main, ["report", str(survey[0]), "--json"])
    payload = json.loads(result.stdout)
    assert payload["groups"] is None and payload["by"] is None
    assert payload["checks_by_status"] == {"valid": 3, "missing": 1, "expired": 1}


def test_csv_by_tag_and_plain(survey: tuple[Path, Path]) -> None:
    result = CliRunner().invoke(main, ["report", *map(str, survey), "--by", "tag", "--csv"])
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout)))
    verdicts = [row[:4] for row in table if not row[1].startswith(("renewal_", "expires_"))]
    assert verdicts == [
        ["group", "status", "checks", "cards"],
        ["人事課", "valid", "2", "2"],
        ["人事課", "card_error", "1", ""],
        ["総務課", "valid", "3", "2"],
        ["総務課", "missing", "1", ""],
        ["総務課", "expired", "1", "1"],
    ]
    assert table[0][4] == "status_label"
    # each group: its renewal window, then 12 forecast months
    soumu = [row for row in table if row[0] == "総務課" and row[2] == ""]
    assert [row[1] for row in soumu[:2]] == ["renewal_open", "expires_" + soumu[1][1][8:]]
    assert len(soumu) == 13
    result = CliRunner().invoke(main, ["report", *map(str, survey), "--csv", "--lang", "en"])
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0] == ["status", "checks", "cards", "status_label"]
    assert ["missing", "1", "", "MISSING"] in table
    assert ["expired", "1", "1", "EXPIRED (may include certificates already replaced)"] in table
    totals = [row[:3] for row in table if row[0] in ("total", "renewal_open")]
    assert totals == [["total", "8", "4"], ["renewal_open", "", "1"]]
    assert [row[0] for row in table[-12:]] == [f"expires_{m}" for m in _months(table)]


def _months(table: list[list[str]]) -> list[str]:
    return [row[0].removeprefix("expires_") for row in table if row[0].startswith("expires_")]


def test_csv_of_an_untagged_tally_has_an_empty_group(tmp_path: Path) -> None:
    log(tmp_path / "t.sqlite3", [("valid", jst("2026-04-01"))])
    result = CliRunner().invoke(
        main, ["report", str(tmp_path / "t.sqlite3"), "--by", "tag", "--csv"]
    )
    assert result.stdout.splitlines()[1].startswith(",valid,1,1,")


def test_text_by_month_in_japanese_lines_up(survey: tuple[Path, Path]) -> None:
    args = ["report", *map(str, survey), "--by", "month", "--lang", "ja", "--at", AT]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "集計 (月別)" in out and "期間全体" in out
    assert "更新受付期間中のカード (有効期限まで 3 か月以内、2026-11-27 時点): 1" in out
    assert "    2027-01     1" in out
    assert "有効な証明書を確認できたカード: 3 枚 (カードは 4 枚)" in out
    assert "期限切れ *" in out and "* 期限切れのカードには" in out
    table = out.split("\n\n")[3].splitlines()  # the per-month table
    assert table[0].split()[:2] == ["月", "判定"]
    assert len({display_width(line) for line in table}) == 1  # numbers right-aligned


def test_english_says_one_check_not_one_checks(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    log(db, [("missing_not_found", jst("2026-04-01")), ("valid", jst("2026-04-02"))])
    result = CliRunner().invoke(main, ["report", str(db), "--lang", "en"])
    assert "1 check without a certificate cannot be told apart: counted as a check only." in (
        result.stdout
    )
    assert "1 checks" not in result.stdout


def test_tag_null_shows_as_no_tag(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    log(db, [("valid", jst("2026-04-01"))])
    result = CliRunner().invoke(main, ["report", str(db), "--by", "tag", "--lang", "en"])
    assert "(no tag)" in result.stdout
    payload = json.loads(
        CliRunner().invoke(main, ["report", str(db), "--by", "tag", "--json"]).stdout
    )
    assert payload["groups"][0]["key"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--from", "2026-05-02", "--to", "2026-05-01"],
            "--from 2026-05-02 is after --to 2026-05-01",
        ),
        (["--at", "someday"], "cannot read the date 'someday'"),
        (["--json", "--csv"], "cannot be used together"),
        (["--chart", "out.pdf"], "must end in .png or .svg"),
    ],
)
def test_usage_errors(survey: tuple[Path, Path], args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["report", str(survey[0]), *args, "--lang", "en"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


# -- the chart ---------------------------------------------------------------------------------


def test_chart_png_is_a_real_picture(survey: tuple[Path, Path], tmp_path: Path) -> None:
    from matplotlib import image

    picture = tmp_path / "chart.png"
    args = ["report", *map(str, survey), "--chart", str(picture), "--at", AT, "--lang", "ja"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.imread(picture).shape[:2] == (700, 800)
    assert "グラフを" in result.stderr


def test_chart_svg_keeps_japanese_text_as_text(survey: tuple[Path, Path], tmp_path: Path) -> None:
    picture = tmp_path / "chart.svg"
    args = ["report", *map(str, survey), "--chart", str(picture), "--at", AT, "--lang", "ja"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    svg = picture.read_text(encoding="utf-8")
    for label in (
        "有効な証明書を確認したカード (累計)",
        "有効期限を迎えるカード (月別)",
        "2027-01",
    ):
        assert label in svg
    assert "IPA" in svg or "Noto" in svg  # a CJK font named for the text
    # An earlier chart may be replaced by the next one.
    again = CliRunner().invoke(main, [*args[:-2], "--lang", "en"])
    assert again.exit_code == 0
    assert "Cards seen with a valid certificate (cumulative)" in picture.read_text(encoding="utf-8")


def test_chart_without_a_japanese_font_falls_back_to_english(
    survey: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mynacheck.present import chart

    monkeypatch.setattr(chart, "CJK_FAMILIES", ())  # no font this machine has is asked for
    monkeypatch.setattr(chart, "CJK_FILES", ())
    picture = tmp_path / "chart.svg"
    result = CliRunner().invoke(
        main, ["report", str(survey[0]), "--chart", str(picture), "--lang", "ja"]
    )
    assert result.exit_code == 0, result.output
    assert "日本語のフォントが見つからないため" in result.stderr
    assert "Valid certificates expiring per month" in picture.read_text(encoding="utf-8")


def test_chart_never_replaces_another_file(survey: tuple[Path, Path], tmp_path: Path) -> None:
    notes = tmp_path / "notes.png"
    notes.write_text("meeting notes, not a picture\n")
    link = tmp_path / "link.svg"
    link.symlink_to(survey[0])
    before = snapshot(tmp_path)
    for target in (notes, link):
        result = CliRunner().invoke(
            main, ["report", str(survey[0]), "--chart", str(target), "--lang", "en"]
        )
        assert result.exit_code == 2
        assert "was not overwritten" in result.stderr
    assert snapshot(tmp_path) == before


# (--chart without matplotlib: tests/test_report_files.py, with the other extras)


# -- reading, never writing ---------------------------------------------------------------------


def test_report_leaves_the_folder_as_it_was(survey: tuple[Path, Path]) -> None:
    folder = survey[0].parent
    before = snapshot(folder)
    result = CliRunner().invoke(main, ["report", *map(str, survey), "--by", "tag", "--latest"])
    assert result.exit_code == 0, result.output
    assert snapshot(folder) == before  # no -wal, no -shm, no migration


def test_report_reads_beside_a_live_writer(tmp_path: Path) -> None:
    db = tmp_path / "live.sqlite3"
    with open_tally(db, tag="窓口") as tally:
        tally.append(simulated("valid"), at=jst("2026-04-01"))
        tally.append(simulated("expired"), at=jst("2026-04-02"))
        names = sorted(p.name for p in tmp_path.iterdir())
        assert "live.sqlite3-wal" in names
        summary = summarize_tallies([db], by="tag")
        assert summary.checks == 2
        assert sorted(p.name for p in tmp_path.iterdir()) == names
        tally.append(simulated("renewal_window"), at=jst("2026-04-03"))
        assert summarize_tallies([db]).checks == 3


def test_report_in_a_read_only_folder_as_another_user(world: Path) -> None:
    command = unprivileged_python(world / "py")
    folder = world / "counter"
    folder.mkdir()
    log(
        folder / "t.sqlite3",
        [("valid", jst("2026-04-01")), ("expired", jst("2026-05-01"))],
        tag="総務課",
    )
    for path in (folder, *folder.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)  # root's: user 65534 reads, cannot write
    before = snapshot(folder)
    result = run_as_nobody(
        command, ["report", str(folder / "t.sqlite3"), "--by", "month", "--json"], cwd=world
    )
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [g["key"] for g in payload["groups"]] == ["2026-04", "2026-05"]
    assert payload["cards"] == 2
    assert snapshot(folder) == before


def test_report_of_a_crashed_writers_wal_in_a_read_only_folder(world: Path) -> None:
    """Rows still in the -wal of a killed writer are read (mode=ro), not dropped."""
    command = unprivileged_python(world / "py")
    folder = world / "counter"
    folder.mkdir()
    db = folder / "t.sqlite3"
    open_tally(db).close()
    code = (
        "import os, sys; from datetime import datetime, timezone;"
        " from mynacheck.check import CheckOptions, run_check;"
        " from mynacheck.simcard import SimulatedConnection, make_card;"
        " from mynacheck.tally import open_tally;"
        " at = datetime(2026, 4, 1, tzinfo=timezone.utc);"
        " r = run_check(SimulatedConnection(make_card('valid'), 'valid'), CheckOptions(at=at));"
        " t = open_tally(sys.argv[1]); [t.append(r, at=at) for _ in range(3)];"
        " os.kill(os.getpid(), 9)"
    )
    subprocess.run([sys.executable, "-c", code, str(db)], timeout=60)
    assert Path(f"{db}-wal").stat().st_size > 0
    for path in (folder, *folder.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    result = run_as_nobody(command, ["report", str(db), "--json"], cwd=world)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["checks"] == 3


# -- files report refuses -------------------------------------------------------------------------


def _edit(db: Path, statement: str) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute(statement)
    connection.close()


#: A damaged row, the same damage in its card's line in ``cards`` (the writers' copy of
#: each card's latest check, which a report over the whole tally reads instead of the
#: rows), and the row to be named.
DAMAGES = [
    ("time = 'yesterday'", None, 2),
    ("time = x'3230'", None, 3),
    ("status = x'00'", None, 3),
    ("expiry = 'soon'", "expiry = 'soon'", 2),
    ("card_hash = 'abc'", "card_hash = 'abc'", 1),
    ("tag = x'2a'", "tag = x'2a'", 1),
]


@pytest.mark.parametrize("whole", [True, False], ids=["whole", "period"])
@pytest.mark.parametrize(("damage", "copy", "row"), DAMAGES)
def test_a_row_that_cannot_be_read_is_named(
    tmp_path: Path, damage: str, copy: str | None, row: int, whole: bool
) -> None:
    db = tmp_path / "t.sqlite3"
    log(
        db,
        [
            ("valid", jst("2026-04-01")),
            ("expired", jst("2026-04-02")),
            ("missing_not_found", jst("2026-04-03")),
        ],
        tag="総務課",
    )
    if copy is not None and whole:
        (card,) = _query(db, f"SELECT card_hash FROM checks WHERE id = {row}")
        _edit(db, f"UPDATE cards SET {copy} WHERE card_hash = '{card}'")
    _edit(db, f"UPDATE checks SET {damage} WHERE id = {row}")
    assert_report_names_the_row(db, tmp_path, row, whole=whole)


def _query(db: Path, statement: str) -> tuple[object, ...]:
    with sqlite3.connect(db) as connection:
        row = connection.execute(statement).fetchone()
    connection.close()
    return tuple(row)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        ("future", "was written by a newer mynacheck (format 3)"),
        ("foreign", "is not a mynacheck tally"),
        ("text", "is not a mynacheck tally"),
        ("absent", "no tally at"),
        ("folder", "is not a regular file"),
    ],
)
def test_report_refuses_what_is_not_a_tally(tmp_path: Path, make: str, message: str) -> None:
    db = tmp_path / "t.sqlite3"
    if make == "future":
        log(db, [("valid", jst("2026-04-01"))])
        _edit(db, "UPDATE meta SET value = '3' WHERE name = 'schema_version'")
    elif make == "foreign":
        _edit(db, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER)")
    elif make == "text":
        db.write_text("status,checks\nvalid,3\n")
    elif make == "folder":
        db.mkdir()
    before = snapshot(tmp_path)
    result = CliRunner().invoke(main, ["report", str(db), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and str(db) in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(tmp_path) == before


def test_a_future_tally_is_refused_by_writers_too(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    log(db, [("valid", jst("2026-04-01"))])
    _edit(db, "UPDATE meta SET value = '3' WHERE name = 'schema_version'")
    with pytest.raises(TallyError) as error:
        open_tally(db)
    assert error.value.key == "tally_newer_schema"
    assert os.path.exists(db)
