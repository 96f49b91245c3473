from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bloc.cli import app

runner = CliRunner()


def _json(args: list[str]) -> list[dict[str, object]]:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("alliance", "day", "count"),
    [
        ("CSTO", "1995-06-01", 9),
        ("CSTO", "2010-01-01", 7),
        ("CSTO", "2023-05-01", 6),
        ("NATO", "2023-05-01", 31),
        ("NATO", "2024-04-01", 32),
    ],
)
def test_members_json(db: Path, alliance: str, day: str, count: int) -> None:
    rows = _json(["members", alliance, "--on", day, "--db", str(db), "--format", "json"])
    assert len(rows) == count
    assert set(rows[0]) == {"member", "name", "since", "until", "status"}


def test_members_1995_are_the_nine(db: Path) -> None:
    rows = _json(["members", "CSTO", "--on", "1995-06-01", "--db", str(db), "--format", "json"])
    assert {r["member"] for r in rows} == {
        "ARM",
        "AZE",
        "BLR",
        "GEO",
        "KAZ",
        "KGZ",
        "RUS",
        "TJK",
        "UZB",
    }


def test_history_is_in_date_order_and_cited(db: Path) -> None:
    rows = _json(["history", "CSTO", "--db", str(db), "--format", "json"])
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)
    assert all(r["cite"] for r in rows)
    assert any(r["kind"] == "membership" and r["source"] == "UZB" for r in rows)


def test_events_filters_and_evidence(db: Path) -> None:
    rows = _json(
        ["events", "--actor", "KGZ", "--type", "REJECT", "--db", str(db), "--format", "json"]
    )
    assert rows and all(r["type"] == "REJECT" and "KGZ" in (r["source"], r["target"]) for r in rows)
    assert all(r["evidence"] and r["evidence"][0]["document"] for r in rows)
    csv = runner.invoke(
        app,
        [
            "events",
            "--since",
            "2022-09-01",
            "--until",
            "2022-09-30",
            "--db",
            str(db),
            "--format",
            "csv",
        ],
    )
    lines = csv.stdout.strip().splitlines()
    assert lines[0].startswith("id,date,date_precision,when,source,target,type")
    assert all(",2022-09-" in line for line in lines[1:]) and len(lines) > 3


def test_events_write_when_the_date_at_its_precision(db: Path) -> None:
    """`when` in JSON, CSV and the table: Kyrgyzstan's request of August 1999 (a month)
    is 1999-08, not the 1999-08-01 its `date` holds; a day's `when` is its date."""
    args = ["events", "--actor", "KGZ", "--until", "1999-12-31", "--db", str(db)]
    rows = _json([*args, "--format", "json"])
    months = [r for r in rows if r["date_precision"] == "month"]
    assert months and all(r["when"] == str(r["date"])[:7] for r in months)
    assert "1999-08" in {r["when"] for r in months}
    days = [r for r in rows if r["date_precision"] == "day"]
    assert all(r["when"] == r["date"] for r in days)
    csv = runner.invoke(app, [*args, "--format", "csv"]).stdout.splitlines()
    header = csv[0].split(",")
    at = header.index("when")
    assert header[at - 1] == "date_precision"
    assert {line.split(",")[at] for line in csv[1:]} == {r["when"] for r in rows}
    table = runner.invoke(app, args).stdout
    assert "1999-08 " in table and "1999-08-01" not in table


def test_demo_tells_the_csto_story_and_writes_its_report(db: Path, tmp_path: Path) -> None:
    written = tmp_path / "demo-report.html"
    result = runner.invoke(app, ["demo", "--db", str(db), "--report", str(written)])
    assert result.exit_code == 0, result.output
    assert "9 members" in result.stdout and "Kazakhstan asked for help" in result.stdout
    # Armenia, frozen since 2024, tops today's exit-risk ranking.
    assert "Exit risk today, highest first: ARM 1.00" in result.stdout
    assert f"Report: {written}" in " ".join(result.stdout.split())
    html = written.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "Collective Security Treaty" in html


def test_unknown_alliance_is_a_clear_error(db: Path) -> None:
    result = runner.invoke(app, ["members", "XYZPACT", "--db", str(db)])
    assert result.exit_code == 1
    assert "unknown alliance 'XYZPACT'" in result.stderr


def test_bad_date_is_a_clear_error(db: Path) -> None:
    result = runner.invoke(app, ["members", "CSTO", "--on", "yesterday", "--db", str(db)])
    assert result.exit_code == 1 and "YYYY-MM-DD" in result.stderr


def test_check_reports_problems_by_exit_code_and_repairs_them(db: Path, kb_db: Path) -> None:
    import shutil

    import duckdb

    missing = runner.invoke(app, ["check", "--db", str(db)])
    assert missing.exit_code == 1 and "no store at" in missing.stderr
    assert not db.exists()
    shutil.copy(kb_db, db)
    healthy = _json(["check", "--db", str(db), "--format", "json"])
    assert {r["status"] for r in healthy} == {"ok", "info"}
    assert {"schema", "orphan_evidence", "duplicate_text_events"} <= {r["check"] for r in healthy}

    con = duckdb.connect(str(db))
    con.execute("INSERT INTO evidence VALUES ('tgone', 'a.txt', 's', 0, 1, NULL, NULL)")
    con.close()
    broken = runner.invoke(app, ["check", "--db", str(db)])
    assert broken.exit_code == 1
    assert "orphan_evidence" in broken.stdout and "problem" in broken.stdout
    assert "bloc check --repair" in broken.stdout and "tgone" in broken.stdout

    result = runner.invoke(app, ["check", "--repair", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["check"]: r for r in json.loads(result.stdout)}
    assert (rows["orphan_evidence"]["status"], rows["orphan_evidence"]["repaired"]) == (
        "repaired",
        1,
    )
    assert runner.invoke(app, ["check", "--db", str(db), "--format", "csv"]).exit_code == 0


def test_import_prints_what_became_of_each_row_and_origin_filters_every_command(
    db: Path, tmp_path: Path
) -> None:
    from dataset_files import Gdelt, write_gdelt

    arm, rus = ("ARM", "ARMENIA", "ARM"), ("RUS", "RUSSIA", "RUS")
    rows = [Gdelt(10 + i, f"202306{i + 1:02d}", "112", arm, rus) for i in range(5)] + [
        Gdelt(20, "20230610", "999", arm, rus),
        "21\tcut",
    ]
    path = write_gdelt(tmp_path / "day.CSV", rows)
    refused = runner.invoke(app, ["import", "gdelt", str(path), "--db", str(db)])
    assert refused.exit_code == 1 and "1 of 7 rows malformed (14.3%" in refused.output
    result = runner.invoke(app, ["import", "gdelt", str(path), "--db", str(db), "--max-bad", "20%"])
    assert result.exit_code == 0, result.output
    assert "7 rows, 5 stored (5 new events, 0 merged into events)" in result.output
    assert "line 7: has 2 columns where the format has 61" in result.output
    assert "unknown CAMEO codes, not stored (add them to mappings.yaml): 999 (1)" in result.output
    again = _json(["import", "gdelt", str(path), "--max-bad", "0.2", "--db", str(db), "-f", "json"])
    assert again[0]["stored"] == 0 and again[0]["already"] == 5
    events = _json(["events", "--origin", "gdelt", "--db", str(db), "--format", "json"])
    assert len(events) == 5 and events[0]["evidence"][0]["document"].startswith("gdelt:")
    assert _json(["events", "--origin", "text", "--db", str(db), "--format", "json"]) == []
    args = ["risk", "CSTO", "--on", "2023-12-31", "--db", str(db), "--format", "json"]
    with_gdelt = {r["member"]: r["score"] for r in _json(args)}
    without = {r["member"]: r["score"] for r in _json([*args, "--origin", "curated"])}
    assert with_gdelt["ARM"] > without["ARM"]
    bad = runner.invoke(app, [*args, "--origin", "rumour"])
    assert bad.exit_code == 1 and "unknown origin 'rumour'" in bad.output
