"""The desktop application (PyQt6). The only package that imports Qt."""
