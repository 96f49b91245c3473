"""Commands that keep the store current: `bloc feeds ...` and `bloc watch`."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bloc.cli.alerts import after_change
from bloc.cli.common import (
    DbOption,
    Format,
    FormatOption,
    app,
    emit,
    err,
    fail,
    out,
    say,
)
from bloc.cli.lazy import lazy
from bloc.errors import BlocError

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy("pandas")

feeds_app = typer.Typer(
    help="The news feeds `bloc watch` polls: add, list, remove, or add the starter list.",
    no_args_is_help=True,
)


app.add_typer(feeds_app, name="feeds")


class Lang(enum.StrEnum):
    en = "en"
    ru = "ru"


@feeds_app.command("add")
def feeds_add(
    url: Annotated[str, typer.Argument(help="The feed's address (RSS or Atom), http(s).")],
    name: Annotated[
        str | None, typer.Option(help="A short name (default: the site's host).")
    ] = None,
    lang: Annotated[Lang, typer.Option(help="The language of its articles.")] = Lang.en,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private",
            help="Let this feed and its pages be fetched from loopback, private or link-local "
            "addresses (a feed on your own network); refused by default.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Add a feed (adding the same name and URL again changes nothing)."""
    from bloc.ingest.feeds import add_feed

    try:
        added, what = add_feed(url, name, lang.value, db, allow_private=allow_private)
    except BlocError as exc:
        fail(exc)
    say(f"feed {added}: {what} ({url.strip()}, {lang.value})")


@feeds_app.command("list")
def feeds_list(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Every feed: when it was last polled and answered, its items, its last error."""
    from bloc.ingest.feeds import feeds_frame

    try:
        frame = feeds_frame(db)
    except BlocError as exc:
        fail(exc)
    columns = ["name", "url", "lang", "last_polled", "last_ok", "items", "stored", "last_error"]
    emit(frame, fmt, f"{len(frame)} feeds", columns)
    if frame.empty and fmt is Format.table:
        say("no feeds yet: `bloc feeds add URL` or `bloc feeds starter`")


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
        fail(exc)
    say(f"feed {name} removed ({items} item records dropped; stored articles kept)")


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
        fail(exc)
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
    say(note, out if fmt is Format.table else err)


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
            _after_pass(db, watch_once(db, politeness=politeness))
            return
        seconds = parse_interval(interval)
        err.print(f"polling every {interval.strip()} (Ctrl-C stops)", highlight=False)
        watch(
            db,
            seconds,
            on_pass=lambda report: _after_pass(db, report),
            on_busy=lambda exc: say(f"pass skipped: {exc}", err),
            politeness=politeness,
        )
    except BlocError as exc:
        fail(exc)
    except KeyboardInterrupt:
        err.print("stopped")


def _after_pass(db: Path | None, report: Any) -> None:
    """Report a pass, then evaluate the alert rules on what it stored (and on the feeds)."""
    _pass_report(report)
    after_change(db, report.summary.changed, feeds=True)


def _pass_report(report: Any) -> None:
    from bloc.ingest.watch import PassReport

    assert isinstance(report, PassReport)
    if not report.feeds:
        say("no feeds to poll: add one with `bloc feeds add URL` or `bloc feeds starter`")
        return
    s = report.summary
    failures = sum(len(f.failures) for f in report.feeds)
    say(
        f"{len(report.feeds)} feeds polled in {report.seconds:.1f}s "
        f"({len(report.failed)} failed): {sum(f.new for f in report.feeds)} new items, "
        f"{sum(f.stored for f in report.feeds)} articles stored, "
        f"{sum(f.unchanged for f in report.feeds)} already stored, {failures} not stored; "
        f"events new {s.events_new}, merged {s.events_merged}"
    )
    for feed in report.feeds:
        if feed.error:
            say(f"feed {feed.name} failed ({feed.url}): {feed.error}")
        else:
            state = "not modified" if feed.not_modified else f"{feed.new} new"
            left = f", {feed.left} left for the next pass" if feed.left else ""
            say(f"feed {feed.name}: {state}, {feed.stored} stored{left}")
        if feed.warning:
            say(f"  feed {feed.name} ({feed.url}): {feed.warning}")
        for failure in feed.failures:
            again = " (will try again)" if failure.again else ""
            say(f"  not stored {failure.url}: {failure.reason}{again}")
