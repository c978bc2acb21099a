"""The progressive review method: read -> cross-check -> verify -> merge -> challenge -> render.

1. **read**: the model reads the paper's body section by section, in order, with a bounded running
   summary (notation, claims, setup) carried from one part to the next; each part returns
   structured comments, each quoting the passage it is about.
2. **cross-check**: three passes over the whole paper: claims in the abstract and introduction
   against the reported results, notation and equations across sections (when the paper has
   math), and the experimental design (when it has experiments).
3. **verify**: every quote is looked up in the paper (:mod:`.verify`); a quote not found is
   re-asked once with the nearest passage, and a comment still unverifiable is kept as
   ``rejected`` with its reason, never shown.
4. **merge** (:mod:`.precision`): near-duplicate comments (same page, similar text) become one,
   severest first.
5. **challenge** (:mod:`.precision`): each major/critical comment is put back to the model against its quoted
   context; nitpicks are demoted to minor, misreadings rejected (all kept in the JSON).
6. **render**: the chosen review form, written by the model from the verified comments it cites.

Every call goes through :mod:`paperreview.llm`: cached in the journal, so a killed review resumes
without paying twice (the section passes are deterministic at temperature 0, so each call's
prompt, and key, is the same on a rerun). Hidden text never reaches the model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..prompting import load_prompt_file, render
from ..records import Evidence, GeneratedReview, Paper, ReviewComment
from .precision import MAX_CHALLENGES, ORDER, Verdict, challenge, merge  # noqa: F401
from .verify import PaperIndex

PROMPTS = "review/progressive.yaml"
SECTION_CHARS = 12_000   # a longer section is read in parts of about this size
MIN_SECTION_CHARS = 300  # shorter sections are read together with the next one
SUMMARY_WORDS = 250      # the running summary's bound
_RESULTS = re.compile(r"result|experiment|evaluation|empirical|ablation|benchmark", re.IGNORECASE)
_INTRO = re.compile(r"intro", re.IGNORECASE)
_CITE = re.compile(r"\[((?:arxiv|s2):[^\]\s]+)\]")
_MATH = re.compile(r"[=≤≥∑∏∫∈∀∃]|\\(?:frac|sum|mathbb)")

Category = Literal["soundness", "experiments", "claims", "clarity", "novelty", "reproducibility",
                   "math", "ethics", "integrity", "presentation", "other"]
Severity = Literal["critical", "major", "moderate", "minor"]


class LLMComment(BaseModel):
    category: Category = "soundness"
    severity: Severity = "moderate"
    text: str
    suggestion: str = ""
    quote: str = ""


class SectionAnswer(BaseModel):
    notes: str = ""
    comments: list[LLMComment] = Field(default_factory=list)


class CommentsAnswer(BaseModel):
    comments: list[LLMComment] = Field(default_factory=list)


class ReaskAnswer(BaseModel):
    withdraw: bool = False
    text: str = ""
    quote: str = ""


def prompts() -> dict[str, Any]:
    return load_prompt_file(PROMPTS)


def version() -> str:
    p = prompts()
    return f"{p['name']}@{p['version']}"


# ---------------------------------------------------------------------------- the plan
def reading_parts(paper: Paper) -> list[tuple[str, str]]:
    """(heading, text) parts read in order: body sections, long ones split at paragraphs,
    short ones joined to the next."""
    parts: list[tuple[str, str]] = []
    pending: tuple[str, str] | None = None
    for s in paper.body_sections:
        heading, text = s.heading, s.text.strip()
        if pending:
            heading, text = f"{pending[0]} / {heading}", f"{pending[1]}\n\n{text}"
            pending = None
        if len(text) < MIN_SECTION_CHARS:
            pending = (heading, text)
            continue
        parts.extend(_split(heading, text))
    if pending:
        parts.append(pending)
    return parts or [("Abstract", paper.abstract)]


def _split(heading: str, text: str) -> list[tuple[str, str]]:
    if len(text) <= SECTION_CHARS:
        return [(heading, text)]
    out, buf = [], ""
    for para in text.split("\n"):
        if buf and len(buf) + len(para) > SECTION_CHARS:
            out.append(buf)
            buf = ""
        buf = f"{buf}\n{para}" if buf else para
    if buf:
        out.append(buf)
    return [(f"{heading} ({i}/{len(out)})" if len(out) > 1 else heading, t[:SECTION_CHARS * 2])
            for i, t in enumerate(out, 1)]


def crosscut_inputs(paper: Paper, related: list[Any] | None = None, source: str = ""
                    ) -> dict[str, dict[str, Any]]:
    """The cross-cutting passes this paper gets, with their template values (summary added);
    ``related`` (:class:`~.related.RelatedWork` records) adds the novelty pass."""
    body = paper.body_sections
    intro = "\n\n".join(s.text for s in body if _INTRO.search(s.heading))[:SECTION_CHARS]
    results = "\n\n".join(s.text for s in body if _RESULTS.search(s.heading))[:SECTION_CHARS * 2]
    results += "\n\n" + "\n".join(f"{c.kind} {c.label}: {c.text}" for c in paper.captions)
    whole = "\n\n".join(f"[{s.heading}]\n{s.text}" for s in body)[:SECTION_CHARS * 3]
    out: dict[str, dict[str, str]] = {}
    if results.strip():
        out["claims"] = {"claims": f"{paper.abstract}\n\n{intro}", "results": results}
        out["design"] = {"text": results[:SECTION_CHARS * 2]}
    if len(_MATH.findall(whole)) >= 5:
        out["notation"] = {"text": whole}
    if related:
        out["novelty"] = {"claims": f"{paper.abstract}\n\n{intro}", "source": source,
                          "works": [w.model_dump() for w in related]}
    return out


# ---------------------------------------------------------------------------- the run
class Progressive:
    """One progressive review of ``paper`` through ``engine`` (an :class:`~paperreview.llm.Engine`)."""

    def __init__(self, engine: Any, paper: Paper, rec: GeneratedReview,
                 log: Callable[[str], None] = lambda s: None, max_new_tokens: int = 2048,
                 related: list[Any] | None = None, related_source: str = ""):
        self.engine, self.paper, self.rec, self.log = engine, paper, rec, log
        self.related, self.related_source = related or [], related_source
        self.max_new_tokens = max_new_tokens
        self.p = prompts()
        self.index = PaperIndex.from_paper(paper)
        self.calls: dict[str, int] = {}

    def _ask(self, kind: str, user: str, schema: type[BaseModel], n: int = 0) -> Any:
        from ..llm import Request

        req = Request(messages=[{"role": "system", "content": self.p["system"]},
                                {"role": "user", "content": user}],
                      schema=schema, temperature=0.0, max_tokens=self.max_new_tokens,
                      prompt_version=f"{version()}#{kind}", custom_id=f"{kind}:{n}")
        return req

    def _run(self, kind: str, reqs: list[Any], schema: type[BaseModel]) -> list[Any]:
        """Run ``reqs``; returns the parsed answers (None for a failed one), in order."""
        from .generate import add_usage

        out: dict[str, Any] = {}
        for res in self.engine.run(reqs, progress=False):
            add_usage(self.rec, res)
            self.calls[kind] = self.calls.get(kind, 0) + 1
            if res.ok and res.parsed is not None:
                try:
                    out[res.custom_id] = schema.model_validate(res.parsed)
                    continue
                except ValueError as exc:
                    err = f"{kind}: answer did not match the schema: {exc}"[:300]
            else:
                err = f"{kind}: {res.reason or 'failed'}: {res.error or ''}"[:300]
            self.rec.metadata.setdefault("errors", []).append(err)
            out[res.custom_id] = None
        return [out.get(r.custom_id) for r in reqs]

    # ------------------------------------------------------------------ passes
    def read(self) -> list[tuple[str, LLMComment]]:
        parts = reading_parts(self.paper)
        summary, found = "", []
        for i, (heading, text) in enumerate(parts, 1):
            self.log(f"[progressive] reading part {i}/{len(parts)}: {heading[:60]}")
            user = render(self.p["section"], summary=summary, heading=heading, index=i,
                          total=len(parts), summary_words=SUMMARY_WORDS, text=text)
            (ans,) = self._run("section", [self._ask("section", user, SectionAnswer, i)],
                               SectionAnswer)
            if ans is None:
                continue
            summary = " ".join(ans.notes.split()[:int(SUMMARY_WORDS * 1.5)])
            found += [(heading, c) for c in ans.comments]
        self.summary = summary
        return found

    def crosscut(self) -> list[tuple[str, LLMComment]]:
        inputs = crosscut_inputs(self.paper, self.related, self.related_source)
        if not inputs:
            return []
        self.log(f"[progressive] cross-checking: {', '.join(inputs)}")
        reqs = [self._ask(f"crosscut-{k}", render(self.p[f"crosscut_{k}"],
                                                   summary=getattr(self, "summary", ""), **v),
                          CommentsAnswer) for k, v in inputs.items()]
        answers = self._run("crosscut", reqs, CommentsAnswer)
        return [(k, c) for k, a in zip(inputs, answers) if a for c in a.comments]

    def verify(self, found: list[tuple[str, LLMComment]]) -> list[ReviewComment]:
        comments, reask = [], []
        for i, (where, c) in enumerate(found, 1):
            rc = ReviewComment(id=f"c{i}", source="llm", category=c.category,
                               severity=c.severity, text=c.text, suggestion=c.suggestion or None,
                               evidence=Evidence(quote=c.quote), metadata={"pass": where})
            cites = _CITE.findall(c.text)
            if cites:  # the novelty pass names the related works it rests on
                rc.metadata["cites"] = cites
            self._locate(rc)
            comments.append(rc)
            if not rc.verified:
                reask.append(rc)
        if reask:
            self.log(f"[progressive] re-asking {len(reask)} comment(s) whose quote was not found")
            reqs = [self._ask("reask", render(self.p["reask"], comment=rc.text,
                                              quote=rc.evidence.quote or "",
                                              passage=rc.metadata.get("nearest", "")),
                              ReaskAnswer, n) for n, rc in enumerate(reask)]
            for rc, ans in zip(reask, self._run("reask", reqs, ReaskAnswer)):
                if ans is not None and not ans.withdraw and ans.quote:
                    rc.evidence.quote = ans.quote
                    rc.text = ans.text or rc.text
                    self._locate(rc)
                if not rc.verified:
                    rc.status = "rejected"
                    rc.reason = ("withdrawn by the model when shown the paper's text"
                                 if ans is not None and ans.withdraw else
                                 f"quote not found in the paper (best match "
                                 f"{rc.metadata.get('match', 0):.0f}% < 75%)")
        return comments

    def _locate(self, rc: ReviewComment) -> None:
        m = self.index.find(rc.evidence.quote)
        rc.verified = m.ok
        rc.metadata["match"] = m.score
        if m.ok:
            rc.evidence.page, rc.evidence.section = m.page, m.section or rc.metadata.get("pass")
        else:
            rc.metadata["nearest"] = m.passage[:300]


def final_notes(comments: list[ReviewComment]) -> str:
    shown = [c for c in comments if c.status == "kept" and c.verified]
    return "\n" + render(prompts()["final_notes"], comments=shown) if shown else ""


def run_progressive(engine: Any, paper: Paper, rec: GeneratedReview,
                    log: Callable[[str], None], max_new_tokens: int,
                    related: list[Any] | None = None, related_source: str = ""
                    ) -> list[ReviewComment]:
    """Passes 1-5: the model's comments, verified, merged and challenged (rejected ones kept).
    ``related``: works found by ``--related`` for the novelty cross-check."""
    prog = Progressive(engine, paper, rec, log, max_new_tokens, related, related_source)
    found = prog.read() + prog.crosscut()
    comments = merge(prog.verify(found))
    challenge(prog, comments)
    comments.sort(key=lambda c: (c.status != "kept", ORDER.index(c.severity)))
    rec.metadata["calls"] = prog.calls
    rec.metadata["prompt_version"] = version()
    return comments


# ---------------------------------------------------------------------------- dry run
def estimate(paper: Paper, count: Callable[[str], int], max_new_tokens: int,
             final_prompt_tokens: int, ensemble: int = 1, related_limit: int = 0
             ) -> list[dict[str, Any]]:
    """Calls and prompt tokens per pass, without calling anything. Re-asks and challenges depend
    on the answers: their rows are upper bounds from typical comment counts."""
    p = prompts()
    sys_t = count(p["system"]) + 8
    parts = reading_parts(paper)
    summary_t = int(SUMMARY_WORDS * 1.4)
    section = sum(sys_t + count(render(p["section"], summary="", heading=h, index=1, total=1,
                                       summary_words=SUMMARY_WORDS, text=t)) + summary_t
                  for h, t in parts)
    rows = [{"pass": "read (one call per part)", "calls": len(parts), "prompt_tokens": section,
             "max_new_tokens": len(parts) * max_new_tokens}]
    cc = crosscut_inputs(paper)
    rows.append({"pass": "cross-check " + "/".join(cc), "calls": len(cc),
                 "prompt_tokens": sum(sys_t + summary_t + count(render(p[f"crosscut_{k}"],
                                                                       summary="", **v))
                                      for k, v in cc.items()),
                 "max_new_tokens": len(cc) * max_new_tokens})
    if related_limit:  # one search request (not a model call), then one novelty call
        rows.append({"pass": "novelty vs related work (1 search)", "calls": 1,
                     "prompt_tokens": sys_t + summary_t + related_limit * 400
                     + count(paper.abstract) + SECTION_CHARS // 3,
                     "max_new_tokens": max_new_tokens})
    reask = max(1, len(parts) // 3)
    rows.append({"pass": "re-ask unverified quotes (upper bound)", "calls": reask,
                 "prompt_tokens": reask * (sys_t + 250), "max_new_tokens": reask * 300})
    rows.append({"pass": "precision challenge (upper bound)", "calls": MAX_CHALLENGES,
                 "prompt_tokens": MAX_CHALLENGES * (sys_t + 900),
                 "max_new_tokens": MAX_CHALLENGES * 150})
    rows.append({"pass": "render the review", "calls": ensemble + (ensemble > 1),
                 "prompt_tokens": (ensemble + (ensemble > 1)) * final_prompt_tokens,
                 "max_new_tokens": (ensemble + (ensemble > 1)) * max_new_tokens})
    return rows
