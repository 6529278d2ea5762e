"""``mynacheck-sim``: put a simulated My Number Card into a vpcd reader and serve it
(the wire protocol and the card side are in :mod:`mynacheck.simcard.vpcd`)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from types import FrameType

from .vpcd import DEFAULT_HOST, DEFAULT_PORT, Card, VirtualCard

#: Seconds to wait for vpcd's first word to the card (pcscd polls every 400 ms).
TAKE_TIMEOUT = 3.0


def serve(
    card: Card,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    stop_event: threading.Event | None = None,
    *,
    on_ready: Callable[[VirtualCard], None] | None = None,
    latency: float = 0.0,
    take_timeout: float = TAKE_TIMEOUT,
) -> str:
    """Insert ``card`` into the vpcd reader at ``host:port`` and serve it.

    Ready (``on_ready``) only once vpcd speaks to the card: pcscd asks every
    inserted card for its ATR about every 400 ms. A connection vpcd never speaks
    to waits behind another card program's (vpcd takes one at a time):
    ``ConnectionError`` after ``take_timeout`` seconds.

    Blocks until ``stop_event`` is set, the card removes itself, or vpcd
    closes the connection; returns :attr:`VirtualCard.end_reason`.
    """
    stop = stop_event or threading.Event()
    virtual = VirtualCard(card, host=host, port=port, latency=latency)
    virtual.insert()
    try:
        if not _wait_taken(virtual, take_timeout, stop):
            if stop.is_set() or virtual.finished.is_set():
                return virtual.end_reason or "removed"
            raise ConnectionError(
                f"vpcd at {host}:{port} took the connection but never spoke to the card "
                f"in {take_timeout:g} s: another program holds this vpcd reader (a test, "
                "the demo, another mynacheck-sim); wait for it to end, or use the other "
                "vpcd reader"
            )
        if on_ready is not None:
            on_ready(virtual)
        while not virtual.finished.wait(0.1):
            if stop.is_set():
                break
    finally:
        virtual.remove()
    return virtual.end_reason or "removed"


def _wait_taken(virtual: VirtualCard, timeout: float, stop: threading.Event) -> bool:
    deadline = time.monotonic() + timeout
    while not virtual.taken.wait(0.05):
        if stop.is_set() or virtual.finished.is_set() or time.monotonic() >= deadline:
            return False
    return True


# -- command line ------------------------------------------------------------------


def _scenario_names() -> list[str]:
    from .scenarios import SCENARIOS

    return list(SCENARIOS)


def _make_card(name: str) -> Card:
    from .scenarios import make_card

    card: Card = make_card(name)
    return card


def main(argv: Sequence[str] | None = None) -> int:
    """``mynacheck-sim``: put a simulated My Number Card into a vpcd reader."""
    parser = argparse.ArgumentParser(
        prog="mynacheck-sim",
        description="Serve a simulated My Number Card to pcscd through vsmartcard-vpcd.",
    )
    parser.add_argument("--scenario", default="valid", help="card scenario (see --list)")
    parser.add_argument("--host", default=DEFAULT_HOST, help="vpcd host (default %(default)s)")
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="vpcd port: 35963 = 'Virtual PCD 00 00', 35964 = '... 00 01'",
    )
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=0.0,
        help="delay added to every APDU, to stand in for a real reader (default 0)",
    )
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    args = parser.parse_args(argv)

    if args.list:
        try:
            print("\n".join(_scenario_names()), flush=True)
        except BrokenPipeError:  # `mynacheck-sim --list | head`: fine, say nothing
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    try:
        card = _make_card(args.scenario)
    except (KeyError, ValueError):  # said once, with the nearest name
        from ..errors import InputError

        names = _scenario_names()
        near = InputError.unknown_choice("unknown_scenario", args.scenario, names).info.get("close")
        hint = f" (did you mean {near!r}?)" if near else ""
        print(f"mynacheck-sim: unknown scenario {args.scenario!r}{hint}", file=sys.stderr)
        print("scenarios: " + ", ".join(names), file=sys.stderr)
        return 2

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {
        signum: signal.signal(signum, on_signal) for signum in (signal.SIGINT, signal.SIGTERM)
    }

    def on_ready(virtual: VirtualCard) -> None:
        print("ready", flush=True)
        print(
            f"mynacheck-sim: card {args.scenario!r} inserted at {args.host}:{args.port}",
            file=sys.stderr,
        )

    try:
        reason = serve(
            card,
            args.host,
            args.port,
            stop,
            on_ready=on_ready,
            latency=args.latency_ms / 1000,
            take_timeout=TAKE_TIMEOUT,
        )
    except ConnectionError as error:
        print(f"mynacheck-sim: {error}", file=sys.stderr)
        return 1
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print(f"mynacheck-sim: card out ({reason})", file=sys.stderr)
    return 1 if reason.startswith("error") or reason == "host_closed" else 0


if __name__ == "__main__":
    sys.exit(main())
