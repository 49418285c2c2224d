"""Exports: teaching decks (PPTX, PDF), burned-in films (PNG/JPEG), DICOM presentation
states, secondary captures and measurement reports — de-identified by default (ADR 0002).

Importing this package is cheap: python-pptx, reportlab, highdicom and dicognito
are imported inside the functions that use them. Entry points:

- ``annotator.export.case_export.export_cases(items, pptx=, pdf=, png_dir=, dicom_dir=,
  lang=, identified=, progress=)`` / ``export_case(case, folder, ...)``;
- ``annotator.export.burn_in.burn_film(buffer, film, layers=Layers(...), ...)`` and
  ``save_image(img, path)`` for one film;
- ``annotator.export.dicom_read.read_presentation_state(path)`` /
  ``read_measurement_report(path)`` to read DICOM objects back.
"""
