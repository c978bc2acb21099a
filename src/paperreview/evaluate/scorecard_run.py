"""The scorecard's hidden-instruction section, the whole run, and its Markdown and chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..io import atomic_write_json, atomic_write_text, write_jsonl
from .hidden_plant import INSTRUCTION, WAYS, plant
from .scorecard import (
    ANCHORS,
    NO_MODEL,
    as_review,
    hit_rate_section,
    perturb_section,
    run_reviewer,
    scores_section,
    split_papers,
)

_KEY = "previousinstructions"  # a fragment of INSTRUCTION that no honest paper contains


def _squash(s: str) -> str:
    return "".join(c for c in s.lower() if c.isalnum())


def _in_text_layer(path: Path) -> bool:
    import pymupdf

    with pymupdf.open(str(path)) as doc:
        raw = doc[0].get_text(flags=0, clip=pymupdf.INFINITE_RECT())  # clipped text too
    tags = "".join(chr(ord(c) - 0xE0000) for c in raw if 0xE0000 <= ord(c) < 0xE0080)
    return _KEY in _squash(raw) or _KEY in _squash(tags)


def detect(path: Path) -> dict:
    """What parse and ``paperreview check``'s integrity rules report about one PDF."""
    from ..review.check import CheckOptions, check_parsed
    from ..review.rules import RULES
    from ..review.rules.context import facts_from_pdf

    paper, facts = facts_from_pdf(str(path))
    hidden = any(_KEY in _squash(h.text) for h in paper.hidden_text)
    rules = [r for r in ("hidden-text", "hidden-characters") if r in RULES]
    found = check_parsed(paper, facts, CheckOptions(rules=rules)).findings
    body = _KEY in _squash(" ".join(s.text for s in paper.sections))
    return {"hidden_text": hidden, "any_hidden_text": bool(paper.hidden_text),
            "flagged": any(f.severity == "critical" for f in found),
            "any_finding": bool(found), "rules": rules, "in_body": body}


def hidden_section(pdfs: list[Path], out: Path) -> dict:
    """Plant :data:`INSTRUCTION` 8 ways in each PDF; detection = parse lists it as hidden text
    (and the checklist flags it critical); false alarm = a hidden-text finding on a clean PDF."""
    hdir = out / "hidden"
    hdir.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    clean: list[bool] = []
    unreadable: list[str] = []
    for pdf in pdfs:
        try:
            c = detect(pdf)
        except Exception as exc:  # noqa: BLE001 - unreadable PDF: left out, named in the report
            unreadable.append(f"{pdf}: {exc}")
            continue
        clean.append(c["any_finding"])
        for way in WAYS:
            dst = hdir / f"{pdf.stem}.{way}.pdf"
            plant(pdf, dst, way)
            row = {"paper": pdf.stem, "way": way, "planted": _in_text_layer(dst)}
            row.update(detect(dst))
            rows.append(row)
    write_jsonl(hdir / "rows.jsonl", rows)
    by_way = {}
    for way in WAYS:
        rs = [r for r in rows if r["way"] == way]
        planted = [r for r in rs if r["planted"]]
        by_way[way] = {"n": len(rs), "planted": len(planted),
                       "detected": (sum(r["hidden_text"] for r in planted) / len(planted))
                       if planted else None,
                       "flagged": (sum(r["flagged"] for r in planted) / len(planted))
                       if planted else None,
                       "leaked_into_body": sum(r["in_body"] for r in planted)}
        if not planted and rs:
            by_way[way]["note"] = "not planted: the instruction did not reach the text layer"
    planted = [r for r in rows if r["planted"]]
    return {"status": "ok" if rows else "not run: no readable PDF",
            "instruction": INSTRUCTION, "by_way": by_way,
            "recall": sum(r["flagged"] for r in planted) / len(planted) if planted else None,
            "false_alarm_rate": sum(clean) / len(clean) if clean else None,
            "n_clean": len(clean), "unreadable": unreadable,
            "anchor": ANCHORS["hidden_instructions"]}


def run_scorecard(human: Path, out: Path, papers: Path | None = None,
                  generated: list[Path] | None = None, pdfs: list[Path] | None = None,
                  engine_cfg: Any = None, limit: int | None = None, pdf_limit: int = 3,
                  per_paper: int = 2, seed: int = 0) -> dict:
    """Run every section; write ``scorecard.json``, ``scorecard.md`` and ``scorecard.png``."""
    import time

    from ..config import redact
    from ..stage import Summary
    from .external import load_reviews
    from .perturb.make import find_pdfs

    t0 = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_json(out / "config.json", redact({
        "human": str(human), "papers": str(papers), "generated": [str(g) for g in generated or []],
        "pdfs": [str(p) for p in pdfs or []], "model": getattr(engine_cfg, "model", None),
        "limit": limit, "pdf_limit": pdf_limit, "per_paper": per_paper, "seed": seed}))
    subs, split = split_papers(human, papers, limit)
    engine = None
    if engine_cfg is not None:
        from ..llm import Engine

        engine = Engine(engine_cfg)
    try:
        card: dict[str, Any] = {"split": {"human": str(human), "papers": str(papers),
                                          "n_submissions": len(subs),
                                          "n_with_paper": len(split)},
                                "model": getattr(engine_cfg, "model", None)}
        if generated:
            reviews = [as_review(g) for p in generated for g in load_reviews(p)[0]]
            card["reviewer"] = "generated: " + ", ".join(str(p) for p in generated)
            card["cost"] = {"status": "not run: reviews were given, not generated here",
                            **_usage_of(reviews)}
        else:
            reviews, card["cost"] = run_reviewer(split, engine)
            card["reviewer"] = card["cost"]["reviewer"]
        card["cost"]["anchor"] = ANCHORS["cost"]
        gen = out / "reviewer" / "generated.jsonl"
        gen.parent.mkdir(parents=True, exist_ok=True)
        write_jsonl(gen, reviews)
        card["hit_rate"] = hit_rate_section(gen, human, out, engine_cfg, seed) if reviews else \
            {"status": "not run: no review of the split's papers"}
        sc = scores_section(reviews, gen, human, subs, out, seed)
        card["decisions"] = sc.pop("decisions")
        card["scores"] = sc
        pdf_list = find_pdfs(pdfs)[:pdf_limit] if pdfs else []
        if pdf_list:
            card["error_injection"] = perturb_section(pdf_list, out, engine, per_paper, seed,
                                                      None)
            card["hidden_instructions"] = hidden_section(pdf_list, out)
        else:
            why = "not run: no PDFs given (--pdfs)"
            card["error_injection"] = {"status": why, "anchor": ANCHORS["error_injection"]}
            card["hidden_instructions"] = {"status": why,
                                           "anchor": ANCHORS["hidden_instructions"]}
        if engine is not None:
            card["engine"] = {"model": engine_cfg.model}
    finally:
        if engine is not None:
            engine.close()
    atomic_write_json(out / "scorecard.json", card)
    atomic_write_text(out / "scorecard.md", render(card))
    chart(card, out / "scorecard.png")
    summary = Summary(stage="evaluate scorecard", seconds=round(time.perf_counter() - t0, 3),
                      outputs={"json": str(out / "scorecard.json"),
                               "markdown": str(out / "scorecard.md"),
                               "chart": str(out / "scorecard.png")})
    for name, sec in card.items():
        if isinstance(sec, dict) and "status" in sec:
            summary.count("ok" if sec["status"] == "ok" else "skipped",
                          None if sec["status"] == "ok" else f"{name}: {sec['status']}")
    summary.write(out / "summary.json")
    return card


def _usage_of(reviews: list) -> dict:
    tok = [sum(int(v) for k, v in ((g.metadata or {}).get("usage") or {}).items()
               if k.endswith("_tokens")) for g in reviews]
    return {"tokens_per_paper": sum(tok) / len(tok) if tok and any(tok) else None}


def _f(x: Any, pct: bool = True) -> str:
    if isinstance(x, dict):
        if x.get("value") is None:
            return "–"
        lo, hi = x.get("ci_low"), x.get("ci_high")
        s = _f(x["value"], pct)
        return s + (f" [{_f(lo, pct)}, {_f(hi, pct)}]" if lo is not None else "")
    if not isinstance(x, (int, float)):
        return "–" if x is None else str(x)
    return f"{100 * x:.1f}%" if pct else f"{x:.3g}"


def _status(sec: dict) -> str:
    return "" if sec.get("status") == "ok" else f"\n*{sec.get('status')}*\n"


def _cal(c: dict) -> str:
    if c.get("status") != "ok":
        return c.get("status", "")
    return (f"Spearman {_f(c['value'], False)} (raw on the same papers "
            f"{_f(c['raw_on_same_papers'], False)}), MAE {c['mae_calibrated']:.2f} vs raw "
            f"{c['mae_raw']:.2f} (n={c['n_test']})")


def render(card: dict) -> str:
    L = ["# Reviewer scorecard", "",
         (f"Split: `{card['split']['human']}` ({card['split']['n_submissions']} submissions, "
         f"{card['split']['n_with_paper']} with paper text). Reviewer: {card['reviewer']}. "
         f"Model: {card.get('model') or 'none'}."), "",
         ("Published figures are shown beside ours as **anchors**: other datasets, other "
         "systems, never measured here."), ""]
    h = card["hit_rate"]
    L += ["## Hit rate against human reviews", _status(h),
          "| matcher | hit rate | pairwise | human-human hit rate | human-human pairwise |",
          "|---|---|---|---|---|"]
    for m in ("embedding", "llm"):
        s = h.get(m, {"status": h.get("status")})
        if s.get("status") == "ok":
            L.append(f"| {m} | {_f(s['hit_rate'])} | {_f(s['pairwise_hit_rate'])} | "
                     f"{_f(s['human_vs_human']['hit_rate'])} | "
                     f"{_f(s['human_vs_human']['pairwise_hit_rate'])} |")
        else:
            L.append(f"| {m} | {s.get('status')} | | | |")
    L += ["", f"Anchor: {ANCHORS['hit_rate']}", ""]
    s = card["scores"]
    L += ["## Ratings", _status(s),
          f"- Spearman with the mean human rating (raw): {_f(s.get('spearman'), False)}",
          f"- calibrated (fit on half the rated papers, tested on the rest): {_cal(s['calibrated'])}",
          f"- human vs other humans: {_f(s['human_vs_human_spearman'], False)}",
          f"- Anchor: {ANCHORS['scores']}", ""]
    d = card["decisions"]
    L += ["## Accept/reject", _status(d)]
    for name, v in d.items():
        if isinstance(v, dict) and "accuracy" in v:
            L.append(f"- {name}: accuracy {_f(v['accuracy'])}, balanced accuracy "
                     f"{_f(v['balanced_accuracy'], False)}, AUC {_f(v['roc_auc'], False)} "
                     f"(n={v.get('n')})")
    L += [f"- Anchor: {ANCHORS['decisions']}", ""]
    e = card["error_injection"]
    L += ["## Error injection", _status(e)]
    if e.get("status") == "ok":
        L += [f"Rule: {e['rule']}. **Recall {_f(e['recall'])}**", "",
              "| kind | recall | errors |", "|---|---|---|"]
        L += [f"| {k} | {_f(v)} | {v['n_errors']} |" for k, v in e["by_kind"].items()]
        p = e["precision"]
        L += ["", (f"Comments per paper: clean {_f(p['clean']['comments_per_paper'], False)}, "
                  f"perturbed {_f(p['perturbed']['comments_per_paper'], False)}; quotes found "
                  f"in the paper: {_f(p['perturbed']['verified_quote_share'])}; judge's "
                  f"false-positive rate on clean papers: "
                  f"{_f(p['judge_false_positive_rate'])}")]
    L += ["", f"Anchor: {ANCHORS['error_injection']}", ""]
    hi = card["hidden_instructions"]
    L += ["## Hidden instructions", _status(hi)]
    if hi.get("status") == "ok":
        L += ["| way | planted | parse lists it as hidden | checklist flags it | leaked into body |",
              "|---|---|---|---|---|"]
        L += [f"| {w} | {v['planted']}/{v['n']} | {_f(v['detected'])} | {_f(v['flagged'])} | "
              f"{v['leaked_into_body']} |" for w, v in hi["by_way"].items()]
        L += ["", (f"Recall (flagged, all ways): {_f(hi['recall'])}; false alarms on "
                  f"{hi['n_clean']} clean papers: {_f(hi['false_alarm_rate'])}")]
    L += ["", f"Anchor: {ANCHORS['hidden_instructions']}", ""]
    c = card["cost"]
    L += ["## Cost", _status(c) if c.get("status") != "ok" else "",
          f"- seconds per paper: {_f(c.get('seconds_per_paper'), False)}; tokens per paper: "
          f"{_f(c.get('tokens_per_paper'), False)}; cost per paper: "
          f"{_f(c.get('cost_per_paper'), False)}" + (f" ({c['note']})" if c.get("note") else ""),
          f"- Anchor: {ANCHORS['cost']}", ""]
    if card.get("model") is None:
        L += [f"Sections that need a model: {NO_MODEL}.", ""]
    return "\n".join(L)


def chart(card: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    panels = [("error_injection", "by_kind", "value", "error-injection recall by kind"),
              ("hidden_instructions", "by_way", "flagged", "hidden instruction flagged, by way")]
    for ax, (section, by, key, title) in zip(axes, panels):
        part = card[section]
        bars = part.get(by, {}) if part.get("status") == "ok" else {}
        ax.bar(list(bars) or ["(not run)"], [v[key] or 0 for v in bars.values()] or [0])
        ax.set_title(title)
        ax.set_ylim(0, 1)
        ax.tick_params(axis="x", rotation=45)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
