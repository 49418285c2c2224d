from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from annotator.io.identity import read_identity


def _write(path, **tags):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.12.1"
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    for k, v in tags.items():
        setattr(ds, k, v)
    ds.save_as(path, enforce_file_format=True)


def test_identity_is_read_only_on_request_and_hidden_in_reprs(tmp_path):
    f = tmp_path / "film.dcm"
    _write(f, PatientName="DOE^JANE", PatientID="ID-42", PatientBirthDate="19560101", StudyDate="20260115")
    ident = read_identity(f)
    assert ident is not None
    assert "DOE" not in repr(ident) and "DOE" not in str(ident) and "ID-42" not in f"{ident}"
    lines = ident.lines()
    assert lines[0] == "DOE JANE"
    assert "ID-42" in lines[1] and "1956-01-01" in lines[1]
    assert "2026-01-15" in lines[2]


def test_no_identity_for_plain_or_anonymous_files(tmp_path):
    plain = tmp_path / "x.png"
    plain.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert read_identity(plain) is None
    anon = tmp_path / "anon.dcm"
    _write(anon)
    assert read_identity(anon) is None
