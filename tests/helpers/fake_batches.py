"""Files + Batches endpoints for :class:`tests.helpers.fake_openai.FakeOpenAIServer`.

Enough of OpenAI's Batch API to test export -> upload -> create -> poll -> download -> import:
``POST /v1/files`` (multipart), ``GET /v1/files/{id}``, ``GET /v1/files/{id}/content``,
``POST /v1/batches``, ``GET /v1/batches/{id}``, ``POST /v1/batches/{id}/cancel``. A batch is
answered with the server's responder (no rate limits: a separate quota), ``batch_delay`` seconds
after it is created, so a poller sees ``in_progress`` first.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any


class BatchStore:
    def __init__(self, srv: Any, delay: float = 0.0):
        self.srv, self.delay = srv, delay
        self.files: dict[str, dict[str, Any]] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.fail_ids: set[str] = set()   # custom_ids answered with a per-line error
        self.lock = threading.Lock()

    def handle(self, h, method: str, path: str, raw: bytes) -> bool:
        parts = [p for p in path.split("?")[0].split("/") if p][1:]  # drop "v1"
        if method == "POST" and parts == ["files"]:
            h.send_json(200, self._upload(h.headers.get("Content-Type", ""), raw))
        elif method == "GET" and len(parts) == 2 and parts[0] == "files":
            f = self.files.get(parts[1])
            h.send_json(200 if f else 404, {k: v for k, v in f.items() if k != "data"} if f
                        else {"error": {"message": "no such file"}})
        elif method == "GET" and len(parts) == 3 and parts[0] == "files" and parts[2] == "content":
            f = self.files.get(parts[1])
            h.send_json(200 if f else 404, None, raw=f["data"] if f else b"{}")
        elif method == "POST" and parts == ["batches"]:
            h.send_json(200, self._create(json.loads(raw)))
        elif method == "GET" and parts == ["batches"]:
            data = [self._public(b) for b in reversed(list(self.batches.values()))]
            h.send_json(200, {"object": "list", "data": data, "has_more": False,
                              "first_id": data[0]["id"] if data else None,
                              "last_id": data[-1]["id"] if data else None})
        elif method == "GET" and len(parts) == 2 and parts[0] == "batches":
            h.send_json(200, self._status(parts[1]))
        elif method == "POST" and len(parts) == 3 and parts[0] == "batches" and parts[2] == "cancel":
            b = self.batches[parts[1]]
            b["status"] = "cancelled"
            h.send_json(200, b)
        else:
            return False
        return True

    def _file(self, data: bytes, filename: str, purpose: str) -> dict[str, Any]:
        fid = f"file-{uuid.uuid4().hex[:24]}"
        f = {"id": fid, "object": "file", "bytes": len(data), "created_at": int(time.time()),
             "filename": filename, "purpose": purpose, "status": "processed", "data": data}
        with self.lock:
            self.files[fid] = f
        return f

    def _upload(self, content_type: str, raw: bytes) -> dict[str, Any]:
        msg = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
        fields, data, name = {}, b"", "upload.jsonl"
        for part in msg.iter_parts():
            field = part.get_param("name", header="content-disposition")
            if field == "file":
                data, name = part.get_payload(decode=True), part.get_filename() or name
            else:
                fields[field] = part.get_payload(decode=True).decode()
        f = self._file(data, name, fields.get("purpose", "batch"))
        return {k: v for k, v in f.items() if k != "data"}

    def _create(self, req: dict[str, Any]) -> dict[str, Any]:
        bid = f"batch_{uuid.uuid4().hex[:24]}"
        now = int(time.time())
        b = {"id": bid, "object": "batch", "endpoint": req["endpoint"], "errors": None,
             "input_file_id": req["input_file_id"], "completion_window": req["completion_window"],
             "status": "validating", "output_file_id": None, "error_file_id": None,
             "created_at": now, "in_progress_at": None, "expires_at": now + 86400,
             "completed_at": None, "request_counts": {"total": 0, "completed": 0, "failed": 0},
             "metadata": req.get("metadata"), "_ready": time.monotonic() + self.delay}
        with self.lock:
            self.batches[bid] = b
        self.srv.stats["batches_created"] += 1
        return self._public(b)

    @staticmethod
    def _public(b: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in b.items() if not k.startswith("_")}

    def _status(self, bid: str) -> dict[str, Any]:
        b = self.batches[bid]
        if b["status"] == "validating":
            b["status"], b["in_progress_at"] = "in_progress", int(time.time())
        elif b["status"] == "in_progress" and time.monotonic() >= b["_ready"]:
            self._run(b)
        return self._public(b)

    def _run(self, b: dict[str, Any]) -> None:
        from tests.helpers.fake_openai import job_key_of, prompt_tokens

        out, err = [], []
        lines = self.files[b["input_file_id"]]["data"].decode().splitlines()
        for line in filter(None, lines):
            item = json.loads(line)
            cid, body = item["custom_id"], item["body"]
            rid = f"batch_req_{uuid.uuid4().hex[:16]}"
            if cid in self.fail_ids:
                err.append({"id": rid, "custom_id": cid, "response": {
                    "status_code": 400, "request_id": rid, "body": {"error": {
                        "message": "invalid request", "type": "invalid_request_error"}}},
                    "error": None})
                continue
            comp = self.srv.completion(body, self.srv.responder(body),
                                       prompt_tokens(body.get("messages", [])))
            self.srv.bill(cid, comp["usage"])
            key = job_key_of({"X-Paperreview-Job-Key": cid}, body)
            self.srv.count_by_key[key] += 1
            out.append({"id": rid, "custom_id": cid, "response": {
                "status_code": 200, "request_id": rid, "body": comp}, "error": None})
        enc = lambda rows: "".join(json.dumps(r) + "\n" for r in rows).encode()
        b["output_file_id"] = self._file(enc(out), "output.jsonl", "batch_output")["id"]
        if err:
            b["error_file_id"] = self._file(enc(err), "errors.jsonl", "batch_output")["id"]
        b["request_counts"] = {"total": len(out) + len(err), "completed": len(out),
                               "failed": len(err)}
        b["status"], b["completed_at"] = "completed", int(time.time())
