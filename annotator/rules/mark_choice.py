"""Which marks a rule uses for a root on a film, without ever choosing silently.

domain.md §4 "Side and root of every mark": a rule uses only the root's own
needle tip and the landmarks of the root's side. When that is not decidable the
choice is *ambiguous* and names the marks to fix.

Tips: the confirmed TIP marks whose ``root_id`` is the root (a tip without a
root_id counts for the film's owning root only), on the film's key frame if
there is one there, else on any frame; two or more → ambiguous (``two_tips``).

Landmarks of a role (pedicle margin, SAP margin, S1 foramen, foramen): the
confirmed marks of the role, preferring the tip's frame, in level tiers as
before (the wanted level, then marks without a level; another level is never
used). In a tier, the candidates are the marks of the root's side plus those
of unknown side; other-side marks are never used:

* exactly one candidate and it is of the root's side → it;
* the only mark of that role that could be the root's (of the wanted level or
  without a level, any side) is one of unknown side → it (a single-sided film
  marked before sides existed keeps working);
* no candidate → the next tier (or missing);
* otherwise → ambiguous: ``unknown_side`` (a mark of unknown side beside
  another mark of that role) or ``same_side`` (two marks of the root's side).
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.model import Annotation, Film, MarkSide, Role, Root
from annotator.model.mark_side import infer_side
from annotator.rules.verdict import Status, Verdict


@dataclass(frozen=True)
class Choice:
    """The mark chosen (or None), or why none could be chosen.

    ``problem``: None, ``two_tips``, ``unknown_side`` or ``same_side``;
    ``marks``: the ids of the marks involved in the problem.
    """

    mark: Annotation | None = None
    problem: str | None = None
    marks: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.problem is not None


def belongs_to(ann: Annotation, film: Film, root: Root) -> bool:
    """A needle mark belongs to ``root``: its root_id, or none set on a film the root owns."""
    if ann.root_id is not None:
        return ann.root_id == root.id
    return any(f.id == film.id for f in root.films)


def root_marks(film: Film, root: Root, role: Role) -> list[Annotation]:
    """Every confirmed mark of ``role`` on ``film`` that belongs to ``root`` (any frame), in file order."""
    return [a for a in film.annotations if a.role is role and not a.suggested and belongs_to(a, film, root)]


def tip_marks(film: Film, root: Root) -> list[Annotation]:
    """Every confirmed tip of ``root`` on ``film`` (any frame), in file order."""
    return root_marks(film, root, Role.TIP)


def choose_tip(film: Film, root: Root) -> Choice:
    """The root's needle tip on the film (see the module docstring)."""
    tips = tip_marks(film, root)
    on_key = [a for a in tips if a.frame == film.key_frame]
    chosen = on_key or tips
    if len(chosen) >= 2:
        return Choice(problem="two_tips", marks=tuple(a.id for a in chosen))
    return Choice(mark=chosen[0] if chosen else None)


def _side(a: Annotation) -> MarkSide:
    return a.side if a.side is not None else MarkSide.UNKNOWN


def choose_landmark(film: Film, role: Role, level: str | None, frame: int | None, side: MarkSide) -> Choice:
    """The landmark of ``role`` for ``level`` on the root's ``side`` (see the module docstring)."""
    marks = [a for a in film.annotations if a.role is role and not a.suggested]
    if frame is not None:
        marks = [a for a in marks if a.frame == frame] or marks
    wanted_level = level.strip().upper() if level else None
    tiers = [[a for a in marks if (a.level.strip().upper() if a.level else None) == wanted]
             for wanted in dict.fromkeys((wanted_level, None))]
    pool = [a for tier in tiers for a in tier]  # every mark that could be this root's, of any side
    for tier in tiers:
        own = [a for a in tier if _side(a) is side]
        unknown = [a for a in tier if _side(a) is MarkSide.UNKNOWN]
        if len(own) == 1 and not unknown:
            return Choice(mark=own[0])
        if not own and len(unknown) == 1 and len(pool) == 1:
            return Choice(mark=unknown[0])
        if not own and not unknown:
            continue
        if len(own) >= 2 and not unknown:
            return Choice(problem="same_side", marks=tuple(a.id for a in own))
        return Choice(problem="unknown_side", marks=tuple(a.id for a in own + unknown))
    return Choice()


def root_side(root: Root) -> MarkSide:
    return MarkSide(root.side.value)


def tip_on_wrong_side(film: Film, root: Root, tip: Annotation) -> bool:
    """The tip's inferred side is known and is not the root's (see :mod:`annotator.model.mark_side`)."""
    side = infer_side(film, tip.points[0])
    return side is not MarkSide.UNKNOWN and side is not root_side(root)


def ambiguous_verdict(rule_id: str, source: str, unit: str, root: Root,
                      problems: list[tuple[Choice, str]]) -> Verdict:
    """The ``ambiguous`` verdict naming what to fix: (choice, landmark code) pairs."""
    return Verdict(
        rule_id, source, Status.AMBIGUOUS, unit=unit, level=root.level, side=root.side.value,
        ambiguity=tuple((c.problem or "", name) for c, name in problems),
        details={"ambiguous_marks": tuple(i for c, _ in problems for i in c.marks)},
    )
