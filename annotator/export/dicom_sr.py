"""Comprehensive 3D SR measurement report (TID 1500, highdicom) of one root.

Content (read back by ``annotator.export.dicom_read.read_measurement_report``):

- per film with a verdict, a planar ROI group (finding type "Needle tip"): a
  POINT region in PIXEL coordinates of the source image (with the frame
  number of the tip's frame, 1-based, on a multi-frame image), the
  measurement "Needle tip to target distance" in ``mm`` (UCUM; the
  calibration source is named in the tracking identifier) or ``{pixel}``, and
  the qualitative evaluation "Needle tip position" = on target / near / off /
  insufficient / ambiguous;
- per finding a group: finding type = the finding code, finding site = its
  site, "Finding value" = its value, "Finding angle" in degrees, and the film
  it was tagged on as the group's source image;
- one root group with the block result, the conclusion and its cautions (DCM
  121077 "Conclusion", "Caution"), and every safety warning of the root and
  its films ("Safety warning", e.g. W3 intravascular contrast) — the same
  judgement as ``check`` and the slides (``annotator.rules.evaluate_root``);
- an image library (TID 1600) of the referenced films.

Codes of this domain that no public terminology covers use the local coding
scheme ``99FLA`` (``annotator.export.sr_codes``, a lossless mapping of our ids
to code values of at most 16 characters); meanings are the English labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotator.export import sr_codes as sc
from annotator.export import text as tx
from annotator.export.dicom_gsps import MANUFACTURER, reference_view
from annotator.model import Role

SCHEME = sc.SCHEME
# kept for readers of the old names
PROCEDURE, TIP_DISTANCE, TIP_POSITION, BLOCK_RESULT = sc.PROCEDURE, sc.TIP_DISTANCE, sc.TIP_POSITION, sc.BLOCK_RESULT


def status_code(status: str) -> Any:
    return sc.coded(status, tx.status_label(status, "en"))


def finding_code(code: str, config: Any = None) -> Any:
    return sc.coded(code, tx.finding_label(code, "en", config))


def _frames(ref: Any, frame: int) -> list[int] | None:
    n = int(getattr(ref, "NumberOfFrames", 1) or 1)
    return [min(max(frame, 0), n - 1) + 1] if n > 1 else None


def _tip_group(hsr: Any, pf: Any, ref: Any, sop_uid: str) -> Any:
    import numpy as np
    from pydicom.uid import generate_uid

    verdict = pf.verdict
    # the tip the verdict judged (a film may show several roots' tips), else the key frame's first
    tip_id = verdict.details.get("tip_annotation_id") if verdict is not None else None
    tip = next((a for a in pf.film.annotations if a.id == tip_id), None) or pf.film.first(Role.TIP, pf.film.key_frame)
    if verdict is None or tip is None:
        return None
    x = min(max(tip.points[0][0], 0.0), float(ref.Columns))
    y = min(max(tip.points[0][1], 0.0), float(ref.Rows))
    source = hsr.SourceImageForRegion.from_source_image(ref, referenced_frame_numbers=_frames(ref, tip.frame))
    region = hsr.ImageRegion(graphic_type=hsr.GraphicTypeValues.POINT, graphic_data=np.array([[x, y]]),
                             source_image=source)
    measurements = []
    if verdict.distance is not None:
        unit = _ucum("mm", "millimeter") if verdict.unit.startswith("mm") else _ucum("{pixel}", "pixel")
        measurements.append(hsr.Measurement(name=sc.concept(sc.TIP_DISTANCE), value=float(verdict.distance),
                                            unit=unit))
    return hsr.PlanarROIMeasurementsAndQualitativeEvaluations(
        tracking_identifier=hsr.TrackingIdentifier(
            uid=generate_uid(entropy_srcs=[sop_uid, pf.film.id]),
            identifier=f"Fig {pf.label} {verdict.rule_id} tip ({verdict.unit})"[:64]),
        referenced_region=region,
        finding_type=sc.concept(sc.NEEDLE_TIP),
        measurements=measurements or None,
        qualitative_evaluations=[hsr.QualitativeEvaluation(sc.concept(sc.TIP_POSITION),
                                                           status_code(str(verdict.status.value)))],
    )


def _ucum(value: str, meaning: str) -> Any:
    from highdicom.sr import CodedConcept

    return CodedConcept(value=value, scheme_designator="UCUM", meaning=meaning)


def _finding_group(hsr: Any, finding: Any, refs: dict[str, Any], sop_uid: str, config: Any) -> Any:
    from pydicom.uid import generate_uid

    fdef = config.findings.get(finding.code) if config is not None else None

    def label(item: str) -> str:
        return fdef.label_of(item, "en") if fdef is not None else item.replace("_", " ")

    sites = [hsr.FindingSite(sc.coded(finding.site, label(finding.site)))] if finding.site else None
    evaluations = ([hsr.QualitativeEvaluation(sc.concept(sc.FINDING_VALUE), sc.coded(finding.value,
                                                                                     label(finding.value)))]
                   if finding.value else None)
    measurements = None
    if finding.angle_deg is not None:
        measurements = [hsr.Measurement(name=sc.concept(sc.FINDING_ANGLE), value=float(finding.angle_deg),
                                        unit=_ucum("deg", "degree"))]
    ref = refs.get(finding.film_id or "")
    source = [hsr.SourceImageForMeasurementGroup.from_source_image(ref)] if ref is not None else None
    return hsr.MeasurementsAndQualitativeEvaluations(
        tracking_identifier=hsr.TrackingIdentifier(uid=generate_uid(entropy_srcs=[sop_uid, finding.id]),
                                                   identifier=f"finding {finding.id}"[:64]),
        finding_type=finding_code(finding.code, config),
        finding_sites=sites, measurements=measurements, qualitative_evaluations=evaluations,
        source_images=source,
    )


def _root_evaluations(hsr: Any, root: Any, config: Any) -> list[Any]:
    from pydicom.sr.codedict import codes

    from annotator.rules import evaluate_root

    rs = evaluate_root(root, config)
    out = [hsr.QualitativeEvaluation(sc.concept(sc.BLOCK_RESULT),
                                     sc.coded(rs.block_result, tx.block_label(rs.block_result, "en"))),
           hsr.QualitativeEvaluation(codes.DCM.Conclusion,
                                     sc.coded(rs.conclusion, _say(f"conclusion.{rs.conclusion}")))]
    out += [hsr.QualitativeEvaluation(sc.concept(sc.CAUTION), sc.coded(c, _say(f"caution.{c}").removeprefix("caution: ")))
            for c in rs.cautions]
    seen: set[tuple[str, str]] = set()
    for w in rs.all_warnings:
        text = w.message("en")
        if (w.key, text) in seen:
            continue
        seen.add((w.key, text))
        out.append(hsr.QualitativeEvaluation(sc.concept(sc.SAFETY_WARNING), sc.coded(w.key, text)))
    return out


def _say(key: str) -> str:
    from annotator.rules.messages import say

    return say(key, "en")


def build_sr(
    root: Any,
    films: Sequence[Any],
    sources: Sequence[Any],
    *,
    series_uid: str,
    sop_uid: str,
    instance_number: int = 1,
    config: Any = None,
) -> Any:
    """The measurement report of ``root``.

    ``films``: the root's :class:`~annotator.export.films.PreparedFilm` list;
    ``sources``: the pydicom image dataset each film references, same order.
    """
    import highdicom.sr as hsr
    from pydicom.dataset import Dataset
    from pydicom.sr.codedict import codes
    from pydicom.uid import generate_uid

    if config is None:
        from annotator.rules import load_config

        config = load_config()
    views = [reference_view(s) for s in sources]
    refs = {pf.film.id: ref for pf, ref in zip(films, views)}
    groups: list[Any] = [g for pf, ref in zip(films, views) if (g := _tip_group(hsr, pf, ref, sop_uid)) is not None]
    groups += [_finding_group(hsr, f, refs, sop_uid, config) for f in root.findings if not f.suggested]
    groups.append(hsr.MeasurementsAndQualitativeEvaluations(
        tracking_identifier=hsr.TrackingIdentifier(uid=generate_uid(entropy_srcs=[sop_uid, root.id]),
                                                   identifier=f"root {root.side.value} {root.level}"),
        qualitative_evaluations=_root_evaluations(hsr, root, config),
    ))
    observer = hsr.ObservationContext(observer_device_context=hsr.ObserverContext(
        observer_type=codes.DCM.Device,
        observer_identifying_attributes=hsr.DeviceObserverIdentifyingAttributes(
            uid=generate_uid(prefix=None, entropy_srcs=[MANUFACTURER]), name=MANUFACTURER)))
    report = hsr.MeasurementReport(observation_context=observer, procedure_reported=sc.concept(sc.PROCEDURE),
                                   imaging_measurements=groups, referenced_images=views)
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
