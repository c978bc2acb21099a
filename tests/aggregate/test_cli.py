"""End to end: `paperreview aggregate` on PeerRead submissions against the local server."""

from __future__ import annotations

import json

import pytest

from paperreview.aggregate.bracket import from_bracket
from paperreview.cli import main
from paperreview.io import read_jsonl, write_jsonl
from tests.aggregate.fakes import merging_responder, reviews_in
from tests.helpers.fake_openai import FakeOpenAIServer


@pytest.fixture
def peerread_submissions(peerread_dir, tmp_path):
    from paperreview.reviews.peerread import import_peerread

    path = tmp_path / "subs.jsonl"
    write_jsonl(path, import_peerread(peerread_dir / "data" / "acl_2017" / "dev"))
    return path


def test_aggregate_peerread_end_to_end(peerread_submissions, tmp_path, capsys):
    subs = {s["id"]: s for s in read_jsonl(peerread_submissions)}
    out = tmp_path / "agg"
    with FakeOpenAIServer(rpm=600) as srv:
        srv.responder = merging_responder
        args = [str(peerread_submissions), "-o", str(out), "--template", "seven-aspect",
                "--model", "fake-model", "--base-url", srv.base_url, "--min-merged-tokens", "5"]
        main(["aggregate", *args])  # returns normally: per-item problems are rows, not errors
        # every PeerRead review went into the prompt under its label
        for body in srv.bodies:
            assert len(reviews_in(body)) >= 1
        rows = {r["id"]: r for r in read_jsonl(out / "aggregated.jsonl")}
        assert set(rows) == set(subs)
        for sid, row in rows.items():
            assert row["template"] == "seven-aspect" and row["status"] in ("ok", "skipped")
            assert row["reviewer_ids"] == [r["id"] for r in subs[sid]["reviews"]]
            if row["status"] == "ok":
                assert from_bracket(row["text"], "seven-aspect", strict=True) == {
                    k: [{**p, "raised_by": []} for p in v] for k, v in row["review"].items()}
                for points in row["review"].values():
                    assert all(set(p["raised_by"]) <= set(row["reviewer_ids"]) for p in points)
        summary = json.loads((out / "summary.json").read_text())
        assert summary["total"] == len(subs) and summary["ok"] >= 1
        assert "aggregate:" in capsys.readouterr().err

        # the same command again: nothing new is asked
        calls = len(srv.bodies)
        main(["aggregate", *args])
        assert len(srv.bodies) == calls


def test_cli_without_a_model_says_what_to_do(tmp_path, capsys):
    from tests.aggregate.fakes import inline_submissions

    write_jsonl(tmp_path / "s.jsonl", inline_submissions(2))
    with pytest.raises(SystemExit) as done:
        main(["aggregate", str(tmp_path / "s.jsonl"), "-o", str(tmp_path / "o")])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert "error: no model is configured" in err and "--base-url" in err


def test_cli_rejects_an_unknown_aspect(tmp_path, capsys):
    from tests.aggregate.fakes import inline_submissions

    write_jsonl(tmp_path / "s.jsonl", inline_submissions(2))
    with pytest.raises(SystemExit) as done:
        main(["aggregate", str(tmp_path / "s.jsonl"), "-o", str(tmp_path / "o"),
              "--base-url", "http://127.0.0.1:9/v1", "--require-aspects", "cons"])
    assert done.value.code == 2
    assert "has no aspect 'cons'" in capsys.readouterr().err
