"""A card pulled out just before the connect: PC/SC still says "present" until its
next reader poll, and the connect fails. ``PcscConnection.open`` looks again and
says ``no_card`` when the card turns out gone, ``card_error`` when it stays.

Here on a scripted stand-in for pyscard's ``scard`` module (every PC/SC answer
chosen by the test), put in its place by ``pcsc.use_scard_layer``;
tests/integration/test_pcsc_transport.py does the same pull through the real pcscd
and vpcd.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from smartcard import scard as real_scard

from mynacheck.card import pcsc
from mynacheck.errors import CardBusyError, CardError, NoCardError
from mynacheck.status import Detail

from .helpers import open_scripted, scard_layers

READER = "Fake Reader 00 00"
S = real_scard


class FakeScard(SimpleNamespace):
    """pyscard's constants, and the calls ``PcscConnection.open`` makes, scripted.

    ``connect_code``: what SCardConnect answers. ``pulled_after``: seconds after
    the connect at which the reader's state turns EMPTY (None: never).
    ``status_code``: force an SCardGetStatusChange result code instead.
    """

    def __init__(
        self,
        connect_code: int,
        pulled_after: float | None = None,
        status_code: int | None = None,
    ) -> None:
        constants = {n: getattr(S, n) for n in dir(S) if n.isupper() or n == "error"}
        super().__init__(**constants)
        self.connect_code = connect_code
        self.pulled_after = pulled_after
        self.status_code = status_code
        self.connected_at = 0.0
        self.waits: list[int] = []

    def SCardEstablishContext(self, scope: int) -> tuple[int, str]:
        return S.SCARD_S_SUCCESS, "context"

    def SCardReleaseContext(self, context: str) -> int:
        return int(S.SCARD_S_SUCCESS)

    def SCardConnect(self, context: str, reader: str, share: int, protocols: int) -> Any:
        self.connected_at = time.monotonic()
        return self.connect_code, 0, 0

    def _present(self) -> bool:
        if self.pulled_after is None:
            return True
        return time.monotonic() - self.connected_at < self.pulled_after

    def SCardGetStatusChange(self, context: str, timeout: int, states: list[Any]) -> Any:
        self.waits.append(timeout)
        if self.status_code is not None:
            return self.status_code, []
        (reader, known), = states  # fmt: skip
        deadline = time.monotonic() + timeout / 1000
        while True:
            current = S.SCARD_STATE_PRESENT if self._present() else S.SCARD_STATE_EMPTY
            if current != known & ~S.SCARD_STATE_CHANGED:
                return S.SCARD_S_SUCCESS, [(reader, current | S.SCARD_STATE_CHANGED, [])]
            if time.monotonic() >= deadline:
                return S.SCARD_E_TIMEOUT, [(reader, known, [])]
            time.sleep(0.01)


@pytest.fixture
def fake() -> Iterator[Callable[..., FakeScard]]:
    with scard_layers(FakeScard) as install:
        yield install


@pytest.mark.parametrize(
    "code",
    [
        S.SCARD_W_UNPOWERED_CARD,
        S.SCARD_W_UNRESPONSIVE_CARD,
        S.SCARD_E_NOT_TRANSACTED,
        S.SCARD_F_COMM_ERROR,
    ],
)
def test_a_card_pulled_before_the_next_poll_is_no_card(fake: Any, code: int) -> None:
    layer = fake(connect_code=code, pulled_after=0.3)  # pcscd polls every 400 ms
    started = time.monotonic()
    with pytest.raises(NoCardError) as caught:
        open_scripted(READER)
    assert 0.25 < time.monotonic() - started < 0.55
    assert caught.value.info == {"pcsc_error": pcsc.error_name(code), "reader": READER}
    assert layer.waits[0] == 0  # a look at the current state, then one wait
    assert all(wait <= 500 for wait in layer.waits)


def test_a_card_already_seen_gone_is_no_card_at_once(fake: Any) -> None:
    fake(connect_code=S.SCARD_W_UNPOWERED_CARD, pulled_after=0.0)
    started = time.monotonic()
    with pytest.raises(NoCardError):
        open_scripted(READER)
    assert time.monotonic() - started < 0.1


def test_a_card_that_stays_is_a_card_error_after_one_poll(fake: Any) -> None:
    fake(connect_code=S.SCARD_W_UNPOWERED_CARD, pulled_after=None)
    started = time.monotonic()
    with pytest.raises(CardError) as caught:
        open_scripted(READER)
    assert 0.55 < time.monotonic() - started < 1.0
    assert caught.value.details == (Detail.CARD_UNRESPONSIVE,)
    assert caught.value.info["pcsc_error"] == "SCARD_W_UNPOWERED_CARD"


def test_a_reader_that_went_away_is_no_card(fake: Any) -> None:
    fake(connect_code=S.SCARD_W_UNRESPONSIVE_CARD, status_code=S.SCARD_E_UNKNOWN_READER)
    with pytest.raises(NoCardError):
        open_scripted(READER)


def test_a_status_query_that_fails_keeps_the_card_error(fake: Any) -> None:
    fake(connect_code=S.SCARD_W_UNRESPONSIVE_CARD, status_code=S.SCARD_E_INVALID_HANDLE)
    with pytest.raises(CardError):
        open_scripted(READER)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (S.SCARD_W_REMOVED_CARD, NoCardError),
        (S.SCARD_E_NO_SMARTCARD, NoCardError),
        (S.SCARD_E_SHARING_VIOLATION, CardBusyError),
    ],
)
def test_other_connect_failures_need_no_second_look(fake: Any, code: int, error: type) -> None:
    layer = fake(connect_code=code, pulled_after=None)
    started = time.monotonic()
    with pytest.raises(error):
        open_scripted(READER)
    assert layer.waits == [] and time.monotonic() - started < 0.1


def test_every_pcsc_code_named_in_the_module_exists_in_pyscard() -> None:
    """A misspelt name (SCARD_E_COMM_ERROR for SCARD_F_COMM_ERROR) would make
    ``_is`` raise AttributeError on the error path: an internal error."""
    import re
    from pathlib import Path

    source = "".join(p.read_text(encoding="utf-8") for p in Path(pcsc.__file__).parent.glob("*.py"))
    names = set(re.findall(r'"(SCARD_[A-Z0-9_]*[A-Z0-9])"', source))
    assert "SCARD_W_UNPOWERED_CARD" in names
    assert sorted(n for n in names if not hasattr(S, n)) == []
