"""Small helpers shared by the reviews tests."""

from __future__ import annotations

from paperreview.cli import main


def run_cli(args: list[str]) -> int:
    """Run ``paperreview ARGS`` in-process; return its exit code (0 when it returns normally)."""
    try:
        main(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    return 0
