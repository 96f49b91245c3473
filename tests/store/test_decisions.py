"""Review decisions: stored beside the events, never over them, and what they make of them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from bloc import api
from bloc.errors import NotFoundError, ReviewConflictError, ReviewError
from bloc.ingest import ingest
from bloc.store import SCHEMA_VERSION, Store, View, opened
from bloc.store.check import check_path
from bloc.store.decisions import Decision
from bloc.store.review import decide
from review_files import ARTICLES, write


def table(db: Path, name: str) -> list[tuple[Any, ...]]:
    with opened(db) as store:
        return store.con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()


def one(db: Path, event_id: str, as_coded: bool = False) -> dict[str, Any]:
    return api.to_records(api.event(event_id, db, as_coded=as_coded))[0]


def test_a_decision_is_kept_beside_the_event_never_over_it(coded: Any) -> None:
    db, ids = coded
    eid = ids[("ARM", "ACCUSE", "CSTO")]
    events, evidence = table(db, "events"), table(db, "evidence")
    as_coded = one(db, eid)["confidence"]
    assert 0 < as_coded < 1  # the coder's probability, before anyone reviewed it
    taken = decide(db, Decision(eid, "correct", type="reject", note="a refusal", reviewer="ana"))
    assert taken.id == 1 and not taken.unchanged
    assert table(db, "events") == events and table(db, "evidence") == evidence
    ((row,),) = [table(db, "decisions")]
    assert row[1:4] == (eid, "correct", "REJECT")  # event, decision, the type it sets
    reviewed, coded_ = one(db, eid), one(db, eid, as_coded=True)
    assert (reviewed["type"], reviewed["intensity"], reviewed["confidence"]) == ("REJECT", -4, 1)
    assert reviewed["mode"] is None  # the coded mode (accusation) was a kind of the old type
    assert (coded_["type"], coded_["mode"], coded_["confidence"]) == (
        "ACCUSE",
        "accusation",
        as_coded,
    )
    assert reviewed["review"] == coded_["review"]
    review = reviewed["review"]
    assert [review[k] for k in ("decision", "reviewer", "note")] == ["correct", "ana", "a refusal"]
    assert review["corrected"] == {"type": "REJECT", "mode": None}
    assert review["coded"] == {"type": "ACCUSE", "mode": "accusation"}


def test_the_latest_decision_is_in_effect_and_undo_returns_the_event_as_coded(coded: Any) -> None:
    db, ids = coded
    eid = ids[("KAZ", "CONSULT", "RUS")]

    def listed() -> bool:
        return eid in set(api.events(db=db)["id"])

    as_coded = one(db, eid)["confidence"]
    assert 0 < as_coded < 1
    decide(db, Decision(eid, "confirm", reviewer="ana"))
    assert listed() and one(db, eid)["confidence"] == 1.0
    decide(db, Decision(eid, "reject", reviewer="ben"))
    assert not listed() and eid in set(api.events(db=db, as_coded=True)["id"])
    assert api.count_events(db=db) == api.count_events(db=db, as_coded=True) - 1
    assert one(db, eid)["review"]["decision"] == "reject"  # found by id, to be undone
    decide(db, Decision(eid, "undo", reviewer="ana"))
    assert listed() and one(db, eid)["review"] is None and one(db, eid)["confidence"] == as_coded
    assert [d["decision"] for d in api.review_log(eid, db)] == ["confirm", "reject", "undo"]


def test_a_correction_moves_the_event_and_builds_on_the_one_in_effect(coded: Any) -> None:
    db, ids = coded
    eid = ids[("TJK", "ACCUSE", "KGZ")]
    decide(db, Decision(eid, "correct", date="2023-03", reviewer="ana"))
    march = api.events(since="2023-03-01", until="2023-03-31", actor="TJK", db=db)
    assert march["id"].tolist() == [eid]
    assert api.events(since="2023-04-01", actor="TJK", db=db).empty  # moved out of April
    decide(db, Decision(eid, "correct", target="UZB", reviewer="ben"))
    event = one(db, eid)
    assert (event["date"], event["date_precision"]) == ("2023-03-01", "month")
    assert event["target"] == "UZB"
    assert event["review"]["corrected"] == {"target": "UZB", "date": "2023-03"}
    assert event["review"]["coded"] == {"target": "KGZ", "date": "2023-04-10"}
    # A corrected source or target brings the alliance it names, and drops one it no longer names.
    kgz = ids[("KGZ", "REJECT", "CSTO")]
    decide(db, Decision(kgz, "correct", target="RUS", reviewer="ana"))
    assert one(db, kgz)["alliance"] is None and one(db, kgz, as_coded=True)["alliance"] == "CSTO"


@pytest.mark.parametrize(
    ("decision", "error", "message"),
    [
        (Decision("{id}", "approve", reviewer="a"), ReviewError, "unknown decision 'approve'"),
        (Decision("t000", "confirm", reviewer="a"), NotFoundError, "no event 't000'"),
        (Decision("{id}", "confirm", type="AID", reviewer="a"), ReviewError, "takes no corrected"),
        (Decision("{id}", "correct", reviewer="a"), ReviewError, "at least one of"),
        (Decision("{id}", "correct", type="HUG", reviewer="a"), ReviewError, "not a PLOVER type"),
        (Decision("{id}", "correct", source="XYZ", reviewer="a"), ReviewError, "not an actor code"),
        (Decision("{id}", "correct", target="ARM", reviewer="a"), ReviewError, "both be ARM"),
        (Decision("{id}", "correct", date="2023-13", reviewer="a"), ReviewError, "not a real date"),
        (Decision("{id}", "correct", date="1/3/2023", reviewer="a"), ReviewError, "YYYY-MM-DD"),
        (Decision("{id}", "correct", date="2999", reviewer="a"), ReviewError, "out of range"),
        (Decision("{id}", "correct", type="accuse", reviewer="a"), ReviewError, "confirm it"),
        (Decision("{id}", "confirm", reviewer=" "), ReviewError, "reviewer's name"),
        (Decision("{id}", "reject", note="x" * 1001, reviewer="a"), ReviewError, "at most 1,000"),
    ],
)
def test_a_bad_decision_is_refused_with_the_reason_and_nothing_is_stored(
    coded: Any, decision: Decision, error: type[Exception], message: str
) -> None:
    db, ids = coded
    eid = ids[("ARM", "ACCUSE", "CSTO")]
    asked = Decision(**{**decision.__dict__, "event_id": decision.event_id.format(id=eid)})
    with opened(db) as store:
        generation = store.generation()
    with pytest.raises(error, match=message):
        decide(db, asked)
    assert table(db, "decisions") == []
    with opened(db) as store:
        assert store.generation() == generation


def test_a_curated_event_is_not_reviewed_but_corrected_in_the_knowledge_base(coded: Any) -> None:
    db, _ = coded
    curated = api.events(origin="curated", db=db)["id"].iloc[0]
    with pytest.raises(ReviewError, match=r"curated.*knowledge base"):
        decide(db, Decision(curated, "reject", reviewer="ana"))


def test_the_decision_in_effect_is_not_stored_twice(coded: Any) -> None:
    db, ids = coded
    eid = ids[("KGZ", "REJECT", "CSTO")]
    first = decide(db, Decision(eid, "correct", type="PROTEST", reviewer="ana"))
    with opened(db) as store:
        generation = store.generation()
    again = decide(db, Decision(eid, "correct", type="protest", note="sure", reviewer="ben"))
    assert not first.unchanged and again.unchanged
    assert decide(db, Decision(ids[("TJK", "ACCUSE", "KGZ")], "undo", reviewer="a")).unchanged
    assert len(table(db, "decisions")) == 1
    with opened(db) as store:
        assert store.generation() == generation  # nothing written: caches stay good


def test_a_decision_taken_meanwhile_refuses_one_based_on_what_was_seen_before(
    coded: Any,
) -> None:
    db, ids = coded
    eid = ids[("KAZ", "CONSULT", "RUS")]
    seen = one(db, eid)["review"]  # two reviewers open the event: no decision yet
    assert seen is None
    decide(db, Decision(eid, "reject", reviewer="ana", basis=0))
    with pytest.raises(ReviewConflictError, match="ana took the decision reject"):
        decide(db, Decision(eid, "confirm", reviewer="ben", basis=0))
    current = one(db, eid)["review"]["decision_id"]
    decide(db, Decision(eid, "confirm", reviewer="ben", basis=current))  # seen, then decided
    assert [(d["reviewer"], d["decision"]) for d in api.review_log(eid, db)] == [
        ("ana", "reject"),
        ("ben", "confirm"),
    ]


def test_a_reingest_keeps_every_decision(coded: Any, tmp_path: Path) -> None:
    db, ids = coded
    decide(db, Decision(ids[("ARM", "ACCUSE", "CSTO")], "confirm", reviewer="ana"))
    decide(db, Decision(ids[("KAZ", "CONSULT", "RUS")], "reject", reviewer="ana"))
    decide(db, Decision(ids[("TJK", "ACCUSE", "KGZ")], "correct", type="ASSAULT", reviewer="ana"))
    reviewed = api.to_json(api.events(db=db))
    decisions = table(db, "decisions")

    ingest([write(tmp_path, ARTICLES)], db=db)  # the same articles: nothing changes
    assert table(db, "decisions") == decisions and api.to_json(api.events(db=db)) == reviewed

    # A changed article is coded again: its events are deleted and made anew under the
    # same ids, and find their decisions again; one no longer coded leaves them in the log.
    changed = [ARTICLES[0], {**ARTICLES[1], "text": ARTICLES[1]["text"].split(". ")[1]}]
    ingest([write(tmp_path, changed)], db=db)
    assert table(db, "decisions") == decisions
    tjk = one(db, ids[("TJK", "ACCUSE", "KGZ")])
    assert (tjk["type"], tjk["review"]["decision"]) == ("ASSAULT", "correct")
    assert ids[("KGZ", "REJECT", "CSTO")] not in set(api.events(db=db, as_coded=True)["id"])
    assert ids[("KAZ", "CONSULT", "RUS")] not in set(api.events(db=db)["id"])
    report = check_path(db)
    assert report.ok
    assert report.finding("decisions").count == 3
    assert report.finding("decisions_without_event").count == 0


def test_a_decision_outlives_its_event_and_applies_when_it_is_coded_again(
    coded: Any, tmp_path: Path
) -> None:
    db, ids = coded
    eid = ids[("KGZ", "REJECT", "CSTO")]
    decide(db, Decision(eid, "correct", type="PROTEST", reviewer="ana"))
    without = [ARTICLES[0], {**ARTICLES[1], "text": ARTICLES[1]["text"].split(". ")[1]}]
    ingest([write(tmp_path, without)], db=db)
    report = check_path(db)
    assert report.ok  # information, not a problem
    gone = report.finding("decisions_without_event")
    assert gone.status == "info" and gone.count == 1 and gone.examples == (eid,)
    ingest([write(tmp_path, ARTICLES)], db=db)  # the sentence is back
    assert one(db, eid)["type"] == "PROTEST"
    assert check_path(db).finding("decisions_without_event").count == 0


def test_a_schema_5_store_gains_the_decisions_table(coded: Any) -> None:
    db, _ = coded
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE decisions")
    con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    con.close()
    events = table(db, "events")
    with Store.open(db) as store:
        assert store.meta("schema_version") == str(SCHEMA_VERSION) == "10"
        assert store.con.execute("SELECT count(*) FROM decisions").fetchone() == (0,)
    assert table(db, "events") == events


def test_a_view_chooses_as_coded_as_it_chooses_origins(coded: Any) -> None:
    db, ids = coded
    decide(db, Decision(ids[("ARM", "ACCUSE", "CSTO")], "reject", reviewer="ana"))
    view = View(db, ["text"])
    assert not view.as_coded and view.choose(None, True).as_coded
    assert view.choose(["text"], True).choose(None).as_coded  # kept unless changed
    assert len(api.events(db=view)) == 3 and len(api.events(db=view.choose("text", True))) == 4
    assert len(api.events(db=View(db, "text", as_coded=True), as_coded=False)) == 3


def test_a_decision_records_when_it_was_taken_in_utc(coded: Any) -> None:
    db, ids = coded
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    decide(db, Decision(ids[("ARM", "ACCUSE", "CSTO")], "confirm", reviewer="ana"))
    ((when,),) = [r[13:14] for r in table(db, "decisions")]
    assert before <= when <= dt.datetime.now(dt.UTC).replace(tzinfo=None)
