"""Accept or reject the assist's suggestions (issue 6): the tool proposes, the user decides.

A suggestion is an annotation with ``suggested=True`` (and, for a finding
suggestion, a linked ``Finding(suggested=True)`` through
``attrs["finding_id"]`` / ``finding.annotation_id``). With one selected,
``Enter`` accepts it (``suggested=False``; an accepted tip or shaft replaces
the film's confirmed one, as there is one needle per film) and ``Esc``
rejects it (removes it and its finding). Each is one undo step. Afterwards the
next suggestion on the same frame is selected, so the user can go through
them with the keyboard; nothing is ever confirmed without a key press.
"""

from __future__ import annotations

from dataclasses import replace

from annotator.model import Annotation, Role
from annotator.ui.i18n import tr
from annotator.ui.tools.base import ToolContext

SINGLE_ROLES = (Role.TIP, Role.SHAFT)  # one per film: accepting replaces the confirmed one


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


def accept_suggestion(ctx: ToolContext, ann_id: str) -> bool:
    """Confirm suggestion ``ann_id`` (one undo step); True when done."""
    ann = next((a for a in ctx.film.annotations if a.id == ann_id), None)
    if ann is None or not ann.suggested:
        return False
    doc = ctx.document
    with doc.macro("Accept suggestion"):
        if ann.role in SINGLE_ROLES:
            for other in list(ctx.film.annotations):
                if other.role is ann.role and other.id != ann.id and not other.suggested:
                    doc.remove_annotation(ctx.film_id, other.id)
        doc.update_annotation(ctx.film_id, replace(ann, suggested=False))
        root = ctx.root
        for f in _linked_findings(ctx, ann):
            if f.suggested:
                doc.update_finding(root.id, replace(f, suggested=False))
    nxt = select_next_suggestion(ctx)
    ctx.status(tr("Suggestion accepted") if nxt is None else
               tr("Suggestion accepted; next suggestion selected (Enter accepts, Esc rejects)"))
    return True


def reject_suggestion(ctx: ToolContext, ann_id: str) -> bool:
    """Remove suggestion ``ann_id`` and its suggested finding (one undo step); True when done."""
    ann = next((a for a in ctx.film.annotations if a.id == ann_id), None)
    if ann is None or not ann.suggested:
        return False
    doc = ctx.document
    linked = [f for f in _linked_findings(ctx, ann) if f.suggested]
    with doc.macro("Reject suggestion"):
        doc.remove_annotation(ctx.film_id, ann.id)
        for f in linked:
            doc.remove_finding(ctx.root.id, f.id)
    nxt = select_next_suggestion(ctx)
    ctx.status(tr("Suggestion rejected") if nxt is None else
               tr("Suggestion rejected; next suggestion selected (Enter accepts, Esc rejects)"))
    return True


def suggestion_key(ctx: ToolContext, key: str) -> bool:
    """``Enter`` accepts and ``Esc`` rejects the selected suggestion; True when the key was used."""
    ann = selected_suggestion(ctx)
    if ann is None:
        return False
    if key == "enter":
        return accept_suggestion(ctx, ann.id)
    if key == "escape":
        return reject_suggestion(ctx, ann.id)
    return False
