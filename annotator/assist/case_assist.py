"""Assist a whole case: unconfirmed suggestions on every film, through the document.

For each film: the needle proposal on its key frame (a ``TIP`` point and a
``SHAFT`` line, hub first, ``suggested=True``, ``attrs`` ``confidence`` and
``source = "assist"``) -- on a film several roots use (bilateral), one for each
root, the needle named on its side, with its ``root_id`` (``root_needle``); on multi-frame films the vascular-uptake cue
(``intravascular`` finding + ``FINDING`` point on the first frame with new
contrast outside the root path); and where the film has a confirmed contrast
path, the profile suggestions (cutoff, bench sign, L5 tilt), the profile
looking ``suggest.TAIL_MM`` past the path's end to see how the band stops. Every edit goes
through ``CaseDocument`` in one macro (one undo step) and everything written
is ``suggested=True``: the user accepts or rejects it. Earlier assist
suggestions on a film (``attrs["source"] == "assist"`` and still unconfirmed)
are replaced, so running it twice does not pile up duplicates.

Confirmed work is not duplicated: a root whose tip is already confirmed on the
film's key frame gets no needle proposal there, and a finding code already
confirmed on the root it would go to is not suggested again (the vascular cue
and the path findings alike; on a shared film each root's own path gives that
root's findings). What was skipped is listed in
``FilmReport.skipped``. ``force=True`` suggests everything regardless.

This is the logic layer the CLI (``assist CASE``) and the GUI both call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import numpy as np

from annotator.errors import AnnotatorError
from annotator.model.annotations import Annotation, Role, ShapeKind
from annotator.model.case import Film, Finding, Root
from annotator.model.document import CaseDocument
from annotator.rules.mark_choice import root_marks, tip_marks

log = logging.getLogger(__name__)

SOURCE = "assist"


@dataclass
class FilmReport:
    film_id: str
    needle: dict | None = None  # NeedleProposal.to_json() or None
    cue_frame: int | None = None
    findings: list[str] = field(default_factory=list)  # codes suggested
    error: str | None = None
    # what was not suggested because it is already confirmed: "needle" and/or finding codes
    skipped: list[str] = field(default_factory=list)


def _is_ours(a: Annotation | Finding) -> bool:
    if not a.suggested:
        return False
    if isinstance(a, Annotation):
        return a.attrs.get("source") == SOURCE
    return a.note.startswith("assist:")


def needle_annotations(proposal, frame: int) -> list[Annotation]:
    """TIP and SHAFT annotations (suggested) of a needle proposal on ``frame``."""
    attrs = {"source": SOURCE, "confidence": round(proposal.confidence, 3)}
    return [
        Annotation(Role.TIP, ShapeKind.POINT, (proposal.tip,), frame=frame, suggested=True, attrs=attrs),
        Annotation(Role.SHAFT, ShapeKind.LINE, proposal.shaft, frame=frame, suggested=True, attrs=attrs),
    ]


def film_needles(image, film: Film, index: int) -> list:
    """Every needle proposal on frame ``index`` of a film's image (``io.open_image``), best first
    (two on a bilateral film, each naming its patient side when the view and directions tell it),
    with all the film tells: calibration, view and patient directions (the needle's aim), and on
    a cine run its first frame (where new contrast first appears marks the tip)."""
    from annotator.assist.needle import propose_needles

    cal = film.effective_calibration()
    earlier = image.stored_frame(0) if image.info.frames > 1 and index > 0 else None
    return propose_needles(image.stored_frame(index), cal if cal.is_mm else None, invert=image.invert,
                           directions=film.effective_directions(), view=film.view.value, earlier=earlier)


def root_needle(proposals: list, root: Root, roots: list[Root]):
    """``root``'s needle among a film's ``proposals`` (best first); ``roots``: every root that uses
    the film (``Case.roots_of``). On a film one root uses: the best proposal. On a film several
    roots use (a bilateral film): the one proposal named on the root's side, when no other root
    on the film has that side -- else None: the assistant does not guess whose needle it is
    (a tip given to the wrong root is a wrong-side tip, domain.md section 4)."""
    if not proposals:
        return None
    if len(roots) <= 1:
        return proposals[0]
    if sum(r.side == root.side for r in roots) > 1:
        return None
    mine = [p for p in proposals if p.side == root.side.value]
    return mine[0] if len(mine) == 1 else None


def _clear_previous(doc: CaseDocument, film: Film) -> None:
    for a in list(film.annotations):
        if _is_ours(a):
            doc.remove_annotation(film.id, a.id)
    for root in doc.case.roots_of(film.id):
        for f in list(root.findings):
            if f.film_id == film.id and _is_ours(f):
                doc.remove_finding(root.id, f.id)


def root_path(film: Film, root: Root) -> Annotation | None:
    """``root``'s confirmed contrast path on ``film`` (the first; its ``root_id``, or none set on
    a film the root owns): on a film two roots share, each root's findings come from its own path."""
    return next(iter(root_marks(film, root, Role.CONTRAST_PATH)), None)


def own(ann: Annotation, root: Root, roots: list[Root]) -> Annotation:
    """``ann`` marked as ``root``'s when the film is shared by several ``roots``."""
    return replace(ann, root_id=root.id) if len(roots) > 1 else ann


def assist_film(doc: CaseDocument, film_id: str, needle: bool = True, cine: bool = True,
                path_findings: bool = True, force: bool = False) -> FilmReport:
    """Add unconfirmed suggestions to one film (inside the caller's macro, if any).

    Unless ``force``: no needle proposal for a root whose tip is confirmed on the
    key frame, and no finding whose code is already confirmed on the root it
    would go to; those are listed in ``FilmReport.skipped``. On a film several
    roots share, each root gets its own needle and the findings of its own path.
    """
    from annotator.assist.cine import vascular_cue
    from annotator.assist.suggest import analyse_path, make_suggestion
    from annotator.io import open_image

    film = doc.film(film_id)
    root = doc.root_of_film(film_id)
    roots = doc.case.roots_of(film_id)
    report = FilmReport(film_id)
    image = open_image(doc.film_path(film_id))
    if image.is_color:
        report.error = "colour image: assist works on grey films only"
        return report
    cal = film.effective_calibration()
    calibration = cal if cal.is_mm else None
    key = min(film.key_frame, image.info.frames - 1)
    invert = image.invert
    _clear_previous(doc, film)

    def wanted(code: str, r: Root = root) -> bool:
        if force or code not in {f.code for f in r.findings if not f.suggested}:
            return True
        if code not in report.skipped:
            report.skipped.append(code)
        return False

    if needle:
        # each root that uses the film gets its own needle, unless its tip is confirmed there
        wanting = [r for r in roots if force or not any(a.frame == key for a in tip_marks(film, r))]
        if len(wanting) < len(roots):
            report.skipped.append("needle")
        proposals = film_needles(image, film, key) if wanting else []
        for r in wanting:
            prop = root_needle(proposals, r, roots)
            if prop is None:
                continue
            if report.needle is None:
                report.needle = prop.to_json()
            for ann in needle_annotations(prop, key):
                doc.add_annotation(film_id, own(ann, r, roots))
    path_ann = root_path(film, root)
    if cine and image.info.frames >= 3:
        run = np.stack([image.stored_frame(i) for i in range(image.info.frames)])
        if invert:
            run = run.max() - run
        cue = vascular_cue(run, path_ann.points if path_ann else None, calibration)
        if cue.first_frame is not None and cue.location is not None and wanted("intravascular"):
            from annotator.assist.suggest import Candidate

            c = Candidate("intravascular", 0.0, cue.location,
                          f"new contrast outside the root path from frame {cue.first_frame}")
            finding, ann = make_suggestion(c, film_id, cue.first_frame, cal.unit_label)
            doc.add_annotation(film_id, own(ann, root, roots))
            doc.add_finding(root.id, finding)
            report.cue_frame = cue.first_frame
            report.findings.append(finding.code)
    for r in roots if path_findings else []:  # each root's findings from its own path
        path = root_path(film, r)
        if path is None:
            continue
        pframe = image.stored_frame(min(path.frame, image.info.frames - 1))
        _, found = analyse_path(pframe, path.points, calibration, film.effective_directions(), r.level,
                                film_id, path.frame, invert)
        for finding, ann in found:
            if not wanted(finding.code, r):
                continue
            doc.add_annotation(film_id, own(ann, r, roots))
            doc.add_finding(r.id, finding)
            report.findings.append(finding.code)
    return report


def assist_case(doc: CaseDocument, needle: bool = True, cine: bool = True,
                path_findings: bool = True, force: bool = False) -> list[FilmReport]:
    """Suggestions on every film of the case, as one undo step. A film that cannot be
    read is reported (``FilmReport.error``) and skipped; the others still get theirs.
    Confirmed tips and findings are not re-suggested unless ``force`` (see ``assist_film``)."""
    reports = []
    with doc.macro("Assist suggestions"):
        for film in doc.case.films():
            try:
                reports.append(assist_film(doc, film.id, needle, cine, path_findings, force))
            except AnnotatorError as exc:
                log.warning("assist skipped film %s: %s", film.id, exc)
                reports.append(FilmReport(film.id, error=str(exc)))
    return reports
