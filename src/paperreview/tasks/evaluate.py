"""``tasks evaluate``: score a predictions file (``tasks run`` or ``tasks baseline`` output).

Reads ``predictions.jsonl`` rows ``{id, task, status, prediction, gold}`` (the gold travels with
each row from the source); writes ``tasks_<task>.json`` (every number), ``.md``, ``.png`` and
``.metrics.jsonl`` through the evaluate stage's report writer. Failed rows and rows without a
prediction count as wrong answers (score 0), never silently dropped.

>>> res = score("classify", [{"id": "a", "prediction": "1", "gold": "1"},
...                          {"id": "b", "prediction": "1", "gold": "0"}])
>>> res["accuracy"], res["majority"]["accuracy"]
(0.5, 0.5)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError
from ..io import BadLine, iter_jsonl
from . import metrics


def read_predictions(path: str | Path) -> tuple[list[dict], list[str]]:
    """Rows of a predictions file; malformed lines come back as ``path:line`` errors."""
    p = Path(path)
    if p.is_dir():
        p = p / "predictions.jsonl"
    rows, bad = [], []
    for obj in iter_jsonl(p, missing_hint="give the predictions.jsonl of `tasks run` or "
                                         "`tasks baseline`"):
        if isinstance(obj, BadLine):
            bad.append(obj.error)
        elif obj.get("gold") in (None, "", []):
            bad.append(f"{p}: row {obj.get('id')!r} has no gold answer"
                       + (f" ({obj['error']})" if obj.get("error") else ""))
        else:
            rows.append(obj)
    if not rows:
        raise InputError(f"{p}: no prediction rows with a gold answer",
                         "run `paperreview tasks run` on a source that has gold answers")
    return rows, bad


def score(task: str, rows: list[dict[str, Any]], embed: bool = False,
          embed_model: str | None = None, majority_of: list[str] | None = None) -> dict:
    """Every metric of ``task`` over ``rows`` (a dict ready for the report)."""
    gold = [r["gold"] for r in rows]
    pred = [r.get("prediction") if r.get("status", "ok") == "ok" else None for r in rows]
    res: dict[str, Any] = {"task": task, "n": len(rows),
                           "missing_predictions": sum(p is None for p in pred)}
    if task == "title":
        res |= metrics.rouge_scores([str(g) for g in gold], pred)
        if embed:
            res["embedding_similarity"] = metrics.embedding_similarity(
                [str(g) for g in gold], pred, embed_model)
    elif task == "keywords":
        res |= metrics.keyword_scores([list(g or []) for g in gold], pred)
        res["mean_gold_keywords"] = round(sum(len(g or []) for g in gold) / max(len(gold), 1), 2)
        res["mean_predicted_keywords"] = round(
            sum(len(p or []) for p in pred) / max(len(pred), 1), 2)
    elif task == "classify":
        res |= metrics.classification_scores([str(g) for g in gold],
                                             [None if p is None else str(p) for p in pred],
                                             majority_of)
    else:
        raise InputError(f"unknown task '{task}'", "use title, keywords or classify")
    return res


def report(out_dir: str | Path, res: dict[str, Any], name: str | None = None,
           title: str | None = None, print_table: bool = True) -> dict[str, str]:
    """Markdown + JSON + chart of one scored run."""
    from ..evaluate.report import bar_chart, md_table, write_report

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    task = res["task"]
    name = name or f"tasks_{task}"
    title = title or f"Paper task: {task}"
    who = res.get("system", "predictions")
    summary: list[tuple[str, Any]] = [("items", str(res["n"])),
                                      ("missing predictions", str(res["missing_predictions"]))]
    if task == "title":
        labels = ["ROUGE-1", "ROUGE-2", "ROUGE-L"]
        values = [res["rouge1"], res["rouge2"], res["rougeL"]]
        if "embedding_similarity" in res:
            labels.append("MiniLM cosine")
            values.append(res["embedding_similarity"])
        summary += list(zip(labels, values, strict=True))
        body = md_table(["metric", who], [(k, f"{v:.4f}") for k, v in zip(labels, values,
                                                                            strict=True)])
        chart = bar_chart(out / f"{name}.png", labels, {who: values}, title, "F1 / cosine")
    elif task == "keywords":
        rows, series = [], {}
        for rule in metrics.RULES:
            for k in ("@5", "@10"):
                m = res[k][rule]
                summary.append((f"F1{k} ({rule})", m["f1"]))
                rows.append((f"{rule}", k, f"{m['precision']:.4f}", f"{m['recall']:.4f}",
                             f"{m['f1']:.4f}"))
            series[rule] = [res["@5"][rule]["f1"], res["@10"][rule]["f1"]]
        body = (f"Mean gold keyphrases per document {res['mean_gold_keywords']}, predicted "
                f"{res['mean_predicted_keywords']}.\n\n"
                + md_table(["match", "k", "precision", "recall", "F1"], rows))
        chart = bar_chart(out / f"{name}.png", ["F1@5", "F1@10"], series, title, "macro F1")
    else:
        maj = res["majority"]
        summary += [("accuracy", res["accuracy"]), ("macro-F1", res["macro_f1"]),
                    (f"majority baseline ({maj['predicts']}): accuracy", maj["accuracy"]),
                    ("majority baseline: macro-F1", maj["macro_f1"])]
        if "f1_positive" in res:
            summary += [("F1 of class 1", res["f1_positive"])]
        if res.get("cv"):
            summary.append(("cross-validation folds", str(res["cv"]["folds"])))
        body = md_table(["predictor", "accuracy", "macro-F1"],
                        [(who, f"{res['accuracy']:.4f}", f"{res['macro_f1']:.4f}"),
                         (f"majority ({maj['predicts']})", f"{maj['accuracy']:.4f}",
                          f"{maj['macro_f1']:.4f}")])
        body += "\n\nClasses: " + ", ".join(f"{k} {v}" for k, v in sorted(res["classes"].items()))
        chart = bar_chart(out / f"{name}.png", ["accuracy", "macro-F1"],
                          {who: [res["accuracy"], res["macro_f1"]],
                           "majority": [maj["accuracy"], maj["macro_f1"]]}, title, "score")
    if res.get("note"):
        body = res["note"] + "\n\n" + body
    slim = {k: v for k, v in res.items() if k != "per_item_rougeL"}
    return write_report(out, name, title, slim, summary, body, [chart], print_table=print_table)
