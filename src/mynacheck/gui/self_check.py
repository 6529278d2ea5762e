"""The self-check window: insert the card, read the verdict, type the PIN when asked.

Every decision is the library's: a worker thread (:mod:`.worker`) runs the API
and this window draws what it hands over. What is on screen is one *scene*
(waiting, reading, asking, a problem, a finished report) redrawn in the chosen
language; pulling the card out replaces it with the waiting scene, so nothing
of the last holder stays visible.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent

from mynacheck.present.gui_messages import GUI
from mynacheck.present.messages import LABELS, Lang, checked_lang, detect_language, text

from .describe import describe, next_step, tries_text
from .pin_source import TIMEOUT
from .self_check_view import SelfCheckView
from .widgets import (
    Politeness,
    after_first_paint,
    describe_widget,
    rows_html,
    rows_plain,
    use_qt_language,
)
from .worker import SelfCheckSignals, SelfCheckWorker

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from mynacheck import AnchorLike, CheckReport, SimulatedReader, TallyLike

# Scenes that are not a report: (verdict word key, instruction key, tone, badge symbol).
_SCENES: dict[str, tuple[str, str, str, str]] = {
    "waiting": ("state.waiting", "do.waiting", "info", "card"),
    "removed": ("state.waiting", "do.removed", "info", "card"),
    "reading": ("state.reading", "do.reading", "info", "dots"),
    "pin": ("state.pin", "do.pin", "info", "lock"),
    "confirm": ("state.last_try", "do.last_try", "warn", "bang"),
    "checking": ("state.checking", "do.checking", "info", "dots"),
    "cancelled": ("state.cancelled", "do.cancelled", "info", "stop"),
    "timeout": ("state.timeout", "do.timeout", "info", "stop"),
    "no_reader": ("state.no_reader", "do.no_reader", "warn", "bang"),
    "pcsc_unavailable": ("state.pcsc_unavailable", "do.pcsc_unavailable", "warn", "bang"),
    "several_cards": ("state.several_cards", "do.several_cards", "warn", "bang"),
    "no_such_reader": ("state.no_such_reader", "do.no_such_reader", "warn", "bang"),
}
_BUSY = ("reading", "pin", "confirm", "checking")
# How a screen reader hears a scene that takes no focus: waiting politely, a problem
# at once. A result, the PIN question and "checking" are said by a focus move.
_POLITENESS: dict[str, Politeness] = {
    "waiting": "polite",
    "removed": "polite",
    "cancelled": "polite",
    "timeout": "assertive",
    "no_reader": "assertive",
    "pcsc_unavailable": "assertive",
    "several_cards": "assertive",
    "no_such_reader": "assertive",
}
_ENDED = ("cancelled", "timeout", "result")


class SelfCheckWindow(SelfCheckView):
    """Check one's own card: the verdict, then (for a valid certificate) the PIN.

    ``simulate``: a scenario name (a simulated card that stays in) or a
    :class:`mynacheck.SimulatedReader`. ``tally``: as from ``mynacheck.open_tally``;
    each check that says something about the certificate is appended (not closed here).
    Checking starts when the window is first shown, once it is painted.
    """

    statusChanged = Signal(str)

    def __init__(
        self,
        reader: int | str | None = None,
        lang: str | None = None,
        trust_anchors: Iterable[AnchorLike] = (),
        simulate: str | SimulatedReader | None = None,
        at: datetime | date | None = None,
        pin_timeout_s: float = 60.0,
        tally: TallyLike | None = None,
    ) -> None:
        super().__init__(checked_lang(lang) if lang else detect_language())
        if isinstance(simulate, str):
            from mynacheck import SimulatedReader

            name, simulate = simulate, SimulatedReader()
            simulate.insert(name)
        self._status = ""
        self._scene: str = "waiting"
        self._report: CheckReport | None = None
        self._tries: int | None = None
        self._request = 0
        self._problem_info: dict[str, Any] = {}
        self._pin_timeout_s = pin_timeout_s
        self._selector = reader
        self._reader_names: list[str] = [simulate.name] if simulate is not None else []
        self._simulated_name = simulate.name if simulate is not None else None
        self._card_reader: str | None = None
        self._box: QMessageBox | None = None
        self._signals = SelfCheckSignals(self)
        self._worker = SelfCheckWorker(
            self._signals,
            reader=reader,
            simulate=simulate,
            trust_anchors=trust_anchors,
            at=at,
            pin_timeout_s=pin_timeout_s,
            tally=tally,
        )
        self._connect_signals()
        use_qt_language(self._lang)
        self._name_controls()
        self._draw()

    # -- the automation contract ----------------------------------------------------------

    def _get_status(self) -> str:
        return self._status

    #: The status name as in the CLI once a check has ended; "" otherwise.
    mynacheckStatus = Property(str, _get_status, notify=statusChanged)

    @property
    def lang(self) -> Lang:
        return self._lang

    #: The scenes that are not a report, by name: what :meth:`show_scene` takes.
    SCENES: tuple[str, ...] = tuple(_SCENES)

    @property
    def scene(self) -> str:
        """What the window shows: a name in :attr:`SCENES`, or ``"result"``."""
        return self._scene

    def show_scene(self, scene: str, **info: str) -> None:
        """Show ``scene`` (a name in :attr:`SCENES`; ``info`` fills its instructions, e.g.
        ``selector``, the reader asked for) until the card's next event: for screenshots,
        documentation and tests."""
        if scene not in _SCENES:
            raise ValueError(f"not a scene of the self-check window: {scene!r}")
        self._problem_info = dict(info)
        self._set_scene(scene)

    # -- building -------------------------------------------------------------------------

    def _connect_signals(self) -> None:
        s = self._signals
        s.readers.connect(self._on_readers)
        s.problem.connect(self._on_problem)
        s.waiting.connect(self._on_waiting)
        s.reading.connect(lambda reader: self._set_scene("reading", reader=reader))
        s.pinWanted.connect(self._on_pin_wanted)
        s.confirmWanted.connect(self._on_confirm_wanted)
        s.result.connect(self._on_result)
        s.cancelled.connect(self._on_cancelled)
        s.removed.connect(lambda: self._set_scene("removed"))
        self.langPicker.currentIndexChanged.connect(self._on_lang)
        self.readerPicker.activated.connect(self._on_reader_chosen)
        self.pinField.edited.connect(self._on_pin_edited)
        self.pinField.returnPressed.connect(self._submit_pin)
        self.pinSubmit.clicked.connect(self._submit_pin)
        self.cancel.clicked.connect(self._on_cancel)
        self.checkAnother.clicked.connect(self._on_check_again)

    # -- what the worker says ---------------------------------------------------------------

    def _on_readers(self, names: list[str], chosen: str | None) -> None:
        self._reader_names = list(names)
        picker = self.readerPicker
        picker.blockSignals(True)
        picker.clear()
        picker.addItem(text(GUI, "reader.any", self._lang), None)
        for name in names:
            picker.addItem(name, name)
        # The loop's choice (card/pcsc/readers.py:matching_readers): 0 is "any reader".
        picker.setCurrentIndex(names.index(chosen) + 1 if chosen in names else 0)
        picker.blockSignals(False)
        picker.setVisible(len(names) >= 2)
        self._draw_reader()

    def _on_waiting(self, _selector: str) -> None:
        if self._scene != "removed":  # "the card was taken out" says waiting too
            self._set_scene("waiting")

    def _on_problem(self, key: str, info: dict[str, Any]) -> None:
        self._problem_info = dict(info)
        self._set_scene(key)

    def _on_pin_wanted(self, request: int, tries: int | None) -> None:
        self._request, self._tries = request, tries
        self.pinField.clear()
        self._set_scene("pin")
        self.pinField.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_confirm_wanted(self, request: int) -> None:
        from PySide6.QtWidgets import QMessageBox

        self._request, self._tries = request, 1
        self._set_scene("confirm")
        box = QMessageBox(self)
        box.setObjectName("lastTryConfirm")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setEscapeButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda _code, b=box, r=request: self._on_confirm_answer(b, r))
        self._box = box
        self._name_box()
        box.open()

    def _on_confirm_answer(self, box: QMessageBox, request: int) -> None:
        from PySide6.QtWidgets import QMessageBox

        yes = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        self._close_box()
        if request == self._request and self._scene == "confirm":
            self._worker.pin_source.answer(request, yes)

    def _on_result(self, report: CheckReport) -> None:
        self._report = report
        self._set_scene("result", status=report.status.value)
        # The verdict takes the focus, so a screen reader says it (once: as the
        # focused label's new name if it had the focus already); Tab: Check again.
        self.verdict.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- what the person does ------------------------------------------------------------------

    def _on_pin_edited(self, count: int) -> None:
        self._worker.pin_source.touch(self._request)
        problem = self.pinField.problem()
        self.pinSubmit.setEnabled(problem is None)
        shown = problem is not None and count >= 4
        self.pinHint.setText(text(GUI, "pin.shape", self._lang) if shown else "")
        self.pinHint.setVisible(shown)

    def _submit_pin(self) -> None:
        """Enter or the button: only a well-formed PIN ever leaves the field."""
        if self._scene != "pin" or self.pinField.problem() is not None:
            return
        pin = self.pinField.take()  # a new bytearray; the field's own is zeroed
        request, self._request = self._request, 0
        self._set_scene("checking")
        # Not through Cancel and the language picker as the field goes: to the verdict.
        self.verdict.setFocus(Qt.FocusReason.OtherFocusReason)
        self._worker.pin_source.submit(request, pin)  # the source owns it now; zeroed after use
        del pin

    def _on_cancelled(self, why: str) -> None:
        self._set_scene("timeout" if why == TIMEOUT else "cancelled")
        self.checkAnother.setFocus(Qt.FocusReason.OtherFocusReason)  # what comes next

    def _on_cancel(self) -> None:
        if self._scene in _BUSY:
            self.pinField.clear()
            self._close_box()
            self._worker.cancel()

    def _on_check_again(self) -> None:
        if self._scene in _ENDED:
            self._set_scene("reading")
            self._worker.check_again()

    def _on_reader_chosen(self, index: int) -> None:
        data = self.readerPicker.itemData(index)
        self._selector = data
        self._worker.choose_reader(data)
        self._draw_reader()

    def _on_lang(self, index: int) -> None:
        self._lang = checked_lang(self.langPicker.itemData(index))
        use_qt_language(self._lang)
        self._name_controls()
        self._name_box()
        self._draw()

    # -- drawing ------------------------------------------------------------------------------

    def _set_scene(self, scene: str, *, status: str = "", reader: str | None = None) -> None:
        if scene != "result":
            self._report = None
        if reader is not None:
            self._card_reader = reader
        elif scene in ("waiting", "removed") or (scene in _SCENES and scene.startswith("no_")):
            self._card_reader = None
        if scene != "confirm":
            self._close_box()
        self._scene = scene
        self._draw()
        if status != self._status:
            self._status = status
            self.statusChanged.emit(status)

    def _draw(self) -> None:
        lang, scene = self._lang, self._scene
        asking = scene == "pin"
        self.pinRow.setVisible(asking)
        self.pinField.setEnabled(asking)
        if not asking:  # nothing typed outlives the question
            self.pinField.clear()
            self.pinHint.setVisible(False)
            self.pinSubmit.setEnabled(False)
        self.triesLeft.setVisible(scene in ("pin", "confirm"))
        self.triesLeft.setText(tries_text(self._tries, lang))
        self.triesLeft.setAccessibleName(self.triesLeft.text())
        self.cancel.setEnabled(scene in _BUSY)
        self.checkAnother.setEnabled(scene in _ENDED)
        if scene == "result" and self._report is not None:
            self._draw_report(self._report)
        else:
            word, todo, tone, symbol = _SCENES[scene]
            seconds = f"{self._pin_timeout_s:g}"
            info = {"seconds": seconds, "selector": "", **self._problem_info}
            instructions = text(GUI, todo, lang, **info)
            self.panel.set_look(tone, symbol)  # type: ignore[arg-type]
            word_text = text(GUI, word, lang)
            self.panel.show_words(
                word_text, "", f"{word_text}. {instructions}", _POLITENESS.get(scene)
            )
            self._set_instructions(instructions)
            self._set_details("", "")
        self._draw_reader()
        self.pinField.setAccessibleDescription(
            f"{text(GUI, 'pin.description', lang)} {self.triesLeft.text()}"
        )

    def _draw_report(self, report: CheckReport) -> None:
        lang = self._lang
        verdict = describe(report, lang)
        self.panel.set_look(verdict.tone)
        sentence = verdict.sentence
        if verdict.simulated:
            sentence = f"{text(LABELS, 'simulated', lang)} {sentence}"
        self.panel.show_words(verdict.word, sentence, verdict.spoken())
        self._set_instructions(text(GUI, "do.result", lang))
        args = (
            verdict.rows,
            verdict.notes,
            text(LABELS, "next", lang),
            next_step(report, lang),
            text(LABELS, "notes", lang),
        )
        self._set_details(rows_html(*args), rows_plain(*args))

    def _draw_reader(self) -> None:
        names, selector = self._reader_names, self._selector
        if self._card_reader is not None:
            name = self._card_reader
        elif selector is not None and self.readerPicker.currentData() is not None:
            name = str(self.readerPicker.currentData())
        elif len(names) == 1:
            name = names[0]
        elif names:
            name = text(GUI, "reader.any", self._lang)
        else:
            name = text(GUI, "reader.none", self._lang)
        if name.startswith("simulated: ") or name == self._simulated_name:
            name = text(GUI, "reader.simulated", self._lang)  # not the scenario's code
        self.readerLabel.setText(f"{text(GUI, 'reader.label', self._lang)}: {name}")
        self.readerLabel.setAccessibleName(self.readerLabel.text())

    def _name_box(self) -> None:
        box, lang = self._box, self._lang
        if box is None:
            return
        from PySide6.QtWidgets import QMessageBox

        box.setWindowTitle(text(GUI, "confirm.title", lang))
        box.setText(text(GUI, "confirm.text", lang))
        box.setInformativeText(text(GUI, "confirm.question", lang))
        for button, key in (
            (QMessageBox.StandardButton.Yes, "yes"),
            (QMessageBox.StandardButton.No, "no"),
        ):
            box.button(button).setText(text(GUI, f"confirm.{key}", lang))
            describe_widget(
                box.button(button),
                text(GUI, f"confirm.{key}", lang),
                text(GUI, f"confirm.{key}.description", lang),
            )
        describe_widget(box, text(GUI, "confirm.name", lang), text(GUI, "confirm.text", lang))

    def _close_box(self) -> None:
        box, self._box = self._box, None
        if box is not None:
            from PySide6.QtWidgets import QMessageBox

            box.blockSignals(True)
            box.done(QMessageBox.StandardButton.No)
            box.deleteLater()

    # -- closing --------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The card loop (the API, the card layer) once the words are on screen.
        after_first_paint(self, self._worker.start)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing mid-check gives up the PIN question and unpowers the card first."""
        self.pinField.clear()
        self._close_box()
        self._worker.close()
        super().closeEvent(event)
