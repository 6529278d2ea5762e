"""Pieces both windows use: the verdict panel (colour + icon + words), the language
picker, and the accessibility helpers."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QObject,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QTimer,
    QTranslator,
)
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from mynacheck.present.gui_messages import GUI
from mynacheck.present.messages import Lang, text

from .describe import Row, Tone


@dataclass(frozen=True)
class Look:
    ink: str  # text on the panel
    paper: str  # the panel
    accent: str  # the badge and the border


LOOKS: dict[str, Look] = {
    "ok": Look("#0d4f24", "#e4f4e8", "#1b7a37"),
    "bad": Look("#7f1713", "#fce9e7", "#b3261e"),
    "warn": Look("#5c3900", "#fff2d9", "#a86200"),
    "info": Look("#15365f", "#eaf1fb", "#2b5c9e"),
}
#: The symbol drawn in the badge for each tone (info states pick their own).
SYMBOLS: dict[str, str] = {"ok": "check", "bad": "cross", "warn": "bang", "info": "card"}
UI_FAMILIES = ["Yu Gothic UI", "Meiryo UI", "Segoe UI", "IPAPGothic", "IPAGothic"]


class VerdictBadge(QWidget):
    """A filled circle with a white tick, cross, "!", card, lock or dots: the verdict's
    shape, so colour is never the only signal. Drawn, so it is sharp at any DPI."""

    def __init__(self, size: int = 72, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tone: str = "info"
        self._symbol = "card"
        self.setFixedSize(QSize(size, size))
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def set_look(self, tone: str, symbol: str | None = None) -> None:
        self._tone, self._symbol = tone, symbol or SYMBOLS[tone]
        self.update()

    @property
    def symbol(self) -> str:
        return self._symbol

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height())
        box = QRectF(1, 1, side - 2, side - 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(LOOKS[self._tone].accent))
        painter.drawEllipse(box)
        pen = QPen(QColor("white"), side * 0.1)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        _draw_symbol(painter, self._symbol, side)
        painter.end()


def _draw_symbol(painter: QPainter, symbol: str, s: float) -> None:
    def p(x: float, y: float) -> QPointF:
        return QPointF(x * s, y * s)

    if symbol == "check":
        path = QPainterPath(p(0.28, 0.52))
        path.lineTo(p(0.44, 0.68))
        path.lineTo(p(0.73, 0.34))
        painter.drawPath(path)
    elif symbol == "cross":
        painter.drawLine(p(0.33, 0.33), p(0.67, 0.67))
        painter.drawLine(p(0.67, 0.33), p(0.33, 0.67))
    elif symbol == "bang":
        painter.drawLine(p(0.5, 0.27), p(0.5, 0.56))
        painter.drawPoint(p(0.5, 0.73))
    elif symbol == "lock":
        pen = painter.pen()
        pen.setWidthF(s * 0.07)
        painter.setPen(pen)
        painter.drawArc(QRectF(p(0.36, 0.24), p(0.64, 0.54)), 0, 180 * 16)
        painter.drawLine(p(0.36, 0.39), p(0.36, 0.47))
        painter.drawLine(p(0.64, 0.39), p(0.64, 0.47))
        painter.setBrush(QColor("white"))
        painter.drawRoundedRect(QRectF(p(0.3, 0.47), p(0.7, 0.74)), s * 0.03, s * 0.03)
    elif symbol == "dots":
        for x in (0.32, 0.5, 0.68):
            painter.drawPoint(p(x, 0.5))
    elif symbol == "stop":
        pen = painter.pen()
        pen.setWidthF(s * 0.08)
        painter.setPen(pen)
        painter.drawRect(QRectF(p(0.36, 0.36), p(0.64, 0.64)))
    else:  # "card": a card going into a slot
        pen = painter.pen()
        pen.setWidthF(s * 0.06)
        painter.setPen(pen)
        painter.drawRoundedRect(QRectF(p(0.3, 0.22), p(0.7, 0.62)), s * 0.04, s * 0.04)
        painter.drawLine(p(0.37, 0.32), p(0.5, 0.32))
        painter.drawLine(p(0.22, 0.76), p(0.78, 0.76))


class VerdictPanel(QFrame):
    """Badge + the large verdict word (the ``verdict`` label) + one sentence.

    Sizes follow the person's font: the word is ``word_scale`` times the base font,
    the badge ``badge_scale`` text lines high."""

    def __init__(
        self, word_scale: float, badge_scale: float, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("verdictPanel")
        line = QFontMetricsF(base_font()).height()
        self.badge = VerdictBadge(round(line * badge_scale), self)
        self.verdict = QLabel(self)
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        # Flags first: setTextInteractionFlags resets the focus policy.
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.verdict.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.sentence = QLabel(self)
        self.sentence.setObjectName("verdictSentence")
        self.sentence.setWordWrap(True)
        self._word_pt = base_points() * word_scale
        self.tone: Tone = "info"
        words = QVBoxLayout()
        words.setSpacing(4)
        words.addStretch(1)  # word and sentence stay together, centred
        words.addWidget(self.verdict)
        words.addWidget(self.sentence)
        words.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 12, 16, 12)
        row.setSpacing(16)
        row.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addLayout(words, 1)
        self.set_look("info")
        self._apply_fonts()

    def set_word_size(self, points: float) -> None:
        """The verdict word's size in points (the sentence gets a third, at least the
        base font's size)."""
        self._word_pt = max(points, base_points())
        self._apply_fonts()

    def _apply_fonts(self) -> None:
        word = QFont(self.verdict.font())
        word.setPointSizeF(self._word_pt)
        word.setBold(True)
        self.verdict.setFont(word)
        sentence = QFont(self.sentence.font())
        sentence.setPointSizeF(max(base_points() * 1.1, self._word_pt / 3))
        self.sentence.setFont(sentence)

    def set_look(self, tone: Tone, symbol: str | None = None) -> None:
        self.tone = tone
        self.badge.set_look(tone, symbol)
        look = LOOKS[self.tone]
        self.setStyleSheet(
            f"#verdictPanel {{ background: {look.paper}; border: 3px solid {look.accent};"
            f" border-radius: 12px; }}"
            f"#verdictPanel QLabel {{ color: {look.ink}; background: transparent; }}"
        )

    def show_words(
        self, word: str, sentence: str, spoken: str, politeness: Politeness | None = None
    ) -> bool:
        """New words; True if they changed. A screen reader hears ``spoken`` once:
        as the focused verdict's new name, else as an announcement of ``politeness``
        ("assertive" for a verdict, "polite" for waiting; None: said by a focus move
        the caller makes)."""
        changed = self.verdict.accessibleName() != spoken
        self.verdict.setText(word)
        self.sentence.setText(sentence)
        self.sentence.setVisible(bool(sentence))
        self.verdict.setAccessibleName(spoken)
        if changed and politeness is not None and not self.verdict.hasFocus():
            announce(self.verdict, spoken, politeness)
        return changed


Politeness = Literal["assertive", "polite"]


def announce(widget: QWidget, message: str, politeness: Politeness) -> None:
    """Have screen readers say ``message`` now (AT-SPI ``object:announcement``, UI
    Automation's notification event; Qt 6.8+): for what appears where the focus is not."""
    if not QAccessible.isActive():
        return
    event = QAccessibleAnnouncementEvent(widget, message)
    event.setPoliteness(
        QAccessible.AnnouncementPoliteness.Assertive
        if politeness == "assertive"
        else QAccessible.AnnouncementPoliteness.Polite
    )
    QAccessible.updateAccessibility(event)


def base_font() -> QFont:
    """The person's font (system size and scaling), in the window's family."""
    font = QFont(QApplication.font())
    font.setFamilies(UI_FAMILIES + [f for f in font.families() if f not in UI_FAMILIES])
    return font


def base_points() -> float:
    size = QApplication.font().pointSizeF()
    return size if size > 0 else 10.0


def use_ui_font(window: QWidget) -> None:
    """The window's family at the system's size (children inherit it)."""
    window.setFont(base_font())


def scale_font(widget: QWidget, factor: float, bold: bool = False) -> None:
    """``widget``'s font ``factor`` times the base size: follows the system's setting."""
    font = QFont(base_font())
    font.setPointSizeF(base_points() * factor)
    font.setBold(bold)
    widget.setFont(font)


def fit_to_screen(window: QWidget, wanted: QSize) -> None:
    """``wanted`` (in base-font units at 10 pt), scaled with the font, but never more
    than the screen's available area."""
    scale = max(1.0, QFontMetricsF(base_font()).height() / 16.0)
    size = QSize(round(wanted.width() * scale), round(wanted.height() * scale))
    screen = window.screen() or QApplication.primaryScreen()
    if screen is not None:
        room = screen.availableGeometry().size()
        size = size.boundedTo(QSize(room.width() - 16, room.height() - 48))
    window.resize(size)


class _FirstPaint(QObject):
    """Watches one window for its first paint; then, on the event loop's next turn
    (its children painted too, the frame on screen), calls each waiting function once.
    A window shown minimized is not painted until restored: it goes on at once."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._then: list[Callable[[], object]] = []
        self._done = False
        window.installEventFilter(self)
        if window.isMinimized():
            QTimer.singleShot(0, self, self._go)

    def add(self, then: Callable[[], object]) -> None:
        if self._done:
            QTimer.singleShot(0, self, then)
        else:
            self._then.append(then)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._done and watched is self._window:
            kind = event.type()
            if kind == QEvent.Type.Paint or (
                kind == QEvent.Type.WindowStateChange and self._window.isMinimized()
            ):
                QTimer.singleShot(0, self, self._go)
        return False

    def _go(self) -> None:
        if self._done:
            return
        self._done = True
        self._window.removeEventFilter(self)
        waiting, self._then = self._then, []
        for then in waiting:
            then()


def after_first_paint(window: QWidget, then: Callable[[], object]) -> None:
    """Call ``then`` once the shown ``window`` is on screen: on the event loop's turn
    after its first paint (at once if it is minimized, or already painted). What the
    first sight of the window does not need (the card loop, a menu action) waits for
    this: the words come up first. Functions run in the order given; none runs if the
    window is deleted first."""
    watcher = window.findChild(_FirstPaint, "", Qt.FindChildOption.FindDirectChildrenOnly)
    if watcher is None:
        watcher = _FirstPaint(window)
    watcher.add(then)


def tab_order(chain: list[QWidget]) -> None:
    """Tab goes through ``chain`` in this order (the screen's: top to bottom, left to right)."""
    for first, second in pairwise(chain):
        QWidget.setTabOrder(first, second)


def describe_widget(widget: QWidget, name: str, description: str) -> None:
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)


_QT_TRANSLATOR: list[QTranslator] = []


def use_qt_language(lang: Lang) -> None:
    """Qt's own words (a text field's context menu, ...) in ``lang`` too."""
    app = QCoreApplication.instance()
    if app is None:
        return
    for old in _QT_TRANSLATOR:
        app.removeTranslator(old)
    _QT_TRANSLATOR.clear()
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{lang}", folder):
        app.installTranslator(translator)
        _QT_TRANSLATOR.append(translator)


def make_lang_picker(parent: QWidget, lang: Lang) -> QComboBox:
    picker = QComboBox(parent)
    picker.setObjectName("langPicker")
    picker.addItem("日本語", "ja")
    picker.addItem("English", "en")
    picker.setCurrentIndex(0 if lang == "ja" else 1)
    return picker


def name_lang_picker(picker: QComboBox, lang: Lang) -> None:
    describe_widget(picker, text(GUI, "lang.name", lang), text(GUI, "lang.description", lang))


def rows_html(
    rows: tuple[Row, ...],
    notes: tuple[str, ...],
    next_label: str,
    next_step: str | None,
    notes_label: str,
) -> str:
    """The details as a two-column table, then notes, then what to do next."""
    cells = []
    for row in rows:
        mark = ' style="color:#8a4b00; font-weight:bold"' if row.attention else ""
        cells.append(
            f"<tr><td style='padding:2px 14px 2px 0; color:#444'>{html.escape(row.label)}</td>"
            f"<td{mark}>{html.escape(row.value)}</td></tr>"
        )
    parts = [f"<table cellspacing='0'>{''.join(cells)}</table>"] if cells else []
    if next_step:
        parts.append(
            f"<p style='margin-top:10px'><b>{html.escape(next_label)}</b><br>"
            f"{html.escape(next_step)}</p>"
        )
    if notes:
        items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
        parts.append(
            f"<p style='margin-top:8px; color:#444'>{html.escape(notes_label)}</p>"
            f"<ul style='margin-top:0; color:#444'>{items}</ul>"
        )
    return "".join(parts)


def rows_plain(
    rows: tuple[Row, ...],
    notes: tuple[str, ...],
    next_label: str,
    next_step: str | None,
    notes_label: str,
) -> str:
    """The same, as plain text (what a screen reader is given as the name)."""
    lines = [f"{row.label}: {row.value}" for row in rows]
    if next_step:
        lines.append(f"{next_label}: {next_step}")
    if notes:
        lines.append(f"{notes_label}: " + " ".join(notes))
    return "\n".join(lines)
