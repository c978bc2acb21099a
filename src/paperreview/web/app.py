"""The FastAPI app: REST API under ``/api/v1``, the page at ``/`` and ``/reviews/{id}``.

    from paperreview.web.app import ServerSettings, create_app
    app = create_app(ServerSettings(data_dir="runs/web"))   # then: uvicorn.run(app)

Every asset is served from the package (``web/static``): nothing is loaded from a CDN, so the
page works offline. ``/docs`` is Swagger UI served from the ``swagger-ui-bundle`` package's own
files (FastAPI's default page fetches them from a CDN, so it is switched off); without that
package, ``/docs`` is a small local reference rendered from ``/openapi.json``.

The server never opens an uploaded PDF itself: the page count check, parsing, the checks and the
page images all run in worker processes (:mod:`paperreview.web.worker`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import defaultdict, deque
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .jobs import JobStore
from .worker import Dispatcher

log = logging.getLogger("paperreview.web")
HERE = Path(__file__).resolve().parent
API = "/api/v1"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


class ServerSettings(BaseModel):
    """``paperreview serve`` settings; ``--config FILE`` takes the same keys."""

    model_config = ConfigDict(extra="forbid")

    data_dir: str = "runs/web"
    workers: int = Field(2, ge=1, le=64)
    max_upload_mb: float = Field(50.0, gt=0)
    max_pages: int = Field(100, ge=1)        # uploads with more pages are refused (422)
    parse_timeout: float = Field(300.0, gt=0)
    keep_days: float = Field(30.0, gt=0)
    auth_token: str | None = None            # required on non-loopback addresses
    rate_per_minute: int = Field(30, ge=1)   # uploads per client per minute
    worker_memory_mb: int = Field(4096, ge=0)  # address-space limit of a worker (0 = none)
    model_timeout: float = Field(1800.0, gt=0)  # extra seconds a job asking a model may take


class SuggestRequest(BaseModel):
    """``POST /api/v1/suggest``: an abstract to suggest titles and keywords for."""

    abstract: str = Field(..., max_length=20_000)
    n_titles: int = Field(3, ge=1, le=5)


class ApiError(Exception):
    def __init__(self, status: int, message: str, hint: str | None = None):
        self.status, self.message, self.hint = status, message, hint


def create_app(settings: ServerSettings, engine_config: Any = None,
               start_workers: bool = True) -> FastAPI:
    """Build the app; ``engine_config`` (an ``EngineConfig`` or None) decides the models offered."""
    from .reviewer import available_options

    store = JobStore(settings.data_dir)
    engine = engine_config.model_dump(exclude={"env_vars"}) if engine_config else None
    workers = Dispatcher(store, settings, engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        n = store.requeue_running()
        if n:
            log.warning("resumed %d job(s) left running by a previous server", n)
        purged = store.purge(settings.keep_days)
        if purged:
            log.info("deleted %d job(s) older than %s days", purged, settings.keep_days)
        if start_workers:
            await asyncio.to_thread(workers.start)
        try:
            yield
        finally:
            workers.stop()

    app = FastAPI(title="paperreview", version=_version(), docs_url=None, redoc_url=None,
                  lifespan=lifespan,
                  description="Reviews of scientific papers: upload a PDF, poll the job, read "
                              "the review (GeneratedReview JSON), the Markdown report and the "
                              "annotated PDF.")
    app.state.store, app.state.workers, app.state.settings = store, workers, settings
    limiter = _RateLimiter(settings.rate_per_minute)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def _guard(request: Request, call_next):
        if settings.auth_token and not _authorised(request, settings.auth_token):
            return _json_error(401, "missing or wrong auth token",
                               "send 'Authorization: Bearer TOKEN' (or open /?token=TOKEN once)")
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        if settings.auth_token and request.query_params.get("token") == settings.auth_token:
            response.set_cookie("paperreview_token", settings.auth_token, httponly=True,
                                samesite="strict")
        return response

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return _json_error(exc.status, exc.message, exc.hint)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        where = "; ".join(f"{'.'.join(str(x) for x in e['loc'][1:]) or 'request'}: {e['msg']}"
                          for e in exc.errors())
        return _json_error(422, f"invalid request: {where}",
                           f"see /docs for {request.method} {request.url.path}")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        return _json_error(exc.status_code, str(exc.detail),
                           "see /docs for the endpoints" if exc.status_code == 404 else None)

    # ------------------------------------------------------------------ API
    @app.get(f"{API}/health")
    def health() -> dict[str, Any]:
        """Liveness, job counts and whether a model backend is configured."""
        return {"status": "ok", "version": _version(), "jobs": store.counts(),
                "workers": settings.workers,
                "model_configured": available_options(engine_config)["model_configured"]}

    @app.get(f"{API}/options")
    def options() -> dict[str, Any]:
        """The templates, venues, methods and models this server offers, and its limits."""
        return available_options(engine_config) | {"max_upload_mb": settings.max_upload_mb,
                                                    "max_pages": settings.max_pages}

    @app.post(f"{API}/suggest")
    def suggest(body: SuggestRequest, request: Request) -> dict[str, Any]:
        """Titles and keywords for a pasted abstract: the server's model when one is configured,
        else the offline baselines (first-sentence title, YAKE keywords); ``source`` says which."""
        if not limiter.allow(_client(request)):
            raise ApiError(429, "too many requests from this client",
                           f"wait a minute (limit {settings.rate_per_minute} per minute)")
        from ..errors import PaperReviewError
        from ..tasks import suggest as suggest_for

        try:
            return suggest_for(body.abstract, engine_config, body.n_titles)
        except ImportError as exc:
            raise ApiError(501, f"suggestions need the optional package {exc.name or ''}",
                           "pip install 'paperreview[tasks]' on the server") from None
        except PaperReviewError as exc:
            raise ApiError(422, exc.message, exc.hint) from None

    @app.post(f"{API}/reviews", status_code=202)
    async def create_review(request: Request,
                            file: Annotated[UploadFile, File(description="the paper, a PDF")],
                            venue: str = Form("generic"), template: str = Form("stanford"),
                            method: str = Form("auto"), model: str = Form(""),
                            api_key: str = Form("")) -> JSONResponse:
        """Upload a PDF (multipart ``file``); returns 202 with the job id and its status URL."""
        if not limiter.allow(_client(request)):
            raise ApiError(429, "too many uploads from this client",
                           f"wait a minute (limit {settings.rate_per_minute} per minute)")
        offered = available_options(engine_config)
        opts = _check_options(offered, venue, template, method, model, bool(api_key))
        api_key = api_key if opts["method"] != "offline" else ""
        upload = store.upload_path()
        try:
            await _save_limited(file, upload, settings.max_upload_mb)
            name = _display_name(file.filename)
            probe = await _probe(workers, upload, settings)
            if probe.get("pages", 0) > settings.max_pages:
                raise ApiError(422, f"the PDF has {probe['pages']} pages, over this server's "
                               f"limit of {settings.max_pages}",
                               "upload the main paper only, or raise --max-pages")
            job_id = store.create(upload, name, opts | {"pages": probe.get("pages")},
                                  keyed=bool(api_key))
        finally:
            upload.unlink(missing_ok=True)
        if "error" in probe:  # encrypted, broken: the job fails with parse's own message
            store.fail(job_id, probe["error"].replace(str(upload), name)
                       + (f" ({probe['hint']})" if probe.get("hint") else ""))
        else:
            workers.submitted(job_id, api_key or None)  # the key: memory only, this job only
        api_key = None
        url = f"{API}/reviews/{job_id}"
        return JSONResponse({"id": job_id, "status_url": url, "page_url": f"/reviews/{job_id}"},
                            status_code=202, headers={"Location": url})

    @app.get(f"{API}/reviews/{{job_id}}")
    def get_review(job_id: str) -> dict[str, Any]:
        """The job: status queued|running|done|failed, progress, error and, when done, review."""
        job = _job(store, job_id)
        review = None
        d = store.dir(job_id)
        if job["status"] == "done" and (d / "review.json").exists():
            review = json.loads((d / "review.json").read_text(encoding="utf-8"))
        thumbs = sorted(int(p.stem) for p in (d / "thumbs").glob("*.png")) if review else []
        return {"id": job_id, "status": job["status"], "progress": job["progress"],
                "error": job["error"], "filename": job["filename"], "options": job["options"],
                "created": job["created"], "review": review,
                "downloads": {k: f"{API}/reviews/{job_id}/{k}" for k in
                              ("review.json", "report.md", "annotated.pdf")
                              if (d / k).exists()},
                "thumbnails": {str(i): f"{API}/reviews/{job_id}/thumbs/{i}.png" for i in thumbs}}

    @app.get(f"{API}/reviews/{{job_id}}/report.md")
    def report_md(job_id: str) -> Response:
        """The review as Markdown (as `paperreview review -o r.md` writes it)."""
        return _file(store, job_id, "report.md", "text/markdown; charset=utf-8")

    @app.get(f"{API}/reviews/{{job_id}}/review.json")
    def review_json(job_id: str) -> Response:
        """The GeneratedReview JSON, as a download."""
        return _file(store, job_id, "review.json", "application/json")

    @app.get(f"{API}/reviews/{{job_id}}/annotated.pdf")
    def annotated_pdf(job_id: str) -> Response:
        """The paper with each verified comment highlighted on its quoted passage."""
        return _file(store, job_id, "annotated.pdf", "application/pdf")

    @app.get(f"{API}/reviews/{{job_id}}/thumbs/{{index}}.png")
    def thumbnail(job_id: str, index: int) -> Response:
        """Comment ``index``'s page (its position in ``review.comments``), passage highlighted;
        rendered by the worker when the review finished."""
        _job(store, job_id)
        p = store.dir(job_id) / "thumbs" / f"{index}.png"
        if index < 0 or not p.exists():
            raise ApiError(404, f"no page image for comment {index}",
                           "only comments whose quote was found on its page have one")
        return FileResponse(p, media_type="image/png",
                            headers={"Cache-Control": "private, max-age=3600"})

    # ------------------------------------------------------------------ pages
    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        return HTMLResponse((HERE / "templates" / "index.html").read_text(encoding="utf-8"))

    @app.get("/reviews/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def review_page(job_id: str) -> HTMLResponse:
        _job(store, job_id)
        return HTMLResponse((HERE / "templates" / "review.html").read_text(encoding="utf-8"))

    swagger = _swagger_dir()
    if swagger is not None:
        app.mount("/docs/assets", StaticFiles(directory=swagger), name="swagger")

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:
        page = "swagger.html" if swagger is not None else "docs.html"
        return HTMLResponse((HERE / "templates" / page).read_text(encoding="utf-8"))

    return app


# ---------------------------------------------------------------------- checks
def _check_options(offered: dict[str, Any], venue: str, template: str, method: str, model: str,
                   has_key: bool) -> dict[str, Any]:
    venue, template, method, model = (venue or "generic", template or "stanford",
                                      method or "auto", model or "")
    if template not in offered["templates"]:
        raise ApiError(422, f"unknown template {template!r}",
                       f"choose one of: {', '.join(offered['templates'])}")
    if venue not in offered["venues"]:
        raise ApiError(422, f"unknown venue {venue!r}",
                       f"choose one of: {', '.join(offered['venues'])}")
    from .reviewer import model_methods

    methods = ["auto", *offered["methods"]]
    if has_key:  # a pasted key makes the model methods available for this job
        methods += [m for m in model_methods() if m not in methods]
    if method not in methods:
        raise ApiError(422, f"method {method!r} is not available on this server",
                       f"choose one of: {', '.join(methods)}")
    if model and not has_key and model not in offered["models"]:
        raise ApiError(422, f"model {model!r} is not offered by this server",
                       "leave it empty for the server's model, or give your own api_key")
    if method == "auto":
        method = model_methods()[0] if (offered["model_configured"] or has_key) else "offline"
    return {"venue": venue, "template": template, "method": method, "model": model or None}


async def _save_limited(file: UploadFile, out: Path, max_mb: float) -> None:
    """Copy the upload to ``out`` (a server-chosen name), refusing it past ``max_mb`` (413) or
    when its content is not a PDF (415: checked by its first KiB, never by its name)."""
    limit = int(max_mb * 1024 * 1024)
    size = 0
    f = await asyncio.to_thread(open, out, "wb")
    with f:
        while chunk := await file.read(1 << 20):
            if size == 0 and b"%PDF-" not in chunk[:1024]:
                head = chunk[:8].decode("latin-1").encode("unicode_escape").decode()
                raise ApiError(415, f"the upload is not a PDF (its content starts with "
                               f"'{head}', not %PDF-)", "upload the paper as a PDF file")
            size += len(chunk)
            if size > limit:
                raise ApiError(413, f"the upload is over the size limit of {max_mb:g} MB",
                               "upload a smaller PDF (or start the server with --max-upload-mb)")
            f.write(chunk)
    if not size:
        raise ApiError(415, "the upload is empty, not a PDF", "choose a PDF file")


async def _probe(workers: Dispatcher, pdf: Path, settings: ServerSettings) -> dict[str, Any]:
    """The page count from a worker process ({} when no worker runs: tests without workers)."""
    if not workers.running:
        return {}
    fut = workers.probe(pdf)
    try:
        return await asyncio.wait_for(asyncio.wrap_future(fut), settings.parse_timeout + 30)
    except TimeoutError:
        raise ApiError(503, "the server is too busy to check the upload",
                       "try again in a minute") from None


def _swagger_dir() -> Path | None:
    try:
        import swagger_ui_bundle
    except ImportError:
        return None
    p = Path(swagger_ui_bundle.swagger_ui_path)
    return p if (p / "swagger-ui-bundle.js").exists() else None


def _display_name(name: str | None) -> str:
    """The upload's name for display only: its last path part, printable, at most 120 chars."""
    base = (name or "paper.pdf").replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(c for c in base if c.isprintable() and c not in "<>\"'`")
    return (clean or "paper.pdf")[:120]


def _job(store: JobStore, job_id: str) -> dict[str, Any]:
    job = store.get(job_id)
    if job is None:
        raise ApiError(404, f"no review job {job_id!r}",
                       "check the id; jobs are deleted after --keep-days")
    return job


def _file(store: JobStore, job_id: str, name: str, media: str) -> Response:
    job = _job(store, job_id)
    p = store.dir(job_id) / name
    if not p.exists():
        if job["status"] in ("queued", "running"):
            raise ApiError(409, f"the review is not ready yet ({job['status']})",
                           f"poll {API}/reviews/{job_id} until status is done")
        raise ApiError(404, f"this review has no {name}",
                       "annotated.pdf exists only when a comment's quote was found in the PDF"
                       if name == "annotated.pdf" else None)
    stem = Path(job["filename"]).stem or "paper"
    return FileResponse(p, media_type=media, filename=f"{stem}.{name}")


def _json_error(status: int, message: str, hint: str | None) -> JSONResponse:
    return JSONResponse({"error": {"status": status, "message": message, "hint": hint}},
                        status_code=status)


def _authorised(request: Request, token: str) -> bool:
    import hmac

    got = request.headers.get("authorization", "").removeprefix("Bearer ").strip() or \
        request.headers.get("x-auth-token") or request.query_params.get("token") or \
        request.cookies.get("paperreview_token") or ""
    return hmac.compare_digest(got.encode(), token.encode())


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


class _RateLimiter:
    """At most ``per_minute`` uploads per client in any 60 s window."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._hits: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            q = self._hits[client]
            while q and now - q[0] > 60:
                q.popleft()
            if len(q) >= self.per_minute:
                return False
            q.append(now)
            return True


def _version() -> str:
    from .. import __version__

    return __version__
