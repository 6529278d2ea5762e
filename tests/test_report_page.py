"""``report --html`` in a real browser: headless Chromium (Debian's ``chromium``, which
``scripts/stack.sh`` installs) draws the page to PNG and prints it to PDF.

- The README's picture (docs/images/report-page.png) is what Chromium draws of the
  simulated survey's page today (``scripts/make_report_page.py``), pixel for pixel
  within a small tolerance for anti-aliasing.
- Printed, the page is A4 and fits on two sheets.
- Chromium reads it with every network request refused (the page's own
  Content-Security-Policy says ``default-src 'none'``): nothing is missing.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_report_page.py"
README_PICTURE = ROOT / "docs" / "images" / "report-page.png"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    if _find_chromium() is None:
        raise AssertionError("Chromium is needed for these tests (scripts/stack.sh installs it)")
    folder = tmp_path_factory.mktemp("page")
    png, pdf, html = folder / "page.png", folder / "page.pdf", folder / "page.html"
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(png), "--pdf", str(pdf), "--html", str(html)],
        check=True,
        timeout=300,
    )
    return png, pdf, html


def _find_chromium() -> str | None:
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        from make_report_page import find_chromium

        return find_chromium()
    finally:
        sys.path.remove(str(SCRIPT.parent))


@pytest.mark.skipif(
    not sys.platform.startswith("linux"),
    reason="the README's picture is Debian's Chromium with IPA Gothic; other systems draw "
    "other fonts (the page's other tests run there)",
)
def test_the_page_draws_as_the_readme_shows(rendered: tuple[Path, Path, Path]) -> None:
    png, _, _ = rendered
    drawn = Image.open(png).convert("RGB")
    shown = Image.open(README_PICTURE).convert("RGB")
    assert drawn.size == shown.size == (900, 2000)
    difference = ImageChops.difference(drawn, shown).convert("L").point(lambda v: v > 48 and 255)
    differing = difference.histogram()[255]
    assert differing < 0.002 * drawn.size[0] * drawn.size[1], (
        f"{differing} pixels differ from the README's picture: run scripts/make_report_page.py"
    )


def test_the_page_is_drawn_with_its_text_and_chart(rendered: tuple[Path, Path, Path]) -> None:
    png, _, _ = rendered
    picture = Image.open(png).convert("RGB")
    # ink in the headline, the tables and the chart: the page is not blank
    colours = picture.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50
    green = sum(n for n, (r, g, b) in colours if g > 100 and r < 60 and b < 80)
    assert green > 1000  # the cumulative line's and the headline box's green


def test_printed_to_pdf_it_is_a4_on_two_sheets(rendered: tuple[Path, Path, Path]) -> None:
    _, pdf, _ = rendered
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert boxes, "no page in the PDF"
    for width, height in boxes:
        assert abs(float(width) - 595.3) < 2 and abs(float(height) - 841.9) < 2  # A4 in points
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert 1 <= pages <= 2
    # the page's text is text in the PDF (fonts embedded), not a picture of it
    assert b"/FontFile" in data


def test_the_page_asks_nothing_of_the_network(rendered: tuple[Path, Path, Path]) -> None:
    _, _, html = rendered
    page = html.read_text("utf-8")
    assert "default-src 'none'" in page
    assert not re.search(r"(src|href)\s*=", page)  # no script, picture, style or font to fetch
