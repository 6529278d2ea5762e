"""Facts the words repeat are the code's: the renewal window's length in every
sentence that names it, the report files' titles from the message tables."""

from __future__ import annotations

import re

import pytest

from mynacheck.clock import RENEWAL_WINDOW_MONTHS
from mynacheck.present import messages
from mynacheck.present.messages import OFFICE, TALLY
from mynacheck.present.tally_text import within_renewal_window

#: A renewal window's length in a sentence: "3 か月以内", "3 か月前", "within 3 months",
#: "3 months before" (and not "12 months from", the forecast's span).
RENEWAL_PHRASE = re.compile(r"(\d+) ?か月(?:以内|前)|within (\d+) months|(\d+) months before")


def _tables() -> dict[str, dict[str, tuple[str, str] | str]]:
    return {name: getattr(messages, name) for name in messages._EXPORTS}  # every table


def test_every_sentence_naming_the_renewal_window_says_its_length() -> None:
    said = []
    for table_name, table in _tables().items():
        for key, pair in table.items():
            for template in (pair,) if isinstance(pair, str) else pair:
                for match in RENEWAL_PHRASE.finditer(template):
                    number = next(group for group in match.groups() if group)
                    said.append((f"{table_name}[{key!r}]", int(number)))
    assert said, "no sentence names the renewal window: the pattern is stale"
    wrong = [where for where, months in said if months != RENEWAL_WINDOW_MONTHS]
    assert wrong == [], f"not {RENEWAL_WINDOW_MONTHS} months: {wrong}"


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_report_files_say_the_window_from_the_rule(lang: str) -> None:
    words = within_renewal_window(lang)  # type: ignore[arg-type]
    assert str(RENEWAL_WINDOW_MONTHS) in words
    assert "{" not in words
    assert "renewal_open.within" in TALLY and "sheet.summary" in OFFICE
