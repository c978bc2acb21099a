"""PeerRead import against the real files in ../shared (skipped when absent)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from paperreview.errors import InputError
from paperreview.io import read_records
from paperreview.records import Submission
from paperreview.reviews.peerread import import_peerread
from tests.reviews.util import run_cli


@pytest.fixture(scope="module")
def peerread(request):
    from tests.conftest import SHARED

    root = SHARED / "peerread"
    if not root.exists():
        pytest.skip(f"shared research data not found at {root}")
    stats = Counter()
    subs = list(import_peerread(root, stats))
    return subs, stats


def test_iclr_2017_counts(peerread):
    subs, stats = peerread
    iclr = [s for s in subs if s.metadata["peerread_venue"] == "iclr_2017"]
    assert len(iclr) == 349
    reviews = [r for s in iclr for r in s.reviews]
    assert len(reviews) == 1068 and all(r.rating is not None for r in reviews)
    assert all(1 <= r.rating <= 10 and 1 <= r.confidence <= 5 for r in reviews if r.confidence)
    assert sum(s.decision == "accept" for s in iclr) == 139
    assert sum(s.decision == "reject" for s in iclr) == 210
    # one decision note per paper, typed apart from the reviews; the IS_META_REVIEW copies gone
    assert all(sum(m.kind == "decision" for m in s.meta_reviews) == 1 for s in iclr)
    assert stats["dropped: PeerRead IS_META_REVIEW copy of a review"] == 317
    assert all(len(s.meta_reviews) == 1 for s in iclr)
    kinds = Counter(c.kind for s in iclr for c in s.comments)
    assert kinds["pre_review_question"] > 700 and kinds["author_response"] > 100
    assert sum(kinds.values()) == 2970 - 1068 - 349 - 317
    # reviews are only signed by official reviewers
    assert all("AnonReviewer" in r.signature for r in reviews)
    s304 = next(s for s in iclr if s.metadata["peerread_id"] == "304")
    assert s304.authors == ["Jonathon Cai", "Richard Shin", "Dawn Song"]
    assert s304.reviews[0].date == "2016-12-16" and s304.reviews[0].text.startswith("## Title\n")


def test_acl_2017_string_scores_and_ids(peerread):
    subs, _ = peerread
    acl = [s for s in subs if s.metadata["peerread_venue"] == "acl_2017"]
    assert len(acl) == 14 and all(s.decision is None for s in acl)
    reviews = [r for s in acl for r in s.reviews]
    assert len(reviews) == 27
    assert all(isinstance(r.rating, float) and 1 <= r.rating <= 5 for r in reviews)
    assert all(isinstance(r.fields["recommendation"], str) for r in reviews)  # kept as written
    assert {type(s.metadata["json_id"]) for s in acl} == {int, str}  # PeerRead mixes both
    assert len({s.id for s in subs}) == len(subs)  # ICLR and ACL ids overlap; ours do not


def test_bad_files_are_skipped_and_counted(tmp_path):
    d = tmp_path / "data" / "iclr_2017" / "train" / "reviews"
    d.mkdir(parents=True)
    (d / "1.json").write_text('{"title": "Ok", "reviews": [], "accepted": false, "conference": "x"}')
    (d / "2.json").write_text('{"title": "broken"')
    (d / "3.json").write_text('{"reviews": []}')
    stats, errors = Counter(), []
    subs = list(import_peerread(tmp_path, stats, errors))
    assert [s.id for s in subs] == ["iclr_2017-1"] and subs[0].decision == "reject"
    assert stats["skipped: bad PeerRead file"] == 2
    assert {e["path"].rsplit("/", 1)[1] for e in errors} == {"2.json", "3.json"}
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no PeerRead review files"):
        list(import_peerread(tmp_path / "empty"))
    with pytest.raises(InputError, match="no such directory"):
        list(import_peerread(tmp_path / "missing"))


def test_cli_import_peerread(peerread_dir, tmp_path):
    assert run_cli(["reviews", "import-peerread", str(peerread_dir / "data" / "acl_2017"),
                    "-o", str(tmp_path)]) == 0
    subs = list(read_records(tmp_path / "submissions.jsonl", Submission))
    assert len(subs) == 14
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["ok"] == 14 and summary["skipped"] == 0
    assert json.loads((tmp_path / "config.json").read_text())["out_dir"] == str(tmp_path)
