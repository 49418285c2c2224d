"""Checks of recorded findings against the vocabulary (``rules/data/findings.json``).

``finding_problems(finding, level, config)`` lists what does not fit, as
one-line English texts naming the field (empty when the finding is valid):
an unknown code, a site or value outside the allowed list, a finding limited
to other levels (``l5_course`` on an L4 root), an angle missing or given where
the finding has none.
"""

from __future__ import annotations

from annotator.model import Finding
from annotator.rules.config import RuleConfig, default_config


def finding_problems(finding: Finding, level: str | None = None, config: RuleConfig | None = None) -> list[str]:
    config = config or default_config()
    d = config.findings.get(finding.code)
    if d is None:
        return [f"code: '{finding.code}' is not in the findings vocabulary"]
    out = []
    if finding.site is not None:
        if not d.sites:
            out.append(f"site: {d.id} has no site")
        elif finding.site not in d.sites:
            out.append(f"site: '{finding.site}' is not one of {', '.join(d.sites)}")
    if finding.value is not None:
        if not d.values:
            out.append(f"value: {d.id} has no value")
        elif finding.value not in d.values:
            out.append(f"value: '{finding.value}' is not one of {', '.join(d.values)}")
    if level and d.levels and level.upper() not in d.levels:
        out.append(f"level: {d.id} applies to {', '.join(d.levels)} only")
    if d.location == "angle" and finding.angle_deg is None:
        out.append(f"angle_deg: {d.id} needs the measured angle")
    if d.location != "angle" and finding.angle_deg is not None:
        out.append(f"angle_deg: {d.id} has no angle")
    return out
