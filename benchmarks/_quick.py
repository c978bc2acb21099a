"""``--quick`` and ``--out PATH``, shared by every benchmark.

``--quick`` runs a smoke version on a few items so that ``tests/benchmarks`` can run every
benchmark in the test suite (no benchmark may rot unnoticed); its figures mean nothing. ``--out``
writes the result JSON elsewhere than ``benchmarks/results/`` (quick runs never overwrite the
published figures).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: items a quick run looks at (papers, submissions, PDFs, ...)
QUICK_ITEMS = 3


def pop_flags(argv: list[str], default_out: Path) -> tuple[bool, Path]:
    """Remove ``--quick`` and ``--out PATH`` from ``argv`` (in place); return (quick, out)."""
    quick = "--quick" in argv
    while "--quick" in argv:
        argv.remove("--quick")
    out = default_out
    if "--out" in argv:
        i = argv.index("--out")
        out = Path(argv[i + 1])
        del argv[i:i + 2]
    return quick, out


def save_result(data: dict, out: str | Path | None, quick: bool, name: str) -> None:
    """Write ``data`` to ``out`` (``--out``) or, for a full run, to
    ``benchmarks/results/NAME.json``; a quick run without ``--out`` writes nothing, so that it
    never overwrites the published figures."""
    if out is None and quick:
        return
    sys.path.insert(0, str(REPO / "src"))
    from paperreview.io import atomic_write_json

    atomic_write_json(out or REPO / "benchmarks" / "results" / f"{name}.json", data)
