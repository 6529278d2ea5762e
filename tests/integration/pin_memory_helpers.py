"""Programs the PIN-in-memory test scans while they wait (run as subprocesses).

``python pin_memory_helpers.py floor READER``: the layer below mynacheck alone:
pyscard's SCardTransmit of a VERIFY built in a ``bytearray`` (zeroed after), as
card/pcsc/connection.py sends it. Whatever copies of the PIN this process still
holds live in pyscard's C wrapper or pcsc-lite's client library.

``python pin_memory_helpers.py cli ARGS...``: ``mynacheck ARGS`` in this process.

Both read the PIN from stdin, print READY on stderr when done, then wait to be killed.
"""

from __future__ import annotations

import sys
import time


def floor(reader: str) -> None:
    from smartcard import scard

    pin = bytearray(8)
    count = sys.stdin.buffer.raw.readinto(pin)  # type: ignore[attr-defined]
    while count and pin[count - 1] in b"\r\n":
        count -= 1
    _, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    _, card, protocol = scard.SCardConnect(
        context, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
    )
    aid = bytes.fromhex("D392F000260100000001")
    scard.SCardTransmit(card, protocol, [0x00, 0xA4, 0x04, 0x0C, len(aid), *aid])
    scard.SCardTransmit(card, protocol, [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18])
    apdu = bytearray([0x00, 0x20, 0x00, 0x80, count])
    apdu += memoryview(pin)[:count]
    pin[:] = bytes(len(pin))
    _, response = scard.SCardTransmit(card, protocol, list(apdu))
    apdu[:] = bytes(len(apdu))
    assert response[-2:] == [0x90, 0x00], response
    scard.SCardDisconnect(card, scard.SCARD_UNPOWER_CARD)
    scard.SCardReleaseContext(context)


def cli(args: list[str]) -> None:
    from mynacheck.cli import main

    try:
        main(args, standalone_mode=True)  # as run() does, without its os._exit
    except SystemExit:
        pass


if __name__ == "__main__":
    if sys.argv[1] == "floor":
        floor(sys.argv[2])
    else:
        cli(sys.argv[2:])
    sys.stdout.flush()
    print("READY", file=sys.stderr, flush=True)
    time.sleep(600)
