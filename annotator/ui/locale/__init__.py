"""Translation catalogues (gettext .po sources and their compiled .mo files)."""
