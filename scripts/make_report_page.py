"""Make the README's picture of the report page, docs/images/report-page.png: the
simulated survey of ``make_report_chart.py`` (300 staff, three sections) as
``report --html``, rendered by headless Chromium.

    .venv/bin/python scripts/make_report_page.py [--out docs/images/report-page.png]
        [--pdf page.pdf] [--html page.html] [--lang ja]

Needs Chromium (Debian: ``chromium``; ``scripts/stack.sh`` installs it) and a
Japanese font (IPA Gothic). The tests run it and compare with the README's picture.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from make_report_chart import SECTIONS, survey_rows  # noqa: E402

from mynacheck.tally import open_tally  # noqa: E402

#: The window the page is drawn in: about an A4 page's width at 96 dpi, plus margins.
WINDOW = (900, 2000)


#: Where Chrome and Edge (Chromium inside) live on Windows when they are not on PATH.
_WINDOWS_BROWSERS = (
    r"Google\Chrome\Application\chrome.exe",
    r"Microsoft\Edge\Application\msedge.exe",
)


def find_chromium() -> str | None:
    """Debian's chromium, or Chrome / Edge (Windows), or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome", "msedge"):
        found = shutil.which(name)
        if found:
            return found
    for base in (os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMFILES(X86)")):
        for browser in _WINDOWS_BROWSERS if base else ():
            path = Path(base or "") / browser
            if path.is_file():
                return str(path)
    return None


def chromium() -> str:
    found = find_chromium()
    if found is None:
        raise SystemExit("Chromium is needed (Debian: apt-get install chromium)")
    return found


def chromium_command(profile: Path, *args: str) -> list[str]:
    """Headless Chromium, fit to run as root in CI, offline, with a new empty profile."""
    return [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={profile}",
        *args,
    ]


def render(page: Path, *, png: Path | None = None, pdf: Path | None = None) -> None:
    """Draw ``page`` into a PNG (the window's size) and/or print it to an A4 PDF."""
    with tempfile.TemporaryDirectory() as profile:
        jobs = []
        if png is not None:
            jobs.append([f"--window-size={WINDOW[0]},{WINDOW[1]}", f"--screenshot={png}"])
        if pdf is not None:
            jobs.append(["--no-pdf-header-footer", f"--print-to-pdf={pdf}"])
        # Its crash reports and caches too (Linux puts them under ~/.config and ~/.cache
        # whatever --user-data-dir says): nothing is left in the user's folders.
        environ = {**os.environ, "XDG_CONFIG_HOME": profile, "XDG_CACHE_HOME": profile}
        for job in jobs:
            subprocess.run(
                chromium_command(Path(profile), *job, page.resolve().as_uri()),
                check=True,
                capture_output=True,
                timeout=120,
                env=environ,
            )


def make_page(folder: Path, lang: str) -> Path:
    """The survey's page, written in ``folder`` (the tally named by its file name only)."""
    import random

    rng = random.Random(12)
    db = folder / "survey.sqlite3"
    for section, staff in SECTIONS.items():
        with open_tally(db, tag=section) as tally:
            rows = survey_rows(tally.key, section, staff, rng)
            tally.append_rows(dataclasses.replace(r, tag=section) for r in rows)
    page = folder / "survey.html"
    command = [sys.executable, "-m", "mynacheck.cli", "report", db.name, "--by", "tag"]
    command += ["--latest", "--at", "2026-10-01", "--lang", lang, "--html", page.name]
    environ = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run(command, check=True, cwd=folder, env=environ, capture_output=True)
    return page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "report-page.png")
    parser.add_argument("--pdf", type=Path)
    parser.add_argument("--html", type=Path)
    parser.add_argument("--lang", choices=["ja", "en"], default="ja")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        page = make_page(Path(folder), args.lang)
        if args.html is not None:
            shutil.copyfile(page, args.html)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        render(page, png=args.out.resolve(), pdf=args.pdf.resolve() if args.pdf else None)


if __name__ == "__main__":
    main()
