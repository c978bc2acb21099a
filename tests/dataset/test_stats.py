"""Token statistics: known numbers on known sets, and the CLI on a built set."""

from __future__ import annotations

import json

from paperreview.cli import main
from paperreview.dataset.stats import cutoff_table, percentiles, recommend_cutoff
from paperreview.dataset.tokens import TokenCounter


def test_percentiles_of_a_known_set():
    p = percentiles(list(range(1, 101)))
    assert p == {"p50": 50, "p90": 90, "p95": 95, "p99": 99, "max": 100, "mean": 50.5, "n": 100}
    assert percentiles([]) == {"n": 0}


def test_recommended_cutoff_covers_p99_and_every_output():
    records = [6000] * 90 + [8400] * 9 + [20000]  # p99 = 8400: the outlier is not covered
    assert recommend_cutoff(records, [1500] * 100) == 8704  # 17 * 512
    assert recommend_cutoff(records, [1500] * 99 + [9000]) == 9216  # one long review: 18 * 512
    assert recommend_cutoff([100], [10]) == 512
    table = cutoff_table(records, [1500] * 99 + [9000], [8192, 8704, 9216])
    assert table == [{"cutoff": 8192, "share_truncated": 0.1, "outputs_cut": 1},
                     {"cutoff": 8704, "share_truncated": 0.01, "outputs_cut": 1},
                     {"cutoff": 9216, "share_truncated": 0.01, "outputs_cut": 0}]


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_stats_cli_counts_a_built_set(tmp_path, tokenizer_dir, capsys):
    outs = ["Strengths: clear writing. " * k for k in range(1, 21)]
    rows = [{"instruction": "Review the paper.", "input": "[TITLE] A Study " * (k % 7 + 1),
             "output": o, "paper_id": f"p{k}"} for k, o in enumerate(outs)]
    _write(tmp_path / "train.jsonl", rows[:15])
    _write(tmp_path / "test.jsonl", rows[15:])
    main(["dataset", "stats", str(tmp_path), "--tokenizer", str(tokenizer_dir), "--workers", "1"])
    stats = json.loads((tmp_path / "token_stats.json").read_text())
    assert (tmp_path / "token_stats.png").stat().st_size > 1000
    assert "recommended cut-off: 512" in capsys.readouterr().out
    with TokenCounter(tokenizer_dir) as c:
        exact = [c.count(c.render_chat(r["instruction"] + "\n" + r["input"], r["output"]))
                 for r in rows]
        outputs = sorted(c.count(o) for o in outs)
        assert stats["fields"]["instruction"]["max"] == c.count("Review the paper.")
    assert stats["records"] == 20 and stats["recommended_cutoff"] == 512
    assert stats["fields"]["output"]["max"] == outputs[-1]
    assert stats["fields"]["output"]["p50"] == outputs[9]  # 10th of 20 sorted values
    # the record total is the exact templated count up to merges at the joins
    assert abs(stats["fields"]["record"]["max"] - max(exact)) <= 2
    assert stats["cutoffs"][-1]["share_truncated"] == 0.0


def test_stats_reads_sharegpt_and_messages(tmp_path, tokenizer_dir):
    from paperreview.dataset.stats import compute_stats

    rows = [{"conversations": [{"from": "human", "value": "Review it."},
                               {"from": "gpt", "value": "Fine."}]},
            {"messages": [{"role": "user", "content": "Review it."},
                          {"role": "assistant", "content": "Fine."}]}]
    _write(tmp_path / "x.jsonl", rows)
    stats = compute_stats(tmp_path / "x.jsonl", str(tokenizer_dir), plot=False)
    assert set(stats["fields"]) == {"user", "output", "record"}
    assert stats["fields"]["record"]["p50"] == stats["fields"]["record"]["max"]
