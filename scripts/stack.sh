# Shared by .ci/run and scripts/demo (sourced, not run): the real PC/SC stack with
# vsmartcard-vpcd's virtual readers, and the project's venv, on Debian as root.
#
#   stack_setup   1. apt: pcscd + vsmartcard-vpcd (the virtual readers) + what pip needs
#                    to build pyscard (no Linux wheel: libpcsclite-dev, swig, gcc, python3-dev)
#                 2. .venv with `pip install -e '.[test]'` (skipped while pyproject.toml is unchanged)
#                 3. pcscd showing vpcd's two readers: started here unless one already
#                    serves them; a pcscd started before vpcd was installed is restarted.
#                    Whatever this starts, it stops on exit (an EXIT trap).
# The caller sets LOG_PREFIX and runs from the repository root.

APT_PACKAGES=(pcscd libpcsclite-dev swig vsmartcard-vpcd opensc python3-venv gcc python3-dev)

log() { printf '[%s] %s\n' "${LOG_PREFIX:-stack}" "$*" >&2; }

stack_setup() {
    VPCD_READER="Virtual PCD 00 00"

    # -- 1. system packages ---------------------------------------------------------------
    missing=()
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

    # -- 2. virtualenv ----------------------------------------------------------------------
    stamp=.venv/.ci-installed
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

    # -- 3. pcscd ---------------------------------------------------------------------------
    started_pcscd=""
    cleanup() {
        if [[ -n "$started_pcscd" ]] && kill -0 "$started_pcscd" 2>/dev/null; then
            log "stopping the pcscd started here (pid $started_pcscd)"
            kill "$started_pcscd" 2>/dev/null || true
            wait "$started_pcscd" 2>/dev/null || true
        fi
    }
    trap cleanup EXIT
    trap 'exit 130' INT TERM

    vpcd_visible() { opensc-tool --list-readers 2>/dev/null | grep -q "$VPCD_READER"; }

    stop_running_pcscd() {
        if command -v systemctl >/dev/null && systemctl is-active --quiet pcscd 2>/dev/null; then
            systemctl stop pcscd.service pcscd.socket 2>/dev/null || true
        fi
        local pid
        pid="$(cat /run/pcscd/pcscd.pid 2>/dev/null || pgrep -x pcscd || true)"
        if [[ -n "$pid" ]]; then
            kill $pid 2>/dev/null || true
            for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
        fi
    }

    if pgrep -x pcscd >/dev/null; then
        if $vpcd_newly_installed || ! vpcd_visible; then
            # Started (by the package install, or earlier) before the vpcd driver
            # was there: it will never show the virtual readers.
            log "restarting pcscd so it loads the vpcd driver"
            stop_running_pcscd
        else
            log "pcscd already running with the vpcd readers"
        fi
    fi
    if ! pgrep -x pcscd >/dev/null; then
        log "starting pcscd"
        pcscd --foreground >/dev/null 2>&1 &
        started_pcscd=$!
        for _ in $(seq 100); do
            vpcd_visible && break
            kill -0 "$started_pcscd" 2>/dev/null || { log "pcscd exited"; exit 1; }
            sleep 0.1
        done
        vpcd_visible || { log "pcscd does not show '$VPCD_READER'"; exit 1; }
    fi
}
