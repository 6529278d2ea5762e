"""The counter window on a server tally (a real PostgreSQL server, tests/pg_cluster.py):
the delivery line shows where the rows stand — delivered, unreachable since HH:MM
with the rows waiting while the checks go on, delivered again after the restart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mynacheck
from mynacheck.gui import CounterWindow

from ..pg_cluster import Tally
from .conftest import find, status, until


def test_the_counter_window_shows_the_delivery(
    qtbot: Any, reader: mynacheck.SimulatedReader, pg_tally: Tally, tmp_path: Path
) -> None:
    tally = mynacheck.open_tally(
        pg_tally.uri("counter1"), key_file=tmp_path / "k", outbox=tmp_path / "outbox.sqlite3"
    )
    window = CounterWindow(lang="en", simulate=reader, tally=tally)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    until(qtbot, lambda: window.running)
    line = find(window, "deliveryState")
    try:
        reader.insert("valid")
        until(qtbot, lambda: status(window) == "valid")
        until(qtbot, lambda: line.text() == "Tally server: all delivered")
        reader.remove()
        until(qtbot, lambda: status(window) == "")
        pg_tally.cluster.stop()
        for scenario in ("expired", "valid"):
            reader.insert(scenario)
            until(
                qtbot, lambda s=scenario: status(window) == {"expired": "expired"}.get(s, "valid")
            )
            reader.remove()
            until(qtbot, lambda: status(window) == "")
        until(qtbot, lambda: "unreachable since" in line.text() and "2 waiting" in line.text())
        assert line.accessibleName() == line.text()
        pg_tally.cluster.start()
        until(qtbot, lambda: line.text() == "Tally server: all delivered", timeout=30_000)
    finally:
        window.close()
        tally.close()
    assert pg_tally.rows("SELECT seq, status FROM mynacheck.checks ORDER BY received") == [
        (1, "valid"),
        (2, "expired"),
        (3, "valid"),
    ]
