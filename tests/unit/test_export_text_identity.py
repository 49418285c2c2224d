"""Issue #13: free text is checked for identity before a de-identified export; pseudonyms are stable.

Done when: a name planted only in SeriesDescription and typed into a caption, a phone number in
the notes and an ID in an annotation label stop the export until each is removed or confirmed,
and the result contains none of them unless confirmed.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pydicom
import pytest

from annotator.cli import main
from annotator.export import text_identity as ti
from annotator.export.case_export import export_case
from annotator.export.deid import text_parts
from annotator.export.header_terms import Term, name_variants, terms_of_dataset
from annotator.io.casefile import load_case, save_case
from annotator.model import Role
from tests.unit.test_export_fixtures import make_case

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:highdicom")

NAME = "Xerxandrella"  # only in SeriesDescription: no identity attribute holds it
PHONE = "138 0013 8000"
RECORD = "ID 48213377"


def planted_case(folder: Path):
    case = make_case(folder, n_films=2)
    for film in case.roots[0].films:
        ds = pydicom.dcmread(folder / film.path)
        ds.SeriesDescription = f"L-spine SNRB {NAME}"
        ds.save_as(folder / film.path, enforce_file_format=True)
    first = case.roots[0].films[0]
    first.caption = f"{NAME}: contrast along the L5 sheath"
    case.notes = f"Call the ward on {PHONE} before the block"
    arrow = next(a for a in first.annotations if a.role is Role.ARROW)
    first.annotations[first.annotations.index(arrow)] = replace(arrow, text=f"sheath {RECORD}")
    return case


def _everything(paths: list[Path]) -> str:
    """What a reader could read in the output files (PPTX XML text, PNG chunks, DICOM values)."""
    out = []
    for p in paths:
        out.append(text_parts(p).decode("utf-8", "ignore"))
        if p.suffix == ".pptx":
            with zipfile.ZipFile(p) as z:
                out += [z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml")]
    return "\n".join(out)


def _export(case, folder: Path, out: Path, **kw):
    return export_case(case, folder, pptx=out / "d.pptx", png_dir=out / "png", dicom_dir=out / "dcm", **kw)


def test_hits_block_the_export_one_line_per_field(tmp_path: Path) -> None:
    case = planted_case(tmp_path / "c")
    with pytest.raises(ti.TextIdentityError) as err:
        _export(case, tmp_path / "c", tmp_path / "out")
    assert err.value.lines()[1:] == [
        f"case notes: '{PHONE}' (phone number)",
        f"film 1A caption: '{NAME}' (word in the DICOM headers (SeriesDescription))",
        f"film 1A arrow label: '{RECORD}' (record number)",
    ]
    message = str(err.value)  # what could reach a log: the fields, never the text
    assert "film 1A caption: word in the DICOM headers (SeriesDescription)" in message
    assert NAME not in message and PHONE not in message and "48213377" not in message
    assert not (tmp_path / "out").exists()  # nothing written
    # an identified export is not checked: the user keeps identity on purpose
    export_case(case, tmp_path / "c", pptx=tmp_path / "ident.pptx", identified=True)


def test_removed_or_confirmed_hits_let_the_export_through_and_only_confirmed_text_stays(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    case = planted_case(folder)
    hits = {h.text: h for h in ti.pending(case, folder)}
    # remove the name and the record number (what the GUI's "remove" does), confirm the phone
    for text in (NAME, RECORD):
        hit = hits[text]
        attr, value = ti.without_hit(case, hit)
        if hit.field.kind == "annotation":
            film = case.roots[0].film(hit.field.film_id)
            film.annotations = [value if a.id == value.id else a for a in film.annotations]
        else:
            film = case.roots[0].film(hit.field.film_id)
            setattr(film, attr, value)
    with pytest.raises(ti.TextIdentityError) as err:  # the phone still stops it
        _export(case, folder, tmp_path / "out")
    assert [h.text for h in err.value.hits] == [PHONE]
    case.extra = ti.confirm(case, err.value.hits)
    result = _export(case, folder, tmp_path / "out")
    text = _everything(result.files)
    assert NAME not in text and "48213377" not in text
    assert PHONE in text  # confirmed: the user's words are kept
    assert all(h.digest in case.extra[ti.CONFIRMED_KEY] for h in err.value.hits)
    assert PHONE not in json.dumps(case.extra)  # the case stores digests, not the text again


def test_cli_lists_hits_exits_2_and_confirm_text_records_the_confirmation(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "c"
    save_case(planted_case(folder), folder / "case.json")
    out = tmp_path / "out"
    assert main(["export", str(folder), "--pptx", str(out / "d.pptx"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"  film 1A caption: '{NAME}'" in err.splitlines()[2]  # head line, then one line per field
    assert PHONE in err and RECORD in err and len(err.splitlines()) == 4
    assert not out.exists()
    assert main(["export", str(folder), "--pptx", str(out / "d.pptx"), "--quiet", "--confirm-text"]) == 0
    saved = load_case(folder / "case.json")
    assert len(saved.extra[ti.CONFIRMED_KEY]) == 3
    # confirmed once, the next export goes through without the flag
    assert main(["export", str(folder), "--pptx", str(out / "e.pptx"), "--quiet"]) == 0
    # editing the text makes a new hit: confirmation is per field and text
    saved.notes = "Call the ward on 138 0013 9999"
    save_case(saved, folder / "case.json")
    assert main(["export", str(folder), "--pptx", str(out / "f.pptx"), "--quiet"]) == 2


def test_name_variants_reordered_initials_and_chinese() -> None:
    variants = {t for t, _ in name_variants("Zzyzx^Quintavious")}
    assert {"Zzyzx Quintavious", "Quintavious Zzyzx", "Q. Zzyzx", "Zzyzx", "Quintavious"} <= variants
    variants = {t for t, _ in name_variants("Zhang^Wei=张^伟")}
    assert {"张伟", "张 伟", "Wei Zhang"} <= variants
    assert "张" not in variants  # a single family character is part of ordinary words (紧张)
    terms = [Term(t, "name", "PatientName", initials=i) for t, i in name_variants("Zhang^Wei=张^伟")]
    ref = ti.FieldRef("case", "notes", "case notes")
    found = [h.text for h in ti.find_hits("患者张 伟，紧张；seen by W. Zhang and by ZW", ref, terms)]
    assert found == ["张 伟", "W. Zhang", "ZW"]


def test_header_words_come_from_every_text_attribute_but_not_ordinary_words() -> None:
    ds = pydicom.Dataset()
    ds.SeriesDescription = "Lumbar spine AP after contrast Xerxandrella"
    item = pydicom.Dataset()
    item.CodeMeaning = "Lumbar spine"  # codes describe, never name
    item.InstitutionName = "Bramblewick Clinic"
    ds.ContributingEquipmentSequence = [item]
    ds.AccessionNumber = "AC7788123"
    ds.Manufacturer = "Grimsdottir Medical"
    got = {(t.text, t.kind) for t in terms_of_dataset(ds)}
    assert ("Xerxandrella", "word") in got and ("Bramblewick", "word") in got
    assert ("AC7788123", "identifier") in got
    assert not any(t in {"Lumbar", "spine", "after", "contrast", "Clinic", "Grimsdottir"} for t, _ in got)


@pytest.mark.parametrize("text, reason", [
    ("mail jdoe@example.org", "e-mail address"), ("born 1948-02-29", "date"), ("seen 12 March 2024", "date"),
    ("2019年3月5日复查", "date"), ("tel (021) 5555-0142", "phone number"), ("MRN 1234567", "record number"),
    ("住院号 00123456", "record number"),
])
def test_patterns(text: str, reason: str) -> None:
    hits = ti.find_hits(text, ti.FieldRef("case", "notes", "case notes"), [])
    assert [h.reason for h in hits] == [reason]


@pytest.mark.parametrize("text", [
    "2 ml of 0.5% lidocaine at L4-L5, 3-4 mm lateral", "VAS 80 60 40 20 after 30 min", "kVp 75, 5 mA, 1:1000",
    "L5 root, contrast 1.5 ml, tip 2.8 mm from target",
])
def test_clinical_numbers_are_not_hits(text: str) -> None:
    assert ti.find_hits(text, ti.FieldRef("case", "notes", "case notes"), []) == []


def test_one_case_is_one_pseudonymous_patient_in_every_export_and_language(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    case = make_case(folder, n_films=1)
    runs = {}
    for name, lang in (("en1", "en"), ("en2", "en"), ("zh", "zh")):
        result = export_case(case, folder, dicom_dir=tmp_path / name, lang=lang)
        runs[name] = {p.name: pydicom.dcmread(p) for p in result.files}
    en1, en2, zh = runs["en1"], runs["en2"], runs["zh"]
    image = en1["fig1A-image.dcm"]
    assert str(image.SOPInstanceUID).startswith("2.25.")
    for other in (en2, zh):
        for ds in other.values():
            assert ds.PatientID == image.PatientID and str(ds.PatientName) == str(image.PatientName)
            assert ds.StudyInstanceUID == image.StudyInstanceUID
            assert ds.get("StudyDate") == image.get("StudyDate")
        assert other["fig1A-image.dcm"].SOPInstanceUID == image.SOPInstanceUID
    # the same content in the same language is the same object; the other language is another
    assert en2["fig1A-gsps.dcm"].SOPInstanceUID == en1["fig1A-gsps.dcm"].SOPInstanceUID
    assert zh["fig1A-gsps.dcm"].SOPInstanceUID != en1["fig1A-gsps.dcm"].SOPInstanceUID
    # another case (another key) is another patient, whatever the headers say
    other = make_case(tmp_path / "d", n_films=1)
    ds = pydicom.dcmread(export_case(other, tmp_path / "d", dicom_dir=tmp_path / "o").files[0])
    assert ds.PatientID != image.PatientID and ds.StudyInstanceUID != image.StudyInstanceUID


def test_the_key_is_made_once_and_saved_by_the_cli(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    save_case(make_case(folder, n_films=1), folder / "case.json")
    assert "export_pseudonym_key" not in load_case(folder / "case.json").extra
    assert main(["export", str(folder), "--dicom", str(tmp_path / "a"), "--quiet"]) == 0
    key = load_case(folder / "case.json").extra["export_pseudonym_key"]
    assert main(["export", str(folder), "--dicom", str(tmp_path / "b"), "--quiet", "--lang", "zh"]) == 0
    assert load_case(folder / "case.json").extra["export_pseudonym_key"] == key
    a = pydicom.dcmread(tmp_path / "a" / "case1" / "fig1A-sc.dcm")
    b = pydicom.dcmread(tmp_path / "b" / "case1" / "fig1A-sc.dcm")
    assert a.PatientID == b.PatientID and a.StudyInstanceUID == b.StudyInstanceUID
