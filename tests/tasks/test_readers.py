"""Readers: every source format, detected or named; bad rows are per-row errors with file:line."""

from __future__ import annotations

import pytest

from paperreview.errors import InputError
from paperreview.tasks.readers import BadRow, Item, detect_format, read_items, split_keywords


def _split(rows):
    rows = list(rows)
    return [r for r in rows if isinstance(r, Item)], [r for r in rows if isinstance(r, BadRow)]


def test_detects_each_format(arxiv_file, challenge_csv, chatgentitle_dir, keyphrase_zip):
    assert detect_format(arxiv_file) == "arxiv"
    assert detect_format(challenge_csv) == "csv"
    assert detect_format(chatgentitle_dir) == "chatgentitle"
    assert detect_format(chatgentitle_dir / "2023-03-28.json") == "chatgentitle"
    assert detect_format(keyphrase_zip) == "keyphrase"


def test_arxiv_whitespace_categories_and_empty_abstract(arxiv_file):
    items, bad = _split(read_items(arxiv_file))
    assert len(items) == 12 and len(bad) == 1
    assert "empty abstract" in bad[0].error and str(arxiv_file) in bad[0].error
    first = items[0]
    assert first.title == "A title number 1"  # the snapshot's hard wraps collapsed
    assert first.abstract.startswith("We study problem 1 with method 1.")
    assert first.categories == ["math.CO"] and first.primary_archive == "math"


def test_challenge_csv_keywords_and_empty_abstract(challenge_csv):
    items, bad = _split(read_items(challenge_csv))
    assert [i.id for i in items] == ["0", "2"]
    assert items[0].keywords == ["Flow cytometry", "ROS", "Leukemia"]  # PubMed "A; B; C."
    assert items[0].authors == "Mustafa, A; Ashry, R"
    assert len(bad) == 1 and "empty abstract" in bad[0].error and ":3" in bad[0].where


def test_csv_without_the_needed_column_is_a_clear_error(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("uuid,title\n0,T\n", encoding="utf-8")
    with pytest.raises(InputError, match="no 'abstract' column"):
        list(read_items(p))


def test_chatgentitle_dedups_repeats_and_keeps_papers_together(chatgentitle_dir):
    items, bad = _split(read_items(chatgentitle_dir))
    assert not bad
    assert len(items) == 5  # 4 + (2 repeats dropped) + 1 new title for an old abstract
    other = next(i for i in items if i.title == "Other.")
    orig = next(i for i in items if i.abstract == other.abstract and i.title != "Other.")
    assert other.paper_id == orig.paper_id and other.id != orig.id


def test_keyphrase_zip(keyphrase_zip):
    items, bad = _split(read_items(keyphrase_zip))
    assert [i.id for i in items] == ["1", "2"]
    assert items[0].title == "Neural pruning" and items[0].abstract == "We prune neural networks."
    assert items[0].keywords == ["neural networks", "pruning"]
    assert len(bad) == 1 and "keys/3.key" in bad[0].error


def test_split_keywords():
    assert split_keywords("A; B; C.") == ["A", "B", "C"]
    assert split_keywords("a, b") == ["a", "b"]
    assert split_keywords("") == []


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_items(tmp_path / "nope.json"))
    (tmp_path / "x.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="cannot tell the format"):
        list(read_items(tmp_path / "x.txt"))
