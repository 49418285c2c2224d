"""One case file flattened into what the library searches: facets, free text, key film.

Verdicts and conclusions come from the rules (``annotator.rules.evaluate_case``),
so the library says what ``check`` says and follows the rules when they change.

Facets (name -> values, all lower-case text):

- ``level`` (``l5``, ``s1``), ``side`` (``left``/``right``), ``root`` (``right-l5``);
- ``view`` (``ap``, ``lateral``, ``oblique``) of every film;
- ``verdict`` (rules status of every judged film: ``on_target``, ``near``, ``off``, ...);
- ``finding`` (finding codes the user confirmed; suggestions left out);
- ``block`` (``complete``, ``partial``, ``none``, ``not_assessed``);
- ``conclusion`` (``responsible``, ``possibly_responsible``, ``not_responsible``, ``no_conclusion``);
- ``drug`` (drug names as recorded), ``sex`` (``m``/``f``), ``age`` (decade band ``60s``),
  ``tag`` (the user's tags, kept in the case file under ``tags``).

The date is the case file's ``date`` (ISO ``YYYY-MM-DD``) when it has one,
otherwise the study date of its first DICOM film; it stays on this computer
(the index is a local cache) and is never printed in exports.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.model import Case, Film

log = logging.getLogger(__name__)

FACETS = ("level", "side", "root", "view", "verdict", "finding", "block", "conclusion", "drug", "sex",
          "age", "tag")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class CaseRecord:
    """What the index keeps of one case file (paths absolute, POSIX-free ``str``)."""

    path: str  # the case file
    case_id: str
    age: int | None
    sex: str  # "m", "f" or ""
    date: str  # "YYYY-MM-DD" or ""
    roots: tuple[str, ...]  # "right L5"
    n_films: int
    key_film: str  # absolute path of the key annotated film, "" if none
    key_film_id: str
    facets: tuple[tuple[str, str], ...]
    text: str  # captions, notes, symptoms, adjustments, finding notes, tags
    headline: str = ""  # the rules' one-line case summary (en)
    extra: dict[str, Any] = field(default_factory=dict)


def age_band(age: int | None) -> str:
    """``65`` -> ``60s``; '' when unknown."""
    return "" if age is None else f"{(age // 10) * 10}s"


def case_tags(case: Case) -> list[str]:
    """The user's tags of ``case`` (case file key ``tags``: a list of strings)."""
    raw = case.extra.get("tags", [])
    if not isinstance(raw, list):
        return []
    return [str(t).strip() for t in raw if str(t).strip()]


def key_film(case: Case) -> Film | None:
    """The film shown as the case's thumbnail: the one with most annotations (first on ties)."""
    best: Film | None = None
    for root in case.roots:
        for film in root.films:
            if best is None or len(film.annotations) > len(best.annotations):
                best = film
    return best


def _study_date(folder: Path, case: Case) -> str:
    for root in case.roots:
        for film in root.films:
            path = folder / film.path
            if path.suffix.lower() not in (".dcm", ".dicom", ""):
                continue
            try:
                import pydicom

                ds = pydicom.dcmread(str(path), stop_before_pixels=True,
                                     specific_tags=["StudyDate", "AcquisitionDate"])
            except Exception:  # a missing or damaged film has no date; the case is still indexed
                continue
            for tag in ("StudyDate", "AcquisitionDate"):
                da = str(ds.get(tag, "") or "").strip()
                if len(da) == 8 and da.isdigit():
                    return f"{da[:4]}-{da[4:6]}-{da[6:]}"
    return ""


def case_date(case: Case, folder: Path) -> str:
    own = str(case.extra.get("date", "") or "").strip()
    if _ISO_DATE.match(own):
        return own
    return _study_date(folder, case)


def _lower(values: Iterable[str]) -> list[str]:
    return [v.strip().lower() for v in values if v and v.strip()]


def build_record(case: Case, case_file: Path, config: Any = None) -> CaseRecord:
    """The :class:`CaseRecord` of ``case`` read from ``case_file`` (absolute)."""
    from annotator.rules import evaluate_case

    folder = case_file.parent
    summary = evaluate_case(case, config)
    facets: set[tuple[str, str]] = set()
    texts: list[str] = [case.symptoms, case.notes]
    for root in case.roots:
        side = root.side.value
        facets |= {("level", root.level.lower()), ("side", side), ("root", f"{side}-{root.level.lower()}")}
        facets.add(("block", root.block_result.value))
        facets |= {("drug", d) for d in _lower(dose.drug for dose in root.drugs)}
        facets |= {("finding", c) for c in _lower(f.code for f in root.findings if not f.suggested)}
        facets |= {("view", v) for v in _lower(film.view.value for film in root.films)}
        texts += [root.notes, root.adjustments]
        texts += [f.note for f in root.findings if not f.suggested]
        texts += [film.caption for film in root.films]
    for rs in summary.roots:
        facets.add(("conclusion", rs.conclusion))
        for fr in rs.films:
            if fr.verdict is not None:
                facets.add(("verdict", str(getattr(fr.verdict.status, "value", fr.verdict.status))))
    sex = (case.sex or "").strip().lower()
    if sex:
        facets.add(("sex", sex))
    if case.age is not None:
        facets.add(("age", age_band(case.age)))
    tags = case_tags(case)
    facets |= {("tag", t) for t in _lower(tags)}
    texts += tags
    film = key_film(case)
    return CaseRecord(
        path=str(case_file),
        case_id=case.id,
        age=case.age,
        sex=sex,
        date=case_date(case, folder),
        roots=tuple(f"{r.side.value} {r.level}" for r in case.roots),
        n_films=sum(len(r.films) for r in case.roots),
        key_film=str(folder / film.path) if film is not None else "",
        key_film_id=film.id if film is not None else "",
        facets=tuple(sorted(facets)),
        text="\n".join(t.strip() for t in texts if t and t.strip()),
        headline=summary.headline("en"),
    )
