"""Model-written errors (claim, logic, experimental kinds) through ``paperreview.llm``.

For each model kind, a few lines of the paper that carry a trigger word for that kind are shown
to the model (prompt ``evaluate.perturb_generate``), which returns ``original`` (a substring of
the line), ``perturbed``, ``why_wrong`` and ``contradicts_quote``. A second call (prompt
``evaluate.perturb_verify``) keeps only edits it calls ``substantive``; typo-shaped edits and
non-errors are dropped. Edits whose ``original`` is not in the line are dropped too.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel

from ..prompts import load_prompt
from .generators import Candidate

DESCRIPTIONS = {
    "overstated_claim": "a conclusion stated more strongly than the evidence supports",
    "invalid_implication": "a 'therefore/implies' step that does not follow",
    "missing_case": "a proof or argument that silently drops a case",
    "circular_reasoning": "a statement that assumes what it sets out to show",
    "misinterp": "a misread p-value, confidence interval or error bar",
    "causal_reversed": "cause and effect swapped, or correlation read as causation",
    "p_hacking": "a reported analysis chosen after seeing the results",
}
TRIGGERS = {
    "overstated_claim": r"\b(we show|demonstrat|suggest|indicat|outperform|state of the art)",
    "invalid_implication": r"\b(therefore|thus|hence|implies|it follows)\b",
    "missing_case": r"\b(for all|for any|every|in both cases|without loss)",
    "circular_reasoning": r"\b(because|since|by definition|assume)\b",
    "misinterp": r"(p\s?[<=>]|confidence|interval|standard (error|deviation)|±)",
    "causal_reversed": r"\b(leads? to|causes?|results? in|due to|correlat)",
    "p_hacking": r"\b(we (chose|select|report)|best|tuned|subset)\b",
}
PER_KIND = 2  # lines tried per kind and paper


class Planted(BaseModel):
    original: str
    perturbed: str
    why_wrong: str
    contradicts_quote: str | None = None


class Verdict(BaseModel):
    verdict: Literal["substantive", "typo", "not_an_error"]
    reason: str = ""


def model_generator(engine: Any, paper: Any):
    """A callable ``(spans_by_page, kinds, rng) -> [Candidate]`` using ``engine``."""
    def generate(spans_by_page: list[list[dict]], kinds: list[str], rng: Any) -> list[Candidate]:
        from ...llm import Request

        gen_p, ver_p = load_prompt("perturb_generate"), load_prompt("perturb_verify")
        jobs = []
        for kind in kinds:
            pat = re.compile(TRIGGERS[kind], re.IGNORECASE)
            lines = [(pno, i) for pno, spans in enumerate(spans_by_page)
                     for i, s in enumerate(spans) if len(s["text"]) >= 40 and pat.search(s["text"])]
            for pno, i in rng.sample(lines, min(PER_KIND, len(lines))):
                ctx = " ".join(s["text"] for s in spans_by_page[pno][max(0, i - 3): i + 4])
                jobs.append((kind, pno, spans_by_page[pno][i], ctx))
        reqs = [Request(messages=gen_p.messages(kind=k, description=DESCRIPTIONS[k], context=c,
                                                line=s["text"]),
                        schema=Planted, max_tokens=512, prompt_version=gen_p.version_tag,
                        custom_id=f"gen:{k}:{p}") for k, p, s, c in jobs]
        planted = []
        for (kind, pno, span, _), res in zip(jobs, engine.run(reqs, progress=False), strict=True):
            if res.status != "ok" or not res.parsed:
                continue
            d = res.parsed
            start = span["text"].find(d["original"]) if d["original"] else -1
            if start < 0 or d["perturbed"] == d["original"] or not d["perturbed"].strip():
                continue
            planted.append((kind, pno, span, start, d))
        vreqs = [Request(messages=ver_p.messages(**{k: d[k] for k in
                                                    ("original", "perturbed", "why_wrong")}),
                         schema=Verdict, max_tokens=256, prompt_version=ver_p.version_tag,
                         custom_id=f"verify:{kind}") for kind, _, _, _, d in planted]
        out = []
        model = getattr(getattr(engine, "config", None), "model", None) or "model"
        for (kind, pno, span, start, d), res in zip(planted, engine.run(vreqs, progress=False),
                                                     strict=True):
            if res.status == "ok" and res.parsed and res.parsed["verdict"] == "substantive":
                out.append(Candidate(kind, pno, span, start, start + len(d["original"]),
                                     d["perturbed"], d["why_wrong"], d.get("contradicts_quote"),
                                     meta={"generator": f"llm:{model}"}))
        return out

    return generate
