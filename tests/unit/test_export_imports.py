"""Importing the export package (and the CLI module) does not load the heavy libraries."""

from __future__ import annotations

import subprocess
import sys


def test_heavy_libraries_load_only_when_used() -> None:
    code = (
        "import sys, annotator.export, annotator.export.case_export, annotator.export.dicom_export, "
        "annotator.export.slides_pdf, annotator.export.slides_pptx, annotator.cli.export\n"
        "heavy = {'pptx', 'reportlab', 'highdicom', 'dicognito', 'matplotlib', 'PyQt6'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
