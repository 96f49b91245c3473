"""`bloc import`: GDELT, POLECAT and ACLED files in their published layouts, written here."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from bloc import api
from bloc.core.events import TYPE_INTENSITY, CodedEvent
from bloc.errors import KnowledgeBaseError
from bloc.ingest import CodedBatch, store_results
from bloc.ingest.datasets import import_files, load_mappings
from bloc.ingest.datasets.stage import FileReport
from bloc.ingest.datasets.write import store_batch
from bloc.ingest.merge import IngestSummary, merge_reports, stored_events
from bloc.model import Document, DocumentResult
from bloc.store import Store, opened
from bloc.store.check import check_path
from dataset_files import (
    POLECAT_HEADER,
    Gdelt,
    acled_row,
    polecat_row,
    write_acled,
    write_gdelt,
    write_polecat,
)
from helpers import Harness

AZE = ("AZE", "AZERBAIJAN", "AZE")
ARM = ("ARM", "ARMENIA", "ARM")
RUS = ("RUS", "RUSSIA", "RUS")


def _events(db: Path, origin: str | None = None) -> dict[str, dict[str, Any]]:
    frame = api.events(origin=origin, db=db)
    frame = frame[frame.origin != "curated"] if origin is None else frame
    return {str(r["id"]): r for r in api.to_records(frame)}


def _tables(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with Store.open(db, read_only=True) as store:
        return {
            "events": store.con.execute(
                "SELECT * FROM events WHERE origin <> 'curated' ORDER BY id"
            ).fetchall(),
            "evidence": store.con.execute(
                "SELECT * FROM evidence WHERE event_id IN "
                "(SELECT id FROM events WHERE origin <> 'curated') ORDER BY ALL"
            ).fetchall(),
        }


# -- GDELT -----------------------------------------------------------------------------

GDELT_DAY = [
    # line 1-2: the same clash, reported twice (one event, two evidence rows)
    Gdelt(1001, "20220913", "193", ("AZEMIL", "AZERBAIJANI FORCES", "AZE"), ARM),
    Gdelt(1002, "20220913", "193", AZE, ("ARMGOV", "ARMENIAN GOVERNMENT", "ARM")),
    # line 3: an appeal to the CSTO, known by its name only
    Gdelt(1003, "20220913", "0232", ARM, ("IGO", "COLLECTIVE SECURITY TREATY ORGANIZATION", "")),
    # line 4: two states bloc models but no alliance counts (kept only with --all)
    Gdelt(1004, "20220914", "042", ("IND", "INDIA", "IND"), ("ZAF", "SOUTH AFRICA", "ZAF")),
    # line 5: a code CAMEO does not have
    Gdelt(1005, "20220914", "999", RUS, ARM),
    # line 6: a public statement: CAMEO 01 has no PLOVER counterpart
    Gdelt(1006, "20220914", "010", RUS, ARM),
    # line 7: one actor only
    Gdelt(1007, "20220914", "042", RUS, ("", "", "")),
    # line 8: a region, not an actor bloc has
    Gdelt(1008, "20220914", "042", ("AFR", "AFRICA", ""), RUS),
    # line 9: a date that is not one
    Gdelt(1009, "2022091x", "042", RUS, ARM),
    # line 10: a cut line
    "1010\t20220914\tcut short",
    # line 11: NATO by its known-group code
    Gdelt(1011, "20220915", "042", ("IGOWSTNAT", "NATO", ""), ("UKR", "UKRAINE", "UKR"),
          group1="NAT"),
    # line 12: a GLOBALEVENTID repeated: the first row is kept
    Gdelt(1001, "20220916", "042", RUS, ARM),
]  # fmt: skip


@pytest.fixture
def gdelt_file(tmp_path: Path) -> Path:
    return write_gdelt(tmp_path / "20220916.export.CSV", GDELT_DAY)


def test_gdelt_rows_become_plover_events_with_their_evidence(gdelt_file: Path, db: Path) -> None:
    summary = import_files("gdelt", [gdelt_file], db)
    report = summary.files[0]
    events = _events(db)
    assert set(events) == {"gdelt-1001", "gdelt-1003", "gdelt-1011"}
    clash = events["gdelt-1001"]
    assert (clash["source"], clash["target"], clash["type"], clash["mode"]) == (
        "AZE",
        "ARM",
        "ASSAULT",
        "firearms",
    )
    assert clash["date"] == "2022-09-13" and clash["date_precision"] == "day"
    assert clash["origin"] == "gdelt" and clash["intensity"] == TYPE_INTENSITY["ASSAULT"]
    assert clash["confidence"] == pytest.approx(0.45)  # 0.4, and a second report agrees
    assert [e["document"] for e in clash["evidence"]] == ["gdelt:1001", "gdelt:1002"]
    first = clash["evidence"][0]
    assert first["url"] == "https://news.example/bloc-test/1001"
    assert first["published"] == "2022-09-13"
    assert "CAMEO 193" in first["sentence"] and "AZEMIL" in first["sentence"]
    appeal = events["gdelt-1003"]
    assert (appeal["source"], appeal["target"], appeal["type"], appeal["alliance"]) == (
        "ARM",
        "CSTO",
        "REQUEST",
        "CSTO",
    )
    nato = events["gdelt-1011"]
    assert (nato["source"], nato["target"], nato["type"], nato["mode"]) == (
        "NATO",
        "UKR",
        "CONSULT",
        "visit",
    )
    assert report.rows == 12 and report.stored == 4
    assert (report.events_new, report.events_merged) == (3, 1)


def test_gdelt_rows_left_out_are_counted_by_why_and_malformed_ones_named(
    gdelt_file: Path, db: Path
) -> None:
    report = import_files("gdelt", [gdelt_file], db).files[0]
    assert report.problems == [
        (9, "SQLDATE '2022091x' is not a date (YYYYMMDD)"),
        (10, "has 3 columns where the format has 61"),
    ]
    assert report.unknown_codes == {"999": 1}
    assert report.no_counterpart == {"010": 1}
    assert report.one_sided == 1
    assert report.unmapped_actors == {"AFR": 1} and report.unmapped_rows == 1
    assert report.dropped == 1 and report.repeated == 1
    counted = (
        report.malformed
        + sum(report.unknown_codes.values())
        + sum(report.no_counterpart.values())
        + report.one_sided
        + report.unmapped_rows
        + report.dropped
        + report.repeated
        + report.stored
    )
    assert counted == report.rows  # every row in exactly one bucket
    lines = "\n".join(import_files("gdelt", [gdelt_file], db).lines())
    assert "line 9: SQLDATE '2022091x' is not a date" in lines and "999 (1)" in lines


def test_many_malformed_rows_are_counted_and_the_first_by_line_named(
    db: Path, tmp_path: Path
) -> None:
    bad_dates = [Gdelt(3000 + i, "2022-09-13", "042", RUS, ARM) for i in range(25)]
    good = [Gdelt(4000 + i, "20220913", "042", RUS, ARM) for i in range(10)]
    cut = [f"{5000 + i}\tcut" for i in range(25)]
    path = write_gdelt(tmp_path / "messy.CSV", [*cut[:5], *bad_dates, *good, *cut[5:]])
    report = import_files("gdelt", [path], db).files[0]
    assert report.rows == 60 and report.malformed == 50 and report.stored == 10
    assert [line for line, _ in report.problems] == list(range(1, 21))
    assert report.problems[4] == (5, "has 2 columns where the format has 61")
    assert report.problems[5] == (6, "SQLDATE '2022-09-13' is not a date (YYYYMMDD)")


def test_all_keeps_events_outside_the_alliances(gdelt_file: Path, db: Path) -> None:
    report = import_files("gdelt", [gdelt_file], db, keep_all=True).files[0]
    assert report.dropped == 0
    india = _events(db)["gdelt-1004"]
    assert (india["source"], india["target"], india["type"]) == ("IND", "ZAF", "CONSULT")


def test_a_rerun_stores_nothing_twice(gdelt_file: Path, db: Path) -> None:
    import_files("gdelt", [gdelt_file], db)
    before = _tables(db)
    again = import_files("gdelt", [gdelt_file], db).files[0]
    assert (again.stored, again.already, again.events_new) == (0, 4, 0)
    assert _tables(db) == before
    assert check_path(db).ok


def test_a_file_that_cannot_be_read_is_named_and_the_others_imported(
    gdelt_file: Path, db: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.CSV"
    summary = import_files("gdelt", [missing, gdelt_file], db)
    assert summary.files[0].failed and "no such file" in summary.files[0].failed
    assert summary.files[1].stored == 4


def _text_event(
    day: dt.date, document: str, source: str = "AZE", target: str = "ARM"
) -> CodedBatch:
    event = CodedEvent(
        date=day,
        precision="month",
        source=source,
        target=target,
        type="ASSAULT",
        mode="shelling",
        alliance=None,
        intensity=-9.0,
        confidence=0.6,
        document=document,
        sentence="Azerbaijani forces shelled Armenian positions in September.",
        start=0,
        end=58,
        published=day,
        url=None,
    )
    doc = Document(id=document, text=event.sentence, published=day, origin=document)
    return CodedBatch.of([DocumentResult(doc, 1, (event,), "sha-" + document)])


def test_an_imported_row_merges_into_the_text_event_of_the_same_happening(
    gdelt_file: Path, db: Path
) -> None:
    with opened(db, write=True) as store:
        store_results(store, _text_event(dt.date(2022, 9, 30), "report.txt"), IngestSummary())
    import_files("gdelt", [gdelt_file], db)
    text = _events(db, "text")
    assert len(text) == 1
    (eid, event) = next(iter(text.items()))
    assert eid.startswith("t") and event["origin"] == "text"
    # The finer date wins; the text event keeps its id and gains the GDELT rows as evidence.
    assert event["date"] == "2022-09-13" and event["date_precision"] == "day"
    assert [e["document"] for e in event["evidence"]] == ["gdelt:1001", "gdelt:1002", "report.txt"]
    # Either origin finds it: GDELT corroborates a text event.
    assert eid in _events(db, "gdelt") and "gdelt-1001" not in _events(db)
    assert check_path(db).ok  # the GDELT rows need no document of their own


def test_a_text_event_merges_into_an_imported_one_too(gdelt_file: Path, db: Path) -> None:
    import_files("gdelt", [gdelt_file], db)
    with opened(db, write=True) as store:
        store_results(store, _text_event(dt.date(2022, 9, 30), "report.txt"), IngestSummary())
    event = _events(db)["gdelt-1001"]
    assert [e["document"] for e in event["evidence"]] == ["gdelt:1001", "gdelt:1002", "report.txt"]
    assert "gdelt-1001" in _events(db, "text") and "gdelt-1001" in _events(db, "gdelt")
    assert "gdelt-1003" not in _events(db, "text")


# -- the merge, grouped, is ingest's merge row by row -----------------------------------


def _rows(rng: random.Random, n: int) -> pa.Table:
    rows = []
    for k in range(1, n + 1):
        precision = rng.choice(["day", "day", "day", "month"])
        day = dt.date(2022, rng.randint(8, 10), rng.randint(1, 4))
        rows.append(
            {
                "k": k,
                "document": f"gdelt:{k}",
                "new_id": f"gdelt-{k}",
                "date": day,
                "precision": precision,
                "source": rng.choice(["AZE", "ARM"]),
                "target": "RUS",
                "type": rng.choice(["ASSAULT", "ACCUSE"]),
                "mode": None,
                "alliance": None,
                "intensity": -5.0,
                "sentence": f"row {k}",
                "url": None,
                "published": day,
            }
        )
    return pa.Table.from_pylist(rows)


def test_grouping_identical_rows_gives_what_the_merge_gives_row_by_row(tmp_path: Path) -> None:
    """A batch stored grouped (SQL) against ingest's merge run on every row of it in Python."""
    batch = _rows(random.Random(11), 240)
    text_days = (dt.date(2022, 8, 20), dt.date(2022, 9, 2))
    found = {}
    for name in ("grouped", "row_by_row"):
        db = tmp_path / f"{name}.duckdb"
        with opened(db, write=True) as store:  # the same text events in both to merge into
            for i, day in enumerate(text_days):
                store_results(store, _text_event(day, f"t{i}.txt", "AZE", "RUS"), IngestSummary())
            if name == "grouped":
                store_batch(store, batch, "gdelt", 0.4, FileReport("x"))
                found[name] = _outcome(store)
                continue
            stored = _outcome(store)[0]
            rows = batch.to_pylist()
            merging = {
                "date": [r["date"] for r in rows],
                "precision": [r["precision"] for r in rows],
                "source": [r["source"] for r in rows],
                "target": [r["target"] for r in rows],
                "type": [r["type"] for r in rows],
                "confidence": [0.4] * len(rows),
            }
            keys = sorted({(r["source"], r["target"], r["type"], r["date"].year) for r in rows})
            index = stored_events(store.con, keys)
            ids = [r["new_id"] for r in rows]
            eids, made, changed = merge_reports(merging, index, IngestSummary(), ids=ids)
            events = dict(stored)
            events.update({c[0]: (c[1], c[2], round(c[3], 9)) for c in changed})
            events.update({s[0]: (s[1], s[2], round(s[3], 9)) for _, s in made})
            evidence = {r["document"]: eid for r, eid in zip(rows, eids, strict=True)}
            found[name] = (events, evidence)
    assert found["grouped"] == found["row_by_row"]
    events, evidence = found["grouped"]
    assert len(events) < 100 and set(evidence.values()) & {e for e in events if e.startswith("t")}


def _outcome(store: Store) -> tuple[dict[str, tuple[Any, ...]], dict[str, str]]:
    """Every non-curated event's date, precision and confidence; each imported row's event."""
    events = {
        str(r[0]): (r[1], r[2], round(float(r[3]), 9))
        for r in store.con.execute(
            "SELECT id, date, date_precision, confidence FROM events WHERE origin <> 'curated'"
        ).fetchall()
    }
    evidence = dict(
        store.con.execute(
            "SELECT document, event_id FROM evidence WHERE document LIKE 'gdelt:%'"
        ).fetchall()
    )
    return events, evidence


# -- POLECAT -----------------------------------------------------------------------------


def test_polecat_columns_are_found_by_their_names_and_types_kept(db: Path, tmp_path: Path) -> None:
    records = [
        polecat_row("p-1", "2023-05-03", "ACCUSE", ("Nikol Pashinyan", "ARM"), ("Kremlin", "RUS")),
        polecat_row("p-2", "2023-05-04", "DEMAND", ("Armenia", "ARM"), ("CSTO", ""), mode="assist"),
        polecat_row("p-3", "2023-05-04", "INVESTIGATE", ("Armenia", "ARM"), ("Russia", "RUS")),
        polecat_row("p-4", "05/04/2023x", "ACCUSE", ("Armenia", "ARM"), ("Russia", "RUS")),
        polecat_row("p-5", "2023-05-05", "consult", ("NATO", ""), ("Finland", "FIN")),
    ]
    # A release that spells its columns otherwise, in another order.
    rename = {h: h.upper().replace(" ", "_") for h in POLECAT_HEADER}
    rename["Actor Country"] = "Actor Country Code"
    path = write_polecat(tmp_path / "polecat.txt", records, rename, reverse=True)
    report = import_files("polecat", [path], db).files[0]
    events = _events(db)
    assert set(events) == {"polecat-p-1", "polecat-p-2", "polecat-p-5"}
    accuse = events["polecat-p-1"]
    assert (accuse["source"], accuse["target"], accuse["type"]) == ("ARM", "RUS", "ACCUSE")
    assert accuse["evidence"][0]["url"] == "https://news.example/polecat/p-1"
    demand = events["polecat-p-2"]
    assert (demand["target"], demand["type"], demand["mode"]) == ("CSTO", "REQUEST", "assist")
    assert events["polecat-p-5"]["source"] == "NATO"
    assert report.unknown_codes == {"INVESTIGATE": 1}
    assert report.problems == [(5, "EVENT_DATE '05/04/2023x' is not a date (YYYY-MM-DD)")]


def test_a_polecat_file_without_the_needed_columns_is_refused_with_why(
    db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("Story ID\tHeadline\ns-1\tA headline\n")
    report = import_files("polecat", [path], db).files[0]
    assert report.failed and "no column for id, date, type" in report.failed


# -- ACLED -------------------------------------------------------------------------------


def test_acled_types_and_state_actors_map_and_the_rest_is_counted(db: Path, tmp_path: Path) -> None:
    forces = "Military Forces of Azerbaijan (2003-)", "Military Forces of Armenia (2018-)"
    records = [
        acled_row("ARM101", "2022-09-13", "Battles", "Armed clash", *forces),
        acled_row("ARM102", "14 September 2022", "Explosions/Remote violence",
                  "Shelling/artillery/missile attack", forces[0], "Civilians (Armenia)"),
        acled_row("ARM103", "2022-09-20", "Protests", "Peaceful protest",
                  "Protesters (Armenia)", ""),
        acled_row("ARM104", "2022-09-21", "Strategic developments", "Change to group/activity",
                  forces[1], forces[0]),
        acled_row("ARM105", "2022-09-22", "Battles", "Armed clash",
                  "Unidentified Armed Group (Armenia)", forces[1]),
        acled_row("ARM106", "2022-09-31", "Battles", "Armed clash", *forces),
        acled_row("ARM107", "2022-10-15", "Strategic developments", "Agreement",
                  "Government of Armenia (2018-)", "Government of Azerbaijan (2003-)",
                  precision="3"),
        acled_row("ARM108", "2022-09-23", "Riots", "Something new", *forces),
    ]  # fmt: skip
    report = import_files("acled", [write_acled(tmp_path / "acled.csv", records)], db).files[0]
    events = _events(db)
    assert set(events) == {"acled-ARM101", "acled-ARM102", "acled-ARM107"}
    clash = events["acled-ARM101"]
    assert (clash["source"], clash["target"], clash["type"], clash["mode"]) == (
        "AZE",
        "ARM",
        "ASSAULT",
        "firearms",
    )
    assert clash["confidence"] == pytest.approx(0.8) and clash["evidence"][0]["url"] is None
    shelling = events["acled-ARM102"]
    assert (shelling["date"], shelling["target"], shelling["mode"]) == (
        "2022-09-14",
        "ARM",
        "heavy-weapons",
    )
    agreement = events["acled-ARM107"]
    assert (agreement["type"], agreement["date_precision"]) == ("AGREE", "month")
    assert report.one_sided == 1
    assert report.no_counterpart == {"Strategic developments: Change to group/activity": 1}
    assert report.unknown_codes == {"Riots: Something new": 1}
    assert report.unmapped_actors == {"Unidentified Armed Group (Armenia)": 1}
    assert report.problems == [(7, "event_date '2022-09-31' is not a date "
                                   "(YYYY-MM-DD or 13 September 2022)")]  # fmt: skip


# -- the mappings file -------------------------------------------------------------------


def test_the_mappings_cite_their_sources_and_cover_every_cameo_root() -> None:
    m = load_mappings()
    assert set(m.sources) == {"cameo", "cameo_actors", "polecat", "acled"}
    assert all(s["title"] and s["publisher"] for s in m.sources.values())
    assert sorted(m.cameo_roots) == [f"{n:02d}" for n in range(1, 21)]
    roots = {code[:2] for code in m.cameo}
    assert roots == set(m.cameo_roots)
    assert m.cameo["190"] == ("ASSAULT", "military") and m.cameo["1011"][0] == "REQUEST"
    assert m.cameo["010"] is None


def test_a_broken_mappings_file_is_refused_naming_the_entry(tmp_path: Path) -> None:
    text = Path(load_mappings.__code__.co_filename).with_name("mappings.yaml").read_text()
    broken = tmp_path / "mappings.yaml"
    broken.write_text(text.replace('"193": [ASSAULT, firearms]', '"193": [SHOOT, firearms]'))
    with pytest.raises(KnowledgeBaseError, match=r"cameo\.codes\.193.*'SHOOT' is not a PLOVER"):
        load_mappings(broken)


# -- a killed import -----------------------------------------------------------------------

KILL_HARNESS = """
import json, os, signal, sys, time
from bloc.ingest.datasets import import_files
from bloc.store import opened
path, db = sys.argv[1], sys.argv[2]
print("ready", flush=True)
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:  # the child imports until it is killed (or finishes)
        import_files("gdelt", [path], db, batch_rows=300)
        os._exit(0)
    time.sleep(float(line))
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"killed": os.WIFSIGNALED(status)}), flush=True)
"""


def _many_rows(tmp_path: Path, n: int = 3000) -> Path:
    rng = random.Random(3)
    actors = [AZE, ARM, RUS, ("KAZ", "KAZAKHSTAN", "KAZ"), ("BLR", "BELARUS", "BLR")]
    codes = ["042", "112", "193", "0232", "057", "138", "173"]
    rows = []
    for i in range(n):
        a, b = rng.sample(actors, 2)
        day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 60))
        rows.append(Gdelt(70_000 + i, day.strftime("%Y%m%d"), rng.choice(codes), a, b))
    return write_gdelt(tmp_path / "many.export.CSV", rows)


def _gdelt_documents(db: Path) -> list[str]:
    with Store.open(db, read_only=True) as store:
        rows = store.con.execute(
            "SELECT document FROM evidence WHERE document LIKE 'gdelt:%'"
        ).fetchall()
    return sorted(str(r[0]) for r in rows)


@pytest.mark.slow
def test_an_import_killed_at_random_points_loses_and_duplicates_nothing(
    tmp_path: Path, record_property: Any
) -> None:
    """Killed 15+ times mid-import: the store always checks clean and holds whole batches
    only, in file order; a rerun then ends exactly where an import never killed does."""
    path = _many_rows(tmp_path)
    clean_db = tmp_path / "clean.duckdb"
    import_files("gdelt", [path], clean_db, batch_rows=300)
    clean = _gdelt_documents(clean_db)
    order = {doc: i for i, doc in enumerate(sorted(clean, key=lambda d: int(d.split(":")[1])))}
    db = tmp_path / "killed.duckdb"
    harness = Harness(KILL_HARNESS, str(path), str(db))
    rng = random.Random(2026)
    kills = rounds = partial = 0
    try:
        while kills < 15 and rounds < 80:
            rounds += 1
            kills += harness.ask(f"{rng.uniform(0.05, 2.0):.3f}")["killed"]
            if not db.exists():
                continue
            report = check_path(db)
            assert report.ok, [f.advice for f in report.problems]
            stored = _gdelt_documents(db)
            assert len(stored) == len(set(stored))  # nothing twice
            positions = sorted(order[d] for d in stored)
            assert positions == list(range(len(stored)))  # the file's first rows
            assert len(stored) % 300 == 0 or len(stored) == len(clean)  # whole batches
            if 0 < len(stored) < len(clean):
                partial += 1
            if len(stored) == len(clean):  # it finished: start again from nothing
                for leftover in tmp_path.glob("killed.duckdb*"):
                    leftover.unlink()
    finally:
        harness.close()
    assert kills >= 15 and partial >= 5, (kills, partial, rounds)
    record_property(
        "measured",
        f"SIGKILL: {kills} kills of a running import in {rounds} rounds, {partial} left a "
        "partial store; each checked clean and held whole batches only",
    )
    import_files("gdelt", [path], db, batch_rows=300)
    assert _tables(db) == _tables(clean_db)
