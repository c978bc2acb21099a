"""The commands' help imports nothing heavy; bad configuration is a usage error (exit 2)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from paperreview.cli import main


@pytest.mark.parametrize("argv", [["tasks", "--help"], ["tasks", "run", "--help"],
                                  ["title", "--help"]])
def test_help_imports_no_heavy_library(argv):
    code = ("import sys; from paperreview.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', [m for m in ('torch', 'transformers', 'sklearn', 'yake', 'rouge_score',"
            " 'datasets') if m in sys.modules])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


def test_usage_errors_exit_2(arxiv_file, tmp_path, capsys):
    with pytest.raises(SystemExit) as done:
        main(["tasks", "data", "--task", "classify", "--label", "medical", "--source",
              str(arxiv_file), "-o", str(tmp_path)])
    assert done.value.code == 2 and "unknown label rule" in capsys.readouterr().err
    with pytest.raises(SystemExit) as done:
        main(["tasks", "data", "--task", "title", "--source", str(arxiv_file), "-o",
              str(tmp_path), "--config", str(tmp_path)])
    assert done.value.code == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("uuid,title\n0,T\n", encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["tasks", "baseline", "--task", "keywords", "--source", str(bad), "-o",
              str(tmp_path / "b")])
    assert done.value.code == 2 and "no 'abstract' column" in capsys.readouterr().err
