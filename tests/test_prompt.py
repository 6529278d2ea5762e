"""The interactive PIN prompt: re-asks on a malformed PIN without touching the card,
warns and asks before the last try."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from mynacheck.card.profile import JPKI_AUTH_PIN
from mynacheck.check import CheckOptions, run_check
from mynacheck.cli.prompt import PromptPinSource
from mynacheck.errors import InputError
from mynacheck.simcard.connection import SimulatedConnection
from mynacheck.simcard.scenarios import make_card
from mynacheck.status import Status

from .conftest import NOW


@dataclass
class FakeTerminal:
    typed: list[str | None]
    answer: bool = False
    warnings: list[str] = field(default_factory=list)
    questions: int = 0

    def hidden_input(self, prompt: str) -> str | None:
        return self.typed.pop(0)

    def confirm(self, question: str) -> bool:
        self.questions += 1
        return self.answer

    def warn(self, text: str) -> None:
        self.warnings.append(text)


def test_prompt_reasks_until_well_formed() -> None:
    terminal = FakeTerminal(["12", "12345", "abcd", "１２３４"])
    source = PromptPinSource(terminal, "en")
    assert source.read_pin(JPKI_AUTH_PIN, 3) == bytearray(b"1234")
    assert len(terminal.warnings) == 3
    assert all("nothing was sent" in warning for warning in terminal.warnings)


def test_prompt_eof_is_a_usage_error() -> None:
    source = PromptPinSource(FakeTerminal([None]), "ja")
    with pytest.raises(InputError):
        source.read_pin(JPKI_AUTH_PIN, 3)


def test_malformed_typing_never_reaches_the_card() -> None:
    card = make_card("valid")
    terminal = FakeTerminal(["1", "123", "1234"])
    report = run_check(
        SimulatedConnection(card, "valid"),
        CheckOptions(at=NOW, use_pin=True),
        PromptPinSource(terminal, "ja"),
    )
    assert report.status is Status.VALID
    verifies = [c for c, _ in card.log if c[1] == 0x20 and len(c) > 5]
    assert len(verifies) == 1


@pytest.mark.parametrize(
    ("answer", "expected"), [(False, Status.PIN_LAST_TRY), (True, Status.VALID)]
)
def test_last_try_warns_and_asks(answer: bool, expected: Status) -> None:
    card = make_card("pin_last_try")
    terminal = FakeTerminal(["1234"], answer=answer)
    report = run_check(
        SimulatedConnection(card, "pin_last_try"),
        CheckOptions(at=NOW, use_pin=True),
        PromptPinSource(terminal, "en"),
    )
    assert report.status is expected
    assert terminal.questions == 1
    assert any("1 try left" in warning for warning in terminal.warnings)


def test_enter_alone_at_the_prompt_gives_up_without_sending() -> None:
    source = PromptPinSource(FakeTerminal(["12", ""]), "en")
    with pytest.raises(InputError):
        source.read_pin(JPKI_AUTH_PIN, 3)
