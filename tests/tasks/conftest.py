"""Small inline sources in every format the paper tasks read, and the shared paper-task data."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tests.conftest import SHARED

TASKS_DATA = SHARED / "paper-tasks"


@pytest.fixture
def tasks_data() -> Path:
    if not TASKS_DATA.exists():
        pytest.skip(f"paper-task data not found at {TASKS_DATA} (tests read ../shared/data)")
    return TASKS_DATA


ARCHIVES = ["q-bio.NC", "math.CO", "cs.LG", "math.AP", "q-bio.GN cs.LG", "hep-th"]


def arxiv_line(i: int, cats: str, abstract: str | None = None) -> str:
    return json.dumps({"id": f"0704.{i:04d}", "submitter": "A", "authors": "A. Author, B. Author",
                       "title": f"A title\n  number {i}", "comments": None, "categories": cats,
                       "abstract": abstract if abstract is not None else
                       f"  We study problem {i} with\nmethod {i}. It works.\n",
                       "versions": [], "update_date": "2021-01-01", "authors_parsed": []})


@pytest.fixture
def arxiv_file(tmp_path) -> Path:
    p = tmp_path / "arxiv-metadata-oai-snapshot.json"
    lines = [arxiv_line(i, ARCHIVES[i % len(ARCHIVES)]) for i in range(1, 13)]
    lines.insert(3, arxiv_line(99, "cs.AI", abstract="   "))  # an empty abstract
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


@pytest.fixture
def challenge_csv(tmp_path) -> Path:
    p = tmp_path / "test.csv"
    p.write_text(
        "uuid,title,author,abstract,Keywords\n"
        '0,Flow cytometry of ROS,"Mustafa, A; Ashry, R","Reactive oxygen species are induced by '
        'drugs. We measure ROS by flow cytometry.",Flow cytometry; ROS; Leukemia.\n'
        "1,Empty one,B C,,A; B\n"
        '2,Graph pruning,"D E","We prune graph neural networks for speed.","graph neural '
        'networks; pruning"\n', encoding="utf-8")
    return p


@pytest.fixture
def chatgentitle_dir(tmp_path) -> Path:
    d = tmp_path / "cgt"
    d.mkdir()
    ins = "If you are an expert in writing papers, please generate a good paper title."
    rows = [{"instruction": ins, "input": f"We propose method {i} for vision.", "output":
             f"Method {i} for Vision."} for i in range(4)]
    (d / "2023-03-28.json").write_text(json.dumps(rows), encoding="utf-8")
    (d / "2023-03-29.json").write_text(json.dumps(rows[2:] + [rows[0] | {"output": "Other."}]),
                                       encoding="utf-8")
    return d


@pytest.fixture
def keyphrase_zip(tmp_path) -> Path:
    p = tmp_path / "Inspec.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("Inspec/docsutf8/1.txt", "Neural pruning\n\tWe prune neural networks.\n")
        z.writestr("Inspec/keys/1.key", "neural networks\r\n\tpruning\n")
        z.writestr("Inspec/docsutf8/2.txt", "Graph search\nFast graph search methods.\n")
        z.writestr("Inspec/keys/2.key", "graph search\n")
        z.writestr("Inspec/docsutf8/3.txt", "No keys\nA document without keys.\n")
    return p
