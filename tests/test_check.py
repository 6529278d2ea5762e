"""The whole check against the in-process simulated card: every verdict, the APDU
budget, and PIN safety (no try ever wasted)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pytest

from mynacheck.card.profile import JPKI_AID, PinReference
from mynacheck.check import CheckOptions, run_check
from mynacheck.errors import InputError
from mynacheck.pin import FixedPin
from mynacheck.report import CheckReport
from mynacheck.simcard import DEMO_PIN
from mynacheck.simcard.card import SimulatedCard
from mynacheck.simcard.connection import SimulatedConnection
from mynacheck.simcard.model import PinFile
from mynacheck.simcard.scenarios import SCENARIOS, make_card
from mynacheck.status import Detail, Status
from mynacheck.trust import load_certificates_file

from .conftest import DATA, NOW
from .helpers import EXPECTED


@dataclass
class FakePins:
    """A PIN source that records how often it was asked."""

    pins: list[str] = field(default_factory=lambda: [DEMO_PIN])
    confirm: bool = False
    asked: int = 0
    confirmations: int = 0

    def read_pin(self, reference: PinReference, tries_left: int | None) -> bytearray:
        self.asked += 1
        return bytearray(self.pins.pop(0).encode())

    def confirm_last_try(self) -> bool:
        self.confirmations += 1
        return self.confirm


def run(
    scenario: str | SimulatedCard,
    *,
    use_pin: bool = True,
    pins: FakePins | None = None,
    allow_last_try: bool = False,
    anchors: tuple[bytes, ...] = (),
) -> tuple[CheckReport, SimulatedConnection]:
    card = make_card(scenario) if isinstance(scenario, str) else scenario
    connection = SimulatedConnection(card, scenario if isinstance(scenario, str) else "custom")
    options = CheckOptions(at=NOW, use_pin=use_pin, allow_last_try=allow_last_try, anchors=anchors)
    report = run_check(connection, options, pins or FakePins())
    connection.close()
    return report, connection


def verifies_with_data(card: SimulatedCard) -> int:
    return sum(1 for command, _ in card.log if command[1] == 0x20 and len(command) > 5)


def auth_tries(card: SimulatedCard) -> int:
    pin_file = card.applications[JPKI_AID].files[0x0018]
    assert isinstance(pin_file, PinFile)
    return pin_file.tries_left


def test_every_scenario_has_an_expected_verdict() -> None:
    assert set(EXPECTED) == set(SCENARIOS)


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_scenario_verdict(scenario: str) -> None:
    report, _ = run(scenario)
    assert report.status is EXPECTED[scenario], report
    assert report.simulated
    if report.status is Status.VALID:
        assert report.key_proof.performed and report.key_proof.ok
        assert report.pin.verified


MISSING_REASONS = {
    "missing_not_found": Detail.CERT_FILE_NOT_FOUND,
    "missing_access_denied": Detail.CERT_FILE_ACCESS_DENIED,
    "missing_access_denied_6981": Detail.CERT_FILE_ACCESS_DENIED,
    "missing_blank_ff": Detail.CERT_BLANK_FF,
    "missing_blank_00": Detail.CERT_BLANK_00,
    "missing_not_der": Detail.CERT_NOT_DER,
    "missing_length_mismatch": Detail.CERT_LENGTH_MISMATCH,
    "missing_unparseable": Detail.CERT_UNPARSEABLE,
    "missing_empty": Detail.CERT_FILE_EMPTY,
}


@pytest.mark.parametrize(("scenario", "reason"), sorted(MISSING_REASONS.items()))
def test_missing_keeps_its_reason_and_asks_no_pin(scenario: str, reason: Detail) -> None:
    pins = FakePins()
    report, connection = run(scenario, pins=pins)
    assert report.certificate is None
    assert reason in report.details
    assert pins.asked == 0
    assert verifies_with_data(connection.card) == 0


def test_anchor_makes_private_root_valid() -> None:
    anchor = load_certificates_file(DATA / "private-root.pem")[0]
    report, _ = run("valid_private_root", anchors=(anchor,))
    assert report.status is Status.VALID
    assert report.certificate is not None and report.certificate.trust is not None
    assert report.certificate.trust.value == "anchor"


TRUST = {
    "valid": ("simulated", ()),
    "gen2_lookalike": ("untrusted", (Detail.TRUST_UNKNOWN_ROOT,)),
    "untrusted_root": ("untrusted", (Detail.TRUST_UNKNOWN_ROOT,)),
    "test_card": ("test_card", (Detail.TRUST_TEST_CARD,)),
    "forged": (None, (Detail.SIGNATURE_INVALID,)),
}


@pytest.mark.parametrize("scenario", sorted(TRUST))
def test_simulated_cards_say_where_their_trust_comes_from(scenario: str) -> None:
    report, _ = run(scenario, use_pin=False)
    assert report.certificate is not None
    trust, reasons = TRUST[scenario]
    assert (report.certificate.trust.value if report.certificate.trust else None) == trust
    for reason in reasons:
        assert reason in report.details
    assert Detail.SIMULATED in report.details


def test_the_simulator_root_is_untrusted_on_a_connection_that_is_not_simulated() -> None:
    # What a real card (or the simulator behind pcscd) presenting that root gets.
    connection = _NotSimulated(SimulatedConnection(make_card("valid"), "valid"))
    report = run_check(connection, CheckOptions(at=NOW), None)
    assert report.status is Status.UNTRUSTED
    assert report.certificate is not None and report.certificate.trust is not None
    assert report.certificate.trust.value == "untrusted"
    assert Detail.TRUST_SIMULATOR_ROOT in report.details
    assert not report.simulated and Detail.SIMULATED not in report.details
    anchor = load_certificates_file(DATA / "simulator-root.pem")[0]
    connection = _NotSimulated(SimulatedConnection(make_card("valid"), "valid"))
    anchored = run_check(connection, CheckOptions(at=NOW, anchors=(anchor,)), None)
    assert anchored.status is Status.VALID
    assert anchored.certificate is not None and anchored.certificate.trust is not None
    assert anchored.certificate.trust.value == "simulated"


class _NotSimulated:
    """A simulated card that says it is not: the card as pcscd would present it."""

    def __init__(self, inner: SimulatedConnection) -> None:
        self._inner = inner

    simulated = False

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


# -- APDU budget -------------------------------------------------------------------


def _lengths() -> tuple[int, int]:
    ee = (DATA / "ee-valid.der").read_bytes()
    ca = (DATA / "simulator-root.der").read_bytes()
    return len(ee), len(ca)


def test_pinless_check_takes_three_apdus_on_an_extended_reader() -> None:
    report, connection = run("valid", use_pin=False)
    assert report.status is Status.VALID
    assert connection.apdu_count == 3


def test_check_with_pin_and_key_proof_takes_at_most_eight_apdus() -> None:
    report, connection = run("valid")
    assert report.status is Status.VALID and report.key_proof.ok
    assert connection.apdu_count <= 8


@pytest.mark.parametrize("scenario", ["short_apdu_only", "wrong_le", "no_current_ef_after_sfi"])
def test_short_only_reader_budget(scenario: str) -> None:
    l1, l2 = _lengths()
    report, connection = run(scenario, use_pin=False)
    assert report.status is Status.VALID
    assert Detail.EXTENDED_APDU_UNSUPPORTED in report.details
    budget = 2 + math.ceil(l1 / 256) + math.ceil(l2 / 256)
    if scenario == "short_apdu_only":
        assert connection.apdu_count <= budget
    else:
        # wrong_le: one resend per file; no_current_ef_after_sfi: a failed offset
        # read and a SELECT for the first file, a SELECT for the second.
        assert connection.apdu_count <= budget + 3


def test_big_certificate_on_short_reader_is_read_whole() -> None:
    card = make_card("big_certificate")
    card.quirks = replace(card.quirks, extended_apdu="wrong_length")
    report, connection = run(card, use_pin=False)
    assert report.status is Status.VALID
    big = len((DATA / "ee-big.der").read_bytes())
    ca = len((DATA / "simulator-root.der").read_bytes())
    assert connection.apdu_count <= 2 + math.ceil(big / 256) + math.ceil(ca / 256)


# -- PIN safety --------------------------------------------------------------------


def test_wrong_pin_costs_exactly_one_try_and_reports_tries_left() -> None:
    card = make_card("valid")
    report, _ = run(card, pins=FakePins(["9999"]))
    assert report.status is Status.PIN_INCORRECT
    assert report.pin.tries_left == 2
    assert auth_tries(card) == 2
    assert verifies_with_data(card) == 1


def test_blocked_pin_never_gets_a_verify_with_data() -> None:
    for scenario in ("pin_blocked", "pin_blocked_6983"):
        pins = FakePins()
        report, connection = run(scenario, pins=pins)
        assert report.status is Status.PIN_BLOCKED
        assert report.pin.blocked
        assert pins.asked == 0
        assert verifies_with_data(connection.card) == 0


def test_attempt_that_uses_the_last_try_is_blocked() -> None:
    card = make_card("pin_last_try")
    report, _ = run(card, pins=FakePins(["9999"]), allow_last_try=True)
    assert report.status is Status.PIN_BLOCKED
    assert auth_tries(card) == 0


def test_last_try_refused_without_permission_nothing_sent() -> None:
    pins = FakePins()
    report, connection = run("pin_last_try", pins=pins)
    assert report.status is Status.PIN_LAST_TRY
    assert pins.asked == 0
    assert verifies_with_data(connection.card) == 0
    assert auth_tries(connection.card) == 1


def test_last_try_interactive_confirmation() -> None:
    declined = FakePins(confirm=False)
    report, connection = run("pin_last_try", pins=declined)
    assert report.status is Status.PIN_LAST_TRY
    assert declined.confirmations == 1 and declined.asked == 0
    assert verifies_with_data(connection.card) == 0
    accepted = FakePins(confirm=True)
    report, _ = run("pin_last_try", pins=accepted)
    assert report.status is Status.VALID
    assert accepted.asked == 1


def test_last_try_allowed_with_flag() -> None:
    report, _ = run("pin_last_try", allow_last_try=True)
    assert report.status is Status.VALID


def test_malformed_pin_from_stdin_is_never_sent() -> None:

    card = make_card("valid")
    connection = SimulatedConnection(card, "valid")
    options = CheckOptions(at=NOW, use_pin=True)
    for bad in ("123\n", "12345\n", "12a4\n", "\n", ""):
        with pytest.raises(InputError):
            run_check(connection, options, FixedPin(bad))
        with pytest.raises(InputError):  # a source that returns a malformed PIN
            run_check(connection, options, FakePins(pins=[bad]))
    assert verifies_with_data(card) == 0
    assert auth_tries(card) == 3


def test_status_queries_do_not_spend_tries() -> None:
    from mynacheck.card.apdu import ApduProtocol
    from mynacheck.card.jpki import JpkiSession
    from mynacheck.card.profile import MY_NUMBER_CARD
    from mynacheck.pinstatus import all_pin_statuses

    card = make_card("valid")
    pin_file = card.applications[JPKI_AID].files[0x0018]
    assert isinstance(pin_file, PinFile)
    pin_file.tries_left = 2  # not the maximum: a right PIN would hide a spent try
    for _ in range(5):
        connection = SimulatedConnection(card, "valid")
        rows = all_pin_statuses(JpkiSession(ApduProtocol(connection)), MY_NUMBER_CARD)
        assert rows[0].tries_left == 2
        connection.close()
    report, _ = run(card, use_pin=False)
    assert report.status is Status.VALID
    assert auth_tries(card) == 2 and verifies_with_data(card) == 0


def test_no_pin_check_says_key_not_proven() -> None:
    report, connection = run("valid", use_pin=False)
    assert report.status is Status.VALID
    assert not report.pin.checked and not report.key_proof.performed
    assert Detail.KEY_NOT_PROVEN in report.details
    assert verifies_with_data(connection.card) == 0


def test_already_verified_pin_is_power_cycled_before_asking() -> None:
    pins = FakePins()
    report, _ = run("pin_already_verified", pins=pins)
    assert report.status is Status.VALID
    assert pins.asked == 1
    assert report.pin.tries_left == 3


def test_key_mismatch_is_invalid_with_reason() -> None:
    report, _ = run("key_mismatch")
    assert report.status is Status.INVALID
    assert report.key_proof.performed and report.key_proof.ok is False
    assert Detail.KEY_MISMATCH in report.details


def test_card_is_unpowered_after_the_check() -> None:
    report, connection = run("valid")
    assert report.pin.verified
    assert not connection.card.powered


class _DropsOnVerify(SimulatedConnection):
    """The card goes away as the PIN is sent: was the try spent? Nobody knows."""

    def send_and_receive(self, apdu: bytes) -> tuple[bytes, int]:
        if apdu[1] == 0x20 and len(apdu) > 5:
            from mynacheck.errors import CardError

            raise CardError(Detail.CARD_REMOVED)
        return super().send_and_receive(apdu)


def test_card_lost_during_verify_leaves_tries_unknown() -> None:
    connection = _DropsOnVerify(make_card("valid"), "valid")
    report = run_check(connection, CheckOptions(at=NOW, use_pin=True), FakePins())
    assert report.status is Status.CARD_ERROR
    assert report.pin.tries_left is None


def test_select_with_p2_0c_refused_is_retried_with_fci() -> None:
    from mynacheck.card.apdu import ApduProtocol
    from mynacheck.card.jpki import JpkiSession

    from .test_units import ScriptedConnection

    connection = ScriptedConnection([bytes.fromhex("6A86"), bytes.fromhex("6F009000")])
    JpkiSession(ApduProtocol(connection)).select_application()
    assert connection.sent[1][:4] == bytes.fromhex("00A40400") and connection.sent[1][-1] == 0


class _AnswersVerifyWith(SimulatedConnection):
    """A card (or reader) that answers a VERIFY carrying a PIN with an odd status word."""

    def __init__(self, scenario: str, sw: int) -> None:
        super().__init__(make_card(scenario), scenario)
        self.sw = sw

    def send_and_receive(self, apdu: bytes) -> tuple[bytes, int]:
        data, sw = super().send_and_receive(apdu)
        if apdu[1] == 0x20 and len(apdu) > 5:
            return b"", self.sw
        return data, sw


@pytest.mark.parametrize("sw", [0x6C00, 0x6C04, 0x6F00, 0x6100, 0x6700])
def test_a_pin_is_sent_once_whatever_the_answer(sw: int) -> None:
    connection = _AnswersVerifyWith("valid", sw)
    report = run_check(connection, CheckOptions(at=NOW, use_pin=True), FakePins())
    assert verifies_with_data(connection.card) == 1
    assert report.status is not Status.VALID


def test_ca_with_an_unknown_key_algorithm_is_untrusted_not_a_crash() -> None:
    from mynacheck.evaluate import evaluate

    rsa_encryption = bytes.fromhex("06092A864886F70D010101")
    ca = (DATA / "simulator-root.der").read_bytes()
    odd = ca.replace(rsa_encryption, bytes.fromhex("06092A864886F70D01017F"), 1)
    assert odd != ca
    result = evaluate((DATA / "ee-valid.der").read_bytes(), at=NOW, ca_der=odd)
    assert result.status is Status.UNTRUSTED
    assert result.details == (Detail.CA_UNPARSEABLE,)


def test_unexpected_answer_on_the_ca_file_is_untrusted() -> None:
    class _CaRefused(SimulatedConnection):
        """EF 000A reads fine; every read after it (EF 000B, by SFI or offset) gets 6A80."""

        reads = 0

        def send_and_receive(self, apdu: bytes) -> tuple[bytes, int]:
            if apdu[1] == 0xB0:
                self.reads += 1
                if self.reads > 1:
                    return b"", 0x6A80
            return super().send_and_receive(apdu)

    connection = _CaRefused(make_card("valid"), "valid")
    report = run_check(connection, CheckOptions(at=NOW, use_pin=False), FakePins())
    assert report.status is Status.UNTRUSTED
    assert Detail.CA_UNREADABLE in report.details


def test_extended_read_answered_6cxx_falls_back_to_short_reads() -> None:
    class _Extended6C(SimulatedConnection):
        def send_and_receive(self, apdu: bytes) -> tuple[bytes, int]:
            if apdu[1] == 0xB0 and len(apdu) == 7:  # an extended READ BINARY
                return b"", 0x6C00
            return super().send_and_receive(apdu)

    report = run_check(
        _Extended6C(make_card("valid"), "valid"), CheckOptions(at=NOW, use_pin=False), FakePins()
    )
    assert report.status is Status.VALID
    assert Detail.EXTENDED_APDU_UNSUPPORTED in report.details
