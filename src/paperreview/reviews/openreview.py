"""OpenReview access through openreview-py, for API v1 venues (ICLR up to 2023) and API v2 ones.

``Api`` hides the differences between the two APIs behind five calls the fetcher needs: the
submission invitation, a page of submissions with their replies, a reply form's field order,
a note's PDF revisions, and a PDF download. Every call goes through ``Caller``: a rate limit
(requests per second), and retries with exponential backoff on 429/5xx and connection errors
(openreview-py's own urllib3 retries come first; ours catch what gets through them).

Endpoints used (all public, no login needed for public venues):
v1 ``GET /groups /notes /invitations /references /pdf /references/pdf`` at api.openreview.net;
v2 ``GET /groups /notes /invitations /notes/edits /pdf /notes/edits/attachment`` at
api2.openreview.net. Credentials, when a venue needs them, come from openreview-py's own
environment variables ``OPENREVIEW_USERNAME`` / ``OPENREVIEW_PASSWORD``.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from typing import Any

from ..errors import BackendError, InputError
from .convert import iso_date, note_dict

V1_URL = "https://api.openreview.net"
V2_URL = "https://api2.openreview.net"
TRANSIENT = {408, 425, 429, 500, 502, 503, 504}


def error_status(exc: BaseException) -> int | None:
    """HTTP status of an openreview-py error (its args[0] is the API's JSON error body)."""
    body = exc.args[0] if exc.args else None
    if isinstance(body, dict):
        status = body.get("status")
        if isinstance(status, int):
            return status
        name = str(body.get("name", ""))
        return {"NotFoundError": 404, "ForbiddenError": 403, "RateLimitError": 429,
                "AuthenticationError": 401}.get(name)
    return None


def is_transient(exc: BaseException) -> bool:
    import requests

    if isinstance(exc, requests.exceptions.ConnectionError | requests.exceptions.Timeout):
        return True
    return error_status(exc) in TRANSIENT


class Caller:
    """Rate-limited calls with retries. ``sleep``/``clock`` are injectable so tests run fast."""

    def __init__(self, rps: float = 2.0, max_retries: int = 5, backoff: float = 2.0,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.interval = 1.0 / rps if rps > 0 else 0.0
        self.max_retries, self.backoff = max_retries, backoff
        self.sleep, self.clock = sleep, clock
        self._next = 0.0
        self.calls = self.retries = 0

    def __call__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        for attempt in range(self.max_retries + 1):
            wait = self._next - self.clock()
            if wait > 0:
                self.sleep(wait)
            self._next = self.clock() + self.interval
            self.calls += 1
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                if not is_transient(exc) or attempt == self.max_retries:
                    raise
                self.retries += 1
                # exponential backoff with jitter: 2, 4, 8... seconds (x0.5-1.5)
                self.sleep(self.backoff * (2 ** attempt) * (0.5 + random.random()))
        raise AssertionError("unreachable")


def field_order(invitation: Any) -> dict[str, float]:
    """{field: order} from a reply invitation (v2: ``edit.note.content``; v1: ``reply.content``)."""
    edit = getattr(invitation, "edit", None)
    if isinstance(edit, dict):
        content = (edit.get("note") or {}).get("content") or {}
    else:
        content = (getattr(invitation, "reply", None) or {}).get("content") or {}
    out = {}
    for key, spec in content.items():
        if isinstance(spec, dict) and isinstance(spec.get("order"), int | float):
            out[key] = float(spec["order"])
    return out


class Api:
    """One venue on one API version. Build with :func:`connect`."""

    version = 0

    def __init__(self, client: Any, venue: str, caller: Caller):
        self.client, self.venue, self.call = client, venue, caller
        self.invitation = ""

    def page(self, offset: int, limit: int, details: str) -> tuple[list[dict[str, Any]], int | None]:
        """Submissions ``offset..offset+limit`` (sorted by number) with replies; total on page 0."""
        kw: dict[str, Any] = {"invitation": self.invitation, "details": details, "limit": limit,
                              "sort": "number:asc"}
        if offset:
            return [note_dict(n) for n in self.call(self.client.get_notes, offset=offset, **kw)], None
        try:
            got = self.call(self.client.get_notes, with_count=True, **kw)
        except KeyError:  # a response without "count": the total is only for the progress bar
            got = self.call(self.client.get_notes, **kw)
        notes, count = got if isinstance(got, tuple) else (got, None)
        return [note_dict(n) for n in notes], count

    def order(self, invitation_id: str) -> dict[str, float]:
        return field_order(self.call(self.client.get_invitation, invitation_id))

    def latest_pdf(self, note: dict[str, Any]) -> bytes:
        return self.call(self.client.get_pdf, note["id"])


class ApiV2(Api):
    version = 2

    def revisions(self, note: dict[str, Any]) -> list[dict[str, Any]]:
        """The note's edits that set a PDF, oldest first."""
        edits = self.call(self.client.get_note_edits, note_id=note["id"], sort="tcdate:asc")
        out = []
        for e in edits:
            content = (getattr(e.note, "content", None) or {}) if e.note is not None else {}
            pdf = (content.get("pdf") or {}).get("value") if isinstance(content.get("pdf"), dict) \
                else None
            if pdf:
                out.append({"id": e.id, "kind": "edit", "date": iso_date(e.tcdate or e.cdate),
                            "pdf": pdf, "invitations": _edit_invitations(e)})
        return out

    def revision_pdf(self, revision: dict[str, Any]) -> bytes:
        # openreview.net serves an edit's attachment at /notes/edits/attachment?id=<edit>&name=pdf
        return self.call(_get_binary, self.client, "/notes/edits/attachment",
                         {"id": revision["id"], "name": "pdf"})


def _edit_invitations(edit: Any) -> list[str]:
    """A note edit names its invitation in ``invitation`` (a string); ``invitations`` is a list."""
    if edit.invitations:
        return list(edit.invitations)
    return [edit.invitation] if isinstance(edit.invitation, str) else []


class ApiV1(Api):
    version = 1

    def revisions(self, note: dict[str, Any]) -> list[dict[str, Any]]:
        """v1 keeps revisions as references of the original (non-blind) note, oldest first."""
        refs = self.call(self.client.get_references, referent=note.get("original") or note["id"],
                         original=True, limit=1000)
        out = []
        for r in sorted(refs, key=lambda r: r.tcdate or r.cdate or 0):
            pdf = (r.content or {}).get("pdf")
            if pdf:
                out.append({"id": r.id, "kind": "reference", "date": iso_date(r.tcdate or r.cdate),
                            "pdf": pdf, "invitation": r.invitation})
        return out

    def revision_pdf(self, revision: dict[str, Any]) -> bytes:
        return self.call(self.client.get_pdf, revision["id"], is_reference=True)


def _get_binary(client: Any, path: str, params: dict[str, Any]) -> bytes:
    from openreview import OpenReviewException

    resp = client.session.get(client.baseurl + path, params=params, headers=client.headers)
    if resp.status_code >= 400:
        raise OpenReviewException({"name": "Error", "status": resp.status_code,
                                   "message": f"GET {path} -> HTTP {resp.status_code}"})
    return resp.content


def make_clients(baseurl_v1: str = V1_URL, baseurl_v2: str = V2_URL) -> tuple[Any, Any]:
    """(v1 client, v2 client) from openreview-py; anonymous unless its env vars hold a login."""
    import openreview

    return openreview.Client(baseurl=baseurl_v1), openreview.api.OpenReviewClient(baseurl=baseurl_v2)


def connect(venue: str, client_v1: Any, client_v2: Any, caller: Caller, api: str = "auto") -> Api:
    """Find the venue's API version and submission invitation (v2 first, then v1)."""
    if api in ("auto", "2"):
        group = _group(client_v2, venue, caller)
        if group is not None and (getattr(group, "domain", None) or api == "2"):
            a = ApiV2(client_v2, venue, caller)
            content = getattr(group, "content", None) or {}
            sub_id = (content.get("submission_id") or {}).get("value")
            name = (content.get("submission_name") or {}).get("value") or "Submission"
            a.invitation = sub_id or f"{venue}/-/{name}"
            return a
    if api in ("auto", "1"):
        a = ApiV1(client_v1, venue, caller)
        for name in ("Blind_Submission", "Submission", "submission"):
            a.invitation = f"{venue}/-/{name}"
            try:
                if caller(client_v1.get_notes, invitation=a.invitation, limit=1):
                    return a
            except Exception as exc:
                if error_status(exc) in (401, 403):
                    raise BackendError(f"OpenReview refused access to '{venue}' ({exc})",
                                       "set OPENREVIEW_USERNAME and OPENREVIEW_PASSWORD") from None
                if not _not_found(exc):
                    raise
    raise InputError(f"OpenReview venue '{venue}' not found or has no public submissions "
                     f"(API {'v1 and v2' if api == 'auto' else 'v' + api})",
                     "check the venue id as shown in the OpenReview URL, e.g. ICLR.cc/2024/Conference")


def _group(client: Any, venue: str, caller: Caller) -> Any | None:
    try:
        return caller(client.get_group, venue)
    except IndexError:  # openreview-py reads groups[0]: an empty answer is "no such group" too
        return None
    except Exception as exc:
        status = error_status(exc)
        if _not_found(exc):
            return None
        if status in (401, 403):
            raise BackendError(f"OpenReview refused access to '{venue}' ({exc})",
                               "set OPENREVIEW_USERNAME and OPENREVIEW_PASSWORD") from None
        raise


def _not_found(exc: BaseException) -> bool:
    return error_status(exc) == 404 or bool(re.search(r"not ?found", str(exc), re.IGNORECASE))
