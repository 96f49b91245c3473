"""Dataset actors as the datasets mean them, and ACLED's rows as one event each.

Every file is written here in the dataset's layout with invented rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bloc import api
from bloc.errors import BlocError
from bloc.ingest.datasets import import_files, mappings
from bloc.ingest.datasets.actors import acled_actor, gdelt_actor, polecat_actor
from bloc.store import Store
from dataset_files import Gdelt, acled_row, polecat_row, write_acled, write_gdelt, write_polecat

RUS = ("RUS", "RUSSIA", "RUS")
UKR = ("UKR", "UKRAINE", "UKR")


def _events(db: Path) -> dict[str, dict[str, Any]]:
    frame = api.events(db=db)
    return {str(r["id"]): r for r in api.to_records(frame[frame.origin != "curated"])}


@pytest.mark.parametrize(
    ("code", "name", "country", "group", "types", "expected"),
    [
        ("USA", "UNITED STATES", "USA", "", (), "USA"),  # a state alone
        ("USAGOV", "WASHINGTON", "USA", "", ("GOV",), "USA"),
        ("RUSMIL", "RUSSIAN ARMY", "RUS", "", (), "RUS"),  # roles read from the code
        ("AFGINSTAL", "TALIBAN", "AFG", "TAL", ("INS",), "AFG:rebel"),
        ("YEMREB", "HOUTHI REBELS", "YEM", "", ("REB",), "YEM:rebel"),
        ("COLREB", "GUERRILLA", "COL", "", (), "COL:rebel"),
        ("USABUS", "AIRLINE", "USA", "", ("BUS",), "USA:company"),
        ("MNCUSA", "PLANE MAKER", "USA", "", ("MNC",), "USA:company"),
        ("NGOTWNHRI", "A RIGHTS GROUP", "TWN", "", ("NGO", "HRI"), "TWN:ngo"),
        ("NGO", "AMNESTY INTERNATIONAL", "", "", ("NGO",), "AMNESTY"),  # a body bloc models
        ("IGOWSTNAT", "NATO", "", "NAT", ("IGO",), "NATO"),
        ("UKRCVL", "VILLAGERS", "UKR", "", ("CVL",), "UKR:civilians"),
        ("RUSOPP", "OPPOSITION", "RUS", "", ("OPP",), "RUS:party"),
        ("CVL", "CIVILIANS", "", "", ("CVL",), ":civilians"),
        ("AFR", "AFRICA", "", "", (), None),  # a region: unmapped, never guessed
        ("IRQSHI", "SHIA", "IRQ", "", (), "IRQ:other"),  # people of a state, not the state
    ],
)
def test_cameo_actor_codes_map_to_actors_of_their_kind(
    code: str,
    name: str,
    country: str,
    group: str,
    types: tuple[str, ...],
    expected: str | None,
) -> None:
    assert gdelt_actor(mappings(), code, name, country, group, types) == expected


def test_gdelt_non_state_actors_are_not_their_state(db: Path, tmp_path: Path) -> None:
    rows = [
        # An insurgent attack on a state's troops: the insurgents are not the state.
        Gdelt(3001, "20220913", "193", ("AFGINSTAL", "TALIBAN", "AFG"), ("USAMIL", "US", "USA"),
              group1="TAL", extra={"Actor1Type1Code": "INS", "Actor2Type1Code": "MIL"}),
        # An airline suing a plane maker: two companies of one state, domestic.
        Gdelt(3002, "20220913", "1712", ("USABUS", "AIRLINE", "USA"),
              ("MNCUSA", "PLANE MAKER", "USA"),
              extra={"Actor1Type1Code": "BUS", "Actor2Type1Code": "MNC"}),
        # A state against its own government: domestic, kept and flagged.
        Gdelt(3003, "20220913", "112", RUS, ("RUSGOV", "KREMLIN", "RUS")),
        Gdelt(3004, "20220913", "112", RUS, UKR),
    ]  # fmt: skip
    import_files("gdelt", [write_gdelt(tmp_path / "day.CSV", rows)], db, keep_all=True)
    events = _events(db)
    sides = {
        k: (e["source"], e["source_kind"], e["target"], e["target_kind"], e["domestic"])
        for k, e in events.items()
    }
    assert sides == {
        "gdelt-3001": ("AFG:rebel", "rebel", "USA", "state", False),
        "gdelt-3002": ("USA:company", "company", "USA:company", "company", True),
        "gdelt-3003": ("RUS", "state", "RUS", "state", True),
        "gdelt-3004": ("RUS", "state", "UKR", "state", False),
    }
    # Of the interstate events (state on both sides, not domestic), none has one state
    # on both sides.
    interstate = [
        e
        for e in events.values()
        if e["source_kind"] == e["target_kind"] == "state" and not e["domestic"]
    ]
    assert interstate and all(e["source"] != e["target"] for e in interstate)


def test_acled_actor_names_types_and_units() -> None:
    m = mappings()
    assert acled_actor(m, "Military Forces of Russia (2000-) Air Force", "8") == "RUS"
    assert acled_actor(m, "Military Forces of Russia (2000-)", "8") == "RUS"
    assert acled_actor(m, "Police Forces of Ukraine (2019-) National Guard", "1") == "UKR"
    assert acled_actor(m, "Civilians (Ukraine)", "7") == "UKR:civilians"
    assert acled_actor(m, "Protesters (Armenia)", "6") == "ARM:protesters"
    assert acled_actor(m, "Some Invented Rebel Front", "2", "Ukraine") == "UKR:rebel"
    assert acled_actor(m, "Some Invented Militia", "Political militia", "Armenia") == (
        "ARM:militia"
    )
    assert acled_actor(m, "Wagner Group", "8", "Ukraine") == "WAGNER"  # bloc models it
    assert acled_actor(m, "Some Invented Forces", "1", "Ukraine") is None  # which state?
    assert acled_actor(m, "Someone", "", "Ukraine") is None


def test_polecat_sectors_give_the_kind() -> None:
    m = mappings()
    assert polecat_actor(m, "RUS", "Russia", "GOV") == "RUS"
    assert polecat_actor(m, "RUS", "Russia") == "RUS"  # no sector: the state, as before
    assert polecat_actor(m, "UKR", "Some Rebels", "REB") == "UKR:rebel"
    assert polecat_actor(m, "USA", "Some Company", "Business") == "USA:company"
    assert polecat_actor(m, "USA", "Someone", "Astrologers") == "USA:other"


def test_a_polecat_file_with_sectors_stores_kinds(db: Path, tmp_path: Path) -> None:
    rows = [polecat_row("P1", "2022-09-13", "ASSAULT", ("Some Rebels", "UKR"), ("Russia", "RUS"))]
    rows[0]["Primary Actor Sector"] = "REB"
    rows[0]["Primary Recipient Sector"] = "MIL"
    import_files("polecat", [write_polecat(tmp_path / "w.tsv", rows)], db)
    event = _events(db)["polecat-P1"]
    assert (event["source"], event["source_kind"], event["target"], event["domestic"]) == (
        "UKR:rebel",
        "rebel",
        "RUS",
        False,
    )


FORCES = "Military Forces of Russia (2000-) Air Force", "Military Forces of Ukraine (2019-)"


def _place(row: dict[str, str], location: str, admin1: str) -> dict[str, str]:
    return {**row, "location": location, "admin1": admin1}


def test_acled_rows_are_one_event_each_with_their_place(db: Path, tmp_path: Path) -> None:
    strike = ("Explosions/Remote violence", "Air/drone strike", *FORCES)
    rows = [
        _place(acled_row("UKR1", "2022-09-13", *strike, country="Ukraine", fatalities="3"),
               "Testville", "Testprovince"),
        # Same actors, type and day, another province: another event.
        _place(acled_row("UKR2", "2022-09-13", *strike, country="Ukraine"),
               "Otherton", "Otherprovince"),
        # Same place and day, another sub-event type: another event, its own mode.
        _place(acled_row("UKR3", "2022-09-13", "Violence against civilians",
                         "Abduction/forced disappearance", *FORCES, country="Ukraine"),
               "Testville", "Testprovince"),
        # Known to the week only: a week, not a month.
        _place(acled_row("UKR4", "2022-09-14", *strike, country="Ukraine", precision="2"),
               "Testville", "Testprovince"),
    ]  # fmt: skip
    path = write_acled(tmp_path / "acled.csv", rows)
    report = import_files("acled", [path], db).files[0]
    assert (report.events_new, report.events_merged, report.unmapped_rows) == (4, 0, 0)
    events = _events(db)
    assert {k: (e["source"], e["mode"], e["date_precision"]) for k, e in events.items()} == {
        "acled-UKR1": ("RUS", "heavy-weapons", "day"),
        "acled-UKR2": ("RUS", "heavy-weapons", "day"),
        "acled-UKR3": ("RUS", "abduct", "day"),
        "acled-UKR4": ("RUS", "heavy-weapons", "week"),
    }
    with Store.open(db, read_only=True) as store:
        detail = store.con.execute(
            "SELECT place, admin1, country, fatalities, sub_event_type FROM dataset_rows "
            "WHERE document = 'acled:UKR1'"
        ).fetchall()
    assert detail == [("Testville", "Testprovince", "Ukraine", 3, "Air/drone strike")]
    again = import_files("acled", [path], db).files[0]  # the same rows: nothing added
    assert (again.stored, again.already) == (0, 4) and len(_events(db)) == 4


def test_merge_reports_joins_a_report_of_the_same_happening_only(db: Path, tmp_path: Path) -> None:
    strike = ("Explosions/Remote violence", "Air/drone strike", *FORCES)
    here = {"ActionGeo_FullName": "Testville", "ActionGeo_ADM1Code": "Testprovince"}
    gdelt = [Gdelt(4001, "20220913", "195", RUS, UKR, extra=here)]  # 195: air strike
    import_files("gdelt", [write_gdelt(tmp_path / "g.CSV", gdelt)], db)
    rows = [
        _place(acled_row("UKR1", "2022-09-13", *strike, country="Ukraine"),
               "Testville", "Testprovince"),
        _place(acled_row("UKR2", "2022-09-13", *strike, country="Ukraine"),
               "Otherton", "Otherprovince"),
    ]  # fmt: skip
    path = write_acled(tmp_path / "acled.csv", rows)
    report = import_files("acled", [path], db, merge_reports=True).files[0]
    assert (report.events_new, report.events_merged) == (1, 1)
    events = _events(db)
    assert sorted(e["document"] for e in events["gdelt-4001"]["evidence"]) == [
        "acled:UKR1",
        "gdelt:4001",
    ]
    assert "acled-UKR2" in events and "acled-UKR1" not in events


def test_unmapped_actors_are_listed_in_the_users_file_and_their_codes_used(
    db: Path, tmp_path: Path
) -> None:
    from bloc.ingest.datasets.overrides import actors_file, load_overrides

    battle = ("Battles", "Armed clash")
    rows = [
        acled_row("UKR9", "2022-09-13", *battle, "Some Invented Forces", FORCES[1],
                  country="Ukraine"),
    ]  # fmt: skip
    path = write_acled(tmp_path / "acled.csv", rows)
    summary = import_files("acled", [path], db, record_unmapped=True)
    assert summary.files[0].unmapped_actors == {"Some Invented Forces": 1}
    listed = actors_file()
    assert summary.actors_file == listed and "Some Invented Forces: null" in listed.read_text()
    assert load_overrides("acled") == {}  # no code yet
    listed.write_text(listed.read_text().replace("Some Invented Forces: null",
                                                 "Some Invented Forces: UKR:militia"))  # fmt: skip
    again = import_files("acled", [path], db, record_unmapped=True)
    assert again.files[0].stored == 1 and again.actors_file is None  # nothing new to list
    assert _events(db)["acled-UKR9"]["source"] == "UKR:militia"
    listed.write_text("acled:\n  Some Invented Forces: Ruritania\n")
    with pytest.raises(BlocError, match="neither an actor of the knowledge base"):
        import_files("acled", [path], db)
