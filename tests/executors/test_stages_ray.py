"""`evaluate perturb make` and the offline `review` of a PDF directory with `--executor ray`: the
same files and records as the local run (same --seed, same copies byte for byte)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from tests.review.test_cli import run_cli

pytest.importorskip("ray", reason="the scale extra is not installed: pip install 'paperreview[scale]'")

RESULTS = ("Our reviewer reaches 71.3% accuracy against 64.2% for the prompted baseline, a "
           "statistically significant gain, and the error rate decreases as more papers are "
           "added. Table 1 lists the scores; recall improves from 0.41 to 0.58 with more data.")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    from paperreview.parse.sample import SAMPLE_SPEC, write_paper_pdf

    d = tmp_path_factory.mktemp("pdfs")
    for i in range(3):
        spec = replace(SAMPLE_SPEC, title=f"Paper {i} on reviews", two_column=i != 1,
                       sections=[*SAMPLE_SPEC.sections[:5], ("Results", RESULTS),
                                 *SAMPLE_SPEC.sections[5:]])
        write_paper_pdf(str(d / f"paper{i}.pdf"), spec)
    (d / "broken.pdf").write_bytes(b"%PDF-1.4 nothing else")
    return d


def _lines(path):
    return path.read_text().splitlines()


@pytest.mark.slow
def test_perturb_make_on_ray_writes_the_local_copies(pdfs, tmp_path, capsys, ray_session):
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    make = ["evaluate", "perturb", "make", pdfs, "--per-paper", "2", "--errors-per-copy", "2",
            "--seed", "7"]
    assert run_cli([*make, "-o", local], capsys)[0] == 1  # the broken PDF
    assert run_cli([*make, "-o", on_ray, "--executor", "ray", "--shards", "3"], capsys)[0] == 1
    manifest = _lines(local / "manifest.jsonl")
    assert len(manifest) >= 6 and _lines(on_ray / "manifest.jsonl") == manifest
    assert _lines(on_ray / "copies.jsonl") == _lines(local / "copies.jsonl")
    copies = sorted(p.name for p in (local / "copies").glob("*.pdf"))
    assert len(copies) == 6 and sorted(p.name for p in (on_ray / "copies").glob("*.pdf")) == copies
    for name in copies:  # same seed, same bytes, whichever worker wrote the copy
        assert (on_ray / "copies" / name).read_bytes() == (local / "copies" / name).read_bytes()
    summary = {k: v for k, v in json.loads((local / "summary.json").read_text()).items()
               if k in ("ok", "failed", "skipped", "reasons")}
    assert summary["failed"] == 1
    ray_summary = json.loads((on_ray / "summary.json").read_text())
    assert {k: ray_summary[k] for k in summary} == summary
    assert len(list((on_ray / "shards").glob("*.done"))) == 3
    # another seed plants other errors: the seed, not the worker, decides
    assert run_cli([*make[:-1], "8", "-o", tmp_path / "seed8"], capsys)[0] == 1
    assert _lines(tmp_path / "seed8" / "manifest.jsonl") != manifest


@pytest.mark.slow
def test_offline_review_of_a_pdf_dir_on_ray_writes_the_local_records(pdfs, tmp_path, capsys,
                                                                     ray_session):
    local, on_ray = tmp_path / "local.jsonl", tmp_path / "ray.jsonl"
    assert run_cli(["review", pdfs, "-o", local], capsys)[0] == 1  # the broken PDF
    code, _, err = run_cli(["review", pdfs, "-o", on_ray, "--executor", "ray", "--shards", "2"],
                           capsys)
    assert code == 1, err
    rows = [json.loads(x) for x in _lines(local)]
    assert [r["status"] for r in rows] == ["failed", "skipped", "skipped", "skipped"]
    assert any(c["source"] == "checklist" for c in rows[1]["comments"])
    assert _lines(on_ray) == _lines(local)
    assert len(list((tmp_path / "ray.jsonl.shards" / "shards").glob("*.done"))) == 2
    # a rerun skips what is in the output and retries the failed PDF, as the local batch does
    assert run_cli(["review", pdfs, "-o", on_ray, "--executor", "ray"], capsys)[0] == 1
    again = _lines(on_ray)
    assert again[:4] == _lines(local) and len(again) == 5
    assert json.loads(again[4])["source"] == str(pdfs / "broken.pdf")


def test_executor_flags_are_usage_errors_where_they_do_not_apply(pdfs, tmp_path, capsys):
    code, _, err = run_cli(["review", pdfs, "-o", tmp_path / "r.jsonl", "--shards", "2"], capsys)
    assert code == 2 and "--executor ray" in err
    code, _, err = run_cli(["review", pdfs, "-o", tmp_path / "r.jsonl", "--executor", "ray",
                            "--base-url", "http://127.0.0.1:9/v1", "--model", "m"], capsys)
    assert code == 2 and "rate limits" in err
    code, _, err = run_cli(["evaluate", "perturb", "make", pdfs, "-o", tmp_path / "p",
                            "--executor", "ray", "--model", "m", "--base-url",
                            "http://127.0.0.1:9/v1"], capsys)
    assert code == 2 and "rule generators" in err
    assert not (tmp_path / "p").exists()
    for cmd in (["parse", pdfs, "-o", tmp_path / "parsed"],
                ["check", pdfs, "-o", tmp_path / "c.jsonl"]):
        code, _, err = run_cli([*cmd, "--ray-address", "ray://nowhere:10001"], capsys)
        assert code == 2 and "--executor ray" in err, cmd


def _as_paths(text: str) -> str:
    """A run's output with its file:// URLs read as the local paths they name."""
    return text.replace("file://", "")


@pytest.mark.slow
def test_url_inputs_give_the_records_of_their_files(pdfs, tmp_path, capsys, ray_session):
    """check, offline review and perturb make read fsspec URLs (here file://) on the executor:
    the records of the local paths, naming the URL; an object that cannot be read is a failed
    row; without --executor ray a URL is a usage error."""
    url = f"file://{pdfs}"
    for cmd in (["check", url, "-o", tmp_path / "x.jsonl"], ["review", url, "-o", tmp_path / "x.jsonl"],
                ["evaluate", "perturb", "make", url, "-o", tmp_path / "x"]):
        code, _, err = run_cli(cmd, capsys)
        assert code == 2 and "a URL input needs --executor ray" in err, (cmd, err)
    ray = ["--executor", "ray", "--shards", "2"]

    def check_rows(path):
        rows = [json.loads(x) for x in _lines(path)]
        for r in rows:
            r["metadata"].pop("seconds", None)
        return rows

    assert run_cli(["check", pdfs, "-o", tmp_path / "c-path.jsonl"], capsys)[0] == 1
    assert run_cli(["check", url, f"{url}/missing.pdf", "-o", tmp_path / "c-url.jsonl", *ray],
                   capsys)[0] == 1
    by_path, by_url = check_rows(tmp_path / "c-path.jsonl"), check_rows(tmp_path / "c-url.jsonl")
    assert [r["source"] for r in by_url[:4]] == [f"file://{r['source']}" for r in by_path]
    assert json.loads(_as_paths(json.dumps(by_url[:4]))) == by_path
    assert by_url[4]["status"] == "failed" and "cannot read it" in by_url[4]["error"]

    assert run_cli(["review", pdfs, "-o", tmp_path / "r-path.jsonl"], capsys)[0] == 1
    assert run_cli(["review", url, "-o", tmp_path / "r-url.jsonl", *ray], capsys)[0] == 1
    assert _as_paths((tmp_path / "r-url.jsonl").read_text()) == (
        tmp_path / "r-path.jsonl").read_text()

    make = ["evaluate", "perturb", "make", "--per-paper", "1", "--seed", "3"]
    assert run_cli([*make, pdfs, "-o", tmp_path / "p-path", *ray], capsys)[0] == 1
    assert run_cli([*make, url, "-o", tmp_path / "p-url", *ray], capsys)[0] == 1
    for name in ("manifest.jsonl", "copies.jsonl"):
        assert _as_paths((tmp_path / "p-url" / name).read_text()).replace(
            str(tmp_path / "p-url"), str(tmp_path / "p-path")) == (tmp_path / "p-path" / name).read_text()
    copies = sorted((tmp_path / "p-path" / "copies").glob("*.pdf"))
    assert copies and [(tmp_path / "p-url" / "copies" / c.name).read_bytes() for c in copies] == [
        c.read_bytes() for c in copies]
