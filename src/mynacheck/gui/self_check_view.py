"""The self-check window's widgets: built, laid out in reading order, and named.

Names (object names, accessible names and descriptions) are the automation and
accessibility contract; :mod:`.self_check` decides what they show.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mynacheck.present.gui_messages import GUI
from mynacheck.present.messages import Lang, text

from .pin_field import PinField, install_accessibility
from .widgets import (
    VerdictPanel,
    describe_widget,
    fit_to_screen,
    make_lang_picker,
    name_lang_picker,
    scale_font,
    tab_order,
    use_ui_font,
)


class SelfCheckView(QWidget):
    """The widgets, with nothing behind them yet."""

    def __init__(self, lang: Lang) -> None:
        super().__init__()
        self._lang: Lang = lang
        self._build()

    def _build(self) -> None:
        """The widgets, made in reading order (the order assistive technology lists
        them in), then laid out and chained for Tab in that order."""
        self.setObjectName("selfCheckWindow")
        use_ui_font(self)  # the system's size: no fixed point sizes anywhere
        self._make_top_bar()
        self._make_question()
        self._make_pin_entry()
        self._make_details_and_buttons()
        self._lay_out()
        # Tab order = the screen's order, top to bottom, left to right.
        chain = [
            self.langPicker,
            self.readerPicker,
            self.verdict,
            self.pinField,
            self.pinSubmit,
            self.cancel,
            self.checkAnother,
            self.details,
        ]
        tab_order(chain)
        fit_to_screen(self, QSize(760, 640))

    def _make_top_bar(self) -> None:
        """The heading, the language picker, and the reader's name (a picker when several)."""
        self.heading = QLabel(self)
        scale_font(self.heading, 1.35, bold=True)
        self.langLabel = QLabel(self)
        self.langPicker = make_lang_picker(self, self._lang)
        self.langLabel.setBuddy(self.langPicker)
        self.readerLabel = QLabel(self)
        self.readerLabel.setObjectName("readerLabel")
        self.readerLabel.setWordWrap(True)
        self.readerPicker = QComboBox(self)
        self.readerPicker.setObjectName("readerPicker")
        self.readerPicker.setVisible(False)
        self.readerPicker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.readerPicker.setMinimumContentsLength(12)
        self.readerLabel.setBuddy(self.readerPicker)

    def _make_question(self) -> None:
        """The verdict panel, what to do next, and the PIN tries left."""
        self.panel = VerdictPanel(2.3, 5.5, self)
        self.verdict = self.panel.verdict
        self.instructions = QLabel(self)
        self.instructions.setObjectName("instructions")
        self.instructions.setWordWrap(True)
        self.triesLeft = QLabel(self)
        self.triesLeft.setObjectName("triesLeft")
        self.triesLeft.setWordWrap(True)
        scale_font(self.triesLeft, 1.15, bold=True)

    def _make_pin_entry(self) -> None:
        """The PIN field (a zeroed bytearray, bullets for AT), its button and its hint."""
        self.pinLabel = QLabel(self)
        install_accessibility()
        self.pinField = PinField(self)
        self.pinField.setObjectName("pinField")
        scale_font(self.pinField, 1.4)
        self.pinSubmit = QPushButton(self)
        self.pinSubmit.setObjectName("pinSubmit")
        self.pinSubmit.setEnabled(False)
        self.pinLabel.setBuddy(self.pinField)
        self.pinHint = QLabel(self)
        self.pinHint.setObjectName("pinHint")
        self.pinHint.setWordWrap(True)
        self.pinHint.setStyleSheet("color: #8a4b00;")

    def _make_details_and_buttons(self) -> None:
        """The details (selectable by keyboard), Cancel and Check another card."""
        self.details = QLabel()
        self.details.setObjectName("details")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.details.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.cancel = QPushButton(self)
        self.cancel.setObjectName("cancel")
        self.checkAnother = QPushButton(self)
        self.checkAnother.setObjectName("checkAnother")
        for button in (self.pinSubmit, self.cancel, self.checkAnother):
            button.setAutoDefault(False)

    def _lay_out(self) -> None:
        """The top bar and the reader fixed; below them everything in a scrolling body."""
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.langLabel)
        top.addWidget(self.langPicker)
        readers = QHBoxLayout()
        readers.addWidget(self.readerLabel, 1)
        readers.addWidget(self.readerPicker, 1)
        # Below the top bar everything scrolls when the window is short (a small
        # screen, 200 %, the largest text): nothing is cut off, Tab scrolls to what
        # it reaches, and the width never needs more than the screen (words wrap).
        body = self._body()
        self.bodyArea = QScrollArea(self)
        self.bodyArea.setObjectName("bodyArea")
        self.bodyArea.setWidget(body)
        self.bodyArea.setWidgetResizable(True)
        self.bodyArea.setFrameShape(QFrame.Shape.NoFrame)
        self.bodyArea.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.bodyArea.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addLayout(readers)
        layout.addWidget(self.bodyArea, 1)

    def _body(self) -> QWidget:
        """The scrolling part: verdict, instructions, tries, PIN row, buttons, details."""
        self.pinRow = QWidget(self)
        # Hidden until the PIN is asked (the window's _draw): not even measured before.
        self.pinRow.setVisible(False)
        pin = QHBoxLayout(self.pinRow)
        pin.setContentsMargins(0, 0, 0, 0)
        pin.addWidget(self.pinLabel)
        pin.addWidget(self.pinField)
        pin.addWidget(self.pinSubmit)
        pin.addStretch(1)
        # The buttons come right after the question, above the details: on a short
        # screen (200 %) they stay visible, and Tab reaches them before the details.
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.checkAnother)
        buttons.addStretch(1)
        body = QWidget()
        body.setObjectName("body")
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        column.addWidget(self.panel)
        column.addWidget(self.instructions)
        column.addWidget(self.triesLeft)
        column.addWidget(self.pinRow)
        column.addWidget(self.pinHint)
        column.addLayout(buttons)
        column.addWidget(self.details)
        column.addStretch(1)
        return body

    def _set_instructions(self, words: str) -> None:
        self.instructions.setText(words)
        self.instructions.setAccessibleName(words)

    def _set_details(self, rich: str, plain: str) -> None:
        self.details.setText(rich)
        self.details.setVisible(bool(rich))
        self.details.setAccessibleName(plain or text(GUI, "details.empty", self._lang))

    def _name_controls(self) -> None:
        lang = self._lang
        self.setWindowTitle(text(GUI, "title.self_check", lang))
        self.heading.setText(text(GUI, "heading.self_check", lang))
        self.langLabel.setText(text(GUI, "lang.label", lang))
        name_lang_picker(self.langPicker, lang)
        if self.readerPicker.count():
            self.readerPicker.setItemText(0, text(GUI, "reader.any", lang))
        self.pinLabel.setText(text(GUI, "pin.label", lang))
        self.pinField.setPlaceholderText(text(GUI, "pin.placeholder", lang))
        self.pinSubmit.setText(text(GUI, "submit.text", lang))
        self.cancel.setText(text(GUI, "cancel.text", lang))
        self.checkAnother.setText(text(GUI, "again.text", lang))
        for widget, key in (
            (self.readerPicker, "reader"),
            (self.pinField, "pin"),
            (self.pinSubmit, "submit"),
            (self.cancel, "cancel"),
            (self.checkAnother, "again"),
            (self.verdict, "verdict"),
            (self.details, "details"),
            (self.instructions, "instructions"),
            (self.triesLeft, "tries"),
        ):
            describe_widget(
                widget, text(GUI, f"{key}.name", lang), text(GUI, f"{key}.description", lang)
            )
        self.readerLabel.setAccessibleDescription(text(GUI, "reader.description", lang))
        self.langLabel.setAccessibleDescription(text(GUI, "lang.description", lang))
        self.heading.setAccessibleDescription(text(GUI, "heading.description", lang))
