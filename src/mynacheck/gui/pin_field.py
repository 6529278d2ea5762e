"""The PIN field: keystrokes go into a ``bytearray``, and nothing but their count
ever leaves the widget.

A ``QLineEdit`` in password mode is masked on screen, yet it tells assistive
technology every character typed (each key sends a ``text-changed`` event with
the real digit over AT-SPI, a text change over UI Automation) and keeps the text
in ``QString`` copies it never wipes. :class:`PinField` is a plain widget
instead: each key press is normalised at once (full-width digits become ASCII)
into a fixed ``bytearray`` that is zeroed when the PIN is taken, cleared or the
widget goes away; it paints one bullet per character; and its accessible
interface (:class:`PinFieldAccessible`, installed by :func:`install_accessibility`)
is a password text whose text is bullets only: a screen reader hears "bullet"
(Orca) or "star"/"hidden" (Narrator, NVDA) per key, and the field's name and
description, never a digit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleInterface,
    QAccessibleTextInsertEvent,
    QAccessibleTextInterface,
    QAccessibleTextRemoveEvent,
    QFocusEvent,
    QFontMetricsF,
    QInputMethodEvent,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import QAccessibleWidget, QApplication, QWidget

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStyleOptionFrame

#: What is kept for a typed character that is not a digit (it makes the PIN malformed).
NOT_A_DIGIT = 0x3F
#: The bullet the field shows and tells assistive technology, one per character.
BULLET = "\u25cf"
_FULL_WIDTH_ZERO = 0xFF10
_BLANKS = frozenset(" \t\r\n\u3000")


def pin_byte(ch: str) -> int | None:
    """The byte kept for one typed character: an ASCII digit for ``0``-``9`` and
    full-width ``０``-``９``, :data:`NOT_A_DIGIT` for anything else printable, None
    for blanks (dropped, as :func:`mynacheck.pin.normalize_pin` strips them)."""
    if ch in _BLANKS or not ch.isprintable():
        return None
    code = ord(ch)
    if 0x30 <= code <= 0x39:
        return code
    if _FULL_WIDTH_ZERO <= code <= _FULL_WIDTH_ZERO + 9:
        return code - _FULL_WIDTH_ZERO + 0x30
    return NOT_A_DIGIT


class PinField(QWidget):
    """Masked PIN entry that keeps the PIN in a zeroed ``bytearray``.

    ``edited(count)`` after each change the person makes; ``returnPressed`` on
    Enter. :meth:`problem` says whether what was typed is a well-formed 4-digit
    PIN (the reason code of :func:`mynacheck.pin.pin_format_problem` otherwise);
    :meth:`take` hands the PIN over as a new ``bytearray`` and empties the field.
    """

    edited = Signal(int)
    returnPressed = Signal()

    MAX_LENGTH = 8
    PIN_LENGTH = 4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._buffer = bytearray(self.MAX_LENGTH)
        self._count = 0
        self._all_selected = False
        self._accessible: object = None
        self._placeholder = ""
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)
        self.setAttribute(Qt.WidgetAttribute.WA_KeyCompression, False)
        self.setInputMethodHints(
            Qt.InputMethodHint.ImhHiddenText
            | Qt.InputMethodHint.ImhSensitiveData
            | Qt.InputMethodHint.ImhNoPredictiveText
            | Qt.InputMethodHint.ImhDigitsOnly
        )
        self.setCursor(Qt.CursorShape.IBeamCursor)
        self.destroyed.connect(_zeroer(self._buffer))

    # -- what the window asks -------------------------------------------------------------

    def count(self) -> int:
        """How many characters are typed (all a caller, or a screen reader, may know)."""
        return self._count

    def problem(self) -> str | None:
        """None for a well-formed 4-digit PIN; else ``pin_empty``,
        ``pin_bad_characters`` or ``pin_wrong_length`` (as ``pin_format_problem``)."""
        if self._count == 0:
            return "pin_empty"
        if NOT_A_DIGIT in memoryview(self._buffer)[: self._count]:
            return "pin_bad_characters"
        if self._count != self.PIN_LENGTH:
            return "pin_wrong_length"
        return None

    def take(self) -> bytearray:
        """The PIN as ASCII bytes (a new ``bytearray`` the caller zeroes after use);
        the field is empty afterwards."""
        pin = bytearray(self._count)
        pin[:] = memoryview(self._buffer)[: self._count]  # copied once, no slice object
        self._wipe()
        self._changed(removed=len(pin))
        return pin

    def clear(self) -> None:
        """Forget what was typed (zeroed)."""
        removed = self._count
        self._wipe()
        if removed:
            self._changed(removed=removed)

    def setPlaceholderText(self, words: str) -> None:
        """Grey words shown while the field is empty (not a PIN: safe to tell AT)."""
        self._placeholder = words
        self.update()

    def placeholderText(self) -> str:
        return self._placeholder

    def masked(self) -> str:
        """What the field shows and tells assistive technology: one bullet a character."""
        return BULLET * self._count

    # -- keys -----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.returnPressed.emit()
            return
        if event.matches(QKeySequence.StandardKey.SelectAll):
            self._all_selected = self._count > 0
            self.update()
            return
        if key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            whole = self._all_selected or bool(
                event.modifiers() & Qt.KeyboardModifier.ControlModifier
            )
            self._erase(whole)
            return
        mods = event.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        )
        typed = event.text()
        if typed and mods == Qt.KeyboardModifier.NoModifier and self._put(typed):
            return
        event.ignore()  # Tab, Escape, shortcuts: the window's
        super().keyPressEvent(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        """Committed text from an input method (a Japanese IME's full-width digits)."""
        committed = event.commitString()
        if committed:
            self._put(committed)
        event.accept()

    def inputMethodQuery(self, query: Qt.InputMethodQuery) -> Any:
        if query == Qt.InputMethodQuery.ImHints:
            return int(self.inputMethodHints().value)
        if query == Qt.InputMethodQuery.ImEnabled:
            return True
        if query == Qt.InputMethodQuery.ImCursorRectangle:
            return self._caret_rect()
        return super().inputMethodQuery(query)

    def _put(self, typed: str) -> bool:
        """Add the characters of ``typed``; False if none was a character to keep."""
        kept = [b for b in (pin_byte(ch) for ch in typed) if b is not None]
        if not kept:
            return False
        if self._all_selected:
            self._erase(whole=True, tell=False)
        added = 0
        for byte in kept:
            if self._count >= self.MAX_LENGTH:
                break
            self._buffer[self._count] = byte
            self._count += 1
            added += 1
        del kept
        if added:
            self._changed(added=added)
        else:
            QApplication.beep()  # full: the key is refused
        return True

    def _erase(self, whole: bool, tell: bool = True) -> None:
        if not self._count:
            return
        if whole:
            removed = self._count
            self._wipe()
        else:
            self._count -= 1
            self._buffer[self._count] = 0
            self._all_selected = False
            removed = 1
        if tell:
            self._changed(removed=removed)

    def _wipe(self) -> None:
        self._buffer[:] = bytes(self.MAX_LENGTH)
        self._count = 0
        self._all_selected = False

    def _changed(self, added: int = 0, removed: int = 0) -> None:
        """Redraw, tell assistive technology (bullets only), and the window (the count)."""
        self.update()
        if QAccessible.isActive():
            if removed:
                event: Any = QAccessibleTextRemoveEvent(self, self._count, BULLET * removed)
                QAccessible.updateAccessibility(event)
            if added:
                start = self._count - added
                event = QAccessibleTextInsertEvent(self, start, BULLET * added)
                QAccessible.updateAccessibility(event)
        self.edited.emit(self._count)

    # -- drawing --------------------------------------------------------------------------

    def _frame_option(self) -> QStyleOptionFrame:
        # QStyle is loaded on first use: the field is hidden until the PIN is asked,
        # and QStyle's enums alone cost the window's first paint about 15 ms.
        from PySide6.QtWidgets import QStyle, QStyleOptionFrame

        option = QStyleOptionFrame()
        option.initFrom(self)
        option.rect = self.rect()
        option.lineWidth = self.style().pixelMetric(
            QStyle.PixelMetric.PM_DefaultFrameWidth, option, self
        )
        option.midLineWidth = 0
        option.state |= QStyle.StateFlag.State_Sunken
        if self.hasFocus():
            option.state |= QStyle.StateFlag.State_HasFocus
        return option

    def _text_rect(self) -> QRect:
        from PySide6.QtWidgets import QStyle

        option = self._frame_option()
        inner = self.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, self)
        margin = round(QFontMetricsF(self.font()).averageCharWidth() / 2)
        return inner.adjusted(margin, 0, -margin, 0)

    def _caret_rect(self) -> QRect:
        metrics = QFontMetricsF(self.font())
        box = self._text_rect()
        x = box.left() + round(metrics.horizontalAdvance(self.masked()))
        return QRect(QPoint(x, box.top() + 2), QSize(1, box.height() - 4))

    def paintEvent(self, event: QPaintEvent) -> None:
        from PySide6.QtWidgets import QStyle

        painter = QPainter(self)
        option = self._frame_option()
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelLineEdit, option, painter, self)
        box = self._text_rect()
        palette = self.palette()
        if self._all_selected and self._count:
            width = round(QFontMetricsF(self.font()).horizontalAdvance(self.masked()))
            selected = QRect(box.left(), box.top() + 2, width, box.height() - 4)
            painter.fillRect(selected, palette.highlight())
            painter.setPen(palette.highlightedText().color())
        else:
            painter.setPen(palette.text().color())
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        if self._count:
            painter.drawText(box, int(align.value), self.masked())
        elif self._placeholder and not self.hasFocus():
            painter.setPen(palette.placeholderText().color())
            painter.drawText(box, int(align.value), self._placeholder)
        if self.hasFocus() and self.isEnabled():
            painter.fillRect(self._caret_rect(), palette.text())
        painter.end()

    def sizeHint(self) -> QSize:
        metrics = QFontMetricsF(self.font())
        width = (
            metrics.horizontalAdvance(BULLET) * (self.MAX_LENGTH + 2) + metrics.averageCharWidth()
        )
        option = self._frame_option()
        frame = 2 * option.lineWidth + 8
        height = max(metrics.height(), metrics.boundingRect(BULLET).height()) + frame
        return QSize(round(width + frame), round(height))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._all_selected = False
        super().focusOutEvent(event)
        self.update()


def _zeroer(buffer: bytearray) -> Any:
    def zero(*_args: object) -> None:
        buffer[:] = bytes(len(buffer))

    return zero


# -- what assistive technology sees -----------------------------------------------------


class _BulletText(QAccessibleTextInterface):
    """The field's text interface: as many bullets as characters typed."""

    def __init__(self, field: PinField) -> None:
        super().__init__()
        self._field = field

    def text(self, start: int, end: int) -> str:
        return self._field.masked()[start : end if end >= 0 else None]

    def characterCount(self) -> int:
        return self._field.count()

    def cursorPosition(self) -> int:
        return self._field.count()

    def setCursorPosition(self, position: int) -> None:
        pass

    def selectionCount(self) -> int:
        return 0

    def addSelection(self, start: int, end: int) -> None:
        pass

    def removeSelection(self, index: int) -> None:
        pass

    def setSelection(self, index: int, start: int, end: int) -> None:
        pass

    def characterRect(self, offset: int) -> QRect:
        return QRect()

    def offsetAtPoint(self, point: QPoint) -> int:
        return self._field.count()

    def scrollToSubstring(self, start: int, end: int) -> None:
        pass


class PinFieldAccessible(QAccessibleWidget):
    """A password text whose value and text are bullets: the count, never a character."""

    def __init__(self, field: PinField) -> None:
        super().__init__(field, QAccessible.Role.EditableText)
        self._field = field
        self._text = _BulletText(field)

    def state(self) -> Any:
        state = super().state()
        state.passwordEdit = True
        state.editable = True
        state.readOnly = False
        state.multiLine = False
        return state

    def text(self, kind: QAccessible.Text) -> str:
        if kind == QAccessible.Text.Value:
            return self._field.masked()
        return str(super().text(kind))

    def setText(self, kind: QAccessible.Text, value: str) -> None:
        """Assistive technology can neither read a PIN out nor type one in."""

    def interface_cast(self, kind: QAccessible.InterfaceType) -> Any:
        if kind == QAccessible.InterfaceType.TextInterface:
            # The address as shiboken's VoidPtr: a plain int crashes the binding.
            return shiboken6.VoidPtr(shiboken6.getCppPointer(self._text)[0])
        other = super().interface_cast(kind)
        return shiboken6.VoidPtr(other if isinstance(other, int) else 0)


def _factory(key: str, obj: QObject) -> QAccessibleInterface | None:
    if isinstance(obj, PinField):
        accessible = PinFieldAccessible(obj)
        obj._accessible = accessible  # Python keeps it (and its text) as long as the field
        return accessible
    return None


_INSTALLED: list[bool] = []


def install_accessibility() -> None:
    """Give every :class:`PinField` its bullets-only accessible interface (once)."""
    if not _INSTALLED:
        QAccessible.installFactory(_factory)
        _INSTALLED.append(True)
