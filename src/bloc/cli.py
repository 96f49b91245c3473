"""The `bloc` command line: a thin Typer layer over `bloc.api`; the only place that prints."""

from __future__ import annotations

import enum
import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from bloc import api, measures, simulate
from bloc.errors import BlocError
from bloc.ingest import IngestSummary, ingest
from bloc.model import Document, Rejected
from bloc.store import ORIGINS, View, default_db_path, opened
from bloc.store.check import check_path
from bloc.web import findings

app = typer.Typer(
    help="bloc: an observatory for military alliances (CSTO first, NATO as the comparison).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True)


class Format(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Store file (default: $BLOC_DB or the user data directory)."),
]


class Engine(enum.StrEnum):
    local = "local"
    dask = "dask"


class ExportFormat(enum.StrEnum):
    parquet = "parquet"
    jsonl = "jsonl"
    csv = "csv"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OriginOption = Annotated[
    list[str] | None,
    typer.Option(
        "--origin",
        help=f"Only events these origins report ({', '.join(ORIGINS)} or all); repeatable. "
        "Default: every origin.",
    ),
]


def _view(db: Path | None, origin: list[str] | None) -> Path | View | None:
    """The store as the command reads it: through the origins chosen, if any."""
    return View(db or default_db_path(), origin) if origin else db


def _fail(exc: BlocError) -> None:
    err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
    raise typer.Exit(1)


def _cell(value: Any) -> str:
    plain = api.plain(value)
    if isinstance(plain, float):
        return f"{plain:.3f}"
    if isinstance(plain, list):
        return "; ".join(
            str(v.get("document", v)) if isinstance(v, dict) else str(v) for v in plain
        )
    return "" if plain is None else str(plain)


def emit(
    frame: pd.DataFrame,
    fmt: Format,
    title: str | None = None,
    columns: list[str] | None = None,
) -> None:
    """Print a frame as a Rich table (only `columns`, if given), JSON array or CSV."""
    if fmt is Format.json:
        sys.stdout.write(api.to_json(frame) + "\n")
    elif fmt is Format.csv:
        records = api.to_records(frame)
        flat = pd.DataFrame(
            [{k: _cell(v) if isinstance(v, list) else v for k, v in r.items()} for r in records],
            columns=frame.columns,
        )
        sys.stdout.write(flat.to_csv(index=False))
    else:
        table = Table(title=title, show_lines=False, title_justify="left")
        if columns:
            frame = frame[columns]
        for column in frame.columns:
            table.add_column(str(column), overflow="fold")
        for row in frame.itertuples(index=False):
            # Article text is untrusted: never interpret it as Rich markup.
            table.add_row(*(_escape(_cell(v)) for v in row))
        out.print(table)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


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
        _fail(exc)
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
        _fail(exc)
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
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Curated, text-derived and imported events, each with its evidence."""
    try:
        frame = api.events(
            actor, type, alliance, since, until, origin, db=db, min_confidence=min_confidence
        )
    except BlocError as exc:
        _fail(exc)
    emit(frame, fmt, f"{len(frame)} events", EVENT_TABLE)


EVENT_TABLE = [
    "date",
    "source",
    "type",
    "target",
    "mode",
    "alliance",
    "intensity",
    "origin",
    "evidence",
]


@app.command()
def demo(db: DbOption = None) -> None:
    """Build the store from the bundled model and print a short account of the CSTO."""
    path = db or default_db_path()
    try:
        with out.status("Loading the bundled knowledge base…"), opened(path):
            pass
        parts = [
            findings.membership_finding("CSTO", db=path),
            findings.requests_finding("CSTO"),
            findings.cohesion_finding("CSTO", db=path),
        ]
    except BlocError as exc:
        _fail(exc)
    out.print(f"[dim]store: {path}[/]")
    for part in parts:
        out.rule(f"[bold]{part.title}")
        for line in part.lines:
            out.print(line, markup=False, highlight=False)
    out.print()
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
        Engine, typer.Option(help="local: this process; dask: a Dask cluster.")
    ] = Engine.local,
    workers: Annotated[
        int, typer.Option(help="Dask workers of the local cluster.", min=1, max=256)
    ] = 2,
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

            def tick(item: Document | Rejected) -> None:
                bar.advance(task)

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
                summary = ingest(paths, db=db, published=day, progress=tick)
    except BlocError as exc:
        _fail(exc)
    _print_summary(summary)


def _print_summary(summary: IngestSummary) -> None:
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
    polecat = "polecat"
    acled = "acled"


@app.command("import")
def import_command(
    dataset: Annotated[Dataset, typer.Argument(help="The dataset the files come from.")],
    files: Annotated[
        list[Path],
        typer.Argument(help="GDELT 2.0 exports (.CSV or .zip), POLECAT weekly files, ACLED CSVs."),
    ],
    keep_all: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Keep every event whose actors map, not only those touching an alliance's "
            "members, the alliances and their rivals.",
        ),
    ] = False,
    db: DbOption = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="table, or json for scripts.")
    ] = Format.table,
) -> None:
    """Import an event dataset, mapped to PLOVER (re-running changes nothing)."""
    from bloc.ingest.datasets import import_files

    try:
        with err.status(f"importing {dataset.value}…"):
            summary = import_files(dataset.value, files, db, keep_all=keep_all)
    except BlocError as exc:
        _fail(exc)
    if fmt is Format.json:
        sys.stdout.write(json.dumps(summary.records(), indent=2, ensure_ascii=False) + "\n")
    else:
        for line in summary.lines():
            out.print(line, markup=False, highlight=False)
    if any(f.failed for f in summary.files):
        raise typer.Exit(1)


OnOption = Annotated[
    str | None, typer.Option("--on", help="As of this date, YYYY-MM-DD (default: today).")
]
ByOption = Annotated[str, typer.Option("--by", help="Period: month, quarter or year.")]
SinceOption = Annotated[str | None, typer.Option(help="First day shown (default: first evidence).")]
UntilOption = Annotated[str | None, typer.Option(help="Last day shown (default: today).")]


@app.command("alignment")
def alignment_command(
    alliance: Annotated[str, typer.Argument(help="Alliance code.")],
    by: ByOption = "year",
    member: Annotated[str | None, typer.Option(help="Only this member.")] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    origin: OriginOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Each member's alignment with the alliance and its leader (-1..1), per period."""
    try:
        view = _view(db, origin)
        frame = measures.alignment(
            alliance, by=by, member=member, since=since, until=until, db=view
        )
    except BlocError as exc:
        _fail(exc)
    emit(frame, fmt, f"{alliance.upper()}: alignment by {by} (as of each period's end)")


@app.command("dyads")
def dyads_command(
    alliance: Annotated[str, typer.Argument(help="Alliance code.")],
    on: OnOption = None,
    matrix: Annotated[bool, typer.Option(help="Print a member-by-member matrix.")] = False,
    origin: OriginOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Relations between members (-1 hostile .. +1 friendly), most hostile pair first."""
    try:
        frame = measures.dyads(alliance, on=on, db=_view(db, origin))
    except BlocError as exc:
        _fail(exc)
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
        _fail(exc)
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
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """One cohesion index (0..1) per period, and its parts."""
    try:
        frame = measures.cohesion(alliance, by=by, since=since, until=until, db=_view(db, origin))
    except BlocError as exc:
        _fail(exc)
    emit(frame, fmt, f"{alliance.upper()}: cohesion by {by} (as of each period's end)")


@app.command("risk")
def risk_command(
    alliance: Annotated[str, typer.Argument(help="Alliance code.")],
    on: OnOption = None,
    explain: Annotated[
        str | None, typer.Option(help="List the dated, cited evidence behind one member.")
    ] = None,
    origin: OriginOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Members ranked by risk of leaving or freezing participation, with reasons."""
    try:
        view = _view(db, origin)
        if explain:
            frame = measures.explain(alliance, explain, on=on, db=view)
            title = f"{alliance.upper()}: evidence behind {explain.upper()}'s exit risk"
        else:
            frame = measures.risk(alliance, on=on, db=view)
            title = f"{alliance.upper()}: exit risk on {on or 'today'}"
    except BlocError as exc:
        _fail(exc)
    columns = None if explain or fmt is not Format.table else ["rank", "member", "score", "reasons"]
    emit(frame, fmt, title, columns)


@app.command("compare")
def compare_command(
    alliances: Annotated[list[str], typer.Argument(help="Two or more alliance codes.")],
    on: OnOption = None,
    origin: OriginOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The same measures for several alliances, side by side."""
    try:
        frame = measures.compare(alliances, on=on, db=_view(db, origin))
    except BlocError as exc:
        _fail(exc)
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
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """What each member and the alliance do when a member invokes collective defence."""
    try:
        scenario = simulate.parse_scenario(alliance, requester, threat, aggressor, on, assume)
        result = simulate.simulate(scenario, draws=draws, seed=seed, db=_view(db, origin))
    except BlocError as exc:
        _fail(exc)
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
    origin: OriginOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Predict every historical request from what was known the day before it."""
    if calibration:
        _calibration(alliance, draws, seed, _view(db, origin), fmt)
        return
    if alliance is None:
        err.print("error: name an alliance (e.g. CSTO) or use --calibration", highlight=False)
        raise typer.Exit(2)
    try:
        frame = simulate.backtest(alliance, draws=draws, seed=seed, db=_view(db, origin))
    except BlocError as exc:
        _fail(exc)
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


def _calibration(
    alliance: str | None, draws: int, seed: int, db: Path | View | None, fmt: Format
) -> None:
    """`bloc backtest --calibration`: over every alliance's cases, or the named one's."""
    try:
        frame = simulate.backtest_all([alliance] if alliance else None, draws, seed, db)
    except BlocError as exc:
        _fail(exc)
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


@app.command("export")
def export_command(
    folder: Annotated[Path, typer.Argument(help="Folder to write events, documents, evidence to.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.parquet,
    db: DbOption = None,
) -> None:
    """Write the store's events, documents and evidence for pandas, Polars, R or Spark."""
    try:
        files = api.export(folder, fmt.value, db)
    except BlocError as exc:
        _fail(exc)
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
        report = check_path(db, repair=repair)
    except BlocError as exc:
        _fail(exc)
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
        _fail(exc)


@app.command("report")
def report_command(
    alliance: Annotated[str, typer.Argument(help="Alliance code, e.g. CSTO.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path(
        "report.html"
    ),
    on: OnOption = None,
    origin: OriginOption = None,
    db: DbOption = None,
) -> None:
    """One self-contained HTML report (charts inside, no external requests) to share."""
    from bloc.web import report

    try:
        path = report.write(alliance, out, api.parse_day(on), _view(db, origin))
    except BlocError as exc:
        _fail(exc)
    out_size = path.stat().st_size
    err.print(f"report written to {path} ({out_size / 1e6:.1f} MB, opens offline)")


# -- feeds ------------------------------------------------------------------------

feeds_app = typer.Typer(
    help="The news feeds `bloc watch` polls: add, list, remove, or add the starter list.",
    no_args_is_help=True,
)
app.add_typer(feeds_app, name="feeds")


class Lang(enum.StrEnum):
    en = "en"
    ru = "ru"


def _say(text: str, console: Console = out) -> None:
    """Print text that may come from a feed or a page: never read as markup."""
    console.print(text, markup=False, highlight=False)


@feeds_app.command("add")
def feeds_add(
    url: Annotated[str, typer.Argument(help="The feed's address (RSS or Atom), http(s).")],
    name: Annotated[
        str | None, typer.Option(help="A short name (default: the site's host).")
    ] = None,
    lang: Annotated[Lang, typer.Option(help="The language of its articles.")] = Lang.en,
    db: DbOption = None,
) -> None:
    """Add a feed (adding the same name and URL again changes nothing)."""
    from bloc.ingest.feeds import add_feed

    try:
        added, what = add_feed(url, name, lang.value, db)
    except BlocError as exc:
        _fail(exc)
    _say(f"feed {added}: {what} ({url.strip()}, {lang.value})")


@feeds_app.command("list")
def feeds_list(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Every feed: when it was last polled and answered, its items, its last error."""
    from bloc.ingest.feeds import feeds_frame

    try:
        frame = feeds_frame(db)
    except BlocError as exc:
        _fail(exc)
    columns = ["name", "url", "lang", "last_polled", "last_ok", "items", "stored", "last_error"]
    emit(frame, fmt, f"{len(frame)} feeds", columns)
    if frame.empty and fmt is Format.table:
        _say("no feeds yet: `bloc feeds add URL` or `bloc feeds starter`")


@feeds_app.command("remove")
def feeds_remove(
    name: Annotated[str, typer.Argument(help="The feed's name (see `bloc feeds list`).")],
    db: DbOption = None,
) -> None:
    """Stop polling a feed (the articles already stored stay)."""
    from bloc.ingest.feeds import remove_feed

    try:
        items = remove_feed(name, db)
    except BlocError as exc:
        _fail(exc)
    _say(f"feed {name} removed ({items} item records dropped; stored articles kept)")


@feeds_app.command("starter")
def feeds_starter(
    lang: Annotated[Lang | None, typer.Option(help="Only the outlets in this language.")] = None,
    show: Annotated[
        bool, typer.Option("--list", help="Only list the outlets; add nothing.")
    ] = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Add the bundled starter outlets (state agencies, RFE/RL services, independent media)."""
    from bloc.ingest.starter import add_starter, starter, starter_note

    code = lang.value if lang else None
    try:
        rows = [(o, "") for o in starter(code)] if show else add_starter(db, code)
        note = starter_note()
    except BlocError as exc:
        _fail(exc)
    frame = pd.DataFrame(
        [
            {
                "name": o.name,
                "outlet": o.outlet,
                "url": o.url,
                "lang": o.lang,
                "kind": o.kind,
                "covers": list(o.covers),
                **({} if show else {"result": what}),
            }
            for o, what in rows
        ]
    )
    emit(frame, fmt, "starter outlets" + ("" if show else " added"))
    _say(note, out if fmt is Format.table else err)


@app.command("watch")
def watch_command(
    once: Annotated[
        bool, typer.Option("--once", help="One pass, then exit (for cron or a systemd timer).")
    ] = False,
    interval: Annotated[
        str, typer.Option(help="Time from one pass to the next: 30s, 15m, 2h.")
    ] = "15m",
    delay: Annotated[
        float,
        typer.Option(
            help="Seconds between two requests to one host (robots.txt's Crawl-delay if longer).",
            min=0,
        ),
    ] = 2.0,
    db: DbOption = None,
) -> None:
    """Poll the feeds, fetch each new article, code it and store it; a failed feed is
    reported and the others go on (the exit status is 0 unless the store is unusable)."""
    from bloc.ingest.fetch import Politeness
    from bloc.ingest.watch import parse_interval, watch, watch_once

    politeness = Politeness(delay=delay)
    try:
        if once:
            _pass_report(watch_once(db, politeness=politeness))
            return
        seconds = parse_interval(interval)
        err.print(f"polling every {interval.strip()} (Ctrl-C stops)", highlight=False)
        watch(
            db,
            seconds,
            on_pass=_pass_report,
            on_busy=lambda exc: _say(f"pass skipped: {exc}", err),
            politeness=politeness,
        )
    except BlocError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        err.print("stopped")


def _pass_report(report: Any) -> None:
    from bloc.ingest.watch import PassReport

    assert isinstance(report, PassReport)
    if not report.feeds:
        _say("no feeds to poll: add one with `bloc feeds add URL` or `bloc feeds starter`")
        return
    s = report.summary
    failures = sum(len(f.failures) for f in report.feeds)
    _say(
        f"{len(report.feeds)} feeds polled in {report.seconds:.1f}s "
        f"({len(report.failed)} failed): {sum(f.new for f in report.feeds)} new items, "
        f"{sum(f.stored for f in report.feeds)} articles stored, "
        f"{sum(f.unchanged for f in report.feeds)} already stored, {failures} not stored; "
        f"events new {s.events_new}, merged {s.events_merged}"
    )
    for feed in report.feeds:
        if feed.error:
            _say(f"feed {feed.name} failed ({feed.url}): {feed.error}")
        else:
            state = "not modified" if feed.not_modified else f"{feed.new} new"
            _say(f"feed {feed.name}: {state}, {feed.stored} stored")
        if feed.warning:
            _say(f"  feed {feed.name} ({feed.url}): {feed.warning}")
        for failure in feed.failures:
            again = " (will try again)" if failure.again else ""
            _say(f"  not stored {failure.url}: {failure.reason}{again}")


def run() -> None:  # pragma: no cover - console entry point
    app()
