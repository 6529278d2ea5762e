"""Both windows fit the screen whatever the person's settings: a 1366x768 screen at
100 % after a whole shift of mixed verdicts, 200 % on a 1920x1200 screen, and the
largest system text (225 %). Each case runs tests/gui/layout_probe.py in its own
process (Qt reads the screen and the scale once): no moment where the window, or its
minimum size, is larger than the screen, a control is cut off at the side, or the
content needs more width than there is; full screen is the screen's size."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = str(Path(__file__).with_name("layout_probe.py"))
CASES = [
    ("1366x768", "1", "1"),  # a small laptop at 100 %
    ("1920x1200", "2", "1"),  # 200 % scaling
    ("1366x768", "1", "2.25"),  # the largest system text
]


@pytest.mark.parametrize("kind", ["self", "counter"])
@pytest.mark.parametrize(("screen", "scale", "text"), CASES)
def test_the_window_fits(kind: str, screen: str, scale: str, text: str) -> None:
    done = subprocess.run(
        [sys.executable, PROBE, kind, screen, scale, text],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["moments"] >= 9  # it did look, at every step
    assert report["problems"] == []
