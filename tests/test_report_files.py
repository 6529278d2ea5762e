"""``report --csv FILE``, ``--xlsx FILE`` and ``--html FILE``: the same figures as
``--json`` (read back: the CSV as Excel would, the workbook with openpyxl, the page
with an HTML parser), and the overwrite rules of ``--chart``.

The page in a real browser (headless Chromium) is in ``test_report_page.py``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import subprocess
import sys
import zipfile
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from mynacheck.cli import main

from .office_survey import make_survey
from .tally_helpers import snapshot

AT = "2026-10-01"


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return make_survey(tmp_path_factory.mktemp("survey"), files=3)


def run(*args: str) -> Any:
    result = CliRunner().invoke(main, ["report", *args])
    assert result.exit_code == 0, result.output
    return result


def report_json(survey: list[Path], *args: str) -> dict[str, Any]:
    return json.loads(run(*map(str, survey), "--at", AT, *args, "--json").stdout)


# -- CSV for Excel -----------------------------------------------------------------------------


def test_csv_file_has_a_bom_and_the_rows_of_stdout(survey: list[Path], tmp_path: Path) -> None:
    target = tmp_path / "survey.csv"
    args = [*map(str, survey), "--by", "tag", "--at", AT, "--lang", "ja"]
    written = run(*args, "--csv", str(target))
    assert "survey.csv に書き出しました" in written.stderr
    assert written.stdout.startswith("利用者証明用電子証明書 集計")  # the text report, as ever
    raw = target.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) and b"\r\n" in raw
    stdout = run(*args, "--csv").stdout
    assert not stdout.startswith("\ufeff")
    assert raw.decode("utf-8-sig").replace("\r\n", "\n") == stdout
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0] == ["group", "status", "checks", "cards", "status_label"]
    assert any(r[:2] == ["総務課", "expired"] for r in table)
    labels = {row[1]: row[4] for row in table[1:]}
    assert labels["valid"] == "有効" and labels["expired"].startswith("期限切れ")
    assert labels["renewal_open"].startswith("更新受付期間中")


def test_csv_followed_by_a_tally_still_means_csv_on_stdout(survey: list[Path]) -> None:
    result = run("--csv", *map(str, survey), "--lang", "en")
    assert result.stdout.startswith("status,checks,cards,status_label\n")


def test_csv_file_with_json_on_stdout(survey: list[Path], tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    result = run(*map(str, survey), "--csv", str(target), "--json")
    assert json.loads(result.stdout)["schema"] == 1 and target.exists()


# -- the Excel workbook ----------------------------------------------------------------------


def sheet_rows(sheet: Any) -> list[tuple[Any, ...]]:
    return [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]


@pytest.mark.parametrize("latest", [False, True], ids=["per-group", "latest"])
def test_workbook_has_the_figures_of_json(survey: list[Path], tmp_path: Path, latest: bool) -> None:
    extra = ["--by", "tag"] + (["--latest"] if latest else [])
    payload = report_json(survey, *extra)
    target = tmp_path / "survey.xlsx"
    run(*map(str, survey), "--at", AT, *extra, "--xlsx", str(target), "--lang", "ja")
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["概要", "タグ別", "更新の見通し", "集計ファイル"]

    summary = book["概要"]
    facts = {row[0]: row[1] for row in sheet_rows(summary)[2:] if row[1] is not None}
    assert facts["有効な証明書を確認できたカード"] == payload["cards_by_status"]["valid"]
    assert facts["カード (重複なし)"] == payload["cards"]
    assert facts["確認回数"] == payload["checks"]
    assert facts["更新受付期間中"] == payload["cards_renewal_open"]
    assert facts["基準日"] == datetime(2026, 10, 1)  # a date, not text
    assert isinstance(facts["最初の確認"], datetime)
    codes = {row[1]: row for row in sheet_rows(summary) if row[1] in payload["checks_by_status"]}
    for status, checks in payload["checks_by_status"].items():
        assert codes[status][2] == checks
        assert codes[status][3] == payload["cards_by_status"].get(status)
    assert summary.freeze_panes == "A3"
    assert summary.column_dimensions["A"].width > 10

    groups = book["タグ別"]
    assert groups.freeze_panes == "A2"
    rows = sheet_rows(groups)
    assert rows[0][:5] == ("タグ", "判定", "判定コード", "確認回数", "カード (重複なし)")
    for group in payload["groups"]:
        mine = [row for row in rows[1:] if row[0] == group["key"]]
        assert {row[2]: row[3] for row in mine} == group["checks"]
        assert {row[2]: row[4] for row in mine if row[4] is not None} == group["cards"]
        renewal = next(row[6:] for row in rows[1:] if row[6] == group["key"])
        assert renewal[1] == group["cards_renewal_open"]
        assert list(renewal[2:14]) == [m["cards"] for m in group["renewal_forecast"]]
    assert rows[0][8] == datetime(2026, 10, 1)  # month headers are dates (yyyy-mm)

    forecast = sheet_rows(book["更新の見通し"])
    assert forecast[0][:2] == ("月", "全体")
    months = [(row[0].strftime("%Y-%m"), row[1]) for row in forecast[1:]]
    assert months == [(m["month"], m["cards"]) for m in payload["renewal_forecast"]]
    for column, group in enumerate(payload["groups"], start=2):
        assert forecast[0][column] == group["key"]
        assert [row[column] for row in forecast[1:]] == [
            m["cards"] for m in group["renewal_forecast"]
        ]
    assert book["更新の見通し"]["A2"].number_format == "yyyy-mm"

    files = sheet_rows(book["集計ファイル"])
    assert [row[1] for row in files[1:]] == payload["databases"]

    with zipfile.ZipFile(target) as archive:  # a native Excel chart, stacked only with --latest
        chart = archive.read("xl/charts/chart1.xml").decode()
    assert "<c:barChart>" in chart and chart.count("<c:ser>") == 3
    assert ('<c:grouping val="stacked"/>' in chart) is latest


def test_workbook_in_english_without_groups(survey: list[Path], tmp_path: Path) -> None:
    target = tmp_path / "survey.xlsx"
    run(*map(str, survey), "--at", AT, "--xlsx", str(target), "--lang", "en", "--tag", "人事課")
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Summary", "Renewal forecast", "Tallies"]
    facts = {row[0]: row[1] for row in sheet_rows(book["Summary"])[2:]}
    assert facts["Tags"] == "人事課"
    payload = report_json(survey, "--tag", "人事課")
    assert facts["Cards seen with a valid certificate"] == payload["cards_by_status"]["valid"]


@pytest.mark.parametrize(
    ("module", "option", "name", "message"),
    [
        (
            "xlsxwriter",
            "--xlsx",
            "t.xlsx",
            "--xlsx needs XlsxWriter: pip install 'mynacheck[excel]'",
        ),
        (
            "matplotlib",
            "--chart",
            "t.png",
            "--chart needs matplotlib: pip install 'mynacheck[chart]'",
        ),
    ],
)
def test_a_missing_extra_says_what_to_install(
    survey: list[Path], tmp_path: Path, module: str, option: str, name: str, message: str
) -> None:
    """In a process where the optional extra cannot be imported: a usage error before
    any tally is read, nothing written."""
    code = (
        f"import sys; sys.modules[{module!r}] = None; sys.argv = ['mynacheck'] + sys.argv[1:];"
        " from mynacheck.cli import run; run()"
    )
    target = tmp_path / name
    command = [sys.executable, "-c", code, "report", str(survey[0]), option, str(target)]
    result = subprocess.run([*command, "--lang", "en"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == "" and not target.exists()


# -- the page, read as HTML ------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.cells: list[list[str]] = []
        self.figures: list[str] = []
        self.svg_text: list[str] = []
        self._stack: list[str] = []
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs
        self._stack.append(tag)
        if tag == "tr":
            self._row = []
        if tag in ("td", "th") and self._row is not None:
            self._row.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._row is not None:
            self.cells.append(self._row)
            self._row = None
        while self._stack and self._stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self._row is not None and self._row and self._stack[-1] in ("td", "th"):
            self._row[-1] += data.strip()
        if "text" in self._stack[-1:]:
            self.svg_text.append(data)


def test_page_is_self_contained_and_has_the_figures_of_json(
    survey: list[Path], tmp_path: Path
) -> None:
    payload = report_json(survey, "--by", "tag", "--latest")
    target = tmp_path / "survey.html"
    run(*map(str, survey), "--at", AT, "--by", "tag", "--latest", "--html", str(target))
    page = target.read_text("utf-8")
    parser = _Page()
    parser.feed(page)
    assert "script" not in parser.tags and "link" not in parser.tags and "img" not in parser.tags
    urls = [v for k, v in parser.attributes if v and "//" in v]
    assert urls == ["http://www.w3.org/2000/svg"]  # the SVG namespace: a name, never fetched
    assert "url(" not in page and "@import" not in page
    assert (
        "svg" in parser.tags and "有効期限を迎えるカード (月別) (2026-10-01 -)" in parser.svg_text
    )
    rows = {
        row[1]: row
        for row in parser.cells
        if len(row) == 4 and row[1] in payload["checks_by_status"]
    }
    for status, checks in payload["checks_by_status"].items():
        assert int(rows[status][2]) == checks
    renewal = {row[0]: row for row in parser.cells if len(row) == 14}
    assert int(renewal["全体"][1]) == payload["cards_renewal_open"]
    assert [int(n) for n in renewal["全体"][2:]] == [
        m["cards"] for m in payload["renewal_forecast"]
    ]
    for group in payload["groups"]:
        assert int(renewal[group["key"]][1]) == group["cards_renewal_open"]
        assert [int(n) for n in renewal[group["key"]][2:]] == [
            m["cards"] for m in group["renewal_forecast"]
        ]
    assert "期限切れ (更新済みの証明書を含むことがあります)" in page
    assert "有効期限まで 3 か月以内" in page
    # the page's title once, as its heading; the per-tag table under its own words
    assert page.count("<h1>利用者証明用電子証明書 集計 (タグ別)</h1>") == 1
    assert "<h2>タグ別</h2>" in page and "<h2>利用者証明用電子証明書" not in page
    for path in payload["databases"]:
        assert path in page


# -- overwrite rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "name", "earlier"),
    [
        ("--csv", "out.csv", b"\xef\xbb\xbfstatus,checks\r\n"),
        ("--html", "out.html", b"<!DOCTYPE html>\n<html><body>old</body></html>\n"),
    ],
)
def test_an_earlier_file_of_the_same_kind_is_replaced(
    survey: list[Path], tmp_path: Path, option: str, name: str, earlier: bytes
) -> None:
    target = tmp_path / name
    target.write_bytes(earlier)
    run(str(survey[0]), option, str(target))
    assert target.read_bytes() != earlier
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left


def test_an_earlier_workbook_is_replaced(survey: list[Path], tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    run(str(survey[0]), "--xlsx", str(target), "--at", "2026-01-01")
    first = openpyxl.load_workbook(target)["更新の見通し"]["A2"].value
    run(str(survey[0]), "--xlsx", str(target), "--at", "2026-10-01")
    assert first == datetime(2026, 1, 1)
    assert openpyxl.load_workbook(target)["更新の見通し"]["A2"].value == datetime(2026, 10, 1)


@pytest.mark.parametrize(
    ("option", "name"),
    [("--csv", "x.csv"), ("--xlsx", "x.xlsx"), ("--html", "x.html")],
)
def test_never_another_file_nor_through_a_symlink(
    survey: list[Path], tmp_path: Path, option: str, name: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    other = folder / name
    other.write_bytes(survey[0].read_bytes())  # a tally, under the output's name
    link = folder / ("link" + Path(name).suffix)
    link.symlink_to(folder / "elsewhere.txt")
    (folder / "elsewhere.txt").write_text("status,checks\n<!DOCTYPE html>\n")
    zip_not_excel = folder / ("zip" + Path(name).suffix)
    with zipfile.ZipFile(zip_not_excel, "w") as archive:
        archive.writestr("notes.txt", "a zip, not a workbook")
    before = snapshot(folder)
    for target in (other, link, zip_not_excel):
        result = CliRunner().invoke(
            main, ["report", str(survey[0]), option, str(target), "--lang", "en"]
        )
        assert result.exit_code == 2, (target, result.output)
        assert "it was not overwritten" in result.stderr
        assert result.stdout == ""  # refused before any tally was read
    assert snapshot(folder) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--xlsx", "out.xls"], "the --xlsx file name must end in .xlsx"),
        (["--html", "out.txt"], "the --html file name must end in .html / .htm"),
        (["--xlsx", "nowhere/out.xlsx"], "the folder nowhere does not exist"),
    ],
)
def test_file_usage_errors(survey: list[Path], args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["report", str(survey[0]), *args, "--lang", "en"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_dates_as_dates() -> None:
    from mynacheck import TallySummary
    from mynacheck.present.xlsx import group_key

    def key(by: str, value: str) -> object:
        summary = TallySummary(
            sources=(),
            since=None,
            until=None,
            first=None,
            last=None,
            checks=0,
            checks_by_status={},
            cards=0,
            cards_by_status={},
            cards_renewal_open=0,
            checks_without_certificate=0,
            by=by,
        )
        return group_key(summary, value, "ja")

    assert key("day", "2026-04-01") == date(2026, 4, 1)
    assert key("month", "2026-04") == date(2026, 4, 1)
    assert key("tag", "総務課") == "総務課"


def test_page_in_english_and_of_an_empty_period(survey: list[Path], tmp_path: Path) -> None:
    target = tmp_path / "en.html"
    run(*map(str, survey), "--by", "month", "--html", str(target), "--lang", "en", "--at", AT)
    page = target.read_text("utf-8")
    assert '<html lang="en">' in page and "Cards seen with a valid certificate" in page
    assert "EXPIRED (may include certificates already replaced)" in page
    empty = tmp_path / "empty.html"
    args = ["--from", "2030-01-01", "--to", "2030-01-31", "--html", str(empty), "--lang", "en"]
    run(*map(str, survey), *args)
    page = empty.read_text("utf-8")
    assert "No checks in this period." in page and "<svg" not in page
