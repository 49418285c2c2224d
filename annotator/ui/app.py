"""The desktop application: ``fluoro-annotator [CASE] [--screenshot FILE.png] [--lang en|zh]
[--view ap|lateral|oblique|all]``.

With no CASE it opens a copy of the bundled sample case in the user's data folder
(``$XDG_DATA_HOME/fluoro-annotator/sample/<case>``, by default under
``~/.local/share``; kept up to date with the bundle by ``ui.sample_copy``), so
saving never changes the repository's sample data. At start-up without CASE the recovery
files of the recent cases are offered back (``MainWindow.restore_recent_work``);
with CASE that case opens and other cases' recovery files wait (named in the
status bar). ``--screenshot`` renders the
main window offscreen at a fixed size (1600 x 1000 px) after the first paint,
writes the PNG and exits 0. No traceback reaches the user: uncaught errors are
logged and shown as a one-line dialog (or printed in one line offscreen).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator.ui.messages import one_line

log = logging.getLogger("annotator.ui")

SCREENSHOT_SIZE = (1600, 1000)
SAMPLE_CASE = Path("sample_images") / "cases" / "right_L5_on_target" / "case.json"
VIEW_CHOICES = {"ap": "AP", "lateral": "lateral", "oblique": "oblique", "all": None}
DIALOGS = ("export", "new-case")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="fluoro-annotator", description="Mark fluoroscopy films of nerve root blocks.")
    p.add_argument("case", nargs="?", help="case.json or a folder holding one (default: the sample case)")
    p.add_argument("--screenshot", metavar="FILE.png", help="render the window offscreen to FILE.png and exit")
    p.add_argument("--lang", choices=("en", "zh"), help="user interface language")
    p.add_argument("--view", choices=tuple(VIEW_CHOICES), default=None, help="single view to show, or all three")
    p.add_argument("--size", default=None, help="window size WxH for --screenshot (default 1600x1000)")
    p.add_argument("--dialog", choices=DIALOGS, default=None,
                   help="with --screenshot: render this dialog (opened on the case) instead of the window")
    return p.parse_args(list(argv))


def sample_case_path() -> Path | None:
    """The bundled sample case, looked up next to the package (source tree or installed data)."""
    here = Path(__file__).resolve()
    for base in (here.parents[2], here.parents[1], Path.cwd()):
        candidate = base / SAMPLE_CASE
        if candidate.is_file():
            return candidate
    return None


def user_data_dir() -> Path:
    """``$XDG_DATA_HOME/fluoro-annotator`` (default ``~/.local/share/fluoro-annotator``)."""
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "fluoro-annotator"


def user_sample_case(bundled: Path | None = None) -> Path | None:
    """The user's working copy of the bundled sample case (``<data>/sample/<case>/case.json``),
    brought up to date with the bundle (``ui.sample_copy``). None when there is no bundled case
    or the copy cannot be made (the caller then says so)."""
    copy = sample_copy(bundled)
    return copy.case if copy is not None else None


def sample_copy(bundled: Path | None = None) -> Any:
    """``ui.sample_copy.user_sample_copy`` of the bundled sample case (its ``note`` says when the
    bundle went into a new folder), or None."""
    from annotator.ui.sample_copy import user_sample_copy

    bundled = bundled or sample_case_path()
    return user_sample_copy(bundled, user_data_dir()) if bundled is not None else None


def install_excepthook(show_dialog: bool) -> None:
    """Uncaught exceptions: full trace to the log, one line to the user."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: Any) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("uncaught error:\n%s", "".join(traceback.format_exception(exc_type, exc, tb)))
        from annotator.errors import AnnotatorError

        message = one_line(exc) if isinstance(exc, AnnotatorError) else f"{exc_type.__name__}: {one_line(exc)}"
        print(f"error: {message}", file=sys.stderr)
        if show_dialog:
            try:
                from PyQt6.QtWidgets import QApplication, QMessageBox

                from annotator.ui.i18n import tr

                if QApplication.instance() is not None:
                    QMessageBox.warning(QApplication.activeWindow(), tr("Error"),
                                        tr("Something went wrong; your work is kept.") + "\n" + message)
            except Exception:  # the hook itself must never raise
                pass

    sys.excepthook = hook


def make_application(argv: Sequence[str]) -> Any:
    from PyQt6.QtWidgets import QApplication

    from annotator.ui import settings

    app = QApplication.instance() or QApplication(["fluoro-annotator", *argv])
    if not app.organizationName() or app.organizationName() == "":
        app.setOrganizationName(settings.ORGANIZATION)
        app.setApplicationName(settings.APPLICATION)
    set_app_icon(app)
    return app


ICON = Path(__file__).resolve().parents[1] / "data" / "icons" / "fluoro-annotator.svg"


def set_app_icon(app: Any) -> None:
    """The window icon and the desktop file name (``make install-desktop`` installs
    ``fluoro-annotator.desktop``): the task bar shows the app's own icon and Wayland
    compositors match the window to its menu entry."""
    from PyQt6.QtGui import QIcon

    if ICON.is_file():
        app.setWindowIcon(QIcon(str(ICON)))
    app.setDesktopFileName("fluoro-annotator")


def build_window(case: Path | None, lang: str | None, view: str | None, prompter: Any = None,
                 restore_layout: bool = True, offer_recovery: bool = True) -> Any:
    """The main window with ``case`` (or the user's copy of the sample case) open, in the chosen
    language and view. Without ``case``, the recovery files of recent cases are offered first
    (Restore / Later / Discard); with one, that case opens and the other cases' recovery files
    are kept and named in the status bar (``case_files``). ``offer_recovery`` False
    (screenshots): nothing is asked and no recovery file is removed.

    ``--lang`` applies to this run only; the language menu is what remembers a choice.
    """
    from annotator.model import View
    from annotator.ui import i18n
    from annotator.ui.main_window import MainWindow

    i18n.set_language(i18n.initial_language(lang), remember=False)
    window = MainWindow(prompter=prompter, restore_layout=restore_layout)
    window.offer_recovery = offer_recovery
    if case:  # the case asked for opens (its own recovery offered); the others' are kept and named
        if window.open_case(Path(case), ask_unsaved=False):
            if offer_recovery:
                from annotator.ui.case_files import note_waiting_recoveries

                note_waiting_recoveries(window)
        elif not window.statusBar().currentMessage():
            window.show_message_later(i18n.trf("Could not open {name}.", name=Path(case).name))
    elif offer_recovery and window.restore_recent_work():
        pass  # the case of the restored work is open
    elif sample_case_path() is None:
        window.show_message_later(i18n.tr("No case given and the sample case was not found: use File ▸ Open."))
    else:
        copy = sample_copy()
        if copy is None:
            window.show_message_later(i18n.tr("The sample case could not be copied to your data folder."))
        elif not window.open_case(copy.case, ask_unsaved=False):
            window.show_message_later(i18n.trf("Could not open {name}.", name=copy.case.name))
        elif copy.note:
            window.show_message_later(copy.note)
    if view in VIEW_CHOICES and VIEW_CHOICES[view] is not None:
        window.set_single_view(View(VIEW_CHOICES[view]))
    elif view == "all":
        window.set_single_view(None)
    return window


def make_dialog(window: Any, name: str) -> Any:
    """The dialog ``name`` (of ``DIALOGS``) as File ▸ Export… / New case… would open it."""
    if name == "export":
        from annotator.ui.export_dialog import ExportDialog
        from annotator.ui.i18n import current_language

        folder = Path(window.document.folder) if window.document is not None else Path.cwd()
        dialog = ExportDialog(folder, window, case=window.document.case if window.document is not None else None)
        for key, check in dialog.checks.items():  # the same picture whatever was remembered
            check.setChecked(key != "dicom")
        dialog.folder.setText(str(Path("~") / "Documents" / "Fluoro Annotator exports"))  # not this machine's home
        dialog.language.setCurrentIndex(dialog.language.findData(current_language()))
        return dialog
    from annotator.ui.new_case_dialog import NewCaseDialog

    return NewCaseDialog(window)


def shrink_png(path: Path) -> None:
    """Rewrite a screenshot as an 8-bit palette PNG (about half the size, for the README): 96 greys
    for the films plus up to 160 colours taken from the coloured pixels (marks, verdicts, badges)."""
    import numpy as np
    from PIL import Image

    with Image.open(path) as src:
        im = src.convert("RGB")
    a = np.asarray(im)
    colored = a[(a.max(axis=2).astype(int) - a.min(axis=2)) > 8]
    palette = [int(v) for g in np.linspace(0, 255, 96).astype(int) for v in (g, g, g)]
    if len(colored):
        strip = Image.fromarray(np.ascontiguousarray(colored.reshape(1, -1, 3)))
        q = strip.quantize(colors=160, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        palette += (q.getpalette() or [])[: 3 * len(q.getcolors() or [])]
    palette = (palette + [0] * 768)[:768]
    holder = Image.new("P", (1, 1))
    holder.putpalette(palette)
    im.quantize(palette=holder, dither=Image.Dither.NONE).save(path, optimize=True)


def take_screenshot(window: Any, out: Path, size: tuple[int, int], dialog: str | None = None) -> int:
    """Show ``window`` at ``size`` (or the dialog ``dialog`` over it), wait for the first paint, save the PNG."""
    from PyQt6.QtCore import QEventLoop, QTimer
    from PyQt6.QtWidgets import QApplication

    window.resize(*size)
    window.show()
    if dialog is not None:
        window = make_dialog(window, dialog)
        window.show()
    app = QApplication.instance()
    for _ in range(5):  # layout, first paint, deferred viewport fits
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    loop = QEventLoop()
    QTimer.singleShot(150, loop.quit)
    loop.exec()
    app.processEvents()
    pixmap = window.grab()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(out), "PNG"):
        print(f"error: cannot write {out.name}", file=sys.stderr)
        return 2
    shrink_png(out)
    print(f"wrote {out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.screenshot and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = make_application([])
    install_excepthook(show_dialog=not args.screenshot)
    size = SCREENSHOT_SIZE
    if args.size:
        try:
            w, h = (int(v) for v in args.size.lower().split("x"))
            size = (w, h)
        except ValueError:
            print("error: --size must look like 1600x1000", file=sys.stderr)
            return 2
    try:
        if args.screenshot:
            from annotator.ui import settings
            from annotator.ui.dialogs import ScriptedPrompter

            settings.set_record_recent(False)  # a screenshot run is not a case the user worked on
            try:
                window = build_window(args.case, args.lang, args.view, prompter=ScriptedPrompter(),
                                      restore_layout=False, offer_recovery=False)
                code = take_screenshot(window, Path(args.screenshot), size, args.dialog)
                window.autosaver.timer.stop()
                window.hide()
                window.deleteLater()
            finally:
                settings.set_record_recent(True)
            return code
        window = build_window(args.case, args.lang, args.view)
        window.show()
        return int(app.exec())
    except Exception as exc:  # never a traceback
        log.debug("fatal", exc_info=True)
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return 2
