"""Side and root of a mark, edited from the canvas (domain.md §4 "Side and root of every mark").

A right *click* (no drag: a right drag sets the window) on a bilateral landmark
offers its side (left, right, unknown); on a needle mark or finding marker the
root it belongs to (the roots that use the film). Every change is one step of
the document's undo stack (``CaseDocument.update_annotation``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PyQt6.QtWidgets import QMenu, QWidget

from annotator.model import ROOTED_ROLES, SIDED_ROLES, MarkSide
from annotator.ui.i18n import tr, trf

SIDE_TEXT = {MarkSide.LEFT: "left", MarkSide.RIGHT: "right", MarkSide.UNKNOWN: "side unknown"}


def set_mark_side(document: Any, film_id: str, ann_id: str, side: MarkSide) -> None:
    """Set the side of a bilateral landmark (one undo step)."""
    ann = document.film(film_id).annotation(ann_id)
    document.update_annotation(film_id, replace(ann, side=MarkSide(side)))


def set_mark_root(document: Any, film_id: str, ann_id: str, root_id: str) -> None:
    """Give a needle mark to another root that uses the film (one undo step)."""
    ann = document.film(film_id).annotation(ann_id)
    document.update_annotation(film_id, replace(ann, root_id=document.root(root_id).id))


def popup_mark_menu(canvas: Any, image_point: tuple[float, float], global_pos: Any) -> bool:
    """Select the mark under ``image_point`` and pop up its menu; False when there is none."""
    from annotator.ui.tools.select import hit_shape

    ctx = canvas.context()
    ann = hit_shape(ctx, image_point) if ctx is not None else None
    menu = mark_menu(canvas, canvas.document, canvas.film_id, ann.id) if ann is not None else None
    if menu is None:
        return False
    canvas.select_annotation(ann.id)
    menu.popup(global_pos)
    return True


def mark_menu(parent: QWidget, document: Any, film_id: str, ann_id: str) -> QMenu | None:
    """The menu for one mark, or None when it has neither side nor root to choose."""
    ann = document.film(film_id).annotation(ann_id)
    menu = QMenu(parent)
    if ann.role in SIDED_ROLES:
        menu.addSection(tr("Side of this landmark"))
        current = ann.side or MarkSide.UNKNOWN
        for side, text in SIDE_TEXT.items():
            act = menu.addAction(tr(text))
            act.setCheckable(True)
            act.setChecked(side is current)
            act.triggered.connect(lambda _=False, s=side: set_mark_side(document, film_id, ann_id, s))
    elif ann.role in ROOTED_ROLES:
        roots = document.case.roots_of(film_id)
        menu.addSection(tr("Root of this mark"))
        current = ann.root_id or (roots[0].id if roots else None)
        for r in roots:
            act = menu.addAction(trf("{side} {level}", side=tr(r.side.value), level=r.level))
            act.setCheckable(True)
            act.setChecked(r.id == current)
            act.triggered.connect(lambda _=False, rid=r.id: set_mark_root(document, film_id, ann_id, rid))
    else:
        return None
    return menu
