"""The free-text identity check that runs before every de-identified export (issue #13, ADR 0002).

Every text the user wrote — title, symptoms, case and root notes, adjustments,
captions, finding notes, sites and values, annotation labels — is searched for

- the names and identifiers of the case's DICOM headers (``header_terms``: every
  text attribute at any depth, person names with their variants), and
- what looks like identity whatever the headers say: e-mail addresses, phone
  numbers, exact dates, long digit runs and record numbers ("MRN 4821337").

Each match is a :class:`TextHit` naming the field (``"film 1A caption"``) and the
matched text (the user's own words: fine to show to that user, never logged).
A hit is *settled* when the identity scrubber removes it anyway (a value of an
identity attribute, an exact date) or when the user confirmed it
(:func:`confirm`: recorded in ``case.extra["export_text_confirmed"]`` as a
digest of the field and the match, so the case file stores no new text);
unsettled hits stop the export (:class:`TextIdentityError`) until the user
removes the text (:func:`without_hit`) or confirms it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.errors import ExportError
from annotator.export.header_terms import Term, header_terms

CONFIRMED_KEY = "export_text_confirmed"  # case.extra key: list of digests (see confirm)

_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("e-mail address", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)),
    ("date", re.compile(
        r"(?<!\d)(?:19|20)\d{2}\s*(?:[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}(?:\s*日)?"
        r"|(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?!\d)"
        r"|(?<![\d.])\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}(?![\d.])"
        rf"|(?<!\w)\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+(?:19|20)\d{{2}}(?!\d)"
        rf"|(?<!\w){_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}(?!\d)"
        r"|(?<!\d)\d{1,2}\s*月\s*\d{1,2}\s*日", re.IGNORECASE)),
    ("phone number", re.compile(
        r"(?<![\w.+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)\s?)?\d{2,5}(?:[\s.-]\d{2,5}){1,3}(?![\w.])")),
    ("record number", re.compile(
        r"(?<![\w-])(?:[A-Za-z]{1,6}[-#:]?\s?)?\d[\d-]{4,}\d(?![\w-])")),
)


def _phone_like(text: str) -> bool:
    groups = re.findall(r"\d+", text)
    digits = sum(len(g) for g in groups)
    return 7 <= digits <= 15 and len(groups[-1]) >= 3 and max(len(g) for g in groups) >= 3


def _record_like(text: str) -> bool:
    return max(len(g) for g in re.findall(r"\d+", text)) >= 6 or sum(c.isdigit() for c in text) >= 7


_CHECKS: dict[str, Callable[[str], bool]] = {"phone number": _phone_like, "record number": _record_like}


@dataclass(frozen=True)
class FieldRef:
    """One user text field: where it is in the case (``kind`` case/root/film/finding/annotation,
    the ids to find it, ``attr`` its attribute) and ``label``, a readable English name."""

    kind: str
    attr: str
    label: str
    root_id: str | None = None
    film_id: str | None = None
    item_id: str | None = None  # finding or annotation id
    where: str = ""  # "film 1A", "root right L5", "root right L5 finding 2"; "" for case fields

    @property
    def key(self) -> str:
        """Stable across reordering: the ids, never an index."""
        return ":".join(x or "" for x in (self.kind, self.root_id, self.film_id, self.item_id, self.attr))


@dataclass(frozen=True)
class TextHit:
    """One match: ``text`` is the user's own text at [start, end) of the field."""

    field: FieldRef
    text: str
    start: int
    end: int
    reason: str  # "name in the DICOM headers (SeriesDescription)", "phone number", ...
    category: str = ""  # name, identifier, word (of the headers) or the pattern's name
    source: str = ""  # the header attribute's keyword (header terms only)

    def line(self) -> str:
        """One line for the user: field, match, why (the match is the user's own text)."""
        return f"{self.field.label}: {self.text!r} ({self.reason})"

    @property
    def digest(self) -> str:
        return hashlib.sha256(f"{self.field.key}\0{self.text.casefold()}".encode()).hexdigest()[:32]


class TextIdentityError(ExportError):
    """Free text that may identify the patient. The message names the fields and the kind of each
    match, never the matched text (exceptions reach logs); ``lines()`` adds the text, for the user."""

    HEAD = ("{n} text(s) may identify the patient; remove them, or confirm them with --confirm-text "
            "(in the GUI: keep, I confirm):")

    def __init__(self, hits: list[TextHit]) -> None:
        self.hits = hits
        fields = "\n".join(f"{h.field.label}: {h.reason}" for h in hits)
        super().__init__(f"{self.HEAD.format(n=len(hits))}\n{fields}")

    def lines(self) -> list[str]:
        """The head line, then one line per hit with the matched text (to show, never to log)."""
        return [self.HEAD.format(n=len(self.hits))] + [h.line() for h in self.hits]


def user_fields(case: Any, case_number: int = 1) -> Iterator[tuple[FieldRef, str]]:
    """Every user text field of ``case`` with its text (empty ones too)."""
    from annotator.export.text import figure_label

    yield FieldRef("case", "title", "title"), case.title
    yield FieldRef("case", "symptoms", "symptoms"), case.symptoms
    yield FieldRef("case", "notes", "case notes"), case.notes
    index = 0
    for root in case.roots:
        where = f"root {root.side.value} {root.level}"
        for attr in ("notes", "adjustments", "needle_type", "contrast_agent"):
            yield (FieldRef("root", attr, f"{where} {attr.replace('_', ' ')}", root.id, where=where),
                   getattr(root, attr))
        for n, f in enumerate(root.findings, start=1):
            for attr in ("code", "note", "site", "value"):  # the code is free text outside the vocabulary
                yield (FieldRef("finding", attr, f"{where} finding {n} {attr}", root.id, f.film_id, f.id,
                                where=f"{where} finding {n}"), getattr(f, attr) or "")
        for film in root.films:
            fig = f"film {figure_label(case_number, index, film)}"
            index += 1
            yield FieldRef("film", "caption", f"{fig} caption", root.id, film.id, where=fig), film.caption
            for a in film.annotations:
                if not a.suggested:
                    role = a.role.value.replace("_", " ")
                    yield (FieldRef("annotation", "text", f"{fig} {role} label", root.id, film.id, a.id,
                                    where=f"{fig} {role}"), a.text)


def _term_pattern(term: Term) -> re.Pattern[str]:
    body = r"[\s^,.]*".join(re.escape(p) for p in re.split(r"[\s^,]+", term.text.strip()) if p)
    if term.text[:1].isascii() and term.text[:1].isalnum():
        body = r"(?<![A-Za-z0-9])" + body
    if term.text[-1:].isascii() and term.text[-1:].isalnum():
        body += r"(?![A-Za-z0-9])"
    return re.compile(body, 0 if term.initials else re.IGNORECASE)


_KIND_TEXT = {"name": "name", "identifier": "identifier", "word": "word"}


def find_hits(text: str, field: FieldRef, terms: Iterable[Term]) -> list[TextHit]:
    """The matches in one text, header terms first (longest first), then the patterns;
    overlapping matches are reported once."""
    if not text or not text.strip():
        return []
    taken: list[tuple[int, int]] = []
    hits: list[TextHit] = []

    def add(start: int, end: int, reason: str, category: str, source: str = "") -> None:
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        hits.append(TextHit(field, text[start:end], start, end, reason, category, source))

    for term in terms:
        for m in _term_pattern(term).finditer(text):
            add(m.start(), m.end(), f"{_KIND_TEXT[term.kind]} in the DICOM headers ({term.source})", term.kind,
                term.source)
    for reason, pattern in _PATTERNS:
        check = _CHECKS.get(reason)
        for m in pattern.finditer(text):
            if check is None or check(m.group()):
                add(m.start(), m.end(), reason, reason)
    return sorted(hits, key=lambda h: h.start)


def film_paths(case: Any, folder: str | Path) -> list[Path]:
    return [Path(folder) / film.path for root in case.roots for film in root.films]


def scan_case(case: Any, folder: str | Path, case_number: int = 1,
              terms: list[Term] | None = None) -> list[TextHit]:
    """Every hit in the user text of ``case`` (settled or not); ``terms`` default: the headers'."""
    terms = header_terms(film_paths(case, folder)) if terms is None else terms
    return [h for ref, text in user_fields(case, case_number) for h in find_hits(text, ref, terms)]


def confirmed(case: Any) -> set[str]:
    value = case.extra.get(CONFIRMED_KEY, [])
    return {str(v) for v in value} if isinstance(value, list) else set()


def is_confirmed(case: Any, hit: TextHit) -> bool:
    return hit.digest in confirmed(case)


def confirm(case: Any, hits: Iterable[TextHit]) -> dict[str, Any]:
    """The case's ``extra`` with ``hits`` recorded as confirmed (a new dict; the caller sets it,
    through a document command in the GUI)."""
    digests = sorted(confirmed(case) | {h.digest for h in hits})
    return {**case.extra, CONFIRMED_KEY: digests}


def pending(case: Any, folder: str | Path, case_number: int = 1,
            scrub: Callable[[str], str] | None = None) -> list[TextHit]:
    """Hits that stop a de-identified export: neither confirmed nor removed anyway by the
    identity scrubber ``scrub`` (the match no longer in the scrubbed text of its field)."""
    out = []
    terms = header_terms(film_paths(case, folder))
    for ref, text in user_fields(case, case_number):
        hits = find_hits(text, ref, terms)
        scrubbed = scrub(text).casefold() if scrub is not None and hits else None
        for h in hits:
            if is_confirmed(case, h) or (scrubbed is not None and h.text.casefold() not in scrubbed):
                continue
            out.append(h)
    return out


def remove_match(text: str, hit: TextHit) -> str:
    """``text`` without the hit's match (found again by its text if the field changed), spaces tidied."""
    start = hit.start if text[hit.start:hit.end] == hit.text else text.find(hit.text)
    if start < 0:
        return text
    out = text[:start] + text[start + len(hit.text):]
    return re.sub(r"[ \t]{2,}", " ", out).strip()


def field_text(case: Any, ref: FieldRef) -> str:
    obj = _target(case, ref)
    return str(getattr(obj, ref.attr) or "")


def _target(case: Any, ref: FieldRef) -> Any:
    if ref.kind == "case":
        return case
    root = case.root(ref.root_id)
    if ref.kind == "root":
        return root
    if ref.kind == "finding":
        return root.finding(ref.item_id)
    film = root.film(ref.film_id)
    return film if ref.kind == "film" else film.annotation(ref.item_id)


def without_hit(case: Any, hit: TextHit) -> tuple[str, Any]:
    """(attribute, new value) of the object holding ``hit`` once the match is removed — or, for
    a finding or an annotation, the new frozen object; the caller applies it (GUI: a command)."""
    from dataclasses import replace

    obj = _target(case, hit.field)
    new_text = remove_match(str(getattr(obj, hit.field.attr) or ""), hit)
    if hit.field.kind in ("finding", "annotation"):
        if hit.field.attr in ("site", "value") and not new_text:
            return hit.field.attr, replace(obj, **{hit.field.attr: None})
        return hit.field.attr, replace(obj, **{hit.field.attr: new_text})
    return hit.field.attr, new_text
