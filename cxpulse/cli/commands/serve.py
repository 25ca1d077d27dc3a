"""``cxpulse serve``: the CX workspace in the browser and the REST API."""

from __future__ import annotations

from pathlib import Path

import click

from cxpulse.app.classify import current_model_version
from cxpulse.app.demo import demo_config, demo_login
from cxpulse.app.triage import apply_default_priorities
from cxpulse.app.users import list_users
from cxpulse.cli.context import AppContext, pass_app
from foundation.errors import StorageError

__all__ = ["serve"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--demo",
    is_flag=True,
    help="Serve the demo store (cxpulse-demo.db, made by `cxpulse demo`) and print a login for it.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes serving requests (one per CPU core uses them all; login throttling counts per process).",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 1000),
    default=None,
    help="Requests each process works on at once; the others wait their turn, first come first served. "
    "For many API clients on a SQLite store, 1 with --workers set to the CPU cores answers "
    "fastest (BENCHMARKS.md).  [default: 40]",
)
@pass_app
def serve(app: AppContext, host: str, port: int, demo: bool, workers: int, threads: int | None) -> None:
    """Serve the CX workspace: the inbox of flagged mentions, triage, label corrections,
    and the REST API under /api/v1 (token auth, `cxpulse tokens create`).

    Users log in with the accounts of `cxpulse users add`. Session cookies are
    Secure: browsers send them to http://127.0.0.1 and http://localhost; anywhere
    else, put the workspace behind HTTPS.
    """
    from cxpulse.web import create_app  # FastAPI and uvicorn load only for this command
    from cxpulse.web.serve import serve as run_server

    if demo:
        folder = (app.config_path or Path("config.toml")).expanduser().resolve().parent
        store = app.open_store(demo_config(folder, app.database_url).database_url)
        if not store.is_initialized() and store.current_revision() is None:
            raise StorageError(
                f"there is no demo store at {store.display_url}; run `make demo` (or `cxpulse demo`) first"
            )
        store.upgrade()
        username, password = demo_login(store)
    else:
        store = app.store()
        if not list_users(store):
            app.err.print("no users yet: add one with `cxpulse users add NAME --role admin`", markup=False)
    apply_default_priorities(store)
    settings = app.config(require_file=False).settings
    version = current_model_version(settings.classifiers)
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
    app.out.print(f"workspace: {url}  (store {store.display_url}; Ctrl-C stops)", markup=False)
    if demo:
        app.out.print(f"log in as {username} with password {password}", markup=False)
    competitors = {b.name: list(b.competitors) for b in settings.brands} if settings.brands else None
    workspace = create_app(
        store,
        model_version=version,
        sla=settings.workspace.sla,
        timezone=settings.reporting.timezone,
        competitors=competitors,
        threads=threads,
    )
    run_server(workspace, host=host, port=port, workers=workers)
