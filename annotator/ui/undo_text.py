"""Edit ▸ Undo / Redo texts in words a user reads, in the interface language.

``CaseDocument`` names its steps in plain English built from internal names
("Add sap_margin" as "Add sap margin", "Edit right L5", "Add finding contrast
cutoff"; see ``annotator.model.document``). The UI names each step at display
time, so a language switch renames the steps already on the stack:

- an annotation step: the verb and the role's name ("Add SAP margin", "添加上关节突上缘");
- a finding step: the vocabulary's name of the code ("Add finding: contrast cut-off / …");
- a root step: "Edit record of right L5", with the side translated;
- anything else (film, case, redaction, the UI's own macros): through the catalogue.

A text the patterns do not know is translated as a whole, or shown as it is.
"""

from __future__ import annotations

import re

from annotator.model import LEVELS, Role, Side
from annotator.ui.i18n import current_language, tr, trf


def tr_noop(text: str) -> str:
    return text


ROLE_NAMES: dict[Role, str] = {
    Role.TIP: tr_noop("needle tip"), Role.SHAFT: tr_noop("needle shaft"),
    Role.CONTRAST_PATH: tr_noop("contrast path"), Role.PEDICLE_MARGIN: tr_noop("pedicle lower margin"),
    Role.SAP_MARGIN: tr_noop("SAP margin"), Role.FORAMEN: tr_noop("foramen outline"),
    Role.S1_FORAMEN: tr_noop("S1 foramen"), Role.MIDLINE: tr_noop("midline"),
    Role.ILIAC_CREST: tr_noop("iliac-crest line"), Role.LEVEL_LABEL: tr_noop("level label"),
    Role.FINDING: tr_noop("finding marker"), Role.RULER: tr_noop("ruler"), Role.ANGLE: tr_noop("angle"),
    Role.ARROW: tr_noop("arrow"), Role.CALIBRATION: tr_noop("calibration line"),
}

_VERBS = {"Add": tr_noop("Add {what}"), "Move": tr_noop("Move {what}"), "Edit": tr_noop("Edit {what}"),
          "Delete": tr_noop("Delete {what}"), "Remove": tr_noop("Remove {what}")}
_FINDING_VERBS = {"Add": tr_noop("Add finding: {name}"), "Edit": tr_noop("Edit finding: {name}"),
                  "Remove": tr_noop("Remove finding: {name}")}
_ROOT_VERBS = {"Add": tr_noop("Add root {root}"), "Edit": tr_noop("Edit record of {root}"),
               "Remove": tr_noop("Remove root {root}")}

# whole texts of the document and of the UI's macros
_WHOLE = [
    tr_noop("Edit case"), tr_noop("Edit film"), tr_noop("Add film"), tr_noop("Remove film"),
    tr_noop("Add redaction"), tr_noop("Move redaction"), tr_noop("Edit redaction"), tr_noop("Remove redaction"),
    tr_noop("Accept suggestion"), tr_noop("Reject suggestion"), tr_noop("Delete finding"), tr_noop("Add finding"),
    tr_noop("Propose needle"), tr_noop("Analyse contrast path"), tr_noop("Assist suggestions"),
    tr_noop("Move case"), tr_noop("New case"),
]
_RENAMED = {"Edit case": tr_noop("Edit case record"), "Edit film": tr_noop("Edit film record")}

_ROLE_BY_WORDS = {role.value.replace("_", " "): role for role in Role}
_SIDES = "|".join(re.escape(s.value) for s in Side)
_LEVELS = "|".join(re.escape(level) for level in LEVELS)
_ROOT = re.compile(rf"^(Add|Edit|Remove) ({_SIDES}) ({_LEVELS})$")
_FINDING = re.compile(r"^(Add|Edit|Remove) finding (.+)$")
_ANNOTATION = re.compile(r"^(Add|Move|Edit|Delete) (.+)$")
_FILMS = re.compile(r"^Add (\d+) film\(s\)$")


def role_name(role: Role | str) -> str:
    """The name of an annotation role in the interface language ("SAP margin")."""
    try:
        return tr(ROLE_NAMES[Role(role)])
    except (KeyError, ValueError):
        return str(role).replace("_", " ")


def undo_label(text: str) -> str:
    """The document's step text ``text`` as the Edit menu shows it."""
    if not text:
        return ""
    if text in _RENAMED:
        return tr(_RENAMED[text])
    if text in _WHOLE:
        return tr(text)
    m = _ROOT.match(text)
    if m:
        verb, side, level = m.groups()
        return trf(_ROOT_VERBS[verb], root=trf("{side} {level}", side=tr(side), level=level))
    m = _FILMS.match(text)
    if m:
        return trf("Add {n} film(s)", n=int(m.group(1)))
    m = _FINDING.match(text)
    if m:
        from annotator.render.labels import finding_name

        name = finding_name(m.group(2).replace(" ", "_"), current_language(), short=False)
        return trf(_FINDING_VERBS[m.group(1)], name=name)
    m = _ANNOTATION.match(text)
    if m and m.group(2) in _ROLE_BY_WORDS:
        return trf(_VERBS[m.group(1)], what=role_name(_ROLE_BY_WORDS[m.group(2)]))
    return tr(text)
