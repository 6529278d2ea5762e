"""Property: whatever the card answers, the check ends in a documented status, and
a VERIFY carrying a PIN is only ever sent after the card said 2 or more tries are left."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mynacheck.card.profile import PinReference
from mynacheck.check import CheckOptions, run_check
from mynacheck.simcard.scenarios import make_card
from mynacheck.status import Detail, Status

from .helpers import ScriptedConnection

NOW = datetime(2026, 11, 27, tzinfo=timezone.utc)
INTERESTING_SW = [
    0x9000, 0x6282, 0x6700, 0x6981, 0x6982, 0x6983, 0x6984, 0x6986, 0x6A81, 0x6A82, 0x6A86,
    0x6B00, 0x6F00, 0x63C0, 0x63C1, 0x63C2, 0x63C3, 0x6110, 0x6C10, 0x6100, 0x6C00,
]  # fmt: skip

response = st.one_of(
    st.binary(max_size=3),  # truncated: fewer than two bytes, or a bare status word
    st.builds(
        lambda data, sw: data + sw.to_bytes(2, "big"),
        st.binary(max_size=300),
        st.one_of(st.sampled_from(INTERESTING_SW), st.integers(0, 0xFFFF)),
    ),
)


class FuzzedConnection(ScriptedConnection):
    """Answers from a drawn list, split as the transport would (truncated answers
    are a card error); once the list runs out, the card 'goes away'."""

    reader = "fuzz"

    def __init__(self, answers: list[bytes]) -> None:
        super().__init__(answers)
        self.received: list[bytes] = []

    def send_and_receive(self, apdu: bytes) -> tuple[bytes, int]:
        from mynacheck.card import split_response
        from mynacheck.errors import CardError
        from mynacheck.status import Detail

        self.sent.append(apdu)
        if not self.answers:
            raise CardError(Detail.CARD_REMOVED)
        answer = self.answers.pop(0)
        self.received.append(answer)
        return split_response(answer)


class Pins:
    def read_pin(self, reference: PinReference, tries_left: int | None) -> bytearray:
        return bytearray(b"1234")

    def confirm_last_try(self) -> bool:
        return False


def _check_pin_rule(connection: FuzzedConnection) -> None:
    for index, command in enumerate(connection.sent):
        if command[1] != 0x20:
            continue
        # A VERIFY is either the bare tries query (case 1, never given an Le or a
        # body: on T=0, `00 20 00 80 00` is an empty PIN) or carries a 4-digit PIN.
        assert len(command) == 4 or len(command) > 5, command.hex()
        if len(command) > 5:
            # The answer to the status query just before must have said >= 2 tries.
            query = index - 1
            assert connection.sent[query][:4] == bytes.fromhex("00200080")
            assert len(connection.sent[query]) == 4
            sw = int.from_bytes(connection.received[query][-2:], "big")
            assert sw >> 4 == 0x63C and sw & 0xF >= 2


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(response, max_size=14))
def test_any_answers_end_in_a_documented_status(answers: list[bytes]) -> None:
    connection = FuzzedConnection(list(answers))
    report = run_check(connection, CheckOptions(at=NOW, use_pin=True), Pins())
    assert isinstance(report.status, Status)
    assert report.status is not Status.INTERNAL_ERROR
    _check_pin_rule(connection)


# The tries query is the 5th command of the valid card's check (SELECT AP, READ 000A,
# READ 000B, SELECT EF 0018, VERIFY): a 6Cxx there was once resent with an Le.
@settings(max_examples=200, deadline=None)
@given(st.integers(0, 40), st.binary(min_size=0, max_size=4))
@example(position=4, garbage=b"\x6c\x00")
@example(position=4, garbage=b"\x6c\x04")
@example(position=4, garbage=b"\x61\x02")
@example(position=4, garbage=b"\x6f\x00")
def test_a_real_card_with_one_answer_garbled(position: int, garbage: bytes) -> None:
    """The valid simulated card, except that answer number ``position`` is replaced."""
    card = make_card("valid")
    connection = FuzzedConnection([])
    count = 0

    def send(apdu: bytes) -> tuple[bytes, int]:
        nonlocal count
        from mynacheck.card import split_response

        connection.sent.append(apdu)
        answer = card.process(apdu)
        if count == position:
            answer = garbage
        count += 1
        connection.received.append(answer)
        return split_response(answer)

    connection.send_and_receive = send  # type: ignore[method-assign]
    card.power_on()
    report = run_check(connection, CheckOptions(at=NOW, use_pin=True), Pins())
    assert report.status is not Status.INTERNAL_ERROR
    _check_pin_rule(connection)
    if position == 4 and len(garbage) >= 2 and garbage[0] in (0x6C, 0x6F):
        # The tries could not be read: no PIN sent, card_error, and it says why.
        assert report.status is Status.CARD_ERROR
        assert Detail.PIN_TRIES_UNREADABLE in report.details
        assert not any(c[1] == 0x20 and len(c) > 4 for c in connection.sent)
