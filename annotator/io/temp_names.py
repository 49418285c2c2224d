"""Names of the temporary files the application writes before renaming them into place.

Every file the application writes (case files, recovery files, copied films,
exports) is first written under a hidden name beside its destination,
``.<name>.<pid>.<random><suffix>``, and renamed when complete. A process that
was killed leaves such a file behind; the process id in its name lets the
next run tell a leftover (its writer is gone) from a file another running
process is still writing. :func:`remove_stale` removes the leftovers of one
folder; it touches only names of this pattern.
"""

from __future__ import annotations

import os
import re
from contextlib import suppress
from pathlib import Path

# ".<name>.<pid>." + mkstemp's 8 random characters + ".tmp" / ".part[.ext]", or "previous"
# (the second name of a file being replaced by an export)
_TEMP = re.compile(r"^\..+\.(?P<pid>\d+)\.(?:[a-z0-9_]{8}(?:\.tmp|\.part(?:\.[^./]+)?)|previous)$")


def temp_prefix(name: str) -> str:
    """The prefix of this process's temporary files for destination file ``name``."""
    return f".{name}.{os.getpid()}."


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # another user's process, or a pid we cannot ask about: leave its files
    return True


def stale_pid(name: str) -> int | None:
    """The writer's process id if ``name`` is a temporary file of ours whose writer is gone, else None."""
    m = _TEMP.match(name)
    if m is None:
        return None
    pid = int(m.group("pid"))
    return None if _alive(pid) else pid


def remove_stale(folder: str | Path) -> list[Path]:
    """Remove the temporary files left in ``folder`` by killed processes; the paths removed."""
    removed = []
    with suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith(".") and stale_pid(entry.name) is not None:
                with suppress(OSError):
                    if entry.is_file(follow_symlinks=False):
                        os.unlink(entry.path)
                        removed.append(Path(entry.path))
    return removed
