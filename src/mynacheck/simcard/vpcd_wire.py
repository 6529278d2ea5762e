"""vpcd's wire: the messages between vsmartcard's vpcd driver and a card program.

Every message both ways is a 2-byte big-endian length and that many bytes. From
vpcd, a 1-byte message is a control code (``00`` power off, ``01`` power on,
``02`` reset, ``04`` "send your ATR"); longer ones are command APDUs, answered
with the response APDU (extended lengths pass through). :mod:`.vpcd` is the card
program.
"""

from __future__ import annotations

import socket

POWER_OFF = 0x00
POWER_ON = 0x01
RESET = 0x02
GET_ATR = 0x04

#: Linux: ACK at once instead of delaying (the flag resets itself, so set it per read).
_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)


def _receive_exactly(sock: socket.socket, size: int) -> bytes | None:
    buffer = bytearray()
    while len(buffer) < size:
        try:
            if _QUICKACK is not None:
                # vpcd writes the length and the APDU in two sends; with our ACK
                # of the first delayed (40 ms), Nagle holds back the second.
                sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
            chunk = sock.recv(size - len(buffer))
        except OSError:
            return None
        if not chunk:
            return None
        buffer += chunk
    return bytes(buffer)


def receive(sock: socket.socket) -> bytes | None:
    """vpcd's next message (a control code or a command APDU); None when the line ends."""
    header = _receive_exactly(sock, 2)
    if header is None:
        return None
    size = int.from_bytes(header, "big")
    if size == 0:
        return b""
    return _receive_exactly(sock, size)


def send(sock: socket.socket, payload: bytes) -> None:
    """One message to vpcd: the ATR or a response APDU, after its length."""
    if len(payload) > 0xFFFF:
        raise ValueError("vpcd messages are at most 65535 bytes")
    sock.sendall(len(payload).to_bytes(2, "big") + payload)
