"""What ``mynacheck-sim`` and ``VirtualCard`` say when vpcd does not take the card.

vpcd listens with a backlog of 0 and takes one card program at a time; these tests
stand a plain listener in for it (no pcscd needed).
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator

import pytest

from mynacheck.simcard import sim_command
from mynacheck.simcard.scenarios import make_card
from mynacheck.simcard.vpcd import VirtualCard


@pytest.fixture
def held_reader() -> Iterator[socket.socket]:
    """A listener like vpcd's (backlog 0) that never takes a card program."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    try:
        yield server
    finally:
        server.close()


def _port(server: socket.socket) -> int:
    port: int = server.getsockname()[1]
    return port


def test_nothing_listening_says_so() -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = _port(probe)
    probe.close()
    card = VirtualCard(make_card("valid"), port=port, connect_timeout=0.2)
    with pytest.raises(ConnectionError, match=r"nothing listens on .*pcscd is not running"):
        card.insert()


def test_a_connection_vpcd_never_speaks_to_is_no_ready_card(
    held_reader: socket.socket, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sim_command, "TAKE_TIMEOUT", 0.3)
    code = sim_command.main(["--port", str(_port(held_reader))])
    out, err = capsys.readouterr()
    assert code == 1
    assert "ready" not in out
    assert "never spoke to the card" in err and "another program holds this vpcd reader" in err
    assert "not listening" not in err


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="Linux drops a SYN to a full accept queue"
)
def test_a_full_accept_queue_says_another_program_holds_the_reader(
    held_reader: socket.socket,
) -> None:
    port = _port(held_reader)
    waiting = socket.create_connection(("127.0.0.1", port), timeout=1.0)  # queued, like a card
    try:
        card = VirtualCard(make_card("valid"), port=port, connect_timeout=0.5)
        with pytest.raises(ConnectionError, match="another program holds this vpcd reader"):
            card.insert()
    finally:
        waiting.close()
