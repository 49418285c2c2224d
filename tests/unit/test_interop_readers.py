"""Our exports read by software we did not write (issue #13): dcmtk, highdicom, LibreOffice.

Every sample case is exported (DICOM, and one deck) and read back as a receiving department
would: ``dsrdump``/``dsr2html`` parse every report without warnings other than known dcmtk
limits; highdicom parses every report and its content tree says what the rules say;
``dcmp2pgm`` renders every presentation state with its image — the presentation state it
parsed holds the tip where the case has it, a grayscale value on every layer, and the
rendered pixels around the tip are the grey levels the screen shows there; LibreOffice
converts the PowerPoint deck to PDF, one page per slide.

dcmp2pgm applies a presentation state's VOI, polarity, shutters and overlays but does not
draw graphic annotations into its bitmap (dcmtk leaves that to viewers): the tip marker is
checked in what dcmp2pgm parsed (its ``--verbose`` dump, which lists the graphics of frame 1
only), the pixels around it in the bitmap of the tip's frame.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pydicom
import pytest

from annotator.export import sr_codes as sc
from annotator.export.case_export import export_case
from annotator.io.casefile import load_case
from annotator.model import Role
from annotator.rules import evaluate_film, evaluate_root

pytestmark = [pytest.mark.filterwarnings("ignore::UserWarning:highdicom"), pytest.mark.interop]
CASES = Path(__file__).resolve().parents[2] / "sample_images" / "cases"
SAMPLES = sorted(p.name for p in CASES.iterdir() if (p / "case.json").is_file()) if CASES.is_dir() else []
# dcmtk's own limits, not defects of the file: its VR checker has no UTF-8 support
KNOWN_DCMTK_WARNINGS = ("The VR checker does not support this Specific Character Set: ISO_IR 192",)


def tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):  # CI installs it: a missing tool there is a broken CI, not a skip
            pytest.fail(f"{name} (Debian package {package}) is not installed on CI")
        pytest.skip(f"{name} (Debian package {package}) is not installed")
    return path


@pytest.fixture(scope="module", params=SAMPLES)
def exported(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    shutil.copytree(CASES / request.param, tmp / "case")
    case = load_case(tmp / "case" / "case.json")
    files = {}
    for lang in ("en", "zh"):
        result = export_case(case, tmp / "case", dicom_dir=tmp / lang, lang=lang)
        files[lang] = {p.name: p for p in result.files}
    return case, tmp / "case", files


def _unexpected(output: str) -> list[str]:
    lines = [ln for ln in output.splitlines() if ln.startswith(("W:", "E:", "F:"))]
    return [ln for ln in lines if not any(k in ln for k in KNOWN_DCMTK_WARNINGS)]


def test_dcmtk_reads_every_report_without_warnings(exported, tmp_path: Path) -> None:
    dsrdump, dsr2html = tool("dsrdump", "dcmtk"), tool("dsr2html", "dcmtk")
    _case, _folder, files = exported
    for lang, named in files.items():
        for name, path in named.items():
            if not name.endswith("-sr.dcm"):
                continue
            dump = subprocess.run([dsrdump, str(path)], capture_output=True, text=True)
            assert dump.returncode == 0, (lang, name, dump.stderr)
            assert _unexpected(dump.stdout + dump.stderr) == [], (lang, name)
            assert "Needle tip" in dump.stdout or "针尖" in dump.stdout
            html = tmp_path / f"{lang}-{name}.html"
            out = subprocess.run([dsr2html, str(path), str(html)], capture_output=True, text=True)
            assert out.returncode == 0 and html.stat().st_size > 0, (lang, name, out.stderr)
            assert _unexpected(out.stdout + out.stderr) == [], (lang, name)


def test_highdicom_parses_every_report_into_the_cases_verdicts(exported) -> None:
    import highdicom as hd

    case, _folder, files = exported
    for lang, named in files.items():
        for n, root in enumerate(case.roots, start=1):
            ds = pydicom.dcmread(named[f"root{n}-{root.side.value}-{root.level}-sr.dcm"])
            sr = hd.sr.Comprehensive3DSR.from_dataset(ds)
            used = case.films_of(root)  # with the films it shares with other roots (bilateral_L5)
            verdicts = [v for f in used if (v := evaluate_film(f, root, None, used).verdict) is not None]
            tips = sr.content.get_planar_roi_measurement_groups()
            assert len(tips) == len(verdicts), lang
            for group, verdict in zip(tips, verdicts):
                (status,) = group.get_qualitative_evaluations()
                assert status.value.value == sc.code_value(verdict.status.value)
                (distance,) = group.get_measurements()
                assert distance.value == pytest.approx(round(verdict.distance, 1), abs=1e-9)
                assert group.roi is not None
            rs = evaluate_root(root, None, case)
            (root_group,) = [g for g in sr.content.get_image_measurement_groups()
                             if g.finding_type.value == sc.NERVE_ROOT[0]]
            values = {q.name.value: q.value.value for q in root_group.get_qualitative_evaluations()}
            assert values[sc.ROOT_LEVEL[0]] == root.level
            assert values[sc.BLOCK_RESULT[0]] == sc.code_value(rs.block_result)
            assert values["121077"] == sc.code_value(rs.conclusion)
            (site,) = root_group.finding_sites
            assert site.value.value == sc.VERTEBRA_CODES[root.level][0]
            assert site.laterality.value == sc.LATERALITY_CODES[root.side.value][0]


def _layer_sections(dump: str) -> dict[str, str]:
    parts = re.split(r"^I: Graphic Layer #\d+ \[([^\]]+)\]$", dump, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_dcmp2pgm_renders_every_presentation_state_as_the_screen(exported, tmp_path: Path) -> None:
    from annotator.io import open_image
    from annotator.render import display_frame

    dcmp2pgm = tool("dcmp2pgm", "dcmtk")
    from PIL import Image

    case, folder, files = exported
    named = files["en"]
    from annotator.export.films import figure_indices
    from annotator.export.text import figure_label

    by_label = {figure_label(1, i, f): f for f in case.films() for i in [figure_indices(case)[f.id]]}
    gsps_names = sorted(n for n in named if n.endswith("-gsps.dcm"))
    assert len(gsps_names) == sum(len(case.films_of(r)) for r in case.roots)  # one per root using the film
    for name in gsps_names:
        # the film's one image, also for a shared film's other roots ("fig6A-left-L5-gsps.dcm")
        [label] = [label for label in by_label if name.startswith(f"fig{label}-")]
        film = by_label[label]
        image_path = named[f"fig{label}-image.dcm"]
        out = tmp_path / f"{name}.pgm"
        run = subprocess.run([dcmp2pgm, "--verbose", "--frame", str(film.key_frame + 1), "--pstate",
                              str(named[name]), str(image_path), str(out)],
                             capture_output=True, text=True, cwd=tmp_path)
        assert run.returncode == 0, (name, run.stderr)
        dump = run.stdout + run.stderr
        assert _unexpected(dump) == [], name
        layers = _layer_sections(dump)
        assert layers and all("Recomm. display value: gray 0x" in body for body in layers.values()), name
        tip = film.first(Role.TIP, film.key_frame)
        if tip is None:
            continue
        if tip.frame == 0:  # dcmp2pgm lists the graphics of frame 1 only (it selects --frame afterwards)
            coords = re.findall(r"coordinates: ([\d.]+)\\([\d.]+)", layers["TIP"])
            assert [(round(float(x), 2), round(float(y), 2)) for x, y in coords][:1] == [
                (round(tip.points[0][0], 2), round(tip.points[0][1], 2))], name
        else:  # the tip's graphic names its frame, so a viewer shows it on that frame only
            gsps = pydicom.dcmread(named[name])
            (item,) = [a for a in gsps.GraphicAnnotationSequence if a.GraphicLayer == "TIP"]
            assert int(item.ReferencedImageSequence[0].ReferencedFrameNumber) == tip.frame + 1
        rendered = np.asarray(Image.open(out)).astype(int)
        screen = display_frame(open_image(folder / film.path), film.key_frame).astype(int)
        if screen.ndim == 3:
            screen = screen[..., 0]
        assert rendered.shape == screen.shape, name
        x, y = (int(round(v)) for v in tip.points[0])
        y0, y1, x0, x1 = max(0, y - 24), y + 24, max(0, x - 24), x + 24
        diff = np.abs(rendered[y0:y1, x0:x1] - screen[y0:y1, x0:x1])
        assert diff.mean() <= 1.0 and diff.max() <= 3, (name, diff.mean(), diff.max())


@pytest.mark.slow
def test_libreoffice_converts_the_deck(tmp_path: Path) -> None:
    soffice = tool("soffice", "libreoffice-impress-nogui")
    from pptx import Presentation

    shutil.copytree(CASES / "right_L5_on_target", tmp_path / "case")
    case = load_case(tmp_path / "case" / "case.json")
    deck = tmp_path / "deck.pptx"
    export_case(case, tmp_path / "case", pptx=deck, lang="zh")
    profile = (tmp_path / "lo-profile").as_uri()
    run = subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                          "--outdir", str(tmp_path / "pdf"), str(deck)], capture_output=True, text=True,
                         timeout=300)
    pdf = tmp_path / "pdf" / "deck.pdf"
    assert run.returncode == 0 and pdf.is_file(), run.stderr
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))
    assert pages == len(Presentation(str(deck)).slides)
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True).stdout
        assert "L5" in text


@pytest.mark.dciodvfy
def test_dciodvfy_accepts_every_chinese_object(exported) -> None:
    """Chinese meanings and labels count in bytes for dciodvfy: LO values cut at 64 bytes. (English
    objects: test_export_dicom runs dciodvfy on every object.)"""
    dciodvfy = tool("dciodvfy", "dicom3tools")
    _case, _folder, files = exported
    for lang, named in files.items():
        if lang != "zh":
            continue
        for name, path in named.items():
            out = subprocess.run([dciodvfy, str(path)], capture_output=True, text=True)
            errors = [ln for ln in (out.stdout + out.stderr).splitlines() if ln.startswith("Error")]
            assert errors == [], (lang, name, errors)
