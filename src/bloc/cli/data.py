"""Commands over the store: the knowledge base, events, ingest, import, export, check."""

from __future__ import annotations

import contextlib
import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bloc.cli.alerts import after_change
from bloc.cli.common import (
    AsCodedOption,
    DbOption,
    Engine,
    ExportFormat,
    Format,
    FormatOption,
    OriginOption,
    app,
    emit,
    emit_summary,
    err,
    fail,
    out,
)
from bloc.cli.lazy import lazy
from bloc.errors import BlocError

if TYPE_CHECKING:
    from bloc import api
    from bloc import ingest as _ingest
    from bloc import model as _model
    from bloc import store as _store
    from bloc.ingest import pool as _pool
    from bloc.store import check as _check
    from bloc.web import findings
else:
    api = lazy("bloc.api")
    _ingest = lazy("bloc.ingest")
    _model = lazy("bloc.model")
    _store = lazy("bloc.store")
    _check = lazy("bloc.store.check")
    _pool = lazy("bloc.ingest.pool")
    findings = lazy("bloc.web.findings")


@app.command()
def members(
    alliance: Annotated[str, typer.Argument(help="Alliance code, e.g. CSTO or NATO.")],
    on: Annotated[str | None, typer.Option(help="Date YYYY-MM-DD (default: today).")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Members of an alliance on a date, with their status."""
    try:
        frame = api.members(alliance, on=on, db=db)
    except BlocError as exc:
        fail(exc)
    emit(frame, fmt, f"{alliance.upper()} members on {on or 'today'}: {len(frame)}")


@app.command()
def history(
    alliance: Annotated[str, typer.Argument(help="Alliance code.")],
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Membership changes and curated events in date order, with citations."""
    try:
        frame = api.history(alliance, db=db)
    except BlocError as exc:
        fail(exc)
    emit(frame, fmt, f"{alliance.upper()} history")


@app.command()
def events(
    actor: Annotated[str | None, typer.Option(help="Actor code (source or target).")] = None,
    type: Annotated[str | None, typer.Option("--type", help="PLOVER event type.")] = None,
    alliance: Annotated[str | None, typer.Option(help="Events concerning this alliance.")] = None,
    since: Annotated[str | None, typer.Option(help="From this date (inclusive).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date (inclusive).")] = None,
    origin: OriginOption = None,
    min_confidence: Annotated[
        float | None,
        typer.Option(
            "--min-confidence",
            help="Only events at least this likely to be right (0-1; docs/codebook.md).",
        ),
    ] = None,
    as_coded: AsCodedOption = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Curated, text-derived and imported events, each with its evidence and review."""
    try:
        frame = api.events(
            actor,
            type,
            alliance,
            since,
            until,
            origin,
            db=db,
            min_confidence=min_confidence,
            as_coded=as_coded,
        )
    except BlocError as exc:
        fail(exc)
    if fmt is not Format.json:  # a table or CSV cell: the decision and what it changed
        frame["review"] = [review_cell(r) for r in frame["review"]]
    emit(frame, fmt, f"{len(frame)} events", EVENT_TABLE)


EVENT_TABLE = [
    "when",  # the date at its precision (1999-08, not 1999-08-01)
    "source",
    "type",
    "target",
    "mode",
    "alliance",
    "intensity",
    "origin",
    "review",
    "evidence",
]


def review_cell(review: dict[str, Any] | None) -> str:
    """A review decision in a few words: "correct: type ACCUSE->REJECT"."""
    if not review:
        return ""
    changes = [
        f"{name} {review['coded'].get(name) or '-'}->{value or '-'}"
        for name, value in review["corrected"].items()
    ]
    return str(review["decision"]) + (": " + ", ".join(changes) if changes else "")


@app.command()
def demo(
    db: DbOption = None,
    report_to: Annotated[
        Path | None,
        typer.Option(
            "--report", help="Where to write the CSTO report (default: beside the store)."
        ),
    ] = None,
) -> None:
    """Build the store from the bundled model, print a short account of the CSTO, and
    write its report (one HTML file that opens offline)."""
    from bloc.alerts import add_starter
    from bloc.web import report

    path = db or _store.default_db_path()
    written = report_to or Path(path).parent / "report-CSTO.html"
    try:
        with out.status("Loading the bundled knowledge base…"), _store.opened(path):
            pass
        rules, _ = add_starter(path)  # the default alert rules, once
        parts = [
            findings.membership_finding("CSTO", db=path),
            findings.requests_finding("CSTO"),
            findings.cohesion_finding("CSTO", db=path),
        ]
        with out.status("Writing the report…"):
            report.write("CSTO", written, None, path)
    except BlocError as exc:
        fail(exc)
    out.print(f"[dim]store: {path}[/]")
    for part in parts:
        out.rule(f"[bold]{part.title}")
        for line in part.lines:
            out.print(line, markup=False, highlight=False)
    out.print()
    out.print(f"Report: {written} (open it in a browser; it needs no network).", markup=False)
    if rules:
        out.print(
            f"Alerts: {rules} default rules added (`bloc alerts list`); "
            "`bloc alerts replay --since 2022-01-01` shows what they would have raised.",
            markup=False,
        )
    out.print(
        "Next: `bloc ingest ARTICLES...`, `bloc risk CSTO --on 2023-05-31`, "
        "`bloc simulate CSTO --requester TJK --threat incursion --aggressor ISKP`."
    )


@app.command("ingest")
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders: .txt, .html, .jsonl.")],
    db: DbOption = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date YYYY-MM-DD for undated text files.")
    ] = None,
    engine: Annotated[
        Engine, typer.Option(help="local: processes of this machine; dask: a Dask cluster.")
    ] = Engine.local,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Processes that code (local engine) or Dask workers of the local cluster "
            "[default: the machine's cores].",
            min=1,
            max=256,
            show_default=False,
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Address of a running Dask scheduler (default: start a local cluster)."),
    ] = None,
    shards: Annotated[
        Path | None,
        typer.Option(help="Folder for Dask's Parquet shards, shared with the workers."),
    ] = None,
) -> None:
    """Read articles, code them into events, and store them (re-running changes nothing)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    try:
        day = api.parse_day(published)
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar:
            task = bar.add_task("ingesting", total=None)

            def tick(item: _model.Document | _model.Rejected) -> None:
                bar.advance(task)

            workers = workers or _pool.cores()
            if engine is Engine.dask:
                from bloc.ingest.distributed import ingest_dask

                summary = ingest_dask(
                    paths,
                    db,
                    day,
                    workers=workers,
                    scheduler=scheduler,
                    shards=shards,
                    progress=tick,
                )
            else:
                summary = _ingest.ingest(
                    paths, db=db, published=day, progress=tick, workers=workers
                )
    except BlocError as exc:
        fail(exc)
    _print_summary(summary)
    after_change(db, summary.changed)


def _print_summary(summary: _ingest.IngestSummary) -> None:
    rate = summary.sentences / summary.seconds if summary.seconds else 0.0
    out.print(
        f"articles read: {summary.read}  stored: {summary.stored}  "
        f"unchanged: {summary.unchanged}  skipped: {len(summary.skipped)}  "
        f"undated: {len(summary.undated)}"
    )
    out.print(
        f"sentences: {summary.sentences}  events new: {summary.events_new}  "
        f"merged: {summary.events_merged}  time: {summary.seconds:.2f}s ({rate:,.0f} sentences/s)"
    )
    for rejected in summary.skipped:
        out.print(f"skipped {rejected.path}: {rejected.reason}", markup=False, highlight=False)
    for name in summary.undated:
        out.print(
            f"undated {name}: no publication date found; pass --published",
            markup=False,
            highlight=False,
        )


class Dataset(enum.StrEnum):
    gdelt = "gdelt"
    gdelt1 = "gdelt1"
    polecat = "polecat"
    acled = "acled"
    unvotes = "unvotes"


@app.command("import")
def import_command(
    dataset: Annotated[Dataset, typer.Argument(help="The dataset the files come from.")],
    files: Annotated[
        list[Path],
        typer.Argument(
            help="GDELT 2.0 exports (.CSV or .zip), GDELT 1.0 daily files (gdelt1), POLECAT "
            "weekly files, ACLED CSVs."
        ),
    ],
    keep_all: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Keep every event whose actors map, not only those touching an alliance's "
            "members, the alliances and their rivals.",
        ),
    ] = False,
    merge_reports: Annotated[
        bool,
        typer.Option(
            "--merge-reports",
            help="Merge ACLED and POLECAT rows (each an event of its own by default) with "
            "reports of the same happening: same actors, type, place and day.",
        ),
    ] = False,
    max_bad: Annotated[
        str,
        typer.Option(
            "--max-bad",
            help="The share of a file's rows that may be malformed (1%, 0.5%, 0.02); a file "
            "with more is refused, nothing of it stored, and the exit status is 1.",
        ),
    ] = "1%",
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="The files' encoding when they are not UTF-8 (latin-1, cp1252, ...); by "
            "default detected, and the report says what was assumed.",
        ),
    ] = None,
    db: DbOption = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="table, or json for scripts.")
    ] = Format.table,
) -> None:
    """Import an event dataset, mapped to PLOVER (re-running changes nothing); exit 1 if a
    file failed (unreadable, empty, another format, or too many malformed rows)."""
    from bloc.ingest.datasets import import_files

    if dataset is Dataset.unvotes:
        _import_unvotes(files, db, fmt)
        return
    try:
        # a spinner only where someone sees it (its thread and its imports cost a small
        # file's import a few hundredths of a second for nothing in a pipe or a file)
        showing = err.is_terminal
        with err.status(f"importing {dataset.value}…") if showing else contextlib.nullcontext():
            summary = import_files(
                dataset.value,
                files,
                db,
                keep_all=keep_all,
                merge_reports=merge_reports,
                max_bad=_share(max_bad),
                encoding=encoding,
                record_unmapped=True,
            )
    except BlocError as exc:
        fail(exc)
    emit_summary(summary, fmt)
    if summary.watched():  # else evaluating (and importing) the alerts would do nothing
        after_change(db, summary.changed())
    if any(f.failed for f in summary.files):
        raise typer.Exit(1)


def _share(text: str) -> float:
    """`--max-bad`: '1%' or a fraction ('0.01')."""
    raw = text.strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        raise BlocError(f"--max-bad {text!r} is not a share: write it as 1% or 0.01") from None
    return value


def _import_unvotes(files: list[Path], db: Path | None, fmt: Format) -> None:
    """UN General Assembly roll calls (bloc.ingest.datasets.unvotes); exit 1 if a file failed."""
    from bloc.ingest.datasets.unvotes import import_unvotes

    try:
        with err.status("importing UN General Assembly votes…"):
            summary = import_unvotes(files, db)
    except BlocError as exc:
        fail(exc)
    emit_summary(summary, fmt)
    after_change(db, all_risk=True)  # votes move every alliance's risk
    if any(f["failed"] for f in summary.files):
        raise typer.Exit(1)


@app.command("export")
def export_command(
    folder: Annotated[Path, typer.Argument(help="Folder to write events, documents, evidence to.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.parquet,
    as_coded: AsCodedOption = False,
    db: DbOption = None,
) -> None:
    """Write the store's events, documents, evidence and review decisions, for pandas or R."""
    try:
        files = api.export(folder, fmt.value, db, as_coded=as_coded)
    except BlocError as exc:
        fail(exc)
    for path in files:
        out.print(f"wrote {path}")


@app.command("check")
def check_command(
    db: DbOption = None,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair", help="Upgrade an old schema and fix what is safe, in one transaction."
        ),
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Verify a store (schema, orphan evidence, duplicate events); exit 1 if problems remain."""
    try:
        report = _check.check_path(db, repair=repair)
    except BlocError as exc:
        fail(exc)
    emit(
        report.frame(),
        fmt,
        f"store {report.path}",
        ["check", "status", "count", "detail", "examples", "advice"],
    )
    problems = report.problems
    if not problems:
        verdict = "the store is healthy" + (" (repaired)" if repair else "")
    else:
        fixable = [f.check for f in problems if f.repairable]
        verdict = f"{len(problems)} problem(s): {', '.join(f.check for f in problems)}"
        if fixable and not repair:
            verdict += f"; `bloc check --repair` fixes {', '.join(fixable)}"
        verdict += "; the advice says what to do"
    (out if fmt is Format.table else err).print(verdict, markup=False, highlight=False)
    if problems:
        raise typer.Exit(1)
