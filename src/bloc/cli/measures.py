"""Commands for the measures and the simulator: alignment to risk, simulate, backtest."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bloc.cli.common import (
    AsCodedOption,
    ByOption,
    DbOption,
    EveryActorOption,
    Format,
    FormatOption,
    OnOption,
    OriginOption,
    SinceOption,
    UntilOption,
    app,
    chosen_view,
    emit,
    err,
    fail,
    out,
)
from bloc.cli.lazy import lazy
from bloc.errors import BlocError
from bloc.store.view import View

if TYPE_CHECKING:
    import pandas as pd

    from bloc import api, measures, simulate
    from bloc.measures import backtest
else:
    pd = lazy("pandas")
    api = lazy("bloc.api")
    measures = lazy("bloc.measures")
    simulate = lazy("bloc.simulate")
    backtest = lazy("bloc.measures.backtest")


@app.command("alignment")
def alignment_command(
    alliance: Annotated[str, typer.Argument(help="Alliance code.")],
    by: ByOption = "year",
    member: Annotated[str | None, typer.Option(help="Only this member.")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    origin: OriginOption = None,
    as_coded: AsCodedOption = False,
    every_actor: EveryActorOption = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Each member's alignment with the alliance and its leader (-1..1), per period."""
    try:
        view = chosen_view(db, origin, as_coded, every_actor)
        frame = measures.alignment(
            alliance, by=by, member=member, since=since, until=until, db=view
        )
    except BlocError as exc:
        fail(exc)
    emit(frame, fmt, f"{alliance.upper()}: alignment by {by} (as of each period's end)")


@app.command("dyads")
def dyads_command(
    alliance: Annotated[str, typer.Argument(help="Alliance code.")],
    on: OnOption = None,
    matrix: Annotated[bool, typer.Option(help="Print a member-by-member matrix.")] = False,
    origin: OriginOption = None,
    as_coded: AsCodedOption = False,
    every_actor: EveryActorOption = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Relations between members (-1 hostile .. +1 friendly), most hostile pair first."""
    try:
        frame = measures.dyads(alliance, on=on, db=chosen_view(db, origin, as_coded, every_actor))
    except BlocError as exc:
        fail(exc)
    if matrix:
        frame = measures.dyad_matrix(frame).reset_index(names="member")
    emit(frame, fmt, f"{alliance.upper()}: relations between members on {on or 'today'}")


@app.command("reliability")
def reliability_command(
    alliance: Annotated[str, typer.Argument(help="Alliance code.")],
    on: OnOption = None,
    summary: Annotated[
        bool, typer.Option(help="Print the share honoured beside reference figures only.")
    ] = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Every request for help under the treaty, what the alliance did, and the share honoured."""
    try:
        rows = measures.reliability(alliance, on=on, db=db)
        shares = measures.reliability_summary(alliance, on=on, db=db)
    except BlocError as exc:
        fail(exc)
    code = alliance.upper()
    if summary:
        emit(shares, fmt, f"{code}: share of requests honoured")
        return
    emit(rows, fmt, f"{code}: requests for assistance")
    if fmt is Format.table:
        emit(shares, fmt, f"{code}: share honoured, beside published reference figures")


@app.command("cohesion")
def cohesion_command(
    alliance: Annotated[str, typer.Argument(help="Alliance code.")],
    by: ByOption = "quarter",
    since: SinceOption = None,
    until: UntilOption = None,
    origin: OriginOption = None,
    as_coded: AsCodedOption = False,
    every_actor: EveryActorOption = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """One cohesion index (0..1) per period, and its parts."""
    try:
        frame = measures.cohesion(
            alliance,
            by=by,
            since=since,
            until=until,
            db=chosen_view(db, origin, as_coded, every_actor),
        )
    except BlocError as exc:
        fail(exc)
    emit(frame, fmt, f"{alliance.upper()}: cohesion by {by} (as of each period's end)")


@app.command("risk")
def risk_command(
    alliance: Annotated[str, typer.Argument(help="Alliance code.")],
    on: OnOption = None,
    explain: Annotated[
        str | None, typer.Option(help="List the dated, cited evidence behind one member.")
    ] = None,
    origin: OriginOption = None,
    as_coded: AsCodedOption = False,
    every_actor: EveryActorOption = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Members ranked by risk of leaving or freezing participation, with reasons."""
    try:
        view = chosen_view(db, origin, as_coded, every_actor)
        if explain:
            frame = measures.explain(alliance, explain, on=on, db=view)
            title = f"{alliance.upper()}: evidence behind {explain.upper()}'s exit risk"
        else:
            frame = measures.risk(alliance, on=on, db=view)
            title = f"{alliance.upper()}: exit risk on {on or 'today'}"
    except BlocError as exc:
        fail(exc)
    columns = None if explain or fmt is not Format.table else ["rank", "member", "score", "reasons"]
    emit(frame, fmt, title, columns)


@app.command("compare")
def compare_command(
    alliances: Annotated[list[str], typer.Argument(help="Two or more alliance codes.")],
    on: OnOption = None,
    origin: OriginOption = None,
    as_coded: AsCodedOption = False,
    every_actor: EveryActorOption = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The same measures for several alliances, side by side."""
    try:
        frame = measures.compare(
            alliances, on=on, db=chosen_view(db, origin, as_coded, every_actor)
        )
    except BlocError as exc:
        fail(exc)
    emit(frame, fmt, f"{' vs '.join(a.upper() for a in alliances)} on {on or 'today'}")


@app.command("simulate")
def simulate_command(
    alliance: Annotated[str, typer.Argument(help="Alliance code.")],
    requester: Annotated[str, typer.Option(help="The member asking for help.")],
    threat: Annotated[
        str, typer.Option(help="external, clash, internal or incursion (see docs/simulation.md).")
    ],
    aggressor: Annotated[str | None, typer.Option(help="Actor code of the aggressor.")] = None,
    on: OnOption = None,
    draws: Annotated[int, typer.Option(help="Monte Carlo draws.")] = 10_000,
    seed: Annotated[int | None, typer.Option(help="Random seed (same seed, same output).")] = None,
    assume: Annotated[
        list[str] | None,
        typer.Option(help="leader-at-war, leader-defeated or frozen:CODE (repeatable)."),
    ] = None,
    origin: OriginOption = None,
    as_coded: AsCodedOption = False,
    every_actor: EveryActorOption = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """What each member and the alliance do when a member invokes collective defence."""
    try:
        scenario = simulate.parse_scenario(alliance, requester, threat, aggressor, on, assume)
        view = chosen_view(db, origin, as_coded, every_actor)
        result = simulate.simulate(scenario, draws=draws, seed=seed, db=view)
    except BlocError as exc:
        fail(exc)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        return
    sc = result["scenario"]
    outcomes = pd.DataFrame(
        {"outcome": list(result["outcomes"]), "probability": list(result["outcomes"].values())}
    )
    members = pd.DataFrame(result["members"])[["member", "stance", "p", "reasons"]]
    if fmt is Format.csv:
        sys.stdout.write(outcomes.to_csv(index=False))
        return
    out.print(
        f"{sc['alliance']}: {sc['requester']} invokes {sc['provision']} "
        f"({sc['threat']}{', aggressor ' + sc['aggressor'] if sc['aggressor'] else ''}) "
        f"on {sc['on']}; {sc['draws']:,} draws, seed {sc['seed']}",
        markup=False,
        highlight=False,
    )
    emit(outcomes, fmt, "What the alliance does")
    for reason in result["reasons"]:
        out.print(f"- {reason}", markup=False, highlight=False)
    emit(members, fmt, "Each member's likely stance, and the factors that decided it")
    bilateral = result["leader_bilateral"]
    if bilateral:
        out.print(
            f"{bilateral['leader']} sends forces in {bilateral['p_sends_forces']:.0%} of draws; "
            f"acts outside the alliance in {bilateral['p_acts_outside_alliance']:.0%}.",
            markup=False,
            highlight=False,
        )


@app.command("backtest")
def backtest_command(
    alliance: Annotated[
        str | None,
        typer.Argument(help="Alliance code (with --calibration: all alliances if left out)."),
    ] = None,
    calibration: Annotated[
        bool,
        typer.Option(
            "--calibration",
            help="Predicted probability against observed frequency per outcome, and the "
            "Brier score beside the uniform and base-rate guesses.",
        ),
    ] = False,
    draws: Annotated[int, typer.Option(help="Monte Carlo draws per case.")] = 2_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    risk: Annotated[
        bool,
        typer.Option(
            "--risk",
            help="Exit risk instead: every exit (all alliances if none named), its member's "
            "rank among the members --lead months before, from the evidence before then.",
        ),
    ] = False,
    lead: Annotated[int, typer.Option(help="With --risk: months before the exit.")] = 12,
    evidence: Annotated[
        str,
        typer.Option(
            help="With --risk: votes (UN General Assembly votes alone, the headline), events "
            "(knowledge-base and store events) or all."
        ),
    ] = "votes",
    placebo: Annotated[
        bool,
        typer.Option(
            "--placebo",
            help="With --risk: also rank random members on random days with no exit of "
            "theirs in the two years after (seeded); its median should sit near 0.5.",
        ),
    ] = False,
    pairs: Annotated[int, typer.Option(help="With --placebo: how many pairs.")] = 120,
    origin: OriginOption = None,
    as_coded: AsCodedOption = False,
    every_actor: EveryActorOption = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Predict every historical request from what was known the day before it
    (with --risk: rank every member that left, as it stood beforehand)."""
    if risk:
        view = chosen_view(db, origin, as_coded, every_actor)
        _risk_backtest(alliance, lead, evidence, placebo, pairs, seed, view, fmt)
        return
    if calibration:
        _calibration(alliance, draws, seed, chosen_view(db, origin, as_coded, every_actor), fmt)
        return
    if alliance is None:
        err.print("error: name an alliance (e.g. CSTO) or use --calibration", highlight=False)
        raise typer.Exit(2)
    try:
        view = chosen_view(db, origin, as_coded, every_actor)
        frame = simulate.backtest(alliance, draws=draws, seed=seed, db=view)
    except BlocError as exc:
        fail(exc)
    hits = int(frame.hit.sum())
    summary = (
        f"hit rate {hits}/{len(frame)} ({hits / max(1, len(frame)):.0%}), "
        f"mean Brier score {frame.brier.mean():.3f} (0 perfect, 2 worst; "
        f"always guessing 1/4 each scores 0.75, the alliance's base rate "
        f"{frame.brier_base_rate.mean():.3f})"
    )
    columns = [c for c in frame.columns if c not in ("member_model", "base_rate")]
    emit(frame, fmt, f"{alliance.upper()}: back-test, each case as seen the day before", columns)
    if fmt is Format.table:
        out.print(summary, markup=False, highlight=False)
    else:
        err.print(summary, markup=False, highlight=False)


def _risk_backtest(
    alliance: str | None,
    lead: int,
    evidence: str,
    placebo: bool,
    pairs: int,
    seed: int,
    db: View,
    fmt: Format,
) -> None:
    """`bloc backtest --risk`: the exits' ranks, the summary line and the placebo beside it."""
    try:
        frame = measures.risk_backtest(alliance, lead=lead, evidence=evidence, db=db)
        lines = [backtest.summary(frame, evidence, seed).line()]
        shams = pd.DataFrame(columns=frame.columns)
        if placebo:
            shams = measures.risk_placebo(alliance, lead, evidence, pairs, seed, db)
            lines.append(backtest.summary(shams, evidence, seed).line("placebo"))
            lines.append(
                f"placebo: mean percentile {shams.percentile.mean():.2f} (members with equal "
                "scores, as those without a signal, share their average rank, which pulls "
                "the median below the mean)"
            )
    except BlocError as exc:
        fail(exc)
    title = (
        f"{alliance.upper() if alliance else 'Every alliance'}: exit risk {lead} months "
        f"before each exit ({evidence})"
    )
    if fmt is Format.table:
        shown = frame.assign(reasons=frame.reasons.map(lambda r: r[0] if r else ""))
        emit(shown, fmt, title)
        for line in lines:
            out.print(line, markup=False, highlight=False)
        return
    # As data, the placebo's rows follow the cases' (kind "placebo").
    emit(pd.concat([frame, shams], ignore_index=True) if placebo else frame, fmt, title)
    for line in lines:
        err.print(line, markup=False, highlight=False)


def _calibration(
    alliance: str | None, draws: int, seed: int, db: Path | View | None, fmt: Format
) -> None:
    """`bloc backtest --calibration`: over every alliance's cases, or the named one's."""
    try:
        frame = simulate.backtest_all([alliance] if alliance else None, draws, seed, db)
    except BlocError as exc:
        fail(exc)
    table = simulate.calibration(frame=frame)
    scores = simulate.brier_scores(frame=frame)
    scope = alliance.upper() if alliance else " + ".join(frame.alliance.unique())
    if fmt is Format.json:
        body = {"outcomes": api.to_records(table), "brier": api.to_records(scores)}
        sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        return
    if fmt is Format.csv:
        sys.stdout.write(table.to_csv(index=False) + "\n" + scores.to_csv(index=False))
        return
    emit(table, fmt, f"Calibration over {len(frame)} back-test cases ({scope})")
    emit(scores, fmt, "Mean Brier score: the model, a uniform guess, the base-rate guess")
    out.print(
        "predicted: mean probability the model gave the outcome; observed: share of cases "
        "in which it happened. Brier: 0 perfect, 2 worst; base rate: the alliance's own "
        "earlier outcome shares (uniform before its first request).",
        markup=False,
        highlight=False,
    )
