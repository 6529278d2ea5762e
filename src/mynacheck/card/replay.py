"""Recorded APDU transcripts: the readable file format, a recorder, and a replayer.

Format (one exchange per pair of lines; ``#`` comments)::

    # mynacheck transcript 1
    # reader: Virtual PCD 00 00
    # atr: 3B E0 00 FF 81 31 FE 45 14
    > 00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01
    < 90 00
    > 00 20 00 80 04 ** ** ** **
    < 63 C2
    ! reset
    > 00 B0 8A 00 00 00 00
    < !card_removed

Command lines start ``>``, responses ``<`` (data then SW1 SW2), ``!`` marks a
power cycle. ``**`` is a redacted byte: VERIFY data (the PIN) is always
written that way, and matches any byte on replay; a transcript with PIN bytes
in clear is refused. A response ``!name`` is a transport failure
(``card_removed``, ``card_unresponsive``). The header line must come before
the first exchange (comment lines may precede it); a file without it is not
read further, and no error quotes more than a few escaped characters of a line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CardError, CardRemovedError, CardUnresponsiveError, MynacheckError
from ..log import carries_pin
from ..status import Detail, Status
from ..userfiles import (
    TRANSCRIPT_HEADER,
    display_path,
    excerpt,
    read_user_file,
    write_transcript_atomically,
)
from . import Connection, is_contactless

_FORMAT_MARK = "# mynacheck transcript "
NOTICE = (
    "# This file holds the card's user-authentication certificate (no personal data,\n"
    "# but a serial number unique to the card). PIN bytes are redacted as **."
)
_REDACTED = "**"
_FAILURES: dict[str, type[CardError]] = {
    "card_removed": CardRemovedError,
    "card_unresponsive": CardUnresponsiveError,
}


class TranscriptError(MynacheckError):
    """The check sent something the transcript did not record (or left some unused)."""

    status = Status.INTERNAL_ERROR


@dataclass(frozen=True)
class Exchange:
    #: Command bytes; None stands for a redacted byte.
    command: tuple[int | None, ...]
    response: bytes | None  # None when the transport failed
    failure: str | None = None
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Reset:
    line: int = field(default=0, compare=False)


Entry = Exchange | Reset


def redact(apdu: bytes | bytearray) -> tuple[int | None, ...]:
    """The command with any PIN bytes replaced by None."""
    if carries_pin(apdu):
        return (*apdu[:5], *([None] * (len(apdu) - 5)))
    return tuple(apdu)


def _hex(values: Iterable[int | None]) -> str:
    return " ".join(_REDACTED if v is None else f"{v:02X}" for v in values)


def format_transcript(entries: Iterable[Entry], reader: str, atr: bytes) -> str:
    lines = [TRANSCRIPT_HEADER, NOTICE, f"# reader: {excerpt(reader, 200)}", f"# atr: {_hex(atr)}"]
    for entry in entries:
        if isinstance(entry, Reset):
            lines.append("! reset")
            continue
        lines.append("> " + _hex(entry.command))
        if entry.failure is not None:
            lines.append("< !" + entry.failure)
        else:
            assert entry.response is not None
            lines.append("< " + _hex(entry.response))
    return "\n".join(lines) + "\n"


def parse_transcript(text: str) -> tuple[list[Entry], dict[str, str]]:
    """Entries and ``# key: value`` headers; ValueError with the line number if malformed.

    The text must hold the header line before its first exchange; until then
    nothing of it is quoted in an error (it may be any file at all).
    """
    entries: list[Entry] = []
    headers: dict[str, str] = {}
    pending: tuple[tuple[int | None, ...], int] | None = None
    seen_header = False
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if not seen_header:
            if line == TRANSCRIPT_HEADER:
                seen_header = True
                continue
            if line.startswith(_FORMAT_MARK):
                raise ValueError(f"line {number}: a transcript format this version cannot read")
            if not line.startswith("#"):
                raise ValueError(f"not a mynacheck transcript (no '{TRANSCRIPT_HEADER}' line)")
        if line.startswith("#"):
            key, sep, value = line[1:].partition(":")
            if sep:
                headers[key.strip()] = value.strip()
            continue
        kind, body = line[0], line[1:].strip()
        if kind == "!" and body == "reset" and pending is None:
            entries.append(Reset(number))
        elif kind == ">" and pending is None:
            pending = (_parse_command(body, number), number)
        elif kind == "<" and pending is not None:
            if body.startswith("!"):
                if body[1:] not in _FAILURES:
                    raise ValueError(f"line {number}: unknown failure '{excerpt(body)}'")
                entries.append(Exchange(pending[0], None, body[1:], pending[1]))
            else:
                response = _parse_hex(body, number, allow_redacted=False)
                entries.append(Exchange(pending[0], bytes(response), None, pending[1]))  # type: ignore[arg-type]
            pending = None
        else:
            raise ValueError(f"line {number}: unexpected '{excerpt(line)}'")
    if not seen_header:
        raise ValueError(f"not a mynacheck transcript (no '{TRANSCRIPT_HEADER}' line)")
    if pending is not None:
        raise ValueError(f"line {pending[1]}: command without a response")
    return entries, headers


def _parse_command(body: str, number: int) -> tuple[int | None, ...]:
    command = _parse_hex(body, number, allow_redacted=True)
    # A PIN is written down only as **: a file with one in clear did not come
    # from mynacheck, and replaying it would put the PIN where it does not belong.
    in_clear = any(value is not None for value in command[5:])
    if carries_pin(command) and in_clear:
        raise ValueError(f"line {number}: PIN bytes in clear (a transcript holds them as **)")
    return command


def _parse_hex(body: str, number: int, *, allow_redacted: bool) -> tuple[int | None, ...]:
    values: list[int | None] = []
    for token in body.split():
        if token == _REDACTED and allow_redacted:
            values.append(None)
            continue
        if len(token) % 2:
            raise ValueError(f"line {number}: odd hex '{excerpt(token)}'")
        try:
            values.extend(bytes.fromhex(token))
        except ValueError:
            raise ValueError(f"line {number}: not hex: '{excerpt(token)}'") from None
    return tuple(values)


class ReplayConnection:
    """Answers from a transcript; any command it did not expect is an error."""

    simulated = True

    def __init__(self, entries: list[Entry], reader: str = "replay", atr: bytes = b"") -> None:
        self._remaining = list(entries)
        self.reader = reader
        self.atr = atr
        self.apdu_count = 0

    @classmethod
    def from_file(cls, path: Path) -> ReplayConnection:
        """Read a transcript file (at most 1 MiB, a regular file).

        Raises :class:`~mynacheck.errors.InputError` for a file that cannot be
        read at all, ValueError (path and line, no content) for one that is not
        a well-formed transcript.
        """
        raw = read_user_file(path, "transcript")
        shown = display_path(path)
        try:
            entries, headers = parse_transcript(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise ValueError(f"{shown}: not a mynacheck transcript (not UTF-8 text)") from None
        except ValueError as error:
            raise ValueError(f"{shown}: {error}") from None
        try:
            atr = bytes.fromhex(headers.get("atr", "").replace(" ", ""))
        except ValueError:
            raise ValueError(f"{shown}: the atr line is not hex") from None
        if not entries:
            raise ValueError(f"{shown}: no exchanges recorded")
        reader = excerpt(headers.get("reader", path.name), 200)
        return cls(entries, f"replay: {reader}", atr)

    def _next(self, wanted: str) -> Entry:
        if not self._remaining:
            raise TranscriptError(
                Detail.TRANSCRIPT_MISMATCH, info={"expected": "end", "got": wanted}
            )
        return self._remaining.pop(0)

    def send_and_receive(self, apdu: bytes | bytearray) -> tuple[bytes, int]:
        from . import split_response

        self.apdu_count += 1
        entry = self._next(_hex(redact(apdu)))
        if not isinstance(entry, Exchange) or not _matches(entry.command, apdu):
            expected = "reset" if isinstance(entry, Reset) else _hex(entry.command)
            raise TranscriptError(
                Detail.TRANSCRIPT_MISMATCH,
                info={"line": entry.line, "expected": expected, "got": _hex(redact(apdu))},
            )
        if entry.failure is not None:
            raise _FAILURES[entry.failure]()
        assert entry.response is not None
        return split_response(entry.response)

    def reset(self) -> None:
        entry = self._next("reset")
        if not isinstance(entry, Reset):
            raise TranscriptError(
                Detail.TRANSCRIPT_MISMATCH,
                info={"line": entry.line, "expected": _hex(entry.command), "got": "reset"},
            )

    def close(self) -> None:
        pass

    @property
    def contactless(self) -> bool:
        return is_contactless(self.reader, self.atr)

    def recorded_digest(self) -> bytes | None:
        """The SHA-256 digest the recorded card was asked to sign, if any (key proof)."""
        for entry in self._remaining:
            command = entry.command if isinstance(entry, Exchange) else ()
            if len(command) > 5 and command[1] == 0x2A:
                lc = command[4] or 0
                digest_info = bytes(c or 0 for c in command[5 : 5 + lc])
                return digest_info[-32:]
        return None

    def leftover(self) -> int:
        """Exchanges recorded but never asked for."""
        return len(self._remaining)


def _matches(expected: tuple[int | None, ...], apdu: bytes | bytearray) -> bool:
    return len(expected) == len(apdu) and all(
        e is None or e == a for e, a in zip(expected, apdu, strict=True)
    )


class RecordingConnection:
    """Wraps a connection and keeps every exchange, PIN bytes redacted, for ``--record``."""

    def __init__(self, inner: Connection) -> None:
        self.inner = inner
        self.entries: list[Entry] = []

    @property
    def reader(self) -> str:
        return self.inner.reader

    @property
    def simulated(self) -> bool:
        return self.inner.simulated

    @property
    def atr(self) -> bytes:
        return self.inner.atr

    @property
    def apdu_count(self) -> int:
        return self.inner.apdu_count

    @property
    def contactless(self) -> bool:
        return self.inner.contactless

    def send_and_receive(self, apdu: bytes | bytearray) -> tuple[bytes, int]:
        command = redact(apdu)
        try:
            data, sw = self.inner.send_and_receive(apdu)
        except CardError as error:
            failure = "card_removed" if isinstance(error, CardRemovedError) else "card_unresponsive"
            self.entries.append(Exchange(command, None, failure))
            raise
        self.entries.append(Exchange(command, data + sw.to_bytes(2, "big")))
        return data, sw

    def reset(self) -> None:
        self.entries.append(Reset())
        self.inner.reset()

    def close(self) -> None:
        self.inner.close()

    def save(self, path: Path) -> None:
        """Write the transcript (see :func:`~mynacheck.userfiles.write_transcript_atomically`:
        a new file or the replacement of a transcript; OSError otherwise)."""
        write_transcript_atomically(path, format_transcript(self.entries, self.reader, self.atr))
