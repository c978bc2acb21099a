"""The evaluate commands as functions: read inputs, compute, write the report.

Each ``run_*`` returns the result dict that its report JSON holds. Usable from Python:

>>> # from paperreview.evaluate.pipeline import run_hit_rate
>>> # res = run_hit_rate("gen.jsonl", "subs.jsonl", "report/")
>>> # res["generated"]["hit_rate"]["value"]
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from ..config import save_resolved
from ..errors import ConfigError, InputError
from .hitrate import PaperItem, hit_rate
from .inputs import (
    generated_doc,
    human_doc,
    human_reviews,
    join,
    load_generated,
    load_papers,
    load_submissions,
    paper_for,
)
from .render import (
    accept_baseline_report,
    decisions_report,
    hit_rate_report,
    judge_report,
    scores_report,
)


def _items(generated: str | Path | None, human: str | Path, limit: int | None
           ) -> tuple[list[PaperItem], Counter]:
    skipped: Counter = Counter()
    subs = load_submissions(human, skipped)
    if generated is None:  # human-vs-human baseline only
        pairs = [(None, s) for s in subs]
    else:
        gens, bad = load_generated(generated)
        skipped.update(bad)
        pairs, missing = join(gens, subs)
        skipped.update(missing)
    items = []
    for g, s in pairs[:limit] if limit else pairs:
        humans = [human_doc(s, r) for r in human_reviews(s)]
        if not humans:
            skipped["no human review with text"] += 1
            continue
        items.append(PaperItem(s.id, generated_doc(g, s.id) if g else None, humans))
    if not items:
        raise InputError("nothing to compare: no paper has both a generated and a human review",
                         "check that the ids in --generated match the submissions in --human")
    return items, skipped


def run_hit_rate(generated: str | Path | None, human: str | Path, out: str | Path,
                 matcher: str = "embedding", threshold: float | None = None,
                 engine_config: Any = None, embed_model: str | None = None,
                 include_summary: bool = False, limit: int | None = None, seed: int = 0,
                 print_table: bool = True) -> dict[str, Any]:
    out = Path(out)
    lo, hi = (5.0, 10.0) if matcher == "llm" else (-1.0, 1.0)  # ratings 5-10 / cosine
    if threshold is not None and not lo <= threshold <= hi:
        raise ConfigError(f"--threshold {threshold:g} is outside the {matcher} matcher's scale "
                          f"({lo:g} to {hi:g})", "the defaults are 0.6 (embedding) and 7 (llm)")
    items, skipped = _items(generated, human, limit)
    if matcher == "embedding":
        from .match import EmbeddingMatcher

        m: Any = EmbeddingMatcher(embed_model, include_summary=include_summary)
        res = hit_rate(items, m, threshold, seed=seed)
        res["embedding_model"] = m.embedder.model_name
    elif matcher == "llm":
        from ..llm import Engine
        from .llm_match import LLMMatcher

        if engine_config is None or not engine_config.is_configured():
            raise ConfigError("the llm matcher needs a model",
                              "pass --model/--base-url (or set OPENAI_API_KEY), or use "
                              "--matcher embedding")
        save_resolved(engine_config, out, "engine_config.json")  # secrets redacted
        with Engine(engine_config) as engine:
            m = LLMMatcher(engine)
            res = hit_rate(items, m, threshold, seed=seed)
        res["llm"] = {"model": engine_config.model, "failures": dict(m.failures),
                      "rationales": m.rationales[:20]}
    else:
        raise ConfigError(f"unknown matcher '{matcher}'", "use --matcher embedding or llm")
    res["skipped"] = dict(skipped)
    res["outputs"] = hit_rate_report(out, res, print_table=print_table)
    return res


def run_scores(generated: str | Path, human: str | Path, out: str | Path, seed: int = 0,
               print_table: bool = True) -> dict[str, Any]:
    from .scores import evaluate_scores

    gens, skipped = load_generated(generated)
    pairs, missing = join(gens, load_submissions(human, skipped))
    res = evaluate_scores(pairs, seed=seed)
    if not res["scores"]:
        raise InputError("no paper has both a predicted and a human rating",
                         "check that the generated reviews carry `rating`")
    res["skipped"] = dict(skipped + missing)
    res["outputs"] = scores_report(Path(out), res, print_table=print_table)
    return res


def run_decisions(generated: str | Path, human: str | Path, out: str | Path,
                  dev_fraction: float = 0.3, seed: int = 0, threshold: float | None = None,
                  print_table: bool = True) -> dict[str, Any]:
    from .decisions import decide

    gens, skipped = load_generated(generated)
    pairs, missing = join(gens, load_submissions(human, skipped))
    rows = [(g, s) for g, s in pairs if s.decision is not None]
    skipped["no human decision"] += len(pairs) - len(rows)
    y = [int(s.decision == "accept") for _, s in rows]
    predictors: dict[str, Any] = {}
    rated = [(g.rating, yy) for (g, _), yy in zip(rows, y, strict=True) if g.rating is not None]
    if len(rated) >= 4:
        predictors["generated rating"] = decide([r for r, _ in rated], [t for _, t in rated],
                                                dev_fraction, seed, threshold)
    said = [(float(g.decision == "accept"), yy) for (g, _), yy in zip(rows, y, strict=True)
            if g.decision]
    if len(said) >= 4:
        predictors["generated decision"] = decide([d for d, _ in said], [t for _, t in said],
                                                  dev_fraction, seed, threshold=0.5)
    means = [(float(np.mean(r)), yy) for (_, s), yy in zip(rows, y, strict=True)
             if (r := [h.rating for h in s.reviews if h.rating is not None])]
    if len(means) >= 4:
        predictors["mean human rating (reference)"] = decide(
            [m for m, _ in means], [t for _, t in means], dev_fraction, seed)
    if not predictors or len(set(y)) < 2:
        raise InputError(f"{len(rows)} papers with a human decision, too few (or one class) to "
                         "evaluate decisions", "give generated reviews with `rating` or "
                         "`decision` for papers with accept and reject decisions")
    first = next(iter(predictors.values()))
    res = {"n_papers": len(rows), "seed": seed, "dev_fraction": dev_fraction,
           "n_dev": first["n_dev"], "n_test": first["n_test"],
           "accept_rate": float(np.mean(y)), "majority": first["majority"],
           "predictors": predictors, "skipped": dict(skipped + missing)}
    res["outputs"] = decisions_report(Path(out), res, print_table=print_table)
    return res


def run_accept_baseline(human: str | Path, papers: str | Path, out: str | Path, folds: int = 10,
                        seed: int = 0, model: str = "hand+text", print_table: bool = True
                        ) -> dict[str, Any]:
    from .accept_baseline import accept_baseline

    index, bad = load_papers(papers)
    res = accept_baseline(load_submissions(human, bad), index, folds, seed, model)
    res["skipped"].update(bad)
    res["outputs"] = accept_baseline_report(Path(out), res, print_table=print_table)
    return res


def run_judge(a: str | Path, b: str | Path, out: str | Path, engine_config: Any,
              papers: str | Path | None = None, human: str | Path | None = None,
              a_name: str | None = None, b_name: str | None = None, max_paper_chars: int = 12000,
              limit: int | None = None, seed: int = 0, print_table: bool = True
              ) -> dict[str, Any]:
    from ..io import write_jsonl
    from ..llm import Engine
    from .inputs import gen_keys
    from .judge import generated_text, judge_pairs, paper_text

    if engine_config is None or not engine_config.is_configured():
        raise ConfigError("the judge needs a model", "pass --model/--base-url or set OPENAI_API_KEY")
    ga, skipped = load_generated(a)
    gb, skipped_b = load_generated(b)
    by_key = {k: g for g in gb for k in gen_keys(g)}
    index = load_papers(papers)[0] if papers else {}
    subs = {k: s for s in load_submissions(human, skipped) for k in (s.id, s.forum)} if human else {}
    pairs = []
    for g in ga:
        other = next((by_key[k] for k in sorted(gen_keys(g)) if k in by_key), None)
        if other is None:
            skipped["no review of the same paper in --b"] += 1
            continue
        sub = next((subs[k] for k in sorted(gen_keys(g)) if k in subs), None)
        paper = next((index[k] for k in sorted(gen_keys(g)) if k in index), None)
        if paper is None and sub is not None:
            paper = paper_for(sub, index)
        pairs.append((g.id, paper_text(paper, sub.title if sub else "", sub.abstract if sub else "",
                                       max_paper_chars), generated_text(g), generated_text(other)))
    if limit:
        pairs = pairs[:limit]
    if not pairs:
        raise InputError("no paper has a review in both --a and --b", "check the review ids")
    out = Path(out)
    save_resolved(engine_config, out, "engine_config.json")  # secrets redacted
    with Engine(engine_config) as engine:
        summary, rows = judge_pairs(engine, pairs, seed=seed)
    write_jsonl(out / "judgments.jsonl", rows)
    res = {**summary, "a_name": a_name or Path(a).stem, "b_name": b_name or Path(b).stem,
           "model": engine_config.model, "skipped": dict(skipped + skipped_b),
           "paper_text": "full text" if index else "title and abstract only"}
    res["outputs"] = judge_report(out, res, print_table=print_table)
    res["outputs"]["judgments"] = str(out / "judgments.jsonl")
    return res
