"""The Storage SCP: receives films from a C-arm or PACS into the inbox; answers C-ECHO.

Accepts the storage SOP classes of ``annotator.net.sop_classes`` with the transfer
syntaxes we decode; any other class is refused during association negotiation
(the sender sees its presentation context rejected: "abstract syntax not
supported"). A received object that cannot be filed is answered with the DIMSE
status that says why (``annotator.net.inbox``: out of resources, cannot
understand, does not match SOP class) and nothing is filed. A bad association
only ends that association: the listener keeps serving others.

Bound to 127.0.0.1 unless a host is given; ``require_called_aet`` refuses
associations addressed to another AE title.
"""

from __future__ import annotations

import errno
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator.net.errors import NetError
from annotator.net.inbox import Filed, FilingError, Inbox
from annotator.net.nodes import check_ae_title, check_port
from annotator.net.sop_classes import ACCEPTED_STORAGE, ACCEPTED_TRANSFER_SYNTAXES

log = logging.getLogger(__name__)

VERIFICATION = "1.2.840.10008.1.1"


class StorageListener:
    """A running (after :meth:`start`) Storage SCP filing into ``inbox``.

    ``on_filed(filed)`` and ``on_error(message)`` report each object (from
    pynetdicom's threads). Use as a context manager or call :meth:`stop`.
    """

    def __init__(self, ae_title: str, port: int, inbox: str | Path, host: str = "127.0.0.1",
                 on_filed: Callable[[Filed], None] | None = None,
                 on_error: Callable[[str], None] | None = None, timeout_s: float = 30.0) -> None:
        self.ae_title = check_ae_title(ae_title, "AE title")
        self.port = check_port(port, "port")
        self.host = host
        self.inbox = Inbox(inbox, on_filed=on_filed)
        self.on_error = on_error
        self.timeout_s = timeout_s
        self._server: Any = None
        self.received = 0
        self.failed = 0
        self._count_lock = threading.Lock()

    # ---------------------------------------------------------------- pynetdicom handlers

    def _handle_store(self, event: Any) -> int:
        sender = str(event.assoc.requestor.ae_title).strip() or "the sender"
        try:
            ds = event.dataset
            ds.file_meta = event.file_meta
        except Exception:
            return self._failed(f"object from {sender} could not be decoded: ask for it to be resent", 0xC210)
        try:
            filed = self.inbox.file_dataset(ds, sender)
        except FilingError as exc:
            return self._failed(str(exc), exc.status)
        except Exception as exc:  # never let one object stop the listener
            log.debug("filing failed", exc_info=True)
            return self._failed(f"object from {sender} not filed ({type(exc).__name__})", 0xC000)
        with self._count_lock:
            self.received += 1
        log.info("filed %s into %s", filed.rel, filed.study_dir.name)
        return 0x0000

    def _failed(self, message: str, status: int) -> int:
        with self._count_lock:
            self.failed += 1
        log.warning("%s", message)
        if self.on_error is not None:
            try:
                self.on_error(message)
            except Exception:
                log.exception("on_error callback failed")
        return status

    # ---------------------------------------------------------------- life cycle

    def _ae(self) -> Any:
        from pynetdicom import AE

        ae = AE(ae_title=self.ae_title)
        ae.require_called_aet = True
        ae.acse_timeout = ae.dimse_timeout = self.timeout_s
        ae.network_timeout = self.timeout_s
        ae.maximum_pdu_size = 0  # no limit: fewer PDUs for large films
        ae.add_supported_context(VERIFICATION)
        for uid in ACCEPTED_STORAGE:
            ae.add_supported_context(uid, list(ACCEPTED_TRANSFER_SYNTAXES))
        return ae

    def start(self) -> StorageListener:
        from pynetdicom import evt

        if self._server is not None:
            return self
        try:
            self._server = self._ae().start_server(
                (self.host, self.port), block=False,
                evt_handlers=[(evt.EVT_C_STORE, self._handle_store)])
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise NetError(f"listener {self.ae_title}: port {self.port} is already in use (another "
                               "listener is running?): stop it or choose another port") from None
            raise NetError(f"listener {self.ae_title}: cannot listen on {self.host}:{self.port} "
                           f"({exc.strerror or exc}): choose another port") from None
        return self

    @property
    def running(self) -> bool:
        return self._server is not None

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()

    def __enter__(self) -> StorageListener:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
