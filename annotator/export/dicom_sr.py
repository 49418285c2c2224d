"""Comprehensive 3D SR measurement report (TID 1500, highdicom) of one root.

Content, per film with a verdict (a planar ROI group on the needle tip, a
POINT region in PIXEL coordinates of the source image):

- measurement "Needle tip to target distance" in ``mm`` (UCUM; the
  calibration source is named in the tracking identifier) or ``{pixel}``;
- qualitative evaluation "Needle tip position" = on target / near / off /
  insufficient;

and one root group with the findings (DCM 121071 "Finding" = finding code),
the block result and the conclusion (DCM 121077 "Conclusion").

Codes of this domain that no public terminology covers use the local coding
scheme ``99FLA`` (PS3.16 §8.2 allows private schemes beginning with "99");
their meanings are the English labels, so any SR viewer shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotator.export import text as tx
from annotator.export.dicom_gsps import MANUFACTURER, reference_view
from annotator.model import Role

SCHEME = "99FLA"


def _code(value: str, meaning: str, scheme: str = SCHEME) -> Any:
    from highdicom.sr import CodedConcept

    return CodedConcept(value=value[:16], scheme_designator=scheme, meaning=meaning[:64])


PROCEDURE = ("SNRB", "Selective nerve root contrast study and block")
TIP_DISTANCE = ("TIP-TARGET", "Needle tip to target distance")
TIP_POSITION = ("TIP-POSITION", "Needle tip position")
BLOCK_RESULT = ("BLOCK-RESULT", "Block result")


def status_code(status: str) -> Any:
    return _code(status.upper().replace("_", "-"), tx.status_label(status, "en"))


def finding_code(code: str, config: Any = None) -> Any:
    return _code(code.upper().replace("_", "-")[:16], tx.finding_label(code, "en", config))


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
    import numpy as np
    from pydicom.sr.codedict import codes
    from pydicom.uid import generate_uid

    views = [reference_view(s) for s in sources]
    groups: list[Any] = []
    for pf, ref in zip(films, views):
        verdict = pf.verdict
        tip = pf.film.first(Role.TIP, pf.film.key_frame)
        if verdict is None or tip is None:
            continue
        x = min(max(tip.points[0][0], 0.0), float(ref.Columns))
        y = min(max(tip.points[0][1], 0.0), float(ref.Rows))
        region = hsr.ImageRegion(graphic_type=hsr.GraphicTypeValues.POINT, graphic_data=np.array([[x, y]]),
                                 source_image=hsr.SourceImageForRegion.from_source_image(ref))
        measurements = []
        if verdict.distance is not None:
            unit = (_code("mm", "millimeter", "UCUM") if verdict.unit.startswith("mm")
                    else _code("{pixel}", "pixel", "UCUM"))
            measurements.append(hsr.Measurement(name=_code(*TIP_DISTANCE), value=float(verdict.distance),
                                                unit=unit))
        groups.append(hsr.PlanarROIMeasurementsAndQualitativeEvaluations(
            tracking_identifier=hsr.TrackingIdentifier(
                uid=generate_uid(entropy_srcs=[sop_uid, pf.film.id]),
                identifier=f"Fig {pf.label} {verdict.rule_id} tip ({verdict.unit})"[:64]),
            referenced_region=region,
            finding_type=_code("NEEDLE-TIP", "Needle tip"),
            measurements=measurements or None,
            qualitative_evaluations=[hsr.QualitativeEvaluation(_code(*TIP_POSITION),
                                                               status_code(str(verdict.status.value)))],
        ))
    evaluations = [hsr.QualitativeEvaluation(codes.DCM.Finding, finding_code(f.code, config))
                   for f in root.findings if not f.suggested]
    evaluations.append(hsr.QualitativeEvaluation(
        _code(*BLOCK_RESULT), _code("BLOCK-" + root.block_result.value.upper().replace("_", "-"),
                                    tx.block_label(root.block_result.value, "en"))))
    evaluations.append(hsr.QualitativeEvaluation(
        codes.DCM.Conclusion, _code("CONCL-" + root.block_result.value.upper().replace("_", "-"),
                                    tx.conclusion_label(root.block_result.value, "en"))))
    groups.append(hsr.MeasurementsAndQualitativeEvaluations(
        tracking_identifier=hsr.TrackingIdentifier(uid=generate_uid(entropy_srcs=[sop_uid, root.id]),
                                                   identifier=f"root {root.side.value} {root.level}"),
        finding_sites=None,
        qualitative_evaluations=evaluations,
    ))
    observer = hsr.ObservationContext(observer_device_context=hsr.ObserverContext(
        observer_type=codes.DCM.Device,
        observer_identifying_attributes=hsr.DeviceObserverIdentifyingAttributes(
            uid=generate_uid(prefix=None, entropy_srcs=[MANUFACTURER]), name=MANUFACTURER)))
    report = hsr.MeasurementReport(observation_context=observer, procedure_reported=_code(*PROCEDURE),
                                   imaging_measurements=groups)
    sr = hsr.Comprehensive3DSR(
        evidence=views, content=report[0], series_instance_uid=series_uid, series_number=902,
        sop_instance_uid=sop_uid, instance_number=instance_number, manufacturer=MANUFACTURER,
        is_complete=True,
    )
    sr.SpecificCharacterSet = "ISO_IR 192"
    from pydicom.dataset import Dataset

    scheme = Dataset()
    scheme.CodingSchemeDesignator = SCHEME
    scheme.CodingSchemeName = "fluoro-annotator local codes"
    scheme.CodingSchemeResponsibleOrganization = "fluoro-annotator project"
    sr.CodingSchemeIdentificationSequence = [*getattr(sr, "CodingSchemeIdentificationSequence", []), scheme]
    return sr

