"""``python -m mynacheck`` (``py -m mynacheck`` on Windows): the ``mynacheck`` command."""

from .cli import run

if __name__ == "__main__":
    run()
