"""Commands that show it all: the dashboard server and the offline report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bloc import api
from bloc.cli.common import (
    AsCodedOption,
    DbOption,
    OnOption,
    OriginOption,
    app,
    chosen_view,
    err,
    fail,
)
from bloc.errors import BlocError
from bloc.store import default_db_path


@app.command("serve")
def serve_command(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    cache: Annotated[
        bool, typer.Option(help="Keep computed measures until the store changes.")
    ] = True,
) -> None:
    """The web dashboard and the JSON API (OpenAPI at /docs), until Ctrl-C."""
    from bloc.web import app as web

    try:
        err.print(f"bloc dashboard on http://{host}:{port}/ (store {db or default_db_path()})")
        web.serve(db, host, port, cache=cache)
    except BlocError as exc:
        fail(exc)


@app.command("report")
def report_command(
    alliance: Annotated[str, typer.Argument(help="Alliance code, e.g. CSTO.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path(
        "report.html"
    ),
    on: OnOption = None,
    origin: OriginOption = None,
    as_coded: AsCodedOption = False,
    db: DbOption = None,
) -> None:
    """One self-contained HTML report (charts inside, no external requests) to share."""
    from bloc.web import report

    try:
        path = report.write(alliance, out, api.parse_day(on), chosen_view(db, origin, as_coded))
    except BlocError as exc:
        fail(exc)
    out_size = path.stat().st_size
    err.print(f"report written to {path} ({out_size / 1e6:.1f} MB, opens offline)")
