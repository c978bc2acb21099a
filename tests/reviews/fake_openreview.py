"""A local HTTP server that answers like api.openreview.net (under /v1) and api2 (under /v2).

It serves the recorded-shape fixtures in ``fixtures/`` so the real openreview-py clients run
against it unchanged: ``openreview.Client(baseurl=srv.url("v1"))`` and
``openreview.api.OpenReviewClient(baseurl=srv.url("v2"))``. ``fail`` queues HTTP error statuses
per path (fault injection); ``log`` records every request as (path, params).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import parse_qs, urlparse

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


class FakeOpenReview:
    def __init__(self):
        self.data = {v: {k: load(f"{v}_{k}.json") for k in ("notes", "groups", "invitations")}
                     for v in ("v1", "v2")}
        self.edits = load("v2_edits.json")
        self.references = load("v1_references.json")
        self.fail: dict[str, list[int]] = {}
        self.log: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self._srv = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._srv.serve_forever, args=(0.05,), daemon=True)

    def url(self, version: str) -> str:
        return f"http://127.0.0.1:{self._srv.server_address[1]}/{version}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._srv.shutdown()
        self._srv.server_close()
        self._thread.join(timeout=5)

    def requests(self, path: str) -> list[dict[str, str]]:
        return [p for q, p in self.log if q == path]

    # ------------------------------------------------------------------ routing
    def route(self, path: str, q: dict[str, str]) -> tuple[int, object]:
        version, _, rest = path.strip("/").partition("/")
        if version not in self.data:
            return 404, {"name": "NotFoundError", "message": path, "status": 404}
        d = self.data[version]
        if rest == "groups":
            found = [g for g in d["groups"]["groups"] if g["id"] == q.get("id")]
            return self._one("groups", found, q)
        if rest == "invitations":
            found = [i for i in d["invitations"]["invitations"] if i["id"] == q.get("id")]
            return self._one("invitations", found, q)
        if rest == "notes":
            notes = [n for n in d["notes"]["notes"]
                     if q.get("invitation") in (None, n.get("invitation"), *(n.get("invitations") or []))]
            offset, limit = int(q.get("offset", 0)), int(q.get("limit", 1000))
            page = [self._details(n, q.get("details")) for n in notes[offset: offset + limit]]
            return 200, {"notes": page, "count": len(notes)}
        if rest == "notes/edits" and version == "v2":
            return 200, self.edits.get(q.get("note.id", ""), {"edits": [], "count": 0})
        if rest == "references" and version == "v1":
            return 200, self.references.get(q.get("referent", ""), {"references": [], "count": 0})
        if rest in ("pdf", "references/pdf", "notes/edits/attachment"):
            return 200, f"%PDF-1.5 {version} {rest} {q.get('id')}".encode()
        return 404, {"name": "NotFoundError", "message": f"no route {path}", "status": 404}

    @staticmethod
    def _details(note: dict, asked: str | None) -> dict:
        """Like the API: ``details`` holds only what was asked for; ``directReplies`` are the
        replies whose ``replyto`` is the forum itself."""
        replies = (note.get("details") or {}).get("replies", [])
        details = {}
        if asked and "directReplies" in asked:
            details["directReplies"] = [r for r in replies if r.get("replyto") == note["id"]]
        if asked and "replies" in asked.replace("directReplies", ""):
            details["replies"] = replies
        return {**note, "details": details} if "details" in note else note

    @staticmethod
    def _one(kind: str, found: list, q: dict[str, str]) -> tuple[int, object]:
        if not found:
            return 404, {"name": "NotFoundError", "message": f"{kind} {q.get('id')} not found",
                         "status": 404}
        return 200, {kind: found}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urlparse(self.path)
                q = {k: v[-1] for k, v in parse_qs(url.query).items()}
                with fake.lock:
                    fake.log.append((url.path, q))
                    queued = fake.fail.get(url.path) or []
                    status = queued.pop(0) if queued else None
                if status:
                    body, code = {"name": "Error", "message": "injected", "status": status}, status
                else:
                    code, body = fake.route(url.path, q)
                raw = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(code)
                ctype = "application/pdf" if isinstance(body, bytes) else "application/json"
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(raw)))
                if code == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):  # keep test output clean
                pass

        return Handler
