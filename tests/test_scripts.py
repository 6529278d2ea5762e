"""The set-up scripts a first-time user runs: scripts/demo and scripts/stack.sh.

stack.sh's pcscd handling runs here against stand-ins on PATH (systemctl, pgrep,
pcscd, opensc-tool) that write down every call: nothing touches this machine's
real pcscd. What it must do: use a pcscd that already shows the virtual readers;
otherwise stop the running one, start its own, and on exit stop its own and put
back exactly what it stopped, so a workstation's real reader works as before.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

if sys.platform == "win32":  # the scripts are bash for the Debian set-up
    pytest.skip("bash set-up scripts", allow_module_level=True)


# -- scripts/demo -----------------------------------------------------------------


def test_demo_with_a_mistyped_scenario_names_them_and_stops_at_once() -> None:
    if not (ROOT / ".venv" / "bin" / "mynacheck-sim").exists():
        pytest.fail("needs the project's .venv (scripts/demo or .ci/run creates it)")
    started = time.monotonic()
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "demo"), "vaild"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert time.monotonic() - started < 5
    assert result.returncode == 2, result.stderr
    assert "unknown scenario 'vaild' (did you mean 'valid'?)" in result.stderr
    for name in ("valid", "expired", "short_apdu_reset"):
        assert f" {name} " in f" {result.stderr.split(':', 1)[1]} ".replace("\n", " ")
    assert "real PC/SC path" not in result.stderr and "installing" not in result.stderr
    assert result.stdout == ""


# -- scripts/stack.sh with stand-ins ------------------------------------------------

_FAKE_PCSCD = """\
#!/bin/bash
# Stand-in pcscd: stays up until TERM; shows the virtual readers if the vpcd driver
# was installed when it started (FAKE_DRIVER=1/0 when the test starts one itself, so
# no timing decides it; else the marker file). Renamed at once, so this machine's own tools
# (`pgrep -x pcscd` in another session's set-up) never take it for pcscd. It lists
# itself in pcscd.pids last: once there, its TERM trap is set (a TERM right away is
# still said) and it has looked for the driver (the test may install it next).
printf 'standin-pcscd' >"/proc/$$/comm"
trap 'echo "pcscd $$ stopped" >>"$FAKE/calls"; exit 0' TERM
echo "pcscd $*" >>"$FAKE/calls"
if [[ -n "${FAKE_DRIVER:-}" ]]; then driver=$FAKE_DRIVER
elif [[ -e "$FAKE/driver-installed" ]]; then driver=1
else driver=0; fi
unset FAKE_DRIVER  # not for what it starts
[[ $driver == 1 ]] && echo $$ >>"$FAKE/vpcd.pids"
echo $$ >>"$FAKE/pcscd.pids"
while :; do sleep 0.05; done
"""

_FAKE_PGREP = """\
#!/bin/bash
# Stand-in `pgrep -x pcscd`: the stand-in pcscds still alive.
[[ "$*" == "-x pcscd" ]] || { echo "unexpected pgrep $*" >>"$FAKE/calls"; exit 3; }
found=1
while read -r pid; do
    if kill -0 "$pid" 2>/dev/null; then echo "$pid"; found=0; fi
done < <(cat "$FAKE/pcscd.pids" 2>/dev/null)
exit $found
"""

_FAKE_OPENSC_TOOL = """\
#!/bin/bash
while read -r pid; do
    kill -0 "$pid" 2>/dev/null && { echo "0 Virtual PCD 00 00"; exit 0; }
done < <(cat "$FAKE/vpcd.pids" 2>/dev/null)
exit 1
"""

_FAKE_SYSTEMCTL = """\
#!/bin/bash
# Stand-in systemctl: units are files $FAKE/active-UNIT; the service is a stand-in pcscd.
echo "systemctl $*" >>"$FAKE/calls"
case "$1" in
is-active)
    shift; [[ "$1" == --quiet ]] && shift
    [[ -e "$FAKE/active-$1" ]] ;;
stop)
    shift
    for unit in "$@"; do
        if [[ $unit == pcscd.service && -e "$FAKE/active-$unit" ]]; then
            kill "$(cat "$FAKE/systemd.pid")"
        fi
        rm -f "$FAKE/active-$unit"
    done ;;
start)
    shift
    for unit in "$@"; do
        touch "$FAKE/active-$unit"
        if [[ $unit == pcscd.service ]]; then
            setsid "$FAKE/bin/pcscd" --systemd </dev/null >/dev/null 2>&1 &
            echo $! >"$FAKE/systemd.pid"
        fi
    done ;;
*) exit 1 ;;
esac
"""


@dataclass
class Stand:
    """The stand-ins' folder; ``calls`` is everything they were asked, in order."""

    root: Path
    _spawned: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def pidfile(self) -> Path:
        return self.root / "pcscd.pidfile"

    @property
    def calls(self) -> list[str]:
        path = self.root / "calls"
        return path.read_text().splitlines() if path.exists() else []

    def start_pcscd(self, *args: str, driver: bool) -> int:
        """A pcscd running before the set-up (with or without the vpcd driver)."""
        process = subprocess.Popen(
            [str(self.root / "bin" / "pcscd"), *args],
            env={**os.environ, "FAKE": str(self.root), "FAKE_DRIVER": "1" if driver else "0"},
            start_new_session=True,
            stdin=subprocess.DEVNULL,
        )
        # Reaped the moment it ends, as init reaps a real daemon: stack.sh waits
        # for the pid to vanish, and a zombie would not.
        threading.Thread(target=process.wait, daemon=True).start()
        _wait_for(lambda: str(process.pid) in self._pids())
        self._spawned.append(process)
        return process.pid

    def start_systemd_pcscd(self) -> None:
        (self.root / "active-pcscd.socket").touch()
        (self.root / "active-pcscd.service").touch()
        pid = self.start_pcscd("--systemd", driver=False)
        (self.root / "systemd.pid").write_text(f"{pid}\n")

    def live_pcscds(self) -> list[str]:
        """Command lines of the stand-in pcscds alive now."""
        alive = []
        for pid in self._pids():
            try:
                alive.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" "))
            except OSError:
                continue
        return [line.decode().split("/bin/pcscd", 1)[1].strip() for line in alive]

    def _pids(self) -> list[str]:
        path = self.root / "pcscd.pids"
        pids = path.read_text().split() if path.exists() else []
        return [pid for pid in pids if Path(f"/proc/{pid}").exists() and _alive(pid)]

    def run_stack_pcscd(self) -> subprocess.CompletedProcess[str]:
        """Source stack.sh and run stack_pcscd in bash, then exit (the EXIT trap)."""
        (self.root / "driver-installed").touch()  # vpcd is installed by now
        script = textwrap.dedent(
            f"""\
            set -euo pipefail
            source {ROOT / "scripts" / "stack.sh"}
            stack_pcscd
            echo "ready: $(opensc-tool --list-readers)" >>"$FAKE/calls"
            echo "pidfile: $(cat "$MYNACHECK_PCSCD_PIDFILE" 2>/dev/null)" >>"$FAKE/calls"
            """
        )
        return subprocess.run(
            ["bash", "-c", script],
            env={
                **os.environ,
                "FAKE": str(self.root),
                "PATH": f"{self.root / 'bin'}:/usr/bin:/bin",
                "LOG_PREFIX": "test",
                "MYNACHECK_PCSCD_PIDFILE": str(self.pidfile),
            },
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )


def _alive(pid: str) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition: object, timeout: float = 5.0) -> None:
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the stand-in did not come up")
        time.sleep(0.02)


@pytest.fixture
def stand(tmp_path: Path) -> Iterator[Stand]:
    if not Path("/proc/self/cmdline").exists() or shutil.which("setsid") is None:
        pytest.fail("the stack.sh test needs Linux /proc and setsid (util-linux)")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in (
        ("pcscd", _FAKE_PCSCD),
        ("pgrep", _FAKE_PGREP),
        ("opensc-tool", _FAKE_OPENSC_TOOL),
        ("systemctl", _FAKE_SYSTEMCTL),
    ):
        (bin_dir / name).write_text(body)
        (bin_dir / name).chmod(0o755)
    stand = Stand(tmp_path)
    yield stand
    for pid in stand._pids():  # whatever is still up: stand-ins only
        os.kill(int(pid), 15)
    for process in stand._spawned:
        process.wait(5)


def test_a_systemd_pcscd_is_stopped_for_the_driver_and_started_again(stand: Stand) -> None:
    stand.start_systemd_pcscd()
    result = stand.run_stack_pcscd()
    assert result.returncode == 0, result.stderr
    calls = stand.calls
    assert "systemctl stop pcscd.service pcscd.socket" in calls, (calls, result.stderr)
    stop = calls.index("systemctl stop pcscd.service pcscd.socket")
    ours = calls.index("pcscd --foreground")
    ready = next(i for i, c in enumerate(calls) if c.startswith("ready: 0 Virtual PCD 00 00"))
    start = calls.index("systemctl start pcscd.socket pcscd.service")
    assert stop < ours < ready < start
    assert any(c.endswith("stopped") for c in calls[ready:start])  # ours went first
    _wait_for(lambda: stand.live_pcscds() == ["--systemd"])
    assert (stand.root / "active-pcscd.socket").exists()
    assert (stand.root / "active-pcscd.service").exists()
    assert "started again on exit" in result.stderr


def test_a_pcscd_outside_systemd_is_run_again_with_its_own_arguments(stand: Stand) -> None:
    stand.start_pcscd("--auto-exit", "--debug", driver=False)
    result = stand.run_stack_pcscd()
    assert result.returncode == 0, result.stderr
    calls = stand.calls
    assert "pcscd --foreground" in calls
    assert not any(c.startswith("systemctl stop") or c.startswith("systemctl start") for c in calls)
    _wait_for(lambda: stand.live_pcscds() == ["--auto-exit --debug"])
    assert stand.calls.count("pcscd --auto-exit --debug") == 2  # before, and put back


def test_a_pcscd_restarted_by_a_test_is_the_one_stopped(stand: Stand) -> None:
    """test_service_restart.py restarts the set-up's pcscd and writes the new PID."""
    script = textwrap.dedent(
        f"""\
        set -euo pipefail
        source {ROOT / "scripts" / "stack.sh"}
        stack_pcscd
        kill "$(cat "$MYNACHECK_PCSCD_PIDFILE")"
        setsid pcscd --foreground </dev/null >/dev/null 2>&1 &
        echo $! >"$MYNACHECK_PCSCD_PIDFILE"
        echo "restarted: $!" >>"$FAKE/calls"
        until grep -qx "$!" "$FAKE/pcscd.pids"; do sleep 0.01; done  # it is up
        """
    )
    (stand.root / "driver-installed").touch()
    result = subprocess.run(
        ["bash", "-c", script],
        env={**os.environ, "FAKE": str(stand.root), "LOG_PREFIX": "test",
             "PATH": f"{stand.root / 'bin'}:/usr/bin:/bin",
             "MYNACHECK_PCSCD_PIDFILE": str(stand.pidfile)},
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    restarted = next(c for c in stand.calls if c.startswith("restarted: ")).split()[1]
    assert f"the pcscd a test restarted in its place (pid {restarted})" in result.stderr
    _wait_for(lambda: stand.live_pcscds() == [])
    # The clean-up stopped the restarted pcscd (the first one's own "stopped" line may
    # land after it: the test killed that one and did not wait for its last word).
    calls = stand.calls
    assert f"pcscd {restarted} stopped" in calls
    assert calls.index(f"restarted: {restarted}") < calls.index(f"pcscd {restarted} stopped")
    assert not stand.pidfile.exists()


def test_a_pcscd_that_already_shows_the_readers_is_left_alone(stand: Stand) -> None:
    stand.start_pcscd("--foreground", driver=True)
    before = stand.live_pcscds()
    result = stand.run_stack_pcscd()
    assert result.returncode == 0, result.stderr
    calls = stand.calls
    assert calls.count("pcscd --foreground") == 1  # the one that was there
    assert not any("stop" in c or "start" in c for c in calls if c.startswith("systemctl"))
    assert not any(c.endswith("stopped") for c in calls)
    assert stand.live_pcscds() == before


def test_without_a_pcscd_one_is_started_and_stopped_and_nothing_else(stand: Stand) -> None:
    result = stand.run_stack_pcscd()
    assert result.returncode == 0, result.stderr
    calls = [c for c in stand.calls if not c.startswith("systemctl is-active")]
    assert calls[0] == "pcscd --foreground"
    ours = next(c for c in calls if c.startswith("pidfile: ")).split()[1]  # for the tests
    assert calls[-1] == f"pcscd {ours} stopped"
    assert not stand.pidfile.exists()
    assert not any(c.startswith("systemctl start") for c in calls)
    _wait_for(lambda: stand.live_pcscds() == [])


def test_demo_list_starts_no_pcscd(stand: Stand) -> None:
    """`scripts/demo list` only names the scenarios: it once started a pcscd and then
    exec'd the listing, which dropped the EXIT trap and left that pcscd running."""
    (stand.root / "driver-installed").touch()
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "demo"), "list"],
        env={
            **os.environ,
            "FAKE": str(stand.root),
            "PATH": f"{stand.root / 'bin'}:/usr/sbin:/usr/bin:/sbin:/bin",
            "MYNACHECK_PCSCD_PIDFILE": str(stand.pidfile),
        },
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "valid" and "jukicard " in result.stdout
    assert not [c for c in stand.calls if c.startswith("pcscd")], stand.calls
    assert stand.live_pcscds() == [] and not stand.pidfile.exists()
