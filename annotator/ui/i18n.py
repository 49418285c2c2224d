"""Two languages for every visible string: English (the source) and Simplified Chinese.

Strings are written in English in the source and wrapped in ``tr("...")``;
the Chinese text comes from the gettext catalogue ``locale/zh.po``, compiled
to ``locale/zh.mo`` by ``python -m annotator.ui.locale.build`` (both files are
committed; a test keeps them in sync and checks every ``tr("...")`` literal
has a translation).

The language follows the system locale (``QLocale``) at start unless the user
chose one (remembered in ``QSettings`` under ``ui/language``). Widgets that
show text connect to ``signals().language_changed`` and re-read their labels
through ``tr`` when it fires.

Qt's own texts (the Yes / No / OK / Cancel buttons of message boxes, the
file dialogs, a line edit's context menu) come from Qt's catalogue
``qtbase_zh_CN.qm`` in ``QLibraryInfo``'s translations folder (PyQt6 ships
it), installed on the application while the language is Chinese
(``qt_translator_loaded()`` says whether it was found).
"""

from __future__ import annotations

import gettext
from pathlib import Path

from PyQt6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QSettings, QTranslator, pyqtSignal

LANGUAGES: dict[str, str] = {"en": "English", "zh": "简体中文"}
LOCALE_DIR = Path(__file__).with_name("locale")
SETTINGS_KEY = "ui/language"

_state: dict[str, object] = {"lang": "en", "catalog": None, "qt": None}
QT_CATALOGS = {"zh": "qtbase_zh_CN"}
_signals: _LanguageSignals | None = None


class _LanguageSignals(QObject):
    """Carries ``language_changed(str)`` with the new language code."""

    language_changed = pyqtSignal(str)


def signals() -> _LanguageSignals:
    """The process-wide QObject whose ``language_changed`` fires after a switch."""
    global _signals
    if _signals is None:
        _signals = _LanguageSignals()
    return _signals


def _load_catalog(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    mo = LOCALE_DIR / f"{lang}.mo"
    try:
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    except OSError:
        return gettext.NullTranslations()


def tr(text: str) -> str:
    """``text`` (the English source string) in the current language."""
    catalog = _state["catalog"]
    if catalog is None:
        return text
    return catalog.gettext(text)  # type: ignore[attr-defined]


def trf(text: str, **values: object) -> str:
    """``tr(text).format(**values)``: translate the template, then fill it in."""
    return tr(text).format(**values)


def current_language() -> str:
    """``"en"`` or ``"zh"``."""
    return str(_state["lang"])


def rules_language() -> str:
    """The language code the rules layer's ``explain(lang)``/``message(lang)`` take."""
    return current_language()


def set_language(lang: str, remember: bool = True) -> None:
    """Switch to ``lang`` ("en" or "zh"), remember it, and emit ``language_changed``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
    changed = lang != _state["lang"]
    _state["lang"] = lang
    _state["catalog"] = None if lang == "en" else _load_catalog(lang)
    _install_qt_translator(lang)
    if remember:
        QSettings().setValue(SETTINGS_KEY, lang)
    if changed:
        signals().language_changed.emit(lang)


def _install_qt_translator(lang: str) -> None:
    """Qt's own strings in ``lang``: install its catalogue on the application (remove it for English)."""
    app = QCoreApplication.instance()
    old = _state.get("qt")
    if app is None:
        return
    if isinstance(old, QTranslator):
        app.removeTranslator(old)
        _state["qt"] = None
    name = QT_CATALOGS.get(lang)
    if name is None:
        return
    translator = QTranslator(app)
    if translator.load(name, QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
        _state["qt"] = translator


def qt_translator_loaded() -> bool:
    """True while Qt's own catalogue for the current language is installed."""
    return isinstance(_state.get("qt"), QTranslator)


def system_language() -> str:
    """``"zh"`` when the system locale is Chinese, else ``"en"``."""
    return "zh" if QLocale.system().language() == QLocale.Language.Chinese else "en"


def initial_language(override: str | None = None) -> str:
    """The language to start in: ``override`` (``--lang``), the remembered one, or the system's."""
    if override in LANGUAGES:
        return str(override)
    saved = QSettings().value(SETTINGS_KEY, "", type=str)
    if saved in LANGUAGES:
        return saved
    return system_language()
