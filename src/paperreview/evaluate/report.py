"""Report writing: ``<name>.json`` (every number), ``<name>.md``, PNG charts and a summary table.

Each evaluate command writes under its own ``name`` so several can share one REPORT_DIR.
``<name>.metrics.jsonl`` holds the headline numbers as :class:`~paperreview.records.EvalResult`
lines for tools that collect results across runs.

>>> import tempfile
>>> d = tempfile.mkdtemp()
>>> paths = write_report(d, "demo", "Demo", {"acc": 0.5}, [("accuracy", {"value": 0.5, "n": 4})],
...                      print_table=False)
>>> sorted(p.rsplit("/", 1)[-1] for p in paths.values())
['demo.json', 'demo.md', 'demo.metrics.jsonl']
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..io import atomic_write_json, atomic_write_text, write_jsonl
from ..records import EvalResult
from .stats import fmt

Row = tuple[str, Any]  # (metric label, number or {value, ci_low, ci_high, n})


def _plt():
    os.environ.setdefault("MPLBACKEND", "Agg")  # never needs a display
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def bar_chart(path: str | Path, labels: Sequence[str], series: dict[str, Sequence[dict | float]],
              title: str, ylabel: str, pct: bool = False) -> str:
    """Grouped bars, each labelled with its value ("n/a" where there is none, so a missing
    value is not mistaken for zero); a value given as a CI dict gets error bars from its
    interval. ``pct``: values are shares, shown as percentages."""
    import numpy as np

    plt = _plt()
    fig, ax = plt.subplots(figsize=(max(5.5, 0.9 * len(labels) * len(series) + 2.5), 3.8))
    width = 0.8 / max(len(series), 1)
    x = np.arange(len(labels))
    top = 0.0
    for k, (name, vals) in enumerate(series.items()):
        v = [(d.get("value") if isinstance(d, dict) else d) for d in vals]
        v = [np.nan if y is None else float(y) for y in v]
        err = None
        if vals and all(isinstance(d, dict) and d.get("ci_low") is not None for d in vals):
            err = [[y - d["ci_low"] for y, d in zip(v, vals, strict=True)],
                   [d["ci_high"] - y for y, d in zip(v, vals, strict=True)]]
            top = max([top, *(d["ci_high"] for d in vals)])
        top = max([top, *(y for y in v if not np.isnan(y))])
        bars = ax.bar(x + (k - (len(series) - 1) / 2) * width, np.nan_to_num(v), width,
                      yerr=err, capsize=3, label=name)
        text = ["n/a" if np.isnan(y) else f"{y:.0%}" if pct else f"{y:.3g}" for y in v]
        ax.bar_label(bars, text, fontsize=7, padding=2)
    ax.set_ylim(0, (top or 1.0) * 1.15)
    if pct:
        from matplotlib.ticker import PercentFormatter

        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xticks(x, labels, rotation=20, ha="right")
    return _save(plt, fig, ax, path, title, None, ylabel, legend=len(series) > 1)


def _save(plt: Any, fig: Any, ax: Any, path: str | Path, title: str, xlabel: str | None,
          ylabel: str | None, legend: bool = True) -> str:
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.set_title(title)
    if legend:  # beside the axes, never over the bars
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight")  # keeps the outside legend in the image
    plt.close(fig)
    return str(path)


def line_chart(path: str | Path, x: Sequence[float], series: dict[str, Sequence[float | None]],
               title: str, xlabel: str, ylabel: str, vline: float | None = None,
               pct: bool = False) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    if pct:
        from matplotlib.ticker import PercentFormatter

        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    for name, ys in series.items():
        ax.plot(x, [float("nan") if y is None else y for y in ys], marker="o", label=name)
    if vline is not None:
        ax.axvline(vline, color="grey", linestyle="--", linewidth=1, label=f"threshold {vline:g}")
    return _save(plt, fig, ax, path, title, xlabel, ylabel)


def hist_chart(path: str | Path, series: dict[str, Sequence[float]], title: str,
               xlabel: str) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for name, vals in series.items():
        ax.hist(list(vals), bins=20, alpha=0.6, density=True, label=name)
    return _save(plt, fig, ax, path, title, xlabel, "density")


def md_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _label(value: Any, pct: bool) -> str:
    if isinstance(value, dict | float):
        return fmt(value, pct=pct)
    return "-" if value is None else str(value)


def write_report(out_dir: str | Path, name: str, title: str, result: dict[str, Any],
                 summary: Sequence[Row], body: str = "", charts: Sequence[str] = (),
                 pct: bool = False, print_table: bool = True) -> dict[str, str]:
    """Write ``<name>.json`` / ``.md`` / ``.metrics.jsonl`` (charts are drawn by the caller into
    ``out_dir``) and print the summary table. Returns ``{kind: path}``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": str(out / f"{name}.json"), "markdown": str(out / f"{name}.md"),
             "metrics": str(out / f"{name}.metrics.jsonl")}
    atomic_write_json(paths["json"], result)
    table = md_table(["metric", "value [95% CI]"], [(k, _label(v, pct)) for k, v in summary])
    figs = "\n".join(f"![{Path(c).stem}]({Path(c).name})" for c in charts)
    atomic_write_text(paths["markdown"], f"# {title}\n\n{table}\n\n{body.strip()}\n\n{figs}\n")
    rows = []
    for k, v in summary:
        if isinstance(v, dict) and "value" in v:
            rows.append(EvalResult(id=f"{name}:{k}", metric=k, value=v["value"],
                                   ci_low=v.get("ci_low"), ci_high=v.get("ci_high"),
                                   n=v.get("n") or 0))
        elif isinstance(v, int | float) and not isinstance(v, bool):
            rows.append(EvalResult(id=f"{name}:{k}", metric=k, value=float(v)))
    write_jsonl(paths["metrics"], rows)
    for i, c in enumerate(charts):
        paths[f"chart{i}"] = str(c)
    if print_table:
        print_summary(title, summary, pct)
    return paths


def print_summary(title: str, summary: Sequence[Row], pct: bool = False) -> None:
    """The summary as a rich table on stdout."""
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title)
    t.add_column("metric")
    t.add_column("value [95% CI]", justify="right")
    for k, v in summary:
        t.add_row(k, _label(v, pct))
    Console().print(t)
