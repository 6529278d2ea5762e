"""``python -m mynacheck.cli``: the same as ``python -m mynacheck``."""

from . import run

if __name__ == "__main__":
    run()
