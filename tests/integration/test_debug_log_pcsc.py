"""``--debug-log`` through pyscard → pcscd → vpcd → the simulated card: every APDU the
card received is in the file (the head start only connects: the log is open before the
first command), with the PIN redacted; a refused file sends the card nothing."""

from __future__ import annotations

from pathlib import Path

from mynacheck.simcard import DEMO_PIN

from ..helpers import ANCHOR, mynacheck
from .conftest import InsertCard


def test_every_apdu_the_card_received_is_in_the_file(
    virtual_card: InsertCard, tmp_path: Path
) -> None:
    virtual = virtual_card("valid")
    log = tmp_path / "support.log"
    code, payload, err = mynacheck(
        "check", "--pin-stdin", "--json", "--debug-log", str(log), *ANCHOR, stdin=DEMO_PIN + "\n"
    )
    assert code == 0 and payload["status"] == "valid", err
    text = log.read_text(encoding="utf-8")
    sent = [line.split(" DEBUG > ", 1)[1] for line in text.splitlines() if " DEBUG > " in line]
    assert len(sent) == len(virtual.apdus) == payload["apdu_count"]
    assert sent[0] == virtual.apdus[0].hex().upper()
    assert "0020008004 ********" in sent
    pin_hex = DEMO_PIN.encode().hex().upper()  # the forms tests/test_logging.py looks for
    assert [f for f in (pin_hex, pin_hex.lower(), f"'{DEMO_PIN}'") if f in text] == []


def test_a_refused_log_file_sends_the_card_nothing(
    virtual_card: InsertCard, tmp_path: Path
) -> None:
    virtual = virtual_card("valid")
    notes = tmp_path / "notes.txt"
    notes.write_text("someone's notes\n")
    code, _, err = mynacheck("check", "--no-pin", "--debug-log", str(notes), *ANCHOR)
    assert code == 2 and "notes.txt" in err
    assert virtual.apdus == []
    assert notes.read_text() == "someone's notes\n"
