"""One call that exports cases to any mix of PPTX, PDF, burned-in PNG/JPEG and DICOM.

    result = export_cases([(case, folder)], pptx="deck.pptx", pdf="deck.pdf",
                          png_dir="films/", dicom_dir="dicom/", lang="zh",
                          progress=lambda done, total, message: True)

De-identified by default (ADR 0002): the identity in the films' DICOM headers
is learnt first and scrubbed from every text the user wrote; the case title
is left out; output files are named by case number and figure label, never
by source file name. Every file is written under a temporary name and checked
for the known identity strings (and the page text of a PDF, the text elements
of a DICOM object) *before* the next one is written; only when all are written
and clean are they moved into place. A leak, or any other failure, removes
every file of the export (``ExportError``) and leaves files of an earlier
export at the same places untouched. A DICOM film whose header says it has
burned-in annotation (BurnedInAnnotation YES) and that has no redaction
rectangle is refused before anything is written. ``identified=True`` keeps
identity and returns a warning saying so.

``progress(done, total, message)`` is called before each step (``message``
is safe to show: no identity); returning ``False`` cancels the export with
:class:`ExportCancelled` (files already finished and checked stay, none is
half-written).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator.errors import ExportError
from annotator.export import pseudonym, text_identity
from annotator.export import text as tx
from annotator.export.atomic import check_outputs
from annotator.export.burn_in import Layers
from annotator.export.deck import Deck, case_slides
from annotator.export.deid import IdentityScrubber
from annotator.export.films import (
    PreparedFilm,
    check_films_early,
    figure_indices,
    iter_films,
    learn_identity,
    load_rule_config,
    prepare_film,
    refuse_burned_in,
)
from annotator.export.lecture import LectureOptions, lecture_slides
from annotator.model import Case, Finding

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], Any]
IDENTIFIED_WARNING = "identified export: the output carries patient identity; do not share it outside care"


class ExportCancelled(ExportError):
    """The user cancelled the export from the progress callback."""


@dataclass
class ExportResult:
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # positions (in ``items``) of the cases whose ``extra`` the export changed: a pseudonym key
    # made, texts confirmed (``confirm_text``); the caller saves them
    changed_cases: list[int] = field(default_factory=list)


class _Steps:
    def __init__(self, total: int, progress: Progress | None) -> None:
        self.done, self.total, self.progress = 0, total, progress

    def step(self, message: str) -> None:
        if self.progress is not None and self.progress(self.done, self.total, message) is False:
            raise ExportCancelled("export cancelled")
        self.done += 1

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total, "done")


class _Output:
    """Where every file of one export goes: staged under a temporary name, checked for identity
    (de-identified exports) before the next one is written, moved into place only when all are."""

    def __init__(self, scrubber: IdentityScrubber | None) -> None:
        from annotator.export.atomic import Staging

        self.scrubber = scrubber
        self.staging = Staging()

    def __call__(self, dest: Path, write: Callable[[Path], Any]) -> Path:
        """``write(tmp)`` writes the file that will become ``dest``; returns ``dest``."""
        from annotator.export.deid import text_parts

        dest = Path(dest)
        tmp = self.staging.path(dest)
        write(tmp)
        if self.scrubber is not None and self.scrubber.find_leaks(text_parts(tmp)):
            raise ExportError(f"{dest.name}: patient identity found in the output; nothing was exported")
        return dest


def export_cases(
    items: Sequence[tuple[Case, str | Path]],
    *,
    pptx: str | Path | None = None,
    pdf: str | Path | None = None,
    png_dir: str | Path | None = None,
    dicom_dir: str | Path | None = None,
    lang: str = "en",
    identified: bool = False,
    progress: Progress | None = None,
    config: Any = None,
    image_format: str = "png",
    layers: Layers | None = None,
    seed: str | None = None,
    confirm_text: bool = False,
    lecture: LectureOptions | None = None,
) -> ExportResult:
    """Export ``items`` ((case, case folder) pairs; film paths are relative to the folder).

    ``layers``: what the burned-in PNG/JPEG films and the annotated slides show (default:
    everything; a slide's caption is its own text box); DICOM secondary captures use their own
    fixed choice.
    ``seed``: makes the DICOM de-identification reproducible (tests only).
    A de-identified export first checks the user's free text (``text_identity``): hits the
    scrubber would not remove and the user has not confirmed raise
    :class:`~annotator.export.text_identity.TextIdentityError` (nothing is written), unless
    ``confirm_text``, which records them as confirmed in the case. Each case gets a pseudonym
    key (``pseudonym``) the first time it is exported; ``result.changed_cases`` names the cases
    to save.
    ``lecture``: the deck is a lecture (title, contents, a section per case, quiz mode if asked;
    ``annotator.export.lecture``) instead of the cases' slides one after another.
    Raises ExportError (or ImageLoadError for a film that cannot be read).
    """
    tx.check_lang(lang)
    if not any((pptx, pdf, png_dir, dicom_dir)):
        raise ExportError("nothing to export: choose at least one of PPTX, PDF, PNG or DICOM")
    check_outputs(files=((pptx, ".pptx"), (pdf, ".pdf")), folders=(png_dir, dicom_dir))  # before any work: refusals come first
    if image_format not in ("png", "jpg"):
        raise ExportError(f"burned-in films are png or jpg, not {image_format}")
    if lang == "zh":
        from annotator.export.fonts import require_font

        require_font("zh")
    config = config if config is not None else load_rule_config()
    check_films_early([(case, Path(folder)) for case, folder in items], identified)  # refusals before progress
    result = ExportResult()
    scrubber: IdentityScrubber | None = None
    if identified:
        result.warnings.append(IDENTIFIED_WARNING)
    else:
        scrubber = IdentityScrubber()
        for case, folder in items:
            learn_identity(case, Path(folder), scrubber)
        _check_text(items, scrubber, confirm_text, result)
    for i, (case, _folder) in enumerate(items):
        if pseudonym.ensure_key(case) and i not in result.changed_cases:
            result.changed_cases.append(i)
    if scrubber is not None:
        # findings are free text where they leave the vocabulary (code, site, value, note): they
        # reach notes, warnings and the SR, so they are scrubbed once, before anything is evaluated
        items = [(_scrubbed_findings(case, scrubber.scrub), folder) for case, folder in items]
    scrub = scrubber.scrub if scrubber is not None else (lambda s: s)

    n_films = sum(1 for case, _ in items for _ in iter_films(case))
    n_roots = sum(len(case.roots) for case, _ in items)
    total = n_films + (1 if pptx else 0) + (1 if pdf else 0) + (n_films if png_dir else 0)
    total += (n_films + n_roots) if dicom_dir else 0
    steps = _Steps(total, progress)

    prepared: list[list[PreparedFilm]] = []
    for number, (case, folder) in enumerate(items, start=1):
        films: list[PreparedFilm] = []
        indices = figure_indices(case)  # a film several roots use is one figure, shown in each root's part
        for root, film in iter_films(case):
            index = indices[film.id]
            label = tx.figure_label(number, index, film)
            steps.step(f"case {number}: rendering film {label}")
            repeated = any(pf.film.id == film.id for pf in films)
            films.append(prepare_film(case, Path(folder), root, film, index, number, lang, config, scrubber,
                                      repeated=repeated))
            if not identified:
                refuse_burned_in(films[-1])
            if not films[-1].is_dicom and dicom_dir and not repeated:
                result.warnings.append(f"film {label} is not DICOM: exported as secondary capture only")
        prepared.append(films)

    output = _Output(scrubber)
    try:
        _write_all(items, prepared, output, steps, result, pptx=pptx, pdf=pdf, png_dir=png_dir,
                   dicom_dir=dicom_dir, lang=lang, identified=identified, config=config, scrub=scrub,
                   image_format=image_format, layers=layers, seed=seed, lecture=lecture)
    except ExportCancelled:
        result.files = output.staging.commit()  # what was finished (and checked) before the cancel stays
        raise
    except BaseException:
        output.staging.abort()
        raise
    result.files = output.staging.commit()
    steps.finish()
    for w in result.warnings:  # the caller shows result.warnings; logging them as warnings would say it twice
        log.info("%s", w)
    return result


def _write_all(items: Sequence[tuple[Case, str | Path]], prepared: list[list[PreparedFilm]], output: _Output,
               steps: _Steps, result: ExportResult, *, pptx: str | Path | None, pdf: str | Path | None,
               png_dir: str | Path | None, dicom_dir: str | Path | None, lang: str, identified: bool,
               config: Any, scrub: Callable[[str], str], image_format: str, layers: Layers | None,
               seed: str | None, lecture: LectureOptions | None = None) -> None:
    if pptx or pdf:
        deck = Deck(tx.word("teaching_deck", lang), lang)
        if lecture is not None:
            deck.slides = lecture_slides(items, prepared, lang, config, scrub, identified, lecture)
            deck.title = deck.slides[0].title
        else:
            for number, ((case, _folder), films) in enumerate(zip(items, prepared), start=1):
                deck.slides += case_slides(case, number, films, lang, config, scrub, identified, layers)
        if pptx:
            from annotator.export.slides_pptx import write_pptx

            steps.step("writing PowerPoint deck")
            output(Path(pptx), lambda tmp: write_pptx(deck, tmp))
        if pdf:
            from annotator.export.slides_pdf import write_pdf

            steps.step("writing PDF deck")
            output(Path(pdf), lambda tmp: write_pdf(deck, tmp))

    if png_dir:
        from annotator.export.burn_in import save_image

        for films in prepared:
            for pf in films:
                steps.step(f"writing film {pf.label}")
                dest = Path(png_dir) / f"case{pf.case_number}-fig{pf.file_label}.{image_format}"
                img = pf.image(annotated=True, layers=layers or Layers())
                output(dest, functools.partial(save_image, img))

    if dicom_dir:
        from annotator.export.deid import DicomDeidentifier
        from annotator.export.dicom_export import export_dicom

        for number, ((case, _folder), films) in enumerate(zip(items, prepared), start=1):
            # one per case: its pseudonym key makes the same patient, study and UIDs every time
            key = pseudonym.key_of(case)
            deidentifier = None if identified else DicomDeidentifier(seed, key=key)
            export_dicom(case, films, Path(dicom_dir), case_number=number, deidentifier=deidentifier,
                         step=steps.step, scrub=scrub, lang=lang, config=config, warn=result.warnings.append,
                         output=output, key=key)


def _check_text(items: Sequence[tuple[Case, str | Path]], scrubber: IdentityScrubber, confirm: bool,
                result: ExportResult) -> None:
    """TextIdentityError listing every unsettled hit of every case; with ``confirm`` they are
    recorded as confirmed in their case instead."""
    hits = []
    for i, (case, folder) in enumerate(items):
        found = text_identity.pending(case, folder, i + 1, scrub=scrubber.scrub)
        if found and confirm:
            case.extra = text_identity.confirm(case, found)
            result.changed_cases.append(i)
            result.warnings.append(f"case {i + 1}: {len(found)} text(s) kept as confirmed by the user")
        hits += found
    if hits and not confirm:
        raise text_identity.TextIdentityError(hits)


def text_hits(case: Case, folder: str | Path, case_number: int = 1) -> list[text_identity.TextHit]:
    """The hits that would stop a de-identified export of ``case`` (for the GUI to show before it)."""
    scrubber = IdentityScrubber()
    learn_identity(case, Path(folder), scrubber)
    return text_identity.pending(case, folder, case_number, scrub=scrubber.scrub)


def _scrubbed_findings(case: Case, scrub: Callable[[str], str]) -> Case:
    """A copy of ``case`` whose findings' code, site, value and note went through ``scrub``."""
    def clean(f: Finding) -> Finding:
        return replace(f, code=scrub(f.code) or f.code, note=scrub(f.note) if f.note else f.note,
                       site=scrub(f.site) if f.site else f.site, value=scrub(f.value) if f.value else f.value)

    return replace(case, roots=[replace(r, findings=[clean(f) for f in r.findings]) for r in case.roots])


def export_case(case: Case, folder: str | Path, **kwargs: Any) -> ExportResult:
    """:func:`export_cases` for one case."""
    return export_cases([(case, folder)], **kwargs)
