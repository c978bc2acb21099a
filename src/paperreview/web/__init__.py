"""``paperreview serve``: the review web page and REST API (FastAPI; the ``web`` extra).

Modules: ``app`` (routes, checks, security headers), ``jobs`` (SQLite job store),
``worker`` (threads running jobs), ``reviewer`` (the one call into the review stage),
``commands`` (the CLI). Nothing here is imported by ``paperreview --help``.
"""
