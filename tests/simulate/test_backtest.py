"""The back-test, calibration and the Brier scores beside simple guesses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from bloc import simulate
from bloc.cli import app
from bloc.knowledge import bundled
from bloc.store import Store, opened
from unvotes_files import votes_store


@pytest.fixture(scope="module")
def cases(kb_db: Path) -> pd.DataFrame:
    """Every alliance's back-test as the documentation reports it (2,000 draws, seed 0)."""
    return simulate.backtest_all(draws=2000, seed=0, db=kb_db)


def test_backtest_goals(cases: pd.DataFrame, record_property: Any) -> None:
    """Issue 19: CSTO at least 5 of 6, NATO at least 6 of 8, and each alliance's mean
    Brier score below the guess of its own historical base rate."""
    frame = simulate.brier_scores(frame=cases)
    for row in frame.itertuples():
        record_property(
            "measured",
            f"{row.alliance} back-test: {row.hits} of {row.cases} cases; mean Brier "
            f"{row.brier:.3f} (uniform guess {row.uniform:.2f}, base-rate guess "
            f"{row.base_rate:.3f})",
        )
    scores = frame.set_index("alliance")
    assert scores.loc["CSTO", "hits"] >= 5 and scores.loc["CSTO", "cases"] == 6
    assert scores.loc["NATO", "hits"] >= 6 and scores.loc["NATO", "cases"] == 8
    for code in ("CSTO", "NATO"):
        assert scores.loc[code, "brier"] < scores.loc[code, "base_rate"]
        assert scores.loc[code, "brier"] < scores.loc[code, "uniform"]
    kaz = cases[cases.case == "kaz-2022"].iloc[0]
    assert kaz.predicted == "deployment"
    assert abs(sum(kaz.probabilities.values()) - 1) < 1e-9


@pytest.fixture(scope="module")
def voted_cases(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The back-test on a store with the whole UN General Assembly record imported
    (../shared/data/unvotes), the evidence the members' side-taking is read from."""
    db = votes_store(tmp_path_factory.mktemp("voted") / "bloc.duckdb")
    return simulate.backtest_all(draws=2000, seed=0, db=db)


@pytest.mark.slow
def test_every_alliance_beats_the_uniform_guess(
    voted_cases: pd.DataFrame, record_property: Any
) -> None:
    """Issue 27: with the UN record imported, each alliance's mean Brier score is below
    the uniform guess (0.75), and the CSTO's and NATO's goals of issue 19 still hold."""
    frame = simulate.brier_scores(frame=voted_cases)
    for row in frame.itertuples():
        record_property(
            "measured",
            f"with the UN record: {row.alliance} {row.hits} of {row.cases} cases; mean Brier "
            f"{row.brier:.3f} (uniform {row.uniform:.2f}, base rate {row.base_rate:.3f})",
        )
    scores = frame.set_index("alliance")
    worse = scores[scores.brier >= scores.uniform]
    assert worse.empty, worse[["cases", "brier", "uniform"]].to_string()
    assert scores.loc["CSTO", "hits"] >= 5 and scores.loc["NATO", "hits"] >= 6
    for code in ("CSTO", "NATO"):
        assert scores.loc[code, "brier"] < scores.loc[code, "base_rate"]


@pytest.mark.xfail(
    strict=True,
    reason="issue 27: on the knowledge base alone (no UN record imported) ANZUS (1 case, "
    "Brier 0.92) and the Rio Treaty (3 cases, 0.88) score worse than the uniform guess "
    "(0.75): no event and no vote on their members on those days (docs/simulation.md)",
)
def test_every_alliance_beats_the_uniform_guess_on_the_knowledge_base_alone(
    cases: pd.DataFrame,
) -> None:
    scores = simulate.brier_scores(frame=cases).set_index("alliance")
    worse = scores[scores.brier >= scores.uniform]
    assert worse.empty, worse[["cases", "brier", "uniform"]].to_string()


def test_new_alliances_requests_are_back_tested(cases: pd.DataFrame, record_property: Any) -> None:
    """Issue 27: the ANZUS and Rio Treaty requests are in the back-test, each case
    forecast from the day before it (figures recorded, as the README reports them)."""
    new = cases[cases.alliance.isin(["ANZUS", "RIO"])]
    assert sorted(new.case) == ["anzus-usa-2001", "rio-arg-1982", "rio-usa-1962", "rio-usa-2001"]
    for row in simulate.brier_scores(frame=new).itertuples():
        record_property(
            "measured",
            f"{row.alliance} back-test: {row.hits} of {row.cases} cases; mean Brier "
            f"{row.brier:.3f} (uniform guess {row.uniform:.2f})",
        )
    assert all(abs(sum(p.values()) - 1) < 1e-9 for p in new.probabilities)


def test_calibration_table_and_brier_ordering(cases: pd.DataFrame, record_property: Any) -> None:
    table = simulate.calibration(frame=cases)
    assert table.outcome.tolist() == list(simulate.OUTCOMES)
    assert table.columns.tolist() == ["outcome", "predicted", "observed", "happened", "cases"]
    assert (table.cases == len(cases)).all() and table.happened.sum() == len(cases)
    assert table.predicted.sum() == pytest.approx(1.0)
    assert table.observed.sum() == pytest.approx(1.0)
    record_property(
        "measured",
        "calibration over all cases (predicted vs observed): "
        + ", ".join(
            f"{r.outcome} {r.predicted:.2f} vs {r.observed:.2f} ({r.happened}/{r.cases})"
            for r in table.itertuples()
        ),
    )
    scores = simulate.brier_scores(frame=cases)
    # The alliances with recorded requests (WARSAW, SEATO and CENTO have none).
    assert scores.alliance.tolist() == ["ANZUS", "CSTO", "NATO", "RIO", "all"]
    everything = scores.set_index("alliance").loc["all"]
    assert everything.cases == len(cases)
    assert everything.brier < min(everything.uniform, everything.base_rate)
    # The per-case Brier scores are what the table averages.
    assert everything.brier == pytest.approx(cases.brier.mean())


def test_base_rate_is_leave_future_out() -> None:
    nato = bundled().alliance("NATO")
    first = simulate.base_rate(nato, dt.date(2001, 9, 11))
    assert first == {o: 0.25 for o in simulate.OUTCOMES}
    assert simulate.base_rate(nato, dt.date(2012, 6, 25))["deployment"] == 1.0
    later = simulate.base_rate(nato, dt.date(2012, 10, 2))
    assert later["deployment"] == pytest.approx(2 / 3)
    assert later["statement"] == pytest.approx(1 / 3)


def test_backtest_sees_only_the_past(tmp_path: Path) -> None:
    """Adding events after a request changes none of the back-test's predictions."""
    db = tmp_path / "bloc.duckdb"
    with opened(db):
        pass
    before = simulate.backtest("CSTO", draws=500, seed=3, db=db)
    # After the last request (2022-09-13); and one dated before several
    # requests but first published after all of them.
    added = [
        ("2022-09-14", "2022-09-14", "RUS", "ARM"),
        ("2023-03-01", "2023-03-02", "BLR", "KAZ"),
        ("2009-06-01", "2023-01-10", "KAZ", "KGZ"),
        ("2010-01-01", "2023-01-10", "RUS", "AZE"),
    ]
    with Store.open(db) as store:
        for i, (day, published, src, tgt) in enumerate(added):
            store.con.execute(
                "INSERT INTO events (id, date, date_precision, source, target, type, mode, "
                "alliance, "
                "intensity, confidence, origin, context, summary) "
                "VALUES (?, ?, 'day', ?, ?, 'ASSAULT', NULL, NULL, -10, 1.0,"
                " 'text', NULL, NULL)",
                [f"future-{i}", day, src, tgt],
            )
            store.con.execute(
                "INSERT INTO evidence VALUES (?, 'f.txt', 's', 0, 1, ?, NULL)",
                [f"future-{i}", published],
            )
    after = simulate.backtest("CSTO", draws=500, seed=3, db=db)
    assert before.probabilities.tolist() == after.probabilities.tolist()
    # ...while the same events do move a forecast made after they were published.
    late = dt.date(2023, 6, 1)
    scenario = simulate.Scenario("CSTO", "ARM", "external", "AZE", late)
    moved = simulate.simulate(scenario, draws=500, seed=3, db=db)
    fresh = tmp_path / "fresh.duckdb"
    with opened(fresh):
        pass
    assert moved != simulate.simulate(scenario, draws=500, seed=3, db=fresh)


def test_cli_backtest_json_prints_brier(kb_db: Path) -> None:
    result = CliRunner().invoke(
        app, ["backtest", "CSTO", "--draws", "500", "--format", "json", "--db", str(kb_db)]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 6 and all("brier" in r and "probabilities" in r for r in rows)
    assert all("brier_base_rate" in r and "precedents" in r for r in rows)
    assert "Brier" in result.stderr and "base rate" in result.stderr
    nato = CliRunner().invoke(app, ["backtest", "NATO", "--draws", "300", "--db", str(kb_db)])
    assert nato.exit_code == 0 and "usa-2001" in nato.stdout


def test_cli_backtest_calibration(kb_db: Path) -> None:
    runner = CliRunner()
    every = runner.invoke(
        app, ["backtest", "--calibration", "--draws", "300", "--format", "json", "--db", str(kb_db)]
    )
    assert every.exit_code == 0, every.output
    body = json.loads(every.stdout)
    assert [r["outcome"] for r in body["outcomes"]] == list(simulate.OUTCOMES)
    assert {r["cases"] for r in body["outcomes"]} == {18}  # CSTO 6, NATO 8, ANZUS 1, RIO 3
    assert [r["alliance"] for r in body["brier"]] == ["ANZUS", "CSTO", "NATO", "RIO", "all"]
    one = runner.invoke(
        app, ["backtest", "CSTO", "--calibration", "--draws", "300", "--db", str(kb_db)]
    )
    assert one.exit_code == 0, one.output
    assert "Calibration over 6 back-test cases (CSTO)" in one.stdout and "base_rate" in one.stdout
    missing = runner.invoke(app, ["backtest", "--db", str(kb_db)])
    assert missing.exit_code == 2 and "--calibration" in missing.stderr
