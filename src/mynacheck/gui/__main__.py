"""``python -m mynacheck.gui``: the window (see :func:`mynacheck.gui.main`)."""

from mynacheck.gui import main

raise SystemExit(main())
