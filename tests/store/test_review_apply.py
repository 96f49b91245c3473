"""Decisions in bulk from a file: each bad row named with its line and why, the rest applied,
and a file applied twice changing nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_decisions import table

from bloc import api
from bloc.errors import InputError
from bloc.store import opened
from bloc.store.review import apply_file


def generation(db: Path) -> int:
    with opened(db) as store:
        return store.generation()


def test_a_csv_file_is_applied_row_by_row(coded: Any, tmp_path: Path) -> None:
    db, ids = coded
    arm, kaz = ids[("ARM", "ACCUSE", "CSTO")], ids[("KAZ", "CONSULT", "RUS")]
    kgz, tjk = ids[("KGZ", "REJECT", "CSTO")], ids[("TJK", "ACCUSE", "KGZ")]
    path = tmp_path / "decisions.csv"
    path.write_text(
        "id,decision,type,mode,source,target,date,note\n"
        f"{arm},confirm,,,,,,\n"
        f'{kaz},reject,,,,,,"not an event, a ""meeting"" recap"\n'
        f"{tjk},correct,ASSAULT,shelling,,,2023-04,the shelling itself\n"
        f"{kgz},correct,HUG,,,,,\n"
        "t0000000000000,confirm,,,,,,\n"
        f"{kgz},confirm,,,,\n"
        f"{kgz},,,,,,,\n"
        "\n",
        encoding="utf-8",
    )
    applied = apply_file(db, path, reviewer="ana")
    assert [(t.event_id, t.decision) for t in applied.stored] == [
        (arm, "confirm"),
        (kaz, "reject"),
        (tjk, "correct"),
    ]
    assert [line for line, _ in applied.refused] == [5, 6, 7, 8]
    reasons = [why for _, why in applied.refused]
    assert "not a PLOVER type" in reasons[0] and "no event 't0000000000000'" in reasons[1]
    assert "6 fields where the header has 8" in reasons[2] and "no decision" in reasons[3]
    assert applied.lines()[0].endswith(
        "3 decisions stored (1 confirm, 1 correct, 1 reject), 0 already in effect, 4 refused"
    )
    assert applied.lines()[1].startswith(f"{path}:5: type 'HUG'")
    event = api.to_records(api.event(tjk, db))[0]
    assert (event["type"], event["mode"], event["date"], event["date_precision"]) == (
        "ASSAULT",
        "shelling",
        "2023-04-01",
        "month",
    )
    assert api.review_log(kaz, db)[0]["note"] == 'not an event, a "meeting" recap'
    assert {d["reviewer"] for d in api.review_log(arm, db)} == {"ana"}

    before = generation(db), table(db, "decisions")
    again = apply_file(db, path, reviewer="ben")
    assert (len(again.stored), len(again.unchanged), len(again.refused)) == (0, 3, 4)
    assert (generation(db), table(db, "decisions")) == before  # nothing written


def test_a_json_lines_file_is_applied_with_its_own_reviewers(coded: Any, tmp_path: Path) -> None:
    db, ids = coded
    arm, kgz = ids[("ARM", "ACCUSE", "CSTO")], ids[("KGZ", "REJECT", "CSTO")]
    rows: list[str] = [
        json.dumps({"id": arm, "decision": "correct", "target": "RUS", "reviewer": "cho"}),
        json.dumps({"id": kgz, "decision": "REJECT", "note": None}),
        "{not json",
        json.dumps([arm, "confirm"]),
        json.dumps({"id": kgz, "decision": "confirm", "typo": "x"}),
        json.dumps({"id": kgz, "decision": "correct", "date": 2023}),
        json.dumps({"id": kgz, "decision": "undo"}),
    ]
    path = tmp_path / "decisions.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    applied = apply_file(db, path, reviewer="ana")
    assert [t.decision for t in applied.stored] == ["correct", "reject", "undo"]
    assert [line for line, _ in applied.refused] == [3, 4, 5, 6]
    reasons = " | ".join(why for _, why in applied.refused)
    for part in ("not JSON", "not a JSON object", "unknown field 'typo'", "not a string"):
        assert part in reasons
    assert api.review_log(arm, db)[0]["reviewer"] == "cho"
    assert api.review_log(kgz, db)[0]["reviewer"] == "ana"
    assert api.to_records(api.event(kgz, db))[0]["review"] is None  # undone at the end
    assert api.to_records(api.event(arm, db))[0]["target"] == "RUS"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("d.csv", b"id,verdict\nx,confirm\n", "unknown column 'verdict'"),
        ("d.csv", b"decision,note\nconfirm,\n", "no 'id' column"),
        ("d.csv", b"", "empty file"),
        ("d.csv", b"id,decision\n\x00\x01", "binary file"),
        ("d.csv", "id,decision\nt1,confirm\n".encode("utf-16"), "binary file|not UTF-8"),
        ("d.csv", b"id,decision\n\xff\xfe,x\n", "not UTF-8"),
        ("missing.csv", None, "cannot read it"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(
    coded: Any, tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    db, _ = coded
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        apply_file(db, path, reviewer="ana")
    assert table(db, "decisions") == []


def test_a_file_without_a_known_suffix_is_read_by_its_first_character(
    coded: Any, tmp_path: Path
) -> None:
    db, ids = coded
    arm = ids[("ARM", "ACCUSE", "CSTO")]
    as_json = tmp_path / "decisions.txt"
    as_json.write_text(json.dumps({"id": arm, "decision": "confirm"}) + "\n", encoding="utf-8")
    as_csv = tmp_path / "decisions.list"
    as_csv.write_text(f"id,decision\n{arm},reject\n", encoding="utf-8")
    assert [t.decision for t in apply_file(db, as_json, "ana").stored] == ["confirm"]
    assert [t.decision for t in apply_file(db, as_csv, "ana").stored] == ["reject"]
