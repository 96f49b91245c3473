"""Evaluating what changed gives the alerts a full evaluation gives, and the replay of
the demo store still tells what docs/alerts.md says it does."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bloc.alerts import Changes, add_starter, evaluate, replay
from bloc.alerts.evaluate import Alert, load_rules
from bloc.cli import app
from bloc.ingest import ingest
from bloc.store import Store

DOCS = Path(__file__).resolve().parents[2] / "docs" / "alerts.md"


def shown(alerts: list[Alert]) -> list[tuple[str, str, dt.date, str, str]]:
    return sorted(
        (a.id, a.rule, a.as_of, a.title, repr(sorted(a.evidence.items()))) for a in alerts
    )


def test_evaluating_the_changes_raises_what_a_full_evaluation_raises(
    ingested: Path, synthetic: object, tmp_path: Path
) -> None:
    """The same store and ingest, evaluated on what the ingest changed and on everything
    (every alliance's risk): the same alerts for every rule the changes can touch, and
    nothing for the rules they cannot."""
    store = tmp_path / "store.duckdb"
    shutil.copy(ingested, store)
    add_starter(store)
    texts = synthetic(60, 5)  # type: ignore[operator]
    summary = ingest([texts], db=store)
    assert summary.changed
    full_store = tmp_path / "full.duckdb"
    shutil.copy(store, full_store)
    on = dt.datetime(2026, 12, 7, 12)
    changed = evaluate(store, Changes.of(summary.changed), now=on)
    full = evaluate(full_store, Changes.of(summary.changed, all_risk=True), now=on)
    with Store.open(store, read_only=True) as s:
        alliance = {r.id: r.alliance for r in load_rules(s)}
    risk_rules = {a.rule for a in changed if a.kind.startswith("risk")}
    touched = {alliance[r] for r in risk_rules}
    assert any(a.kind == "event" for a in changed) and touched  # both kinds were exercised
    expected = [a for a in full if a.kind == "event" or alliance[a.rule] in touched]
    assert shown(changed) == shown(expected)
    # The rules' state the two leave for the next evaluation agrees on the touched ones.
    states = {}
    for path in (store, full_store):
        with Store.open(path, read_only=True) as s:
            rows = s.con.execute(
                "SELECT rule, subject, active, since, round(value, 12) FROM alert_state"
            ).fetchall()
        # As text: a member without evidence scores NaN, which equals nothing.
        states[path] = sorted(str(r) for r in rows if alliance.get(str(r[0])) in touched)
    assert states[store] == states[full_store]


def documented() -> list[tuple[str, str, str]]:
    """The replay docs/alerts.md prints: (as_of, rule, title) of each line."""
    block = DOCS.read_text(encoding="utf-8").split("## Replay", 1)[1].split("```")[1]
    lines = [line.split(None, 2) for line in block.strip().splitlines()]
    return [(day, rule, title) for day, rule, title in lines]


@pytest.mark.slow
def test_the_replay_of_the_demo_store_is_the_one_documented(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    assert CliRunner().invoke(app, ["demo", "--db", str(db)]).exit_code == 0
    alerts = replay(db, dt.date(2022, 1, 1), dt.date(2024, 12, 31), step=14)
    said = [(a.as_of.isoformat(), a.rule, re.sub(r": .*$", "", a.title)) for a in alerts]
    assert said == documented()
