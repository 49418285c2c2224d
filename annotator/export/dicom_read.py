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
import re
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


_LENGTH_SUFFIX = re.compile(r"\s*\d+(?:\.\d+)? (?:mm|px)(?: \([a-z]+\))?$")


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
                if a.role in (Role.RULER, Role.CALIBRATION):
                    text = _LENGTH_SUFFIX.sub("", text)
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


@dataclass
class ReportContent:
    distances: list[tuple[str, float, str]] = field(default_factory=list)  # (tracking id, value, unit code)
    tip_positions: list[tuple[str, str]] = field(default_factory=list)  # (tracking id, status code)
    findings: list[str] = field(default_factory=list)  # finding codes (ours: "CONTRAST-CUTOFF")
    block_result: str | None = None
    conclusion: str | None = None
    referenced_sop_uids: tuple[str, ...] = ()


def _concept(item: Any) -> tuple[str, str]:
    seq = getattr(item, "ConceptNameCodeSequence", None)
    if not seq:
        return "", ""
    return str(seq[0].CodeValue), str(seq[0].CodeMeaning)


def read_measurement_report(source: Any) -> ReportContent:
    """Measurements and evaluations of a TID 1500 SR (ours, or any using the same concepts)."""
    from annotator.export.dicom_sr import BLOCK_RESULT, TIP_DISTANCE, TIP_POSITION

    ds = _dataset(source)
    if "ContentSequence" not in ds:
        raise ExportError("this DICOM object is not a structured report")
    out = ReportContent()
    refs: list[str] = []

    def walk(items: Any, tracking: str) -> None:
        for it in items:
            code, _meaning = _concept(it)
            vt = str(getattr(it, "ValueType", ""))
            if code == "112039" and vt == "TEXT":  # Tracking Identifier
                tracking = str(it.TextValue)
        for it in items:
            code, _meaning = _concept(it)
            vt = str(getattr(it, "ValueType", ""))
            if vt == "NUM" and code == TIP_DISTANCE[0]:
                mv = it.MeasuredValueSequence[0]
                out.distances.append((tracking, float(mv.NumericValue),
                                      str(mv.MeasurementUnitsCodeSequence[0].CodeValue)))
            elif vt == "CODE":
                value = str(it.ConceptCodeSequence[0].CodeValue)
                if code == TIP_POSITION[0]:
                    out.tip_positions.append((tracking, value))
                elif code == "121071":  # Finding
                    out.findings.append(value)
                elif code == BLOCK_RESULT[0]:
                    out.block_result = value
                elif code == "121077":  # Conclusion
                    out.conclusion = value
            elif vt == "IMAGE":
                refs.append(str(it.ReferencedSOPSequence[0].ReferencedSOPInstanceUID))
            if "ContentSequence" in it:
                walk(it.ContentSequence, tracking)

    walk(ds.ContentSequence, "")
    out.referenced_sop_uids = tuple(dict.fromkeys(refs))
    return out
