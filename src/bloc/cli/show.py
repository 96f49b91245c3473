"""Commands that show it all: the dashboard server and the offline report."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bloc.cli.common import (
    AsCodedOption,
    DbOption,
    EveryActorOption,
    OnOption,
    OriginOption,
    app,
    chosen_view,
    err,
    fail,
)
from bloc.cli.lazy import lazy
from bloc.errors import BlocError

if TYPE_CHECKING:
    from bloc import api
    from bloc import store as _store
else:
    api = lazy("bloc.api")
    _store = lazy("bloc.store")


@app.command("serve")
def serve_command(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    cache: Annotated[
        bool, typer.Option(help="Keep computed measures until the store changes.")
    ] = True,
    review: Annotated[
        bool,
        typer.Option(
            "--review",
            help="Let analysts signed in with the review token ($BLOC_REVIEW_TOKEN, or one "
            "printed at start) confirm, correct and reject events; read-only without.",
        ),
    ] = False,
) -> None:
    """The web dashboard and the JSON API (OpenAPI at /docs), until Ctrl-C."""
    from bloc.web import app as web
    from bloc.web.review_gate import SHORT_TOKEN, TOKEN_ENV, ReviewGate

    gate = None
    if review:
        gate, made = ReviewGate.from_environment()
        if made:  # on one line, never wrapped, to be copied whole
            err.print(
                f"review token (sign in at http://{host}:{port}/review): {made}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        else:
            err.print(f"review token: the one in {TOKEN_ENV}", highlight=False)
            if len(os.environ.get(TOKEN_ENV, "").strip()) < SHORT_TOKEN:
                err.print(
                    f"[yellow]warning:[/] {TOKEN_ENV} is shorter than {SHORT_TOKEN} characters; "
                    "a longer, random one is harder to guess"
                )
        if host not in LOOPBACK:
            err.print(
                f"[yellow]warning:[/] reviewing is open to anyone who can reach {host}:{port} "
                "and has the token, and plain HTTP carries the token in clear: put a TLS proxy "
                "in front, or keep --host 127.0.0.1",
                highlight=False,
            )
    try:
        mode = "review on" if gate else "read-only"
        where = db or _store.default_db_path()
        err.print(f"bloc dashboard on http://{host}:{port}/ ({mode}; store {where})")
        web.serve(db, host, port, cache=cache, review=gate)
    except BlocError as exc:
        fail(exc)


LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command("report")
def report_command(
    alliance: Annotated[str, typer.Argument(help="Alliance code, e.g. CSTO.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path(
        "report.html"
    ),
    on: OnOption = None,
    origin: OriginOption = None,
    as_coded: AsCodedOption = False,
    every_actor: EveryActorOption = False,
    db: DbOption = None,
) -> None:
    """One self-contained HTML report (charts inside, no external requests) to share."""
    from bloc.web import report

    try:
        path = report.write(
            alliance, out, api.parse_day(on), chosen_view(db, origin, as_coded, every_actor)
        )
    except BlocError as exc:
        fail(exc)
    out_size = path.stat().st_size
    err.print(f"report written to {path} ({out_size / 1e6:.1f} MB, opens offline)")
