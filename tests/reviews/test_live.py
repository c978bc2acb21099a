"""Hits the real OpenReview API: runs only with PAPERREVIEW_LIVE=1 (and network access)."""

from __future__ import annotations

import os

import pytest

from paperreview.io import read_records
from paperreview.records import Submission
from paperreview.reviews.fetch import FetchConfig, fetch_venue

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(os.environ.get("PAPERREVIEW_LIVE") != "1",
                       reason="talks to api.openreview.net; set PAPERREVIEW_LIVE=1 to run"),
]


@pytest.mark.parametrize("venue,api", [("ICLR.cc/2024/Conference", 2),
                                       ("ICLR.cc/2019/Conference", 1)])
def test_fetch_real_venue(venue, api, tmp_path):
    summary = fetch_venue(FetchConfig(venue=venue, out_dir=str(tmp_path), limit=2, pdf="first",
                                      page_size=2, rps=1.0))
    assert summary.extra["api"] == api and summary.ok == 2
    subs = list(read_records(tmp_path / "submissions.jsonl", Submission))
    assert all(s.title for s in subs) and any(s.reviews for s in subs)  # #1 may be withdrawn
    assert all(r.rating is not None for s in subs for r in s.reviews)
    assert all(s.revisions for s in subs)
    assert any(tmp_path.joinpath("pdfs").glob("*.pdf"))
