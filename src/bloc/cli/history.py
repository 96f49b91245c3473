"""`bloc exits`: every exit from the alliances bloc knows, with dates, kinds and citations."""

from __future__ import annotations

from typing import Annotated

import typer

from bloc import api
from bloc.cli.common import DbOption, Format, FormatOption, app, emit, fail
from bloc.core.dated import iso
from bloc.errors import BlocError


@app.command("exits")
def exits_command(
    alliance: Annotated[
        str | None, typer.Argument(help="Alliance code (every alliance's exits if left out).")
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Withdrawals, denunciations, non-renewals, suspensions, freezes and steps out of an
    integrated command, by date, with the sources that date them (docs/history.md)."""
    try:
        frame = api.exits(alliance, db=db)
    except BlocError as exc:
        fail(exc)
    where = alliance.upper() if alliance else "all alliances"
    if fmt is Format.table:  # each date as exactly as the sources give it; notes in JSON/CSV
        frame["date"] = [iso(d, p) for d, p in zip(frame.date, frame.date_precision, strict=True)]
        columns = ["date", "alliance", "member", "name", "kind", "announced", "cite"]
        emit(frame, fmt, f"Exits, {where}: {len(frame)}", columns)
    else:
        emit(frame, fmt)
