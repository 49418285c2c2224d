"""The text drawn on the pages of a PDF, for the leak check of de-identified exports.

Page text of an embedded subset font is not plain text in the file: the
content streams (Flate-compressed) show glyph *codes*, and only the font's
ToUnicode map says which characters they are. This reader decompresses every
page's content streams (and the form XObjects they paint), follows the text
state (``Tf``) and decodes every text-showing operator (``Tj``, ``TJ``,
``'``, ``"``) through the current font's ToUnicode map (or WinAnsi for the
standard 14 fonts). Text it cannot decode is not skipped: :class:`PdfTextError`
says so, and the export that asked is refused rather than passed unchecked.

It reads what ``annotator.export.slides_pdf`` (reportlab) writes — classic
cross-reference tables, no object streams, no encryption — and fails loudly on
anything else.
"""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass, field

from annotator.errors import ExportError


class PdfTextError(ExportError):
    """The page text of a PDF could not be read completely."""


_OBJ_RE = re.compile(rb"(?<![0-9])(\d+)\s+(\d+)\s+obj\b(.*?)\bendobj", re.S)
_STREAM_RE = re.compile(rb"\bstream\r?\n(.*)\r?\n?endstream", re.S)
_REF_RE = re.compile(rb"(\d+)\s+\d+\s+R\b")
_NAMED_REF_RE = re.compile(rb"/([^\s/<>\[\]()]+)\s+(\d+)\s+\d+\s+R\b")
_STANDARD_FONTS = {b"Helvetica", b"Times-Roman", b"Courier", b"Symbol", b"ZapfDingbats"}


@dataclass
class _Obj:
    head: bytes  # the object's dictionary (everything before ``stream``)
    data: bytes | None = None  # the decoded stream, if any and if decodable
    filters: list[bytes] = field(default_factory=list)


def _decode_stream(head: bytes, raw: bytes) -> tuple[bytes | None, list[bytes]]:
    m = re.search(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)", head)
    filters = re.findall(rb"/([A-Za-z0-9]+)", m.group(1)) if m else []
    data = raw
    for f in filters:
        if f in (b"FlateDecode", b"Fl"):
            data = zlib.decompressobj().decompress(data)
        elif f in (b"ASCII85Decode", b"A85"):
            body = data.strip()
            body = body[2:] if body.startswith(b"<~") else body
            body = body[:-2] if body.endswith(b"~>") else body
            data = base64.a85decode(body)
        else:  # images (DCT, CCITT...): not text
            return None, filters
    return data, filters


def _objects(raw: bytes) -> dict[int, _Obj]:
    out: dict[int, _Obj] = {}
    for m in _OBJ_RE.finditer(raw):
        body = m.group(3)
        s = _STREAM_RE.search(body)
        if s is None:
            out[int(m.group(1))] = _Obj(body)
            continue
        head = body[: s.start()]
        data, filters = _decode_stream(head, s.group(1))
        out[int(m.group(1))] = _Obj(head, data, filters)
    return out


def _dict_value(head: bytes, key: bytes, objs: dict[int, _Obj]) -> bytes | None:
    """The value of ``/key`` in ``head``: an inline ``<< ... >>`` dict, or the referenced object's head."""
    i = head.find(b"/" + key)
    while i >= 0 and head[i + 1 + len(key): i + 2 + len(key)].isalnum():
        i = head.find(b"/" + key, i + 1)
    if i < 0:
        return None
    rest = head[i + 1 + len(key):].lstrip()
    if rest.startswith(b"<<"):
        depth, j = 0, 0
        while j < len(rest):
            if rest.startswith(b"<<", j):
                depth, j = depth + 1, j + 2
            elif rest.startswith(b">>", j):
                depth, j = depth - 1, j + 2
                if depth == 0:
                    return rest[2: j - 2]
            else:
                j += 1
        return rest
    m = re.match(rb"(\d+)\s+\d+\s+R", rest)
    if m and int(m.group(1)) in objs:
        return objs[int(m.group(1))].head
    return None


class _Font:
    def __init__(self, head: bytes, objs: dict[int, _Obj]) -> None:
        self.width = 1
        self.map: dict[int, str] | None = None
        self.winansi = False
        m = re.search(rb"/ToUnicode\s+(\d+)\s+\d+\s+R", head)
        if m and int(m.group(1)) in objs and objs[int(m.group(1))].data is not None:
            self.map, self.width = _parse_cmap(objs[int(m.group(1))].data or b"")
            return
        base = re.search(rb"/BaseFont\s*/([^\s/<>\[\]]+)", head)
        name = base.group(1) if base else b""
        if name.split(b"-")[0] in _STANDARD_FONTS or name.startswith((b"Helvetica", b"Times", b"Courier")):
            self.winansi = True
            return
        raise PdfTextError(f"a PDF font ({name.decode('latin-1', 'replace')}) has no ToUnicode map")

    def decode(self, code: bytes) -> str:
        if self.winansi:
            return code.decode("cp1252", "replace")
        assert self.map is not None
        out = []
        for i in range(0, len(code), self.width):
            c = int.from_bytes(code[i: i + self.width], "big")
            if c not in self.map:
                raise PdfTextError("a PDF page shows a glyph its font's ToUnicode map does not name")
            out.append(self.map[c])
        return "".join(out)


def _hex_text(h: bytes) -> str:
    b = bytes.fromhex(h.decode())
    return b.decode("utf-16-be", "replace")


def _parse_cmap(data: bytes) -> tuple[dict[int, str], int]:
    width = 1
    cs = re.search(rb"begincodespacerange\s*<([0-9A-Fa-f]+)>", data)
    if cs:
        width = max(1, len(cs.group(1)) // 2)
    out: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = _hex_text(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])",
                                      block):
            a, b = int(lo, 16), int(hi, 16)
            if dst.startswith(b"["):
                for k, d in enumerate(re.findall(rb"<([0-9A-Fa-f]*)>", dst)):
                    out[a + k] = _hex_text(d)
            else:
                base = int(dst[1:-1] or b"0", 16)
                for k in range(b - a + 1):
                    out[a + k] = chr(base + k) if base + k < 0x110000 else ""
    return out, width


_DELIM = b"()<>[]{}/%"


def _tokens(data: bytes):  # -> Iterator[tuple[str, bytes | list]]
    """Content-stream tokens: ("str", bytes), ("hex", bytes), ("name", bytes), ("num", bytes),
    ("op", bytes), ("[", b""), ("]", b""); dictionaries and inline images are skipped."""
    i, n = 0, len(data)
    while i < n:
        c = data[i: i + 1]
        if c.isspace():
            i += 1
        elif c == b"%":
            j = data.find(b"\n", i)
            i = n if j < 0 else j + 1
        elif c == b"(":
            depth, j, buf = 1, i + 1, bytearray()
            while j < n and depth:
                ch = data[j]
                if ch == 0x5C:  # backslash
                    nxt = data[j + 1: j + 2]
                    esc = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
                    if nxt in esc:
                        buf += esc[nxt]
                        j += 2
                    elif nxt.isdigit():
                        m = re.match(rb"[0-7]{1,3}", data[j + 1: j + 4])
                        digits = m.group(0) if m else b"0"
                        buf.append(int(digits, 8) & 0xFF)
                        j += 1 + len(digits)
                    elif nxt in (b"\n", b"\r"):
                        j += 2
                    else:
                        buf += nxt
                        j += 2
                    continue
                if ch == 0x28:
                    depth += 1
                elif ch == 0x29:
                    depth -= 1
                    if depth == 0:
                        j += 1
                        break
                buf.append(ch)
                j += 1
            yield "str", bytes(buf)
            i = j
        elif data.startswith(b"<<", i) or data.startswith(b">>", i):
            i += 2
        elif c == b"<":
            j = data.find(b">", i)
            j = n if j < 0 else j
            h = re.sub(rb"\s", b"", data[i + 1: j])
            yield "hex", bytes.fromhex((h + b"0" * (len(h) % 2)).decode())
            i = j + 1
        elif c in (b"[", b"]"):
            yield c.decode(), b""
            i += 1
        elif c == b"/":
            m = re.match(rb"/[^\s()<>\[\]{}/%]*", data[i:])
            assert m is not None
            yield "name", m.group(0)[1:]
            i += len(m.group(0))
        else:
            m = re.match(rb"[^\s()<>\[\]{}/%]+", data[i:])
            word = m.group(0) if m else c
            i += len(word)
            if re.fullmatch(rb"[+-]?(\d+\.?\d*|\.\d+)", word):
                yield "num", word
            elif word == b"BI":  # inline image: binary data up to EI
                m2 = re.search(rb"\sEI(?=\s|$)", data[i:])
                i = n if m2 is None else i + m2.end()
            else:
                yield "op", word


def _resources(head: bytes, objs: dict[int, _Obj], inherited: bytes | None) -> bytes:
    res = _dict_value(head, b"Resources", objs)
    return res if res is not None else (inherited or b"")


def _show(data: bytes, resources: bytes, objs: dict[int, _Obj], out: list[str], depth: int = 0) -> None:
    if depth > 8:
        raise PdfTextError("PDF form XObjects nest too deep to be read")
    fonts_dict = _dict_value(resources, b"Font", objs) or b""
    fonts = {name: int(ref) for name, ref in _NAMED_REF_RE.findall(fonts_dict)}
    xobjs_dict = _dict_value(resources, b"XObject", objs) or b""
    xobjs = {name: int(ref) for name, ref in _NAMED_REF_RE.findall(xobjs_dict)}
    cache: dict[bytes, _Font] = {}
    font: _Font | None = None
    operands: list = []
    array: list | None = None
    line: list[str] = []

    def text(code: bytes) -> None:
        if font is None:
            raise PdfTextError("a PDF page shows text before choosing a font")
        line.append(font.decode(code))

    for kind, value in _tokens(data):
        if kind == "[":
            array = []
        elif kind == "]":
            operands.append(array or [])
            array = None
        elif array is not None:
            array.append((kind, value))
        elif kind != "op":
            operands.append((kind, value))
        else:
            op = value
            if op == b"Tf":
                names = [v for k, v in operands if k == "name"] if operands else []
                if not names or names[-1] not in fonts or fonts[names[-1]] not in objs:
                    raise PdfTextError("a PDF page names a font it does not define")
                key = names[-1]
                if key not in cache:
                    cache[key] = _Font(objs[fonts[key]].head, objs)
                font = cache[key]
            elif op in (b"Tj", b"'", b'"'):
                strings = [v for k, v in (x for x in operands if isinstance(x, tuple)) if k in ("str", "hex")]
                if op != b"Tj" and line:  # ' and " move to the next line first
                    out.append("".join(line))
                    line = []
                if strings:
                    text(strings[-1])
            elif op == b"TJ":
                for item in operands[-1] if operands and isinstance(operands[-1], list) else []:
                    if item[0] in ("str", "hex"):
                        text(item[1])
            elif op in (b"ET", b"T*", b"Td", b"TD", b"Tm"):
                if line:
                    out.append("".join(line))
                    line = []
            elif op == b"Do":
                names = [v for k, v in operands if k == "name"] if operands else []
                ref = xobjs.get(names[-1]) if names else None
                obj = objs.get(ref) if ref is not None else None
                if obj is not None and b"/Form" in obj.head:
                    if obj.data is None:
                        raise PdfTextError("a PDF form XObject could not be decompressed")
                    _show(obj.data, _resources(obj.head, objs, resources), objs, out, depth + 1)
            operands = []
    if line:
        out.append("".join(line))


def page_texts(raw: bytes) -> list[str]:
    """The text lines drawn on each page of the PDF ``raw``, in content order."""
    if not raw.startswith(b"%PDF"):
        raise PdfTextError("not a PDF file")
    if b"/ObjStm" in raw or b"/Encrypt" in raw:
        raise PdfTextError("PDF object streams or encryption cannot be read for the leak check")
    objs = _objects(raw)
    pages = []
    for num in sorted(objs):
        head = objs[num].head
        if not re.search(rb"/Type\s*/Page(?![s\w])", head):
            continue
        resources = _resources(head, objs, None)
        parent = re.search(rb"/Parent\s+(\d+)\s+\d+\s+R", head)
        while not resources and parent and int(parent.group(1)) in objs:  # inherited from the page tree
            up = objs[int(parent.group(1))].head
            resources = _resources(up, objs, None)
            parent = re.search(rb"/Parent\s+(\d+)\s+\d+\s+R", up)
        m = re.search(rb"/Contents\s*(\[[^\]]*\]|\d+\s+\d+\s+R)", head)
        refs = [int(r) for r in _REF_RE.findall(m.group(1))] if m else []
        lines: list[str] = []
        for ref in refs:
            obj = objs.get(ref)
            if obj is None or obj.data is None:
                raise PdfTextError("a PDF page's content stream could not be read")
            _show(obj.data, resources, objs, lines)
        pages.append("\n".join(lines))
    return pages
