"""Evaluating what changed gives the alerts a full evaluation gives, and the replay of
the demo store still tells what docs/alerts.md says it does."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from bloc.alerts import Changes, add_starter, evaluate, replay
from bloc.alerts.evaluate import Alert, load_rules
from bloc.cli import app
from bloc.ingest import ingest
from bloc.store import Store
from bloc.store.decisions import Decision
from bloc.store.review import decide
from helpers import rows

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


def add_event(path: Path, eid: str, row: tuple[object, ...], published: str) -> None:
    """Store one text event (date, source, target, type, intensity) with one report."""
    with Store.open(path) as s, s.transaction() as con:
        con.execute(
            "INSERT INTO events (id, date, date_precision, source, target, type, intensity, "
            "confidence, origin) VALUES (?, ?, 'day', ?, ?, ?, ?, 0.8, 'text')",
            [eid, *row],
        )
        con.execute(
            "INSERT INTO evidence VALUES (?, ?, 'a sentence', 0, 10, ?, NULL)",
            [eid, f"{eid}.txt", published],
        )


def kept_sums(path: Path) -> dict[tuple[str, str, str, str], tuple[float, float, int]]:
    with Store.open(path, read_only=True) as s:
        rows = s.con.execute("SELECT alliance, member, other, part, w, wt, n FROM risk_sums")
        return {tuple(r[:4]): (float(r[4]), float(r[5]), int(r[6])) for r in rows.fetchall()}


def test_late_restating_rejected_and_corrected_events_keep_the_sums_exact(
    ingested: Path, synthetic: object, tmp_path: Path
) -> None:
    """After a first evaluation: an event dated 2016 reported only now, a text event
    restating a curated entry (which becomes known from the earlier report), a rejected
    and a corrected event. Evaluated on those alone, the kept sums are those a rebuild
    from the whole record gives, and the alerts those of a full evaluation."""
    store = tmp_path / "store.duckdb"
    shutil.copy(ingested, store)
    add_starter(store)
    summary = ingest([synthetic(40, 7)], db=store)  # type: ignore[operator]
    on = dt.datetime(2026, 12, 7, 12)
    evaluate(store, Changes.of(summary.changed), now=on)
    with Store.open(store, read_only=True) as s:
        entry = s.con.execute(
            "SELECT id, date, source, target, type, intensity FROM events "
            "WHERE origin = 'curated' AND source = 'ARM' AND target = 'CSTO' ORDER BY date"
        ).fetchone()
    assert entry is not None
    add_event(store, "late-2016", ("2016-03-01", "ARM", "CSTO", "REJECT", -4.0), "2026-12-01")
    add_event(store, "restates", (entry[1], *entry[2:]), str(entry[1]))
    text = sorted(summary.changed)
    decide(store, Decision(text[0], "reject", reviewer="t"))
    decide(store, Decision(text[1], "correct", type="ASSAULT", reviewer="t"))
    changed = ["late-2016", "restates", text[0], text[1]]
    full_store = tmp_path / "full.duckdb"
    shutil.copy(store, full_store)
    later = on + dt.timedelta(hours=1)
    alerts = evaluate(store, Changes.of(changed), now=later)
    full = evaluate(full_store, Changes.of(changed, all_risk=True), now=later)
    with Store.open(store, read_only=True) as s:
        alliance = {r.id: r.alliance for r in load_rules(s)}
    touched = {alliance[a.rule] for a in full if a.kind.startswith("risk")}
    assert shown(alerts) == shown(
        [a for a in full if a.kind == "event" or alliance[a.rule] in touched]
    )
    mine, rebuilt = kept_sums(store), kept_sums(full_store)
    assert {k for k, v in mine.items() if v[2]} == {k for k, v in rebuilt.items() if v[2]}
    for key, (w, wt, n) in rebuilt.items():
        assert mine[key][2] == n, key
        assert mine[key][0] == pytest.approx(w, rel=1e-12, abs=1e-9), key
        assert mine[key][1] == pytest.approx(wt, rel=1e-12, abs=1e-9), key
    # The late report and the restatement moved the sums (the test tests something).
    late = rows(
        store, "SELECT count(*) FROM risk_terms WHERE event = 'late-2016' AND avail > 13000"
    )[0]
    restated = rows(store, "SELECT count(*) FROM risk_terms WHERE event = 'restates'")[0]
    assert late is not None and late[0] > 0 and restated == (0,)


def test_a_document_read_again_with_other_text_takes_its_old_events_out_of_the_sums(
    ingested: Path, synthetic: object, tmp_path: Path
) -> None:
    """Articles stored again under their ids with other text: the events only they
    reported are deleted, queued, and leave the kept sums as a rebuild makes them."""
    store = tmp_path / "store.duckdb"
    shutil.copy(ingested, store)
    add_starter(store)
    first = synthetic(20, 5)  # type: ignore[operator]
    on = dt.datetime(2026, 12, 7, 12)
    evaluate(store, Changes.of(ingest([first], db=store).changed), now=on)  # queue emptied
    ids = [json.loads(line)["id"] for line in first.read_text().splitlines()]
    other = synthetic(20, 6).read_text().splitlines()  # type: ignore[operator]
    again = tmp_path / "again.jsonl"
    again.write_text(
        "".join(
            json.dumps({**json.loads(line), "id": ids[i]}) + "\n" for i, line in enumerate(other)
        )
    )
    with Store.open(store, read_only=True) as s:
        before = {str(r[0]) for r in s.con.execute("SELECT id FROM events").fetchall()}
    summary = ingest([again], db=store)
    with Store.open(store, read_only=True) as s:
        after = {str(r[0]) for r in s.con.execute("SELECT id FROM events").fetchall()}
        queued = {str(r[0]) for r in s.con.execute("SELECT event_id FROM alert_queue").fetchall()}
    assert before - after and before - after <= queued  # some went, and were queued
    full_store = tmp_path / "full.duckdb"
    shutil.copy(store, full_store)
    evaluate(store, Changes.of(summary.changed), now=on)
    evaluate(full_store, Changes.of(summary.changed, all_risk=True), now=on)
    mine, rebuilt = kept_sums(store), kept_sums(full_store)
    assert {k for k, v in mine.items() if v[2]} == {k for k, v in rebuilt.items() if v[2]}
    for key, (w, _, n) in rebuilt.items():
        assert mine[key][2] == n and mine[key][0] == pytest.approx(w, rel=1e-12, abs=1e-9), key


def test_a_schema_9_store_gains_the_sums_and_the_next_evaluation_builds_them(
    ingested: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store.duckdb"
    shutil.copy(ingested, store)
    add_starter(store)
    con = duckdb.connect(str(store))
    con.execute("DROP TABLE risk_terms; DROP TABLE risk_sums; DROP TABLE risk_built")
    con.execute("UPDATE meta SET value = '9' WHERE key = 'schema_version'")
    text = [
        str(r[0]) for r in con.execute("SELECT id FROM events WHERE origin = 'text'").fetchall()
    ]
    con.close()
    full_store = tmp_path / "full.duckdb"
    shutil.copy(store, full_store)
    on = dt.datetime(2026, 12, 7, 12)
    alerts = evaluate(store, Changes.of(text), now=on)
    full = evaluate(full_store, Changes.of(text, all_risk=True), now=on)
    with Store.open(store, read_only=True) as s:
        assert s.meta("schema_version") == "10"
        built = {str(r[0]) for r in s.con.execute("SELECT alliance FROM risk_built").fetchall()}
        alliance = {r.id: r.alliance for r in load_rules(s)}
    assert built == {a for r, a in alliance.items() if "risk" in r and a}
    touched = {alliance[a.rule] for a in alerts if a.kind.startswith("risk")}
    assert touched and shown(alerts) == shown(
        [a for a in full if a.kind == "event" or alliance[a.rule] in touched]
    )
    assert kept_sums(store).keys() == kept_sums(full_store).keys()


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
