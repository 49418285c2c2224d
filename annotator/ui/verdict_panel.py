"""The verdict panel: what the rules say about the current root, live.

Per film of the current root: the rule, its status (coloured), the tip-to-target
distance with its unit, the offsets, the explanation in the current language
and the warnings. A W3 warning (intravascular contrast) shows as a red banner
at the top. Below: the root summary (position confirmed or what is missing,
block conclusion) and the case summary (responsible level). The rules are
pure functions, so the panel simply re-evaluates on every document change.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from PyQt6.QtGui import QPalette
from PyQt6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from annotator.ui.help_overlay import tr_noop
from annotator.ui.i18n import current_language, signals, tr, trf
from annotator.ui.readable import hex_of, parse_hex, readable

log = logging.getLogger(__name__)

_STATUS_FALLBACK = {"on_target": (40, 170, 70), "near": (230, 160, 20), "off": (220, 50, 40),
                    "insufficient": (140, 140, 140), "ambiguous": (200, 90, 230)}
_SEVERITY_COLORS = {"info": "#5a6b7b", "warning": "#c07800", "strong": "#d04010", "danger": "#d01c1c"}


def _status_key(status: Any) -> str:
    return str(getattr(status, "value", status))


def status_hex(status: Any, background: tuple[int, int, int] | None = None) -> str:
    """The verdict colour of ``status``; with ``background``, darkened (or lightened) just enough
    to be readable as text on it (WCAG AA 4.5:1)."""
    key = _status_key(status)
    try:
        from annotator.render.style import status_color

        r, g, b = status_color(key)
    except Exception:
        r, g, b = _STATUS_FALLBACK.get(key, (140, 140, 140))
    if background is not None:
        r, g, b = readable((r, g, b), background)
    return f"#{r:02x}{g:02x}{b:02x}"


def root_hex(case: Any, root_id: str) -> str:
    """The colour of a root on shared films (``render.style.root_color`` by its place in the case)."""
    from annotator.render.style import root_color

    index = next((i for i, r in enumerate(case.roots) if r.id == root_id), 0)
    r, g, b = root_color(index)
    return f"#{r:02x}{g:02x}{b:02x}"


# where a rule comes from, said in words (domain.md: [seed] the source article, [ext] the literature)
SOURCE_PHRASES = {"seed": tr_noop("from the source article"), "ext": tr_noop("extended from the literature"),
                  "department": tr_noop("department rule")}


def source_phrase(source: Any) -> str:
    key = str(getattr(source, "value", source))
    return tr(SOURCE_PHRASES[key]) if key in SOURCE_PHRASES else key


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


class VerdictPanel(QWidget):
    """Shows the rules' results for one root; ``show_root(document, root_id)`` then ``refresh()``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictPanel")
        self.document: Any = None
        self.root_id: str | None = None
        self.banner = QLabel(self)
        self.banner.setObjectName("w3Banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel#w3Banner { background: #c62020; color: white; font-weight: bold; padding: 6px; }"
        )
        self.banner.hide()
        self.body = QTextBrowser(self)
        self.body.setOpenLinks(False)
        self._html = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.banner)
        layout.addWidget(self.body, 1)
        signals().language_changed.connect(self.refresh)

    def show_root(self, document: Any, root_id: str | None) -> None:
        self.document = document
        self.root_id = root_id
        self.refresh()

    def plain_text(self) -> str:
        """Banner and body as plain text (what a reader sees)."""
        banner = self.banner.text() if not self.banner.isHidden() else ""
        return (banner + "\n" + self.body.toPlainText()).strip()

    # -- rendering -------------------------------------------------------------------------

    def refresh(self) -> None:
        doc = self.document
        if doc is None:
            self._show(tr("No case open."), [])
            return
        root = None
        if self.root_id is not None:
            try:
                root = doc.case.root(self.root_id)
            except KeyError:
                root = None
        if root is None and doc.case.roots:
            root = doc.case.roots[0]
            self.root_id = root.id
        if root is None:
            self._show(tr("Add a root to see verdicts."), [])
            return
        try:
            body, banners = self._render(doc.case, root)
        except Exception as exc:  # a rules bug must not blank the window
            log.exception("rules evaluation failed")
            self._show(html.escape(trf("The rules could not be evaluated: {error}", error=exc)), [])
            return
        self._show(body, banners)

    def _show(self, body_html: str, banners: list[str]) -> None:
        """Show the body, keeping the reader's scroll position (an edit must not jump to the top)."""
        if body_html != self._html:
            bar = self.body.verticalScrollBar()
            at = bar.value()
            self.body.setHtml(body_html)
            self._html = body_html
            bar.setValue(min(at, bar.maximum()))
        if banners:
            self.banner.setText("\n".join(banners))
            self.banner.show()
        else:
            self.banner.clear()
            self.banner.hide()

    def _render(self, case: Any, root: Any) -> tuple[str, list[str]]:
        from annotator import rules

        lang = current_language()
        config = rules.load_config()
        case_summary = rules.evaluate_case(case, config)  # every root once; this root's part of it
        summary = next((r for r in case_summary.roots if r.root_id == root.id), None) \
            or rules.evaluate_root(root, config)
        shared = any(len(case.roots_of(f.film_id)) > 1 for f in summary.films)
        head = html.escape(summary.label(lang))
        if shared:  # the root's colour on shared films
            head = f"<span style='color:{root_hex(case, root.id)}'>■</span> {head}"
        parts: list[str] = [f"<h3>{head}</h3>"]
        banners = [w.message(lang) for w in summary.all_warnings if str(w.code) == "W3" or w.is_danger]
        if not summary.films:
            parts.append(f"<p><i>{html.escape(tr('No films on this root yet.'))}</i></p>")
        for result in summary.films:
            parts.append(self._film_html(result, lang))
            parts.extend(self._other_roots_html(case, case_summary, root.id, result.film_id, lang))
        parts.append(f"<h4>{html.escape(tr('Root summary'))}</h4>")
        confirmed = summary.position_confirmed
        color = status_hex("on_target" if confirmed else "insufficient", self._background())
        parts.append(f"<p style='color:{color}'><b>{html.escape(summary.position_text(lang))}</b></p>")
        parts.append(f"<p>{html.escape(summary.conclusion_text(lang))}</p>")
        for w in summary.warnings:
            parts.append(self._warning_html(w, lang))
        parts.append(f"<h4>{html.escape(tr('Case summary'))}</h4>")
        parts.append("".join(f"<p>{html.escape(line)}</p>" for line in case_summary.text(lang).splitlines()))
        seen: list[str] = []
        for b in banners:
            if b not in seen:
                seen.append(b)
        return "\n".join(parts), seen

    def _film_html(self, result: Any, lang: str) -> str:
        head = f"<b>{html.escape(result.name(lang))}</b>"
        verdict = result.verdict
        rows = [f"<p style='margin-bottom:2px'>{head}</p><ul style='margin-top:0'>"]
        if verdict is None:
            rows.append(f"<li><i>{html.escape(tr('No rule applies to this film.'))}</i></li>")
        else:
            key = _status_key(verdict.status)
            rule = f"{verdict.rule_id} ({source_phrase(getattr(verdict, 'source', ''))})"
            rows.append(
                f"<li>{html.escape(tr('Rule'))}: {html.escape(rule)} — "
                f"<span style='color:{status_hex(key, self._background())}; font-weight:bold'>"
                f"{html.escape(verdict.status.text(lang))}</span></li>"
            )
            if verdict.distance is not None:
                rows.append(f"<li>{html.escape(tr('Distance'))}: {_fmt(verdict.distance)} {html.escape(verdict.unit)}</li>")
            if verdict.offsets:
                rows.append(f"<li>{html.escape(tr('Offsets'))}: {html.escape(verdict.offsets_text(lang))}</li>")
            rows.append(f"<li>{html.escape(verdict.explain(lang))}</li>")
        if result.caudal_angle_deg is not None:
            rows.append(f"<li>{html.escape(trf('Caudal tilt: {angle:.0f}°', angle=result.caudal_angle_deg))}</li>")
        rows.append("</ul>")
        for w in result.warnings:
            rows.append(self._warning_html(w, lang))
        return "".join(rows)

    def _other_roots_html(self, case: Any, case_summary: Any, root_id: str, film_id: str, lang: str) -> list[str]:
        """The verdicts of the other roots on a shared film, each in its root's colour."""
        out = []
        for other in case.roots_of(film_id):
            if other.id == root_id:
                continue
            summary = next((r for r in case_summary.roots if r.root_id == other.id), None)
            result = next((f for f in summary.films if f.film_id == film_id), None) if summary else None
            verdict = getattr(result, "verdict", None)
            if verdict is None:
                continue
            label = html.escape(summary.label(lang))
            status = (f"<span style='color:{status_hex(_status_key(verdict.status), self._background())}; font-weight:bold'>"
                      f"{html.escape(verdict.status.text(lang))}</span>")
            out.append(f"<p style='margin-left:12px'><span style='color:{root_hex(case, other.id)}'>■ "
                       f"{html.escape(tr('same film'))}, {label}</span>: {status} — "
                       f"{html.escape(verdict.explain(lang))}</p>")
        return out

    def _background(self) -> tuple[int, int, int]:
        """The colour the body's text is drawn on."""
        c = self.body.palette().color(QPalette.ColorRole.Base)
        return c.red(), c.green(), c.blue()

    def _warning_html(self, w: Any, lang: str) -> str:
        base = _SEVERITY_COLORS.get(str(getattr(w, "severity", "warning")), "#c07800")
        color = hex_of(readable(parse_hex(base), self._background()))
        code = html.escape(str(getattr(w, "code", "")))
        return f"<p style='color:{color}'>⚠ {code}: {html.escape(w.message(lang))}</p>"
