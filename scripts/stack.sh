# Shared by .ci/run and scripts/demo (sourced, not run): the real PC/SC stack with
# vsmartcard-vpcd's virtual readers, and the project's venv, on Debian as root.
#
#   stack_setup   1. stack_packages: apt: pcscd + vsmartcard-vpcd (the virtual readers) +
#                    what pip needs to build pyscard (no Linux wheel: libpcsclite-dev, swig,
#                    gcc, python3-dev)
#                 2. stack_venv: .venv with `pip install -e '.[test]'` (skipped while
#                    pyproject.toml is unchanged)
#                 3. stack_pcscd: pcscd showing vpcd's two readers: the running one if it
#                    serves them already; else one started here. A pcscd that runs without
#                    the vpcd driver (started before vsmartcard-vpcd was installed) is
#                    stopped for it (systemd units with systemctl, else by pid) and
#                    started again on exit, as it was (`systemctl start`, or its own
#                    command line): a workstation's real reader works afterwards as before.
#                    Whatever this starts, it stops on exit (an EXIT trap). The PID of the
#                    pcscd started here is in $MYNACHECK_PCSCD_PIDFILE (a test that restarts
#                    pcscd writes the new PID there; that one is stopped on exit).
# The caller sets LOG_PREFIX and runs from the repository root.

APT_PACKAGES=(pcscd libpcsclite-dev swig vsmartcard-vpcd opensc python3-venv gcc python3-dev
              fonts-ipafont-gothic)  # the last: Japanese labels in `report --chart` and the window
# The window's tests (PySide6 on Qt's offscreen platform): the libraries Qt's
# widgets, fonts and offscreen plugin load.
APT_PACKAGES+=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0)
APT_PACKAGES+=(chromium)  # report --html's tests: the page drawn and printed by headless Chromium
# The window's screen-reader tests (tests/gui/test_screen_reader.py): an X display, Qt's xcb platform, the AT-SPI bus, a pyatspi listener, real key events.
APT_PACKAGES+=(xvfb xauth xdotool dbus at-spi2-core python3-pyatspi gir1.2-atspi-2.0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0)
# The server tally's tests (issue 16): Debian's PostgreSQL binaries; the tests run initdb in a
# temporary folder as an unprivileged user and stop that cluster at the end (no system cluster used).
APT_PACKAGES+=(postgresql)
VPCD_READER="Virtual PCD 00 00"

log() { printf '[%s] %s\n' "${LOG_PREFIX:-stack}" "$*" >&2; }

stack_setup() {
    stack_packages
    stack_venv
    stack_pcscd
}

stack_packages() {
    local package missing=()
    for package in "${APT_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$package")
        fi
    done
    vpcd_newly_installed=false
    if ((${#missing[@]})); then
        log "installing: ${missing[*]}"
        [[ " ${missing[*]} " == *" vsmartcard-vpcd "* ]] && vpcd_newly_installed=true
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        log "system packages already installed"
    fi
}

stack_venv() {
    local stamp=.venv/.ci-installed want
    want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [[ ! -x .venv/bin/python ]]; then
        log "creating .venv"
        python3 -m venv .venv
    fi
    if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
        log "pip install -e '.[test]'"
        .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
        printf '%s\n' "$want" >"$stamp"
    else
        log ".venv up to date"
    fi
}

# -- pcscd ------------------------------------------------------------------------------

started_pcscd=""        # pid of the pcscd started here: stopped on exit
export MYNACHECK_PCSCD_PIDFILE="${MYNACHECK_PCSCD_PIDFILE:-${TMPDIR:-/tmp}/mynacheck-pcscd.pid}"
stopped_units=()        # systemd units stopped here: started again on exit
stopped_pcscd_cmd=()    # command line of a pcscd (not systemd's) stopped here: run again on exit

vpcd_visible() { opensc-tool --list-readers 2>/dev/null | grep -q "$VPCD_READER"; }

systemd_pcscd_units() {
    # The pcscd units systemd has active right now (none without systemd).
    command -v systemctl >/dev/null 2>&1 || return 0
    local unit
    for unit in pcscd.socket pcscd.service; do
        if systemctl is-active --quiet "$unit" 2>/dev/null; then printf '%s\n' "$unit"; fi
    done
}

stop_running_pcscd() {
    local units pid pids
    mapfile -t units < <(systemd_pcscd_units)
    if ((${#units[@]})); then
        log "stopping the system pcscd (${units[*]}); it is started again on exit"
        systemctl stop pcscd.service pcscd.socket 2>/dev/null || true
        stopped_units+=("${units[@]}")
    fi
    pids="$(pgrep -x pcscd || true)"
    [[ -n "$pids" ]] || return 0
    if ((${#units[@]} == 0)); then
        pid="${pids%%$'\n'*}"
        mapfile -d '' -t stopped_pcscd_cmd <"/proc/$pid/cmdline" || true
        log "stopping pcscd (pid $pid: ${stopped_pcscd_cmd[*]}); it is started again on exit"
    fi
    # shellcheck disable=SC2086  # one pid per word
    kill $pids 2>/dev/null || true
    for _ in $(seq 50); do
        # shellcheck disable=SC2086
        kill -0 $pids 2>/dev/null || break
        sleep 0.1
    done
}

restore_pcscd() {
    # Put back what stop_running_pcscd took away (after ours has gone).
    if ((${#stopped_units[@]})); then
        log "starting the system pcscd again: systemctl start ${stopped_units[*]}"
        systemctl start "${stopped_units[@]}" ||
            log "could not start ${stopped_units[*]}: run 'systemctl start pcscd'"
        stopped_units=()
    fi
    if ((${#stopped_pcscd_cmd[@]})); then
        log "starting the pcscd that ran before again: ${stopped_pcscd_cmd[*]}"
        setsid "${stopped_pcscd_cmd[@]}" </dev/null >/dev/null 2>&1 &
        stopped_pcscd_cmd=()
    fi
}

stop_started_pcscd() {
    [[ -n "$started_pcscd" ]] || return 0
    local recorded
    recorded="$(cat "$MYNACHECK_PCSCD_PIDFILE" 2>/dev/null || true)"
    if [[ "$recorded" =~ ^[0-9]+$ && "$recorded" != "$started_pcscd" ]] &&
        kill -0 "$recorded" 2>/dev/null; then
        log "stopping the pcscd a test restarted in its place (pid $recorded)"
        kill "$recorded" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$recorded" 2>/dev/null || break; sleep 0.1; done
    fi
    if kill -0 "$started_pcscd" 2>/dev/null; then
        log "stopping the pcscd started here (pid $started_pcscd)"
        kill "$started_pcscd" 2>/dev/null || true
        wait "$started_pcscd" 2>/dev/null || true
    fi
    rm -f "$MYNACHECK_PCSCD_PIDFILE"
    started_pcscd=""
}

cleanup() {
    stop_started_pcscd
    restore_pcscd
}

stack_pcscd() {
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    if ! ${vpcd_newly_installed:-false} && vpcd_visible; then
        log "pcscd already running with the vpcd readers"
        return 0
    fi
    if pgrep -x pcscd >/dev/null || [[ -n "$(systemd_pcscd_units)" ]]; then
        # Started (by the package install, or earlier) before the vpcd driver was
        # there: it will never show the virtual readers.
        log "restarting pcscd so it loads the vpcd driver"
        stop_running_pcscd
    fi
    log "starting pcscd"
    pcscd --foreground >/dev/null 2>&1 &
    started_pcscd=$!
    printf '%s\n' "$started_pcscd" >"$MYNACHECK_PCSCD_PIDFILE"
    for _ in $(seq 100); do
        vpcd_visible && break
        kill -0 "$started_pcscd" 2>/dev/null || { log "pcscd exited"; exit 1; }
        sleep 0.1
    done
    vpcd_visible || { log "pcscd does not show '$VPCD_READER'"; exit 1; }
}
