"""``paperreview reviews fetch``: one OpenReview venue -> ``submissions.jsonl`` (+ PDFs).

Writes in ``out_dir``:

* ``submissions.jsonl``: one ``Submission`` per forum, appended (flushed) as each is done
* ``pdfs.jsonl``: one line per PDF attempt: ``{id, status, path, revision, sha256, error}``
* ``pdfs/<forum>.pdf``: the revision the reviewers read (``--pdf first``, see
  :func:`reviewed_revision`) or the latest
* ``raw/<offset>.json``: full pages of raw notes as returned by the API (re-used on rerun)
* ``invitations.json``: field order of each reply form; ``failures.jsonl``; ``summary.json``;
  ``config.json`` (the resolved config)

A rerun skips forums already in ``submissions.jsonl`` and PDFs already ``ok`` (same ``--pdf``) in ``pdfs.jsonl``.

>>> cfg = FetchConfig(venue="ICLR.cc/2024/Conference", out_dir="runs/iclr24", pdf="first")
>>> fetch_venue(cfg).print()  # doctest: +SKIP
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from ..config import StageConfig, save_resolved
from ..errors import BackendError, PaperReviewError
from ..io import JsonlWriter, atomic_write_json, done_ids, file_sha256, read_jsonl
from ..stage import Summary, progress, timed
from .classify import classify_invitations
from .convert import Orders, convert_note, family, invitations_of, iso_date
from .openreview import V1_URL, V2_URL, Api, Caller, connect, make_clients


class FetchConfig(StageConfig):
    venue: str
    out_dir: str
    pdf: Literal["first", "latest", "none"] = "none"
    limit: int | None = None  # at most this many submissions (the first ones by number)
    api: Literal["auto", "1", "2"] = "auto"
    baseurl_v1: str = V1_URL
    baseurl_v2: str = V2_URL
    rps: float = 2.0  # requests per second, all endpoints together
    max_retries: int = 5
    backoff: float = 2.0  # seconds before the first retry; doubles each time
    page_size: int = 200  # submissions per /notes request (with all their replies)
    # which replies come with each submission: "auto" = "replies" (all) on API v2 and
    # "directReplies" on v1 (what OpenReview documents for v1; replies to replies are missed)
    details: Literal["auto", "replies", "directReplies"] = "auto"
    revisions: bool | None = None  # record revisions; default: only when --pdf first needs them
    progress: bool | None = None  # None: show a bar when stderr is a terminal
    # a pydantic field (copied per instance) that config.resolve_config reads: not shared state
    env_vars: dict[str, str] = {"baseurl_v1": "OPENREVIEW_API_BASEURL",  # noqa: RUF012
                                "baseurl_v2": "OPENREVIEW_API_BASEURL_V2"}


def fetch_venue(config: FetchConfig, client_v1: Any = None, client_v2: Any = None,
                caller: Caller | None = None) -> Summary:
    """Fetch ``config.venue`` into ``config.out_dir``; returns the run summary (counts by reason)."""
    out = Path(config.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    save_resolved(config, out)
    if client_v1 is None or client_v2 is None:
        made = make_clients(config.baseurl_v1, config.baseurl_v2)
        client_v1, client_v2 = client_v1 or made[0], client_v2 or made[1]
    caller = caller or Caller(config.rps, config.max_retries, config.backoff)
    summary = Summary(stage="reviews fetch")
    with timed(summary), _api_errors(config):
        api = connect(config.venue, client_v1, client_v2, caller, config.api)
        summary.extra.update(api=api.version, invitation=api.invitation)
        run = _Run(config, api, out, summary)
        try:
            for note in progress(run.notes(), total=run.total, desc=f"fetch {config.venue}",
                                 disable=None if config.progress is None else not config.progress):
                run.one(note)
        finally:
            run.close()
    summary.extra.update(requests=caller.calls, retries=caller.retries)
    summary.outputs = {"submissions": str(out / "submissions.jsonl")}
    if config.pdf != "none":
        summary.outputs["pdfs"] = str(out / "pdfs")
    summary.write(out / "summary.json")
    return summary


@contextmanager
def _api_errors(config: FetchConfig) -> Iterator[None]:
    """A listing request that still fails after the retries stops the run with a clear error;
    everything already written stays, and a rerun resumes from it."""
    try:
        yield
    except PaperReviewError:
        raise
    except Exception as exc:
        if not _is_api_error(exc):
            raise
        raise BackendError(
            f"OpenReview request failed ({type(exc).__name__}: {str(exc)[:300]})",
            f"check the network and the API URLs ({config.baseurl_v2}, {config.baseurl_v1}); "
            "run the same command again to resume") from exc


def _is_api_error(exc: BaseException) -> bool:
    import requests
    from openreview import OpenReviewException

    return isinstance(exc, requests.exceptions.RequestException | OpenReviewException)


def _drop_cut_last_line(path: Path) -> None:
    """A run killed mid-write leaves a cut last line: remove it (its forum is fetched again)
    so that appending does not leave a broken line in the middle of the file."""
    if not path.exists() or path.stat().st_size == 0:
        return
    data = path.read_bytes()
    if not data.endswith(b"\n"):
        with path.open("r+b") as fh:
            fh.truncate(data.rfind(b"\n") + 1)


def _pdfs_done(path: Path, which: str) -> set[str]:
    """Forums whose ``which`` PDF (first | latest) is already downloaded."""
    if not path.exists():
        return set()
    return {str(r["id"]) for r in read_jsonl(path, skip_bad=True)
            if r.get("status") == "ok" and r.get("which") == which and "id" in r}


def reviewed_revision(revisions: list[dict[str, Any]] | None, note: dict[str, Any]
                      ) -> dict[str, Any] | None:
    """The PDF revision the reviewers read: the last one dated at or before the first review
    (authors may upload several PDFs before the deadline; later ones are rebuttal or camera-ready
    revisions), else the oldest. ``revisions`` are oldest first; None if there are none."""
    if not revisions:
        return None
    details = note.get("details") or {}
    replies = details.get("replies") or details.get("directReplies") or []
    dates = [iso_date(r.get("cdate") or r.get("tcdate")) for r in replies
             if classify_invitations(invitations_of(r), r.get("signatures"))[0] == "review"]
    first_review = min((d for d in dates if d), default=None)
    before = [r for r in revisions if first_review and r.get("date") and r["date"] <= first_review]
    return before[-1] if before else revisions[0]


class _Run:
    def __init__(self, config: FetchConfig, api: Api, out: Path, summary: Summary):
        self.cfg, self.api, self.out, self.summary = config, api, out, summary
        for name in ("submissions.jsonl", "pdfs.jsonl", "failures.jsonl"):
            _drop_cut_last_line(out / name)
        self.done = done_ids(out / "submissions.jsonl", statuses=None)
        self.pdf_done = _pdfs_done(out / "pdfs.jsonl", config.pdf)
        self.orders_path = out / "invitations.json"
        self.orders: Orders = (json.loads(self.orders_path.read_text())
                               if self.orders_path.exists() else {})
        self.subs = JsonlWriter(out / "submissions.jsonl")
        self.pdfs = JsonlWriter(out / "pdfs.jsonl")
        self.failures = JsonlWriter(out / "failures.jsonl")
        self.total: int | None = None
        self.details = config.details if config.details != "auto" else \
            ("replies" if api.version == 2 else "directReplies")
        self.want_revisions = config.revisions if config.revisions is not None else config.pdf == "first"

    def notes(self):
        """Raw submission notes, page by page; full pages are cached under raw/."""
        limit, offset = self.cfg.limit, 0
        size = min(self.cfg.page_size, limit) if limit else self.cfg.page_size
        while limit is None or offset < limit:
            cache = self.out / "raw" / f"{offset:07d}.json"
            page = self._cached(cache, size)
            if page is None:
                page, count = self.api.page(offset, size, self.details)
                if count is not None:
                    self.total = min(count, limit) if limit is not None else count
                if len(page) == size:  # a partial last page may still grow: never cached
                    atomic_write_json(cache, page, indent=0)
            yield from page[: None if limit is None else limit - offset]
            if len(page) < size:
                return
            offset += size

    def _cached(self, cache: Path, size: int) -> list[dict[str, Any]] | None:
        """The cached page, if it is a full page of this run's size (an earlier run with another
        --limit or --page-size cached pages of another size: those are fetched again)."""
        if not cache.exists():
            return None
        try:
            page = json.loads(cache.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:  # damaged: fetch it again
            self.failures.write({"id": str(cache), "stage": "cache", "error": str(exc)})
            return None
        if not isinstance(page, list) or len(page) != size:
            return None
        self.summary.extra["cached_pages"] = self.summary.extra.get("cached_pages", 0) + 1
        return page

    def one(self, note: dict[str, Any]) -> None:
        nid = note.get("id") if isinstance(note, dict) else None
        if not nid:
            self._fail(f"#{self.summary.total}", "convert", f"note without an id: {str(note)[:200]}")
            return
        need_sub = nid not in self.done
        need_pdf = self.cfg.pdf != "none" and nid not in self.pdf_done
        if not need_sub and not need_pdf:
            self.summary.count("skipped", "already fetched")
            return
        wants = (self.want_revisions and need_sub) or (need_pdf and self.cfg.pdf == "first")
        revisions = self._revisions(note) if wants else []
        if need_sub:
            try:
                self._load_orders(note)
                sub = convert_note(note, self.cfg.venue, self.orders)
            except (KeyError, TypeError, ValueError) as exc:
                self._fail(nid, "convert", f"malformed note ({type(exc).__name__}: {exc})")
                return
            sub.revisions = revisions or []
            if rev := reviewed_revision(revisions, note):
                sub.metadata["first_revision"] = rev["id"]
            self.subs.write(sub)
            self.done.add(nid)
            self.summary.count("ok", f"api v{self.api.version} submissions")
        if need_pdf:
            self._pdf(note, revisions)

    def _revisions(self, note: dict[str, Any]) -> list[dict[str, Any]] | None:
        try:
            return self.api.revisions(note)
        except Exception as exc:  # noqa: BLE001 (one forum's failure must not stop the venue)
            self.failures.write({"id": note["id"], "stage": "revisions", "error": str(exc)[:500]})
            self.summary.merge_reasons({"failed: revisions unavailable": 1})
            return None

    def _load_orders(self, note: dict[str, Any]) -> None:
        replies = (note.get("details") or {}).get("replies") or \
            (note.get("details") or {}).get("directReplies") or []
        new = False
        for reply in replies:
            kind, inv = classify_invitations(invitations_of(reply), reply.get("signatures"))
            fam = family(inv)
            # only forms whose text we build from several fields need their order
            if kind in ("review", "meta_review", "decision") and fam not in self.orders:
                try:
                    self.orders[fam] = self.api.order(inv)
                except Exception as exc:  # noqa: BLE001 (order is a nicety: use arrival order)
                    self.orders[fam] = {}
                    self.summary.merge_reasons({"warning: reply form not readable": 1})
                    self.failures.write({"id": inv, "stage": "invitation", "error": str(exc)[:300]})
                new = True
        if new:
            atomic_write_json(self.orders_path, self.orders)

    def _pdf(self, note: dict[str, Any], revisions: list[dict[str, Any]] | None) -> None:
        path = self.out / "pdfs" / f"{note['id']}.pdf"
        rev = reviewed_revision(revisions, note) if self.cfg.pdf == "first" else None
        row: dict[str, Any] = {"id": note["id"], "which": self.cfg.pdf,
                               "revision": rev["id"] if rev else None}
        try:
            if self.cfg.pdf == "first" and revisions is None:
                raise RuntimeError("revisions unavailable, so the first version is unknown")
            data = self.api.revision_pdf(rev) if rev else self.api.latest_pdf(note)
            if not data.startswith(b"%PDF"):
                raise ValueError(f"not a PDF (starts with {data[:16]!r})")
            tmp = path.with_suffix(".pdf.part")
            tmp.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            tmp.replace(path)
        except Exception as exc:  # noqa: BLE001 (recorded as a failed row; the run goes on)
            self.pdfs.write({**row, "status": "failed", "error": str(exc)[:500]})
            self.summary.merge_reasons({"failed: pdf download": 1})
            return
        if self.cfg.pdf == "first" and rev is None:  # no PDF revision visible: say so
            row["fallback"] = "latest PDF: the note has no PDF revisions we can read"
            self.summary.merge_reasons({"warning: no revisions, latest PDF saved": 1})
        self.pdfs.write({**row, "status": "ok", "path": str(path), "sha256": file_sha256(path)})
        self.summary.extra["pdfs"] = self.summary.extra.get("pdfs", 0) + 1

    def _fail(self, nid: str, stage: str, error: str) -> None:
        self.failures.write({"id": nid, "stage": stage, "error": error})
        self.summary.count("failed", f"{stage}: malformed note")

    def close(self) -> None:
        for w in (self.subs, self.pdfs, self.failures):
            w.close()
