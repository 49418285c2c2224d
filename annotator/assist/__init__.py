"""Assisted marking: the tool proposes, the user decides (issue 6).

Modules (scikit-image, scipy and matplotlib are imported only when a function runs):

- ``needle``: ``propose_needle(frame, calibration=None, invert=False) -> NeedleProposal | None``,
  ``snap_tip(frame, click, radius_px, calibration=None, invert=False) -> (x, y) | None``;
- ``livewire``: ``LiveWire(frame, calibration=None, invert=False)`` with ``.path(anchors)`` /
  ``.segment(a, b)`` (cost map cached per frame), ``trace_path(frame, anchors)``;
- ``profile``: ``contrast_profile(frame, path, calibration=None) -> ContrastProfile``,
  ``plot_profile(profile, marks) -> RGB array``, ``plot_profile_png``;
- ``suggest``: ``find_cutoff``, ``find_bench``, ``root_tilt_deg``, ``suggest_path_findings`` ->
  [(Finding(suggested=True), Annotation(role=FINDING, suggested=True))];
- ``cine``: ``log_subtract(frame, mask, align=False)``, ``align_to``, ``vascular_cue(run, path, calibration)``;
- ``case_assist``: ``assist_case(doc)`` / ``assist_film(doc, film_id)``: unconfirmed suggestions
  written through ``CaseDocument`` as one undo step (the CLI's ``assist CASE`` and the GUI use it).

Frames are stored (or modality) values with dense structures dark (MONOCHROME2 fluoroscopy);
pass ``invert=True`` for MONOCHROME1. Coordinates: float pixels, origin at the top-left corner
of the top-left pixel, +x right, +y down (domain.md §3).
"""
