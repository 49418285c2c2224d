from annotator.model import Case
from annotator.model.document import CaseDocument


def test_mark_unsaved_makes_a_clean_document_dirty_until_saved(tmp_path):
    doc = CaseDocument(Case(title="t"), tmp_path)
    assert not doc.dirty
    doc.mark_unsaved()
    assert doc.dirty
    doc.clear_history()
    assert doc.dirty  # restored work stays unsaved after forgetting history
    doc.mark_saved()
    assert not doc.dirty
