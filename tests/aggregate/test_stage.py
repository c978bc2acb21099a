"""The aggregate stage against the local OpenAI-compatible server: rows, faults, failures, resume."""

from __future__ import annotations

import json

import pytest

from paperreview.aggregate.bracket import to_bracket
from paperreview.aggregate.stage import AggregateConfig, run
from paperreview.aggregate.templates import get_template
from paperreview.errors import ConfigError
from paperreview.io import read_jsonl, write_jsonl
from paperreview.llm import EngineConfig
from tests.aggregate.fakes import inline_submissions, merging_responder, user_prompt
from tests.helpers.fake_openai import FakeOpenAIServer


@pytest.fixture
def server():
    with FakeOpenAIServer() as srv:
        srv.responder = merging_responder
        yield srv


def config(tmp_path, srv, subs=None, **kw) -> AggregateConfig:
    path = tmp_path / "subs.jsonl"
    if not path.exists() or subs is not None:
        write_jsonl(path, subs if subs is not None else inline_submissions())
    engine = EngineConfig(base_url=srv.base_url, model="fake-model", backoff_base=0.01,
                          backoff_max=0.05, cooldown=0.2, concurrency=4,
                          **kw.pop("engine", {}))
    return AggregateConfig(submissions=str(path), out_dir=str(tmp_path / "out"), engine=engine,
                           **kw)


def rows(tmp_path) -> dict[str, dict]:
    out = list(read_jsonl(tmp_path / "out" / "aggregated.jsonl"))
    assert len(out) == len({r["id"] for r in out}), "one row per submission"
    return {r["id"]: r for r in out}


def test_rows_have_review_text_and_provenance(tmp_path, server):
    summary = run(config(tmp_path, server), progress=False)
    assert (summary.ok, summary.skipped, summary.failed) == (3, 1, 0)
    assert summary.reasons == {"skipped: no reviews": 1}
    r = rows(tmp_path)
    t = get_template("four-aspect")
    ok = r["sub0"]
    assert ok["status"] == "ok" and ok["template"] == "four-aspect"
    assert ok["template_version"] == t.version and ok["model"] == "fake-model"
    assert ok["reviewer_ids"] == ["sub0/rev0", "sub0/rev1"] and len(ok["job_key"]) == 32
    assert ok["metadata"]["prompt_version"] == t.prompt_version
    # the point both reviewers made is one point raised by both, with their review ids
    novel = ok["review"]["significance_and_novelty"]
    assert novel == [{"title": "The idea is", "detail": "The idea is novel.",
                      "raised_by": ["sub0/rev0", "sub0/rev1"]}]
    assert ok["review"]["reasons_for_rejection"][0]["raised_by"] == ["sub0/rev0"]
    assert ok["text"] == to_bracket(ok["review"], t, raised_by=False)
    assert ok["text"].startswith("[Significance and novelty]\n<The idea is> The idea is novel.")
    assert r["sub1"]["status"] == "skipped" and r["sub1"]["review"] is None
    # the prompt carries the honesty option and the merge rule
    prompt = user_prompt(server.bodies[0])
    assert "Empty lists are allowed" in prompt and "merged into ONE point" in prompt
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["ok"] == 3
    assert json.loads((tmp_path / "out" / "config.json").read_text())["template"] == "four-aspect"


def test_faults_are_retried_without_duplicates(tmp_path, server):
    server.inject("500", times=2)
    server.inject("malformed")
    server.inject("reset")
    summary = run(config(tmp_path, server), progress=False)
    assert (summary.ok, summary.failed) == (3, 0)
    assert not server.duplicates()


def test_schema_failure_is_a_failed_row_with_raw_text(tmp_path, server):
    def responder(body):
        if "Paper 2" in user_prompt(body):
            return "I think this paper is fine, no JSON today."
        if "Paper 3" in user_prompt(body):
            return json.dumps({"significance_and_novelty": "not a list"})
        return merging_responder(body)

    server.responder = responder
    summary = run(config(tmp_path, server), progress=False)
    assert summary.ok == 1 and summary.failed == 2
    r = rows(tmp_path)
    assert r["sub2"]["status"] == "failed" and r["sub2"]["review"] is None
    assert r["sub2"]["raw"] == "I think this paper is fine, no JSON today."
    assert "schema_validation" in r["sub3"]["error"] and "not a list" in r["sub3"]["raw"]
    assert summary.reasons["failed: invalid_json"] == summary.reasons["failed: schema_validation"]
    # the engine re-asked (max_reasks=2) before giving up on each
    assert sum("Paper 2" in user_prompt(b) for b in server.bodies) == 3
    calls = len(server.bodies)

    # a plain rerun redoes nothing; --retry-failed redoes exactly the failed ones
    run(config(tmp_path, server), progress=False)
    assert len(server.bodies) == calls
    server.responder = merging_responder
    summary = run(config(tmp_path, server, engine={"retry_failed": True}), progress=False)
    assert (summary.ok, summary.failed, summary.skipped) == (3, 0, 1)
    assert len(server.bodies) == calls + 2
    assert rows(tmp_path)["sub3"]["status"] == "ok"


def test_rerun_picks_up_where_it_stopped(tmp_path, server):
    run(config(tmp_path, server, limit=3), progress=False)
    assert set(rows(tmp_path)) == {"sub0", "sub1", "sub2"}
    calls = len(server.bodies)
    # simulate a run killed mid-write: a truncated last line
    with open(tmp_path / "out" / "aggregated.jsonl", "a") as fh:
        fh.write('{"id": "sub3", "stat')
    summary = run(config(tmp_path, server, subs=inline_submissions(6)), progress=False)
    assert set(rows(tmp_path)) == {f"sub{i}" for i in range(6)}
    assert len(server.bodies) == calls + 3  # only sub3..sub5 were asked
    assert summary.extra["resumed"] == 3 and summary.ok == 5


def test_answers_already_paid_for_come_from_the_journal(tmp_path, server):
    run(config(tmp_path, server), progress=False)
    calls = len(server.bodies)
    (tmp_path / "out" / "aggregated.jsonl").unlink()  # rows lost, journal kept
    summary = run(config(tmp_path, server), progress=False)
    assert summary.ok == 3 and len(server.bodies) == calls
    assert all(r["metadata"].get("cached") for r in rows(tmp_path).values() if r["review"])


def test_long_tail_filter_counts_and_refilters_without_calls(tmp_path, server):
    def responder(body):  # sub2 gets a review with no reasons for rejection
        answer = json.loads(merging_responder(body))
        if "Paper 2" in user_prompt(body):
            answer["reasons_for_rejection"] = []
        return json.dumps(answer)

    server.responder = responder
    cfg = config(tmp_path, server, subs=inline_submissions(5),
                 require_aspects=["reasons_for_rejection"])
    summary = run(cfg, progress=False)
    assert summary.ok == 3 and summary.reasons == {
        "skipped: no reviews": 1, "skipped: empty reasons_for_rejection": 1}
    dropped = rows(tmp_path)["sub2"]
    assert dropped["status"] == "skipped" and dropped["review"] is not None
    assert dropped["error"] == "filtered: empty reasons_for_rejection"
    calls = len(server.bodies)

    # new thresholds on the same OUT_DIR: rows are re-judged, nothing is asked again
    summary = run(cfg.model_copy(update={"require_aspects": [], "min_tokens": 1000}),
                  progress=False)
    assert len(server.bodies) == calls
    assert summary.reasons == {"skipped: no reviews": 1, "skipped: too short": 4}
    summary = run(cfg.model_copy(update={"require_aspects": []}), progress=False)
    assert summary.ok == 4 and rows(tmp_path)["sub2"]["error"] is None


def test_bad_submission_line_is_a_failed_row(tmp_path, server):
    subs = [s.to_json() for s in inline_submissions(3)] + [{"id": "broken", "reviews": "x"}]
    subs.append(subs[0])  # a duplicate id: counted, not asked twice
    summary = run(config(tmp_path, server, subs=subs), progress=False)
    assert summary.ok == 2 and summary.reasons["failed: bad input"] == 1
    assert summary.extra["duplicate_ids"] == 1 and len(server.bodies) == 2
    assert "not a valid Submission" in rows(tmp_path)["broken"]["error"]


def test_a_line_that_is_not_json_is_a_failed_row_and_the_run_goes_on(tmp_path, server):
    path = tmp_path / "subs.jsonl"
    write_jsonl(path, inline_submissions(3))
    lines = path.read_text().splitlines()
    lines.insert(1, '{"id": "x", "reviews": [')  # a damaged line in the middle
    path.write_text("\n".join(lines) + '\n{"id": "cut')  # and a last line cut short
    summary = run(config(tmp_path, server), progress=False)
    assert (summary.ok, summary.failed, summary.skipped) == (2, 1, 1)
    bad = rows(tmp_path)[f"{path}:2"]
    assert bad["status"] == "failed" and bad["error"].startswith(f"{path}:2: not valid JSON")
    assert summary.reasons["failed: bad input"] == 1  # the summary names the line
    saved = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert [r["where"] for r in saved["failed_rows"]] == [f"{path}:2"]


def test_unknown_reviewer_labels_are_kept_and_noted(tmp_path, server):
    def responder(body):
        answer = json.loads(merging_responder(body))
        answer["reasons_for_acceptance"].append(
            {"title": "Extra", "detail": "x", "raised_by": ["R9"]})
        return json.dumps(answer)

    server.responder = responder
    run(config(tmp_path, server, subs=inline_submissions(3)), progress=False)
    row = rows(tmp_path)["sub0"]
    assert row["review"]["reasons_for_acceptance"][-1]["raised_by"] == ["R9"]
    assert row["metadata"]["unknown_reviewers"] == ["R9"]


def test_unconfigured_engine_is_a_config_error(tmp_path):
    write_jsonl(tmp_path / "s.jsonl", inline_submissions(2))
    cfg = AggregateConfig(submissions=str(tmp_path / "s.jsonl"), out_dir=str(tmp_path / "o"))
    with pytest.raises(ConfigError, match="no model is configured"):
        run(cfg, progress=False)


def test_batch_api_mode(tmp_path, server):
    summary = run(config(tmp_path, server, engine={"batch_api": True, "batch_poll_interval": 0.05,
                                                   "api_key_env": "FAKE_KEY"}), progress=False)
    assert (summary.ok, summary.skipped) == (3, 1)
    assert not server.bodies  # nothing went through chat completions: all in one batch
    assert rows(tmp_path)["sub0"]["review"]["significance_and_novelty"][0]["raised_by"] == [
        "sub0/rev0", "sub0/rev1"]


def test_an_out_dir_holds_one_template(tmp_path, server):
    run(config(tmp_path, server, subs=inline_submissions(2)), progress=False)
    with pytest.raises(ConfigError, match="template four-aspect@2.0, not sea@1.0"):
        run(config(tmp_path, server, template="sea"), progress=False)


def test_sea_template_end_to_end(tmp_path, server):
    from tests.helpers.fake_openai import default_responder

    server.responder = default_responder  # a schema-valid answer built from the json_schema
    subs = inline_submissions(3)
    subs[0].decision = "accept"
    summary = run(config(tmp_path, server, subs=subs, template="sea"), progress=False)
    assert summary.ok == 2
    row = rows(tmp_path)["sub0"]
    assert row["template"] == "sea" and row["review"]["soundness"] == 1
    assert row["review"]["decision"] == {"decision": "accept", "reasons": "text"}
    assert "\n[Rating]\n1\n[Decision]\naccept\ntext" in row["text"]
    prompt = next(user_prompt(b) for b in server.bodies if "Paper 0" in user_prompt(b))
    assert "final decision on the paper was: accept" in prompt


def test_min_tokens_with_a_tokenizer(tmp_path, server):
    from tests.helpers.tiny_models import train_tokenizer

    train_tokenizer(tmp_path / "tok")
    summary = run(config(tmp_path, server, tokenizer=str(tmp_path / "tok"), min_tokens=60),
                  progress=False)
    # byte-level BPE trained on a tiny corpus cuts words finely: ~90 tokens where the offline
    # count says ~45, so 60 keeps them all only when the tokenizer does the counting
    assert summary.ok == 3
    assert run(config(tmp_path, server, min_tokens=60), progress=False).ok == 0
    summary = run(config(tmp_path, server, tokenizer=str(tmp_path / "tok"), min_tokens=10**6),
                  progress=False)
    assert summary.reasons["skipped: too short"] == 3
