"""Human reviews: fetch from OpenReview, import PeerRead, filter, and join to parsed papers.

Stages (each reads and writes ``Submission`` JSONL; see docs/reviews.md):

* ``openreview.fetch_venue`` / ``paperreview reviews fetch``: a venue's submissions and replies
* ``peerread.import_peerread`` / ``paperreview reviews import-peerread``: PeerRead ICLR/ACL 2017
* ``filters.filter_submissions`` / ``paperreview reviews filter``: rules, counts by reason
* ``join.join_papers`` / ``paperreview reviews join``: attach ``Paper`` ids, fill titles

``import paperreview.reviews`` stays light: openreview-py is imported only when fetching.
"""

from __future__ import annotations

from .peerread import import_peerread
from .stringify import stringify

__all__ = ["import_peerread", "stringify"]
