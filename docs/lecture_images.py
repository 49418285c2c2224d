"""Make the README's lecture-deck images: ``make lecture-images`` (or ``python docs/lecture_images.py``).

Exports the sample cases as a lecture deck and a quiz deck (PPTX, English and
Chinese) with ``annotator.export.case_export.export_cases``, has LibreOffice
render each PPTX (``soffice --headless --convert-to pdf``), and turns chosen
pages into PNG with poppler (``pdftoppm``) in ``docs/slides/lecture-*.png``:
what a teacher sees opening the deck in LibreOffice. Needs LibreOffice Impress
and poppler-utils (``apt-get install libreoffice-impress-nogui poppler-utils``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "slides"
WIDTH = 1280  # px of each PNG


def _titles(pptx: Path) -> list[str]:
    from pptx import Presentation

    return [" ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in Presentation(str(pptx)).slides]


def _page(titles: list[str], *words: str) -> int:
    """1-based number of the first slide whose text has all ``words``."""
    for i, t in enumerate(titles, start=1):
        if all(w in t for w in words):
            return i
    raise SystemExit(f"no slide with {words!r}")


def main() -> int:
    from annotator.export.case_export import export_cases
    from annotator.export.lecture import LectureOptions
    from annotator.io.casefile import load_case

    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed (apt-get install libreoffice-impress-nogui poppler-utils)", file=sys.stderr)
            return 2
    cases = sorted((ROOT / "sample_images" / "cases").glob("*/case.json"))
    items = [(load_case(p), p.parent) for p in cases]
    cine = 1 + [p.parent.name for p in cases].index("cine_venous_blush")  # the 512² film
    wanted = {  # image name -> (deck, words on the slide)
        "lecture-contents": ("lecture-en", ("Contents",)),
        "lecture-clean": ("lecture-en", (f"Case {cine} · left L5", "(live AP run)")),
        "lecture-annotated": ("lecture-en", (f"Case {cine} · left L5", "venous")),
        "lecture-quiz": ("quiz-en", ("Case 1 · right L4 · Quiz: Is the tip on target?",)),
        "lecture-answer": ("quiz-en", ("Case 1 · right L4 · Answer",)),
        "lecture-summary": ("lecture-en", ("Case 1: Case summary",)),
        "lecture-zh": ("quiz-zh", ("病例 1", "答案")),
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        decks = {"lecture-en": ("en", False), "quiz-en": ("en", True), "quiz-zh": ("zh", True)}
        for name, (lang, quiz) in decks.items():
            pptx = work / f"{name}.pptx"
            export_cases(items, pptx=pptx, lang=lang,
                         lecture=LectureOptions(title="Selective nerve root blocks" if lang == "en" else "",
                                                quiz=quiz))
            subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{work}/lo-profile",
                            "--convert-to", "pdf", "--outdir", str(work), str(pptx)],
                           check=True, capture_output=True, timeout=600)
        OUT.mkdir(parents=True, exist_ok=True)
        for image, (deck, words) in wanted.items():
            page = _page(_titles(work / f"{deck}.pptx"), *words)
            subprocess.run(["pdftoppm", "-png", "-singlefile", "-f", str(page), "-l", str(page), "-scale-to-x",
                            str(WIDTH), "-scale-to-y", "-1", str(work / f"{deck}.pdf"), str(OUT / image)],
                           check=True, timeout=120)
            print(OUT / f"{image}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
