"""The fonts of the exports: one CJK-capable TrueType font for Pillow and reportlab.

No font is shipped with the package (a full CJK font is 4-16 MB); the export
looks for one in this order and says which it chose:

1. the ``FLUORO_ANNOTATOR_FONT`` environment variable (a .ttf/.ttc/.otf path
   with TrueType outlines; reportlab cannot embed CFF-based .otf);
2. ``annotator/export/fonts/*.ttf|*.ttc`` if a department drops one there;
3. system fonts: WenQuanYi Micro Hei (Debian ``fonts-wqy-microhei``, Apache-2.0
   or GPLv3 with font exception), Droid Sans Fallback (Apache-2.0), Noto Sans CJK
   (OFL, .ttc), Microsoft YaHei / SimHei on Windows, PingFang/STHeiti on macOS.

Latin-only exports fall back to DejaVu Sans, then Pillow's built-in font.
PPTX files cannot embed fonts: they name ``PPTX_EA_FONT`` for East Asian text
(present on Windows and Office for Mac; LibreOffice substitutes a CJK font).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from annotator.errors import ExportError

PPTX_LATIN_FONT = "Arial"
PPTX_EA_FONT = "Microsoft YaHei"

_HERE = Path(__file__).resolve().parent / "fonts"
_CJK_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
    "/usr/share/fonts/google-droid/DroidSansFallback.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)
_LATIN_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "C:/Windows/Fonts/arial.ttf",
    "/Library/Fonts/Arial.ttf",
)


@dataclass(frozen=True)
class FontChoice:
    path: Path
    index: int = 0  # sub-font of a .ttc collection
    cjk: bool = True

    @property
    def name(self) -> str:
        return self.path.stem


def _covers_cjk(path: Path, index: int) -> bool:
    try:
        from fontTools.ttLib import TTFont
    except ImportError:  # fontTools missing: trust the list
        return True
    try:
        with TTFont(str(path), fontNumber=index, lazy=True) as f:
            cmap = f.getBestCmap() or {}
            glyf_ok = "glyf" in f  # reportlab embeds TrueType outlines only
        return glyf_ok and ord("骨") in cmap and ord("位") in cmap
    except Exception:
        return False


@functools.lru_cache(maxsize=4)
def find_font(need_cjk: bool = True) -> FontChoice | None:
    """The first usable font of the search order (module docstring), or None."""
    env = os.environ.get("FLUORO_ANNOTATOR_FONT")
    candidates: list[Path] = []
    if env:
        candidates.append(Path(env))
    if _HERE.is_dir():
        candidates += sorted(p for p in _HERE.iterdir() if p.suffix.lower() in (".ttf", ".ttc"))
    candidates += [Path(p) for p in _CJK_CANDIDATES]
    for p in candidates:
        if p.is_file() and _covers_cjk(p, 0):
            return FontChoice(p, 0, True)
    if need_cjk:
        return None
    for latin in _LATIN_CANDIDATES:
        if Path(latin).is_file():
            return FontChoice(Path(latin), 0, False)
    return None


def require_font(lang: str) -> FontChoice | None:
    """The font for ``lang``; Chinese without a CJK font is an ExportError."""
    font = find_font(need_cjk=True) or (None if lang == "zh" else find_font(need_cjk=False))
    if font is None and lang == "zh":
        raise ExportError(
            "no Chinese font found: install fonts-wqy-microhei or set FLUORO_ANNOTATOR_FONT to a .ttf/.ttc"
        )
    return font


@functools.lru_cache(maxsize=64)
def pil_font(size: int, lang: str = "en"):  # -> PIL.ImageFont.FreeTypeFont | ImageFont
    """A Pillow font of ``size`` pixels for ``lang``."""
    from PIL import ImageFont

    choice = require_font(lang)
    if choice is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(str(choice.path), size, index=choice.index)


@functools.lru_cache(maxsize=4)
def reportlab_font(lang: str = "en") -> str:
    """Register the export font with reportlab once; its name, or 'Helvetica'."""
    choice = require_font(lang)
    if choice is None:
        return "Helvetica"
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = "FA-" + choice.name
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(choice.path), subfontIndex=choice.index))
    return name
