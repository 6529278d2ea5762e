"""Verdicts, their exit codes, and the reason codes that explain them.

This table is the public contract of the command line: scripts compare
``status`` strings and exit codes, so entries are only ever added.
"""

from __future__ import annotations

import enum


class Status(str, enum.Enum):
    """The one-word outcome of a check, in the order of the exit-code table."""

    VALID = "valid"
    INTERNAL_ERROR = "internal_error"
    USAGE_ERROR = "usage_error"
    MISSING = "missing"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    INVALID = "invalid"
    UNTRUSTED = "untrusted"
    PIN_INCORRECT = "pin_incorrect"
    PIN_BLOCKED = "pin_blocked"
    PIN_LAST_TRY = "pin_last_try"
    NOT_MYNUMBER_CARD = "not_mynumber_card"
    NO_CARD = "no_card"
    NO_READER = "no_reader"
    PCSC_UNAVAILABLE = "pcsc_unavailable"
    CARD_ERROR = "card_error"
    CARD_BUSY = "card_busy"
    #: The JPKI application answered from a smartphone (スマホ用電子証明書), not a card.
    SMARTPHONE = "smartphone"
    #: Something answers the JPKI application but will not say it is a My Number Card
    #: (a label no one knows, or a card that refuses to say what it is).
    UNKNOWN_CARD = "unknown_card"

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self]


EXIT_CODES: dict[Status, int] = {
    Status.VALID: 0,
    Status.INTERNAL_ERROR: 1,
    Status.USAGE_ERROR: 2,
    Status.MISSING: 10,
    Status.EXPIRED: 11,
    Status.NOT_YET_VALID: 12,
    Status.INVALID: 13,
    Status.UNTRUSTED: 14,
    Status.PIN_INCORRECT: 20,
    Status.PIN_BLOCKED: 21,
    Status.PIN_LAST_TRY: 22,
    Status.NOT_MYNUMBER_CARD: 30,
    Status.NO_CARD: 31,
    Status.NO_READER: 32,
    Status.PCSC_UNAVAILABLE: 33,
    Status.CARD_ERROR: 34,
    Status.CARD_BUSY: 35,
    Status.SMARTPHONE: 36,
    Status.UNKNOWN_CARD: 37,
}

#: Statuses that describe the certificate itself (as opposed to the PIN or the
#: reader); ``watch`` and the tally count these.
CERTIFICATE_STATUSES = frozenset(
    {
        Status.VALID,
        Status.MISSING,
        Status.EXPIRED,
        Status.NOT_YET_VALID,
        Status.INVALID,
        Status.UNTRUSTED,
    }
)
#: Certificate verdicts that come with a certificate, hence a card hash in the tally.
CARD_HASH_STATUSES = CERTIFICATE_STATUSES - {Status.MISSING}
#: Checks that reached the card and said something about its certificate (or that it
#: is not a My Number Card, a phone, an unknown card, or could not be read): the tally
#: keeps these, the last four with no card hash. A PIN outcome or a busy reader says
#: nothing about the certificate and writes no row.
TALLIED_STATUSES = CERTIFICATE_STATUSES | {
    Status.NOT_MYNUMBER_CARD,
    Status.SMARTPHONE,
    Status.UNKNOWN_CARD,
    Status.CARD_ERROR,
}


class Detail(str, enum.Enum):
    """Reason codes listed in a report's ``details``; documented in the README."""

    # Why the certificate is missing.
    CERT_FILE_NOT_FOUND = "cert_file_not_found"
    CERT_FILE_ACCESS_DENIED = "cert_file_access_denied"
    CERT_FILE_EMPTY = "cert_file_empty"
    CERT_BLANK_FF = "cert_blank_ff"
    CERT_BLANK_00 = "cert_blank_00"
    CERT_NOT_DER = "cert_not_der"
    CERT_LENGTH_MISMATCH = "cert_length_mismatch"
    CERT_UNPARSEABLE = "cert_unparseable"
    # Chain and signature.
    CA_UNREADABLE = "ca_unreadable"
    CA_UNPARSEABLE = "ca_unparseable"
    ISSUER_MISMATCH = "issuer_mismatch"
    SIGNATURE_INVALID = "signature_invalid"
    KEY_MISMATCH = "key_mismatch"
    CHAIN_NOT_CHECKED = "chain_not_checked"
    # Trust.
    TRUST_TEST_CARD = "trust_test_card"
    TRUST_UNKNOWN_ROOT = "trust_unknown_root"
    TRUST_SIMULATOR_ROOT = "trust_simulator_root"
    # Validity period.
    RENEWAL_OPEN = "renewal_open"
    # PIN.
    PIN_NOT_CHECKED = "pin_not_checked"
    PIN_SKIPPED_CERTIFICATE_NOT_VALID = "pin_skipped_certificate_not_valid"
    PIN_ALREADY_VERIFIED = "pin_already_verified"
    PIN_TRIES_UNKNOWN = "pin_tries_unknown"
    PIN_TRIES_UNREADABLE = "pin_tries_unreadable"
    KEY_NOT_PROVEN = "key_not_proven"
    KEY_PROOF_FAILED = "key_proof_failed"
    KEY_ALGORITHM_UNSUPPORTED = "key_algorithm_unsupported"
    # Card and reader.
    JPKI_AP_NOT_FOUND = "jpki_ap_not_found"
    # What answers the JPKI application (the token label in EF 0006), read only
    # when EF 000A shows no certificate (docs/card-facts.md "Token label").
    TOKEN_SMARTPHONE = "token_smartphone"
    TOKEN_JUKI_CARD = "token_juki_card"
    TOKEN_UNKNOWN = "token_unknown"
    TOKEN_UNREADABLE = "token_unreadable"
    CARD_REMOVED = "card_removed"
    CARD_UNRESPONSIVE = "card_unresponsive"
    UNEXPECTED_STATUS_WORD = "unexpected_status_word"
    MALFORMED_RESPONSE = "malformed_response"
    CONTACTLESS_READER = "contactless_reader"
    EXTENDED_APDU_UNSUPPORTED = "extended_apdu_unsupported"
    SIMULATED = "simulated"
    TRANSCRIPT_MISMATCH = "transcript_mismatch"
    INTERRUPTED = "interrupted"
    TRANSCRIPT_LEFTOVER = "transcript_leftover"
    REVOCATION_NOT_CHECKED = "revocation_not_checked"
    # Outputs.
    TALLY_NOT_WRITTEN = "tally_not_written"
