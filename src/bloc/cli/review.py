"""Commands for analysts' review: `bloc review` (a walk, or --apply FILE) and `bloc accuracy`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer

from bloc.cli.alerts import after_change
from bloc.cli.common import (
    DbOption,
    Format,
    FormatOption,
    OriginOption,
    app,
    chosen_view,
    emit,
    emit_summary,
    err,
    fail,
    out,
)
from bloc.cli.lazy import lazy
from bloc.errors import BlocError, NotFoundError, ReviewConflictError, ReviewError
from bloc.store.view import View

if TYPE_CHECKING:
    import bloc.measures.accuracy as _accuracy
    from bloc.store import decisions as _decisions
    from bloc.store import review as _review
else:
    _accuracy = lazy("bloc.measures.accuracy")
    _decisions = lazy("bloc.store.decisions")
    _review = lazy("bloc.store.review")

KEYS = "c confirm, r reject, e edit (correct fields), s skip, q quit"
SHOWN_EVIDENCE = 3


@app.command("review")
def review_command(
    apply: Annotated[
        Path | None,
        typer.Option(
            "--apply",
            help="Take decisions from a CSV or JSON-lines file (fields id, decision, and type, "
            "mode, source, target, date, note); see docs/review.md.",
        ),
    ] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option("--min-confidence", help="Walk only events at least this likely (0-1)."),
    ] = None,
    max_confidence: Annotated[
        float | None,
        typer.Option("--max-confidence", help="Walk only events at most this likely (0-1)."),
    ] = None,
    alliance: Annotated[
        str | None,
        typer.Option(help="Walk only events of this alliance, its members or its context."),
    ] = None,
    origin: OriginOption = None,
    limit: Annotated[int | None, typer.Option(help="Walk at most this many events.", min=1)] = None,
    reviewer: Annotated[
        str | None,
        typer.Option(help="The name recorded with each decision (default: your login name)."),
    ] = None,
    db: DbOption = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="With --apply: table, or json for scripts.")
    ] = Format.table,
) -> None:
    """Confirm, correct or reject coded events, one key each or in bulk from a file.

    Walks the events without a decision, lowest confidence first, taking a key
    for each (c confirm, r reject, e edit, s skip, q quit); --apply FILE takes
    decisions from a CSV or JSON-lines file instead (docs/review.md).
    """
    name = reviewer or _review.default_reviewer()
    if apply is not None:
        _apply(apply, name, db, fmt)
        return
    view = chosen_view(db, origin)
    try:
        queue = _review.unreviewed(
            view,
            min_confidence=min_confidence,
            max_confidence=max_confidence,
            alliance=alliance,
            limit=limit,
        )
    except BlocError as exc:
        fail(exc)
    if queue.empty:
        out.print("nothing to review: every event chosen has a decision", highlight=False)
        return
    out.print(
        f"{len(queue)} events to review, lowest confidence first, as {name}. Keys: {KEYS}.",
        markup=False,
        highlight=False,
    )
    _walk(queue.to_dict("records"), name, view)


def _apply(path: Path, reviewer: str, db: Path | None, fmt: Format) -> None:
    try:
        applied = _review.apply_file(db, path, reviewer)
    except BlocError as exc:
        fail(exc)
    emit_summary(applied, fmt)
    after_change(db, [t.event_id for t in applied.stored])
    if applied.refused:
        raise typer.Exit(1)


def _walk(events: list[dict[Any, Any]], reviewer: str, db: Path | View | None) -> None:
    """One event at a time: show it and its sentences, take a key, store the decision."""
    done: dict[str, int] = {}
    skipped = 0
    decided: list[str] = []
    for number, event in enumerate(events, start=1):
        _show(event, number, len(events))
        try:
            outcome = _decide(event, reviewer, db)
        except click.exceptions.Abort:  # end of input, or Ctrl-C at a prompt
            outcome = "quit"
        if outcome == "quit":
            break
        if outcome == "skip":
            skipped += 1
        else:
            done[outcome] = done.get(outcome, 0) + 1
            decided.append(str(event["id"]))
    stored = sum(done.values())
    kinds = ", ".join(f"{n} {k}" for k, n in done.items()) or "none"
    left = len(events) - stored - skipped
    out.print(
        f"{stored} decisions stored ({kinds}), {skipped} skipped, {left} not reached",
        markup=False,
        highlight=False,
    )
    after_change(db, decided)


def _show(event: dict[Any, Any], number: int, total: int) -> None:
    when = _decisions.iso(_day(event["date"]), event["date_precision"])
    mode = f" ({event['mode']})" if isinstance(event["mode"], str) and event["mode"] else ""
    confidence = event["confidence"]
    out.print()
    out.print(
        f"[{number}/{total}] {when}  {event['source']} {event['type']}{mode} {event['target']}"
        f"  confidence {confidence:.2f}  origin {event['origin']}  id {event['id']}",
        markup=False,
        highlight=False,
    )
    evidence = list(event["evidence"])
    for e in evidence[:SHOWN_EVIDENCE]:
        # Article text is untrusted: printed as it is, never read as Rich markup.
        published = _day(e["published"])
        where = f"{e['document']}, {published}" if published else str(e["document"])
        out.print(f"  “{e['sentence']}” ({where})", markup=False, highlight=False)
    if len(evidence) > SHOWN_EVIDENCE:
        out.print(f"  and {len(evidence) - SHOWN_EVIDENCE} more sentences", highlight=False)


def _decide(event: dict[Any, Any], reviewer: str, db: Path | View | None) -> str:
    """Take keys until one is a decision stored, a skip or quit; returns which."""
    while True:
        key = typer.prompt("decision [c/r/e/s/q]", default="", show_default=False)
        key = key.strip().lower()[:1]
        if key in ("s", "q"):
            return "skip" if key == "s" else "quit"
        if key not in ("c", "r", "e"):
            err.print(f"keys: {KEYS}", highlight=False)
            continue
        if key == "c":
            decision = _decisions.Decision(event["id"], "confirm", reviewer=reviewer, basis=0)
        elif key == "r":
            note = typer.prompt("note (Enter for none)", default="", show_default=False)
            decision = _decisions.Decision(
                event["id"], "reject", note=note, reviewer=reviewer, basis=0
            )
        else:
            decision = _edit(event, reviewer)
        try:
            taken = _review.decide(db, decision)
        except ReviewConflictError as exc:
            err.print(f"not stored: {exc}", markup=False, highlight=False)
            return "skip"
        except (ReviewError, NotFoundError) as exc:
            err.print(f"not stored: {exc}", markup=False, highlight=False)
            continue
        out.print(f"{taken.decision}: stored", highlight=False)
        return taken.decision


def _edit(event: dict[Any, Any], reviewer: str) -> _decisions.Decision:
    """Ask each field in turn, Enter keeping what was coded."""
    current = {
        "type": event["type"],
        "mode": event["mode"] if isinstance(event["mode"], str) else "",
        "source": event["source"],
        "target": event["target"],
        "date": _decisions.iso(_day(event["date"]), event["date_precision"]),
    }
    out.print(
        f"Enter keeps a field; a mode of {_decisions.NO_MODE} means none; dates are YYYY, "
        "YYYY-MM or YYYY-MM-DD.",
        markup=False,
        highlight=False,
    )
    given: dict[str, str] = {}
    for name in _decisions.FIELDS:
        value = typer.prompt(
            f"{name} [{current[name] or _decisions.NO_MODE}]", default="", show_default=False
        )
        if value.strip() and value.strip() != current[name]:
            given[name] = value.strip()
    note = typer.prompt("note (Enter for none)", default="", show_default=False)
    return _decisions.Decision(
        event["id"], "correct", note=note, reviewer=reviewer, basis=0, **given
    )


def _day(value: Any) -> Any:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


@app.command("accuracy")
def accuracy_command(
    export: Annotated[
        Path | None,
        typer.Option(
            "--export",
            help="Write the reviewed events as PLOVER-style JSON lines (a gold set), "
            "one per evidence sentence.",
        ),
    ] = None,
    with_rejected: Annotated[
        bool,
        typer.Option(
            "--with-rejected", help="With --export: rejected events too, as coded (negatives)."
        ),
    ] = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The coder against the events analysts reviewed: precision by type and confidence.

    Counts, overall, by type and by confidence band, and which fields
    corrections changed; recall cannot be measured from reviews.
    """
    try:
        frame = _accuracy.accuracy(db)
        written = _accuracy.export_gold(db, export, rejected=with_rejected) if export else None
    except BlocError as exc:
        fail(exc)
    notes = err if fmt is not Format.table else out
    if frame.empty:
        notes.print(
            "no reviewed events of the coder yet: review some with `bloc review` or on the "
            "dashboard (`bloc serve --review`)",
            markup=False,
            highlight=False,
        )
    elif fmt is not Format.table:
        emit(frame, fmt)
    else:
        total = frame.iloc[0]
        emit(
            frame,
            fmt,
            f"The coder on {total['reviewed']} reviewed events (origin text)",
            [c for c in frame.columns if not c.startswith("wrong_")],
        )
        wrong = ", ".join(f"{f} {int(total[f'wrong_{f}'])}" for f in _accuracy.WRONG)
        out.print(f"Corrections changed: {wrong}.", markup=False, highlight=False)
        out.print(
            "precision: share confirmed as coded; who_did_what: share right in source, type "
            "and target (corrected in date or mode only).",
            markup=False,
            highlight=False,
        )
    if not frame.empty:
        notes.print(_accuracy.RECALL_NOTE, markup=False, highlight=False)
    if written is not None:
        notes.print(f"wrote {written} reviewed sentences to {export}", highlight=False)
