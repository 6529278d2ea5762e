"""The JPKI application session: select, read certificates, PIN status, VERIFY, sign.

Turns status words into meaning: what is not an answer (a certificate, tries left)
leaves as a typed error (:class:`~mynacheck.errors.UnexpectedStatusError` and its
kin), so nothing above this module reads a status word.
Card facts cited from ``docs/card-facts.md``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..errors import (
    CardUnresponsiveError,
    NotMyNumberCardError,
    PinTriesUnreadableError,
    SignatureRefusedError,
    UnexpectedStatusError,
)
from ..status import Detail
from .apdu import ApduError, ApduProtocol, Sw, sw_name
from .early import der_total_length
from .profile import MY_NUMBER_CARD, TOKEN_LABEL_LENGTH, CardProfile, PinReference
from .token_label import TokenKind, TokenLabel, classify_token_label

# What a card without the certificate may answer
# (docs/card-facts.md "What no certificate looks like").
_MISSING_BY_SW = {
    Sw.FILE_NOT_FOUND: Detail.CERT_FILE_NOT_FOUND,
    Sw.INCOMPATIBLE_FILE_STRUCTURE: Detail.CERT_FILE_ACCESS_DENIED,
    Sw.COMMAND_NOT_ALLOWED: Detail.CERT_FILE_ACCESS_DENIED,
    # The auth certificate needs no PIN; a card asking for one has none to show.
    Sw.SECURITY_STATUS_NOT_SATISFIED: Detail.CERT_FILE_ACCESS_DENIED,
    Sw.WRONG_P1P2: Detail.CERT_FILE_EMPTY,
}
_READ_OK = (Sw.OK, Sw.END_OF_FILE_REACHED)
_SHORT_CHUNK = 256
_EXTENDED_CHUNK = 65536
_MAX_OFFSET = 0x7FFF  # READ BINARY offsets are 15 bits


class PinState(enum.Enum):
    TRIES_LEFT = "tries_left"
    BLOCKED = "blocked"
    VERIFIED = "verified"  # status query answered 9000: verified earlier this power cycle


@dataclass(frozen=True)
class PinStatus:
    state: PinState
    tries_left: int | None

    @property
    def blocked(self) -> bool:
        return self.state is PinState.BLOCKED


@dataclass(frozen=True)
class FileRead:
    """A certificate file as read from the card.

    ``der`` is the DER object sliced by its own length (filler dropped), or None
    with ``missing`` saying why there is no certificate.
    """

    der: bytes | None
    missing: Detail | None = None
    #: The status word the card answered instead of the file, named (``sw_name``).
    sw_text: str | None = None


class JpkiSession:
    """A session with the JPKI application, in the fewest round trips we know.

    Reads use one extended-length READ BINARY per file, by short file
    identifier, and fall back to 256-byte reads for the rest of the session
    the first time the reader refuses an extended APDU.
    """

    def __init__(self, protocol: ApduProtocol, profile: CardProfile = MY_NUMBER_CARD) -> None:
        self.protocol = protocol
        self.profile = profile
        self._selected_aid: bytes | None = None
        self._current_ef: int | None = None
        #: False once an offset read after a read by SFI failed: this card does
        #: not make the EF current that way, so later files are SELECTed first.
        self._sfi_makes_ef_current = True
        #: The auth certificate file as last read (DER for the key proof, or why missing).
        self.last_auth_read: FileRead | None = None

    # -- selection --------------------------------------------------------------

    def select_application(self, aid: bytes | None = None) -> None:
        """SELECT the JPKI AP (or ``aid``) by DF name. No PIN needed.

        Raises :class:`NotMyNumberCardError` when the card does not know the AID.
        """
        aid = aid or self.profile.jpki_aid
        response = self.protocol.transmit(bytes([0x00, 0xA4, 0x04, 0x0C, len(aid)]) + aid)
        if response.sw in (Sw.INCORRECT_P1P2, Sw.WRONG_LENGTH):
            # A card that insists on returning FCI refuses P2=0C ("no response
            # data"): ask again with P2=00 and Le before calling it a stranger.
            select = bytes([0x00, 0xA4, 0x04, 0x00, len(aid)]) + aid + b"\x00"
            response = self.protocol.transmit(select)
        if response.sw != Sw.OK:
            self._selected_aid = None
            if aid == self.profile.jpki_aid:
                detail = (
                    Detail.JPKI_AP_NOT_FOUND
                    if response.sw == Sw.FILE_NOT_FOUND
                    else Detail.UNEXPECTED_STATUS_WORD
                )
                raise NotMyNumberCardError(detail, info=_sw_info(response.sw))
            raise UnexpectedStatusError(info=_sw_info(response.sw))
        self._selected_aid = aid
        self._current_ef = None

    def _ensure_application(self, aid: bytes) -> None:
        if self._selected_aid != aid:
            self.select_application(aid)

    def _select_ef(self, fid: int) -> None:
        self.protocol.command(0x00, 0xA4, 0x02, 0x0C, fid.to_bytes(2, "big"))
        self._current_ef = fid

    def _select_key_or_pin_ef(self, fid: int) -> None:
        """SELECT a PIN or key EF; a refusal leaves as :class:`UnexpectedStatusError`."""
        try:
            self._select_ef(fid)
        except ApduError as error:
            raise UnexpectedStatusError(info=_sw_info(error.sw)) from None

    def restart(self) -> None:
        """Power-cycle the card and select the JPKI AP again (clears a verified PIN)."""
        self.protocol.connection.reset()
        self.protocol.power_cycled()
        self._selected_aid = None
        self._current_ef = None
        self.select_application()

    # -- reading ----------------------------------------------------------------

    def read_auth_certificate(self) -> FileRead:
        """The 利用者証明用電子証明書 (EF 000A). No PIN needed on a physical card."""
        read = self.read_certificate_file(self.profile.auth_cert_fid)
        self.last_auth_read = read
        return read

    def read_auth_certificates(self) -> tuple[FileRead, FileRead | None]:
        """A check's reads: EF 000A, then EF 000B only when EF 000A holds a certificate
        (None otherwise). No PIN needed. (A command line's head start sends these
        ahead, mynacheck.card.early.read_ahead: the check must begin exactly so.)"""
        cert = self.read_auth_certificate()
        ca = self.read_auth_ca_certificate() if cert.der is not None else None
        return cert, ca

    def read_auth_ca_certificate(self) -> FileRead:
        """The CA certificate of the auth certificate (EF 000B). No PIN needed.

        Any refusal, expected or not, leaves the CA unread (the verdict is then
        ``untrusted``); only a card that stops answering raises.
        """
        try:
            return self.read_certificate_file(self.profile.auth_ca_fid)
        except UnexpectedStatusError:
            return FileRead(None, Detail.CA_UNREADABLE)

    def read_certificate_file(self, fid: int) -> FileRead:
        """Read the DER object in EF ``fid`` of the JPKI AP.

        Every plausible "no certificate" answer (docs/card-facts.md) comes back as a
        FileRead with ``missing`` set; a card that stops answering raises
        :class:`~mynacheck.errors.CardError`.
        """
        self._ensure_application(self.profile.jpki_aid)
        try:
            if not self._sfi_makes_ef_current:
                self._select_ef(fid)
                first = self._read_binary(0x00, 0x00, None, fid)
            else:
                try:
                    first = self._read_binary(0x80 | self.profile.sfi(fid), 0x00, None, fid)
                except ApduError:
                    # Refused (6A81, 6A86, 6986, ...; a card that does not know the
                    # SFI form may answer anything): SELECT the EF and read by
                    # offset before concluding anything
                    # (docs/card-facts.md "Reading a certificate").
                    self._select_ef(fid)
                    first = self._read_binary(0x00, 0x00, None, fid)
            self._current_ef = fid
        except ApduError as error:
            return self._missing_or_raise(error)
        return self._complete_der(first, fid)

    def _complete_der(self, first: bytes, fid: int) -> FileRead:
        if not first:
            return FileRead(None, Detail.CERT_FILE_EMPTY)
        if first[0] != 0x30:
            if all(b == 0xFF for b in first):
                return FileRead(None, Detail.CERT_BLANK_FF)
            if all(b == 0x00 for b in first):
                return FileRead(None, Detail.CERT_BLANK_00)
            return FileRead(None, Detail.CERT_NOT_DER)
        total = der_total_length(first)
        if total is None or total > _MAX_OFFSET + 1:
            return FileRead(None, Detail.CERT_LENGTH_MISMATCH)
        data = bytearray(first)
        while len(data) < total:
            try:
                chunk = self._read_continuation(len(data), total - len(data), fid)
            except ApduError as error:
                if error.sw == Sw.WRONG_P1P2:  # past the end: the DER length lies
                    return FileRead(None, Detail.CERT_LENGTH_MISMATCH, sw_name(error.sw))
                return self._missing_or_raise(error)
            if not chunk:
                return FileRead(None, Detail.CERT_LENGTH_MISMATCH)
            data += chunk
        return FileRead(bytes(data[:total]))

    def _read_continuation(self, offset: int, remaining: int, fid: int) -> bytes:
        p1, p2 = offset >> 8, offset & 0xFF
        try:
            return self._read_binary(p1, p2, remaining, fid)
        except ApduError as error:
            # The EF should be current after a read by SFI (ISO 7816-4), but that
            # is unconfirmed on this card (docs/card-facts.md): SELECT it and retry once.
            if error.sw == Sw.WRONG_P1P2:  # past the end of the file: the caller decides
                raise
            self._sfi_makes_ef_current = False
            self._select_ef(fid)
            return self._read_binary(p1, p2, remaining, fid)

    def _read_binary(self, p1: int, p2: int, wanted: int | None, fid: int) -> bytes:
        if self.protocol.extended_supported is not False:
            le = _EXTENDED_CHUNK if wanted is None else min(wanted, _EXTENDED_CHUNK)
            try:
                response = self.protocol.command(
                    0x00, 0xB0, p1, p2, le=le, extended=True, accept=_READ_OK
                )
            except ApduError as error:
                # 6700, or 6Cxx naming a short Le: this reader/card wants short APDUs.
                wrong_length = error.sw == Sw.WRONG_LENGTH or error.sw >> 8 == 0x6C
                if not wrong_length or self.protocol.extended_supported:
                    raise
                self.protocol.extended_supported = False
            except CardUnresponsiveError:
                # Only a card that went mute (reset) says "no extended APDUs";
                # a removed card or a garbled answer is a fault, said as such.
                if self.protocol.extended_supported:
                    raise
                # Some readers fail the transfer, or reset the card, rather than
                # answer 6700: start the card session again, short APDUs only.
                self.protocol.extended_supported = False
                self.restart()
                if not p1 & 0x80:
                    self._select_ef(fid)
            else:
                self.protocol.extended_supported = True
                return response.data
        le = _SHORT_CHUNK if wanted is None else min(wanted, _SHORT_CHUNK)
        return self.protocol.command(0x00, 0xB0, p1, p2, le=le, accept=_READ_OK).data

    @staticmethod
    def _missing_or_raise(error: ApduError) -> FileRead:
        try:
            detail = _MISSING_BY_SW[Sw(error.sw)]
        except (ValueError, KeyError):
            raise UnexpectedStatusError(info=_sw_info(error.sw)) from None
        return FileRead(None, detail, sw_name(error.sw))

    def read_token_label(self) -> TokenLabel:
        """The token label: the first 32 bytes of EF 0006, what answers as the JPKI AP.
        No PIN needed. One short READ BINARY by SFI (SELECT and read by offset if that
        is refused); a refusal comes back as ``UNREADABLE`` with its status word, a
        card that stops answering raises :class:`~mynacheck.errors.CardError`.

        Read only when EF 000A shows no certificate: a card that reads normally
        keeps its 3 APDUs (docs/card-facts.md "Token label").
        """
        self._ensure_application(self.profile.jpki_aid)
        fid = self.profile.token_info_fid
        try:
            try:
                data = self._read_short(0x80 | self.profile.sfi(fid), 0x00)
            except ApduError:
                # As for a certificate: a card may refuse the SFI form only.
                self._select_ef(fid)
                data = self._read_short(0x00, 0x00)
        except ApduError as error:
            return TokenLabel(TokenKind.UNREADABLE, sw_text=sw_name(error.sw))
        self._current_ef = fid
        return classify_token_label(data)

    def _read_short(self, p1: int, p2: int) -> bytes:
        response = self.protocol.command(0x00, 0xB0, p1, p2, le=TOKEN_LABEL_LENGTH, accept=_READ_OK)
        return response.data

    # -- PIN --------------------------------------------------------------------

    def pin_status(self, pin: PinReference) -> PinStatus:
        """Tries left on ``pin``, without spending one (VERIFY with no data).

        Raises :class:`~mynacheck.errors.PinTriesUnreadableError` when the answer
        says nothing about the tries (the caller then sends no PIN), and
        :class:`~mynacheck.errors.UnexpectedStatusError` when the PIN's application
        or file is refused (the card has no such PIN).
        """
        self._ensure_application(pin.aid)
        self._select_key_or_pin_ef(pin.fid)
        # Case 1, sent once: never resent with an Le (see ApduProtocol.transmit).
        response = self.protocol.transmit(bytes([0x00, 0x20, 0x00, 0x80]))
        try:
            return _pin_status_from_sw(response.sw)
        except UnexpectedStatusError:
            raise PinTriesUnreadableError(info=_sw_info(response.sw)) from None

    def verify_pin(self, pin: PinReference, value: bytearray) -> PinStatus:
        """VERIFY ``value`` (ASCII bytes) against ``pin``; spends a try if wrong.

        The caller must have checked the shape of ``value`` and the tries left;
        the PIN EF must be the current EF (``pin_status`` just before).
        """
        self._ensure_application(pin.aid)
        if self._current_ef != pin.fid:
            self._select_key_or_pin_ef(pin.fid)
        apdu = bytearray([0x00, 0x20, 0x00, 0x80, len(value)]) + value
        try:
            # The bytearray itself, never a bytes copy (that could not be zeroed).
            response = self.protocol.transmit(apdu)
        finally:
            apdu[:] = bytes(len(apdu))
        if response.sw == Sw.OK:
            # A right PIN puts the counter back to its maximum.
            return PinStatus(PinState.VERIFIED, pin.max_tries)
        return _pin_status_from_sw(response.sw)

    # -- key --------------------------------------------------------------------

    def sign_with_auth_key(self, digest_info: bytes) -> bytes:
        """The auth key's signature of ``digest_info``, by the profile's recipe
        (RSA PKCS#1 v1.5 on this card generation).

        Needs the auth PIN verified in this power cycle. Raises
        :class:`~mynacheck.errors.SignatureRefusedError` when the card refuses.
        """
        self._ensure_application(self.profile.jpki_aid)
        recipe = self.profile.key_proof
        cla, ins, p1, p2 = recipe.header
        try:
            self._select_ef(self.profile.auth_key_fid)
            return self.protocol.command(cla, ins, p1, p2, digest_info, le=recipe.le).data
        except ApduError as error:
            raise SignatureRefusedError(info=_sw_info(error.sw)) from None


def _pin_status_from_sw(sw: int) -> PinStatus:
    if sw >> 4 == 0x63C:
        tries = sw & 0x0F
        return PinStatus(PinState.BLOCKED if tries == 0 else PinState.TRIES_LEFT, tries)
    if sw in (Sw.REFERENCE_DATA_NOT_USABLE, Sw.AUTH_METHOD_BLOCKED):
        return PinStatus(PinState.BLOCKED, 0)
    if sw == Sw.OK:
        return PinStatus(PinState.VERIFIED, None)
    raise UnexpectedStatusError(info=_sw_info(sw))


def _sw_info(sw: int) -> dict[str, object]:
    """What an error says about the status word: its name, for diagnostics only."""
    return {"sw": sw_name(sw)}
