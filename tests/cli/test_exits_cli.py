"""`bloc exits` and `api.exits`: the exits table, by alliance, as a table and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bloc import api
from bloc.cli import app

runner = CliRunner()


def test_exits_json_lists_every_exit_with_dates_kinds_and_citations() -> None:
    result = runner.invoke(app, ["exits", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert list(rows[0]) == api.EXIT_COLUMNS
    assert len(rows) == len(api.exits())
    greece = next(r for r in rows if r["alliance"] == "NATO" and r["member"] == "GRC")
    assert (greece["kind"], greece["date"], greece["date_precision"]) == (
        "military-structure",
        "1974-08-14",
        "day",
    )
    assert greece["cite"] == ["frus-1969-76-v30-d25", "csmonitor-1980-10-20"]


def test_exits_of_one_alliance_as_a_table_keep_the_sources_precision() -> None:
    result = runner.invoke(app, ["exits", "rio"])
    assert result.exit_code == 0, result.output
    assert "Exits, RIO: 6" in result.output
    assert "2016-02" in result.output and "2016-02-01" not in result.output  # month only
    assert "MEX" in result.output and "NATO" not in result.output


def test_api_exits_columns_and_order() -> None:
    frame = api.exits("WARSAW")
    assert list(frame.columns) == api.EXIT_COLUMNS
    assert list(frame.member) == ["HUN", "ALB", "ALB", "DDR"]
    assert frame.loc[frame.member == "DDR", "announced"].iloc[0].isoformat() == "1990-09-24"


def test_an_unknown_alliance_is_refused_with_the_known_ones() -> None:
    result = runner.invoke(app, ["exits", "XYZ"])
    assert result.exit_code != 0
    assert "unknown alliance 'XYZ'" in result.output and "WARSAW" in result.output


def test_history_shows_exits_with_membership_changes(kb_db: Path) -> None:
    """Hungary's declared withdrawal of 1956 ended no spell; the history shows it."""
    frame = api.history("WARSAW", db=kb_db)
    exits = frame[frame.kind == "exit"]
    assert list(exits.source) == ["HUN", "ALB", "ALB", "DDR"]
    assert exits.iloc[0].date.date().isoformat() == "1956-11-01"
    assert list(frame.date) == sorted(frame.date)
    assert all(len(c) for c in exits.cite)
