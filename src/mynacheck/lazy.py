"""Names a package exports, loaded on first use (PEP 562).

A package whose ``__init__`` imports its submodules can deadlock two threads that
first-import different submodules at once (``_DeadlockError`` / a half-loaded
module): each holds one module's lock and waits for the other's. The packages of
mynacheck therefore import nothing of their own at load time and resolve their
public names through :func:`lazy_getattr` instead (tests/test_simcard_import_race.py).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``exports`` maps each name to the
    module (relative to ``package``) that defines it; the value is cached in the
    package's namespace, so each name is looked up once."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
