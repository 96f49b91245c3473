"""`bloc import unvotes`: both layouts, re-imports, revisions and bad input, on invented rows."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from bloc.errors import BlocError
from bloc.ingest.datasets import unvotes
from bloc.ingest.datasets.unvotes import import_unvotes
from bloc.ingest.datasets.unvotes_states import state_code
from bloc.store import SCHEMA_VERSION, Store
from bloc.store.votes import write_roll_calls

CALLS = (
    "rcid,session,importantvote,date,unres,amend,para,short,descr\n"
    '1,50,0,1995-10-01,R/50/1,0,0,"TEST ONE","AN INVENTED TEXT"\n'
    '2,50,1,1995-11-02,R/50/2,0,0,"TEST TWO","ANOTHER, WITH A COMMA"\n'
    '3,50,0,1995-12-03,R/50/3,0,0,"TEST THREE","A THIRD"\n'
)
VOTES = (
    "rcid,country,country_code,vote\n"
    "1,Russia,RU,yes\n1,Uzbekistan,UZ,no\n1,Federal Republic of Germany,,abstain\n"
    "2,Russia,RU,no\n2,Uzbekistan,UZ,no\n2,Yugoslavia,YU,yes\n"
    "3,Russia,RU,yes\n3,Uzbekistan,UZ,abstain\n3,Zanzibar,,yes\n"
)
ISSUES = "rcid,short_name,issue\n1,hr,Human rights\n2,nu,Nuclear weapons\n2,di,Arms control\n"


def save(folder: Path, name: str, text: str, gz: bool = False) -> Path:
    path = folder / name
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    return [
        save(tmp_path, "un_votes.csv.gz", VOTES, gz=True),
        save(tmp_path, "un_roll_calls.csv", CALLS),
        save(tmp_path, "un_roll_call_issues.csv.gz", ISSUES, gz=True),
    ]


def test_the_three_files_import_with_historical_states_mapped(
    tmp_path: Path, files: list[Path]
) -> None:
    db = tmp_path / "s.duckdb"
    report = import_unvotes(files, db)
    assert (report.new, report.skipped, report.stored_votes) == (3, 0, 9)
    votes = dict(
        ((str(r), str(m)), str(v))
        for r, m, v in rows(db, "SELECT rcid, member, vote FROM roll_call_votes")
    )
    assert votes[("1", "DEU")] == "abstain" and votes[("2", "YUG")] == "yes"
    assert votes[("3", "ZAN")] == "yes" and votes[("1", "RUS")] == "yes"
    topics = dict(rows(db, "SELECT rcid, topics FROM roll_calls"))
    assert topics["2"] == ["di", "nu"] and topics["3"] == []


def test_rerunning_changes_nothing_and_a_newer_file_replaces_what_it_revises(
    tmp_path: Path, files: list[Path]
) -> None:
    db = tmp_path / "s.duckdb"
    import_unvotes(files, db)
    before = rows(db, "SELECT * FROM roll_call_votes ORDER BY ALL")
    again = import_unvotes(files, db)
    assert (again.new, again.revised, again.unchanged) == (0, 0, 3)
    assert rows(db, "SELECT * FROM roll_call_votes ORDER BY ALL") == before
    newer = tmp_path / "newer"
    newer.mkdir()
    revised = VOTES.replace("2,Uzbekistan,UZ,no", "2,Uzbekistan,UZ,yes")
    report = import_unvotes(
        [save(newer, "un_votes.csv", revised), save(newer, "un_roll_calls.csv", CALLS)], db
    )
    assert (report.new, report.revised, report.unchanged) == (0, 1, 2)
    assert rows(db, "SELECT vote FROM roll_call_votes WHERE rcid = '2' AND member = 'UZB'") == [
        ("yes",)
    ]
    assert rows(db, "SELECT count(*) FROM roll_call_votes") == [(9,)]


def test_voeten_layout_with_codes_absences_and_topics(tmp_path: Path) -> None:
    text = (
        "rcid,ccode,member,vote,Country,Countryname,year,session,abstain,yes,no,"
        "importantvote,date,unres,amend,para,short,descr,me,nu,di,hr,co,ec\n"
    )
    tail = ",1998,53,0,1,0,0,1998-12-01,R/53/7,0,0,X,Y,0,0,0,1,0,0\n"
    text += "".join(
        f"7,{row}{tail}"
        for row in (
            "365,1,1,RUS,Russia",
            "704,1,3,UZB,Uzbekistan",
            "260,1,8,GFR,German Federal Republic",
            "2,1,2,USA,United States of America",
        )
    )
    db = tmp_path / "s.duckdb"
    report = import_unvotes([save(tmp_path, "UNVotes.csv", text)], db)
    assert report.files[0]["layout"] == "voeten" and report.skipped == 0
    got = rows(db, "SELECT member, vote FROM roll_call_votes ORDER BY member")
    assert got == [("RUS", "yes"), ("USA", "abstain"), ("UZB", "no")]  # 8 (absent): no row
    assert rows(db, "SELECT topics, resolution FROM roll_calls") == [(["hr"], "R/53/7")]


def test_bad_input_is_listed_by_file_and_line_and_the_rest_goes_on(tmp_path: Path) -> None:
    calls = CALLS + '4,50,0,,R/50/4,0,0,"NO DATE","X"\n'
    votes = VOTES + "1,Atlantis,XX,yes\n2,Russia,RU,maybe\n4,Russia,RU,yes\n"
    other = save(tmp_path, "events.csv", "id,date,actor\n1,2020-01-01,RUS\n")
    db = tmp_path / "s.duckdb"
    report = import_unvotes(
        [save(tmp_path, "v.csv", votes), save(tmp_path, "c.csv", calls), other], db
    )
    failed = {f["path"]: f["failed"] for f in report.files}
    assert failed[str(other)] and "no UN votes layout" in failed[str(other)]
    listed = {
        (Path(f).name, line, what.split(":")[0], value) for f, line, what, value in report.skips
    }
    assert ("c.csv", 5, "roll call without a date", "4") in listed
    assert ("v.csv", 12, "vote code outside the known set", "maybe") in listed
    assert ("v.csv", 11, "unknown state", "Atlantis (XX)") in listed
    assert ("v.csv", 13, "vote on a roll call with no dated row", "4") in listed
    assert report.unmapped == {"Atlantis (XX)": 1}
    assert rows(db, "SELECT count(*) FROM roll_call_votes") == [(9,)]  # the rest went on
    assert any("Atlantis" in line for line in report.lines())


def test_a_failed_import_leaves_the_store_as_it_was(
    tmp_path: Path, files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.duckdb"
    import_unvotes(files, db)
    before = rows(db, "SELECT * FROM roll_call_votes ORDER BY ALL")
    revised = VOTES.replace("1,Russia,RU,yes", "1,Russia,RU,no")
    real = Store.transaction

    @contextmanager
    def failing(self: Store, *, bump: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
        with real(self, bump=bump) as con:  # a write half done, then the disk fails
            con.execute("DELETE FROM roll_call_votes")
            raise duckdb.IOException("disk full (simulated)")
        yield con

    def write(store: Store, calls: object, votes: object) -> object:
        store.transaction = lambda bump=True: failing(store, bump=bump)  # type: ignore[method-assign]
        return write_roll_calls(store, calls, votes)

    monkeypatch.setattr(unvotes, "write_roll_calls", write)
    with pytest.raises(BlocError, match="store is as it was"):
        import_unvotes([save(tmp_path, "r.csv", revised), save(tmp_path, "c.csv", CALLS)], db)
    monkeypatch.undo()
    assert rows(db, "SELECT * FROM roll_call_votes ORDER BY ALL") == before


def test_a_roll_calls_file_alone_is_refused_and_a_votes_file_alone_uses_the_store(
    tmp_path: Path, files: list[Path]
) -> None:
    db = tmp_path / "s.duckdb"
    alone = import_unvotes([files[1]], db)
    assert "needs its votes file" in str(alone.files[0]["failed"])
    import_unvotes(files, db)
    revised = VOTES.replace("3,Uzbekistan,UZ,abstain", "3,Uzbekistan,UZ,yes")
    report = import_unvotes([save(tmp_path, "later.csv", revised)], db)
    assert report.revised == 1 and report.skipped == 0
    assert rows(db, "SELECT date::VARCHAR FROM roll_calls WHERE rcid = '3'") == [("1995-12-03",)]


def test_state_codes_of_states_that_no_longer_exist() -> None:
    assert state_code("Czechoslovakia", "CS") == "CSK"
    assert state_code("German Democratic Republic", "DD") == "DDR"
    assert state_code("Yemen Arab Republic", None) == "YEM"
    assert state_code("Yemen People's Republic", "YD") == "YMD"
    assert state_code("Russia", "RU") == "RUS"
    assert state_code("Union of Soviet Socialist Republics", None, "365") == "RUS"
    assert state_code("Atlantis", "XX") is None


def test_a_schema_6_store_gains_the_roll_call_tables(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store.open(db):
        pass
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE roll_calls")
    con.execute("DROP TABLE roll_call_votes")
    con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    con.close()
    with Store.open(db) as store:
        assert store.meta("schema_version") == str(SCHEMA_VERSION)
        assert store.con.execute("SELECT count(*) FROM roll_calls").fetchall() == [(0,)]
