"""The window for the screen-reader tests, with a simulated card whose PIN the test
made up: the PIN comes on stdin (never an argv), then ``mynacheck-gui``'s own
options follow as arguments. Run as ``python tests/gui/a11y_app.py OPTIONS``."""

from __future__ import annotations

import sys

from mynacheck.gui import main
from mynacheck.simcard import scenario

if __name__ == "__main__":
    pin = sys.stdin.readline().strip()
    if pin:
        scenario.DEMO_PIN = pin  # the auth PIN the cards are built with
    sys.exit(main(sys.argv[1:]))
