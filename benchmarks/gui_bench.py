"""How fast the window is: start-up to a painted window, and card present to verdict.

    .venv/bin/python benchmarks/gui_bench.py [--runs 9] [--latency-ms 0,44]
        [--parts shown,sim,pcsc,callgrind]

A benchmark, not a test: it prints medians. Qt runs on the offscreen platform
(real widgets, real painting into the backing store).

1. Launch to "insert a card": a fresh interpreter runs ``mynacheck-gui`` (and
   ``--counter``) as a user starts it — options, imports, the window, with pcscd and
   empty readers there — until the verdict line is painted saying "insert a card"
   (benchmarks/_gui_shown.py); measured from the parent's spawn (the interpreter's
   start is in), with the CPU time used and the modules loaded by then. Beside it, in
   the same turns, PySide6 alone: a window with one label saying the same (the floor
   any Qt for Python window has here). Target: under 0.3 s. ``--parts callgrind``
   counts the instructions to that paint instead (valgrind): steady under load.
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
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
AT = datetime(2026, 11, 27, 12, 0, tzinfo=timezone(timedelta(hours=9)))
#: What the verdict line says while the window waits for a card (present/gui_messages.py).
INSERT_A_CARD = ("カードを置いてください", "Insert your card", "Insert a card")


SHOWN = Path(__file__).with_name("_gui_shown.py")
#: The launches timed, in turns: name, the child's arguments.
LAUNCHES = (("self-check", []), ("counter", ["--counter"]), ("PySide6 alone", ["--floor"]))


def window_shown(runs: int) -> dict[str, tuple[float, float, str]]:
    """Per launch: medians of seconds from the spawn to the painted "insert a card" and
    of the CPU seconds used by then; the modules loaded by then (how many; which of the
    heavy ones). The launches take turns, so load from elsewhere falls on each alike."""
    wall: dict[str, list[float]] = {name: [] for name, _ in LAUNCHES}
    cpu: dict[str, list[float]] = {name: [] for name, _ in LAUNCHES}
    modules: dict[str, str] = {}
    for _ in range(runs):
        for name, args in LAUNCHES:
            spawned = time.time()
            out = subprocess.run(
                [sys.executable, str(SHOWN), *args],
                capture_output=True,
                text=True,
                check=True,
                stdin=subprocess.DEVNULL,
            ).stdout.split()
            wall[name].append(float(out[1]) - spawned)
            cpu[name].append(float(out[2]))
            heavy = out[4] if out[4] != "-" else "none of click, pyscard, cryptography, the API"
            modules[name] = f"{out[3]} modules loaded; {heavy}"
    return {
        name: (statistics.median(wall[name]), statistics.median(cpu[name]), modules[name])
        for name, _ in LAUNCHES
    }


def instructions_shown() -> dict[str, int]:
    """Per launch: the instructions executed (all threads) from the interpreter's start
    to the painted "insert a card", counted by callgrind. Load on the machine does not
    change them: the steady measure for comparing two versions of the start."""
    counts = {}
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dict layouts every run
    for name, args in LAUNCHES:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "callgrind.out"
            subprocess.run(
                [
                    "valgrind",
                    "--tool=callgrind",
                    f"--callgrind-out-file={out}",
                    sys.executable,
                    str(SHOWN),
                    *args,
                ],
                capture_output=True,
                check=True,
                stdin=subprocess.DEVNULL,
                env=env,
            )
            totals = [line for line in out.read_text().splitlines() if line.startswith("summary:")]
            counts[name] = int(totals[0].split()[1])
    return counts


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
    parser.add_argument(
        "--parts", default="shown,sim,pcsc", help="which parts to run (and: callgrind)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    from PySide6.QtWidgets import QApplication

    app = QApplication([])  # noqa: F841 - lives for the whole run
    parts = args.parts.split(",")
    if "shown" in parts:
        shown(args.runs)
    if "callgrind" in parts:
        callgrind()
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
    print(f"   load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with virtual_readers():
        window_shown(1)  # warm the file cache
        results = window_shown(runs)
    floor = results["PySide6 alone"][0]
    for name, (wall, cpu, modules) in results.items():
        ratio = "" if name == "PySide6 alone" else f" ({wall / floor:.2f}x PySide6 alone)"
        print(f"  {name:13}: {wall * 1000:4.0f} ms from spawn{ratio}; {cpu * 1000:4.0f} ms CPU;")
        print(f"  {'':13}  {modules}")


def callgrind() -> None:
    if shutil.which("valgrind") is None:
        print("\n== instructions to 'insert a card': valgrind is not installed")
        return
    from _stack import virtual_readers

    print("\n== instructions to 'insert a card' painted (callgrind, all threads)")
    with virtual_readers():
        counts = instructions_shown()
    floor = counts["PySide6 alone"]
    for name, count in counts.items():
        ratio = "" if name == "PySide6 alone" else f" ({count / floor:.2f}x PySide6 alone)"
        print(f"  {name:13}: {count / 1e6:6.1f} M instructions{ratio}")


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
