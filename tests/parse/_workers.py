"""Batch-worker functions for crash-isolation tests (sent to worker processes by name)."""

from __future__ import annotations

import os
import time

from paperreview.parse.batch import parse_to_file


def crash_on_marker(pdf: str, out: str, fmt: str, max_pages: int) -> dict:
    """Like parse_to_file, but the process dies hard (as a MuPDF segfault would) on 'crash'."""
    if "crash" in os.path.basename(pdf):
        os.abort()
    return parse_to_file(pdf, out, fmt, max_pages)


def hang_on_marker(pdf: str, out: str, fmt: str, max_pages: int) -> dict:
    if "hang" in os.path.basename(pdf):
        time.sleep(60)
    return parse_to_file(pdf, out, fmt, max_pages)
