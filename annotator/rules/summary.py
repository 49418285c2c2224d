"""Which rule applies to a film, the root summary and the case summary (domain.md §5, §7).

Rule by view and root level: S1 → R-S1 on AP (no rule on lateral/oblique);
L1–L5 → R-AP on AP, R-LAT on lateral, R-OBL on oblique *when a pedicle lower
margin is marked there* (otherwise the oblique film is informational).
Films of unknown view have no rule.

A root's position is confirmed when it has at least one film with a rule,
every such film is ``on_target``, and the ``tip_in_sheath`` finding is tagged
(confirmed, not a suggestion). The conclusion follows the block result:
none → not the responsible root; partial → possibly one of the responsible
roots, check the others; complete → responsible root confirmed; not assessed →
no conclusion. Concordance "no" adds the caution "check the level"; an
assessed block on an unconfirmed position adds a caution too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.model import BlockResult, Case, Concordance, Film, Role, Root, View
from annotator.rules.config import RuleConfig, default_config
from annotator.rules.messages import say
from annotator.rules.rule_foramen import evaluate_foramen
from annotator.rules.rule_pedicle import evaluate_pedicle
from annotator.rules.rule_s1 import evaluate_s1
from annotator.rules.safety import caudal_tilt_deg, film_warnings, root_warnings
from annotator.rules.verdict import RuleWarning, Status, Verdict

_CONCLUSION = {
    BlockResult.NONE: "not_responsible",
    BlockResult.PARTIAL: "possibly_responsible",
    BlockResult.COMPLETE: "responsible",
    BlockResult.NOT_ASSESSED: "no_conclusion",
}


@dataclass(frozen=True)
class FilmResult:
    """The verdict (None: no rule for this view) and the film's warnings."""

    verdict: Verdict | None
    warnings: tuple[RuleWarning, ...] = ()
    film_id: str = ""
    view: str = "unknown"
    figure_label: str = ""
    index: int = 1  # 1-based among the root's films of the same view
    caudal_angle_deg: float | None = None

    def name(self, lang: str = "en") -> str:
        """'Fig 7A (lateral)' or 'lateral film 2': never the file name (it may carry identity)."""
        view = say(f"view.{self.view}", lang)
        if self.figure_label:
            return say("film.figure", lang, label=self.figure_label, view=view)
        return say("film.name", lang, view=view, n=self.index)


@dataclass(frozen=True)
class Gap:
    """Something missing before the position counts as confirmed."""

    kind: str  # no_rule_film, film_status, tip_in_sheath
    film: FilmResult | None = None

    def text(self, lang: str = "en") -> str:
        if self.kind == "film_status" and self.film is not None and self.film.verdict is not None:
            v = self.film.verdict
            status = v.status.text(lang)
            if v.missing:
                status += say("gap.missing", lang, missing=v.missing_text(lang))
            if v.ambiguity:
                status += say("gap.ambiguous", lang, what=v.ambiguity_text(lang))
            return say("gap.film_status", lang, film=self.film.name(lang), status=status)
        return say(f"gap.{self.kind}", lang)


@dataclass(frozen=True)
class RootSummary:
    root_id: str
    level: str
    side: str
    films: tuple[FilmResult, ...]
    position_confirmed: bool
    gaps: tuple[Gap, ...]
    block_result: str
    concordance: str
    conclusion: str  # not_responsible, possibly_responsible, responsible, no_conclusion
    cautions: tuple[str, ...]  # check_level, position_unconfirmed
    warnings: tuple[RuleWarning, ...] = ()  # root-level (W3 without film, W4, drugs, L5 tilt)

    @property
    def all_warnings(self) -> tuple[RuleWarning, ...]:
        return tuple(w for f in self.films for w in f.warnings) + self.warnings

    @property
    def has_danger(self) -> bool:
        return any(w.is_danger for w in self.all_warnings)

    @property
    def all_on_target(self) -> bool:
        """Every film with a rule is on target (vacuously true without such films)."""
        return all(f.verdict.status is Status.ON_TARGET for f in self.films if f.verdict is not None)

    def label(self, lang: str = "en") -> str:
        return say("root.label", lang, side=say(f"side.{self.side}", lang), level=self.level)

    def position_text(self, lang: str = "en") -> str:
        if self.position_confirmed:
            return say("position.confirmed", lang)
        gaps = say("join.clause", lang).join(g.text(lang) for g in self.gaps)
        return say("position.unconfirmed", lang, gaps=gaps)

    def conclusion_text(self, lang: str = "en") -> str:
        """'right L5: complete block → responsible root confirmed; caution: …'."""
        text = say(
            "root.conclusion", lang, root=self.label(lang),
            block=say(f"block.{self.block_result}", lang), conclusion=say(f"conclusion.{self.conclusion}", lang),
        )
        return "".join([text] + [say("join.clause", lang) + say(f"caution.{c}", lang) for c in self.cautions])

    def conclusion_only(self, lang: str = "en") -> str:
        """The conclusion with its cautions, without root and block: 'responsible root confirmed; caution: …'."""
        parts = [say(f"conclusion.{self.conclusion}", lang)] + [say(f"caution.{c}", lang) for c in self.cautions]
        return say("join.clause", lang).join(parts)


@dataclass(frozen=True)
class CaseSummary:
    roots: tuple[RootSummary, ...]
    responsible: tuple[str, ...] = field(default_factory=tuple)  # root ids, complete block
    possible: tuple[str, ...] = field(default_factory=tuple)  # root ids, partial block

    @property
    def all_on_target(self) -> bool:
        return all(r.all_on_target for r in self.roots)

    @property
    def judged_films(self) -> int:
        """Films that have a target rule (a verdict, of any status)."""
        return sum(1 for r in self.roots for f in r.films if f.verdict is not None)

    @property
    def has_danger(self) -> bool:
        return any(r.has_danger for r in self.roots)

    def _labels(self, ids: tuple[str, ...], lang: str) -> str:
        sep = say("join.list", lang)
        return sep.join(r.label(lang) for r in self.roots if r.root_id in ids)

    def headline(self, lang: str = "en") -> str:
        """One sentence naming the responsible level(s)."""
        if not self.roots:
            return say("case.no_roots", lang)
        if self.responsible:
            text = say("case.responsible", lang, levels=self._labels(self.responsible, lang))
        else:
            text = say("case.none", lang)
        if self.possible:
            text += ("" if lang == "zh" else " ") + say("case.possible", lang, levels=self._labels(self.possible, lang))
        return text

    def text(self, lang: str = "en") -> str:
        """Every tested root with its conclusion, then the headline (one line each)."""
        return "\n".join([r.conclusion_text(lang) for r in self.roots] + [self.headline(lang)])


def _rule_for(film: Film, root: Root) -> str | None:
    level = root.level.strip().upper()
    if film.view is View.AP:
        return "R-S1" if level == "S1" else "R-AP"
    if level == "S1":
        return None
    if film.view is View.LATERAL:
        return "R-LAT"
    if film.view is View.OBLIQUE and film.first(Role.PEDICLE_MARGIN) is not None:
        return "R-OBL"
    return None


def evaluate_film(film: Film, root: Root, config: RuleConfig | None = None,
                  films: list[Film] | None = None) -> FilmResult:
    """The rule verdict (or None) and the warnings of one film of ``root``.

    ``films``: the films the root uses (``Case.films_of(root)``; default its own),
    for numbering the film among those of its view.
    """
    config = config or default_config()
    rule = _rule_for(film, root)
    if rule == "R-S1":
        verdict = evaluate_s1(film, root, config)
    elif rule in ("R-AP", "R-OBL"):
        verdict = evaluate_pedicle(film, root, config, rule)
    elif rule == "R-LAT":
        verdict = evaluate_foramen(film, root, config)
    else:
        verdict = None
    same_view = [f.id for f in (root.films if films is None else films) if f.view is film.view]
    index = same_view.index(film.id) + 1 if film.id in same_view else 1
    return FilmResult(
        verdict=verdict,
        warnings=tuple(film_warnings(film, root, verdict, config)),
        film_id=film.id,
        view=film.view.value,
        figure_label=film.figure_label,
        index=index,
        caudal_angle_deg=caudal_tilt_deg(film, root),
    )


def evaluate_root(root: Root, config: RuleConfig | None = None, case: Case | None = None) -> RootSummary:
    """Per-film results, position check, block conclusion and warnings of one root.

    With ``case``, the root's films are ``case.films_of(root)`` (its own and the
    films it shares with other roots); without, its own films only.
    """
    config = config or default_config()
    used = case.films_of(root) if case is not None else list(root.films)
    films = tuple(evaluate_film(f, root, config, used) for f in used)
    gaps: list[Gap] = []
    ruled = [(f, f.verdict) for f in films if f.verdict is not None]
    if not ruled:
        gaps.append(Gap("no_rule_film"))
    gaps.extend(Gap("film_status", f) for f, v in ruled if v.status is not Status.ON_TARGET)
    if not any(f.code == "tip_in_sheath" and not f.suggested for f in root.findings):
        gaps.append(Gap("tip_in_sheath"))
    confirmed = not gaps
    block = BlockResult(root.block_result)
    cautions = []
    if Concordance(root.concordance) is Concordance.NO:
        cautions.append("check_level")
    if block is not BlockResult.NOT_ASSESSED and not confirmed:
        cautions.append("position_unconfirmed")
    return RootSummary(
        root_id=root.id,
        level=root.level,
        side=root.side.value,
        films=films,
        position_confirmed=confirmed,
        gaps=tuple(gaps),
        block_result=block.value,
        concordance=Concordance(root.concordance).value,
        conclusion=_CONCLUSION[block],
        cautions=tuple(cautions),
        warnings=tuple(root_warnings(root, config, {f.id for f in used})),
    )


def evaluate_case(case: Case, config: RuleConfig | None = None) -> CaseSummary:
    """Every tested root with its conclusion; responsible = complete block, possible = partial."""
    config = config or default_config()
    roots = tuple(evaluate_root(r, config, case) for r in case.roots)
    return CaseSummary(
        roots=roots,
        responsible=tuple(r.root_id for r in roots if r.conclusion == "responsible"),
        possible=tuple(r.root_id for r in roots if r.conclusion == "possibly_responsible"),
    )
