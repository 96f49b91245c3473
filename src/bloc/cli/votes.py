"""`bloc votes`: agreement in the UN General Assembly, each member against its alliance's leader."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bloc.cli.common import DbOption, Format, FormatOption, OnOption, app, emit, fail
from bloc.cli.lazy import lazy
from bloc.errors import BlocError

if TYPE_CHECKING:
    from bloc import measures
else:
    measures = lazy("bloc.measures")


@app.command("votes")
def votes_command(
    alliance: Annotated[
        str | None, typer.Argument(help="Alliance code (each member against its leader).")
    ] = None,
    states: Annotated[
        str | None,
        typer.Option(help="Any states instead, comma-separated: the first against the others."),
    ] = None,
    topic: Annotated[
        str | None,
        typer.Option(help="Only roll calls on one topic: me, nu, di, hr, co, ec, or ukraine."),
    ] = None,
    since: Annotated[str | None, typer.Option(help="First year counted (e.g. 1992).")] = None,
    on: OnOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Agreement with the leader in the General Assembly by year (yes 1, abstain 0.5, no 0;
    absence is not a vote), with the votes counted and the S score."""
    try:
        if states:
            frame = measures.vote_pairs(states.split(","), topic, since, on, db)
            title = f"UN General Assembly: agreement with {states.split(',')[0].upper()}"
        elif alliance:
            frame = measures.votes(alliance, topic, since, on, db)
            title = (
                f"{alliance.upper()}: members' agreement with the leader in the UN (without "
                "a leader, with the other members' majority)"
            )
        else:
            raise BlocError("name an alliance (bloc votes CSTO) or states (--states RUS,UZB)")
    except BlocError as exc:
        fail(exc)
    if fmt is Format.table:
        frame = frame.round({"agreement": 3, "s_score": 3, "with_median": 3})
    emit(frame, fmt, title)
