"""--related: the arXiv and Semantic Scholar clients against a local fake server (rate limit,
retry on 429, cache so a rerun sends nothing, clear error when unreachable), and the novelty pass
of a progressive review citing the retrieved ids."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from paperreview.errors import BackendError
from paperreview.records import Paper
from paperreview.review.related import Client, HttpCache, find_related, make_client
from tests.helpers.fake_openai import FakeOpenAIServer
from tests.review.test_cli import run_cli, sample_pdf  # noqa: F401 - fixture
from tests.review.test_progressive import responder as progressive_responder

ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <entry><id>http://arxiv.org/abs/1706.03762v7</id><published>2017-06-12T17:57:34Z</published>
    <title>Attention Is All
      You Need</title><summary>The dominant sequence transduction models are based on
      recurrent networks.</summary></entry>
  <entry><id>http://arxiv.org/abs/1810.04805v2</id><published>2018-10-11T00:00:00Z</published>
    <title>BERT</title><summary>We introduce a new language representation model.</summary></entry>
</feed>"""
S2 = {"total": 1, "data": [{"paperId": "abc123", "title": "Graph Pretraining Revisited",
                            "abstract": "We revisit pretraining on graphs.", "year": 2020,
                            "url": "https://www.semanticscholar.org/paper/abc123"}]}


class Fake:
    """arXiv at /api/query, Semantic Scholar at /graph/v1/paper/search; ``fail`` 429s first."""

    def __init__(self, fail: int = 0):
        self.requests: list[dict] = []
        self.fail = fail
        fake = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                u = urlparse(self.path)
                fake.requests.append({"path": u.path, "q": parse_qs(u.query),
                                      "key": self.headers.get("x-api-key")})
                if fake.fail:
                    fake.fail -= 1
                    self.send_response(429)
                    self.send_header("Retry-After", "0")
                    self.end_headers()
                    return
                if u.path == "/api/query":
                    body, ctype = ATOM.encode(), "application/atom+xml"
                elif u.path == "/graph/v1/paper/search":
                    body, ctype = json.dumps(S2).encode(), "application/json"
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fake(monkeypatch):
    f = Fake()
    monkeypatch.setenv("PAPERREVIEW_ARXIV_URL", f"{f.url}/api/query")
    monkeypatch.setenv("PAPERREVIEW_S2_URL", f"{f.url}/graph/v1")
    yield f
    f.close()


PAPER = Paper(id="p", title="Strategies for Pre-training Graph Neural Networks",
              abstract="We pretrain GNNs.")


def test_arxiv_and_s2_parsed_and_cached(fake, tmp_path, monkeypatch):
    monkeypatch.setenv("SEMANTIC_SCHOLAR_API_KEY", "k1")
    works = find_related(PAPER, "arxiv", tmp_path)
    assert [w.id for w in works] == ["arxiv:1706.03762", "arxiv:1810.04805"]
    assert works[0].title == "Attention Is All You Need" and works[0].year == 2017
    assert fake.requests[0]["q"]["search_query"] == [
        "all:Strategies for Pre-training Graph Neural Networks"]
    s2 = find_related(PAPER, "semantic-scholar", tmp_path)
    assert [w.id for w in s2] == ["s2:abc123"] and fake.requests[1]["key"] == "k1"
    n = len(fake.requests)
    assert find_related(PAPER, "arxiv", tmp_path) == works  # journaled: a rerun sends nothing
    assert len(fake.requests) == n


def test_rate_limit_and_retry_on_429(tmp_path):
    f = Fake(fail=1)
    now, sleeps = [100.0], []

    def sleep(s):
        sleeps.append(s)
        now[0] += s

    try:
        c = Client("arxiv", f"{f.url}/api/query", HttpCache(tmp_path / "c.sqlite"), 3.0,
                   clock=lambda: now[0], sleep=sleep)
        c.get("", {"search_query": "all:a"})
        # 429 with Retry-After: 0, then the retry waits out the 3 s interval
        assert len(f.requests) == 2 and sleeps == [0.0, 3.0]
        c.get("", {"search_query": "all:b"})  # right after: waits the interval again
        assert sleeps == [0.0, 3.0, 3.0] and len(f.requests) == 3
    finally:
        f.close()


def test_unreachable_is_a_clear_error(tmp_path, monkeypatch):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("PAPERREVIEW_ARXIV_URL", f"http://127.0.0.1:{port}/api/query")
    c = make_client("arxiv", HttpCache(tmp_path / "c.sqlite"), timeout=2.0, retries=0)
    with pytest.raises(BackendError) as e:
        find_related(PAPER, "arxiv", tmp_path, client=c)
    assert "cannot reach" in e.value.message and "PAPERREVIEW_ARXIV_URL" in e.value.hint


def _novelty(body: dict) -> str:
    last = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
    if "Judge the paper's novelty" in last:
        assert "[arxiv:1706.03762] Attention Is All You Need" in last
        return json.dumps({"comments": [{"category": "novelty", "severity": "moderate",
                                         "text": "Close to [arxiv:1706.03762].",
                                         "quote": "nothing"}]})
    return progressive_responder(body)


def test_review_related_novelty_pass(fake, sample_pdf, tmp_path, capsys):  # noqa: F811
    with FakeOpenAIServer(responder=_novelty) as srv:
        out = tmp_path / "r.json"
        args = ["review", sample_pdf, "--base-url", srv.base_url, "--model", "m",
                "--related", "arxiv", "-o", out, "--run-dir", tmp_path / "llm"]
        code, _, err = run_cli(args, capsys)
        assert code == 0, err
        rec = json.loads(out.read_text())
        assert [w["id"] for w in rec["metadata"]["related"]["works"]][:1] == ["arxiv:1706.03762"]
        assert rec["metadata"]["calls"].get("crosscut", 0) >= 1
        nov = [c for c in rec["comments"] if c["metadata"].get("pass") == "novelty"]
        assert nov and nov[0]["metadata"]["cites"] == ["arxiv:1706.03762"]
        n = len(fake.requests)
        assert run_cli(args, capsys)[0] == 0 and len(fake.requests) == n  # cached
    code, _, err = run_cli(["review", sample_pdf, "--method", "zero-shot", "--related", "arxiv"],
                           capsys)
    assert code == 2 and "--related" in err
