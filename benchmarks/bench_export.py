"""Teaching-deck export of a 12-film case to PPTX and PDF (target: median <= 5 s on 2 cores).

The case is built from the sample case ``right_L5_on_target`` (1024 x 1024
DICOM films), its films repeated to 12, copied to a temporary folder. One
export = open and render every film, judge it, burn in clean and annotated
images, encode the slide images once, write both files (de-identified, with
the leak check of the written files). Also timed: PPTX alone, PDF alone.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from pathlib import Path

from benchmarks.timing import median_ms, table

N_FILMS = 12
REPEATS = 5
TARGET_S = 5.0
SAMPLE = Path(__file__).resolve().parents[1] / "sample_images" / "cases" / "right_L5_on_target"


def twelve_film_case(folder: Path):
    """A copy of the sample case whose root has ``N_FILMS`` films (the sample films repeated)."""
    from annotator.io.casefile import load_case
    from annotator.model import new_id

    shutil.copytree(SAMPLE, folder, dirs_exist_ok=True)
    case = load_case(folder / "case.json")
    root = case.roots[0]
    films = [f for r in case.roots for f in r.films]
    out = []
    for i in range(N_FILMS):
        f = copy.deepcopy(films[i % len(films)])
        f.id, f.figure_label = new_id(), ""
        if f.caption.startswith("Fig"):
            f.caption = f.caption.split(":", 1)[-1].strip()
        out.append(f)
    root.films = out
    case.roots = [root]
    return case


def run() -> str:
    if not (SAMPLE / "case.json").is_file():
        return "sample case not generated (run `python -m sample_images.generate`): skipped\n"
    from annotator.export.case_export import export_case, text_hits

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        case = twelve_film_case(tmp_path / "case")
        out = tmp_path / "out"
        both = median_ms(lambda: export_case(case, tmp_path / "case", pptx=out / "d.pptx", pdf=out / "d.pdf"),
                         repeats=REPEATS)
        pptx = median_ms(lambda: export_case(case, tmp_path / "case", pptx=out / "e.pptx"), repeats=REPEATS)
        pdf = median_ms(lambda: export_case(case, tmp_path / "case", pdf=out / "f.pdf"), repeats=REPEATS)
        zh = median_ms(lambda: export_case(case, tmp_path / "case", pptx=out / "g.pptx", pdf=out / "g.pdf",
                                           lang="zh"), repeats=REPEATS)
        # the free-text identity check every de-identified export runs first (headers of 12 films)
        check = median_ms(lambda: text_hits(case, tmp_path / "case"), repeats=REPEATS)
        sizes = {p: (out / p).stat().st_size / 1e6 for p in ("d.pptx", "d.pdf")}
    rows = [
        ("PPTX + PDF (en)", both / 1e3, f"{sizes['d.pptx']:.1f} + {sizes['d.pdf']:.1f}",
         "yes" if both / 1e3 <= TARGET_S else "NO"),
        ("PPTX + PDF (zh)", zh / 1e3, "", "yes" if zh / 1e3 <= TARGET_S else "NO"),
        ("PPTX only", pptx / 1e3, "", ""),
        ("PDF only", pdf / 1e3, "", ""),
        ("free-text check (part of each)", check / 1e3, "", ""),
    ]
    head = (f"## Export: {N_FILMS}-film case (1024 x 1024 DICOM) to a teaching deck, "
            f"median of {REPEATS}, target <= {TARGET_S:.0f} s\n\n")
    return head + table(["export", "median s", "size MB", "meets target"], rows)
