"""The "Assist" toolbar group (issue 6 §6): propose needle, snap tip, live-wire path, analyse path.

``install_assist_actions(window, workspace, document)`` adds the toolbar to
``window`` (a ``QMainWindow``) and, unless one is given, a ``ProfilePanel``
dock (hidden until a path is analysed). The actions always work on the
*active* viewport of the window's *current* workspace (``window.workspace``
when it has one, else the ``workspace`` given) and on that viewport's
document, so they keep working after another case is opened.

Everything the assist writes is ``suggested=True`` (drawn dashed with a
"?"); the first suggestion is selected so ``Enter`` accepts and ``Esc``
rejects it in the viewport (``annotator.ui.tools.suggestions``; a proposed
tip takes its shaft along). Finding codes are shown by their vocabulary names
in the UI language. A needle proposal below ``LOW_CONFIDENCE`` is flagged. A needle
proposal (~0.3 s) and a profile analysis run synchronously under a wait cursor.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Any

from PyQt6.QtCore import QObject, Qt
from PyQt6.QtGui import QAction, QActionGroup
from PyQt6.QtWidgets import QApplication, QMainWindow, QToolBar, QWidget

from annotator.errors import AnnotatorError
from annotator.model import Role
from annotator.render.labels import finding_name
from annotator.ui.i18n import current_language, signals, tr
from annotator.ui.messages import user_error
from annotator.ui.profile_panel import ProfilePanel
from annotator.ui.tools.assist import frame_input
from annotator.ui.tools.suggestions import keys_hint

log = logging.getLogger(__name__)

SOURCE = "assist"  # attrs["source"] of everything the assist writes (as annotator.assist.case_assist)
LOW_CONFIDENCE = 0.9  # a needle proposal below this is flagged in the status message


@dataclass
class AnalysisResult:
    """What "Analyse path" did: the profile, the (Finding, Annotation) pairs added."""

    profile: Any
    suggestions: list = field(default_factory=list)


class _WaitCursor:
    def __enter__(self) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

    def __exit__(self, *_exc) -> None:
        QApplication.restoreOverrideCursor()


class AssistActions(QObject):
    """The actions of the Assist toolbar and what they do (see the module docstring)."""

    def __init__(self, window: QWidget, workspace: Any, document: Any, toolbar: QToolBar,
                 profile_panel: ProfilePanel) -> None:
        super().__init__(toolbar)
        self.window = window
        self._workspace = workspace
        self._document = document
        self.toolbar = toolbar
        self.profile_panel = profile_panel
        self.actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        for key, slot, checkable in (("propose_needle", self.propose_needle, False),
                                     ("snap_tip", lambda: self.set_tool("snap_tip"), True),
                                     ("livewire", lambda: self.set_tool("livewire"), True),
                                     ("analyse_path", self.analyse_path, False),
                                     ("show_foreign", None, True)):
            act = QAction(toolbar)
            act.setObjectName(f"assist_{key}")
            act.setCheckable(checkable)
            if key in ("snap_tip", "livewire"):
                group.addAction(act)
            if key == "show_foreign":
                act.setChecked(True)
                act.toggled.connect(self.set_show_foreign)
            else:
                act.triggered.connect(lambda _checked=False, s=slot: s())
            toolbar.addAction(act)
            self.actions[key] = act
        self.retranslate()
        signals().language_changed.connect(self.retranslate)

    def retranslate(self, *_args) -> None:
        texts = {
            "propose_needle": (tr("Propose needle"), tr("Find the needle on the film: its tip and shaft are "
                                                         "suggested (Enter accepts, Esc rejects)")),
            "snap_tip": (tr("Snap tip"), tr("Click near the needle tip: the tip snaps to the needle found "
                                            "within a few millimetres")),
            "livewire": (tr("Live-wire path"), tr("Click anchors along the contrast band: the path follows the "
                                                  "band; Enter or double-click ends")),
            "analyse_path": (tr("Analyse path"), tr("Plot the contrast profile along the film's contrast path and "
                                                    "suggest a cutoff or bench sign")),
            "show_foreign": (tr("Other software's marks"),
                             tr("Show the marks other software saved with these films (DICOM presentation "
                                "states; read-only)")),
        }
        self.toolbar.setWindowTitle(tr("Assist"))
        for key, (text, tip) in texts.items():
            self.actions[key].setText(text)
            self.actions[key].setToolTip(tip)
            self.actions[key].setStatusTip(tip)

    # -- where to act --------------------------------------------------------------------
    def workspace(self) -> Any:
        ws = getattr(self.window, "workspace", None)
        return ws if hasattr(ws, "active_viewport") else self._workspace

    def canvas(self):
        """The active viewport's canvas, or None (no workspace)."""
        ws = self.workspace()
        if ws is None or not hasattr(ws, "active_viewport"):
            return None
        return ws.active_viewport().canvas

    def _status(self, text: str) -> None:
        bar = getattr(self.window, "statusBar", None)
        if callable(bar):
            bar().showMessage(text, 10000)
        canvas = self.canvas()
        if canvas is not None:
            canvas.status_message.emit(text)

    def _film_canvas(self):
        canvas = self.canvas()
        if canvas is None or canvas.film is None or canvas.image is None or canvas.document is None:
            self._status(tr("Open a film first: the assist works on the active viewport"))
            return None
        return canvas

    # -- actions ----------------------------------------------------------------------------
    def set_tool(self, name: str) -> None:
        fn = getattr(self.window, "set_tool", None)
        if callable(fn):
            fn(name)
        elif self.workspace() is not None:
            self.workspace().set_tool(name)

    def set_show_foreign(self, show: bool) -> None:
        ws = self.workspace()
        for vp in (ws.viewports().values() if hasattr(ws, "viewports") else []):
            vp.set_show_foreign(show)
        self._status(tr("Marks saved by other software are shown (read-only)") if show
                     else tr("Marks saved by other software are hidden"))

    def propose_needle(self):
        """Suggest the needle tip and shaft on the active film's frame; the proposal or None."""
        from annotator.assist.case_assist import needle_annotations, root_needle
        from annotator.assist.needle import propose_needles

        canvas = self._film_canvas()
        if canvas is None:
            return None
        ctx = canvas.context()
        data = frame_input(ctx)
        if data is None:
            self._status(tr("The assist works on grey films only"))
            return None
        pixels, invert, cal = data
        try:
            with _WaitCursor():
                film = canvas.film
                proposals = propose_needles(pixels, cal, invert=invert, directions=film.effective_directions(),
                                            view=film.view.value)
        except AnnotatorError as exc:
            self._status(user_error(tr("The assist could not run"), exc))
            return None
        if not proposals:
            self._status(tr("No needle found on this film"))
            return None
        doc, film_id = canvas.document, canvas.film_id
        root = canvas.root  # the shown root: on a film several roots use, the proposal is its needle
        roots = doc.case.roots_of(film_id)
        proposal = root_needle(proposals, root, roots) if root is not None else proposals[0]
        if proposal is None:  # a shared film whose needles cannot be told apart by side
            from annotator.ui.case_panel import root_label

            self._status(tr("Needles found, but none can be told to be the {root} needle on this film: "
                            "mark its tip by hand").format(root=root_label(root)))
            return None
        new = [dataclasses.replace(a, root_id=root.id if root is not None else None)
               for a in needle_annotations(proposal, canvas.frame)]
        with doc.macro("Propose needle"):
            for a in list(doc.film(film_id).annotations):  # an earlier proposal is replaced, not piled up
                if a.suggested and a.role in (Role.TIP, Role.SHAFT) and a.attrs.get("source") == SOURCE:
                    doc.remove_annotation(film_id, a.id)
            for ann in new:
                doc.add_annotation(film_id, ann)
        canvas.select_annotation(new[0].id)
        canvas.setFocus()
        if proposal.confidence < LOW_CONFIDENCE:
            text = tr("Needle suggested (confidence {confidence:.2f}, low confidence — check the tip before "
                      "accepting): Enter accepts, Esc rejects tip and shaft")
            # both ends are candidates: one key makes the other end the tip
            text += " " + tr("Q: the other end is the tip.")
            if proposal.disagree:
                text += " " + tr("Cues disagree on which end is the tip: {cues}.").format(
                    cues=", ".join(proposal.disagree))
        else:
            text = tr("Needle suggested (confidence {confidence:.2f}): Enter accepts, Esc rejects tip and shaft")
        self._status(text.format(confidence=proposal.confidence))
        return proposal

    def _path_annotation(self, canvas):
        """The selected contrast path, else the shown root's confirmed path (on this frame first):
        on a film two roots share, the other root's path is analysed only when selected."""
        from annotator.rules.mark_choice import root_marks

        film = canvas.film
        sel = canvas.selection.annotation_id
        chosen = next((a for a in film.annotations if a.role is Role.CONTRAST_PATH and a.id == sel), None)
        if chosen is None and canvas.root is not None:
            confirmed = root_marks(film, canvas.root, Role.CONTRAST_PATH)
            on_frame = [a for a in confirmed if a.frame == canvas.frame]
            chosen = (on_frame or confirmed or [None])[0]
        return chosen

    def analyse_path(self) -> AnalysisResult | None:
        """Profile along the film's contrast path (the selected one first), plot it in the
        profile panel and suggest cutoff / bench sign / L5 tilt findings."""
        from annotator.assist.case_assist import own
        from annotator.assist.suggest import analyse_path

        canvas = self._film_canvas()
        if canvas is None:
            return None
        path = self._path_annotation(canvas)
        if path is None:
            self._status(tr("Draw the contrast path first (Contrast path or Live-wire path tool)"))
            return None
        image, doc, film_id = canvas.image, canvas.document, canvas.film_id
        film = canvas.film
        roots = doc.case.roots_of(film_id)
        # the findings go to the path's root: its root_id, else the root that owns the film
        root = next((r for r in roots if r.id == path.root_id), None) or doc.root_of_film(film_id)
        if image.is_color:
            self._status(tr("The assist works on grey films only"))
            return None
        cal = film.effective_calibration()
        calibration = cal if cal.is_mm else None
        pixels = image.stored_frame(min(path.frame, image.info.frames - 1))
        try:
            with _WaitCursor():
                # One call: the profile runs a little past the traced end, so a cutoff
                # exactly where the user stopped tracing is still seen.
                profile, pairs = analyse_path(pixels, path.points, calibration, film.effective_directions(),
                                              root.level, film_id, path.frame, invert=image.invert)
        except AnnotatorError as exc:
            self._status(user_error(tr("The assist could not run"), exc))
            return None
        with doc.macro("Analyse contrast path"):
            self._clear_path_suggestions(doc, film_id, root)
            for finding, ann in pairs:
                doc.add_annotation(film_id, own(ann, root, roots))
                doc.add_finding(root.id, finding)
        marks = [(float(ann.attrs.get("arc_length", 0.0)), finding_name(finding.code, current_language()))
                 for finding, ann in pairs]
        lines = [self._line(finding, ann, profile.unit) for finding, ann in pairs] or \
            [tr("No cutoff or bench sign suggested on this path")]
        self.profile_panel.show_profile(profile, marks, lines)
        self.profile_panel.show()
        self.profile_panel.raise_()
        if pairs:
            if pairs[0][1].frame == canvas.frame:
                canvas.select_annotation(pairs[0][1].id)
            canvas.setFocus()
            left = sum(1 for a in doc.film(film_id).annotations if a.suggested and a.frame == canvas.frame)
            self._status(tr("{count} suggestion(s) on the path. {keys}").format(count=len(pairs),
                                                                               keys=keys_hint(left)))
        else:
            self._status(tr("No cutoff or bench sign suggested on this path"))
        return AnalysisResult(profile, pairs)

    @staticmethod
    def _line(finding, ann, unit: str) -> str:
        s = float(ann.attrs.get("arc_length", 0.0))
        text = tr("Suggested {code} at {distance:.1f} {unit} along the path").format(
            code=finding_name(finding.code, current_language(), short=False), distance=s, unit=unit)
        if finding.angle_deg is not None:
            text += f" ({finding.angle_deg:.0f}°)"
        return text

    @staticmethod
    def _clear_path_suggestions(doc, film_id: str, root) -> None:
        """Remove ``root``'s earlier unconfirmed path suggestions of the assist on the film (and
        their findings); on a film two roots share, the other root's stay."""
        for a in list(doc.film(film_id).annotations):
            if a.suggested and a.role is Role.FINDING and a.attrs.get("source") == SOURCE \
                    and "arc_length" in a.attrs and a.root_id in (None, root.id):
                ours = [f for f in root.findings
                        if f.suggested and (f.annotation_id == a.id or f.id == a.attrs.get("finding_id"))]
                if a.root_id is None and not ours:
                    continue  # an unrooted suggestion of another root (an older file)
                doc.remove_annotation(film_id, a.id)
                for f in ours:
                    doc.remove_finding(root.id, f.id)


def install_assist_actions(window: QMainWindow, workspace: Any, document: Any,
                           profile_panel: ProfilePanel | None = None) -> QToolBar:
    """Add the "Assist" toolbar (and the profile dock unless given) to ``window``; returns the toolbar.

    The toolbar's ``assist`` attribute is the ``AssistActions`` (its ``actions`` by key:
    propose_needle, snap_tip, livewire, analyse_path, show_foreign; ``profile_panel``).
    """
    toolbar = QToolBar(window)
    toolbar.setObjectName("assist_toolbar")
    if profile_panel is None:
        profile_panel = ProfilePanel(window)
        if isinstance(window, QMainWindow):
            window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, profile_panel)
        profile_panel.hide()
    assist = AssistActions(window, workspace, document, toolbar, profile_panel)
    toolbar.assist = assist  # type: ignore[attr-defined]
    if isinstance(window, QMainWindow):
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    return toolbar


__all__ = ["AnalysisResult", "AssistActions", "install_assist_actions"]
