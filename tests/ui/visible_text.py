"""What a user reads in a widget tree: menus, toolbars, docks, labels, buttons, lists, tables.

``visible_strings(widget)`` walks the tree and returns (where, text) pairs of every text
shown (menu and toolbar actions, dock titles, labels, buttons, group titles, tabs, combo
items, table headers and cells, tree items, text browsers). ``untranslated(pairs)`` keeps
those with an English word left in them: a run of three or more ASCII letters that is not
a unit, an abbreviation of the field (``ALLOWED``) or part of a file name. A viewport's
canvas contributes the text it paints (corner text, or the empty-viewport hint), a plot panel
(``plot_texts``) the words drawn in its plot.
"""

from __future__ import annotations

import re

from PyQt6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenu,
    QTabBar,
    QTableWidget,
    QTextBrowser,
    QToolBar,
    QTreeWidget,
    QWidget,
)

# abbreviations and names that stay as they are in Chinese text
ALLOWED = {
    "DICOM", "ERMF", "PPTX", "PDF", "PNG", "JPEG", "TIFF", "BMP", "SAP", "GSPS", "TID", "SR", "SC", "DRG",
    "Ctrl", "Shift", "Enter", "Esc", "Space", "Backspace", "Delete", "Tab", "Alt",
    "LAT", "OBL", "AP",  # rule ids R-AP, R-LAT, R-OBL and the view abbreviation
    "English", "Fluoro", "Annotator",  # the language's own name; the application's name
    "Kambin", "PowerPoint",  # proper names
    "mm", "ml", "mg", "px", "min", "fps",
    # DICOM networking terms, as Chinese PACS software shows them
    "PACS", "DIMSE", "ECHO", "FIND", "STORE", "QIDO", "WADO", "STOW", "DICOMweb", "URL", "TLS", "GET", "MOVE",
}
_WORD = re.compile(r"[A-Za-z]{3,}")
_FILE = re.compile(r"\S+\.(?:dcm|png|jpe?g|tiff?|bmp|json|pdf|pptx)\b|\(\*\.[^)]*\)|\*\.\w+"
                   r"|(?<!\S)(?:~|\.{0,2})?/\S*|(?<!\S)\w+/(?!\S)", re.I)  # + folder paths, "name/"
_TAG = re.compile(r"<[^>]+>")


def _clean(text: str) -> str:
    return _TAG.sub(" ", text.replace("&&", "&").replace("&", ""))


def _actions(where: str, actions, out: list[tuple[str, str]]) -> None:
    for act in actions:
        if act.isSeparator() or not act.isVisible():
            continue
        out.append((where, act.text()))
        menu = act.menu()
        if menu is not None:
            menu.aboutToShow.emit()  # menus filled on demand (Recent cases)
            _actions(f"{where} ▸ {act.text()}", menu.actions(), out)


def visible_strings(root: QWidget) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if not isinstance(w, QMainWindow | QMenu) and w is not root and not w.isVisibleTo(root):
            continue
        name = type(w).__name__ + (f"#{w.objectName()}" if w.objectName() else "")
        if getattr(w, "plot_texts", None):  # a plot drawn as an image: the words drawn in it
            out.extend((name + " plot", text) for text in w.plot_texts)
        if isinstance(w, QMainWindow):
            out.append((name, w.windowTitle().rsplit(" — ", 1)[-1]))
            _actions("menu", w.menuBar().actions(), out)
        elif isinstance(w, QToolBar):
            _actions(name, w.actions(), out)
        elif isinstance(w, QDockWidget):
            out.append((name, w.windowTitle()))
        elif isinstance(w, QLabel):
            out.append((name, w.text()))
        elif isinstance(w, QAbstractButton):
            out.append((name, w.text()))
        elif isinstance(w, QGroupBox):
            out.append((name, w.title()))
        elif isinstance(w, QTabBar):
            out.extend((name, w.tabText(i)) for i in range(w.count()))
        elif isinstance(w, QComboBox) and not w.isEditable():
            out.extend((name, w.itemText(i)) for i in range(w.count()))
        elif isinstance(w, QTableWidget):
            for c in range(w.columnCount()):
                item = w.horizontalHeaderItem(c)
                if item is not None:
                    out.append((name + " header", item.text()))
        elif isinstance(w, QTreeWidget):
            stack = [w.topLevelItem(i) for i in range(w.topLevelItemCount())]
            while stack:
                it = stack.pop()
                out.extend((name, it.text(c)) for c in range(w.columnCount()))
                stack.extend(it.child(i) for i in range(it.childCount()))
        elif isinstance(w, QTextBrowser):
            out.append((name, w.toPlainText()))
        elif hasattr(w, "corner_text") and hasattr(w, "hint_text"):  # a viewport's canvas: painted text
            if w.display is None:
                out.append((name + " hint", w.hint_text()))
            else:  # the file's own window names (DICOM explanations) are data, not interface text
                own = [p.explanation for p in w.display.image.info.windows if p.explanation]
                out.extend((name + " corner", _without(line, own)) for lines in w.corner_text().values()
                           for line in lines)
    return [(where, text) for where, text in out if text and text.strip()]


def _without(text: str, parts: list[str]) -> str:
    for part in parts:
        text = text.replace(part, " ")
    return text


def english_words(text: str) -> list[str]:
    """The English words left in ``text`` (file names and ``ALLOWED`` words removed)."""
    text = _FILE.sub(" ", _clean(text))
    return [w for w in _WORD.findall(text) if w not in ALLOWED]


def untranslated(pairs: list[tuple[str, str]], also_allowed: set[str] = frozenset()) -> list[str]:
    return [f"{where}: {text!r}" for where, text in pairs
            if [w for w in english_words(text) if w not in also_allowed]]
