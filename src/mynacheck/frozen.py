"""Read-only mappings for the frozen result dataclasses (:mod:`.report`,
:mod:`.summary`, the counter's events): one place, below them all."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TypeVar

_V = TypeVar("_V")


def read_only(mapping: Mapping[str, _V]) -> Mapping[str, _V]:
    """A copy of ``mapping`` nobody can change (a result's mapping field)."""
    if isinstance(mapping, MappingProxyType):
        return mapping
    return MappingProxyType(dict(mapping))


def freeze_mappings(result: object, *names: str) -> None:
    """In a frozen dataclass's ``__post_init__``: its fields ``names`` made read-only."""
    for name in names:
        object.__setattr__(result, name, read_only(getattr(result, name)))
