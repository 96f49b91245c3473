"""`bloc import` hands what it changed to the alert rules only when the store has a rule
or a pending delivery: else evaluating them (and loading their code) would do nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import bloc.cli.data
from bloc.cli import app
from dataset_files import Gdelt, write_gdelt

runner = CliRunner()
ARM, RUS = ("ARM", "ARMENIA", "ARM"), ("RUS", "RUSSIA", "RUS")


def test_the_rules_see_an_import_once_a_rule_exists(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[set[str]] = []
    monkeypatch.setattr(bloc.cli.data, "after_change", lambda _db, events: calls.append(events))

    def imported(*rows: Gdelt) -> None:
        path = write_gdelt(tmp_path / f"{rows[0].id}.CSV", list(rows))
        result = runner.invoke(app, ["import", "gdelt", str(path), "--db", str(db)])
        assert result.exit_code == 0, result.output

    imported(Gdelt(10, "20230601", "112", ARM, RUS))
    assert calls == []  # no rule, no delivery: nothing to evaluate
    added = runner.invoke(
        app, ["alerts", "add", "event", "--alliance", "CSTO", "--type", "REQUEST", "--db", str(db)]
    )
    assert added.exit_code == 0, added.output
    imported(Gdelt(20, "20230602", "112", ARM, RUS))
    assert calls == [{"gdelt-20"}]
    imported(Gdelt(20, "20230602", "112", ARM, RUS))  # nothing new: nothing changed
    assert calls == [{"gdelt-20"}]
