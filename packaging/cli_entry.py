"""The bundle's ``mynacheck`` executable: the same entry as the console script."""

from mynacheck.cli import run

run()
