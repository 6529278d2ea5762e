"""Record the APDU transcripts under fixtures/transcripts/ from the simulated card.

Each transcript is what ``mynacheck check --record`` writes (PIN bytes
redacted), plus three header lines the replay tests read: the PIN typed
(``right``, ``wrong`` or ``none``), the evaluation moment, and the verdict.

    .venv/bin/python scripts/record_transcripts.py
"""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timezone
from pathlib import Path

from mynacheck.card.replay import RecordingConnection, format_transcript
from mynacheck.check import CheckOptions, run_check
from mynacheck.cli.prompt import StdinPinSource
from mynacheck.simcard import DEMO_PIN
from mynacheck.simcard.connection import SimulatedConnection
from mynacheck.simcard.scenarios import make_card

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts"
AT = datetime(2026, 11, 27, 0, 0, tzinfo=timezone.utc)

#: transcript name -> (scenario, PIN typed)
TRANSCRIPTS: dict[str, tuple[str, str]] = {
    "valid_pin_right": ("valid", "right"),
    "valid_pin_wrong": ("valid", "wrong"),
    "valid_no_pin": ("valid", "none"),
    "pin_blocked": ("pin_blocked", "right"),
    "pin_last_try": ("pin_last_try", "right"),
    "expired": ("expired", "right"),
    "not_yet_valid": ("not_yet_valid", "right"),
    "forged": ("forged", "right"),
    "untrusted_root": ("untrusted_root", "none"),
    "gen2_lookalike": ("gen2_lookalike", "none"),
    "test_card": ("test_card", "none"),
    "ca_unreadable": ("ca_unreadable", "none"),
    "key_mismatch": ("key_mismatch", "right"),
    "not_mynumber_card": ("not_mynumber_card", "none"),
    "short_apdu_only": ("short_apdu_only", "right"),
    "pulled_out": ("pulled_out", "none"),
    "missing_not_found": ("missing_not_found", "none"),
    "missing_access_denied": ("missing_access_denied", "none"),
    "missing_blank_ff": ("missing_blank_ff", "none"),
    "missing_blank_00": ("missing_blank_00", "none"),
    "missing_not_der": ("missing_not_der", "none"),
    "missing_length_mismatch": ("missing_length_mismatch", "none"),
    "missing_unparseable": ("missing_unparseable", "none"),
    "missing_empty": ("missing_empty", "none"),
    "no_expiry": ("no_expiry", "none"),
    "negative_serial": ("negative_serial", "right"),
    "smartphone_android": ("smartphone_android", "none"),
    "smartphone_android_pin": ("smartphone_android", "right"),
    "smartphone_iphone": ("smartphone_iphone", "none"),
    "jukicard": ("jukicard", "none"),
    "unknown_label": ("unknown_label", "none"),
    "token_unreadable": ("token_unreadable", "none"),
    "missing_token_unreadable": ("missing_token_unreadable", "none"),
}
PINS = {"right": DEMO_PIN, "wrong": "9999"}


def record(name: str, scenario: str, pin: str) -> str:
    recorder = RecordingConnection(SimulatedConnection(make_card(scenario), scenario))
    # A fixed challenge keeps the files the same from one run of this script to the next.
    digest = hashlib.sha256(b"mynacheck transcript fixture").digest()
    options = CheckOptions(at=AT, use_pin=pin != "none", challenge_digest=digest)
    source = StdinPinSource(io.StringIO(PINS[pin] + "\n")) if pin in PINS else None
    report = run_check(recorder, options, source)
    recorder.close()
    text = format_transcript(recorder.entries, f"Virtual PCD 00 00 ({scenario})", recorder.atr)
    header = (
        f"# pin: {pin}\n# at: {AT.strftime('%Y-%m-%dT%H:%M:%SZ')}\n"
        f"# expect: {report.status.value}\n"
    )
    return header + text


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (scenario, pin) in TRANSCRIPTS.items():
        (OUT / f"{name}.txt").write_text(record(name, scenario, pin), encoding="utf-8")
        print(name)


if __name__ == "__main__":
    main()
