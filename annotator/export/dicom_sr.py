"""Comprehensive 3D SR measurement report (TID 1500, highdicom) of one root.

Content (read back by ``annotator.export.dicom_read.read_measurement_report``):

- per film with a verdict, a planar ROI group (finding type "Needle tip"): the
  measured segment in PIXEL coordinates of the source image — a POLYLINE from
  the tip to the nearest point of the target (the target point, or the nearest
  point of the target region's outline), a POINT at the tip when the tip is on
  target (distance 0) — with the frame number of the tip's frame (1-based) on a
  multi-frame image, the measurement "Needle tip to target distance" in ``mm``
  (UCUM) or ``{pixel}``, rounded as the screen shows it (0.1 mm, whole pixels), and the
  qualitative evaluation "Needle tip position" = on target / near / off /
  insufficient / ambiguous (or a status this version does not know, coded as it is);
- per finding a group: finding type = the finding code, finding site = its
  site, "Finding value" = its value, "Finding angle" in degrees (0.1), and the film
  (and frame) it was tagged on as the group's source image;
- one root group (finding type "Spinal nerve root tested") whose finding site is
  the vertebra in SNOMED CT with its laterality (Right 24028007 / Left 7771000;
  ``sr_codes.VERTEBRA_CODES``), our exact level ("Nerve root level"), the block
  result, the conclusion and its cautions (DCM 121077 "Conclusion", "Caution"),
  and every safety warning of the root and its films ("Safety warning", e.g. W3
  intravascular contrast) — the same judgement as ``check`` and the slides
  (``annotator.rules.evaluate_root``);
- an image library (TID 1600) of the referenced films whose pixel spacing is the
  spacing the measurements use (the film's effective calibration: magnification
  corrected, or the user's calibration), so that a reader recomputing a distance
  from the coordinates gets the reported value;
- text in the export language: the meanings of our codes, tracking identifiers
  and labels in Chinese for a Chinese export, with "Language of Content Item and
  Descendants" zh-CN (RFC 5646); en-US otherwise.

Tracking identifiers say what the group is ("Fig 1A needle tip (R-AP)",
"Fig 1B finding: contrast cutoff", "right L5 nerve root").

Codes of this domain that no public terminology covers use the local coding
scheme ``99FLA`` (``annotator.export.sr_codes``, a lossless mapping of our ids
to code values of at most 16 characters); meanings are the English labels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from annotator.export import sr_codes as sc
from annotator.export import text as tx
from annotator.export.dicom_gsps import MANUFACTURER, reference_view
from annotator.model import Role

SCHEME = sc.SCHEME
# kept for readers of the old names
PROCEDURE, TIP_DISTANCE, TIP_POSITION, BLOCK_RESULT = sc.PROCEDURE, sc.TIP_DISTANCE, sc.TIP_POSITION, sc.BLOCK_RESULT
LANGUAGES = {"en": ("en-US", "English (United States)"), "zh": ("zh-CN", "Chinese (China)")}


def status_code(status: str, lang: str = "en") -> Any:
    return sc.coded(status, tx.status_label(status, lang))


def finding_code(code: str, config: Any = None, lang: str = "en") -> Any:
    return sc.coded(code, tx.finding_label(code, lang, config))


def _frames(ref: Any, frame: int) -> list[int] | None:
    n = int(getattr(ref, "NumberOfFrames", 1) or 1)
    return [min(max(frame, 0), n - 1) + 1] if n > 1 else None


def spacing(film: Any) -> tuple[float, float] | None:
    """(row, column) spacing in mm the film's measurements use, or None (pixels)."""
    cal = film.effective_calibration()
    return (float(cal.row_mm), float(cal.col_mm)) if cal.row_mm is not None and cal.col_mm is not None else None


def display_value(value: float, unit: str) -> float:
    """``value`` rounded as the screen shows it (``render.labels.format_length``): 0.1 mm, whole pixels."""
    return float(round(value)) if unit == "px" else round(float(value), 1)


def _nearest_on_outline(p: tuple[float, float], outline: Sequence[tuple[float, float]],
                        sx: float, sy: float) -> tuple[float, float]:
    """The point of the closed ``outline`` nearest to ``p``, distances measured in mm (x * sx, y * sy)."""
    best, best_d = outline[0], float("inf")
    n = len(outline)
    for i in range(n):
        (ax, ay), (bx, by) = outline[i], outline[(i + 1) % n]
        ux, uy = (bx - ax) * sx, (by - ay) * sy
        wx, wy = (p[0] - ax) * sx, (p[1] - ay) * sy
        den = ux * ux + uy * uy
        t = 0.0 if den == 0 else min(1.0, max(0.0, (wx * ux + wy * uy) / den))
        q = (ax + t * (bx - ax), ay + t * (by - ay))
        d = math.hypot((p[0] - q[0]) * sx, (p[1] - q[1]) * sy)
        if d < best_d:
            best, best_d = q, d
    return best


def target_point(verdict: Any, tip: tuple[float, float], film: Any) -> tuple[float, float] | None:
    """The other end of the tip-to-target distance (pixels), None when the distance is 0 or the
    target is not known, or when the segment would not give the reported distance back."""
    zone = getattr(verdict, "zone", None)
    if zone is None or not verdict.distance:
        return None
    sp = spacing(film)
    sy, sx = sp if sp is not None and not verdict.unit == "px" else (1.0, 1.0)
    if zone.kind == "disc" and zone.center is not None:
        q = (float(zone.center[0]), float(zone.center[1]))
    elif zone.polygon:
        q = _nearest_on_outline(tip, list(zone.polygon), sx, sy)
    else:
        return None
    length = math.hypot((tip[0] - q[0]) * sx, (tip[1] - q[1]) * sy)
    return q if abs(length - float(verdict.distance)) <= 0.05 else None


def _tip_group(hsr: Any, pf: Any, ref: Any, sop_uid: str, lang: str) -> Any:
    import numpy as np
    from pydicom.uid import generate_uid

    verdict = pf.verdict
    # the tip the verdict judged (a film may show several roots' tips), else the key frame's first
    tip_id = verdict.details.get("tip_annotation_id") if verdict is not None else None
    tip = next((a for a in pf.film.annotations if a.id == tip_id), None) or pf.film.first(Role.TIP, pf.film.key_frame)
    if verdict is None or tip is None:
        return None

    def clip(p: tuple[float, float]) -> list[float]:
        return [min(max(float(p[0]), 0.0), float(ref.Columns)), min(max(float(p[1]), 0.0), float(ref.Rows))]

    target = target_point(verdict, tip.points[0], pf.film)
    points = [clip(tip.points[0])] + ([clip(target)] if target is not None else [])
    source = hsr.SourceImageForRegion.from_source_image(ref, referenced_frame_numbers=_frames(ref, tip.frame))
    region = hsr.ImageRegion(
        graphic_type=hsr.GraphicTypeValues.POLYLINE if target is not None else hsr.GraphicTypeValues.POINT,
        graphic_data=np.array(points), source_image=source)
    measurements = []
    if verdict.distance is not None:
        unit = _ucum("mm", "millimeter") if verdict.unit.startswith("mm") else _ucum("{pixel}", "pixel")
        value = display_value(verdict.distance, "px" if verdict.unit == "px" else "mm")
        measurements.append(hsr.Measurement(name=sc.concept(sc.TIP_DISTANCE, lang), value=value, unit=unit))
    what = f"图{pf.label} 针尖（{verdict.rule_id}）" if lang == "zh" else f"Fig {pf.label} needle tip ({verdict.rule_id})"
    return hsr.PlanarROIMeasurementsAndQualitativeEvaluations(
        tracking_identifier=hsr.TrackingIdentifier(
            uid=generate_uid(entropy_srcs=[sop_uid, pf.film.id]), identifier=what[:64]),
        referenced_region=region,
        finding_type=sc.concept(sc.NEEDLE_TIP, lang),
        measurements=measurements or None,
        qualitative_evaluations=[hsr.QualitativeEvaluation(sc.concept(sc.TIP_POSITION, lang),
                                                           status_code(str(verdict.status.value), lang))],
    )


def _ucum(value: str, meaning: str) -> Any:
    from highdicom.sr import CodedConcept

    return CodedConcept(value=value, scheme_designator="UCUM", meaning=meaning)


def _finding_group(hsr: Any, finding: Any, refs: dict[str, tuple[Any, Any]], sop_uid: str, config: Any,
                   lang: str) -> Any:
    from pydicom.uid import generate_uid

    fdef = config.findings.get(finding.code) if config is not None else None

    def label(item: str) -> str:
        return fdef.label_of(item, lang) if fdef is not None else item.replace("_", " ")

    sites = [hsr.FindingSite(sc.coded(finding.site, label(finding.site)))] if finding.site else None
    evaluations = ([hsr.QualitativeEvaluation(sc.concept(sc.FINDING_VALUE, lang),
                                              sc.coded(finding.value, label(finding.value)))]
                   if finding.value else None)
    measurements = None
    if finding.angle_deg is not None:
        measurements = [hsr.Measurement(name=sc.concept(sc.FINDING_ANGLE, lang),
                                        value=round(float(finding.angle_deg), 1), unit=_ucum("deg", "degree"))]
    ref, pf = refs.get(finding.film_id or "", (None, None))
    source = None
    if ref is not None:
        frame = pf.film.key_frame
        if finding.annotation_id:
            ann = next((a for a in pf.film.annotations if a.id == finding.annotation_id), None)
            frame = ann.frame if ann is not None else frame
        source = [hsr.SourceImageForMeasurementGroup.from_source_image(
            ref, referenced_frame_numbers=_frames(ref, frame))]
    name = tx.finding_label(finding.code, lang, config)
    where = (f"图{pf.label} " if lang == "zh" else f"Fig {pf.label} ") if pf is not None else ""
    what = f"{where}所见：{name}" if lang == "zh" else f"{where}finding: {name}"
    return hsr.MeasurementsAndQualitativeEvaluations(
        tracking_identifier=hsr.TrackingIdentifier(uid=generate_uid(entropy_srcs=[sop_uid, finding.id]),
                                                   identifier=what[:64]),
        finding_type=finding_code(finding.code, config, lang),
        finding_sites=sites, measurements=measurements, qualitative_evaluations=evaluations,
        source_images=source,
    )


def _root_evaluations(hsr: Any, root: Any, config: Any, lang: str, case: Any = None) -> list[Any]:
    from pydicom.sr.codedict import codes

    from annotator.rules import evaluate_root

    rs = evaluate_root(root, config, case)  # with the films it shares, as check judges it
    out = [hsr.QualitativeEvaluation(sc.concept(sc.ROOT_LEVEL, lang), sc.coded(root.level, root.level)),
           hsr.QualitativeEvaluation(sc.concept(sc.BLOCK_RESULT, lang),
                                     sc.coded(rs.block_result, tx.block_label(rs.block_result, lang))),
           hsr.QualitativeEvaluation(codes.DCM.Conclusion,
                                     sc.coded(rs.conclusion, _say(f"conclusion.{rs.conclusion}", lang)))]
    out += [hsr.QualitativeEvaluation(sc.concept(sc.CAUTION, lang),
                                      sc.coded(c, _strip_caution(_say(f"caution.{c}", lang))))
            for c in rs.cautions]
    seen: set[tuple[str, str]] = set()
    for w in rs.all_warnings:
        text = w.message(lang)
        if (w.key, text) in seen:
            continue
        seen.add((w.key, text))
        out.append(hsr.QualitativeEvaluation(sc.concept(sc.SAFETY_WARNING, lang), sc.coded(w.key, text)))
    return out


def _strip_caution(text: str) -> str:
    for head in ("caution: ", "注意：", "注意: "):
        text = text.removeprefix(head)
    return text


def _say(key: str, lang: str = "en") -> str:
    from annotator.rules.messages import TEXT, say

    return say(key, lang) if key in TEXT else key.rpartition(".")[2].replace("_", " ")


def _root_site(hsr: Any, root: Any) -> list[Any] | None:
    level = sc.VERTEBRA_CODES.get(str(root.level).upper())
    side = sc.LATERALITY_CODES.get(str(getattr(root.side, "value", root.side)))
    if level is None:
        return None
    return [hsr.FindingSite(sc.snomed(level), laterality=sc.snomed(side) if side is not None else None)]


def library_view(view: Any, film: Any) -> Any:
    """``view`` for the image library: its Imager Pixel Spacing (TID 1603 "Horizontal/Vertical Pixel
    Spacing") is the spacing the measurements use; unchanged for a film measured in pixels."""
    import copy

    sp = spacing(film)
    if sp is None:
        return view
    out = copy.copy(view)
    out.ImagerPixelSpacing = [f"{sp[0]:.6g}", f"{sp[1]:.6g}"]
    if "PixelSpacing" in out:
        out.PixelSpacing = [f"{sp[0]:.6g}", f"{sp[1]:.6g}"]
    return out


def build_sr(
    root: Any,
    films: Sequence[Any],
    sources: Sequence[Any],
    *,
    series_uid: str,
    sop_uid: str,
    instance_number: int = 1,
    config: Any = None,
    lang: str = "en",
    case: Any = None,
) -> Any:
    """The measurement report of ``root`` in ``lang`` (en, zh).

    ``films``: the root's :class:`~annotator.export.films.PreparedFilm` list (with the
    films it shares with other roots, judged for this root);
    ``sources``: the pydicom image dataset each film references, same order;
    ``case``: the root's case, so the conclusion counts the shared films as ``check`` does.
    """
    import highdicom.sr as hsr
    from highdicom.sr import CodedConcept
    from pydicom.dataset import Dataset
    from pydicom.sr.codedict import codes
    from pydicom.uid import generate_uid

    if config is None:
        from annotator.rules import load_config

        config = load_config()
    views = [reference_view(s) for s in sources]
    refs = {pf.film.id: (ref, pf) for pf, ref in zip(films, views)}
    groups: list[Any] = [g for pf, ref in zip(films, views)
                         if (g := _tip_group(hsr, pf, ref, sop_uid, lang)) is not None]
    groups += [_finding_group(hsr, f, refs, sop_uid, config, lang) for f in root.findings if not f.suggested]
    root_name = f"{tx.root_label(root, lang)} 神经根" if lang == "zh" else f"{tx.root_label(root, lang)} nerve root"
    groups.append(hsr.MeasurementsAndQualitativeEvaluations(
        tracking_identifier=hsr.TrackingIdentifier(uid=generate_uid(entropy_srcs=[sop_uid, root.id]),
                                                   identifier=root_name[:64]),
        finding_type=sc.concept(sc.NERVE_ROOT, lang),
        finding_sites=_root_site(hsr, root),
        qualitative_evaluations=_root_evaluations(hsr, root, config, lang, case),
    ))
    observer = hsr.ObservationContext(observer_device_context=hsr.ObserverContext(
        observer_type=codes.DCM.Device,
        observer_identifying_attributes=hsr.DeviceObserverIdentifyingAttributes(
            uid=generate_uid(prefix=None, entropy_srcs=[MANUFACTURER]), name=MANUFACTURER)))
    code, meaning = LANGUAGES.get(lang, LANGUAGES["en"])
    language = hsr.LanguageOfContentItemAndDescendants(
        CodedConcept(value=code, scheme_designator="RFC5646", meaning=meaning))
    library = [library_view(ref, pf.film) for pf, ref in zip(films, views)]
    report = hsr.MeasurementReport(observation_context=observer, procedure_reported=sc.concept(sc.PROCEDURE, lang),
                                   imaging_measurements=groups, referenced_images=library,
                                   language_of_content_item_and_descendants=language)
    sr = hsr.Comprehensive3DSR(
        evidence=views, content=report[0], series_instance_uid=series_uid, series_number=902,
        sop_instance_uid=sop_uid, instance_number=instance_number, manufacturer=MANUFACTURER,
        is_complete=True,
    )
    sr.SpecificCharacterSet = "ISO_IR 192"
    scheme = Dataset()
    scheme.CodingSchemeDesignator = SCHEME
    scheme.CodingSchemeName = sc.SCHEME_NAME
    scheme.CodingSchemeResponsibleOrganization = "fluoro-annotator project"
    sr.CodingSchemeIdentificationSequence = [*getattr(sr, "CodingSchemeIdentificationSequence", []), scheme]
    return sr
