"""`bloc alerts ...`: rules, the log, replay, webhooks; and `after_change`, which every
command that changes the store calls to evaluate the rules on what it changed."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bloc.cli.common import DbOption, Format, FormatOption, app, emit, err, fail, say
from bloc.cli.lazy import lazy
from bloc.errors import BlocError
from bloc.store.view import View

if TYPE_CHECKING:
    from bloc import api
else:
    api = lazy("bloc.api")

alerts_app = typer.Typer(
    help="Alerts: rules that watch the store, what they raised, and where they are sent.",
    no_args_is_help=True,
)
hook_app = typer.Typer(help="Webhooks that receive every alert, signed.", no_args_is_help=True)
alerts_app.add_typer(hook_app, name="hook")
app.add_typer(alerts_app, name="alerts")


class Kind(enum.StrEnum):
    risk_above = "risk-above"
    risk_jump = "risk-jump"
    event = "event"
    source_quiet = "source-quiet"


def after_change(
    db: Path | View | None,
    events: Iterable[str] = (),
    *,
    feeds: bool = False,
    all_risk: bool = False,
) -> None:
    """Evaluate the rules on what a command changed (the events it stored or merged
    into, a watch pass, votes that move every risk), tell the user, deliver to hooks.

    Called after the change is stored: an alert that cannot be evaluated or
    delivered never undoes it (the error is reported, the command succeeds).
    """
    from bloc.alerts import Changes, deliver_pending, evaluate

    changes = Changes.of(events, feeds=feeds, all_risk=all_risk)
    if not changes:
        return
    try:
        raised = evaluate(db, changes)
        for alert in raised:
            say(f"alert [{alert.rule}] {alert.title}", err)
        report = deliver_pending(db)
    except BlocError as exc:
        say(f"alerts not evaluated: {exc}", err)
        return
    if report.sent or report.failed:
        say(f"webhooks: {report.sent} delivered, {len(report.failed)} failed", err)


@alerts_app.command("add")
def alerts_add(
    kind: Annotated[Kind, typer.Argument(help="What the rule watches.")],
    alliance: Annotated[str | None, typer.Option(help="The alliance (e.g. CSTO).")] = None,
    threshold: Annotated[float | None, typer.Option(help="risk-above: 0-1.")] = None,
    amount: Annotated[float | None, typer.Option(help="risk-jump: the rise, 0-1.")] = None,
    window: Annotated[int | None, typer.Option(help="risk-jump: within days.")] = None,
    type_: Annotated[
        list[str] | None, typer.Option("--type", help="event: a PLOVER type; repeatable.")
    ] = None,
    mode: Annotated[list[str] | None, typer.Option(help="event: a mode; repeatable.")] = None,
    source: Annotated[
        str, typer.Option(help="event: an actor code, member, alliance or any.")
    ] = "any",
    target: Annotated[
        str, typer.Option(help="event: an actor code, member, alliance or any.")
    ] = "any",
    both_ways: Annotated[
        bool, typer.Option("--both-ways", help="event: also target to source.")
    ] = False,
    feed: Annotated[
        str | None, typer.Option(help="source-quiet: one feed (default: every feed).")
    ] = None,
    hours: Annotated[float | None, typer.Option(help="source-quiet: silent for hours.")] = None,
    name: Annotated[str | None, typer.Option("--id", help="The rule's id.")] = None,
    db: DbOption = None,
) -> None:
    """Add a rule (checked first: nothing is stored if it is wrong)."""
    from bloc.alerts import add_rules, rule_from
    from bloc.alerts.rules import FIELDS
    from bloc.errors import AlertError

    raw = {
        "id": name, "kind": kind.value, "alliance": alliance, "threshold": threshold,
        "amount": amount, "window": window, "types": type_, "modes": mode, "source": source,
        "target": target, "both_ways": both_ways, "feed": feed, "hours": hours,
    }  # fmt: skip
    given = {k: v for k, v in raw.items() if v not in (None, [], False, "any")}
    extra = sorted(set(given) - {"id", "kind", "alliance"} - FIELDS[kind.value])
    try:
        if extra:
            raise AlertError(
                f"a {kind.value} rule takes no --{', --'.join(e.rstrip('s') for e in extra)}"
            )
        added, _ = add_rules([rule_from(given)], db)
    except BlocError as exc:
        fail(exc)
    say("rule added" if added else "that rule is already there")


@alerts_app.command("load")
def alerts_load(
    path: Annotated[Path, typer.Argument(help="A YAML file: a list of rules.")],
    db: DbOption = None,
) -> None:
    """Add every rule of a YAML file (all checked before any is stored)."""
    from bloc.alerts import add_rules, load_rules_file
    from bloc.store import opened

    try:
        with opened(db) as store:
            rules = load_rules_file(path, store.knowledge)
        added, known = add_rules(rules, db)
    except BlocError as exc:
        fail(exc)
    say(f"{added} rules added, {known} already there")


@alerts_app.command("starter")
def alerts_starter(db: DbOption = None) -> None:
    """Add the default rules for every alliance bloc knows (added once)."""
    from bloc.alerts import add_starter

    try:
        added, known = add_starter(db)
    except BlocError as exc:
        fail(exc)
    say(f"{added} default rules added, {known} already there (`bloc alerts list`)")


@alerts_app.command("list")
def alerts_list(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Every rule, in words."""
    from bloc.alerts import rules_frame

    try:
        frame = rules_frame(db)
    except BlocError as exc:
        fail(exc)
    emit(frame, fmt, f"{len(frame)} alert rules")
    if frame.empty and fmt is Format.table:
        say("no rules yet: `bloc alerts starter` adds the defaults")


@alerts_app.command("remove")
def alerts_remove(
    rule: Annotated[str, typer.Argument(help="The rule's id (see `bloc alerts list`).")],
    db: DbOption = None,
) -> None:
    """Remove a rule (the alerts it raised stay in the log)."""
    from bloc.alerts import remove_rule

    try:
        remove_rule(rule, db)
    except BlocError as exc:
        fail(exc)
    say(f"rule {rule} removed")


@alerts_app.command("log")
def alerts_log(
    since: Annotated[str | None, typer.Option(help="Raised on or after YYYY-MM-DD.")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The alerts raised, newest first."""
    from bloc.alerts import alerts_frame

    try:
        frame = alerts_frame(db, api.parse_day(since))
    except BlocError as exc:
        fail(exc)
    emit(frame, fmt, f"{len(frame)} alerts", ["raised_at", "as_of", "rule", "title", "sent"])


@alerts_app.command("check")
def alerts_check(db: DbOption = None) -> None:
    """Evaluate the risk and quiet-feed rules now, on the whole store."""
    after_change(db, feeds=True, all_risk=True)


@alerts_app.command("replay")
def alerts_replay(
    since: Annotated[str, typer.Option(help="First day, YYYY-MM-DD.")],
    until: Annotated[str | None, typer.Option(help="Last day (default: today).")] = None,
    step: Annotated[int, typer.Option(help="Days between two evaluations.")] = 7,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """What the rules would have raised had bloc been running (nothing is stored).

    Each day uses only what was known on it."""
    import pandas as pd

    from bloc.alerts import replay

    try:
        start = api.parse_day(since)
        assert start is not None
        alerts = replay(db, start, api.parse_day(until), step)
    except BlocError as exc:
        fail(exc)
    frame = pd.DataFrame(
        [
            {"as_of": a.as_of, "rule": a.rule, "title": a.title, "evidence": a.evidence}
            for a in alerts
        ],
        columns=["as_of", "rule", "title", "evidence"],
    )
    emit(frame, fmt, f"{len(frame)} alerts would have been raised", ["as_of", "rule", "title"])


@alerts_app.command("deliver")
def alerts_deliver(db: DbOption = None) -> None:
    """Make the deliveries still pending (e.g. after a receiver was down)."""
    from bloc.alerts import deliver_pending

    try:
        report = deliver_pending(db)
    except BlocError as exc:
        fail(exc)
    say(f"{report.sent} delivered, {len(report.failed)} failed")
    for alert, hook, reason in report.failed:
        say(f"  {alert} to {hook}: {reason}")


@hook_app.command("add")
def hook_add(
    url: Annotated[str, typer.Argument(help="Where to POST each alert (http or https).")],
    allow_private: Annotated[
        bool,
        typer.Option("--allow-private", help="Allow a loopback or private-network receiver."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Add a webhook; prints the secret its signatures use (shown once)."""
    from bloc.alerts import add_hook

    try:
        hook, secret = add_hook(url, db, allow_private=allow_private)
    except BlocError as exc:
        fail(exc)
    say(f"hook {hook} added; signing secret (keep it, it is not shown again): {secret}")


@hook_app.command("list")
def hook_list(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Every hook and its deliveries (secrets are not shown)."""
    from bloc.alerts import hooks_frame

    try:
        frame = hooks_frame(db)
    except BlocError as exc:
        fail(exc)
    emit(frame, fmt, f"{len(frame)} webhooks")


@hook_app.command("remove")
def hook_remove(
    hook: Annotated[str, typer.Argument(help="The hook's id (see `bloc alerts hook list`).")],
    db: DbOption = None,
) -> None:
    """Remove a webhook (its pending deliveries are dropped; the log keeps the rest)."""
    from bloc.alerts import remove_hook

    try:
        remove_hook(hook, db)
    except BlocError as exc:
        fail(exc)
    say(f"hook {hook} removed")
