"""Turn each evaluation's result dict into its report: summary rows, Markdown body, charts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .report import bar_chart, hist_chart, line_chart, md_table, write_report
from .stats import fmt


def hit_rate_report(out: Path, res: dict[str, Any], name: str = "hit_rate",
                    print_table: bool = True) -> dict[str, str]:
    out.mkdir(parents=True, exist_ok=True)
    g, h = res["generated"], res["human_vs_human"]
    pts = lambda d: fmt(d.get("n_points"), digits=1)
    # Liang et al.'s ICLR figures sit beside ours only where the protocol is theirs (llm matcher)
    ref = lambda x: f" [Liang et al. ICLR: {x}%]" if res["matcher"] == "llm" else ""
    summary = [
        ("papers", str(res["n_papers"])),
        ("hit rate: generated points matched by any human", g["hit_rate"]),
        ("hit rate: human vs other humans (baseline)", h["hit_rate"]),
        ("pairwise hit rate: generated vs one human" + ref("39.23"), g["pairwise_hit_rate"]),
        ("pairwise hit rate: human vs one human (baseline)" + ref("35.25"),
         h["pairwise_hit_rate"]),
        ("recall of human points: generated", g["recall"]),
        ("recall of human points: human baseline", h["recall"]),
        ("points per review: generated / human", f"{pts(g)} / {pts(h)}"),
        ("generated reviews without points (not scored)",
         str(res.get("n_generated_without_points", 0))),
    ]
    charts = []
    aspects = sorted(set(g["per_aspect"]) | set(h["per_aspect"]))
    if aspects:
        charts.append(bar_chart(out / f"{name}_aspects.png", aspects, {
            "generated": [g["per_aspect"].get(a, {"value": None}) for a in aspects],
            "human baseline": [h["per_aspect"].get(a, {"value": None}) for a in aspects]},
            "Hit rate by aspect (95% CI over papers)", "points matched by any other review",
            pct=True))
    sweep = res.get("threshold_sweep") or []
    if sweep:
        charts.append(line_chart(out / f"{name}_threshold.png", [s["threshold"] for s in sweep], {
            "generated": [s["generated_hit_rate"] for s in sweep],
            "human baseline": [s["human_vs_human_hit_rate"] for s in sweep]},
            f"Effect of the {res['matcher']} threshold", "threshold",
            "hit rate (matched by any other review)", res["threshold"], pct=True))
    rows = [(a, fmt(g["per_aspect"].get(a), pct=True), g["per_aspect"].get(a, {}).get("n_points", 0),
             fmt(h["per_aspect"].get(a), pct=True), h["per_aspect"].get(a, {}).get("n_points", 0))
            for a in aspects]
    body = (f"Matcher: **{res['matcher']}**, threshold {res['threshold']:g}. Intervals are 95% "
            "bootstrap intervals over papers.\n\n" + _llm_note(res) + _liang_note(res)
            + "\n\n## Per aspect\n\n"
            + md_table(["aspect", "generated", "points", "human baseline", "points"], rows))
    if sweep:
        body += "\n\n## Threshold sweep\n\n" + md_table(
            ["threshold", "generated", "human baseline"],
            [(s["threshold"], fmt(s["generated_hit_rate"], pct=True),
              fmt(s["human_vs_human_hit_rate"], pct=True)) for s in sweep])
    if res.get("examples"):
        body += "\n\n## Example matches\n\n" + md_table(
            ["paper", "score", "generated point", "human point"],
            [(e["paper"], e["score"], e["generated"][:160].replace("|", "/"),
              e["human"][:160].replace("|", "/")) for e in res["examples"]])
    return write_report(out, name, "Hit rate", res, summary, body, charts, pct=True,
                        print_table=print_table)


def _liang_note(res: dict[str, Any]) -> str:
    """Which of our numbers compares with Liang et al.'s, said plainly in the report."""
    g, h = res["generated"]["pairwise_hit_rate"], res["human_vs_human"]["pairwise_hit_rate"]
    text = ("## Comparing with Liang et al. (2023)\n\n"
            "Their headline overlap, **39.23%** (GPT-4 vs one human reviewer, ICLR) against "
            "**35.25%** (human vs human, ICLR), is a *pairwise* hit rate: the share of one "
            "review's points matched by one other review, averaged over pairs. The numbers of "
            f"the same kind here are **pairwise hit rate: generated vs one human** ({fmt(g, pct=True)})"
            f" and **pairwise hit rate: human vs one human** ({fmt(h, pct=True)}). "
            "Our *hit rate* (matched by any human) corresponds to their \"raised by at least "
            "one human reviewer\" figure (77.18% ICLR, 57.55% Nature), not to 39.23%.\n\n")
    if res["matcher"] == "llm":
        return text + ("This run used their protocol (LLM-extracted criticisms, similarity "
                       "ratings 5-10, a match at >= 7), so the numbers are comparable in kind; "
                       "they still depend on the model, the venue and year (theirs: ICLR "
                       "2022-2023 with GPT-4) and the threshold.")
    return text + ("This run used the **embedding** matcher (sentences, cosine similarity), not "
                   "their LLM protocol: its absolute numbers depend on the threshold (see the "
                   "sweep) and are **not comparable** with theirs; compare the generated "
                   "reviews with the human baseline of this report instead.")


def _llm_note(res: dict[str, Any]) -> str:
    llm = res.get("llm")
    if not llm:
        return ""
    fails = ", ".join(f"{k}: {v}" for k, v in llm.get("failures", {}).items()) or "none"
    return f"LLM matcher model `{llm.get('model')}`; failed calls: {fails}.\n\n"


def scores_report(out: Path, res: dict[str, Any], print_table: bool = True) -> dict[str, str]:
    out.mkdir(parents=True, exist_ok=True)
    summary: list[tuple[str, Any]] = [("papers", str(res["n_papers"]))]
    rows, charts = [], []
    for name, m in res["scores"].items():
        sp = m["predicted_spread"]
        summary += [(f"{name}: MAE vs mean human", m["mae"]),
                    (f"{name}: human baseline MAE", m["human_baseline"]["mae"]),
                    (f"{name}: Spearman", m["spearman"]),
                    (f"{name}: matches a human exactly",
                     fmt(m["exact_match_any"], pct=True)),
                    (f"{name}: human baseline exact match",
                     fmt(m["human_baseline"]["exact_match_any"], pct=True)),
                    (f"{name}: predicted spread (std, most common share)",
                     f"{sp['std']:.2f}, {sp['most_common']:g} = {sp['most_common_share']:.0%}")]
        rows.append((name, m["n"], fmt(m["mae"]), f"{m['rmse']:.3f}", f"{m['bias']:+.3f}",
                     fmt(m["spearman"]), fmt(m["exact_match_any"], pct=True),
                     fmt(m["within_1_any"], pct=True), f"{sp['std']:.2f}",
                     f"{m['human_spread']['std']:.2f}"))
        pred_hist = [float(k) for k, c in sp["histogram"].items() for _ in range(c)]
        hum_hist = [float(k) for k, c in m["human_spread"]["histogram"].items() for _ in range(c)]
        charts.append(hist_chart(out / f"scores_{name}.png",
                                 {"predicted": pred_hist, "human": hum_hist},
                                 f"{name}: predicted vs human", name))
    body = md_table(["score", "n", "MAE", "RMSE", "bias", "Spearman", "exact (any human)",
                     "within 1", "std pred", "std human"], rows)
    return write_report(out, "scores", "Score agreement", res, summary, body, charts,
                        print_table=print_table)


def decisions_report(out: Path, res: dict[str, Any], print_table: bool = True) -> dict[str, str]:
    out.mkdir(parents=True, exist_ok=True)
    summary: list[tuple[str, Any]] = [("papers (dev / test)", f"{res['n_dev']} / {res['n_test']}")]
    rows, series = [], {}
    for pname, r in res["predictors"].items():
        t = r["test"]
        summary += [(f"{pname}: accuracy", t["accuracy_ci"]),
                    (f"{pname}: balanced accuracy", t["balanced_accuracy_ci"])]
        rows.append((pname, f"{r['threshold']:g}", fmt(t["accuracy"]),
                     fmt(t["balanced_accuracy"]), fmt(t["f1"]), fmt(t["roc_auc"]),
                     fmt(t["fpr"]), fmt(t["fnr"])))
        series[pname] = [t["accuracy"], t["balanced_accuracy"], t["f1"]]
    maj = res["majority"]
    summary.append((f"majority baseline ({maj['predicts']}): accuracy", maj["accuracy"]))
    rows.append((f"majority ({maj['predicts']})", "-", fmt(maj["accuracy"]),
                 fmt(maj["balanced_accuracy"]), fmt(maj["f1"]), "-", fmt(maj["fpr"]),
                 fmt(maj["fnr"])))
    series["majority"] = [maj["accuracy"], maj["balanced_accuracy"] or 0.5, maj["f1"]]
    charts = [bar_chart(out / "decisions.png", ["accuracy", "balanced acc.", "F1"], series,
                        "Accept/reject prediction (test split)", "score")]
    body = (f"Threshold chosen on a dev split ({res['n_dev']} papers, seed {res['seed']}); "
            f"metrics on the other {res['n_test']} papers. Accept rate {res['accept_rate']:.1%}."
            "\n\n" + md_table(["predictor", "threshold", "accuracy", "balanced acc.", "F1",
                               "ROC AUC", "FPR", "FNR"], rows))
    return write_report(out, "decisions", "Accept/reject decisions", res, summary, body, charts,
                        print_table=print_table)


def judge_report(out: Path, res: dict[str, Any], print_table: bool = True) -> dict[str, str]:
    out.mkdir(parents=True, exist_ok=True)
    c = res["counts"]
    summary = [("pairs judged", str(res["n_pairs"])),
               (f"win rate of A ({res['a_name']})", res["win_rate_a"]),
               ("A wins / ties / B wins", f"{c['a']} / {c['tie']} / {c['b']}"),
               ("verdicts consistent across both orders", res["consistency"]),
               ("first position preferred (position bias)", res["first_position_rate"]),
               ("failed pairs", str(res["n_failed"]))]
    charts = [bar_chart(out / "judge.png",
                        [f"A ({res['a_name']}) wins", "tie", f"B ({res['b_name']}) wins"],
                        {"pairs": [c["a"], c["tie"], c["b"]]},
                        f"Judge verdicts: win rate of A {fmt(res['win_rate_a'], pct=True)}",
                        "pairs")]
    body = (f"A = `{res['a_name']}`, B = `{res['b_name']}`, judge model `{res['model']}`. "
            "Each pair is judged twice with the reviews swapped. Per order a verdict scores 1 "
            "for A, 0.5 for a tie and 0 for B; a pair's score is the mean of its two orders, so "
            "a verdict that flips with the order is a tie, and A preferred in one order with a "
            "tie in the other counts as an A win (0.75). Win rate of A = mean pair score.\n\n"
            "Criteria: " + "; ".join(res["criteria"]))
    return write_report(out, "judge", "Pairwise judge", res, summary, body, charts, pct=True,
                        print_table=print_table)


def accept_baseline_report(out: Path, res: dict[str, Any], print_table: bool = True
                           ) -> dict[str, str]:
    out.mkdir(parents=True, exist_ok=True)
    summary = [("papers (accepted)", f"{res['n_papers']} ({res['n_accepted']})"),
               (f"accuracy ({res['folds']}-fold CV)", res["accuracy_ci"]),
               ("balanced accuracy", res["balanced_accuracy"]),
               ("ROC AUC", res["roc_auc"]),
               ("majority baseline accuracy", res["majority_accuracy"]),
               ("PeerRead published (ICLR 2017 test)", res["peerread_published_accuracy"])]
    rows = [(k, fmt(v["accuracy"]), fmt(v["balanced_accuracy"]), fmt(v["roc_auc"]))
            for k, v in res["models"].items()]
    charts = [bar_chart(out / "accept_baseline.png",
                        ["majority", "PeerRead (published)", *res["models"]],
                        {"accuracy": [res["majority_accuracy"], res["peerread_published_accuracy"],
                                      *[v["accuracy"] for v in res["models"].values()]]},
                        "Acceptance prediction accuracy", "accuracy")]
    top = "\n".join(f"- `{f}`: {w:+.3f}" for f, w in res.get("top_features", [])[:12])
    body = (f"Model `{res['model']}`; {res['folds']}-fold stratified cross-validation (seed "
            f"{res['seed']}). The PeerRead figure was measured on their own test split, ours by "
            "cross-validation on the papers given, so compare with care.\n\n"
            + md_table(["model", "accuracy", "balanced acc.", "ROC AUC"], rows)
            + "\n\n## Strongest hand features (standardised logistic weights)\n\n" + top)
    return write_report(out, "accept_baseline", "Acceptance baseline", res, summary, body, charts,
                        print_table=print_table)
