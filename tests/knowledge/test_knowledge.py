from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bloc.core.alliance import TIE_KINDS
from bloc.errors import KnowledgeBaseError
from bloc.knowledge import data_dir, load_knowledge, parse_date


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    return target


def test_every_curated_fact_cites_a_known_source() -> None:
    kb = load_knowledge()
    facts = [(e.id, e.cite) for e in kb.events]
    for alliance in kb.alliances.values():
        facts += [(f"{alliance.code} {s.member} {s.start}", s.cite) for s in alliance.membership]
        facts += [(r.id, r.cite) for r in alliance.requests]
        facts += [(p.id, p.cite) for p in alliance.provisions]
    assert len(facts) > 80
    for name, cite in facts:
        assert cite, f"{name} has no citation"
        for source in cite:
            assert source in kb.sources, f"{name} cites unknown {source}"


def test_seed_sources_point_at_the_reference_articles(seeds: Path) -> None:
    kb = load_knowledge()
    cited = {s.seed for s in kb.sources.values() if s.seed}
    assert cited == {p.name for p in seeds.glob("*.txt")}


@pytest.mark.parametrize(
    ("day", "count"), [("1995-06-01", 9), ("2010-01-01", 7), ("2023-05-01", 6)]
)
def test_csto_membership_counts(day: str, count: int) -> None:
    csto = load_knowledge().alliance("CSTO")
    assert len(csto.members_on(dt.date.fromisoformat(day))) == count


def test_uzbekistan_left_returned_and_was_suspended() -> None:
    csto = load_knowledge().alliance("CSTO")
    statuses = {
        d: [s.status for s in csto.members_on(dt.date.fromisoformat(d)) if s.member == "UZB"]
        for d in ("2001-01-01", "2008-01-01", "2012-09-01", "2013-01-01")
    }
    assert statuses == {
        "2001-01-01": [],
        "2008-01-01": ["member"],
        "2012-09-01": ["suspended"],
        "2013-01-01": [],
    }


def test_person_resolves_by_date() -> None:
    people = {p.name: p for p in load_knowledge().people}
    tokayev = people["Kassym-Jomart Tokayev"]
    assert tokayev.actor_on(dt.date(2012, 6, 1)) == "UN"
    assert tokayev.actor_on(dt.date(2022, 1, 5)) == "KAZ"
    assert people["Stanislav Zas"].actor_on(dt.date(2019, 1, 1)) == "BLR"
    assert people["Stanislav Zas"].actor_on(dt.date(2021, 1, 1)) == "CSTO"
    assert people["Stanislav Zas"].actor_on(dt.date(2023, 6, 1)) is None


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_malformed_date_is_rejected_with_file_entry_and_problem(data_copy: Path) -> None:
    _edit(data_copy / "alliances" / "csto.yaml", "date: 2022-10-09,", "date: 2022-13-09,")
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge(data_copy)
    message = str(info.value)
    assert "csto.yaml" in message and "kgz-cancel-exercise-2022" in message
    assert "2022-13-09" in message and "not a real date" in message


def test_unknown_actor_is_rejected(data_copy: Path) -> None:
    _edit(
        data_copy / "alliances" / "csto.yaml",
        "source: AZE, target: ARM",
        "source: XYZ, target: ARM",
    )
    with pytest.raises(
        KnowledgeBaseError, match=r"csto\.yaml.*aze-attack-arm-2022.*unknown actor 'XYZ'"
    ):
        load_knowledge(data_copy)


def test_spell_ending_before_it_starts_is_rejected(data_copy: Path) -> None:
    _edit(
        data_copy / "alliances" / "csto.yaml",
        "{member: AZE, start: 1993-09-24, end: 1999-04-20",
        "{member: AZE, start: 1993-09-24, end: 1990-04-20",
    )
    with pytest.raises(
        KnowledgeBaseError,
        match=r"csto\.yaml.*membership\[\d+\] \(AZE\).*ends \(1990-04-20\) before it starts",
    ):
        load_knowledge(data_copy)


def test_uncited_event_is_rejected(data_copy: Path) -> None:
    _edit(data_copy / "alliances" / "nato.yaml", "cite: [nato-members]}", "cite: []}")
    with pytest.raises(KnowledgeBaseError, match=r"nato\.yaml.*swe-join-nato-2024.*no citation"):
        load_knowledge(data_copy)


def test_unquoted_comma_in_flow_mapping_is_caught(data_copy: Path) -> None:
    _edit(
        data_copy / "alliances" / "nato.yaml",
        'summary: "Sweden becomes NATO\'s 32nd member."',
        "summary: Sweden, at last, joins",
    )
    with pytest.raises(KnowledgeBaseError, match="unknown field"):
        load_knowledge(data_copy)


@pytest.mark.parametrize(
    ("text", "precision"), [("2022", "year"), ("2022-09", "month"), ("2022-09-13", "day")]
)
def test_parse_date_precision(text: str, precision: str) -> None:
    assert parse_date(text)[1] == precision


def test_parse_date_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date("last spring")


def test_un_votes_are_loaded_for_every_csto_member() -> None:
    kb = load_knowledge()
    by_id = {r.id: r for r in kb.resolutions}
    assert set(by_id) == {"es-11-1", "es-11-4", "es-11-6", "a-77-284"}
    for resolution in kb.resolutions:
        assert {"ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"} <= set(resolution.votes)
        assert resolution.votes["RUS"] == "no" and resolution.cite
    assert by_id["a-77-284"].votes["ARM"] == "yes"
    assert by_id["es-11-1"].votes["ARM"] == "abstain"


def test_unreadable_vote_is_rejected(data_copy: Path) -> None:
    _edit(data_copy / "un_votes.yaml", "ARM: abstain", "ARM: maybe")
    with pytest.raises(
        KnowledgeBaseError, match=r"un_votes\.yaml.*es-11-1.*vote of ARM must be one of"
    ):
        load_knowledge(data_copy)


def test_rival_must_be_a_known_actor(data_copy: Path) -> None:
    _edit(data_copy / "alliances" / "nato.yaml", "actors: [RUS, BLR]", "actors: [RUS, XXX]")
    with pytest.raises(KnowledgeBaseError, match=r"nato\.yaml.*rivals.*unknown actor 'XXX'"):
        load_knowledge(data_copy)


# -- standing ties between states (ties.yaml) --------------------------------


def test_ties_are_loaded_cited_and_dated() -> None:
    kb = load_knowledge()
    ties = {t.id: t for t in kb.ties}
    assert {"rus-aze-allied-2022", "tur-aze-shusha-2021", "turkic-council-2009"} <= set(ties)
    for tie in kb.ties:
        assert tie.kind in TIE_KINDS and len(set(tie.actors)) >= 2
        assert tie.cite and all(source in kb.sources for source in tie.cite)
    allied = ties["rus-aze-allied-2022"]
    assert allied.tone == pytest.approx(0.4)  # AGREE's default intensity
    assert not allied.holds_on(dt.date(2022, 2, 21)) and allied.holds_on(dt.date(2022, 2, 22))
    arms = ties["rus-aze-arms-2010"]
    assert arms.tone == pytest.approx(0.7)  # AID's
    # A year-precise start counts from the end of that year, as curated events do.
    assert arms.known_from() == dt.date(2010, 12, 31)
    turkic = ties["turkic-council-2009"]
    assert turkic.links("KAZ", "TUR") and turkic.links("AZE", "KGZ")
    assert not turkic.links("KAZ", "KAZ") and not turkic.links("RUS", "AZE")


def test_a_tie_of_unknown_kind_is_rejected(data_copy: Path) -> None:
    _edit(data_copy / "ties.yaml", "kind: organisation", "kind: friendship")
    with pytest.raises(
        KnowledgeBaseError, match=r"ties\.yaml.*turkic-council-2009.*kind must be one of"
    ):
        load_knowledge(data_copy)


def test_a_tie_naming_an_unknown_actor_is_rejected(data_copy: Path) -> None:
    _edit(data_copy / "ties.yaml", "between: [RUS, AZE]", "between: [RUS, XYZ]")
    with pytest.raises(
        KnowledgeBaseError, match=r"ties\.yaml.*rus-aze-arms-2010.*unknown actor 'XYZ'"
    ):
        load_knowledge(data_copy)


def test_a_tie_needs_two_actors_and_a_citation(data_copy: Path) -> None:
    _edit(data_copy / "ties.yaml", "between: [BLR, AZE]", "between: [BLR, BLR]")
    with pytest.raises(KnowledgeBaseError, match=r"blr-aze-arms-2018.*two or more different"):
        load_knowledge(data_copy)
    shutil.copy(data_dir() / "ties.yaml", data_copy / "ties.yaml")
    _edit(data_copy / "ties.yaml", "cite: [kremlin-2022-02-22]", "cite: [nowhere]")
    with pytest.raises(KnowledgeBaseError, match=r"rus-aze-allied-2022.*unknown source 'nowhere'"):
        load_knowledge(data_copy)


def test_a_tie_ending_before_it_starts_is_rejected(data_copy: Path) -> None:
    _edit(data_copy / "ties.yaml", "start: 2019-07-12", "start: 2019-07-12\n    end: 2019-01-01")
    with pytest.raises(KnowledgeBaseError, match=r"rus-tur-s400-2019.*ends \(2019-01-01\) before"):
        load_knowledge(data_copy)


def test_csto_exits_are_loaded_in_date_order_with_citations() -> None:
    exits = load_knowledge().alliance("CSTO").exits
    assert [(e.member, e.kind, e.date.isoformat()) for e in exits] == [
        ("AZE", "non-renewal", "1999-04-20"),
        ("GEO", "non-renewal", "1999-04-20"),
        ("UZB", "non-renewal", "1999-04-20"),
        ("UZB", "suspension", "2012-06-28"),
        ("ARM", "freeze", "2024-02-22"),
    ]
    assert all(e.cite for e in exits)


def test_an_exit_outside_every_membership_spell_is_rejected(data_copy: Path) -> None:
    _edit(
        data_copy / "alliances" / "csto.yaml",
        "{member: UZB, kind: suspension, date: 2012-06-28",
        "{member: UZB, kind: suspension, date: 2003-06-28",
    )
    with pytest.raises(
        KnowledgeBaseError,
        match=r"csto\.yaml.*exits\[\d+\] \(UZB\).*2003-06-28 falls outside every membership spell",
    ):
        load_knowledge(data_copy)


def test_an_exit_of_unknown_kind_is_rejected(data_copy: Path) -> None:
    _edit(data_copy / "alliances" / "csto.yaml", "kind: freeze,", "kind: sulk,")
    with pytest.raises(KnowledgeBaseError, match=r"exits\[\d+\] \(ARM\).*kind must be one of"):
        load_knowledge(data_copy)
