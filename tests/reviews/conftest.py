"""Fixtures for the reviews tests: a local fake OpenReview API and real openreview-py clients."""

from __future__ import annotations

import pytest

from tests.reviews.fake_openreview import FakeOpenReview


@pytest.fixture
def fake_openreview(monkeypatch):
    # openreview-py logs in from these if set: keep the tests anonymous and offline
    for var in ("OPENREVIEW_USERNAME", "OPENREVIEW_PASSWORD", "OPENREVIEW_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    with FakeOpenReview() as srv:
        yield srv


@pytest.fixture
def clients(fake_openreview):
    from paperreview.reviews.openreview import make_clients

    return make_clients(fake_openreview.url("v1"), fake_openreview.url("v2"))
