"""Display names of findings-vocabulary codes (``contrast_cutoff`` -> "contrast cut-off").

The names come from the rule configuration (``annotator.rules.load_config()``,
``findings`` section, en/zh labels) in the current UI language
(``annotator.ui.i18n.current_language()``). An unknown code (free text the
user typed) is returned unchanged. ``short=True`` keeps the part before the
first " / " so a canvas label stays small.
"""

from __future__ import annotations

from annotator.ui.i18n import current_language


def finding_label(code: str, short: bool = False, lang: str | None = None) -> str:
    """The name of finding ``code`` in ``lang`` (default: the UI language), or ``code`` when unknown."""
    from annotator.rules import load_config

    definition = load_config().findings.get(code)
    if definition is None:
        return code
    name = definition.name(lang or current_language()) or code
    if short:
        name = name.split(" / ")[0].strip() or name
    return name


__all__ = ["finding_label"]
