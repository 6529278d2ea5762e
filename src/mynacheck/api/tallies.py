"""The public API, part 3: the tally (``--log``) and the report over tallies."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ._types import PathLike

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..tally.chart import ChartResult
    from ..tally.store import Tally
    from ..tally.summary import TallySummary


def open_tally(
    path: PathLike, *, key_file: PathLike | None = None, tag: str | None = None
) -> Tally:
    """Open (creating if need be) the tally at ``path`` (or ``"default"``, the user data
    folder) for appending: ``.append(report, *, at=None)``, ``.close()``; a context
    manager. ``tag`` (at most 64 characters, never a person's name) is stored with
    every row. Everything is validated before it returns, and nothing is created
    before that (``InputError`` otherwise)."""
    from ..tally import open_tally as open_

    return open_(path, key_file=key_file, tag=tag)


def summarize_tallies(
    databases: Iterable[PathLike],
    *,
    first_day: date | None = None,
    last_day: date | None = None,
    by: str | None = None,
    latest: bool = False,
    at: date | None = None,
    cumulative: bool = False,
    tags: Iterable[str] | None = None,
) -> TallySummary:
    """``mynacheck report``'s counts over one or more tallies (read only, never written):
    checks and distinct cards by verdict, per ``by`` group (``day``, ``week``,
    ``month``, ``tag``), with each card only in its latest group when ``latest``, and
    the renewal forecast from ``at`` (default today, JST), overall and per group.
    ``first_day`` and ``last_day`` (JST, inclusive) bound the period; reversed is an
    ``InputError``. ``tags`` limits the report to the rows of those tags (sections)."""
    from ..tally import day_range
    from ..tally import summarize_tallies as summarize

    since, until = day_range(first_day, last_day)
    return summarize(
        databases,
        since=since,
        until=until,
        by=by,
        latest=latest,
        at=at,
        cumulative=cumulative,
        tags=tags,
    )


def check_chart_target(path: PathLike) -> None:
    """A usage error now (before any tally is read) if ``path`` cannot take a chart:
    not ``.png`` or ``.svg``, an unwritable place, or matplotlib missing."""
    from ..tally.chart import check_target

    check_target(Path(path))


def draw_tally_chart(summary: TallySummary, path: PathLike, lang: str = "ja") -> ChartResult:
    """Draw the report's chart (cumulative cards with a valid certificate, and the
    renewal forecast) into ``path``; ``.lang`` of the result says which language the
    labels took (English when no CJK font was found)."""
    from ..present.messages import checked_lang
    from ..tally.chart import draw_chart

    return draw_chart(summary, Path(path), checked_lang(lang))
