"""``fluoro-annotator-cli listen --ae FLUORO --port 11112 --inbox DIR``: receive films from a C-arm/PACS.

Runs a DICOM Storage SCP (and C-ECHO) until Ctrl-C (or ``--for SECONDS``). Every
received study becomes a case folder in DIR (``study-<hash>/case.json`` with
its films, views detected, in acquisition order). One line per object on stdout
(folder and file names only: no patient identity); one line per refused object
on stderr. The listener keeps running after a bad association or object.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "listen", help="receive films over DICOM (Storage SCP) into case folders",
        description="Receive films sent by a C-arm or PACS (C-STORE; C-ECHO answered) and file them "
        "by study into case folders under --inbox. Runs until Ctrl-C.")
    p.add_argument("--ae", help="our AE title (default: from the nodes file, else FLUORO)")
    p.add_argument("--port", type=int, help="TCP port to listen on (default: from the nodes file, else 11112)")
    p.add_argument("--inbox", type=Path, help="folder the cases are filed into (default: from the nodes file)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)")
    p.add_argument("--nodes", type=Path, metavar="FILE", help="node settings file (see README)")
    p.add_argument("--for", dest="duration", type=float, metavar="SECONDS",
                   help="stop after SECONDS (default: run until Ctrl-C)")
    p.set_defaults(run=run)


def run(args: Any) -> int:
    from annotator.net.errors import NetError
    from annotator.net.inbox import Filed
    from annotator.net.listener import StorageListener
    from annotator.net.nodes import load_settings

    settings = load_settings(args.nodes)
    inbox = args.inbox or (Path(settings.local.inbox).expanduser() if settings.local.inbox else None)
    if inbox is None:
        raise NetError("no inbox folder: give --inbox DIR (or set local.inbox in the nodes file)")
    lock = threading.Lock()

    def filed(f: Filed) -> None:
        with lock:
            print(f"{'received' if f.new else 'received again'} {f.study_dir.name}/{f.rel}", flush=True)

    def failed(message: str) -> None:
        with lock:
            print(f"refused: {message}", file=sys.stderr, flush=True)

    listener = StorageListener(args.ae or settings.local.ae_title, args.port or settings.local.port, inbox,
                               host=args.host, on_filed=filed, on_error=failed)
    listener.start()
    print(f"listening as {listener.ae_title} on {listener.host}:{listener.port}, filing into {Path(inbox).name}/ "
          "(Ctrl-C to stop)", flush=True)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():  # a service manager's SIGTERM stops cleanly
        import signal

        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait(args.duration if args.duration is not None else None)
    except KeyboardInterrupt:
        pass
    finally:
        listener.stop()
    print(f"stopped: {listener.received} object(s) filed, {listener.failed} refused", flush=True)
    return 0
