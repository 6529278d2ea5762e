"""A card unpowered under us: another program's unpowering disconnect just before our
connect can be carried out by pcscd *after* it (tests/integration/test_pcsc_transport.py
shows it through the real pcscd and vpcd). The first command then gets no answer; the
connection cold-resets the card and sends that command once more — only a SELECT or a
READ BINARY, never a VERIFY, and never any command after the first.

Here on a scripted stand-in for pyscard's ``scard`` (``pcsc.use_scard_layer``)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from smartcard import scard as real_scard

from mynacheck.errors import CardRemovedError, CardUnresponsiveError

from .helpers import open_scripted, scard_layers

S = real_scard
READER = "Fake Reader 00 00"
SELECT = bytes.fromhex("00A4040C0AD392F000260100000001")
READ = bytes.fromhex("00B08A00000000")
VERIFY = bytes.fromhex("0020008004") + b"\x00" * 4
OK = [0x90, 0x00]


class FakeScard(SimpleNamespace):
    """Connects (``connects``: the codes, in turn), transmits (``answers``: (code, bytes)
    in turn); records every command sent and every reconnect's disposition."""

    def __init__(self, *answers: tuple[int, list[int]], connects: list[int] | None = None) -> None:
        constants = {n: getattr(S, n) for n in dir(S) if n.isupper() or n == "error"}
        super().__init__(**constants)
        self.answers = list(answers)
        self.connects = list(connects or [S.SCARD_S_SUCCESS])
        self.connect_calls = 0
        self.sent: list[bytes] = []
        self.reconnects: list[int] = []
        self.present = True

    def SCardEstablishContext(self, scope: int) -> tuple[int, str]:
        return S.SCARD_S_SUCCESS, "context"

    def SCardReleaseContext(self, context: str) -> int:
        return int(S.SCARD_S_SUCCESS)

    def SCardConnect(self, context: str, reader: str, share: int, protocols: int) -> Any:
        self.connect_calls += 1
        code = self.connects.pop(0) if len(self.connects) > 1 else self.connects[0]
        return code, 7, S.SCARD_PROTOCOL_T1

    def SCardTransmit(self, handle: int, protocol: int, apdu: list[int]) -> Any:
        self.sent.append(bytes(apdu))
        return self.answers.pop(0)

    def SCardReconnect(self, handle: int, share: int, protocols: int, disposition: int) -> Any:
        self.reconnects.append(disposition)
        return S.SCARD_S_SUCCESS, S.SCARD_PROTOCOL_T1

    def SCardStatus(self, handle: int) -> Any:
        return S.SCARD_S_SUCCESS, READER, 0, S.SCARD_PROTOCOL_T1, [0x3B, 0x00]

    def SCardGetStatusChange(self, context: str, timeout: int, states: list[Any]) -> Any:
        state = S.SCARD_STATE_PRESENT if self.present else S.SCARD_STATE_EMPTY
        return S.SCARD_S_SUCCESS, [(READER, state | S.SCARD_STATE_CHANGED, [])]

    def SCardDisconnect(self, handle: int, disposition: int) -> int:
        return int(S.SCARD_S_SUCCESS)


@pytest.fixture
def fake() -> Iterator[Callable[..., FakeScard]]:
    with scard_layers(FakeScard) as install:
        yield install


@pytest.mark.parametrize(
    "code", [S.SCARD_E_NOT_TRANSACTED, S.SCARD_E_PROTO_MISMATCH, S.SCARD_W_UNPOWERED_CARD]
)
@pytest.mark.parametrize("command", [SELECT, READ])
def test_a_first_read_unanswered_is_sent_again_after_a_cold_reset(
    fake: Any, caplog: pytest.LogCaptureFixture, code: int, command: bytes
) -> None:
    layer = fake((code, []), (S.SCARD_S_SUCCESS, OK), (S.SCARD_S_SUCCESS, OK))
    with (
        caplog.at_level(logging.INFO, logger="mynacheck.card"),
        open_scripted(READER) as connection,
    ):
        assert connection.send_and_receive(command) == (b"", 0x9000)
        assert connection.send_and_receive(READ) == (b"", 0x9000)
        assert connection.apdu_count == 3
    assert layer.sent == [command, command, READ]
    assert layer.reconnects == [S.SCARD_UNPOWER_CARD]
    assert any("cold reset" in r.getMessage() for r in caplog.records)


def test_a_verify_is_never_sent_twice(fake: Any) -> None:
    layer = fake((S.SCARD_E_NOT_TRANSACTED, []))
    with open_scripted(READER) as connection, pytest.raises(CardUnresponsiveError):
        connection.send_and_receive(VERIFY)
    assert layer.sent == [VERIFY] and layer.reconnects == []


def test_only_the_first_command_and_only_once(fake: Any) -> None:
    layer = fake((S.SCARD_S_SUCCESS, OK), (S.SCARD_E_NOT_TRANSACTED, []))
    with open_scripted(READER) as connection:
        connection.send_and_receive(SELECT)
        with pytest.raises(CardUnresponsiveError):
            connection.send_and_receive(READ)
    assert layer.sent == [SELECT, READ] and layer.reconnects == []
    layer = fake((S.SCARD_E_NOT_TRANSACTED, []), (S.SCARD_E_NOT_TRANSACTED, []))
    with open_scripted(READER) as connection, pytest.raises(CardUnresponsiveError):
        connection.send_and_receive(SELECT)
    assert layer.sent == [SELECT, SELECT] and layer.reconnects == [S.SCARD_UNPOWER_CARD]


def test_a_card_pulled_out_is_not_reset(fake: Any) -> None:
    layer = fake((S.SCARD_E_NOT_TRANSACTED, []))
    layer.present = False
    with open_scripted(READER) as connection, pytest.raises(CardRemovedError):
        connection.send_and_receive(SELECT)
    assert layer.sent == [SELECT] and layer.reconnects == []


def test_the_head_starts_unanswered_first_command_is_sent_again(fake: Any) -> None:
    """The head start sent the SELECT (card/early.py) and hands its answer over."""
    layer = fake((S.SCARD_S_SUCCESS, OK))
    with open_scripted(READER) as connection:
        assert connection.answer(S.SCARD_E_NOT_TRANSACTED, b"", SELECT) == (b"", 0x9000)
    assert layer.sent == [SELECT] and layer.reconnects == [S.SCARD_UNPOWER_CARD]


def test_a_connect_that_meets_the_unpowering_is_made_again(
    fake: Any, caplog: pytest.LogCaptureFixture
) -> None:
    layer = fake(connects=[S.SCARD_E_PROTO_MISMATCH, S.SCARD_S_SUCCESS])
    with caplog.at_level(logging.INFO, logger="mynacheck.card"), open_scripted(READER):
        pass
    assert layer.connect_calls == 2
    assert any("once more" in r.getMessage() for r in caplog.records)
