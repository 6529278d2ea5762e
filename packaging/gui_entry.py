"""The bundle's ``mynacheck-gui`` executable (windowed on Windows)."""

import sys

from mynacheck.gui import main

sys.exit(main())
