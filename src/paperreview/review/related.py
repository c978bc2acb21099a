"""Related work for the novelty pass: the arXiv API and the Semantic Scholar Graph API.

``find_related(paper, "arxiv", cache_dir)`` searches with the paper's title (and the first words of
its abstract) and returns the top :class:`RelatedWork` records. Every HTTP request is

- **rate-limited**: at least ``min_interval`` seconds between requests to one service (arXiv asks
  for 3 s, Semantic Scholar allows about 1 request/s without a key);
- **journaled**: the raw response body is written to a SQLite cache (``related.sqlite`` in the LLM
  run dir) *before* it is parsed, keyed by service + URL + parameters, so a rerun or a killed review
  never asks twice and parsing can be redone offline (the LLM journal's resume semantics);
- **retried** on 429 and 5xx (with the server's ``Retry-After`` when given), and an unreachable
  service is a :class:`~paperreview.errors.BackendError` saying which URL and what to do.

Base URLs can be pointed elsewhere (a mirror, or the tests' local fake server) with
``PAPERREVIEW_ARXIV_URL`` and ``PAPERREVIEW_S2_URL``; ``SEMANTIC_SCHOLAR_API_KEY`` is sent as
``x-api-key`` when set.

>>> works = find_related(paper, "arxiv", "runs/llm", limit=5)   # doctest: +SKIP
>>> [w.id for w in works]                                       # doctest: +SKIP
['arxiv:1706.03762', ...]
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from pydantic import BaseModel

from ..errors import BackendError, ConfigError

SOURCES = ("arxiv", "semantic-scholar")
ARXIV_URL = "http://export.arxiv.org/api/query"
S2_URL = "https://api.semanticscholar.org/graph/v1"
INTERVALS = {"arxiv": 3.0, "semantic-scholar": 1.0}  # seconds between requests, per the APIs' terms
ATOM = "{http://www.w3.org/2005/Atom}"


class RelatedWork(BaseModel):
    id: str  # "arxiv:2301.00001" or "s2:<paperId>": what the novelty comments cite
    title: str
    abstract: str = ""
    year: int | None = None
    url: str = ""


class HttpCache:
    """Raw response bodies by key, in SQLite, committed before they are used."""

    def __init__(self, path: str | Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path))
        self.db.execute("CREATE TABLE IF NOT EXISTS http (key TEXT PRIMARY KEY, url TEXT, "
                        "status INTEGER, body TEXT, created REAL)")

    def get(self, key: str) -> str | None:
        row = self.db.execute("SELECT body FROM http WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, url: str, status: int, body: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO http VALUES (?, ?, ?, ?, ?)",
                            (key, url, status, body, time.time()))

    def close(self) -> None:
        self.db.close()


class Client:
    """One service: GET with a rate limit, retries and the cache. ``clock``/``sleep`` injectable."""

    def __init__(self, source: str, base_url: str, cache: HttpCache, min_interval: float,
                 headers: dict[str, str] | None = None, timeout: float = 30.0, retries: int = 3,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.source, self.base_url, self.cache = source, base_url.rstrip("/"), cache
        self.min_interval, self.headers, self.timeout, self.retries = (
            min_interval, headers or {}, timeout, retries)
        self.clock, self.sleep = clock, sleep
        self._last: float | None = None
        self.requests = 0  # sent over the network (cache hits are not counted)

    def get(self, path: str, params: dict[str, Any]) -> str:
        import httpx

        url = f"{self.base_url}{path}"
        key = hashlib.sha256(json.dumps([self.source, url, sorted(params.items())],
                                        default=str).encode()).hexdigest()
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        for attempt in range(self.retries + 1):
            self._wait()
            try:
                r = httpx.get(url, params=params, headers=self.headers, timeout=self.timeout)
            except httpx.HTTPError as exc:
                raise BackendError(f"{self.source}: cannot reach {url} ({exc.__class__.__name__}: "
                                   f"{exc})", _hint(self.source)) from None
            finally:
                self._last = self.clock()
                self.requests += 1
            if r.status_code == 200:
                self.cache.put(key, str(r.url), r.status_code, r.text)
                return r.text
            if r.status_code in (429, 500, 502, 503, 504) and attempt < self.retries:
                wait = _retry_after(r.headers.get("retry-after"), 2.0 * 2 ** attempt)
                self.sleep(wait)
                continue
            raise BackendError(f"{self.source}: {url} answered HTTP {r.status_code}: "
                               f"{r.text[:200]}", _hint(self.source))
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self) -> None:
        if self._last is not None:
            gap = self.min_interval - (self.clock() - self._last)
            if gap > 0:
                self.sleep(gap)


def _retry_after(value: str | None, default: float) -> float:
    try:
        return min(float(value), 60.0) if value else default
    except ValueError:
        return default


def _hint(source: str) -> str:
    env = "PAPERREVIEW_ARXIV_URL" if source == "arxiv" else "PAPERREVIEW_S2_URL"
    return (f"check the network (or point {env} at a reachable mirror), or review without "
            "--related")


def query_of(title: str, abstract: str = "", words: int = 12) -> str:
    """Search words: the title, else the abstract's first words; punctuation dropped."""
    text = title.strip() or " ".join(abstract.split()[:words])
    return " ".join(re.findall(r"[A-Za-z0-9][A-Za-z0-9\-]+", text))[:300]


def parse_arxiv(body: str) -> list[RelatedWork]:
    root = ElementTree.fromstring(body)
    out = []
    for e in root.iter(f"{ATOM}entry"):
        url = (e.findtext(f"{ATOM}id") or "").strip()
        aid = re.sub(r"v\d+$", "", url.rsplit("/abs/", 1)[-1])
        year = (e.findtext(f"{ATOM}published") or "")[:4]
        out.append(RelatedWork(id=f"arxiv:{aid}", title=" ".join((e.findtext(f"{ATOM}title") or "").split()),
                               abstract=" ".join((e.findtext(f"{ATOM}summary") or "").split()),
                               year=int(year) if year.isdigit() else None, url=url))
    return out


def parse_s2(body: str) -> list[RelatedWork]:
    data = json.loads(body).get("data") or []
    return [RelatedWork(id=f"s2:{d.get('paperId')}", title=d.get("title") or "",
                        abstract=d.get("abstract") or "", year=d.get("year"),
                        url=d.get("url") or "") for d in data if d.get("paperId")]


def make_client(source: str, cache: HttpCache, **kw: Any) -> Client:
    if source == "arxiv":
        return Client(source, os.environ.get("PAPERREVIEW_ARXIV_URL", ARXIV_URL), cache,
                      INTERVALS[source], **kw)
    if source == "semantic-scholar":
        key = os.environ.get("SEMANTIC_SCHOLAR_API_KEY")
        return Client(source, os.environ.get("PAPERREVIEW_S2_URL", S2_URL), cache,
                      INTERVALS[source], headers={"x-api-key": key} if key else None, **kw)
    raise ConfigError(f"unknown related-work source {source!r}", f"use one of {', '.join(SOURCES)}")


def search(client: Client, query: str, limit: int) -> list[RelatedWork]:
    if client.source == "arxiv":
        body = client.get("", {"search_query": f"all:{query}", "start": 0,
                               "max_results": limit + 1})
        return parse_arxiv(body)
    body = client.get("/paper/search", {"query": query, "limit": limit + 1,
                                        "fields": "title,abstract,year,url"})
    return parse_s2(body)


def find_related(paper: Any, source: str, cache_dir: str | Path, limit: int = 5,
                 client: Client | None = None) -> list[RelatedWork]:
    """The top ``limit`` works found for ``paper`` (the paper itself, matched by title, left out)."""
    own = client is None
    if client is None:
        client = make_client(source, HttpCache(Path(cache_dir) / "related.sqlite"))
    try:
        works = search(client, query_of(paper.title or "", paper.abstract or ""), limit)
    finally:
        if own:
            client.cache.close()
    same = _norm(paper.title or "")
    return [w for w in works if w.abstract and (not same or _norm(w.title) != same)][:limit]


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())
