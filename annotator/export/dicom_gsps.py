"""Grayscale Softcopy Presentation State of one film (highdicom), annotations as graphics.

Coordinates: our annotation convention (float pixels, origin at the top-left
corner of the top-left pixel, +x right, +y down) *is* DICOM's PIXEL
annotation unit (PS3.3 C.10.5.1.2; highdicom ``AnnotationUnitsValues.PIXEL``:
TLHC of the TLHC pixel = (0, 0), BRHC of the BRHC pixel = (Columns, Rows)),
with GraphicData as (column, row) = (x, y) pairs. So points are written
unchanged; only points outside the image are clipped to its edges, because
PIXEL data must lie in [0, Columns] x [0, Rows].

Mapping (read back by ``annotator.export.dicom_read``):

- one graphic layer per role, named by the role in capitals (``TIP``,
  ``PEDICLE_MARGIN``, ...), described in English, coloured as on screen;
- POINT -> POINT; LINE/POLYLINE -> POLYLINE; POLYGON and RECT -> closed
  POLYLINE (first point repeated); ELLIPSE -> ELLIPSE (major axis end points,
  then minor axis end points); Tracking ID = the annotation's id and its
  vertebra level (``"<id>:L5"``), Tracking UID derived from it;
- text (level names, arrow text, ruler lengths) -> text objects anchored at
  the shape in the role's layer, with the shape's Tracking ID; the verdict -> a text object in layer
  ``VERDICT``; the rules' warnings of the film (W3 intravascular contrast...)
  -> a text object in layer ``WARNINGS``; the target zone -> graphics in
  layer ``TARGET_ZONE`` (information only, not read back as annotations): as on
  screen, the near ring, the on-target disc and the target point, or the
  on-target region and its cut line;
- every layer has a Recommended Display Grayscale Value (the luminance of its
  colour) beside the CIELab value, so a grayscale display keeps the layers apart;
- the pedicle margin carries its vertebra ("L5") as its text, as on screen.
- on a multi-frame image every graphic annotation names its frame
  (ReferencedFrameNumber, 1-based) in its referenced image item.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import numpy as np

from annotator.model import Annotation, Film, Role, ShapeKind
from annotator.render import style

MANUFACTURER = "fluoro-annotator"
CONTENT_LABEL = "FLUORO_ANNOTATOR"
VERDICT_LAYER = "VERDICT"
WARNING_LAYER = "WARNINGS"
ZONE_LAYER = "TARGET_ZONE"


def layer_name(role: Role) -> str:
    return role.value.upper()


def _clip(points: np.ndarray, cols: int, rows: int) -> np.ndarray:
    out = points.astype(np.float64).copy()
    out[:, 0] = np.clip(out[:, 0], 0.0, float(cols))
    out[:, 1] = np.clip(out[:, 1], 0.0, float(rows))
    return out


def ellipse_axes(a: Annotation) -> np.ndarray:
    """Four (x, y) points: major axis end points, then minor axis end points (GSPS ELLIPSE)."""
    (cx, cy), (rx, ry) = a.points[0], a.radii or (1.0, 1.0)
    t = math.radians(a.rotation_deg)
    ux, uy = math.cos(t), math.sin(t)  # rx axis direction
    vx, vy = -uy, ux  # ry axis direction
    ax1 = [(cx - rx * ux, cy - rx * uy), (cx + rx * ux, cy + rx * uy)]
    ax2 = [(cx - ry * vx, cy - ry * vy), (cx + ry * vx, cy + ry * vy)]
    return np.array(ax1 + ax2 if rx >= ry else ax2 + ax1)


def graphic_for(a: Annotation, cols: int, rows: int) -> tuple[str, np.ndarray]:
    """(GSPS graphic type, (x, y) points in PIXEL units) of one annotation."""
    if a.kind is ShapeKind.POINT:
        return "POINT", _clip(np.array(a.points[:1]), cols, rows)
    if a.kind is ShapeKind.ELLIPSE:
        return "ELLIPSE", _clip(ellipse_axes(a), cols, rows)
    if a.kind in (ShapeKind.POLYGON, ShapeKind.RECT):
        pts = list(a.outline())
        return "POLYLINE", _clip(np.array(pts + pts[:1]), cols, rows)
    return "POLYLINE", _clip(np.array(a.points), cols, rows)


def tracking_id(a: Annotation) -> str:
    """``<annotation id>`` or ``<annotation id>:<level>`` (Tracking ID, LO, at most 64 characters)."""
    return f"{a.id}:{a.level}"[:64] if a.level else a.id[:64]


def _label(a: Annotation, film: Film, lang: str, config: Any) -> str:
    """The label the screen shows (``annotator.render.labels``), written so that
    ``dicom_read`` gets the annotation's own text back: a length or angle after the
    note (stripped on reading), a finding's name (mapped back to its code), the
    iliac-crest level aid only when the user wrote nothing (as on screen)."""
    from annotator.render.labels import annotation_label, format_length

    if a.role is Role.CALIBRATION and len(a.points) == 2:  # the measured length, so a reader sees it
        cal = film.effective_calibration()
        return f"{a.text} {format_length(cal.length(*a.points), cal.unit_label)}".strip()
    if a.role in (Role.RULER, Role.ANGLE, Role.ILIAC_CREST, Role.FINDING, Role.LEVEL_LABEL, Role.ARROW):
        return annotation_label(a, film, lang, config)
    if a.role is Role.PEDICLE_MARGIN and not a.text:  # the vertebra the screen writes beside it ("L5")
        return annotation_label(a, film, lang, config)
    return a.text


def grayscale_value(rgb: tuple[int, ...]) -> int:
    """Recommended Display Grayscale Value (0..0xFFFF) of a layer colour: its luminance (Rec. 709
    weights), so that a grayscale display still tells the layers apart by brightness."""
    r, g, b = (float(c) for c in rgb[:3])
    return int(round((0.2126 * r + 0.7152 * g + 0.0722 * b) / 255.0 * 0xFFFF))


def _layer(hpr: Any, name: str, order: int, description: str, rgb: tuple[int, ...]) -> Any:
    from highdicom.color import CIELabColor

    layer = hpr.GraphicLayer(layer_name=name, order=order, description=description,
                             display_color=CIELabColor.from_rgb(*rgb[:3]))
    # PS3.3 C.10.7: a grayscale value beside the CIELab one, for displays without colour
    layer.GraphicLayerRecommendedDisplayGrayscaleValue = grayscale_value(rgb)
    return layer


def _status_rgb(status: Any) -> tuple[int, ...]:
    """The colour of a verdict status; a status this version has no colour for gets the text colour."""
    try:
        return tuple(style.status_color(status))
    except ValueError:
        return tuple(style.TEXT_COLOR)


def _zone_objects(hpr: Any, verdict: Any, cols: int, rows: int) -> list[Any]:
    zone = getattr(verdict, "zone", None)
    if zone is None:
        return []
    objs = []
    if zone.kind == "disc" and zone.center is not None:
        # as on screen: the near ring, the on-target disc, the target point
        for radii in (zone.r_near_px, zone.r_on_px):
            if radii is not None:
                fake = Annotation(Role.S1_FORAMEN, ShapeKind.ELLIPSE, (zone.center,), radii=radii)
                objs.append(hpr.GraphicObject("ELLIPSE", _clip(ellipse_axes(fake), cols, rows), "PIXEL"))
        objs.append(hpr.GraphicObject("POINT", _clip(np.array([zone.center]), cols, rows), "PIXEL"))
    elif zone.polygon:
        pts = list(zone.polygon)
        objs.append(hpr.GraphicObject("POLYLINE", _clip(np.array(pts + pts[:1]), cols, rows), "PIXEL"))
        if zone.cut_line is not None:  # R-LAT: the posterior-third boundary
            objs.append(hpr.GraphicObject("POLYLINE", _clip(np.array(list(zone.cut_line)), cols, rows), "PIXEL"))
    return objs


def build_gsps(
    source: Any,
    film: Film,
    *,
    verdict_text: str = "",
    verdict: Any = None,
    series_uid: str,
    sop_uid: str,
    instance_number: int = 1,
    label: str = "",
    window: tuple[float, float] | None = None,
    warning_text: str = "",
    warning_danger: bool = False,
    lang: str = "en",
    config: Any = None,
) -> Any:
    """A highdicom GSPS referencing ``source`` (a pydicom image dataset) with ``film``'s annotations.

    Suggested (unconfirmed) annotations are left out. ``verdict_text`` is
    written as given (the caller removes identity). Multi-frame sources get
    one graphic annotation per frame (``Annotation.frame`` + 1). ``window``:
    (centre, width) in modality units shown on screen, written as the VOI.
    ``warning_text``: the film's warnings, one per line (written as given, like the
    verdict), red when ``warning_danger``.
    """
    import highdicom.pr as hpr

    source = reference_view(source)
    cols, rows = int(source.Columns), int(source.Rows)
    n_frames = int(getattr(source, "NumberOfFrames", 1) or 1)
    by_layer: dict[tuple[Role, int], list[Annotation]] = defaultdict(list)
    for a in film.annotations:
        if not a.suggested:
            by_layer[(a.role, a.frame)].append(a)
    roles = list(dict.fromkeys(role for role, _ in by_layer))
    layers = {r: _layer(hpr, layer_name(r), i + 1, r.value.replace("_", " "), style.role_color(r))
              for i, r in enumerate(roles)}
    annotations = []
    for (role, frame), anns in by_layer.items():
        graphics, texts = [], []
        for a in anns:
            gtype, data = graphic_for(a, cols, rows)
            tid, tuid = tracking_id(a), _tracking_uid(sop_uid, a.id)
            graphics.append(hpr.GraphicObject(gtype, data, "PIXEL", tracking_id=tid, tracking_uid=tuid))
            text = _label(a, film, lang, config)
            if text:
                ax, ay = (float(v) for v in data[-1 if gtype == "POLYLINE" else 0])
                texts.append(hpr.TextObject(text[:1024], "PIXEL", anchor_point=(ax, ay), anchor_point_visible=False,
                                            tracking_id=tid, tracking_uid=tuid))
        annotations.append(hpr.GraphicAnnotation(
            referenced_images=[source], graphic_layer=layers[role],
            referenced_frame_number=(min(frame, n_frames - 1) + 1) if n_frames > 1 else None,
            graphic_objects=graphics, text_objects=texts or None,
        ))
    all_layers = list(layers.values())
    frame_ref = (film.key_frame + 1) if n_frames > 1 else None
    if verdict is not None:
        color = _status_rgb(verdict.status)
        zone_layer = _layer(hpr, ZONE_LAYER, len(all_layers) + 1, "target zone of the rule", color)
        zone_objs = _zone_objects(hpr, verdict, cols, rows)
        if zone_objs:
            all_layers.append(zone_layer)
            annotations.append(hpr.GraphicAnnotation(
                referenced_images=[source], graphic_layer=zone_layer, referenced_frame_number=frame_ref,
                graphic_objects=zone_objs))
    if verdict_text:
        color = _status_rgb(verdict.status) if verdict is not None else style.TEXT_COLOR
        vlayer = _layer(hpr, VERDICT_LAYER, len(all_layers) + 1, "verdict of the rules", color)
        all_layers.append(vlayer)
        box = (1.0, 1.0, max(2.0, cols * 0.6), max(2.0, rows * 0.12))
        annotations.append(hpr.GraphicAnnotation(
            referenced_images=[source], graphic_layer=vlayer, referenced_frame_number=frame_ref,
            text_objects=[hpr.TextObject(verdict_text[:1024], "PIXEL", bounding_box=box,
                                         text_justification="LEFT")]))
    if warning_text:
        color = style.STATUS_COLORS["off"] if warning_danger else style.STATUS_COLORS["near"]
        wlayer = _layer(hpr, WARNING_LAYER, len(all_layers) + 1, "warnings of the rules", color)
        all_layers.append(wlayer)
        box = (1.0, max(2.0, rows * 0.13), max(3.0, cols * 0.6), max(4.0, rows * 0.25))
        annotations.append(hpr.GraphicAnnotation(
            referenced_images=[source], graphic_layer=wlayer, referenced_frame_number=frame_ref,
            text_objects=[hpr.TextObject(warning_text[:1024], "PIXEL", bounding_box=box,
                                         text_justification="LEFT")]))
    voi = None
    if window is not None:
        voi = [hpr.SoftcopyVOILUTTransformation(window_center=float(window[0]),
                                                window_width=max(1.0, float(window[1])))]
    gsps = hpr.GrayscaleSoftcopyPresentationState(
        referenced_images=[source],
        voi_lut_transformations=voi,
        series_instance_uid=series_uid,
        series_number=900,
        sop_instance_uid=sop_uid,
        instance_number=instance_number,
        manufacturer=MANUFACTURER,
        manufacturer_model_name=MANUFACTURER,
        software_versions=_version(),
        device_serial_number="0",
        content_label=CONTENT_LABEL,
        content_description=f"annotations {label}"[:64] if label else "annotations",
        graphic_annotations=annotations or None,
        graphic_layers=all_layers or None,
        presentation_lut_transformation=_presentation_lut(source),
    )
    gsps.SpecificCharacterSet = "ISO_IR 192"  # UTF-8: Chinese verdicts and labels
    drop_empty_laterality(gsps, source)
    return gsps


def _presentation_lut(source: Any) -> Any:
    """INVERSE for a film the viewer shows inverted (MONOCHROME1, or PresentationLUTShape INVERSE):
    a presentation state's own Presentation LUT replaces the image's polarity (PS3.4 N.2), so the
    default IDENTITY would show such films the other way round from the screen and the exports."""
    import highdicom as hd

    inverse = (str(getattr(source, "PhotometricInterpretation", "")) == "MONOCHROME1"
               or str(getattr(source, "PresentationLUTShape", "")).upper() == "INVERSE")
    shape = hd.PresentationLUTShapeValues.INVERSE if inverse else hd.PresentationLUTShapeValues.IDENTITY
    return hd.PresentationLUTTransformation(presentation_lut_shape=shape)


def drop_empty_laterality(ds: Any, source: Any = None) -> None:
    """Laterality (General Series, Type 2C) is required for paired body parts only; the lumbar
    spine is not one, and an empty value would say "unknown" (PS3.3 C.7.3.1). With the
    source's Body Part Examined (LSPINE...) a reader can tell; without it, left empty."""
    body = str(getattr(source, "BodyPartExamined", "") or "") if source is not None else ""
    if body and "BodyPartExamined" not in ds:
        ds.BodyPartExamined = body
    if "Laterality" in ds and not ds.Laterality and body:
        del ds.Laterality
    elif "Laterality" not in ds and not body:
        ds.Laterality = None


def reference_view(source: Any) -> Any:
    """A header-only view of ``source`` that highdicom can reference.

    highdicom treats every SOP class whose IOD allows NumberOfFrames (XA, XRF,
    US...) as an *enhanced* multi-frame image and looks for functional groups
    that classic XA/XRF files do not have; an empty shared group makes it fall
    back to "no Modality LUT in the functional groups". The source itself is
    not modified.
    """
    import copy

    from highdicom._standard_utils import is_multiframe_image
    from pydicom.dataset import Dataset

    view = Dataset()
    for elem in source:
        if elem.keyword != "PixelData":
            # a copy: highdicom may put the element objects themselves into the new
            # object, and de-identifying in place must never reach two objects at once
            view.add(copy.deepcopy(elem))
    if is_multiframe_image(view) and "SharedFunctionalGroupsSequence" not in view:
        view.SharedFunctionalGroupsSequence = [Dataset()]
    return view


def _tracking_uid(sop_uid: str, ann_id: str) -> str:
    from pydicom.uid import generate_uid

    return generate_uid(entropy_srcs=[sop_uid, ann_id])


def _version() -> str:
    from annotator import __version__

    return str(__version__)
