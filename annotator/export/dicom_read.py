"""Reading presentation states and measurement reports back.

- :func:`read_presentation_state`: the graphic annotations of any Grayscale
  Softcopy Presentation State. Graphics in our own layers (named by role,
  ``annotator.export.dicom_gsps``) become :class:`~annotator.model.Annotation`
  again (same points, roles and ids); anything else — other tools' layers,
  DISPLAY units converted when the image size is known — becomes a read-only
  :class:`ForeignGraphic` for the viewer to draw as it is.
- :func:`read_measurement_report`: distances, tip positions, findings, block
  result and conclusion of our TID 1500 reports (or any SR with such items).

Coordinates returned are our convention = DICOM PIXEL: float pixels, origin at
the top-left corner of the top-left pixel, +x right, +y down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydicom.multival import MultiValue

from annotator.errors import ExportError
from annotator.model import ROLE_KINDS, Annotation, Role, ShapeKind

GSPS_CLASS = "1.2.840.10008.5.1.4.1.1.11.1"


@dataclass(frozen=True)
class ForeignGraphic:
    """A graphic or text of a presentation state that is not one of our annotations (read-only)."""

    kind: str  # POINT, POLYLINE, INTERPOLATED, CIRCLE, ELLIPSE, TEXT
    points: tuple[tuple[float, float], ...]  # pixels; TEXT: anchor or bounding-box corners
    layer: str
    text: str = ""
    filled: bool = False
    referenced_sop_uids: tuple[str, ...] = ()
    frames: tuple[int, ...] = ()  # 1-based frame numbers, empty = all


@dataclass
class PresentationContent:
    annotations: list[Annotation] = field(default_factory=list)  # ours, editable again
    foreign: list[ForeignGraphic] = field(default_factory=list)  # others', read-only
    referenced_sop_uids: tuple[str, ...] = ()
    ours: bool = False  # written by this tool


def _dataset(source: Any) -> Any:
    import pydicom

    if isinstance(source, (str, Path)):
        try:
            return pydicom.dcmread(source)
        except Exception as exc:
            raise ExportError(f"{Path(source).name}: not a readable DICOM file ({type(exc).__name__})") from exc
    return source


def _pairs(data: Any) -> list[tuple[float, float]]:
    v = [float(x) for x in data]
    return [(v[i], v[i + 1]) for i in range(0, len(v) - 1, 2)]


def _to_pixels(points: list[tuple[float, float]], units: str, size: tuple[int, int] | None
               ) -> list[tuple[float, float]] | None:
    if units == "PIXEL":
        return points
    if units == "DISPLAY" and size is not None:
        cols, rows = size
        return [(x * cols, y * rows) for x, y in points]
    return None  # MATRIX, or DISPLAY without the image size: cannot place it


def _role_of_layer(name: str) -> Role | None:
    try:
        return Role(name.strip().lower())
    except ValueError:
        return None


def _annotation(role: Role, gtype: str, pts: list[tuple[float, float]], tracking_id: str | None,
                frame: int) -> Annotation | None:
    """Our annotation from a GSPS graphic of a role layer; None if the shape does not fit the role."""
    kinds = ROLE_KINDS[role]
    kw: dict[str, Any] = {"frame": frame}
    if tracking_id:
        ann_id, _, level = tracking_id.partition(":")
        kw["id"] = ann_id
        if level:
            kw["level"] = level
    if gtype == "POINT" and ShapeKind.POINT in kinds:
        return Annotation(role, ShapeKind.POINT, tuple(pts[:1]), **kw)
    if gtype == "ELLIPSE" and ShapeKind.ELLIPSE in kinds and len(pts) == 4:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts
        centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        rx, ry = math.dist(pts[0], pts[1]) / 2, math.dist(pts[2], pts[3]) / 2
        rot = math.degrees(math.atan2(y1 - y0, x1 - x0))
        return Annotation(role, ShapeKind.ELLIPSE, (centre,), radii=(rx, ry), rotation_deg=rot, **kw)
    if gtype == "POLYLINE":
        closed = len(pts) >= 4 and pts[0] == pts[-1]
        if closed and ShapeKind.POLYGON in kinds:
            return Annotation(role, ShapeKind.POLYGON, tuple(pts[:-1]), **kw)
        if len(pts) == 2 and ShapeKind.LINE in kinds:
            return Annotation(role, ShapeKind.LINE, tuple(pts), **kw)
        if ShapeKind.POLYLINE in kinds:
            return Annotation(role, ShapeKind.POLYLINE, tuple(pts), **kw)
    return None


def read_presentation_state(source: Any, image_size: tuple[int, int] | None = None) -> PresentationContent:
    """Graphics of a GSPS (path or pydicom dataset). ``image_size`` = (columns, rows) of the
    referenced image, needed only to place DISPLAY-unit graphics of other tools."""
    from annotator.export.dicom_gsps import CONTENT_LABEL, MANUFACTURER, tracking_id
    from annotator.render.labels import ILIAC_CREST, finding_code_of, strip_length

    ds = _dataset(source)
    if str(getattr(ds, "SOPClassUID", "")) != GSPS_CLASS:
        raise ExportError("this DICOM object is not a grayscale softcopy presentation state")
    ours = (str(getattr(ds, "Manufacturer", "")) == MANUFACTURER
            and str(getattr(ds, "ContentLabel", "")) == CONTENT_LABEL)
    out = PresentationContent(ours=ours)
    all_refs: list[str] = []
    for item in getattr(ds, "GraphicAnnotationSequence", []):
        layer = str(getattr(item, "GraphicLayer", ""))
        refs = tuple(str(r.ReferencedSOPInstanceUID) for r in getattr(item, "ReferencedImageSequence", []))
        frames: tuple[int, ...] = ()
        for r in getattr(item, "ReferencedImageSequence", []):
            if "ReferencedFrameNumber" in r:
                v = r.ReferencedFrameNumber
                frames = tuple(int(f) for f in (v if isinstance(v, MultiValue | list) else [v]))
        all_refs += refs
        role = _role_of_layer(layer) if ours else None
        frame = (frames[0] - 1) if frames else 0
        for g in getattr(item, "GraphicObjectSequence", []):
            units = str(getattr(g, "GraphicAnnotationUnits", "PIXEL"))
            pts = _to_pixels(_pairs(g.GraphicData), units, image_size)
            if pts is None:
                continue
            gtype = str(g.GraphicType)
            ann = None
            if role is not None:
                try:
                    ann = _annotation(role, gtype, pts, getattr(g, "TrackingID", None), frame)
                except ValueError:  # a shape our model refuses: show it read-only
                    ann = None
            if ann is not None:
                out.annotations.append(ann)
            else:
                out.foreign.append(ForeignGraphic(gtype, tuple(pts), layer,
                                                  filled=str(getattr(g, "GraphicFilled", "N")) == "Y",
                                                  referenced_sop_uids=refs, frames=frames))
        by_tracking = {tracking_id(a): i for i, a in enumerate(out.annotations)}
        for t in getattr(item, "TextObjectSequence", []):
            text = str(t.UnformattedTextValue)
            tid = str(getattr(t, "TrackingID", ""))
            if role is not None and tid in by_tracking:  # the label of one of our shapes
                i = by_tracking[tid]
                a = out.annotations[i]
                if a.role in (Role.RULER, Role.CALIBRATION, Role.ANGLE):
                    text = strip_length(text)
                elif a.role is Role.FINDING:
                    text = finding_code_of(text)
                elif a.role is Role.ILIAC_CREST and text in ILIAC_CREST.values():
                    text = ""
                elif a.role is Role.PEDICLE_MARGIN and text == a.level:  # the vertebra shown beside it
                    text = ""
                out.annotations[i] = replace(a, text=text)
                continue
            if "AnchorPoint" in t:
                pts = _to_pixels(_pairs(t.AnchorPoint), str(t.AnchorPointAnnotationUnits), image_size)
            elif "BoundingBoxTopLeftHandCorner" in t:
                pts = _to_pixels(_pairs(list(t.BoundingBoxTopLeftHandCorner) +
                                        list(t.BoundingBoxBottomRightHandCorner)),
                                 str(t.BoundingBoxAnnotationUnits), image_size)
            else:
                pts = None
            if pts is not None:
                out.foreign.append(ForeignGraphic("TEXT", tuple(pts), layer, text=text,
                                                  referenced_sop_uids=refs, frames=frames))
    out.referenced_sop_uids = tuple(dict.fromkeys(all_refs))
    return out


@dataclass(frozen=True)
class ReportTip:
    """One needle-tip group of a report: where, on which image (and frame), how far, which status."""

    tracking_id: str
    status: str | None  # our id: on_target, near, off, insufficient (another tool's code unchanged)
    distance: float | None = None
    unit: str = ""  # UCUM code: mm or {pixel}
    point: tuple[float, float] | None = None  # PIXEL coordinates
    image_uid: str = ""
    frames: tuple[int, ...] = ()  # 1-based referenced frame numbers (multi-frame images)
    target: tuple[float, float] | None = None  # other end of the measured segment (None: on target)


@dataclass(frozen=True)
class ReportFinding:
    """One finding group: the finding code with its site, value and angle (our ids)."""

    code: str
    site: str | None = None
    value: str | None = None
    angle_deg: float | None = None
    image_uid: str = ""  # the film it was tagged on, if any
    frames: tuple[int, ...] = ()  # 1-based frame(s) of that film (multi-frame images)


@dataclass
class ReportContent:
    tips: list[ReportTip] = field(default_factory=list)
    findings: list[ReportFinding] = field(default_factory=list)
    block_result: str | None = None  # our ids: complete, partial, none, not_assessed
    conclusion: str | None = None  # responsible, possibly_responsible, not_responsible, no_conclusion
    cautions: list[str] = field(default_factory=list)  # check_level, position_unconfirmed
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (warning key, English message)
    referenced_sop_uids: tuple[str, ...] = ()
    library_sop_uids: tuple[str, ...] = ()  # the image library (TID 1600)
    root_level: str | None = None  # the root tested: "L5" (our "Nerve root level" item)
    root_side: str | None = None  # "right"/"left" from the SNOMED laterality of its finding site
    root_site: str | None = None  # SNOMED code of the vertebra (49668003 L5 vertebra...)
    library_spacing: dict[str, tuple[float, float]] = field(default_factory=dict)  # uid -> (row, col) mm

    @property
    def distances(self) -> list[tuple[str, float, str]]:
        """(tracking id, value, unit code) of every tip with a distance."""
        return [(t.tracking_id, t.distance, t.unit) for t in self.tips if t.distance is not None]

    @property
    def tip_positions(self) -> list[tuple[str, str]]:
        return [(t.tracking_id, t.status) for t in self.tips if t.status is not None]


def _concept(item: Any) -> tuple[str, str]:
    seq = getattr(item, "ConceptNameCodeSequence", None)
    if not seq:
        return "", ""
    return str(seq[0].CodeValue), str(seq[0].CodingSchemeDesignator)


def _code_value(item: Any) -> str:
    return str(item.ConceptCodeSequence[0].CodeValue)


def _group(items: Any, t: dict[str, Any], out: ReportContent) -> None:
    """One measurement group (TID 1501 / 1410): a tip, a finding, or the root's evaluations."""
    from annotator.export import sr_codes as sc

    tracking, finding_type, site, value, angle = "", None, None, None, None
    distance, unit, status, point, image_uid = None, "", None, None, ""
    target: tuple[float, float] | None = None
    root_site: str | None = None
    root_side: str | None = None
    frames: tuple[int, ...] = ()
    for it in items:
        code, scheme = _concept(it)
        vt = str(getattr(it, "ValueType", ""))
        if code == "112039" and vt == "TEXT":  # Tracking Identifier
            tracking = str(it.TextValue)
        elif code == "121071" and vt == "CODE":  # Finding (type)
            finding_type = _code_value(it)
        elif code == "363698007" and vt == "CODE" and it.ConceptCodeSequence[0].CodingSchemeDesignator == "SCT":
            root_site = _code_value(it)  # the root group's vertebra, with its laterality
            for mod in getattr(it, "ContentSequence", []):
                if _concept(mod)[0] == sc.LATERALITY_CONCEPT:
                    root_side = sc.SIDE_OF_CODE.get(_code_value(mod))
        elif code == "363698007" and vt == "CODE":  # Finding Site
            site = t["site"].id_of(_code_value(it))
        elif vt == "NUM" and code in (sc.TIP_DISTANCE[0], sc.FINDING_ANGLE[0]) and "MeasuredValueSequence" in it:
            mv = it.MeasuredValueSequence[0]
            if code == sc.TIP_DISTANCE[0]:
                distance = float(mv.NumericValue)
                unit = str(mv.MeasurementUnitsCodeSequence[0].CodeValue)
            else:
                angle = float(mv.NumericValue)
        elif vt == "CODE" and scheme == sc.SCHEME:
            v = _code_value(it)
            if code == sc.ROOT_LEVEL[0]:
                out.root_level = v
            elif code == sc.TIP_POSITION[0]:
                status = t["status"].id_of(v)
            elif code == sc.FINDING_VALUE[0]:
                value = t["value"].id_of(v)
            elif code == sc.BLOCK_RESULT[0]:
                out.block_result = t["block"].id_of(v)
            elif code == sc.CAUTION[0]:
                out.cautions.append(t["caution"].id_of(v))
            elif code == sc.SAFETY_WARNING[0]:
                out.warnings.append((t["warning"].id_of(v), str(it.ConceptCodeSequence[0].CodeMeaning)))
        elif vt == "CODE" and code == "121077":  # Conclusion
            out.conclusion = t["conclusion"].id_of(_code_value(it))
        elif vt in ("SCOORD", "IMAGE"):
            if vt == "SCOORD":
                xy = [float(v) for v in it.GraphicData]
                point = (xy[0], xy[1]) if len(xy) >= 2 else None
                target = (xy[2], xy[3]) if len(xy) >= 4 else None
            for ref_item in ([it] if vt == "IMAGE" else list(getattr(it, "ContentSequence", []))):
                for r in getattr(ref_item, "ReferencedSOPSequence", []):
                    image_uid = str(r.ReferencedSOPInstanceUID)
                    if "ReferencedFrameNumber" in r:
                        f = r.ReferencedFrameNumber
                        frames = tuple(int(x) for x in (f if isinstance(f, MultiValue | list) else [f]))
    if finding_type == sc.NERVE_ROOT[0]:
        out.root_site, out.root_side = root_site, root_side
    elif finding_type == sc.NEEDLE_TIP[0]:
        out.tips.append(ReportTip(tracking, status, distance, unit, point, image_uid, frames, target))
    elif finding_type is not None:
        out.findings.append(ReportFinding(t["finding"].id_of(finding_type), site, value, angle, image_uid, frames))


def _library_spacing(item: Any, uid: str, out: ReportContent) -> None:
    """(vertical, horizontal) pixel spacing of one image library entry (TID 1602/1603), if given."""
    values = {}
    for d in getattr(item, "ContentSequence", []):
        code, _ = _concept(d)
        if code in ("111026", "111066") and "MeasuredValueSequence" in d:  # Horizontal / Vertical Pixel Spacing
            values[code] = float(d.MeasuredValueSequence[0].NumericValue)
    if len(values) == 2:
        out.library_spacing[uid] = (values["111066"], values["111026"])


def read_measurement_report(source: Any, config: Any = None) -> ReportContent:
    """Tips, findings, block result, conclusion, cautions and warnings of our TID 1500 SR
    (or any using the same concepts); ``config``: the findings vocabulary whose codes to map
    back (default: the shipped one)."""
    from annotator.export.sr_codes import tables

    ds = _dataset(source)
    if "ContentSequence" not in ds:
        raise ExportError("this DICOM object is not a structured report")
    t = tables(config)
    out = ReportContent()
    refs: list[str] = []
    library: list[str] = []

    def walk(items: Any, in_library: bool) -> None:
        for it in items:
            code, _scheme = _concept(it)
            vt = str(getattr(it, "ValueType", ""))
            if vt == "CONTAINER" and code == "125007":  # Measurement Group
                _group(it.ContentSequence, t, out)
            if vt == "IMAGE":
                uid = str(it.ReferencedSOPSequence[0].ReferencedSOPInstanceUID)
                (library if in_library else refs).append(uid)
                if in_library:
                    _library_spacing(it, uid, out)
            if "ContentSequence" in it:
                walk(it.ContentSequence, in_library or code == "111028")  # Image Library

    walk(ds.ContentSequence, False)
    for g in out.tips:
        refs.append(g.image_uid)
    out.referenced_sop_uids = tuple(dict.fromkeys(u for u in refs + library if u))
    out.library_sop_uids = tuple(dict.fromkeys(library))
    return out
