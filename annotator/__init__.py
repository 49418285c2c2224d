"""fluoro-annotator: marking fluoroscopy films of lumbar selective nerve root studies.

Importing this package never imports Qt; the GUI lives in ``annotator.ui``.
"""

__version__ = "0.1.0"
