"""The alliances of history (docs/history.md): membership on probe dates against the
treaty records, the exits table, historical states, and bad input refused at load."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bloc.core.alliance import EXIT_KINDS
from bloc.errors import KnowledgeBaseError
from bloc.knowledge import (
    data_dir,
    exists_on,
    exits,
    load_knowledge,
    predecessors,
    successors,
    vote_code,
)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def members(code: str, day: str) -> dict[str, str]:
    return {
        s.member: s.status
        for s in load_knowledge().alliance(code).members_on(dt.date.fromisoformat(day))
    }


EIGHT = {"ALB", "BGR", "CSK", "DDR", "HUN", "POL", "ROU", "SUN"}


@pytest.mark.parametrize(
    ("code", "day", "expected"),
    [
        # Warsaw: signed 14 May 1955, in force on the last deposit of ratifications,
        # 5 June 1955 (prlib-warsaw-1955): nobody is a member on signature day.
        ("WARSAW", "1955-05-20", set()),
        ("WARSAW", "1955-06-05", EIGHT),
        # Hungary's declared withdrawal of 1 November 1956 was never carried out
        # (cfr-nagy-1956): it is still a member in 1957.
        ("WARSAW", "1957-01-01", EIGHT),
        # Albania: dormant from 1 February 1962, out on 13 September 1968 (bpb-warsaw-1955).
        ("WARSAW", "1970-01-01", EIGHT - {"ALB"}),
        # The GDR left on German unification, 3 October 1990 (bundesregierung-ddr-1990).
        ("WARSAW", "1990-10-03", EIGHT - {"ALB", "DDR"}),
        # The Prague protocol of 1 July 1991 ended the treaty (mastny-byrne-2005).
        ("WARSAW", "1991-07-01", set()),
        # SEATO: in force 19 February 1955 for all eight signatories (manila-protocol-1954).
        ("SEATO", "1955-02-19", {"AUS", "FRA", "GBR", "NZL", "PAK", "PHL", "THA", "USA"}),
        # Pakistan out a year after its notice, on 7 November 1973 (gibler-2009).
        ("SEATO", "1974-01-01", {"AUS", "FRA", "GBR", "NZL", "PHL", "THA", "USA"}),
        # Dissolved on 30 June 1977 (cable-bangkok-1975-09-02).
        ("SEATO", "1977-06-30", set()),
        # Baghdad Pact: Iraq and Turkey from 15 April 1955, the UK's accession of 5 April
        # counted from then; Pakistan from 23 September 1955 (baghdad-pact-accessions).
        ("CENTO", "1955-04-15", {"GBR", "IRQ", "TUR"}),
        ("CENTO", "1955-12-01", {"GBR", "IRN", "IRQ", "PAK", "TUR"}),
        # Iraq left in March 1959 (iranica-cento).
        ("CENTO", "1960-01-01", {"GBR", "IRN", "PAK", "TUR"}),
        # Pakistan's announcement of 12 March 1979 ended it (frus-1977-80-v19-d330).
        ("CENTO", "1979-03-12", set()),
        # ANZUS: in force 29 April 1952 (anzus-treaty).
        ("ANZUS", "1952-04-28", set()),
        ("ANZUS", "1960-01-01", {"AUS", "NZL", "USA"}),
        # Rio: in force 3 December 1948 (rio-treaty-1947); Ecuador from 10 November 1949,
        # the Bahamas from 8 November 1982 (gibler-2009).
        ("RIO", "1948-12-02", set()),
    ],
)
def test_membership_on_probe_dates_matches_the_treaty_records(
    code: str, day: str, expected: set[str]
) -> None:
    assert set(members(code, day)) == expected


def test_rio_treaty_membership_over_time() -> None:
    # 1948: the nineteen states that signed on 2 September 1947 and Nicaragua (15 October
    # 1948), as the US proclamation lists them; not yet Ecuador (rio-treaty-1947, gibler-2009).
    assert len(members("RIO", "1949-01-01")) == 20 and "ECU" not in members("RIO", "1949-01-01")
    # 1970: Ecuador in, Trinidad and Tobago in (6 April 1967); Cuba's government excluded
    # at Punta del Este on 31 January 1962 (harmer-2019).
    in_1970 = members("RIO", "1970-01-01")
    assert in_1970["CUB"] == "suspended" and "TTO" in in_1970 and "BHS" not in in_1970
    # 2010: Mexico gone (6 September 2004: oas-b29, caravel-2019-10-04).
    assert "MEX" not in members("RIO", "2010-01-01") and "BHS" in members("RIO", "2010-01-01")
    # 2017: Venezuela, Bolivia, Nicaragua and Ecuador gone (alba-tiar-2012-06-05).
    gone = {"VEN", "BOL", "NIC", "ECU", "MEX"}
    assert not gone & set(members("RIO", "2017-01-01"))


def test_new_zealand_is_suspended_from_august_1986() -> None:
    # The joint US-Australian statement of 11 August 1986 (apnews-1986-08-12).
    assert members("ANZUS", "1986-08-10")["NZL"] == "member"
    assert members("ANZUS", "1986-08-11")["NZL"] == "suspended"


def test_france_froze_its_seato_participation_in_1974() -> None:
    # No French budget contribution after 30 June 1974 (cable-bangkok-1974-08-03).
    assert members("SEATO", "1974-06-30")["FRA"] == "member"
    assert members("SEATO", "1974-07-01")["FRA"] == "frozen"


def test_leaders_and_leaderless_alliances() -> None:
    kb = load_knowledge()
    leaders = {code: kb.alliance(code).leader for code in ("WARSAW", "SEATO", "ANZUS")}
    assert leaders == {"WARSAW": "SUN", "SEATO": "USA", "ANZUS": "USA"}
    assert kb.alliance("CENTO").leader is None and kb.alliance("RIO").leader is None


def test_every_new_alliance_has_a_cited_collective_defence_clause() -> None:
    kb = load_knowledge()
    for code in ("WARSAW", "SEATO", "CENTO", "ANZUS", "RIO"):
        defence = [p for p in kb.alliance(code).provisions if p.kind == "collective_defence"]
        assert defence and all(p.cite for p in defence), code


def test_the_exits_table_holds_every_exit_the_issue_names() -> None:
    found = {(x.alliance, x.member, x.kind, x.date.year) for x in exits(load_knowledge())}
    assert {
        ("CSTO", "UZB", "non-renewal", 1999),
        ("CSTO", "UZB", "suspension", 2012),
        ("CSTO", "ARM", "freeze", 2024),
        ("NATO", "FRA", "military-structure", 1966),
        ("NATO", "GRC", "military-structure", 1974),
        ("WARSAW", "HUN", "withdrawal", 1956),
        ("WARSAW", "ALB", "withdrawal", 1968),
        ("WARSAW", "DDR", "withdrawal", 1990),
        ("SEATO", "PAK", "denunciation", 1973),
        ("SEATO", "FRA", "freeze", 1974),
        ("CENTO", "IRQ", "withdrawal", 1959),
        ("CENTO", "IRN", "withdrawal", 1979),
        ("CENTO", "PAK", "withdrawal", 1979),
        ("ANZUS", "NZL", "suspension", 1986),
        ("RIO", "MEX", "denunciation", 2004),
        ("RIO", "CUB", "suspension", 1962),
        ("RIO", "VEN", "denunciation", 2013),
        ("RIO", "BOL", "denunciation", 2014),
        ("RIO", "NIC", "denunciation", 2014),
        ("RIO", "ECU", "denunciation", 2016),
    } <= found


def test_exits_are_in_date_order_cited_and_of_known_kinds() -> None:
    table = exits(load_knowledge())
    assert [x.date for x in table] == sorted(x.date for x in table)
    assert all(x.cite and x.kind in EXIT_KINDS for x in table)
    assert all(x.announced is None or x.announced <= x.date for x in table)
    # Dates keep the sources' precision: Bolivia's exit is known to the year only.
    bolivia = next(x for x in table if x.member == "BOL")
    assert (bolivia.date, bolivia.precision) == (dt.date(2014, 1, 1), "year")


def test_exits_of_one_alliance() -> None:
    kb = load_knowledge()
    assert {x.alliance for x in exits(kb, "anzus")} == {"ANZUS"}
    assert len(exits(kb)) == sum(len(a.exits) for a in kb.alliances.values())


def test_historical_states_map_to_their_successors_and_vote_codes() -> None:
    kb = load_knowledge()
    # The Soviet Union's UN votes are filed as Russia's, which continued its seat
    # (un-member-states); Czechoslovakia and the GDR keep their own codes.
    assert vote_code(kb, "SUN") == "RUS"
    assert (vote_code(kb, "CSK"), vote_code(kb, "DDR"), vote_code(kb, "POL")) == (
        "CSK",
        "DDR",
        "POL",
    )
    assert set(successors(kb, "CSK")) == {"CZE", "SVK"}
    assert successors(kb, "DDR") == ("DEU",) and "UKR" in successors(kb, "SUN")
    assert predecessors(kb, "DEU") == ("DDR",) and predecessors(kb, "FRA") == ()
    assert exists_on(kb, "DDR", dt.date(1990, 10, 2))
    assert not exists_on(kb, "DDR", dt.date(1990, 10, 3))
    assert exists_on(kb, "DEU", dt.date(1990, 10, 3))


# Bad input: refused at load with the file, the entry and the reason.


def test_an_exit_outside_every_spell_of_a_new_alliance_is_rejected(data_copy: Path) -> None:
    _edit(
        data_copy / "alliances" / "seato.yaml",
        "{member: PAK, kind: denunciation, date: 1973-11-07",
        "{member: PAK, kind: denunciation, date: 1975-11-07",
    )
    with pytest.raises(
        KnowledgeBaseError,
        match=r"seato\.yaml.*exits\[\d+\] \(PAK\).*1975-11-07 falls outside every membership spell",
    ):
        load_knowledge(data_copy)


def test_a_member_code_the_actor_table_lacks_is_rejected(data_copy: Path) -> None:
    _edit(
        data_copy / "alliances" / "warsaw.yaml",
        "{member: ROU, start: 1955-06-05",
        "{member: RUM, start: 1955-06-05",
    )
    with pytest.raises(
        KnowledgeBaseError,
        match=r"warsaw\.yaml.*membership\[\d+\].*'member' names unknown actor 'RUM'",
    ):
        load_knowledge(data_copy)


def test_overlapping_spells_are_rejected(data_copy: Path) -> None:
    _edit(
        data_copy / "alliances" / "anzus.yaml",
        "{member: NZL, start: 1986-08-11, status: suspended",
        "{member: NZL, start: 1980-01-01, status: suspended",
    )
    with pytest.raises(
        KnowledgeBaseError,
        match=r"anzus\.yaml.*membership\[\d+\] \(NZL\).*overlaps another spell of NZL",
    ):
        load_knowledge(data_copy)


def test_a_spell_outliving_its_state_is_rejected(data_copy: Path) -> None:
    _edit(
        data_copy / "alliances" / "warsaw.yaml",
        "{member: DDR, start: 1955-06-05, end: 1990-10-03",
        "{member: DDR, start: 1955-06-05, end: 1991-07-01",
    )
    with pytest.raises(
        KnowledgeBaseError,
        match=r"warsaw\.yaml.*\(DDR\).*runs past 1990-10-03, the day DDR ceased to exist",
    ):
        load_knowledge(data_copy)


def test_an_unknown_successor_is_rejected(data_copy: Path) -> None:
    _edit(data_copy / "actors.yaml", "successors: [CZE, SVK]", "successors: [CZE, SLO]")
    with pytest.raises(
        KnowledgeBaseError, match=r"actors\.yaml.*CSK.*successor 'SLO' is not a known actor"
    ):
        load_knowledge(data_copy)


def test_a_continuator_must_be_a_successor(data_copy: Path) -> None:
    _edit(data_copy / "actors.yaml", "continuator: RUS", "continuator: POL")
    with pytest.raises(
        KnowledgeBaseError, match=r"actors\.yaml.*SUN.*continuator 'POL' must be one of"
    ):
        load_knowledge(data_copy)
