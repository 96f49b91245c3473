"""The cohesion measures, on the bundled knowledge base and on the reference articles."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from bloc import measures
from bloc.cli import app
from bloc.ingest import ingest
from bloc.knowledge import bundled
from bloc.measures.decay import HALF_LIFE_DAYS, grouped_decayed
from bloc.store import Store, opened


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory, seeds: Path) -> Path:
    """The knowledge base plus every event coded from the five reference articles."""
    path = tmp_path_factory.mktemp("seeds") / "bloc.duckdb"
    ingest([seeds], db=path)
    return path


@pytest.fixture(params=["kb", "seeds"])
def store(request: pytest.FixtureRequest) -> Path:
    return Path(request.getfixturevalue(f"{request.param}_db"))


# -- the must-shows, on both stores -------------------------------------


def test_risk_on_2023_05_31_ranks_armenia_first_and_belarus_last(store: Path) -> None:
    ranked = measures.risk("CSTO", on="2023-05-31", db=store)
    assert ranked.member.iloc[0] == "ARM"
    assert ranked.member.iloc[-1] == "BLR"
    assert list(ranked["rank"]) == list(range(1, len(ranked) + 1))
    assert "RUS" not in set(ranked.member)  # the leading state is not ranked
    assert ranked.score.is_monotonic_decreasing
    assert all(ranked.reasons.iloc[0])


def test_explain_lists_dated_cited_events(store: Path) -> None:
    rows = measures.explain("CSTO", "ARM", on="2023-05-31", db=store)
    assert len(rows) >= 5
    assert rows.date.notna().all()
    assert all(d <= dt.date(2023, 5, 31) for d in rows.date)
    assert all(len(s) > 0 for s in rows.sources)
    # The refused declaration of the Yerevan summit is among the reasons.
    assert "arm-refuse-declaration-2022" in set(rows.event)


def test_kyrgyzstan_tajikistan_is_the_most_hostile_pair_end_2022(store: Path) -> None:
    pairs = measures.dyads("CSTO", on="2022-12-31", db=store)
    top = pairs.iloc[0]
    assert {top.a, top.b} == {"KGZ", "TJK"}
    assert top.relation == "hostile" and top.hostile >= 2
    assert "kgz-tjk-clash-2022" in top.evidence
    matrix = measures.dyad_matrix(pairs)
    assert matrix.loc["KGZ", "TJK"] == matrix.loc["TJK", "KGZ"] == top.score


def test_cohesion_falls_from_2021_to_2023(store: Path) -> None:
    frame = measures.cohesion("CSTO", by="year", since="2021-01-01", until="2023-12-31", db=store)
    by_year = dict(zip(frame.period, frame.cohesion, strict=True))
    assert by_year["2021"] > by_year["2023"]
    parts = frame[["alignment", "peace", "participation", "membership"]].to_numpy()
    assert np.nanmin(parts) >= 0 and np.nanmax(parts) <= 1


def test_reliability_lists_csto_requests_and_nato_article_5(kb_db: Path) -> None:
    csto = measures.reliability("CSTO", db=kb_db)
    assert len(csto) == 6
    kaz = csto[csto.requester == "KAZ"].iloc[0]
    assert kaz.outcome == "deployment" and kaz.honoured == "yes"
    assert set(csto.outcome) == {"deployment", "mission", "statement", "nothing"}
    shares = measures.reliability_summary("CSTO", db=kb_db)
    assert shares.share.iloc[0] == pytest.approx((csto.honoured == "yes").mean())
    assert 0.745 in set(shares.share) and 0.22 in set(shares.share)
    nato = measures.reliability("NATO", db=kb_db)
    first = nato.iloc[0]
    assert (first.requester, first.provision, str(first.date)) == ("USA", "Article 5", "2001-09-12")


def test_reliability_as_of_a_date_leaves_out_later_requests(kb_db: Path) -> None:
    before = measures.reliability("CSTO", on="2021-12-31", db=kb_db)
    assert "KAZ" not in set(before.requester)
    assert len(before) == 4


def test_un_votes_feed_alignment(kb_db: Path) -> None:
    sig = measures.signals("CSTO", on="2023-05-31", db=kb_db)
    votes = sig[sig.kind == "un vote"]
    arm = votes[(votes.member == "ARM") & (votes.event == "vote:a-77-284")]
    blr = votes[(votes.member == "BLR") & (votes.event == "vote:a-77-284")]
    assert arm.tone.iloc[0] == -1.0  # voted yes, Russia no
    assert blr.tone.iloc[0] == 1.0


def test_compare_puts_measures_side_by_side(kb_db: Path) -> None:
    frame = measures.compare(["CSTO", "NATO"], on="2023-05-31", db=kb_db)
    rows = dict(zip(frame.measure, frame.NATO, strict=True))
    assert rows["members"] == 31
    csto = dict(zip(frame.measure, frame.CSTO, strict=True))
    assert csto["members"] == 6
    assert csto["cohesion index"] < rows["cohesion index"]


def test_compare_says_no_evidence_where_risk_has_no_score(kb_db: Path) -> None:
    """ANZUS on the knowledge base alone: New Zealand's suspension decides its score, and
    Australia has no evidence, so `risk` gives it no score; the comparison says so (it
    printed "AUS (nan)")."""
    ranked = measures.risk("ANZUS", on="2023-05-31", db=kb_db)
    assert ranked.score.isna().any()
    frame = measures.compare(["ANZUS"], on="2023-05-31", db=kb_db)
    rows = dict(zip(frame.measure, frame.ANZUS, strict=True))
    lowest = ranked.member.iloc[-1]
    assert rows["lowest exit risk"] == f"{lowest} (no evidence)"
    assert rows["highest exit risk"] == f"{ranked.member.iloc[0]} ({ranked.score.iloc[0]:.2f})"


# -- no look-ahead ----------------------------------------------------------------


def _figures(db: Path, on: str) -> list[pd.DataFrame]:
    return [
        measures.risk("CSTO", on=on, db=db),
        measures.explain("CSTO", "ARM", on=on, db=db),
        measures.dyads("CSTO", on=on, db=db),
        measures.cohesion("CSTO", by="quarter", since="2021-01-01", until=on, db=db),
        measures.alignment("CSTO", by="month", since="2021-01-01", until=on, db=db),
        measures.signals("CSTO", on=on, db=db),
        measures.reliability("CSTO", on=on, db=db),
    ]


def _add_event(db: Path, eid: str, date: str, published: str, source: str, target: str) -> None:
    with Store.open(db) as store:
        store.con.execute(
            "INSERT INTO events (id, date, date_precision, source, target, type, mode, "
            "alliance, "
            "intensity, confidence, origin, context, summary) "
            "VALUES (?, ?, 'day', ?, ?, 'ASSAULT', NULL, NULL, -10, 1.0, "
            "'text', NULL, NULL)",
            [eid, date, source, target],
        )
        store.con.execute(
            "INSERT INTO evidence VALUES (?, 'late.txt', 'a test sentence', 0, 10, ?, NULL)",
            [eid, published],
        )


def test_no_look_ahead(tmp_path: Path) -> None:
    db = tmp_path / "bloc.duckdb"
    with opened(db):
        pass
    on = "2022-12-31"
    before = _figures(db, on)
    # Dated after the as-of day; and dated before it but first reported after it.
    _add_event(db, "late-1", "2023-01-05", "2023-01-06", "ARM", "BLR")
    _add_event(db, "late-2", "2022-06-01", "2023-02-01", "BLR", "KAZ")
    after = _figures(db, on)
    for old, new in zip(before, after, strict=True):
        pd.testing.assert_frame_equal(old, new)
    # The same events do count once they are known.
    later = measures.dyads("CSTO", on="2023-03-01", db=db)
    assert "late-2" in {e for ids in later.evidence for e in ids}


# -- the arithmetic -----------------------------------------------------------------


def test_decayed_sums_match_a_direct_computation() -> None:
    """The grouped, factorised decayed sums equal the sums written out term by term."""
    rng = np.random.default_rng(7)
    n = 300
    date = rng.uniform(0, 5000, n)
    avail = date + rng.uniform(0, 400, n)
    weight = rng.uniform(0.2, 1.0, n)
    values = rng.normal(size=n)
    group = rng.integers(0, 4, n)
    mask = rng.uniform(size=n) < 0.8
    zeros = np.zeros(n, dtype=np.int64)
    data = measures.Observed(
        alliance=bundled().alliance("CSTO"),
        actors=["ARM"],
        member=zeros,
        other=zeros,
        kind=zeros,
        type=zeros,
        event=zeros,
        ids=np.array(["x"], dtype=object),
        outgoing=np.ones(n, dtype=bool),
        tone=values,
        weight=weight,
        date=date,
        avail=avail,
    )
    at = np.array([100.0, 2500.0, 4999.0, 6000.0])
    fast = grouped_decayed(data, mask, group, values, at)
    assert set(fast) == set(np.unique(group[mask]).tolist())
    for g, (num, den) in fast.items():
        rows = [r for r in range(n) if mask[r] and group[r] == g]
        for j, a in enumerate(at):
            decay = {r: 0.5 ** ((a - date[r]) / HALF_LIFE_DAYS) for r in rows if avail[r] <= a}
            assert num[j] == pytest.approx(
                sum(weight[r] * values[r] * d for r, d in decay.items()), abs=1e-9
            )
            assert den[j] == pytest.approx(sum(weight[r] * d for r, d in decay.items()), abs=1e-9)


def test_a_ceasefire_does_not_cancel_a_war(tmp_path: Path) -> None:
    db = tmp_path / "bloc.duckdb"
    with opened(db):
        pass
    with Store.open(db) as store:
        for eid, kind, tone in (("w", "ASSAULT", -9.0), ("p", "AGREE", 4.0)):
            store.con.execute(
                "INSERT INTO events (id, date, date_precision, source, target, type, mode, "
                "alliance, "
                "intensity, confidence, origin, context, summary) "
                "VALUES (?, '2024-06-01', 'day', 'BLR', 'KAZ', ?, NULL, NULL,"
                " ?, 1.0, 'text', NULL, NULL)",
                [eid, kind, tone],
            )
            store.con.execute(
                "INSERT INTO evidence VALUES (?, 'd.txt', 's', 0, 1, '2024-06-02', NULL)", [eid]
            )
    pair = measures.dyads("CSTO", on="2024-06-30", db=db)
    row = pair[(pair.a == "BLR") & (pair.b == "KAZ")].iloc[0]
    assert row.score < -0.3 and row.relation in {"hostile", "tense"}


# -- the command line ---------------------------------------------------------------


def test_cli_risk_json_and_explain(kb_db: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["risk", "CSTO", "--on", "2023-05-31", "--format", "json", "--db", str(kb_db)]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[0]["member"] == "ARM" and rows[0]["rank"] == 1 and rows[-1]["member"] == "BLR"
    assert set(rows[0]) >= {"rank", "member", "score", "reasons", "evidence"}
    result = runner.invoke(
        app,
        [
            "risk",
            "CSTO",
            "--on",
            "2023-05-31",
            "--explain",
            "ARM",
            "-f",
            "json",
            "--db",
            str(kb_db),
        ],
    )
    assert result.exit_code == 0, result.output
    evidence = json.loads(result.stdout)
    assert "arm-refuse-declaration-2022" in {row["event"] for row in evidence}
    assert all(row["date"] and row["sources"] for row in evidence)


@pytest.mark.parametrize(
    "args",
    [
        ["alignment", "CSTO", "--by", "quarter", "--member", "KAZ"],
        ["dyads", "CSTO", "--on", "2022-12-31", "--matrix"],
        ["reliability", "CSTO"],
        ["cohesion", "CSTO", "--by", "year"],
        ["compare", "CSTO", "NATO"],
    ],
)
def test_cli_measures_print_csv(kb_db: Path, args: list[str]) -> None:
    result = CliRunner().invoke(app, [*args, "--format", "csv", "--db", str(kb_db)])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) >= 2


def test_cli_bad_arguments_fail_clearly(kb_db: Path) -> None:
    runner = CliRunner()
    bad_by = runner.invoke(app, ["cohesion", "CSTO", "--by", "week", "--db", str(kb_db)])
    assert bad_by.exit_code == 1 and "month, quarter or year" in bad_by.output
    stranger = runner.invoke(app, ["risk", "CSTO", "--explain", "USA", "--db", str(kb_db)])
    assert stranger.exit_code == 1 and "not a member" in stranger.output
