"""A real X server for tests: Xvfb on a free display, window lookup and a polite close.

Only the X11 tools a fresh Debian machine gets from ``xvfb``, ``x11-utils`` and ``imagemagick``
are used, plus ``libX11`` through ctypes to send WM_DELETE_WINDOW (what a window manager's close
button sends), so "close the window" is the real close path of the application.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TOOLS = {"Xvfb": "xvfb", "xwininfo": "x11-utils", "import": "imagemagick"}


def missing_tools() -> list[str]:
    """'tool (Debian package)' for every X11 tool that is not on PATH."""
    return [f"{tool} ({pkg})" for tool, pkg in TOOLS.items() if shutil.which(tool) is None]


@contextmanager
def xvfb(size: str = "1600x1000x24") -> Iterator[str]:
    """Start Xvfb on a display number it picks itself (``-displayfd``); yield ``:N``; kill it."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", size, "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number.isdigit():
            err = proc.stderr.read().decode(errors="replace") if proc.poll() is not None and proc.stderr else ""
            raise RuntimeError(f"Xvfb did not report a display number: {err[-500:]}")
        yield f":{number}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


def find_window(display: str, title_part: str) -> int | None:
    """The id of a mapped (viewable) top-level window whose title contains ``title_part``."""
    env = {**os.environ, "DISPLAY": display}
    out = subprocess.run(["xwininfo", "-root", "-children"], env=env, capture_output=True, text=True,
                         timeout=20).stdout
    for match in re.finditer(r"^\s+(0x[0-9a-f]+) \"(.*)\":", out, re.MULTILINE):
        if title_part in match.group(2):
            wid = match.group(1)
            info = subprocess.run(["xwininfo", "-id", wid], env=env, capture_output=True, text=True,
                                  timeout=20).stdout
            if "IsViewable" in info:
                return int(wid, 16)
    return None


def wait_for_window(display: str, title_part: str, timeout: float, alive: object = None) -> int | None:
    """Poll for the window for up to ``timeout`` s; stop early when ``alive()`` says the app died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        wid = find_window(display, title_part)
        if wid is not None:
            return wid
        if callable(alive) and not alive():
            return None
        time.sleep(0.3)
    return None


def screenshot(display: str, out: Path) -> None:
    """The whole X screen, through the X server (ImageMagick ``import``), as a PNG."""
    subprocess.run(["import", "-window", "root", str(out)], env={**os.environ, "DISPLAY": display},
                   check=True, capture_output=True, timeout=60)


class _ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("data", ctypes.c_long * 5)]


class _Event(ctypes.Union):
    _fields_ = [("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


def close_window(display: str, window: int) -> None:
    """Send WM_DELETE_WINDOW to ``window``, as a window manager's close button does."""
    name = ctypes.util.find_library("X11")
    if name is None:
        raise RuntimeError("libX11 not found (Debian package libx11-6)")
    x = ctypes.CDLL(name)
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XInternAtom.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
    x.XFlush.argtypes = [ctypes.c_void_p]
    x.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = x.XOpenDisplay(display.encode())
    if not dpy:
        raise RuntimeError(f"cannot open display {display}")
    try:
        event = _Event()
        event.xclient.type = 33  # ClientMessage
        event.xclient.window = window
        event.xclient.message_type = x.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
        event.xclient.format = 32
        event.xclient.data[0] = x.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
        event.xclient.data[1] = 0  # CurrentTime
        x.XSendEvent(dpy, window, 0, 0, ctypes.byref(event))
        x.XFlush(dpy)
    finally:
        x.XCloseDisplay(dpy)
