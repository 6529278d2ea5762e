"""Names a package exports, loaded on first use (PEP 562).

A package whose ``__init__`` imports its submodules can deadlock two threads that
first-import different submodules at once (``_DeadlockError`` / a half-loaded
module): each holds one module's lock and waits for the other's. The packages of
mynacheck therefore import nothing of their own at load time and resolve their
public names through :func:`lazy_getattr` instead (tests/test_simcard_import_race.py).

Each such package keeps one ``_EXPORTS`` (name -> module) and says the same to type
checkers in an ``if TYPE_CHECKING:`` block; tests/test_public_api.py fails when the
two differ, in any package.

``import mynacheck`` comes through here on the command line's way to the card
(cli/_early.py; ``mynacheck.cli`` and ``mynacheck.card.pcsc`` too): this module
imports nothing at load time (not even ``typing``), ``importlib`` only once a name
is asked for.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # no typing at run time (see above)
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any


def lazy_getattr(
    package: str,
    exports: Mapping[str, str],
    *,
    before_import: Callable[[str], object] | None = None,
) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``exports`` maps each name to the
    module (relative to ``package``, e.g. ``".cards"``) that defines it; the value
    is cached in the package's namespace, so each name is looked up once.
    ``before_import(name)`` runs first and may raise (say, ``ImportError`` naming
    an optional dependency that is missing)."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if before_import is not None:
            before_import(name)
        import importlib

        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__


def lazy_dir(package: str, exports: Mapping[str, str]) -> Callable[[], list[str]]:
    """A module ``__dir__`` for ``package``: its loaded names and the ``exports``."""

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *exports})

    return __dir__
