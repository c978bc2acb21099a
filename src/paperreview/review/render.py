"""Render a :class:`~paperreview.records.GeneratedReview` as Markdown or JSON.

The Markdown puts warnings first (hidden instructions, a failed LLM step), then the model's
review with "not found in the paper" marks from the grounding check, then the offline checklist
with its evidence, then the hidden text itself.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from ..records import Finding, GeneratedReview, GroundingCheck
from .rules.integrity import is_injection, is_prose
from .templates import ReviewTemplate, get_review_template

SEVERITY_MARK = {"critical": "CRITICAL", "major": "major", "minor": "minor", "info": "info"}


def to_json(rec: GeneratedReview) -> str:
    return json.dumps(rec.to_json(), ensure_ascii=False, indent=2) + "\n"


def _point(p: dict, missing: dict[str, list[str]]) -> str:
    title, detail = str(p.get("title", "")).strip(), str(p.get("detail", "")).strip()
    line = f"- **{title}** {detail}" if title else f"- {detail}"
    if p.get("where"):
        line += f" _({p['where']})_"
    if p.get("raised_by"):
        line += f" [{', '.join(p['raised_by'])}]"
    text = f"{title}: {detail}"
    bad = [ref for point, refs in missing.items() if point.startswith(text[:80]) for ref in refs]
    if bad:
        line += f"  \n  ⚠ *not found in the paper: {', '.join(dict.fromkeys(bad))}*"
    return line


def review_text(template: ReviewTemplate, review: dict[str, Any],
                grounding: list[GroundingCheck] | None = None, level: str = "###") -> str:
    """The model's review as Markdown, one heading per template section."""
    missing: dict[str, list[str]] = defaultdict(list)
    for g in grounding or []:
        if not g.found:
            missing[g.point].append(g.reference)
    out = []
    scores = []
    for s in template.sections:
        value = review.get(s["key"])
        if s.get("scale"):
            if value is not None:
                shown = f"{value:g}" if isinstance(value, int | float) else value
                scores.append(f"| {s['heading']} | {shown} / {s['scale'].split('-')[1]} |")
            continue
        out.append(f"{level} {s['heading']}")
        if isinstance(value, list):
            out += [_point(p, missing) for p in value] or ["_(none)_"]
        elif isinstance(value, dict):  # a decision aspect: {"decision", "reasons"}
            out.append(f"**{value.get('decision', '')}** {value.get('reasons', '')}".strip())
        else:
            out.append(str(value) if value not in (None, "") else "_(none)_")
        out.append("")
    if scores:
        out += [f"{level} Scores", "| score | value |", "|---|---|", *scores, ""]
    return "\n".join(out).rstrip() + "\n"


def _finding(f: Finding) -> str:
    line = f"- **[{SEVERITY_MARK[f.severity]}] {f.aspect}** ({f.rule}): {f.message}"
    e = f.evidence
    where = ", ".join(x for x in (e.section, f"p. {e.page}" if e.page else None) if x)
    if e.quote:
        line += f"  \n  > \"{e.quote}\"" + (f" ({where})" if where else "")
    elif where:
        line += f" ({where})"
    return line


def to_markdown(rec: GeneratedReview, title: str = "") -> str:
    """The whole review (LLM part, grounding, checklist, hidden text) as Markdown."""
    meta = rec.metadata or {}
    kind = "Checklist" if meta.get("mode") == "check" else "Review"
    head = [f"# {kind}: {title or meta.get('title') or rec.source or rec.id}"]
    facts = [rec.source, f"template {rec.template}" if rec.review else None,
             f"model {rec.model}" if rec.model else None]
    head.append("_" + " · ".join(x for x in facts if x) + "_\n" if any(facts) else "")
    injections = [h for h in rec.hidden_text if is_injection(h.text)]
    if injections:
        pages = ", ".join(sorted({str(h.page) for h in injections}))
        head.append(f"> **⚠ WARNING: hidden instructions to LLM reviewers found** (page {pages}): "
                    f"\"{injections[0].text.strip()[:200]}\" -- invisible to human readers, "
                    "and left out of the model's prompt.\n")
    visible = [c for c in rec.comments if c.rule == "visible-llm-instruction"]
    if visible:
        pages = ", ".join(sorted({str(c.evidence.page) for c in visible if c.evidence.page}))
        head.append(f"> **⚠ WARNING: visible text addressed to LLM reviewers** "
                    f"({'page ' + pages if pages else visible[0].evidence.section}): "
                    f"\"{visible[0].evidence.quote}\" -- given to the model only as fenced "
                    "paper text.\n")
    if rec.status == "failed":
        head.append(f"> **The LLM review failed:** {rec.error}  \n> The offline checklist "
                    "analysis below is still complete.\n")
    body = []
    if rec.review:
        template = get_review_template(rec.template)
        body += ["## Review", review_text(template, rec.review, rec.grounding)]
        if meta.get("ensemble"):
            e = meta["ensemble"]
            means = ", ".join(f"{k} {v:g}" for k, v in e["scores_mean"].items())
            body.append(f"_Meta-review of {e['n']} independent reviews"
                        + (f"; scores are their means ({means})" if means else "") + "._\n")
        if meta.get("calibrated_rating"):
            c = meta["calibrated_rating"]
            body.append(f"_Rating {c['raw']:g} (model's scale) = **{c['value']:g}** on "
                        f"{c['venue']}'s human scale (80% interval {c['low']:g}-{c['high']:g})._\n")
        body += _grounding(rec.grounding)
    body += _comments(rec)
    body += _checklist(rec.findings)
    body += _hidden(rec)
    if meta.get("truncated"):
        body.append(f"_To fit the model's context ({meta.get('context')} tokens), these sections "
                    f"were shortened: {', '.join(meta['truncated'])}._\n")
    if meta.get("mode") == "offline":
        body.append(f"---\n{meta['note']}\n")
    return "\n".join(head + body).rstrip() + "\n"


def _comments(rec: GeneratedReview) -> list[str]:
    """The model's kept, verified comments, severest first, each with its quote and place."""
    shown = [c for c in rec.comments if c.source != "checklist" and c.status == "kept"
             and c.verified]
    if not shown:
        return []
    n_rej = sum(c.source != "checklist" and c.status == "rejected" for c in rec.comments)
    out = [f"## Comments ({len(shown)} verified against the paper"
           + (f"; {n_rej} rejected, kept in the JSON" if n_rej else "") + ")"]
    for c in shown:
        where = ", ".join(x for x in (c.evidence.section, c.evidence.page and
                                      f"p. {c.evidence.page}") if x)
        out.append(f"- **[{c.severity}] {c.category}** ({c.id}{'; ' + where if where else ''}): "
                   f"{c.text}" + (f" _Suggestion:_ {c.suggestion}" if c.suggestion else "")
                   + (f"\n  > {c.evidence.quote}" if c.evidence.quote else ""))
    return out + [""]


def _grounding(checks: list[GroundingCheck]) -> list[str]:
    if not checks:
        return ["## Grounding", ("_The review names no table, figure, equation, section, dataset "
                "or number that could be checked._\n")]
    bad = [c for c in checks if not c.found]
    out = ["## Grounding", f"{len(checks)} reference(s) in the review checked against the paper; "
           f"**{len(bad)} not found in the paper**" + (":" if bad else ".")]
    out += [f"- {c.reference}: not found in the paper (in \"{c.point[:120]}\")" for c in bad]
    out.append("")
    return out


def _checklist(findings: list[Finding]) -> list[str]:
    out = ["## Checklist (offline analysis)"]
    if not findings:
        out.append("No checklist rule fired. (Baselines, datasets, ablations, variance, "
                   "limitations, code and reproducibility items are asked of empirical "
                   "machine-learning papers only.)")
    out += [_finding(f) for f in findings]
    out.append("")
    return out


def _hidden(rec: GeneratedReview, limit: int = 10) -> list[str]:
    """Instructions and hidden prose, quoted; short fragments (white figure labels...) counted."""
    if not rec.hidden_text:
        return []
    shown = [h for h in rec.hidden_text if is_injection(h.text) or is_prose(h.text)]
    out = ["## Hidden text (left out of any LLM prompt)"]
    out += [f"- page {h.page} ({h.reason}): \"{h.text.strip()[:300]}\"" for h in shown[:limit]]
    if len(shown) > limit:
        out.append(f"- ... and {len(shown) - limit} more passage(s) (see the JSON output)")
    rest = len(rec.hidden_text) - len(shown)
    if rest:
        out.append(f"- {rest} short invisible fragment(s) (figure labels, digits), not listed")
    out.append("")
    return out
