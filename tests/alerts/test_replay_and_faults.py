"""Replay over 2022-2024 on the demo store, and faults: a process killed between its
write and its evaluation, or in the middle of a delivery, loses no alert."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from receiver import Receiver
from typer.testing import CliRunner

from bloc.alerts import Changes, add_hook, add_starter, evaluate, replay
from bloc.alerts.evaluate import load_rules
from bloc.cli import app
from bloc.store import Store

runner = CliRunner()


@pytest.mark.slow
def test_replay_2022_to_2024_tells_what_a_reader_expects(db: Path) -> None:
    assert runner.invoke(app, ["demo", "--db", str(db)]).exit_code == 0  # adds the defaults
    import datetime as dt

    alerts = replay(db, dt.date(2022, 1, 1), dt.date(2024, 12, 31), step=14)
    said = [(a.rule, a.title) for a in alerts]
    assert any(r == "csto-request" and t.startswith("KAZ REQUEST CSTO (2022-01") for r, t in said)
    armenian = [t for r, t in said if r == "csto-request" and t.startswith("ARM REQUEST CSTO")]
    assert any("(2022-09" in t for t in armenian)
    steps_away = [t for r, t in said if r == "csto-break" and t.startswith("ARM REJECT CSTO")]
    assert any("(2023" in t for t in steps_away) and any("(2024-02" in t for t in steps_away)
    risk = [a for a in alerts if a.rule == "csto-risk-above"]
    assert [a.evidence["member"] for a in risk][-1] == "ARM"
    assert risk[-1].as_of >= dt.date(2024, 2, 22)  # the freeze, not before it is known
    # Nothing is known before it could be read: no alert is dated after its step day.
    assert all(a.as_of <= a.raised_at.date() for a in alerts)
    # A replay shows; it stores nothing.
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM alerts").fetchone() == (0,)
    con.close()


def test_events_a_killed_process_wrote_are_evaluated_by_the_next_evaluation(
    db: Path, tmp_path: Path
) -> None:
    """An ingest whose process dies before `after_change` leaves its events queued."""
    add_starter(db)
    article = tmp_path / "a.txt"
    article.write_text(
        "Wire\n\nMarch 3, 2023\n\nTajikistan asked the CSTO for military help on March 2.",
        encoding="utf-8",
    )
    from bloc.ingest import ingest

    ingest([article], db=db)  # stored; its evaluation never ran (as if killed here)
    with Store.open(db, read_only=True) as store:
        waiting = store.con.execute("SELECT count(*) FROM alert_queue").fetchone()
    assert waiting is not None and waiting[0] >= 1
    raised = evaluate(db, Changes.of(feeds=True))  # any later evaluation takes the queue
    assert [a.evidence["source"] for a in raised if a.rule == "csto-request"] == ["TJK"]
    with Store.open(db, read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM alert_queue").fetchone() == (0,)
        assert len(load_rules(store)) > 0
    assert [a for a in evaluate(db, Changes.of(feeds=True)) if a.rule == "csto-request"] == []


@pytest.mark.slow
def test_a_delivery_killed_midway_is_made_again_and_recorded_once(db: Path) -> None:
    add_starter(db)
    receiver = Receiver(status=204, delay=1.0)
    try:
        add_hook(receiver.url, db, allow_private=True)
        raised = evaluate(db, Changes.of(all_risk=True))  # Armenia's frozen participation
        assert raised
        child = subprocess.Popen(
            [sys.executable, "-m", "bloc", "alerts", "deliver", "--db", str(db)],
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while not receiver.ids and time.monotonic() < deadline:
            time.sleep(0.05)
        assert receiver.ids, "the delivery never reached the receiver"
        os.killpg(child.pid, signal.SIGKILL)  # killed while the receiver is answering
        child.wait()
        result = runner.invoke(app, ["alerts", "deliver", "--db", str(db)])
        assert result.exit_code == 0, result.output
    finally:
        receiver.close()
    ids = {a.id for a in raised}
    assert set(receiver.ids) == ids  # every alert delivered; at least once
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT alert, status FROM alert_deliveries ORDER BY alert").fetchall()
    con.close()
    assert sorted(rows) == sorted((i, "sent") for i in ids)  # one row each, all sent
