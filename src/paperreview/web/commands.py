"""``paperreview serve``: the web page and REST API (needs the ``web`` extra)."""

from __future__ import annotations

import ipaddress
import os

import click

from ..cli_options import config_option
from ..errors import ConfigError
from ..llm.options import engine_config_from_options, engine_options

TOKEN_ENV = "PAPERREVIEW_AUTH_TOKEN"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Anything but loopback needs --auth-token (or --insecure).")
@click.option("--port", type=click.IntRange(0, 65535), default=7860, show_default=True)
@click.option("--data-dir", default=None,
              help="Jobs (SQLite), uploads, results and the LLM journal.  [default: runs/web]")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes; each parses and reviews one paper at a time.  "
                   "[default: 2]")
@click.option("--max-upload-mb", type=float, default=None, help="Upload limit.  [default: 50]")
@click.option("--max-pages", type=int, default=None,
              help="Uploads with more pages are refused (422).  [default: 100]")
@click.option("--keep-days", type=float, default=None,
              help="Delete jobs and their files after this many days.  [default: 30]")
@click.option("--auth-token", default=None,
              help=f"Token clients must send (Authorization: Bearer ...). Default: ${TOKEN_ENV}.")
@click.option("--insecure", is_flag=True,
              help="Allow a non-loopback address without an auth token.")
@config_option()
@engine_options
def serve(host, port, data_dir, workers, max_upload_mb, max_pages, keep_days, auth_token,
          insecure, config_file, **engine_kw):
    """Serve the review page and REST API (OpenAPI reference at /docs).

    The server's own model configuration (the same flags, --engine-config file and environment
    as `paperreview review`) decides which models are offered; with none, reviews are the
    offline analysis. A user may paste an API key for one review: it is kept in memory for that
    job only, never written to disk, logs or the journal.

    \b
    paperreview serve                                   # http://127.0.0.1:7860, offline reviews
    paperreview serve --base-url http://127.0.0.1:8000/v1 --model my-reviewer --workers 4
    PAPERREVIEW_AUTH_TOKEN=s3cret paperreview serve --host 0.0.0.0 --data-dir /srv/reviews
    """
    from ..config import resolve_config
    from ..errors import require

    require("fastapi", "web", "paperreview serve")
    require("uvicorn", "web", "paperreview serve")
    import uvicorn

    from .app import ServerSettings, create_app

    flags = {"data_dir": data_dir, "workers": workers, "max_upload_mb": max_upload_mb,
             "max_pages": max_pages, "keep_days": keep_days,
             "auth_token": auth_token or os.environ.get(TOKEN_ENV) or None}
    settings = resolve_config(ServerSettings, config_file, flags)
    if not _loopback(host) and not settings.auth_token and not insecure:
        raise ConfigError(f"--host {host} would expose the server beyond this machine without "
                          "an auth token",
                          f"set {TOKEN_ENV} (or --auth-token), or pass --insecure if a proxy "
                          "in front of it authenticates users")
    cfg = engine_config_from_options(engine_kw, run_dir=os.path.join(settings.data_dir, "llm"))
    app = create_app(settings, cfg if cfg.is_configured() else None)
    mode = f"model {cfg.model}" if cfg.is_configured() else "offline analysis (no model configured)"
    click.echo(f"paperreview serve: http://{host}:{port}/  ({mode}; data in {settings.data_dir})",
               err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def _loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
