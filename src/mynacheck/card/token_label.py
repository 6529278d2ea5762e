"""What the token label (EF 0006) says is answering as the JPKI AP.

The first 32 bytes of EF 0006: a My Number Card of a generation we know, a
smartphone carrying the JPKI AP, the old 住基カード, or a label no source lists.
Read by :meth:`mynacheck.card.jpki.JpkiSession.read_token_label` only when EF 000A
shows no certificate (docs/card-facts.md "Token label").
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .profile import (
    JUKI_CARD_LABEL,
    SMARTPHONE_LABEL_MARKS,
    SMARTPHONE_LABELS,
    TOKEN_LABEL_LENGTH,
    profile_for_label,
)


class TokenKind(enum.Enum):
    """What the token label (EF 0006) says is answering as the JPKI AP."""

    MY_NUMBER_CARD = "my_number_card"
    SMARTPHONE = "smartphone"
    JUKI_CARD = "juki_card"
    #: A label no source lists: a next-generation card, say.
    UNKNOWN = "unknown"
    #: No label to read: the file refused, is not there, or is blank.
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class TokenLabel:
    """The token label as read, and what it says (docs/card-facts.md "Token label").

    ``label`` is the label with its padding trimmed, bytes outside printable
    ASCII shown as ``\\xNN`` (None when there is none); ``device`` says which
    phone where the label tells (``android``, ``iphone``); ``sw_text`` names the
    status word of a refused read (``sw_name``).
    """

    kind: TokenKind
    label: str | None = None
    device: str | None = None
    sw_text: str | None = None


def classify_token_label(data: bytes) -> TokenLabel:
    """What the first bytes of EF 0006 say. Never raises, whatever the bytes."""
    raw = data[:TOKEN_LABEL_LENGTH]
    # Padded with spaces on the card; jpki/myna's dummy reader pads with NULs.
    trimmed = raw.rstrip(b" \x00")
    if not trimmed or all(b == 0xFF for b in trimmed):
        return TokenLabel(TokenKind.UNREADABLE)
    label = "".join(chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}" for b in trimmed)
    if profile_for_label(label) is not None:
        return TokenLabel(TokenKind.MY_NUMBER_CARD, label)
    if label == JUKI_CARD_LABEL:
        return TokenLabel(TokenKind.JUKI_CARD, label)
    device = SMARTPHONE_LABELS.get(label)
    if device is not None:
        return TokenLabel(TokenKind.SMARTPHONE, label, device)
    if label.startswith("JPKIAP") and "TOKEN" in label[6:]:
        middle = label[6 : label.index("TOKEN", 6)]
        if any(mark in middle for mark in SMARTPHONE_LABEL_MARKS):
            return TokenLabel(TokenKind.SMARTPHONE, label)
    return TokenLabel(TokenKind.UNKNOWN, label)
