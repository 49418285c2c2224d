"""Films made ready for export: opened, rendered, judged and captioned once, used by every format.

A :class:`PreparedFilm` holds the display buffer of the film's key frame (the
same pixels the screen shows, ``annotator.render.display_frame``), the rules'
verdict and warnings, its figure label and its caption (free text scrubbed of
identity unless the export is identified), and renders the clean and the
annotated burned-in image on demand (cached).

A film several roots use (domain.md §4, ``Case.films_of``) is prepared once per
root: each root's part of an export shows it with that root's verdict, its tip
in the verdict colour and the other roots' tips in their root colours
(``render.style.root_color``). It keeps one figure label (the film is one
figure); its second and later appearances get a ``file_label`` naming the root
(``6A-left-L5``) so no file name is written twice.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from annotator.errors import AnnotatorError, ExportError
from annotator.export import text as tx
from annotator.export.burn_in import Layers, burn_film
from annotator.export.deid import IdentityScrubber
from annotator.model import Case, Film, Root

log = logging.getLogger(__name__)

# a caption the user wrote in full, figure number included: "Fig 7A (...): ...", "图7A（...）：..."
_FULL_CAPTION = re.compile(r"^\s*(?:Fig(?:ure)?\.?\s*\d+[A-Za-z]*\b|图\s*\d+[A-Za-z]*)")
_HEAD = re.compile(r"^\s*(?P<zh>图)?(?:Fig(?:ure)?\.?)?\s*(?P<label>\d+[A-Za-z]*)[^:：]*(?:[:：]\s*(?P<rest>.*))?$", re.S)


def evaluate(film: Film, root: Root, config: Any, films: list[Film] | None = None) -> tuple[Any, tuple[Any, ...]]:
    """(verdict or None, warnings) from ``annotator.rules.evaluate_film``; none if the rules cannot say."""
    try:
        from annotator.rules import evaluate_film
    except ImportError:  # rules package without evaluate_film: export without verdicts
        return None, ()
    try:
        result = evaluate_film(film, root, config, films)
    except AnnotatorError:
        raise
    except Exception as exc:  # a rule bug must not stop a teaching export; say so in the log
        log.warning("rules could not judge a film (%s): exported without a verdict", type(exc).__name__)
        return None, ()
    return getattr(result, "verdict", None), tuple(getattr(result, "warnings", ()) or ())


def load_rule_config() -> Any:
    try:
        from annotator.rules import load_config
    except ImportError:
        return None
    return load_config()


@dataclass
class PreparedFilm:
    case_number: int  # 1-based position of the case in the export
    root: Root
    film: Film
    index: int  # position of the film within the case (letters A, B, ...)
    label: str  # figure label, e.g. "1A" or the user's "7A"
    buffer: np.ndarray  # display buffer of the key frame (H x W or H x W x 3 uint8)
    path: Path  # source file
    is_dicom: bool
    lang: str
    verdict: Any = None
    warnings: tuple[Any, ...] = ()
    sentence: str = ""  # caption sentence (scrubbed)
    findings: tuple[str, ...] = ()  # finding texts on this film
    window: tuple[float, float] | None = None  # (centre, width) in modality units, grey films
    burned_in: str | None = None  # the source's BurnedInAnnotation ("YES"/"NO"), None if not said
    config: Any = None  # the rules' configuration (findings vocabulary for marker labels)
    root_findings: tuple[str, ...] = ()  # finding texts of the root tagged on no film of it
    file_label: str = ""  # the label in file names and UIDs: ``label``, or ``label-<side>-<level>``
    # on a film's second and later appearance (a film several roots use)
    tip_colors: dict[str, Any] = field(default_factory=dict)  # other roots' tips on a shared film:
    # annotation id -> root colour
    shared: bool = False  # the film is used by more than one root
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.file_label = self.file_label or self.label

    @property
    def repeated(self) -> bool:
        """True for a film's second and later appearance in the export (another root's part)."""
        return self.file_label != self.label

    def uid_parts(self) -> tuple[str, ...]:
        """What tells this appearance's DICOM objects apart: the film, and the root when repeated."""
        return (self.film.id, self.root.id) if self.repeated else (self.film.id,)

    def _other_language_head(self) -> tuple[str, str] | None:
        """(label, sentence) of a complete user caption written in the other language's style
        ("Fig 7A (...): ..." in a Chinese deck): its head is generated again in the deck's."""
        m = _HEAD.match(self.sentence) if _FULL_CAPTION.match(self.sentence) else None
        if m is None or bool(m.group("zh")) == (self.lang == "zh"):
            return None
        if m.group("rest") is None:  # no "head: sentence" form ("Figure 12 shows ..."): keep it whole
            return None
        return m.group("label"), m.group("rest").strip()

    @property
    def caption(self) -> str:
        """Article-style caption; a user caption that is already complete ("Fig 7A (...): ...") as it
        is, but with figure label, view and phase in the deck's language when it was written in the
        other one (the user's sentence is kept as written)."""
        other = self._other_language_head()
        if other is not None:
            return tx.caption(other[0], self.film, other[1], self.lang)
        if _FULL_CAPTION.match(self.sentence):
            return self.sentence
        return tx.caption(self.label, self.film, self.sentence, self.lang)

    @property
    def short_caption(self) -> str:
        """Caption without the sentence, for the clean slide (the reveal keeps the answer back)."""
        other = self._other_language_head()
        if other is not None:
            return tx.caption(other[0], self.film, "", self.lang)
        if _FULL_CAPTION.match(self.sentence):
            return re.split(r"[:：]", self.sentence, maxsplit=1)[0].strip()
        return tx.caption(self.label, self.film, "", self.lang)

    def image(self, annotated: bool, caption: bool = False, layers: Layers | None = None,
              text_scale: float = 1.0, panel: bool | None = None) -> Any:
        """The burned-in film (Pillow RGB), redactions always applied; cached.

        ``layers`` overrides ``annotated``/``caption`` (the user's choice of layers);
        ``text_scale`` enlarges overlay text; ``panel``: the legend column right of the
        film always (slides: clean and annotated films line up), never, or when it has
        something to show (None).
        """
        if layers is None:
            layers = Layers(caption=caption) if annotated else Layers.clean(caption=caption)
        annotated = layers.annotations or layers.target_zone or layers.verdict
        key = f"{layers!r}-{text_scale}-{panel}"
        if key not in self._cache:
            self._cache[key] = burn_film(
                self.buffer, self.film, layers=layers, verdict=self.verdict, warnings=self.warnings,
                caption=self.caption if annotated else self.short_caption, lang=self.lang,
                text_scale=text_scale, config=self.config, panel=panel, tip_colors=self.tip_colors,
            )
        return self._cache[key]

    def notes(self) -> list[str]:
        """Speaker notes: verdict sentence, warnings, findings on this film, and the findings of
        its root that belong to no film (tip in the sheath, resistance, spread...)."""
        out = []
        if self.verdict is not None:
            out.append(f"{tx.word('verdict', self.lang)}: {self.verdict.explain(self.lang)}")
        for w in self.warnings:
            out.append(f"{tx.word('warnings', self.lang)}: {w.message(self.lang)}")
        if self.findings:
            sep = "；" if self.lang == "zh" else "; "
            out.append(f"{tx.word('findings', self.lang)}: {sep.join(self.findings)}")
        if self.root_findings:
            sep = "；" if self.lang == "zh" else "; "
            out.append(f"{tx.word('findings', self.lang)} ({tx.root_label(self.root, self.lang)}): "
                       f"{sep.join(self.root_findings)}")
        return out


def _sentence(pf: PreparedFilm, scrub: Any) -> str:
    if pf.film.caption.strip():
        return scrub(pf.film.caption.strip())
    parts = list(pf.findings)
    if pf.shared:  # the same film in several roots' parts: say whose verdict this is
        parts.insert(0, tx.root_label(pf.root, pf.lang))
    if pf.verdict is not None:
        parts.append(pf.verdict.explain(pf.lang).rstrip("。."))
    if not parts:
        return ""
    if pf.lang == "zh":
        return "；".join(parts) + "。"
    s = "; ".join(parts)
    return s[0].upper() + s[1:] + "."


def scrubbed_film(film: Film, scrub: Any) -> Film:
    """A copy of ``film`` whose annotation texts (arrow and ruler notes, level labels, finding
    codes, levels) and caption have been through ``scrub``; geometry and ids unchanged."""
    anns = [replace(a, text=scrub(a.text) if a.text else a.text, level=scrub(a.level) if a.level else a.level)
            for a in film.annotations]
    return replace(film, annotations=anns, caption=scrub(film.caption) if film.caption else film.caption)


def iter_films(case: Case) -> Iterator[tuple[Root, Film]]:
    """Every (root, film) of the export, root by root: a film several roots use once per root."""
    for root in case.roots:
        for film in case.films_of(root):
            yield root, film


def figure_indices(case: Case) -> dict[str, int]:
    """Film id -> its position in the case (figure letters A, B, ...), counted at first appearance."""
    out: dict[str, int] = {}
    for _root, film in iter_films(case):
        out.setdefault(film.id, len(out))
    return out


def repeat_label(label: str, root: Root) -> str:
    """The file label of a film's appearance in another root's part: ``6A-left-L5``."""
    return f"{label}-{root.side.value}-{root.level}"


def _tip_colors(case: Case, film: Film, root: Root) -> dict[str, Any]:
    """The other roots' tips on ``film`` (annotation id -> their root colour)."""
    from annotator.render.style import root_color
    from annotator.rules.mark_choice import tip_marks

    users = [r for r in case.roots_of(film.id) if r is not root]
    return {a.id: root_color(i) for i, r in enumerate(case.roots) if any(r is u for u in users)
            for a in tip_marks(film, r)}


def prepare_film(
    case: Case, folder: Path, root: Root, film: Film, index: int, case_number: int, lang: str,
    config: Any, scrubber: IdentityScrubber | None, repeated: bool = False,
) -> PreparedFilm:
    """Open, render and judge one film of ``root``; ``scrubber`` None = identified export (no scrubbing).

    ``repeated``: the film already appeared in the export under another root (see the module docstring).
    """
    from annotator.io import open_image
    from annotator.render import display_frame

    path = Path(os.path.abspath(Path(folder) / film.path))  # not resolve(): a symlink loop raises there
    image = open_image(path)
    frame = min(film.key_frame, image.info.frames - 1)
    try:
        buffer = display_frame(image, frame)
    except AnnotatorError:
        raise
    except Exception as exc:
        raise ExportError(f"{path.name}: the film could not be rendered ({type(exc).__name__})") from exc
    root_films = case.films_of(root)
    verdict, warnings = evaluate(film, root, config, root_films)
    burned_in = burned_in_value(path) if image.info.format == "DICOM" else None
    window = None
    if not image.is_color:
        try:
            preset = image.default_window(frame)
            window = (float(preset.center), float(preset.width))
        except Exception:  # a window the GSPS cannot carry: viewers use their own
            window = None
    scrub = scrubber.scrub if scrubber is not None else (lambda s: s)
    findings = tuple(
        tx.finding_with_note(f, lang, config, scrub)
        for f in root.findings
        if f.film_id == film.id and not f.suggested
    )
    film_ids = {f.id for f in root_films}
    root_findings = tuple(
        tx.finding_with_note(f, lang, config, scrub)
        for f in root.findings
        if f.film_id not in film_ids and not f.suggested
    )
    label = tx.figure_label(case_number, index, film)
    pf = PreparedFilm(
        case_number=case_number, root=root, film=scrubbed_film(film, scrub) if scrubber is not None else film,
        index=index,
        label=label, file_label=repeat_label(label, root) if repeated else label, buffer=buffer, path=path,
        tip_colors=_tip_colors(case, film, root), shared=len(case.roots_of(film.id)) > 1,
        is_dicom=image.info.format == "DICOM", lang=lang, verdict=verdict, warnings=warnings,
        findings=findings, window=window, burned_in=burned_in, config=config, root_findings=root_findings,
    )
    pf.sentence = _sentence(pf, scrub)
    return pf


def burned_in_value(path: Path) -> str | None:
    """BurnedInAnnotation of a DICOM file, upper case, or None when the header does not say."""
    import pydicom

    try:
        value = pydicom.dcmread(path, stop_before_pixels=True).get("BurnedInAnnotation")
    except Exception:  # the film opened as DICOM a moment ago; a header we cannot read says nothing
        return None
    if value is None:
        return None
    return str(value).strip().upper() or None


def needs_redaction(film: Film, path: Path) -> bool:
    """The rule of a de-identified export: the file's DICOM header says its pixels carry
    identifying text (BurnedInAnnotation YES) and no redaction rectangle is drawn on the film."""
    return not film.redactions and burned_in_value(path) == "YES"


def burned_in_refusal(label: str) -> ExportError:
    """The one-line refusal of :func:`needs_redaction` for film ``label``."""
    return ExportError(
        f"film {label}: its DICOM header says the image has burned-in text (BurnedInAnnotation YES) "
        "and no redaction is drawn; draw a redaction over the burned-in text, or export identified "
        "(--identified)")


def refuse_burned_in(pf: PreparedFilm) -> None:
    """:func:`burned_in_refusal` for a prepared film (its header was read when it was prepared)."""
    if pf.burned_in == "YES" and not pf.film.redactions:
        raise burned_in_refusal(pf.label)


def check_films_early(items: list[tuple[Case, Path]], identified: bool) -> None:
    """Open every film's header (no pixel is decoded) and, for a de-identified export, apply
    :func:`needs_redaction`, before anything is rendered: a missing, unreadable or unsupported
    film, or burned-in text without a redaction, is the only line the user sees."""
    from annotator.io import open_image

    for number, (case, folder) in enumerate(items, start=1):
        for film_id, index in figure_indices(case).items():  # each film once, shared or not
            _root, film = case.film(film_id)
            path = Path(os.path.abspath(Path(folder) / film.path))
            image = open_image(path, headers_only=True)
            if not identified and image.info.format == "DICOM" and needs_redaction(film, path):
                raise burned_in_refusal(tx.figure_label(number, index, film))


def learn_identity(case: Case, folder: Path, scrubber: IdentityScrubber) -> None:
    """Teach ``scrubber`` the identity in the headers of the case's DICOM films."""
    import pydicom

    for film in case.films():
        path = Path(folder) / film.path
        try:
            ds = pydicom.dcmread(path, stop_before_pixels=True)
        except Exception:  # not DICOM (plain image) or unreadable: nothing to learn
            continue
        scrubber.add_dataset(ds)
