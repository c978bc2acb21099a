"""The journal's schema version and migrations: a journal written before versions existed
(tests/llm/fixtures/journal-v0.sqlite, made by the code of that time) opens, is migrated, and
its paid answers are still there; a journal from a newer version is refused."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from paperreview.errors import ConfigError
from paperreview.llm.journal import SCHEMA_VERSION, Journal, load_json_field

FIXTURE = Path(__file__).parent / "fixtures" / "journal-v0.sqlite"


def version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


def test_a_journal_written_before_versions_opens_and_keeps_its_answers(tmp_path):
    path = tmp_path / "journal.sqlite"
    shutil.copy(FIXTURE, path)
    assert version(path) == 0
    j = Journal(path)
    try:
        job = j.job("k1")
        assert job["status"] == "ok" and job["content"] == "hello"
        assert load_json_field(job["parsed"]) == {"a": 1}
        assert [c["raw"] for c in j.answered_calls("k1")] == ['{"choices": []}']
        j.start_job("k2", "p2", "m", {"messages": []})  # and it is writable
    finally:
        j.close()
    assert version(path) == SCHEMA_VERSION >= 1
    Journal(path).close()  # opening again migrates nothing
    assert version(path) == SCHEMA_VERSION


def test_a_new_journal_starts_at_the_current_version(tmp_path):
    Journal(tmp_path / "j.sqlite").close()
    assert version(tmp_path / "j.sqlite") == SCHEMA_VERSION


def test_a_journal_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "j.sqlite"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(ConfigError, match="newer than this paperreview knows"):
        Journal(path)
