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

from PyQt6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from annotator.ui.i18n import current_language, signals, tr, trf

log = logging.getLogger(__name__)

STATUS_TEXT = {
    "on_target": "on target",
    "near": "near",
    "off": "off target",
    "insufficient": "insufficient",
}
_STATUS_FALLBACK = {"on_target": (40, 170, 70), "near": (230, 160, 20), "off": (220, 50, 40),
                    "insufficient": (140, 140, 140)}
_SEVERITY_COLORS = {"info": "#5a6b7b", "warning": "#c07800", "strong": "#d04010", "danger": "#d01c1c"}


def tr_noop(text: str) -> str:
    """Marks a literal for the catalogue; translated later through ``tr``."""
    return text


_STATUS_LABELS = [tr_noop("on target"), tr_noop("near"), tr_noop("off target"), tr_noop("insufficient")]


def _status_key(status: Any) -> str:
    return str(getattr(status, "value", status))


def status_hex(status: Any) -> str:
    key = _status_key(status)
    try:
        from annotator.render.style import status_color

        r, g, b = status_color(key)
    except Exception:
        r, g, b = _STATUS_FALLBACK.get(key, (140, 140, 140))
    return f"#{r:02x}{g:02x}{b:02x}"


def _text_of(obj: Any, lang: str) -> str:
    """The human text of a rules result, whichever of explain/message/text it offers."""
    for name in ("explain", "message", "text", "describe"):
        fn = getattr(obj, name, None)
        if callable(fn):
            try:
                return str(fn(lang))
            except TypeError:
                continue
    return str(obj)


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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.banner)
        layout.addWidget(self.body, 1)
        signals().language_changed.connect(lambda _lang: self.refresh())

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
        self.body.setHtml(body_html)
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
        parts: list[str] = [f"<h3>{html.escape(trf('Root {side} {level}', side=tr(root.side.value), level=root.level))}</h3>"]
        banners: list[str] = []
        if not root.films:
            parts.append(f"<p><i>{html.escape(tr('No films on this root yet.'))}</i></p>")
        for film in root.films:
            result = rules.evaluate_film(film, root, config)
            parts.append(self._film_html(film, result, lang))
            for w in getattr(result, "warnings", ()):
                if str(getattr(w, "code", "")) == "W3":
                    banners.append(_text_of(w, lang))
        summary = rules.evaluate_root(root, config)
        parts.append(f"<h4>{html.escape(tr('Root summary'))}</h4>")
        parts.append(f"<p>{html.escape(_text_of(summary, lang))}</p>")
        for w in getattr(summary, "warnings", ()) or ():
            if str(getattr(w, "code", "")) == "W3":
                banners.append(_text_of(w, lang))
            parts.append(self._warning_html(w, lang))
        case_summary = rules.evaluate_case(case, config)
        parts.append(f"<h4>{html.escape(tr('Case summary'))}</h4>")
        parts.append(f"<p>{html.escape(_text_of(case_summary, lang))}</p>")
        # one banner per distinct text, in order
        seen: list[str] = []
        for b in banners:
            if b not in seen:
                seen.append(b)
        return "\n".join(parts), seen

    def _film_html(self, film: Any, result: Any, lang: str) -> str:
        name = film.figure_label or film.path.rsplit("/", 1)[-1]
        head = f"<b>{html.escape(name)}</b> — {html.escape(tr(str(film.view.value)))}"
        verdict = getattr(result, "verdict", None)
        rows = [f"<p style='margin-bottom:2px'>{head}</p><ul style='margin-top:0'>"]
        if verdict is None:
            rows.append(f"<li><i>{html.escape(tr('No rule applies to this film.'))}</i></li>")
        else:
            key = _status_key(verdict.status)
            status = tr(STATUS_TEXT.get(key, key))
            rule = f"{verdict.rule_id} ({verdict.source})"
            rows.append(
                f"<li>{html.escape(tr('Rule'))}: {html.escape(rule)} — "
                f"<span style='color:{status_hex(key)}; font-weight:bold'>{html.escape(status)}</span></li>"
            )
            if getattr(verdict, "distance", None) is not None:
                rows.append(f"<li>{html.escape(tr('Distance'))}: {_fmt(verdict.distance)} {html.escape(verdict.unit)}</li>")
            offsets = getattr(verdict, "offsets", ()) or ()
            if offsets:
                text = ", ".join(f"{tr(str(d))} {_fmt(a)} {verdict.unit}" for d, a in offsets)
                rows.append(f"<li>{html.escape(tr('Offsets'))}: {html.escape(text)}</li>")
            rows.append(f"<li>{html.escape(_text_of(verdict, lang))}</li>")
        rows.append("</ul>")
        for w in getattr(result, "warnings", ()) or ():
            rows.append(self._warning_html(w, lang))
        return "".join(rows)

    @staticmethod
    def _warning_html(w: Any, lang: str) -> str:
        color = _SEVERITY_COLORS.get(str(getattr(w, "severity", "warning")), "#c07800")
        code = html.escape(str(getattr(w, "code", "")))
        return f"<p style='color:{color}'>⚠ {code}: {html.escape(_text_of(w, lang))}</p>"
