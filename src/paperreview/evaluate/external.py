"""Reviews from anywhere as :class:`~paperreview.records.GeneratedReview` with comments.

``--generated`` of ``evaluate perturb score`` and ``evaluate scorecard`` takes:

* our JSONL (``GeneratedReview`` lines): ``comments`` as they are; a review with only
  ``findings`` (the offline checklist) or only ``text`` gets comments derived from them;
* a JSON file (one review object, a list of them, or ``{"comments": [...]}`` as OpenAIReview,
  coarse and similar tools write it): each comment's quote is read from ``quote``/``evidence``/
  ``excerpt``, its text from ``comment``/``explanation``/``text``/``description``/``title``;
* a Markdown or text file: each bullet, numbered item or paragraph is a comment, and its quotes
  are the spans it puts in quotation marks ("...", “...”) or ``>`` block quotes;
* a directory of such files, one review per file.

A review's paper is its ``paper_id`` (or ``id``), else the file's stem (``paper-p1.md`` ->
``paper-p1``).

>>> cs = comments_from_markdown('- The text says "accuracy drops to 71.2%" which contradicts '
...                             'Table 2.\\n- Minor: typos.')
>>> [c.evidence.quote for c in cs]
['accuracy drops to 71.2%', None]
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..records import Evidence, GeneratedReview, ReviewComment

_QUOTE = re.compile(r'"([^"\n]{6,}?)"|“([^”]{6,}?)”|``([^`\']{6,}?)\'\'')
_ITEM = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")
_QUOTE_KEYS = ("quote", "evidence", "excerpt", "verbatim", "text_quote", "quoted_text")
_TEXT_KEYS = ("comment", "explanation", "text", "description", "message", "body", "detail",
              "title", "issue")
_LIST_KEYS = ("comments", "issues", "findings", "detailed_comments", "items")


def quotes_in(text: str) -> list[str]:
    """Quoted spans of ``text`` (straight or curly quotes, LaTeX ``...''), longest first."""
    found = [next(g for g in m.groups() if g) for m in _QUOTE.finditer(text)]
    found += [ln.lstrip("> ").strip() for ln in text.splitlines() if ln.lstrip().startswith(">")]
    return sorted({q.strip() for q in found if q.strip()}, key=len, reverse=True)


def _comment(i: int, text: str, quotes: list[str], source: str = "other") -> ReviewComment:
    return ReviewComment(id=f"c{i}", source=source, text=text.strip(),
                         evidence=Evidence(quote=quotes[0] if quotes else None),
                         metadata={"quotes": quotes} if len(quotes) > 1 else {})


def comments_from_markdown(text: str) -> list[ReviewComment]:
    """Bullets / numbered items / paragraphs of a Markdown review as comments with quotes."""
    items: list[str] = []
    cur: list[str] = []
    for line in text.splitlines():
        if _ITEM.match(line) or not line.strip() or line.lstrip().startswith("#"):
            if cur:
                items.append("\n".join(cur))
            cur = [_ITEM.sub("", line)] if _ITEM.match(line) else []
        else:
            cur.append(line)
    if cur:
        items.append("\n".join(cur))
    return [_comment(i, it, quotes_in(it)) for i, it in enumerate(items, 1) if it.strip()]


def _first(d: dict, keys: tuple[str, ...]) -> Any:
    for k in keys:
        v = d.get(k)
        if isinstance(v, dict):
            v = v.get("quote") or v.get("text")
        if v:
            return v
    return None


def comments_from_json(items: list[Any]) -> list[ReviewComment]:
    out = []
    for i, it in enumerate(items, 1):
        if isinstance(it, str):
            out.append(_comment(i, it, quotes_in(it)))
            continue
        if not isinstance(it, dict):
            continue
        q = _first(it, _QUOTE_KEYS)
        text = _first(it, _TEXT_KEYS) or ""
        quotes = [q] if isinstance(q, str) else [x for x in (q or []) if isinstance(x, str)]
        out.append(_comment(i, str(text), quotes or quotes_in(str(text))))
    return out


def review_comments(g: GeneratedReview) -> list[ReviewComment]:
    """The comments a review makes: its ``comments`` (kept ones), else its checklist
    ``findings``, else comments read from its ``text``."""
    if g.comments:
        return [c for c in g.comments if c.status == "kept"]
    if g.findings:
        return [ReviewComment(id=f"f{i}", source="checklist", text=f.message,
                              evidence=f.evidence, rule=f.rule, verified=bool(f.evidence.quote))
                for i, f in enumerate(g.findings, 1)]
    return comments_from_markdown(g.text or "")


def _from_object(obj: dict, default_id: str) -> GeneratedReview:
    try:  # our own record first; another tool's comment dicts fail ReviewComment's schema
        g = GeneratedReview.model_validate({"id": default_id, **obj})
        if g.comments or g.findings or g.text or g.review:
            if not g.comments and not g.findings and not g.text and g.review:
                from .judge import review_as_text

                g.text = review_as_text(g.review)
            return g
    except ValueError:
        pass
    items = next((obj[k] for k in _LIST_KEYS if isinstance(obj.get(k), list)), None)
    pid = str(obj.get("paper_id") or obj.get("id") or default_id)
    if items is None:
        text = obj.get("text") or obj.get("review") or ""
        text = text if isinstance(text, str) else json.dumps(text)
        return GeneratedReview(id=pid, paper_id=pid, text=text,
                               comments=comments_from_markdown(text), source="external")
    return GeneratedReview(id=pid, paper_id=pid, comments=comments_from_json(items),
                           source="external")


def load_reviews(path: str | Path) -> tuple[list[GeneratedReview], list[str]]:
    """Reviews in ``path`` (see module doc) and the ``path:line: error`` of unreadable items."""
    from ..io import iter_jsonl

    path = Path(path)
    if path.is_dir():
        out, errs = [], []
        for f in sorted(p for p in path.iterdir() if p.suffix in (".md", ".txt", ".json",
                                                                 ".jsonl", ".markdown")):
            r, e = load_reviews(f)
            out += r
            errs += e
        return out, errs
    if not path.is_file():
        raise InputError(f"{path}: no such file or directory", "pass reviews (JSONL/JSON/Markdown)")
    stem = path.name.split(".")[0]
    if path.suffix == ".jsonl":
        out, errs = [], []
        for row in iter_jsonl(path):
            if not isinstance(row, dict):
                errs.append(row.error)
                continue
            # offline checklist reviews (`review` without a model) are "skipped" with findings
            if row.get("status", "ok") != "ok" and not (row.get("status") == "skipped"
                                                        and row.get("findings")):
                errs.append(f"{path}: review {row.get('id')} has status {row.get('status')}")
                continue
            out.append(_from_object(row, stem))
        return out, errs
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return [], [f"{path}: not valid JSON ({exc})"]
        rows = data if isinstance(data, list) and data and isinstance(data[0], dict) and \
            any(k in data[0] for k in ("paper_id", *_LIST_KEYS)) else None
        if rows is not None:
            return [_from_object(r, stem) for r in rows], []
        if isinstance(data, list):
            return [GeneratedReview(id=stem, paper_id=stem, source="external",
                                    comments=comments_from_json(data))], []
        return [_from_object(data, stem)], []
    return [GeneratedReview(id=stem, paper_id=stem, text=text, source="external",
                            comments=comments_from_markdown(text))], []
