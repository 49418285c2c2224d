# Two commands: `make run` (set up + open the sample case) and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
NOQT   := .venv-noqt

.PHONY: run test test-noqt lint bench samples screenshots lecture-images clean install-desktop uninstall-desktop fuzz kill

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/fluoro-annotator

test: $(VENV)/.installed
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(VENV)/bin/ruff check annotator tests benchmarks sample_images

# A menu entry for the desktop (freedesktop.org): the .desktop file, its Exec pointing at this
# checkout's venv, and the icon, under $XDG_DATA_HOME (default ~/.local/share).
DATA_HOME := $(or $(XDG_DATA_HOME),$(HOME)/.local/share)
APPS      := $(DATA_HOME)/applications
ICONS     := $(DATA_HOME)/icons/hicolor/scalable/apps

install-desktop: $(VENV)/.installed
	mkdir -p '$(APPS)' '$(ICONS)'
	cp annotator/data/icons/fluoro-annotator.svg '$(ICONS)/fluoro-annotator.svg'
	sed -e 's|^Exec=fluoro-annotator|Exec="$(abspath $(VENV))/bin/fluoro-annotator"|' \
	    -e 's|^Icon=fluoro-annotator|Icon=$(ICONS)/fluoro-annotator.svg|' \
	    desktop/fluoro-annotator.desktop > '$(APPS)/fluoro-annotator.desktop'
	-command -v update-desktop-database >/dev/null && update-desktop-database -q '$(APPS)'
	@echo "installed $(APPS)/fluoro-annotator.desktop"

uninstall-desktop:
	rm -f '$(APPS)/fluoro-annotator.desktop' '$(ICONS)/fluoro-annotator.svg'

# Robustness (issue 15): the long fuzz profile (>= 10 000 inputs through the CLI) and
# 100 kills in a row per command; `make test` runs both with small counts.
fuzz: $(VENV)/.installed
	FUZZ_PROFILE=long QT_QPA_PLATFORM=offscreen nice $(PY) -m pytest -q -s -p no:cacheprovider tests/fuzz

kill: $(VENV)/.installed
	KILL_COUNT=100 QT_QPA_PLATFORM=offscreen nice $(PY) -m pytest -q -s -p no:cacheprovider tests/kill

# The core must run without PyQt6: a second venv without it runs tests/unit.
$(NOQT)/.installed: pyproject.toml
	$(PYTHON) -m venv $(NOQT)
	$(NOQT)/bin/python -m pip install --quiet --upgrade pip
	$(NOQT)/bin/python -m pip install --quiet -e '.[test]'
	$(NOQT)/bin/python -m pip uninstall --quiet -y PyQt6 PyQt6-Qt6 PyQt6-sip pytest-qt
	touch $@

test-noqt: $(NOQT)/.installed
	$(NOQT)/bin/python -c "import importlib.util as u, sys; sys.exit(u.find_spec('PyQt6') is not None)"
	$(NOQT)/bin/python -m pytest -q tests/unit -p no:pytestqt

bench: $(VENV)/.installed
	$(PY) -m benchmarks

# README images of a lecture deck as LibreOffice renders it (needs soffice and pdftoppm)
lecture-images: $(VENV)/.installed
	$(PY) docs/lecture_images.py

samples: $(VENV)/.installed
	$(PY) -m sample_images.generate

clean:
	rm -rf $(VENV) $(NOQT) build *.egg-info
