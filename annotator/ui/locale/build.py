"""Compile the gettext catalogues: ``python -m annotator.ui.locale.build``.

A tiny msgfmt: reads ``<lang>.po`` (msgid / msgstr with C-style quoted,
possibly multi-line strings; no plural forms, no contexts) and writes the
GNU ``.mo`` binary next to it. Entries with an empty ``msgstr`` or marked
``#, fuzzy`` are left out, like msgfmt does. Output is deterministic
(sorted), so a test can compare the committed .mo byte for byte.
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def parse_po(text: str) -> dict[str, str]:
    """msgid -> msgstr of a .po text; the header (empty msgid) is kept."""
    entries: dict[str, str] = {}
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal msgid, msgstr, fuzzy
        if msgid is not None and msgstr is not None:
            mid, mstr = "".join(msgid), "".join(msgstr)
            if mstr and not (fuzzy and mid):
                entries[mid] = mstr
        msgid = msgstr = None
        fuzzy = False

    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#,") and "fuzzy" in line:
                flush()
                fuzzy = True
            continue
        if line.startswith("msgid "):
            if msgstr is not None:
                keep_fuzzy = fuzzy
                flush()
                fuzzy = keep_fuzzy
            msgid, current = [], None
            current = msgid
            line = line[len("msgid "):]
        elif line.startswith("msgstr "):
            msgstr = []
            current = msgstr
            line = line[len("msgstr "):]
        if current is None or not line.startswith('"'):
            raise ValueError(f"line {lineno}: cannot parse {raw!r}")
        current.append(ast.literal_eval(line))
    flush()
    return entries


def mo_bytes(entries: dict[str, str]) -> bytes:
    """The GNU .mo encoding of ``entries`` (UTF-8, little-endian, no hash table)."""
    keys = sorted(entries)
    ids = [k.encode("utf-8") for k in keys]
    strs = [entries[k].encode("utf-8") for k in keys]
    n = len(keys)
    header_size = 7 * 4
    ids_table = header_size
    strs_table = ids_table + n * 8
    data_start = strs_table + n * 8
    offsets_ids, offsets_strs, blob = [], [], b""
    for s in ids:
        offsets_ids.append((len(s), data_start + len(blob)))
        blob += s + b"\0"
    for s in strs:
        offsets_strs.append((len(s), data_start + len(blob)))
        blob += s + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, n, ids_table, strs_table, 0, data_start)
    for length, off in offsets_ids:
        out += struct.pack("<2I", length, off)
    for length, off in offsets_strs:
        out += struct.pack("<2I", length, off)
    return out + blob


def compile_catalog(po: Path) -> bytes:
    return mo_bytes(parse_po(po.read_text(encoding="utf-8")))


def main() -> int:
    for po in sorted(HERE.glob("*.po")):
        po.with_suffix(".mo").write_bytes(compile_catalog(po))
        print(f"compiled {po.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
