"""``paperreview serve``: the review web page and REST API (FastAPI; the ``web`` extra).

Modules: ``app`` (routes, upload checks, security headers), ``jobs`` (SQLite job store),
``worker`` (the dispatcher and its worker processes), ``reviewer`` (the one call into the review
stage, run inside a worker; the annotated PDF and page images come from
``paperreview.review.annotate``), ``commands`` (the CLI). Nothing here is imported by
``paperreview --help``.
"""
