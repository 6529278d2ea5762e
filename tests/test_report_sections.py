"""Per-section figures: each ``--by`` group's own renewal window and forecast, and
``--tag`` (repeatable) limiting a report to sections.

The survey (``office_survey``) has cards checked at two sections, renewed cards and
checks without a certificate; the same rows in one tally or in three tallies sharing
a key give the same answers.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mynacheck.cli import main
from mynacheck.summary import Group, TallySummary
from mynacheck.tally import summarize_tallies
from mynacheck.tally.summary import RenewalBounds, figures_by_month, renewal_figures

from .office_survey import AT, SECTIONS, make_survey


@pytest.fixture(params=[1, 3], ids=["one-tally", "three-tallies"])
def survey(request: pytest.FixtureRequest, tmp_path: Path) -> list[Path]:
    return make_survey(tmp_path, files=request.param)


def figures(part: TallySummary | Group) -> tuple[object, ...]:
    """Everything a group and a whole report have in common."""
    if isinstance(part, Group):
        checks, cards = part.checks, part.cards
    else:
        checks, cards = part.checks_by_status, part.cards_by_status
    forecast = tuple((m.month, m.cards) for m in part.renewal_forecast)
    return checks, cards, part.cards_renewal_open, forecast


def test_a_tag_alone_is_its_group_of_by_tag(survey: list[Path]) -> None:
    """``--tag X`` over everything equals the group X of ``--by tag``: the same checks,
    cards, renewal window and forecast (each card by its latest check in X)."""
    by_tag = summarize_tallies(survey, by="tag", at=AT)
    assert by_tag.groups is not None
    groups = {group.key: group for group in by_tag.groups}
    assert set(groups) == set(SECTIONS)
    for section in SECTIONS:
        alone = summarize_tallies(survey, tags=[section], at=AT)
        assert alone.tags == (section,)
        assert figures(alone) == figures(groups[section]), section
        assert alone.cards_renewal_open > 0 and sum(m.cards for m in alone.renewal_forecast) > 0


def test_with_latest_the_groups_add_up_to_the_whole(survey: list[Path]) -> None:
    whole = summarize_tallies(survey, by="tag", latest=True, at=AT)
    assert whole.groups is not None
    assert sum(g.cards_renewal_open for g in whole.groups) == whole.cards_renewal_open
    for index, month in enumerate(whole.renewal_forecast):
        assert sum(g.renewal_forecast[index].cards for g in whole.groups) == month.cards
    # without --latest a transferred card counts in both sections: more, never fewer
    each = summarize_tallies(survey, by="tag", at=AT)
    assert each.groups is not None
    assert sum(g.cards_renewal_open for g in each.groups) >= whole.cards_renewal_open


def test_by_month_groups_have_their_own_figures_on_every_path(survey: list[Path]) -> None:
    """The whole tally (the writers' card lines, counted on the index) and the same
    rows read as a period give the same per-month figures."""
    for latest in (False, True):
        whole = summarize_tallies(survey, by="month", latest=latest, at=AT)
        period = summarize_tallies(
            survey,
            by="month",
            latest=latest,
            at=AT,
            since=_utc("2026-01-01"),
            until=_utc("2027-12-31"),
        )
        assert whole.groups is not None and period.groups is not None
        assert [figures(g) for g in whole.groups] == [figures(g) for g in period.groups]
        assert any(g.cards_renewal_open for g in whole.groups)


def test_several_tags_and_a_tag_nobody_used(survey: list[Path]) -> None:
    everyone = summarize_tallies(survey, by="tag", at=AT)
    assert everyone.groups is not None
    two = summarize_tallies(survey, tags=["総務課", "人事課", "総務課"], by="tag", at=AT)
    assert two.tags == ("人事課", "総務課")
    assert two.groups is not None and {g.key for g in two.groups} == {"人事課", "総務課"}
    assert two.checks == sum(
        g.checks[s] for g in everyone.groups if g.key in two.tags for s in g.checks
    )
    nobody = summarize_tallies(survey, tags=["経理課"], at=AT)
    assert nobody.checks == 0 and nobody.cards == 0 and nobody.first is None


def test_renewal_figures_window_is_three_months_before_expiry() -> None:
    rows = [("2026-12-31", 2), ("2027-01-01", 1), ("2026-09-30", 5), ("2027-09-30", 4)]
    open_now, forecast = renewal_figures(rows, date(2026, 10, 1))
    # windows from 2026-09-30 and 2026-10-01 are open; one expired, one opens in June
    assert open_now == 3
    assert [(m.month, m.cards) for m in forecast if m.cards] == [
        ("2026-12", 2),
        ("2027-01", 1),
        ("2027-09", 4),
    ]
    assert forecast[0].month == "2026-10" and len(forecast) == 12


def _utc(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=timezone(timedelta(hours=9)))


# -- the CLI ---------------------------------------------------------------------------------


def test_cli_tag_is_repeatable_and_said_in_every_format(survey: list[Path]) -> None:
    args = ["report", *map(str, survey), "--tag", "総務課", "--tag", "人事課", "--at", "2026-10-01"]
    payload = json.loads(CliRunner().invoke(main, [*args, "--json"]).stdout)
    assert payload["tags"] == ["人事課", "総務課"]
    assert payload["notes"] == [
        "renewal_open_within_3_months",
        "expired_may_include_replaced",
        "checks_without_certificate_not_told_apart",
    ]
    direct = summarize_tallies(survey, tags=["総務課", "人事課"], at=AT)
    assert payload["checks"] == direct.checks and payload["cards"] == direct.cards
    text = CliRunner().invoke(main, [*args, "--lang", "ja"]).stdout
    assert "対象のタグ: 人事課, 総務課" in text


def test_cli_text_has_a_renewal_line_per_group(survey: list[Path]) -> None:
    args = ["report", *map(str, survey), "--by", "tag", "--latest", "--at", "2026-10-01"]
    result = CliRunner().invoke(main, [*args, "--lang", "en"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Renewal outlook per group (on 2026-10-01" in out
    table = out.split("Renewal outlook per group")[1].splitlines()[1:]
    assert table[0].split()[:5] == ["Tag", "In", "renewal", "window", "Oct"]
    summary = summarize_tallies(survey, by="tag", latest=True, at=AT)
    assert summary.groups is not None
    for group, line in zip(summary.groups, table[1:], strict=False):
        cells = line.split()
        assert cells[0] == group.key
        assert int(cells[1]) == group.cards_renewal_open
        assert [int(c) for c in cells[2:]] == [m.cards for m in group.renewal_forecast]


@pytest.mark.parametrize("tag", ["", "a\tb", "x" * 65])
def test_cli_a_bad_tag_is_a_usage_error(survey: list[Path], tag: str) -> None:
    result = CliRunner().invoke(main, ["report", str(survey[0]), "--tag", tag, "--lang", "en"])
    assert result.exit_code == 2
    assert "--tag takes 1 to 64 characters" in result.stderr
    assert "Traceback" not in result.output


# -- the chart (--chart) -----------------------------------------------------------------------


def test_a_chart_of_one_day_shows_dates_not_hours(tmp_path: Path) -> None:
    from .tally_helpers import log

    db = tmp_path / "one.sqlite3"
    when = datetime(2026, 5, 11, 9, tzinfo=timezone(timedelta(hours=9)))
    log(db, [("valid", when), ("renewal_window", when + timedelta(hours=5))], tag="総務課")
    picture = tmp_path / "one.svg"
    result = CliRunner().invoke(
        main, ["report", str(db), "--chart", str(picture), "--lang", "en", "--at", "2026-12-01"]
    )
    assert result.exit_code == 0, result.output
    svg = picture.read_text("utf-8")
    texts = re.findall(r">([^<>]+)</text>", svg)
    assert "2026-05-11" in texts, texts
    assert not [t for t in texts if re.search(r"\d\d:\d\d|^\d\d-\d\d \d\d$", t)], texts


def test_the_chart_has_a_bar_per_group_and_no_font_warning(
    survey: list[Path], tmp_path: Path
) -> None:
    """In a real process (warnings go to the real stderr): with a Japanese font on the
    machine, the Japanese chart says only that it was written."""
    picture = tmp_path / "chart.svg"
    command = [sys.executable, "-m", "mynacheck.cli", "report", *map(str, survey), "--by", "tag"]
    command += ["--latest", "--at", "2026-10-01", "--lang", "ja", "--chart", str(picture)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"グラフを {picture} に書き出しました。\n"
    svg = picture.read_text("utf-8")
    texts = re.findall(r">([^<>]+)</text>", svg)
    for section in SECTIONS:
        assert section in texts  # the legend, as text


@settings(max_examples=300, deadline=None)
@given(
    at=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    offsets=st.lists(st.integers(min_value=-100, max_value=500), max_size=30),
)
def test_the_bounds_sql_reduces_within_give_the_same_figures(at: date, offsets: list[int]) -> None:
    """The per-group figures are reduced in SQL to months within :class:`RenewalBounds`
    (text comparisons of ISO dates); the answers equal :func:`renewal_figures` on every
    expiry, month ends and leap days included."""
    expiries = [(at + timedelta(days=d)).isoformat() for d in offsets]
    bounds = RenewalBounds.on(at)
    rows = [
        (e[:7], 1, int(bounds.at <= e <= bounds.last_open))
        for e in expiries
        if bounds.first <= e < bounds.end
    ]
    assert figures_by_month(rows, at) == renewal_figures([(e, 1) for e in expiries], at)
