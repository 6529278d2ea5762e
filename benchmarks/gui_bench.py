"""How fast the window is: start-up to a painted window, and card present to verdict.

    .venv/bin/python benchmarks/gui_bench.py [--runs 9] [--latency-ms 0,44] [--no-pcsc]

A benchmark, not a test: it prints medians. Qt runs on the offscreen platform
(real widgets, real painting into the backing store).

1. Launch to "insert a card": a fresh interpreter runs ``mynacheck-gui`` (and
   ``--counter``) as a user starts it — options, imports, the window, the card loop on
   pcscd with empty readers — until the verdict line is painted saying "insert a
   card"; measured from the parent's spawn (the interpreter's start is in) and inside
   the child. Target: under 0.3 s.
2. Card present -> verdict painted, in-process with the simulated card (no card
   latency): the window against the API alone on the same card (``open_card`` +
   ``check_card``). The difference is what the window adds; the target is <= 100 ms.
   ``valid`` is measured to the painted PIN field (the verdict then waits for a person).
3. The same through the real pcscd and a vpcd virtual card with a per-APDU latency:
   from the moment PC/SC reports the card (this process waits on it too) to the
   painted verdict, against ``open_card`` + ``check_card`` on a card already present.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
AT = datetime(2026, 11, 27, 12, 0, tzinfo=timezone(timedelta(hours=9)))
CHILD = "--child-shown"
#: What the verdict line says while the window waits for a card (present/gui_messages.py).
INSERT_A_CARD = ("カードを置いてください", "Insert your card", "Insert a card")


def child_shown(counter: bool) -> None:
    """Runs in a fresh interpreter: the real start (``mynacheck-gui [--counter]``,
    :func:`mynacheck.gui.main`: options, imports, window) until the verdict line is
    painted saying "insert a card"; print the seconds since this interpreter began
    running Python, and the wall clock then."""
    started = time.perf_counter()
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication(["mynacheck-gui"])  # the window's run() takes this one

    class Painted(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                event.type() == QEvent.Type.Paint
                and isinstance(watched, QLabel)
                and watched.objectName() == "verdict"
                and watched.text() in INSERT_A_CARD
            ):
                shown = time.perf_counter() - started
                loaded = [m for m in ("cryptography", "click", "smartcard") if m in sys.modules]
                print(
                    f"{shown:.6f} {time.time():.6f} {time.process_time():.6f}"
                    f" {len(sys.modules)} {','.join(loaded) or '-'}",
                    flush=True,
                )
                os._exit(0)  # measured; the window's own shutdown is not
            return False

    spy = Painted()
    app.installEventFilter(spy)
    from mynacheck.gui import main

    main(["--counter"] if counter else [])
    raise SystemExit("the window closed before it showed 'insert a card'")


def window_shown(runs: int, counter: bool) -> tuple[float, float, float, str]:
    """Medians (seconds from the spawn, from the child's first line of Python, CPU
    seconds used), and the modules loaded by then (how many; which of the heavy ones)."""
    wall, inside, cpu = [], [], []
    modules = ""
    for _ in range(runs):
        spawned = time.time()
        out = subprocess.run(
            [sys.executable, __file__, CHILD, *(["--counter"] if counter else [])],
            capture_output=True,
            text=True,
            check=True,
            stdin=subprocess.DEVNULL,
        ).stdout.split()
        inside.append(float(out[0]))
        wall.append(float(out[1]) - spawned)
        cpu.append(float(out[2]))
        modules = f"{out[3]} modules, of them {out[4]}"
    return statistics.median(wall), statistics.median(inside), statistics.median(cpu), modules


def _painted_after(window: Any, widget: Any, condition: Callable[[], bool]) -> Callable[[], float]:
    """Arm a probe: returns a function that runs the event loop until ``widget`` is
    painted with ``condition`` true, and gives the perf_counter of that paint."""
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer

    loop = QEventLoop()
    moment: list[float] = []

    class Probe(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not moment and condition():
                moment.append(time.perf_counter())
                loop.quit()
            return False

    probe = Probe()
    widget.installEventFilter(probe)

    def wait() -> float:
        if not moment:
            QTimer.singleShot(30_000, loop.quit)
            loop.exec()
        widget.removeEventFilter(probe)
        if not moment:
            raise TimeoutError("never painted")
        return moment[0]

    return wait


def simulated(runs: int, scenario: str) -> tuple[float, float]:
    """(window, API alone): median seconds from insert() to painted verdict/PIN field."""
    import mynacheck
    from mynacheck.gui import SelfCheckWindow

    reader = mynacheck.SimulatedReader()
    window = SelfCheckWindow(simulate=reader, at=AT, lang="ja")
    window.show()
    target = window.pinField if scenario == "valid" else window.verdict
    expected = {"valid": "", "missing_not_found": "missing"}.get(scenario, scenario)
    gui, api = [], []
    for _ in range(runs + 1):  # the first run warms imports up; dropped
        wait = _painted_after(
            window,
            target,
            lambda: (
                target.isVisible()
                and window.property("mynacheckStatus") == expected
                and (scenario != "valid" or window.pinField.isEnabled())
            ),
        )
        started = time.perf_counter()
        reader.insert(scenario)
        gui.append(wait() - started)
        reader.remove()
        _settle(lambda: window.verdict.text() == "カードを置いてください")
        started = time.perf_counter()
        reader.insert(scenario)
        with mynacheck.open_card(simulate=reader, wait=0) as card:
            _check_up_to_pin(card)
        api.append(time.perf_counter() - started)
        reader.remove()
    window.close()
    return statistics.median(gui[1:]), statistics.median(api[1:])


class _StopAtPin:
    """A PIN source that stops the check where the window would show the PIN field."""

    def read_pin(self, reference: object, tries_left: int | None) -> bytearray:
        import mynacheck

        raise mynacheck.Cancelled()

    def confirm_last_try(self) -> bool:
        return False


def _check_up_to_pin(card: Any) -> None:
    import mynacheck

    try:
        mynacheck.check_card(card, pin=_StopAtPin(), at=AT)
    except mynacheck.Cancelled:
        pass


def _settle(condition: Callable[[], bool]) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + 10
    while not condition() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.001)


def through_pcsc(
    runs: int, latency: float, scenario: str = "expired", counter: bool = False
) -> tuple[float, float]:
    import mynacheck
    from mynacheck.card.pcsc import wait_for_card, wait_for_removal
    from mynacheck.gui import CounterWindow, SelfCheckWindow
    from mynacheck.simcard.scenarios import make_card
    from mynacheck.simcard.vpcd import DEFAULT_PORT, VirtualCard

    name = "Virtual PCD 00 00"
    # Through pcscd the simulated card is a real card: its root is trusted as an anchor.
    anchors = [ROOT / "src" / "mynacheck" / "simcard" / "data" / "simulator-root.pem"]
    window: Any
    if counter:
        window = CounterWindow(reader=name, lang="ja", trust_anchors=anchors)
    else:
        window = SelfCheckWindow(reader=name, at=AT, lang="ja", trust_anchors=anchors)
    window.show()
    gui, api = [], []
    for _ in range(runs):
        wait_for_removal(name, 5)
        _settle(lambda: window.verdict.text() in INSERT_A_CARD)
        wait = _painted_after(
            window, window.verdict, lambda: window.property("mynacheckStatus") == scenario
        )
        virtual = VirtualCard(make_card(scenario), port=DEFAULT_PORT, latency=latency)
        seen: list[float] = []

        def watch(seen: list[float] = seen) -> None:
            wait_for_card(name, 10)
            seen.append(time.perf_counter())

        watcher = threading.Thread(target=watch)
        watcher.start()
        virtual.insert()
        painted = wait()
        watcher.join()
        gui.append(painted - seen[0])
        _settle(lambda: True)
        started = time.perf_counter()
        with mynacheck.open_card(name) as card:
            mynacheck.check_card(card, at=AT, trust_anchors=anchors)
        api.append(time.perf_counter() - started)
        virtual.remove()
    wait_for_removal(name, 5)
    window.close()
    return statistics.median(gui), statistics.median(api)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--latency-ms", default="0,44")
    parser.add_argument("--parts", default="shown,sim,pcsc", help="which parts to run")
    parser.add_argument(CHILD, action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--counter", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_shown:
        child_shown(args.counter)
        return 0
    sys.path.insert(0, str(ROOT / "src"))
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    from PySide6.QtWidgets import QApplication

    app = QApplication([])  # noqa: F841 - lives for the whole run
    parts = args.parts.split(",")
    if "shown" in parts:
        shown(args.runs)
    if "sim" in parts:
        print(f"\n== card present -> painted, simulated card (median of {args.runs})")
        for scenario in ("expired", "missing_not_found", "valid"):
            gui, api = simulated(args.runs, scenario)
            what = "PIN field" if scenario == "valid" else "verdict"
            print(
                f"  {scenario:18} {what:9}: window {gui * 1000:6.1f} ms,"
                f" API alone {api * 1000:6.1f} ms, window adds {(gui - api) * 1000:5.1f} ms"
            )
    if "pcsc" in parts:
        return pcsc_part(args.runs, args.latency_ms)
    return 0


def shown(runs: int) -> None:
    """``mynacheck-gui`` from the spawn to the painted "insert a card", with pcscd and
    empty virtual readers (the lock held, so no test's card is in them)."""
    from _stack import virtual_readers

    print(f"== launch to 'insert a card' painted (median of {runs}, fresh interpreter each)")
    with virtual_readers():
        window_shown(2, False)  # warm the file cache
        for counter in (False, True):
            wall, inside, cpu, modules = window_shown(runs, counter)
            kind = "counter   " if counter else "self-check"
            print(
                f"  {kind}: {wall * 1000:6.0f} ms from spawn;"
                f" {inside * 1000:6.0f} ms options+imports+window+paint;"
                f" {cpu * 1000:6.0f} ms CPU; {modules}"
            )


def pcsc_part(runs: int, latencies: str) -> int:
    from _stack import virtual_readers

    with virtual_readers():
        _pcsc_runs(runs, latencies)
    return 0


def _note_arrival(reader: str, seen: list[float]) -> None:
    from mynacheck.card.pcsc import wait_for_card

    wait_for_card(reader, 10)
    seen.append(time.perf_counter())


def through_watch(runs: int, latency: float, scenario: str = "expired") -> float:
    """``mynacheck watch --json``: median seconds from PC/SC seeing the card to the
    verdict's line on its standard output."""
    import selectors

    from mynacheck.card.pcsc import wait_for_removal
    from mynacheck.simcard.scenarios import make_card
    from mynacheck.simcard.vpcd import DEFAULT_PORT, VirtualCard

    name = "Virtual PCD 00 00"
    anchor = ROOT / "src" / "mynacheck" / "simcard" / "data" / "simulator-root.pem"
    command = [sys.executable, "-m", "mynacheck.cli", "watch", "--json", "--reader", "0"]
    watch = subprocess.Popen(
        [*command, "--trust-anchor", str(anchor)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert watch.stdout is not None
    lines = selectors.DefaultSelector()
    lines.register(watch.stdout, selectors.EVENT_READ)
    times = []
    try:
        time.sleep(2)  # loaded and waiting for a card
        for _ in range(runs):
            wait_for_removal(name, 5)
            virtual = VirtualCard(make_card(scenario), port=DEFAULT_PORT, latency=latency)
            seen: list[float] = []
            watcher = threading.Thread(target=_note_arrival, args=(name, seen))
            watcher.start()
            virtual.insert()
            while True:
                if not lines.select(10):
                    raise TimeoutError("watch printed no verdict")
                line = watch.stdout.readline()
                if scenario.encode() in line:
                    break
            shown = time.perf_counter()
            watcher.join()
            times.append(shown - seen[0])
            virtual.remove()
            time.sleep(0.3)
    finally:
        watch.terminate()
        watch.wait(10)
    return statistics.median(times)


def _pcsc_runs(runs: int, latencies: str) -> None:
    for latency_ms in (float(x) for x in latencies.split(",")):
        io = 3 * latency_ms
        print(f"\n== pcscd + vpcd, {latency_ms:g} ms per APDU, 'expired' (median of {runs})")
        print(f"  from PC/SC seeing the card; the card's own I/O: 3 APDUs = {io:g} ms")
        for counter in (False, True):
            gui, api = through_pcsc(runs, latency_ms / 1000, counter=counter)
            kind = "counter window   " if counter else "self-check window"
            print(
                f"  {kind}: verdict painted {gui * 1000:6.1f} ms (I/O + {gui * 1000 - io:5.1f});"
                f" open_card + check_card alone {api * 1000:6.1f} ms"
            )
        shown = through_watch(runs, latency_ms / 1000)
        print(
            f"  watch --json     : verdict line    {shown * 1000:6.1f} ms"
            f" (I/O + {shown * 1000 - io:5.1f})"
        )


if __name__ == "__main__":
    raise SystemExit(main())
