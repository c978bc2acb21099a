"""``perturb score`` as a function: read the manifest and reviews, score, write the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...errors import InputError
from ...io import JsonlWriter, atomic_write_json, atomic_write_text, iter_jsonl
from ...stage import Summary, timed
from ..external import load_reviews
from .make import MANIFEST_FIELDS
from .score import score

ANCHOR = ("OpenAIReview (arXiv 2606.19749): 71.6% recall of injected errors (best single model; "
          "union of 6 models 83.3%), on its own arXiv papers and perturbations; recall only.")


def read_manifest(path: Path) -> list[dict]:
    rows = []
    for row in iter_jsonl(path, missing_hint="run `paperreview evaluate perturb make` first"):
        if not isinstance(row, dict):
            raise InputError(row.error, "the manifest is written by `evaluate perturb make`")
        missing = [k for k in ("id", "copy_id", "paper_id", "kind", "category", "original",
                               "perturbed", "file", "source") if k not in row]
        if missing:
            raise InputError(f"{path}: row {row.get('id')} lacks {', '.join(missing)}",
                             f"a manifest row has {', '.join(MANIFEST_FIELDS)}")
        rows.append(row)
    if not rows:
        raise InputError(f"{path}: the manifest is empty", "no error was planted; see summary.json")
    return rows


def run_perturb_score(manifest_path: Path, generated: list[Path], out: Path,
                      engine_cfg: Any = None, seed: int = 0, max_judged: int = 20) -> dict:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    summary = Summary(stage="evaluate.perturb.score")
    with timed(summary):
        manifest = read_manifest(Path(manifest_path))
        reviews, errs = [], []
        for g in generated:
            r, e = load_reviews(g)
            reviews += r
            errs += e
        for e in errs:
            summary.count("failed", "unreadable review")
        atomic_write_json(out / "config.json", {"manifest": str(manifest_path),
                                                 "generated": [str(g) for g in generated],
                                                 "judge_model": getattr(engine_cfg, "model", None),
                                                 "seed": seed, "max_judged": max_judged})
        if engine_cfg is not None:
            from ...llm import Engine
            from .judge import PerturbJudge

            with Engine(engine_cfg) as engine:
                report, rows = score(manifest, reviews, Path(manifest_path).parent,
                                     PerturbJudge(engine), seed, max_judged)
        else:
            report, rows = score(manifest, reviews, Path(manifest_path).parent, None, seed,
                                 max_judged)
        report["anchor"] = ANCHOR
        report["review_errors"] = errs[:20]
        with JsonlWriter(out / "errors.jsonl", mode="w", fsync=False) as w:
            for r in rows:
                w.write(r)
        atomic_write_json(out / "report.json", report)
        atomic_write_text(out / "report.md", render(report))
        summary.count("ok", n=report["n_scored"])
        if report["n_without_review"]:
            summary.count("skipped", "no review of the copy", n=report["n_without_review"])
    summary.outputs = {"report": str(out / "report.json"), "markdown": str(out / "report.md")}
    summary.extra = {"recall": report["recall"]["value"]}
    summary.write(out / "summary.json")
    return {"summary": summary, "report": report}


def pct(x: Any) -> str:
    return "–" if not isinstance(x, (int, float)) else f"{100 * x:.1f}%"


def ci(d: dict) -> str:
    if d.get("value") is None:
        return "–"
    return f"{pct(d['value'])} [{pct(d.get('ci_low'))}, {pct(d.get('ci_high'))}]"


def render(report: dict) -> str:
    lines = ["# Error-injection benchmark", "",
             (f"Rule: {report['rule']}. Errors scored: {report['n_scored']} of "
             f"{report['n_errors']} ({report['n_without_review']} copies had no review)."), "",
             f"**Recall: {ci(report['recall'])}** (95% bootstrap over papers)", "",
             "| group | recall | errors |", "|---|---|---|"]
    for key in ("by_category", "by_kind"):
        for k, v in report[key].items():
            lines.append(f"| {key[3:]}: {k} | {ci(v)} | {v['n_errors']} |")
    p = report["precision"]
    lines += ["", "## Precision side", "", "| | clean originals | perturbed copies |",
              "|---|---|---|"]
    for name, label in (("comments_per_paper", "comments per paper"),
                        ("verified_quote_share", "quotes found in the paper")):
        fmt = (lambda x: "–" if x is None else f"{x:.2f}") if name == "comments_per_paper" else pct
        lines.append(f"| {label} | {fmt(p['clean'][name])} | {fmt(p['perturbed'][name])} |")
    fp = p["judge_false_positive_rate"]
    lines += ["", (f"Judge's false-positive rate on clean papers: "
                  f"{pct(fp) if isinstance(fp, float) else fp}"), "",
              f"Published anchor (not measured here): {report['anchor']}", ""]
    return "\n".join(lines)
