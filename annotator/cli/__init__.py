"""Headless command line: ``fluoro-annotator-cli SUBCOMMAND ...``.

Each subcommand lives in its own module of this package with two functions,
``register(subparsers)`` and ``run(args) -> int``; add new ones to
``SUBCOMMANDS``. Errors of the project's own types become one line on stderr
and exit code 2; no traceback reaches the user (``--debug`` shows one).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import warnings
from collections.abc import Sequence
from typing import NoReturn

from annotator import __version__
from annotator.errors import AnnotatorError, file_label, one_line

# subcommand name -> module (imported only when needed, so start-up stays fast)
SUBCOMMANDS: dict[str, str] = {
    "info": "annotator.cli.info",
    "render": "annotator.cli.render",
    "check": "annotator.cli.check",
    "new": "annotator.cli.new",
    "export": "annotator.cli.export",
    "assist": "annotator.cli.assist",
    "library": "annotator.cli.library",
    "listen": "annotator.cli.listen",
    "pacs": "annotator.cli.pacs",
}

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # usage errors: one line, exit 2
        print(one_line(f"{self.prog}: {message} (see {self.prog} --help)"), file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="fluoro-annotator-cli",
        description="Headless tools for fluoroscopy films of lumbar nerve root studies.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks (for developers)")
    subs = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module_name in SUBCOMMANDS.values():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # subcommand not built yet
            raise
        module.register(subs)
    return parser


# Libraries log or warn about the files they read (pydicom, tifffile, PIL,
# decoders...). Their messages repeat what our one-line error says, carry
# tracebacks, and may quote header values or full paths (patient identity), so
# the user sees only the application's own log lines unless --debug. The names
# below are the ones known to speak; every other non-annotator logger is
# silenced as well.
NOISY_LIBRARIES = ("pydicom", "highdicom", "dicognito", "PIL", "matplotlib", "jpeg_ls", "gdcm", "tifffile",
                   "imagecodecs", "pylibjpeg", "openjpeg", "rle", "pptx", "skimage", "pynetdicom",
                   "dicomweb_client", "urllib3", "requests")
OUR_PACKAGE = "annotator"


def _from_our_code(record: logging.LogRecord) -> bool:
    return record.name.split(".")[0] in (OUR_PACKAGE, "root")


def quiet_libraries() -> None:
    """Silence third-party logging and warnings for end users (CLI and GUI).

    A filter on the root handlers rather than logger levels: pydicom resets its
    logger's level when it is imported, and its decoders log on child loggers.
    Loggers that bring their own handler (tifffile may) are cut off from it.
    """
    root = logging.getLogger()
    for handler in root.handlers:
        if _from_our_code not in handler.filters:
            handler.addFilter(_from_our_code)
    for name in NOISY_LIBRARIES:
        logger = logging.getLogger(name)
        for handler in logger.handlers:
            if _from_our_code not in handler.filters:
                handler.addFilter(_from_our_code)
        warnings.filterwarnings("ignore", module=rf"{name}(\..*)?$")
    warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"numpy(\..*)?$")


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.debug:
        quiet_libraries()
    try:
        if args.debug:
            return int(args.run(args) or 0)
        from annotator.io.quiet_fd import quiet_c_stderr

        with quiet_c_stderr():  # C decoders' own complaints: our one line says it
            return int(args.run(args) or 0)
    except AnnotatorError as exc:
        if args.debug:
            raise
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        if args.debug:
            raise
        name = getattr(exc, "filename", None)
        where = f"{file_label(name)}: " if name else ""
        print(f"error: {one_line(f'{where}{exc.strerror or exc}')}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
