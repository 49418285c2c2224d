"""Keep C libraries' messages off the terminal while Python's own stderr still reaches it.

The image decoders pydicom drives are C and C++ libraries (OpenJPEG, libjpeg
in Pillow, CharLS, GDCM) that print their complaints straight to file
descriptor 2 ("Invalid number of tiles ...", "Not a JPEG file ..."). The
tool already says what is wrong in one line; those extra lines only confuse.

``quiet_c_stderr()`` points fd 2 at ``/dev/null`` for the duration of the
``with`` block and gives Python a duplicate of the real stderr instead:
``sys.stderr`` and the logging handlers that wrote to it write to the
terminal as before; only output written to fd 2 directly (C code, a child
process inheriting fd 2) is dropped. Everything is restored on exit, also on
an exception. When fd 2 is not an open file descriptor (a GUI started
without a console) the block runs unchanged.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

STDERR_FD = 2


def _fd_is_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def _stream_on_fd(stream: Any, fd: int) -> bool:
    try:
        return stream is not None and stream.fileno() == fd
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError and ValueError
        return False


def _handlers_on(stream: Any) -> list[logging.StreamHandler[Any]]:
    """Logging stream handlers (of every known logger) that write to ``stream``."""
    loggers: list[Any] = [logging.getLogger()]
    loggers += [lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    out = []
    for lg in loggers:
        for h in lg.handlers:
            if isinstance(h, logging.StreamHandler) and h.stream is stream and h not in out:
                out.append(h)
    return out


@contextmanager
def quiet_c_stderr() -> Iterator[None]:
    """Send what C code writes to fd 2 to ``/dev/null``; Python's stderr keeps the real one.

    Not thread-safe against another thread that replaces ``sys.stderr`` at the
    same time; nesting is harmless.
    """
    if not _fd_is_open(STDERR_FD):
        yield
        return
    old_stream = sys.stderr
    python_on_fd2 = _stream_on_fd(old_stream, STDERR_FD)
    if python_on_fd2:
        old_stream.flush()
    saved_fd = os.dup(STDERR_FD)
    new_stream: TextIO | None = None
    handlers: list[logging.StreamHandler[Any]] = []
    try:
        if python_on_fd2:
            new_stream = open(  # noqa: SIM115 -- closed in the finally below
                os.dup(saved_fd), "w", buffering=1,
                encoding=getattr(old_stream, "encoding", None) or "utf-8",
                errors=getattr(old_stream, "errors", None) or "backslashreplace",
            )
            handlers = _handlers_on(old_stream)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, STDERR_FD)
        finally:
            os.close(devnull)
        if new_stream is not None:
            sys.stderr = new_stream
            for h in handlers:
                h.setStream(new_stream)
        yield
    finally:
        if new_stream is not None:
            try:
                new_stream.flush()
            except (OSError, ValueError):
                pass
            for h in handlers:
                if h.stream is new_stream:
                    h.setStream(old_stream)
            if sys.stderr is new_stream:
                sys.stderr = old_stream
        os.dup2(saved_fd, STDERR_FD)
        os.close(saved_fd)
        if new_stream is not None:
            new_stream.close()
