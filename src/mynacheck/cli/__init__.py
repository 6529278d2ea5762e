"""The command line: ``mynacheck check | readers | inspect | pin-status | watch | report | tally``.

One face of the ``mynacheck`` library: each command (one module each) parses its
options, calls the public API and renders with ``mynacheck.present``; the one
map from errors to exit codes is in :mod:`.context`. Heavy imports happen inside
commands so the tool is quick to reach the reader.
"""

from __future__ import annotations

import sys

from ..lazy import lazy_getattr

TYPE_CHECKING = False  # typing is not loaded before the card (see run)

#: The click group (``mynacheck.cli.main``) lives in :mod:`.commands`: loading it
#: is what a check's head start overlaps with the card (see :func:`run`).
_EXPORTS = {"main": ".commands"}

__all__ = ["main", "run"]

__getattr__ = lazy_getattr(__name__, _EXPORTS)


def run() -> None:
    """The console-script entry: :func:`main`, then exit without interpreter teardown.

    By the time ``main`` returns, everything the command owns is closed (the card
    unpowered, the tally committed, the transcript written) and the output is
    flushed below; tearing down cryptography, pyscard and click module by module
    would only add 15-20 ms to every check (measured), so the process ends here.
    A stdout that is closed, full or a broken pipe costs one line on stderr and
    keeps the verdict's exit code: never a traceback.
    """
    import os

    if sys.argv[1:2] == ["check"]:
        # One check is one short process, ended by os._exit below: the cyclic garbage
        # collector would only walk the modules it loads again and again (about 2% of
        # its instructions) and free nothing the exit does not.
        import gc

        gc.disable()
    _start_early(sys.argv[1:])
    try:
        from .commands import main

        main(standalone_mode=True)
        code = 0
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            code = exit_.code or 0
        else:  # sys.exit("message"): Python would print it and exit 1
            _say(str(exit_.code))
            code = 1
    finally:
        if "mynacheck.card.early" in sys.modules:
            import mynacheck

            mynacheck.release_head_start()  # a refused command: the card untouched
    from .context import OUTPUT_LOST, note_output_lost, output_lost

    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError) as error:  # a full stdout, found at the last flush
        note_output_lost(error)
    if OUTPUT_LOST:  # the verdict's exit code stands; one line says what was lost
        _say(f"mynacheck: {output_lost()}")
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    os._exit(code)


def _start_early(args: list[str]) -> None:
    """``check``: reach the card before loading the rest (:mod:`._early`)."""
    from ._early import plan

    planned = plan(args)
    if planned is not None:
        import mynacheck

        reader, how = planned
        try:
            mynacheck.head_start(reader, read_ahead=how == "read_ahead")
        except Exception:  # only ever a speed-up: the command goes its usual way
            pass


def _say(message: str) -> None:
    try:
        print(message, file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):
        pass


if TYPE_CHECKING:
    from .commands import main as main

if __name__ == "__main__":
    run()
