"""Input readers: papers from a JSONL, mix files in three layouts, bad specs named."""

from __future__ import annotations

import json

import pytest

from paperreview.dataset.inputs import iter_papers, load_mix, parse_mix
from paperreview.errors import InputError
from tests.dataset.conftest import make_paper


def test_papers_from_jsonl_name_the_bad_line(tmp_path):
    f = tmp_path / "papers.jsonl"
    f.write_text(json.dumps(make_paper("a").to_json()) + "\n" + json.dumps({"id": "b"}) + "\n"
                 + "garbage\n" + json.dumps({"id": "c", "sections": "nope"}) + "\n")
    got = list(iter_papers(f))
    assert got[0][0].id == "a"
    assert got[1] == (None, f"{f}:2: not a Paper record")
    assert got[2] == (None, f"{f}:3: not valid JSON (Expecting value)")  # numbered as in the file
    assert got[3][0] is None and got[3][1].startswith(f"{f}:4: not a valid Paper: sections")
    with pytest.raises(InputError, match="no such file"):
        list(iter_papers(tmp_path / "missing"))


def test_mix_reads_alpaca_sharegpt_and_messages(tmp_path):
    rows = [{"instruction": "Add", "input": "1+1", "output": "2"},
            {"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]},
            {"messages": [{"role": "system", "content": "Be brief."},
                          {"role": "user", "content": "Why?"},
                          {"role": "assistant", "content": "Because."}]},
            {"messages": [{"role": "user", "content": "only a question"}]}]
    f = tmp_path / "mix.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in rows))
    pairs, bad = load_mix(f, 10, seed=0)
    assert sorted(pairs) == [("Add\n1+1", "2"), ("Hi", "Hello"), ("Why?", "Because.")]
    assert bad == 1
    assert len(load_mix(f, 2, seed=0)[0]) == 2
    assert parse_mix(f"{f}:0.25") == (f, 0.25)
    for spec in ("nofile.json:0.2", f"{f}", f"{f}:-1", f"{f}:x"):
        with pytest.raises(InputError, match="--mix"):
            parse_mix(spec)
