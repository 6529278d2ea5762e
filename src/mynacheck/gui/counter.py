"""The counter window: card after card without a PIN, the verdict filling the window.

``mynacheck.CounterLoop`` runs on a thread and hands each event over through a
Qt signal; the window draws it. Only the verdict, the expiry date and the
renewal hint are shown: never a serial or anything personal. Pulling the card
out clears the verdict. Space starts and stops (a summary when stopped), F11
toggles full screen; the tally, if given, is the same one ``watch --log`` writes.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Property, QObject, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

import mynacheck
from mynacheck.present.gui_messages import GUI
from mynacheck.present.messages import LABELS, WATCH, Lang, checked_lang, detect_language, text
from mynacheck.present.watchview import verdict_lines, verdict_word

from . import HOLD_SECONDS
from .describe import tone
from .widgets import (
    Politeness,
    VerdictPanel,
    after_first_paint,
    describe_widget,
    fit_to_screen,
    make_lang_picker,
    name_lang_picker,
    scale_font,
    tab_order,
    use_qt_language,
    use_ui_font,
)

if TYPE_CHECKING:
    from mynacheck import CounterEvent, CounterLoop, SessionCounts, SimulatedReader

_PROBLEM_WORDS = {
    "no_reader": ("state.no_reader", "do.no_reader"),
    "pcsc_unavailable": ("state.pcsc_unavailable", "do.pcsc_unavailable"),
    "several_cards": ("state.several_cards", "do.several_cards"),
    "no_such_reader": ("state.no_such_reader", "do.no_such_reader"),
}


class _LoopSignals(QObject):
    happened = Signal(object)  # CounterEvent (not 'event': QObject.event is the event handler)
    finished = Signal(object, object)  # the loop's stop event; SessionCounts or InputError


class CounterWindow(QWidget):
    """Counter mode. ``simulate``: scenario names checked in turn, or a
    :class:`mynacheck.SimulatedReader`; ``tally``: as from ``mynacheck.open_tally``
    (appended to, not closed here). Starts checking when first shown: the card loop
    runs once the window is painted."""

    statusChanged = Signal(str)

    def __init__(
        self,
        reader: int | str | None = None,
        lang: str | None = None,
        trust_anchors: Iterable[mynacheck.AnchorLike] = (),
        tally: mynacheck.TallyLike | None = None,
        simulate: Sequence[str] | SimulatedReader = (),
        hold_s: float = HOLD_SECONDS,
    ) -> None:
        super().__init__()
        self._lang: Lang = checked_lang(lang) if lang else detect_language()
        # Scenario names are cards a trainer puts on a simulated reader one by one:
        # each stays ``hold_s`` seconds, so every verdict is seen (and painted).
        self._scenarios: list[str] = []
        self._simulated: SimulatedReader | None = None
        if simulate:  # the API only when asked for: the real reader's loop loads it later
            from mynacheck import SimulatedReader

            if isinstance(simulate, SimulatedReader):
                self._simulated = simulate
            else:
                self._scenarios = SimulatedReader.check_scenarios(simulate)
                self._simulated = SimulatedReader()
        self._hold_s = hold_s
        self._reader = reader
        self._trust_anchors = trust_anchors
        self._tally = tally
        self._loop: CounterLoop | None = None  # made when the first session starts
        self._status = ""
        #: This session's counts; None until its loop runs (none counted: zero).
        self._counts: SessionCounts | None = None
        self._scene: tuple[str, Any] = ("stopped", None)
        self._note = ""
        self._stop: threading.Event | None = None
        self._threads: list[threading.Thread] = []
        self._started_once = False
        self._signals = _LoopSignals(self)
        self._signals.happened.connect(self._on_event)
        self._signals.finished.connect(self._on_finished)
        self._build()
        # A server tally: where its delivery stands, under the verdict (gui/delivery.py).
        from .delivery import delivery_label

        self.deliveryState = delivery_label(tally, self._lang, self)
        if self.deliveryState is not None:
            self._bottom.insertWidget(1, self.deliveryState)
        use_qt_language(self._lang)
        self._name_controls()
        self._draw()

    def _get_status(self) -> str:
        return self._status

    #: The last card's status name while it is in the reader; "" otherwise.
    mynacheckStatus = Property(str, _get_status, notify=statusChanged)

    @property
    def running(self) -> bool:
        return self._stop is not None

    #: The scenes that are not a verdict, by name (a reader problem by its status name):
    #: what :meth:`show_scene` takes.
    SCENES: tuple[str, ...] = ("stopped", "waiting", "reading", *_PROBLEM_WORDS)

    @property
    def scene(self) -> str:
        """What the window shows: a name in :attr:`SCENES`, or ``"result"``."""
        scene, what = self._scene
        return str(what[0]) if scene == "problem" else scene

    def show_scene(self, scene: str, **info: str) -> None:
        """Show ``scene`` (a name in :attr:`SCENES`; ``info`` fills its words, e.g.
        ``selector``) until the loop's next event: for screenshots, documentation, tests."""
        if scene not in self.SCENES:
            raise ValueError(f"not a scene of the counter window: {scene!r}")
        if scene in _PROBLEM_WORDS:
            self._set_scene("problem", (scene, dict(info)))
        else:
            self._set_scene(scene)

    # -- building -------------------------------------------------------------------------

    def _build(self) -> None:
        self.setObjectName("counterWindow")
        use_ui_font(self)  # the system's size: no fixed point sizes anywhere
        self.heading = QLabel(self)
        scale_font(self.heading, 1.35, bold=True)
        self.langLabel = QLabel(self)
        self.langPicker = make_lang_picker(self, self._lang)
        self.langLabel.setBuddy(self.langPicker)
        self.sessionCount = QLabel(self)
        self.sessionCount.setObjectName("sessionCount")
        self.sessionCount.setWordWrap(True)  # a long shift wraps, never widens the window
        # Flags first: setTextInteractionFlags resets the focus policy.
        self.sessionCount.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.sessionCount.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        scale_font(self.sessionCount, 1.25)
        self.panel = VerdictPanel(4.0, 6.0, self)
        self.verdict = self.panel.verdict
        self.lines = QLabel()
        self.lines.setObjectName("lines")
        self.lines.setWordWrap(True)
        self.lines.setTextFormat(Qt.TextFormat.RichText)
        self.lines.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scale_font(self.lines, 1.6)
        self.linesArea = QScrollArea(self)
        self.linesArea.setObjectName("linesArea")
        self.linesArea.setWidget(self.lines)
        self.linesArea.setWidgetResizable(True)
        self.linesArea.setFrameShape(QFrame.Shape.NoFrame)
        self.linesArea.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.linesArea.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.keys = QLabel(self)
        self.keys.setWordWrap(True)
        self.keys.setStyleSheet("color: #555;")
        self.counterToggle = QPushButton(self)
        self.counterToggle.setObjectName("counterToggle")
        self.counterToggle.setAutoDefault(False)
        self.counterToggle.clicked.connect(self.toggle)
        self.langPicker.currentIndexChanged.connect(self._on_lang)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.langLabel)
        top.addWidget(self.langPicker)
        bottom = self._bottom = QHBoxLayout()
        bottom.addWidget(self.keys, 1)
        bottom.addWidget(self.counterToggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.sessionCount)
        layout.addWidget(self.panel, 3)
        layout.addWidget(self.linesArea, 2)
        layout.addLayout(bottom)
        chain = [self.langPicker, self.sessionCount, self.verdict, self.counterToggle]
        tab_order(chain)
        for keys, slot in (
            (Qt.Key.Key_Space, self.toggle),
            (Qt.Key.Key_F11, self.toggle_full_screen),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
        fit_to_screen(self, QSize(960, 640))

    def _name_controls(self) -> None:
        lang = self._lang
        self.setWindowTitle(text(GUI, "title.counter", lang))
        self.heading.setText(text(GUI, "heading.counter", lang))
        self.langLabel.setText(text(GUI, "lang.label", lang))
        self.langLabel.setAccessibleDescription(text(GUI, "lang.description", lang))
        self.keys.setText(text(GUI, "counter.keys", lang))
        name_lang_picker(self.langPicker, lang)
        self.counterToggle.setText(
            text(GUI, "counter.stop" if self.running else "counter.start", lang)
        )
        describe_widget(
            self.counterToggle,
            text(GUI, "counter.toggle.name", lang),
            text(GUI, "counter.toggle.description", lang),
        )
        self.sessionCount.setAccessibleDescription(text(GUI, "counter.count.description", lang))
        self.heading.setAccessibleDescription(text(GUI, "heading.description", lang))
        self.verdict.setAccessibleDescription(text(GUI, "verdict.description", lang))
        self.lines.setAccessibleDescription(text(GUI, "details.description", lang))

    # -- start and stop -------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._started_once:
            self._started_once = True
            self.start()

    def toggle(self) -> None:
        """Space or the button: start, or stop and show the summary."""
        if self.running:
            self.stop()
        else:
            self.start()

    def start(self) -> None:
        """A new session: "insert a card" at once; the card loop on the event loop's
        next turn (the first time, once the window is painted)."""
        if self.running:
            return
        self._counts = None
        self._note = ""
        stop = threading.Event()
        self._stop = stop
        after_first_paint(self, lambda: self._run_session(stop))
        self._name_controls()
        self._set_scene("waiting")

    def _run_session(self, stop: threading.Event) -> None:
        if stop.is_set():
            return  # stopped (or closed) before it ran
        from mynacheck import CounterLoop, SessionCounts

        if self._loop is None:
            self._loop = CounterLoop(
                self._reader,
                trust_anchors=self._trust_anchors,
                tally=self._tally,
                simulate=self._simulated if self._simulated is not None else (),
            )
        self._counts = SessionCounts()
        thread = threading.Thread(
            target=self._run, args=(self._loop, stop), name="mynacheck-counter", daemon=True
        )
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        if self._scenarios and self._simulated is not None:
            feeder = threading.Thread(
                target=self._feed,
                args=(stop, self._simulated, list(self._scenarios)),
                name="mynacheck-counter-cards",
                daemon=True,
            )
            self._threads.append(feeder)
            feeder.start()

    def stop(self) -> None:
        """End the session (the loop lets go of the card within a second) and sum it up."""
        if self._stop is not None:
            self._stop.set()
            self._stop = None
            self._note = ""
            self._name_controls()
            self._set_scene("stopped", "summary")

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def _run(self, loop: CounterLoop, stop: threading.Event) -> None:
        from mynacheck import InputError, MynacheckError  # loaded with the loop

        outcome: object
        try:
            outcome = loop.run(lambda event: self._emit(stop, event), stop)
        except InputError as error:
            outcome = error
        except MynacheckError as error:  # pragma: no cover - the loop turns these into events
            outcome = error
        try:
            self._signals.finished.emit(stop, outcome)
        except RuntimeError:  # the window is gone
            pass

    def _feed(self, stop: threading.Event, reader: SimulatedReader, names: list[str]) -> None:
        """The trainer's hand: each card in for ``hold_s`` seconds, out, the next; the
        session ends after the last (the summary)."""
        for name in names:
            if stop.wait(0.6):  # the window shows "waiting" between cards
                break
            reader.insert(name)
            stop.wait(self._hold_s)
            reader.remove()
        stop.wait(0.6)
        stop.set()

    def _emit(self, stop: threading.Event, event: CounterEvent) -> None:
        if stop.is_set():
            return  # a stopped session draws nothing more
        try:
            self._signals.happened.emit(event)
        except RuntimeError:
            stop.set()

    # -- events ---------------------------------------------------------------------------

    def _on_event(self, event: CounterEvent) -> None:
        if self._stop is None:
            return  # queued before the stop
        if event.kind == "result" and event.report is not None:
            if self._counts is not None:
                self._counts.add(event.report.status)
            self._set_scene("result", event.report)
        elif event.kind == "remove_card":
            self._note = text(WATCH, "remove", self._lang)
            self._draw()
        elif event.kind == "tally_problem":
            self._note = text(WATCH, "tally_failed", self._lang, reason=event.problem or "")
            self._draw()
        elif event.kind == "reader_problem":
            self._set_scene("problem", (event.problem, dict(event.info)))
        elif event.kind in ("waiting", "reading"):
            self._note = ""
            self._set_scene(event.kind)

    def _on_finished(self, stop: threading.Event, outcome: object) -> None:
        if stop is not self._stop:
            return  # a session stopped earlier: already summed up
        self._stop = None
        from mynacheck import InputError

        if isinstance(outcome, InputError):
            self._set_scene("problem", (outcome.key, dict(outcome.info)))
        else:
            self._set_scene("stopped", "summary")
        self._name_controls()

    def _set_scene(self, scene: str, what: Any = None) -> None:
        self._scene = (scene, what)
        self._draw()
        status = what.status.value if scene == "result" else ""
        if status != self._status:
            self._status = status
            self.statusChanged.emit(status)

    # -- drawing --------------------------------------------------------------------------

    def _draw(self) -> None:
        lang = self._lang
        scene, what = self._scene
        lines: list[str] = []
        politeness: Politeness | None = "assertive"  # a verdict, a problem: at once
        if scene == "result":
            report = what
            word = verdict_word(report.status.value, lang)
            lines = verdict_lines(report, lang)
            self.panel.set_look(tone(report.status))
            sentence = lines.pop(0) if lines else ""
            if report.simulated:
                sentence = f"{text(LABELS, 'simulated', lang)} {sentence}"
        elif scene == "problem":
            key, info = what
            word_key, todo = _PROBLEM_WORDS.get(key, ("state.no_reader", "do.no_reader"))
            word, sentence = text(GUI, word_key, lang), text(GUI, todo, lang, **info)
            self.panel.set_look("warn", "bang")
        elif scene == "reading":
            word, sentence = text(GUI, "state.reading", lang), text(GUI, "do.reading", lang)
            self.panel.set_look("info", "dots")
            politeness = None  # a moment later the verdict is said
        elif scene == "waiting":
            word, sentence = text(GUI, "counter.waiting", lang), text(GUI, "do.waiting", lang)
            self.panel.set_look("info", "card")
            politeness = "polite"  # nothing of the last holder: their card is gone
        else:
            politeness = "polite"
            word, sentence = (
                text(GUI, "state.stopped", lang),
                text(GUI, "counter.press_start", lang),
            )
            self.panel.set_look("info", "stop")
        spoken = f"{word}. {sentence} {' '.join(lines)}".strip()
        self.panel.show_words(word, sentence, spoken, politeness)
        body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
        renewal = text(WATCH, "renewal", lang)
        body = body.replace(
            f"<p>{html.escape(renewal)}</p>",
            f"<p style='color:#8a4b00'><b>{html.escape(renewal)}</b></p>",
        )
        summary = ""
        if scene == "stopped" and what == "summary":
            body += self._summary_html()
            summary = self._summary_plain()
        if self._note:
            body += f"<p style='color:#555'>{html.escape(self._note)}</p>"
        self.lines.setText(body)
        # Its name says what it shows (the summary too).
        self.lines.setAccessibleName(
            " ".join([*lines, summary, self._note]).strip() or text(GUI, "details.empty", lang)
        )
        self._draw_counts()

    def _counted(self) -> tuple[int, list[tuple[str, int]]]:
        """This session's checks: how many, and how many per status name."""
        counts = list(self._counts.items()) if self._counts is not None else []
        return sum(n for _, n in counts), counts

    def _draw_counts(self) -> None:
        lang = self._lang
        total, counts = self._counted()
        parts = [f"{verdict_word(status, lang)} {n}" for status, n in counts]
        words = text(GUI, "counter.count", lang, n=total)
        if parts:
            words += " (" + ("、" if lang == "ja" else ", ").join(parts) + ")"
        self.sessionCount.setText(words)
        self.sessionCount.setAccessibleName(words)

    def _summary_html(self) -> str:
        lang = self._lang
        total, counts = self._counted()
        heading = text(WATCH, "summary", lang, n=total)
        if not total:
            heading = text(WATCH, "summary.none", lang)
        rows = "".join(
            f"<tr><td style='padding-right:32px'>{html.escape(verdict_word(status, lang))}</td>"
            f"<td align='right'>{n}</td></tr>"
            for status, n in counts
        )
        return f"<p><b>{html.escape(heading)}</b></p><table>{rows}</table>"

    def _summary_plain(self) -> str:
        lang = self._lang
        total, counts = self._counted()
        if not total:
            return text(WATCH, "summary.none", lang)
        parts = [f"{verdict_word(status, lang)} {n}" for status, n in counts]
        sep = "、" if lang == "ja" else ", "
        return f"{text(WATCH, 'summary', lang, n=total)} {sep.join(parts)}"

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Large enough to read across a counter; never below the person's own font.
        self.panel.set_word_size(min(140, self.height() / 9, self.width() / 11))

    def _on_lang(self, index: int) -> None:
        self._lang = checked_lang(self.langPicker.itemData(index))
        use_qt_language(self._lang)
        self._name_controls()
        if self.deliveryState is not None:
            self.deliveryState.set_lang(self._lang)
        self._draw()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop the loop and wait for it: the card is unpowered before the window goes."""
        if self._stop is not None:
            self._stop.set()
            self._stop = None
        for thread in self._threads:
            thread.join(10)
        super().closeEvent(event)
