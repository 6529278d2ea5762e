"""Two counters and the personnel office share one PostgreSQL tally through a server
restart: two ``watch --log postgresql://...`` processes on the two virtual readers
(each its own user data folder, as on two PCs, one shared key), cards in and out
on both, the server stopped and started again while they count; then every row is
on the server exactly once, in each counter's order, and ``report`` as the office
counts the card both counters saw once."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from mynacheck.errors import NoCardError
from mynacheck.simcard.scenarios import make_card
from mynacheck.simcard.vpcd import DEFAULT_PORT, VirtualCard

from ..pg_cluster import Tally, wait_until
from .conftest import insert_and_wait, reader_name, remove_and_wait
from .test_watch import Watch


def _insert(scenario: str, reader: int) -> VirtualCard:
    for _attempt in range(3):  # the vpcd quirk test_watch.insert describes
        virtual = VirtualCard(make_card(scenario), port=DEFAULT_PORT + reader)
        try:
            return insert_and_wait(virtual, reader)
        except NoCardError:
            continue
    pytest.fail(f"pcscd never saw the {scenario} card in {reader_name(reader)}")


def _check(watch: Watch, reader: int, scenario: str) -> dict[str, object]:
    virtual = _insert(scenario, reader)
    try:
        line = json.loads(watch.next_line("out"))
        watch.wait_for("err", "Remove the card")
    finally:
        remove_and_wait(virtual, reader)
    return line


def test_two_watch_loops_share_one_server_through_a_restart(
    pcscd: None, pg_tally: Tally, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "shared.key"
    watches: list[Watch] = []
    try:
        for index in (0, 1):
            monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / f"pc{index + 1}"))
            watches.append(
                Watch(
                    "--reader",
                    reader_name(index),
                    "--lang",
                    "en",
                    "--json",
                    "--log",
                    pg_tally.uri(f"counter{index + 1}"),
                    "--key-file",
                    str(key),
                    "--tag",
                    f"窓口{index + 1}",
                )
            )
            if index == 0:  # the first counter makes the shared key; the second reads it
                watches[0].wait_for("err", "Insert a card")
        watches[1].wait_for("err", "Insert a card")
        # (reader 0's card, reader 1's card), turn by turn
        before = [("valid", "valid"), ("expired", "missing_not_found")]
        for pair in before:
            for reader, scenario in enumerate(pair):
                assert _check(watches[reader], reader, scenario)["status"] in (
                    "valid", "expired", "missing",
                )  # fmt: skip
        wait_until(lambda: _count(pg_tally) == 4, what="4 rows on the server")

        pg_tally.cluster.stop()
        during = [("renewal_window", "expired"), ("valid", "big_certificate")]
        started = time.monotonic()
        for pair in during:
            for reader, scenario in enumerate(pair):
                _check(watches[reader], reader, scenario)  # verdicts go on without the server
        assert time.monotonic() - started < 60
        for watch in watches:
            _said(watch, "Tally server: unreachable since")
        assert not pg_tally.cluster.running()

        pg_tally.cluster.start()
        for watch in watches:
            del watch.err_lines[:]
            _said(watch, "Tally server: all delivered")
        for reader, scenario in enumerate(("valid", "valid")):
            _check(watches[reader], reader, scenario)
        wait_until(lambda: _count(pg_tally) == 10, what="10 rows on the server")
        for watch in watches:
            code, _rest = watch.interrupt()
            assert code == 0, watch.err_lines
    finally:
        for watch in watches:
            watch.kill()

    rows = pg_tally.rows("SELECT tag, seq, status FROM mynacheck.checks ORDER BY tag, received")
    assert [(tag, seq) for tag, seq, _ in rows] == [
        *[("窓口1", seq) for seq in range(1, 6)],
        *[("窓口2", seq) for seq in range(1, 6)],
    ]
    assert [status for _, _, status in rows] == [
        "valid", "expired", "valid", "valid", "valid",  # counter 1 (renewal_window is valid)
        "valid", "missing", "expired", "valid", "valid",  # counter 2
    ]  # fmt: skip
    assert pg_tally.rows("SELECT count(DISTINCT row_id) FROM mynacheck.checks") == [(10,)]

    from click.testing import CliRunner

    from mynacheck.cli import main

    result = CliRunner().invoke(main, ["report", pg_tally.uri("office"), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["checks"] == 10 and not payload["mixed_keys"]
    # The valid and the expired card were seen at both counters; with renewal_window and
    # big_certificate: 4 cards.
    assert payload["cards_by_status"] == {"valid": 3, "expired": 1}


def _said(watch: Watch, text: str) -> None:
    """``text`` on watch's stderr: already said, or the next lines."""
    if not any(text in line for line in watch.err_lines):
        watch.wait_for("err", text)


def _count(tally: Tally) -> int:
    return int(tally.rows("SELECT count(*) FROM mynacheck.checks")[0][0])
