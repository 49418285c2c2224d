"""Opening and saving cases for the main window, and the recovery files that go with them.

What may open as a case: a folder's ``case.json`` (never another JSON file of the folder:
``settings.json`` or a film's ``*.truth.json`` would be overwritten by Save), or a file the
user picks that ``load_case`` reads as a case. A folder without ``case.json`` opens as a
new, empty case whose file will be that ``case.json`` (written by the first Save). A
recovery file (``case.autosave.json``) never opens by itself: it belongs to its case.

Recovery files (``ui.autosave``): removed when the user discards the changes, and after
every successful Save / Save As (at the old location too). A case being opened (a new one
too: its recovery file exists before its case.json) with a newer recovery file asks
Restore / Discard / Cancel (Cancel keeps the file and does not open the case). At start-up
without a case on the command line, the recent cases (a never-saved case stays in the list
while its recovery file exists) are searched for recovery files newer than their case file
and each is offered: Restore (that case opens with the changes), Later (kept, asked again at
the next start) or Discard (deleted). With a case on the command line, that case opens and
the others' recovery files are only named in the status bar: they are kept, and offered
when their case is opened or at the next start without a case. A case is named by its full
folder path.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from annotator.ui import settings
from annotator.ui.autosave import discard_recovery, mark_unsaved, offer_restore, pending_recoveries
from annotator.ui.case_paths import rebase_film_paths, set_document_path
from annotator.ui.dialogs import Recovery, Unsaved, choose_case_to_save
from annotator.ui.i18n import tr, trf
from annotator.ui.messages import user_error

log = logging.getLogger(__name__)

CASE_FILE_NAME = "case.json"
RECOVERY_SUFFIX = ".autosave.json"


def find_case_file(path: Path) -> Path:
    """The case file ``path`` names: itself, or for a folder its ``case.json`` (which may not
    exist yet: a new case). A recovery file is refused (CaseFileError): open its case."""
    from annotator.errors import CaseFileError

    path = Path(path)
    if path.is_dir():
        return path / CASE_FILE_NAME
    if path.name.endswith(RECOVERY_SUFFIX):
        case_name = path.name[: -len(RECOVERY_SUFFIX)] + ".json"
        raise CaseFileError(path, f"this is a recovery file: open its case ({case_name}) and accept the restore")
    return path


def open_case(window: Any, path: Path, ask_unsaved: bool = True) -> bool:
    """Open a case file or a case folder in ``window``; offer a newer recovery file."""
    if ask_unsaved and not window.maybe_keep_changes():
        return False
    try:
        from annotator.io.casefile import load_case, recovery_path

        case_path = find_case_file(Path(path)).resolve()
        if not case_path.exists() and (Path(path).is_dir() or recovery_path(case_path).is_file()):
            return _open_new_case(window, case_path)
        case = load_case(case_path)
        recovered, go_on = _offer(window, case_path)
    except Exception as exc:  # AnnotatorError: one line; anything else: still one line
        message = user_error(tr("Could not open the case"), exc)
        window.prompter.error(window, message)
        window.statusBar().showMessage(message, 15_000)
        return False
    if not go_on:
        return _kept(window, case_path)
    _show(window, case_path, recovered or case, recovered is not None)
    return True


def _offer(window: Any, case_path: Path) -> tuple[Any, bool]:
    """``autosave.offer_restore`` for a case being opened (nothing asked when the window does not
    offer recovery: a screenshot)."""
    if not getattr(window, "offer_recovery", True):
        return None, True
    return offer_restore(case_path, lambda: window.prompter.ask_recovery(window, str(case_path.parent), True))


def _kept(window: Any, case_path: Path) -> bool:
    window.statusBar().showMessage(trf(
        "Not opened: the recovered changes of {folder} are kept.", folder=str(case_path.parent)), 15_000)
    return False


def _show(window: Any, case_path: Path, case: Any, restored: bool) -> None:
    from annotator.model.document import CaseDocument

    document = CaseDocument(case, case_path.parent, case_path)
    if restored:
        mark_unsaved(document)
    problems = window.set_document(document)
    settings.add_recent_case(case_path)
    text = (tr("Restored unsaved changes from the recovery file.") if restored
            else trf("Opened {name}", name=case_path.parent.name))
    if problems:  # an unreadable film: say so, do not bury it under "Opened …"
        text = f"{text} — {problems[0]}" + (" …" if len(problems) > 1 else "")
    window.statusBar().showMessage(text, 15_000 if problems else 8000)


def folder_films(window: Any) -> list[Path]:
    from annotator.ui.film_import import folder_films as films

    return films(window)


def _open_new_case(window: Any, case_path: Path) -> bool:
    """A folder without case.json: an empty, not yet saved case whose file will be case.json
    (or its recovered changes, when the autosave wrote some before it was ever saved). It goes
    into the recent cases at once, so a crash before the first Save is recovered at the next
    start."""
    from annotator.model import Case
    from annotator.model.document import CaseDocument

    recovered, go_on = _offer(window, case_path)
    if not go_on:
        return _kept(window, case_path)
    if recovered is not None:
        _show(window, case_path, recovered, True)
        return True
    window.set_document(CaseDocument(Case(), case_path.parent, case_path))
    settings.add_recent_case(case_path)
    waiting = len(folder_films(window))
    if waiting:
        text = trf("{folder} holds no case.json: a new case. Its {n} film(s) wait: File ▸ Import this "
                   "folder's films; Save writes case.json.", folder=case_path.parent.name, n=waiting)
    else:
        text = trf("{folder} holds no case.json: a new case. Add a root, drop the films on it, and Save "
                   "writes case.json.", folder=case_path.parent.name)
    window.statusBar().showMessage(text, 15_000)
    return True


def restore_recent_work(window: Any) -> bool:
    """At start-up: offer the recovery files of the recent cases (newest first), each with
    Restore / Later / Discard. True when the user restored one (that case is then open with the
    recovered changes, unsaved; the questions stop there, the other files are kept). Later
    keeps a file for the next start; only Discard deletes one."""
    from annotator.io import casefile

    for case_path in pending_recoveries(settings.recent_cases()):
        recovered = casefile.load_recovery(case_path)
        if recovered is None:
            continue
        answer = window.prompter.ask_recovery(window, str(case_path.parent), False)
        if answer is Recovery.RESTORE:
            if case_path.exists():
                try:
                    casefile.load_case(case_path)  # the case file itself must still be a case
                except Exception as exc:
                    log.info("recovered case not opened: %s", exc)
            _show(window, case_path.resolve(), recovered, True)
            return True
        if answer is Recovery.DISCARD:
            discard_recovery(case_path)
    return False


def recoveries_waiting(window: Any) -> list[Path]:
    """The recent cases other than the open one whose recovery files wait (start-up with a case
    on the command line: they are kept, not offered)."""
    from annotator.io import casefile

    doc = getattr(window, "document", None)
    current = Path(doc.path).resolve() if doc is not None and doc.path is not None else None
    return [p for p in pending_recoveries(settings.recent_cases())
            if p.resolve() != current and casefile.load_recovery(p) is not None]


def note_waiting_recoveries(window: Any) -> None:
    """Name the kept recovery files of other cases in the status bar (see ``recoveries_waiting``)."""
    waiting = recoveries_waiting(window)
    if not waiting:
        return
    text = trf("Unsaved changes of {folder} were recovered and kept: open that case to restore them.",
               folder=str(waiting[0].parent))
    if len(waiting) > 1:
        text += " " + trf("({n} more cases have recovered changes.)", n=len(waiting) - 1)
    window.show_message_later(text)


def save(window: Any) -> bool:
    doc = window.document
    if doc is None:
        return False
    if doc.path is None:
        return save_as(window)
    return save_to(window, Path(doc.path))


def save_as(window: Any) -> bool:
    if window.document is None:
        return False
    path = choose_case_to_save(window, Path(window.document.folder) / CASE_FILE_NAME)
    return save_to(window, path) if path is not None else False


def save_to(window: Any, path: Path) -> bool:
    """Save the document to ``path`` (film paths rewritten for a new folder); the recovery files
    of the old and the new location are removed after the save succeeded."""
    from annotator.io.casefile import save_case

    doc = window.document
    path = Path(path).resolve()
    if path.name.endswith(RECOVERY_SUFFIX):
        window.prompter.error(window, tr("A case cannot be saved under the name of a recovery file."))
        return False
    old_path = Path(doc.path).resolve() if doc.path is not None else None
    old_folder = Path(doc.folder) if doc.folder is not None else None
    moved = old_folder is not None and path.parent != old_folder.resolve()
    if moved:
        rebase_film_paths(doc, old_folder, path.parent)
    try:
        note = save_case(doc.case, path)
    except Exception as exc:
        if moved:  # the case stays where it was: film paths back to the old folder
            rebase_film_paths(doc, path.parent, old_folder)
        window.prompter.error(window, user_error(tr("Could not save the case"), exc))
        return False
    if old_path is None or path != old_path:
        set_document_path(doc, path)
    doc.mark_saved()
    for p in {path, old_path} - {None}:
        discard_recovery(p)
    settings.add_recent_case(path)
    getattr(window, "note_saved", window.refresh_title)()  # "Saved at HH:MM" stays in the status bar
    window.statusBar().showMessage(note or trf("Saved {name}", name=path.name), 10_000 if note else 5000)
    return True


def maybe_keep_changes(window: Any) -> bool:
    """False when the user cancels; saves or discards unsaved changes otherwise. Discarded
    changes take their recovery file with them (they must not come back as a "restore")."""
    doc = window.document
    if doc is None or not doc.dirty:
        return True
    answer = window.prompter.ask_unsaved(window)
    if answer is Unsaved.SAVE:
        return save(window)
    if answer is Unsaved.DISCARD:
        if doc.path is not None:
            discard_recovery(Path(doc.path))
        return True
    return False
