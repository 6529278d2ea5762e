"""The Japanese guide (docs/ja/): its generated parts are what the messages say today,
every link and picture in it exists, and the README links to it at the top."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "ja"
PAGES = ["README.md", "staff.md", "counter.md", "survey.md", "trouble.md"]


def make_guide() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_guide", ROOT / "scripts" / "make_guide.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_parts_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_guide.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_no_value_is_left_unfilled() -> None:
    """The program's "{seconds}" reaches the reader as "60", never as it is."""
    guide = make_guide()
    for name in PAGES:
        for match in guide._BLOCK.finditer((GUIDE / name).read_text("utf-8")):
            assert "{" not in match.group("body"), (name, match.group("name"))
    assert "60 秒間入力がなかった" in (GUIDE / "staff.md").read_text("utf-8")


def test_a_stale_part_is_found_and_rewritten() -> None:
    guide = make_guide()
    page = (GUIDE / "trouble.md").read_text("utf-8")
    stale = page.replace("| **期限切れ** |", "| **期限ぎれ** |")
    assert stale != page and guide.regenerate(stale) == page


def test_every_page_is_there_with_its_generated_parts() -> None:
    guide = make_guide()
    assert sorted(p.name for p in GUIDE.glob("*.md")) == sorted(PAGES)
    found = set()
    for name in PAGES:
        page = (GUIDE / name).read_text("utf-8")
        for match in guide._BLOCK.finditer(page):
            found.add(match.group("name"))
            assert match.group("body").strip(), match.group("name")
    assert found == set(guide.BLOCKS)
    # the words of the window, as the window says them
    staff = (GUIDE / "staff.md").read_text("utf-8")
    from mynacheck.present.gui_messages import GUI

    assert GUI["state.waiting"][0] in staff and GUI["confirm.no"][0] in staff
    trouble = (GUIDE / "trouble.md").read_text("utf-8")
    from mynacheck.status import Status

    for status in Status:
        assert f"`{status.value}` ({status.exit_code})" in trouble


def test_every_link_and_picture_exists() -> None:
    for name in PAGES:
        page = (GUIDE / name).read_text("utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page):
            if "://" in target:
                continue
            assert (GUIDE / target).resolve().exists(), f"{name}: {target}"


def test_the_readme_links_to_the_guide_at_the_top() -> None:
    top = (ROOT / "README.md").read_text("utf-8").splitlines()[:15]
    assert any("docs/ja/README.md" in line for line in top)
