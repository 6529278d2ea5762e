"""A simulated My Number Card, emulated at the APDU level.

Follows ``docs/card-facts.md`` (the card facts): applications are
selected by DF name, EFs by file ID or short file identifier, PINs have retry
counters that a malformed PIN also decrements, and the auth key signs a
DigestInfo with raw PKCS#1 v1.5. Reader and card quirks seen in the field (or
plausible where nobody knows) are switched on by :class:`Quirks`.

The card knows nothing about mynacheck; :mod:`mynacheck.simcard.scenarios`
builds the named cards and :mod:`mynacheck.simcard.connection` plugs one in as
a :class:`~mynacheck.card.Connection`.
"""

from __future__ import annotations

from collections.abc import Iterable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

from ..card.apdu import Sw
from ..card.profile import RSA_PKCS1_SHA256
from .model import (
    DEFAULT_ATR,
    Application,
    BinaryFile,
    CardRemoved,
    CardReset,
    CardUnresponsive,
    Command,
    KeyFile,
    PinFile,
    Quirks,
    _MalformedApdu,
    _sw,
    parse_command,
)

# -- the card -----------------------------------------------------------------------


class SimulatedCard:
    """An in-process card. Feed it command APDUs with :meth:`process`.

    The card starts powered, with the MF selected and the PIN states as given
    (so a card "already verified by another application" can be built).
    ``log`` keeps every (command, response) pair; a command that raised
    (card removed or mute) is logged with an empty response.
    """

    def __init__(
        self,
        applications: Iterable[Application],
        *,
        atr: bytes = DEFAULT_ATR,
        quirks: Quirks | None = None,
    ) -> None:
        self.atr = atr
        self.quirks = quirks or Quirks()
        self.applications = {app.aid: app for app in applications}
        self.log: list[tuple[bytes, bytes]] = []
        self.removed = False
        self.powered = False
        self.read_count = 0
        self._app: Application | None = None
        self._current_ef: int | None = None
        self._pending_data = b""
        self._pending_sw: int = Sw.OK
        self._first_apdu = True
        self._mute = False
        self._boot(clear_pins=False)

    # -- power ------------------------------------------------------------------

    def power_on(self) -> None:
        """Cold reset: clears every verified PIN and selects the MF."""
        if self.removed:
            raise CardRemoved
        self._boot(clear_pins=True)

    def power_off(self) -> None:
        """Remove power; a verified state does not survive it (docs/card-facts.md "PINs")."""
        self.powered = False
        self._clear_pins()

    def reset(self) -> None:
        """Warm reset: selects the MF; clears verified PINs unless the quirk keeps them."""
        if self.removed:
            raise CardRemoved
        self._boot(clear_pins=not self.quirks.keeps_verified_on_warm_reset)

    def remove(self) -> None:
        """Pull the card out of the reader."""
        self.removed = True
        self.power_off()

    def insert(self) -> None:
        """Put the card back (unpowered until :meth:`power_on`)."""
        self.removed = False

    def _boot(self, *, clear_pins: bool) -> None:
        self.powered = True
        self._mute = False
        self._app = None
        self._current_ef = None
        self._pending_data = b""
        self._first_apdu = True
        if clear_pins:
            self._clear_pins()

    def _clear_pins(self) -> None:
        for app in self.applications.values():
            for ef in app.files.values():
                if isinstance(ef, PinFile):
                    ef.verified = False

    # -- commands ---------------------------------------------------------------

    def process(self, apdu: bytes | bytearray) -> bytes:
        """Answer one command APDU: response data followed by SW1 SW2.

        Raises :class:`CardRemoved` once the card is out, :class:`CardUnresponsive`
        (or its :class:`CardReset`) when it does not answer.
        """
        apdu = bytes(apdu)
        try:
            response = self._process(apdu)
        except (CardRemoved, CardUnresponsive):
            self.log.append((apdu, b""))
            raise
        self.log.append((apdu, response))
        return response

    def _process(self, apdu: bytes) -> bytes:
        if self.removed:
            raise CardRemoved
        if not self.powered or self._mute:
            raise CardUnresponsive
        first, self._first_apdu = self._first_apdu, False
        if first and self.quirks.first_apdu_6f00:
            return _sw(Sw.NO_PRECISE_DIAGNOSIS)
        try:
            command = parse_command(apdu)
        except _MalformedApdu:
            return _sw(Sw.WRONG_LENGTH)
        if command.extended and self.quirks.extended_apdu == "wrong_length":
            return _sw(Sw.WRONG_LENGTH)
        if command.extended and self.quirks.extended_apdu == "reset":
            self._mute = True
            self._clear_pins()
            raise CardReset
        if command.ins == 0xC0 and command.cla == 0x00:
            return self._get_response(command)
        self._pending_data = b""
        if command.ins == 0xB0 and command.cla == 0x00:
            self.read_count += 1
            if self.quirks.pulled_out_at_read == self.read_count:
                self.remove()
                raise CardRemoved
            if self.quirks.garbage_read:
                return b"\x90"
        data, sw = self._dispatch(command)
        if data and self.quirks.get_response:
            # T=0 style: announce the bytes, hand them over on GET RESPONSE.
            self._pending_data, self._pending_sw = data, sw
            return _sw(0x6100 | (min(len(data), 256) & 0xFF))
        return data + _sw(sw)

    def _dispatch(self, command: Command) -> tuple[bytes, int]:
        if command.cla not in (0x00, 0x80):
            return b"", Sw.CLA_NOT_SUPPORTED
        handlers = {
            (0x00, 0xA4): self._select,
            (0x00, 0xB0): self._read_binary,
            (0x00, 0x20): self._verify,
            (0x80, 0x2A): self._compute_signature,
        }
        handler = handlers.get((command.cla, command.ins))
        if handler is None:
            return b"", Sw.INS_NOT_SUPPORTED
        return handler(command)

    def _get_response(self, command: Command) -> bytes:
        if not self._pending_data:
            return _sw(Sw.CONDITIONS_NOT_SATISFIED)
        le = command.le or 256
        chunk, self._pending_data = self._pending_data[:le], self._pending_data[le:]
        if self._pending_data:
            return chunk + _sw(0x6100 | (min(len(self._pending_data), 256) & 0xFF))
        return chunk + _sw(self._pending_sw)

    # SELECT: by DF name `00 A4 04 0C Lc AID`, EF `00 A4 02 0C 02 FID`; no FCI
    # (docs/card-facts.md "Applications", "Elementary files").
    def _select(self, command: Command) -> tuple[bytes, int]:
        if command.p2 not in (0x0C, 0x00):
            return b"", Sw.INCORRECT_P1P2
        if command.p1 == 0x04:
            app = self.applications.get(command.data)
            if app is None:
                return b"", Sw.FILE_NOT_FOUND
            self._app = app
            self._current_ef = None
            return b"", Sw.OK
        if command.p1 == 0x02:
            if len(command.data) != 2:
                return b"", Sw.WRONG_LENGTH
            fid = int.from_bytes(command.data, "big")
            ef = self._app.files.get(fid) if self._app else None
            if ef is None:
                return b"", Sw.FILE_NOT_FOUND
            if isinstance(ef, BinaryFile) and ef.select_sw != Sw.OK:
                return b"", ef.select_sw
            self._current_ef = fid
            return b"", Sw.OK
        return b"", Sw.INCORRECT_P1P2

    def _ef_by_sfi(self, sfi: int) -> int | None:
        if self._app is None:
            return None
        for fid in self._app.files:
            if fid <= 0x1E and fid == sfi:
                return fid
        return None

    # READ BINARY (docs/card-facts.md "Reading a certificate"): P1 bit 8 set = SFI in
    # P1 bits 1-5 with the offset in P2, else a 15-bit offset in the current EF.
    def _read_binary(self, command: Command) -> tuple[bytes, int]:
        if command.p1 & 0x80:
            if not self.quirks.sfi_supported:
                return b"", Sw.INCORRECT_P1P2
            if command.p1 & 0x60:
                return b"", Sw.INCORRECT_P1P2
            fid = self._ef_by_sfi(command.p1 & 0x1F)
            if fid is None:
                return b"", Sw.FILE_NOT_FOUND
            self._current_ef = fid if self.quirks.sfi_sets_current_ef else None
            offset = command.p2
        else:
            if self._current_ef is None or self._app is None:
                return b"", Sw.COMMAND_NOT_ALLOWED
            fid = self._current_ef
            offset = (command.p1 << 8) | command.p2
        assert self._app is not None
        ef = self._app.files[fid]
        if not isinstance(ef, BinaryFile):
            return b"", Sw.INCOMPATIBLE_FILE_STRUCTURE
        if ef.select_sw != Sw.OK:  # the file "is not there" for reads by SFI either
            return b"", ef.select_sw
        if ef.read_sw != Sw.OK:
            return b"", ef.read_sw
        if ef.read_pin is not None and not self._pin_verified(ef.read_pin):
            return b"", Sw.SECURITY_STATUS_NOT_SATISFIED
        content = ef.content
        if offset >= len(content):
            return b"", Sw.WRONG_P1P2
        le = command.le if command.le is not None else 256
        remaining = len(content) - offset
        if self.quirks.exact_le and not command.extended:
            expected = min(remaining, 256)
            if le != expected:
                return b"", 0x6C00 | (expected & 0xFF)
        data = content[offset : offset + le]
        if len(data) < le and self.quirks.eof_6282:
            return data, Sw.END_OF_FILE_REACHED
        return data, Sw.OK

    def _pin_verified(self, fid: int) -> bool:
        pin = self._app.files.get(fid) if self._app else None
        return isinstance(pin, PinFile) and pin.verified

    # VERIFY (docs/card-facts.md "PINs"): no data = status query (63Cx, 9000 when
    # verified this power cycle); any wrong value, of any length, costs a try.
    def _verify(self, command: Command) -> tuple[bytes, int]:
        if command.p1 != 0x00:
            return b"", Sw.INCORRECT_P1P2
        if self._app is None:
            return b"", Sw.REFERENCE_NOT_FOUND
        if command.p2 == 0x80:
            fid = self._current_ef
        elif command.p2 & 0x80 and not command.p2 & 0x60:
            fid = command.p2 & 0x1F  # P2 = 0x80 | SFI of the PIN EF (0x98, 0x9B)
        else:
            return b"", Sw.INCORRECT_P1P2
        pin = self._app.files.get(fid) if fid is not None else None
        if not isinstance(pin, PinFile):
            return b"", Sw.REFERENCE_NOT_FOUND
        if not command.data:
            if pin.verified:
                return b"", Sw.OK
            if pin.tries_left == 0:
                return b"", self.quirks.pin_blocked_status_sw
            return b"", 0x63C0 | pin.tries_left
        if pin.tries_left == 0:
            return b"", self.quirks.pin_blocked_sw
        if command.data == pin.value:
            pin.tries_left = pin.max_tries
            pin.verified = True
            return b"", Sw.OK
        pin.tries_left -= 1
        pin.verified = False
        return b"", 0x63C0 | pin.tries_left

    # COMPUTE DIGITAL SIGNATURE `80 2A 00 80 Lc DigestInfo 00` after SELECT EF
    # of the key (docs/card-facts.md "Key use after VERIFY"): raw RSA PKCS#1 v1.5.
    def _compute_signature(self, command: Command) -> tuple[bytes, int]:
        if (command.p1, command.p2) != (0x00, 0x80):
            return b"", Sw.INCORRECT_P1P2
        key_file = (
            self._app.files.get(self._current_ef)
            if self._app is not None and self._current_ef is not None
            else None
        )
        if not isinstance(key_file, KeyFile):
            return b"", Sw.COMMAND_NOT_ALLOWED
        if not self._pin_verified(key_file.pin):
            return b"", Sw.SECURITY_STATUS_NOT_SATISFIED
        if not command.data:
            return b"", Sw.WRONG_LENGTH
        signature = pkcs1_v15_sign_raw(key_file.private_key, command.data)
        if signature is None:
            return b"", Sw.WRONG_DATA
        return signature, Sw.OK


def pkcs1_v15_sign_raw(key: rsa.RSAPrivateKey, digest_info: bytes) -> bytes | None:
    """``(00 01 FF.. 00 || digest_info)^d mod n``; None when it does not fit the key."""
    prefix = RSA_PKCS1_SHA256.digest_info_prefix
    if digest_info.startswith(prefix) and len(digest_info) == len(prefix) + 32:
        # The DigestInfo a check sends: OpenSSL signs it (PKCS#1 v1.5 is deterministic,
        # so the same bytes as below) in a thirtieth of Python's modular power's time.
        try:
            return key.sign(
                digest_info[len(prefix) :], padding.PKCS1v15(), utils.Prehashed(hashes.SHA256())
            )
        except ValueError:  # a key too small for it
            return None
    numbers = key.private_numbers()
    n = numbers.public_numbers.n
    size = (n.bit_length() + 7) // 8
    padding_length = size - 3 - len(digest_info)
    if padding_length < 8:
        return None
    encoded = b"\x00\x01" + b"\xff" * padding_length + b"\x00" + digest_info
    signature = pow(int.from_bytes(encoded, "big"), numbers.d, n)
    return signature.to_bytes(size, "big")
