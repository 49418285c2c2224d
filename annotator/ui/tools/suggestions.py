"""Accept or reject the assist's suggestions (issue 6): the tool proposes, the user decides.

A suggestion is an annotation with ``suggested=True`` (and, for a finding
suggestion, a linked ``Finding(suggested=True)`` through
``attrs["finding_id"]`` / ``finding.annotation_id``). With one selected,
``Enter`` accepts it (``suggested=False``; an accepted tip or shaft replaces
the film's confirmed one, as there is one needle per film) and ``Esc``
rejects it (removes it and its finding). A proposed needle TIP and the
proposed SHAFT of the same proposal (``paired_shaft``) go together: Enter on
the tip accepts both, Esc on the tip rejects both; ``Q`` on the tip swaps the needle's
ends (the other end becomes the suggested tip: both ends are candidates). Each key press is one undo
step. Afterwards the next suggestion on the same frame is selected, so the
user can go through them with the keyboard; the status says that the keys act
on the *selected* suggestion and how many are left. Nothing is ever confirmed
without a key press.
"""

from __future__ import annotations

from dataclasses import replace

from annotator.model import Annotation, Role
from annotator.ui.i18n import tr
from annotator.ui.tools.base import ToolContext

SINGLE_ROLES = (Role.TIP, Role.SHAFT)  # one per film: accepting replaces the confirmed one
ASSIST_SOURCE = "assist"  # attrs["source"] of what the assist writes
PROPOSAL_KEYS = ("proposal_id", "proposal")  # attrs a proposal may use to tie its tip and shaft


def keys_hint(left: int) -> str:
    """"Enter/Esc: accept/reject the selected suggestion (n left)", translated."""
    return tr("Enter/Esc: accept/reject the selected suggestion ({n} left)").format(n=left)


def suggestions_left(ctx: ToolContext) -> int:
    """Number of suggestions on the current frame of the film."""
    return sum(1 for a in ctx.film.annotations if a.suggested and a.frame == ctx.frame)


def paired_shaft(ctx: ToolContext, tip: Annotation) -> Annotation | None:
    """The suggested SHAFT of the same needle proposal as the suggested ``tip``, or None.

    Paired by a shared proposal id in ``attrs`` when both carry one; otherwise the
    assist's suggested shaft on the same film and frame.
    """
    if tip.role is not Role.TIP or not tip.suggested or tip.attrs.get("source") != ASSIST_SOURCE:
        return None
    for other in ctx.film.annotations:
        if other.role is not Role.SHAFT or not other.suggested or other.frame != tip.frame \
                or other.attrs.get("source") != ASSIST_SOURCE:
            continue
        ids = [(tip.attrs.get(k), other.attrs.get(k)) for k in PROPOSAL_KEYS
               if tip.attrs.get(k) is not None and other.attrs.get(k) is not None]
        if all(a == b for a, b in ids):
            return other
    return None


def selected_suggestion(ctx: ToolContext) -> Annotation | None:
    """The selected annotation when it is a suggestion on this film."""
    ann_id = ctx.selection.annotation_id
    if ann_id is None:
        return None
    ann = next((a for a in ctx.film.annotations if a.id == ann_id), None)
    return ann if ann is not None and ann.suggested else None


def _linked_findings(ctx: ToolContext, ann: Annotation) -> list:
    root = ctx.root
    if root is None:
        return []
    fid = ann.attrs.get("finding_id")
    return [f for f in root.findings if f.annotation_id == ann.id or (fid is not None and f.id == fid)]


def select_next_suggestion(ctx: ToolContext) -> Annotation | None:
    """Select the first remaining suggestion on the current frame (tip first); None when none is left."""
    left = [a for a in ctx.film.annotations if a.suggested and a.frame == ctx.frame]
    left.sort(key=lambda a: (a.role is not Role.TIP, a.role is not Role.SHAFT))
    ctx.selection.clear()
    if not left:
        return None
    ctx.selection.annotation_id = left[0].id
    return left[0]


def _accept_one(ctx: ToolContext, ann: Annotation) -> None:
    doc = ctx.document
    if ann.role in SINGLE_ROLES:
        for other in list(ctx.film.annotations):
            if other.role is ann.role and other.id != ann.id and not other.suggested:
                doc.remove_annotation(ctx.film_id, other.id)
    doc.update_annotation(ctx.film_id, replace(ann, suggested=False))
    root = ctx.root
    for f in _linked_findings(ctx, ann):
        if f.suggested:
            doc.update_finding(root.id, replace(f, suggested=False))


def _reject_one(ctx: ToolContext, ann: Annotation) -> None:
    doc = ctx.document
    linked = [f for f in _linked_findings(ctx, ann) if f.suggested]
    doc.remove_annotation(ctx.film_id, ann.id)
    for f in linked:
        doc.remove_finding(ctx.root.id, f.id)


def _after(ctx: ToolContext, done: str, needle: bool) -> None:
    nxt = select_next_suggestion(ctx)
    if needle:
        done = tr("Needle tip and shaft accepted") if done == "accepted" else tr("Needle tip and shaft rejected")
    else:
        done = tr("Suggestion accepted") if done == "accepted" else tr("Suggestion rejected")
    ctx.status(done if nxt is None else
               tr("{done}; next suggestion selected. {keys}").format(done=done, keys=keys_hint(suggestions_left(ctx))))


def accept_suggestion(ctx: ToolContext, ann_id: str) -> bool:
    """Confirm suggestion ``ann_id`` (with the paired shaft of a proposed tip; one undo step); True when done."""
    ann = next((a for a in ctx.film.annotations if a.id == ann_id), None)
    if ann is None or not ann.suggested:
        return False
    shaft = paired_shaft(ctx, ann)
    with ctx.document.macro("Accept suggestion"):
        _accept_one(ctx, ann)
        if shaft is not None:
            _accept_one(ctx, shaft)
    _after(ctx, "accepted", shaft is not None)
    return True


def reject_suggestion(ctx: ToolContext, ann_id: str) -> bool:
    """Remove suggestion ``ann_id`` and its suggested finding (with the paired shaft of a proposed
    tip; one undo step); True when done."""
    ann = next((a for a in ctx.film.annotations if a.id == ann_id), None)
    if ann is None or not ann.suggested:
        return False
    shaft = paired_shaft(ctx, ann)
    with ctx.document.macro("Reject suggestion"):
        _reject_one(ctx, ann)
        if shaft is not None:
            _reject_one(ctx, shaft)
    clean_if_as_saved(ctx.document)
    _after(ctx, "rejected", shaft is not None)
    return True


def clean_if_as_saved(doc: object) -> bool:
    """Rejecting the last suggestion brings the case back to what is saved: then it is not
    unsaved (no "save changes?" for edits that were all taken back). Compares with the case file
    on disk; True when the document was marked saved."""
    from pathlib import Path

    from annotator.io.casefile import case_to_dict, load_case

    path = getattr(doc, "path", None)
    if not getattr(doc, "dirty", False) or path is None or not Path(path).is_file():
        return False
    try:
        same = case_to_dict(load_case(Path(path))) == case_to_dict(doc.case)  # type: ignore[attr-defined]
    except Exception:  # an unreadable file: the case stays unsaved
        return False
    if same:
        doc.mark_saved()  # type: ignore[attr-defined]
    return same


def _dist(a, b) -> float:
    return float(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5)


def swap_needle_ends(ctx: ToolContext, ann_id: str) -> bool:
    """Make the other end of a proposed needle its tip: the suggested ``TIP`` ``ann_id`` moves to
    the far end of its paired shaft, which is stored hub first again; one undo step; still a
    suggestion. True when done (the assist's end call can be wrong: both ends are candidates)."""
    tip = next((a for a in ctx.film.annotations if a.id == ann_id), None)
    shaft = paired_shaft(ctx, tip) if tip is not None else None
    if tip is None or shaft is None or len(shaft.points) != 2:
        return False
    p, q = shaft.points
    old_tip = tip.points[0]
    far, near = (p, q) if _dist(p, old_tip) >= _dist(q, old_tip) else (q, p)
    with ctx.document.macro("Swap needle ends"):
        ctx.document.update_annotation(ctx.film_id, replace(tip, points=(far,)))
        ctx.document.update_annotation(ctx.film_id, replace(shaft, points=(near, far)))  # hub first
    ctx.status(tr("The other end of the needle is now the suggested tip (Q swaps back). {keys}").format(
        keys=keys_hint(suggestions_left(ctx))))
    return True


def suggestion_key(ctx: ToolContext, key: str) -> bool:
    """``Enter`` accepts and ``Esc`` rejects the selected suggestion, ``q`` makes the other end
    of a proposed needle its tip; True when the key was used."""
    ann = selected_suggestion(ctx)
    if ann is None:
        return False
    if key == "enter":
        return accept_suggestion(ctx, ann.id)
    if key == "escape":
        return reject_suggestion(ctx, ann.id)
    if key == "swap_ends":
        return swap_needle_ends(ctx, ann.id)
    return False
