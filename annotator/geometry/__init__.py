"""Pure geometry shared by io, model, rules, render and export (no Qt)."""

from annotator.geometry.calibration import Calibration, CalibrationSource
from annotator.geometry.directions import Directions

__all__ = ["Calibration", "CalibrationSource", "Directions"]
