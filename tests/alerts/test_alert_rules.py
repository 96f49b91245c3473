"""Alert rules: refused with a clear message before anything is stored; the defaults."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from bloc.alerts import add_rules, add_starter, rule_from, rules_frame
from bloc.alerts.evaluate import Changes, evaluate
from bloc.alerts.rules import load_rules_file
from bloc.cli import app
from bloc.errors import AlertError, UnknownAllianceError
from bloc.knowledge import bundled

runner = CliRunner()


def stored_rules(db: Path) -> int:
    if not db.exists():
        return 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM alert_rules").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["risk-above", "--alliance", "CSTO", "--threshold", "1.5"], "threshold must lie above 0"),
        (["risk-above", "--alliance", "XYZ", "--threshold", "0.5"], "unknown alliance 'XYZ'"),
        (["risk-above", "--threshold", "0.5"], "needs --alliance"),
        (["risk-jump", "--alliance", "CSTO", "--amount", "0.2"], "window must be"),
        (["event", "--alliance", "CSTO", "--type", "HUG"], "HUG is not a PLOVER type"),
        (["event", "--alliance", "CSTO", "--type", "REQUEST", "--source", "QQQ"],
         "unknown actor 'QQQ'"),
        (["event", "--alliance", "CSTO", "--type", "REQUEST", "--threshold", "0.5"],
         "takes no --threshold"),
        (["source-quiet", "--hours", "-3"], "hours must be a number above 0"),
    ],
)  # fmt: skip
def test_a_bad_rule_is_refused_naming_the_problem_and_nothing_is_stored(
    db: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, ["alerts", "add", *args, "--db", str(db)])
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert stored_rules(db) == 0


def test_a_webhook_that_is_not_http_is_refused(db: Path) -> None:
    for url in ("ftp://example.org/hook", "file:///etc/passwd", "hook"):
        result = runner.invoke(app, ["alerts", "hook", "add", url, "--db", str(db)])
        assert result.exit_code == 1 and "not an http(s) address" in result.output
    private = runner.invoke(app, ["alerts", "hook", "add", "http://10.1.2.3/h", "--db", str(db)])
    assert private.exit_code == 1 and "private network" in " ".join(private.output.split())


def test_a_rules_file_with_one_bad_entry_stores_none(db: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n"
        "  - {kind: risk-above, alliance: CSTO, threshold: 0.6}\n"
        "  - {kind: event, alliance: NATO, types: [ASSAULT], source: member, target: TUR}\n"
        "  - {kind: risk-jump, alliance: CSTO, amount: 0.3, window: 30, colour: red}\n",
        encoding="utf-8",
    )
    with pytest.raises(AlertError, match=r"rules\.yaml: rules\[2\]: .*no field colour"):
        load_rules_file(rules, bundled())
    result = runner.invoke(app, ["alerts", "load", str(rules), "--db", str(db)])
    assert result.exit_code == 1 and stored_rules(db) == 0
    rules.write_text(rules.read_text().replace(", colour: red", ""), encoding="utf-8")
    assert (
        "3 rules added"
        in runner.invoke(app, ["alerts", "load", str(rules), "--db", str(db)]).output
    )


def test_starter_rules_cover_every_alliance_once(db: Path) -> None:
    added, known = add_starter(db)
    alliances = sorted(bundled().alliances)
    assert (added, known) == (5 * len(alliances) + 1, 0)
    assert add_starter(db) == (0, added)  # added once
    frame = rules_frame(db)
    assert set(frame["alliance"].dropna()) == set(alliances)
    said = dict(zip(frame["id"], frame["says"], strict=True))
    assert said["csto-request"] == "REQUEST from a CSTO member to CSTO"
    assert said["nato-break"] == "REJECT/SANCTION between a NATO member and NATO"


def test_an_unknown_alliance_is_refused_by_the_api_too(db: Path) -> None:
    with pytest.raises(UnknownAllianceError):
        add_rules([rule_from({"kind": "risk-above", "alliance": "ZZZ", "threshold": 0.5})], db)


def test_risk_above_fires_once_until_the_member_falls_back(db: Path) -> None:
    """Armenia's frozen participation puts its risk at 1.0: raised on the first evaluation,
    not again while it stays above (however often evaluated)."""
    add_rules([rule_from({"kind": "risk-above", "alliance": "CSTO", "threshold": 0.9})], db)
    now = dt.datetime(2025, 1, 1, 12)
    first = evaluate(db, Changes.of(all_risk=True), now=now, on=dt.date(2025, 1, 1))
    assert [(a.rule, a.evidence["member"]) for a in first] == [("csto-risk-above-0.9", "ARM")]
    assert first[0].evidence["after"] == 1.0 and first[0].evidence["reasons"]
    later = evaluate(db, Changes.of(all_risk=True), now=now, on=dt.date(2025, 2, 1))
    assert later == []
    # Before the freeze (February 2024) no member was that high: evaluating that day
    # resets the state, and the next evaluation after the freeze raises it anew.
    assert evaluate(db, Changes.of(all_risk=True), now=now, on=dt.date(2023, 1, 1)) == []
    again = evaluate(db, Changes.of(all_risk=True), now=now, on=dt.date(2025, 3, 1))
    assert [a.evidence["member"] for a in again] == ["ARM"] and again[0].id != first[0].id
