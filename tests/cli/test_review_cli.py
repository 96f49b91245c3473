"""`bloc review` (the walk and --apply), `bloc accuracy`, and --as-coded on the commands."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bloc import api
from bloc.cli import app
from bloc.core.rules import AGREEMENT_BONUS, CONFIDENCE_CAP
from bloc.ingest import ingest
from bloc.measures.accuracy import BANDS
from bloc.store.decisions import Decision
from bloc.store.review import decide
from review_files import ARTICLES, write

runner = CliRunner()
# Written for this test: a second report of Armenia's complaint (its event's confidence
# rises by the agreement bonus) whose sentence carries Rich markup, which must print as text.
MARKUP = "[bold red]urgent[/bold red]"
AGAIN = {
    "id": "a3",
    "title": "Yerevan again",
    "url": "https://example.org/a3",
    "published": "2023-03-03",
    "text": f"Armenia accused the CSTO on 1 March 2023 of ignoring its call for help {MARKUP}.",
}


def run(*args: str, input: str | None = None, code: int = 0) -> str:
    """What the command printed, to the terminal and to stderr."""
    result = runner.invoke(app, list(args), input=input)
    assert result.exit_code == code, result.output
    return result.output


def data(*args: str, code: int = 0) -> Any:
    """What the command printed as JSON on stdout."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


def test_the_walk_goes_lowest_confidence_first_and_takes_a_key_each(
    coded: Any, tmp_path: Path
) -> None:
    db, ids = coded
    once = api.to_records(api.event(ids[("ARM", "ACCUSE", "CSTO")], db))[0]["confidence"]
    ingest([write(tmp_path, [*ARTICLES, AGAIN])], db=db)
    keys = "c\nr\nnot said\ne\nHUG\n\n\n\n\n\ne\nASSAULT\n\n\n\n2023-04\nthe shelling\ns\n"
    output = run("review", "--db", str(db), "--reviewer", "ana", input=keys)
    walked = re.findall(r"confidence (\d\.\d\d)  origin text  id (t\w+)", output)
    assert len(walked) == 4 and output.startswith("4 events to review")
    confidences = [float(c) for c, _ in walked]
    assert confidences == sorted(confidences) and confidences[0] < confidences[-1]
    twice = dict((i, float(c)) for c, i in walked)[ids[("ARM", "ACCUSE", "CSTO")]]
    assert twice == pytest.approx(min(CONFIDENCE_CAP, once + AGREEMENT_BONUS), abs=0.006)
    assert MARKUP in output  # printed as written, not read as markup
    assert "not stored: type 'HUG' is not a PLOVER type" in output  # asked again
    assert output.rstrip().endswith(
        "3 decisions stored (1 confirm, 1 reject, 1 correct), 1 skipped, 0 not reached"
    )
    first, second, third, fourth = (api.to_records(api.event(i, db))[0] for _, i in walked)
    assert first["review"]["decision"] == "confirm" and first["review"]["reviewer"] == "ana"
    assert (second["review"]["decision"], second["review"]["note"]) == ("reject", "not said")
    assert (third["type"], third["date"][:7], third["review"]["note"]) == (
        "ASSAULT",
        "2023-04",
        "the shelling",
    )
    assert fourth["review"] is None
    again = run("review", "--db", str(db), input="q\n")
    assert again.startswith("1 events to review") and walked[-1][1] in again


def test_the_walk_takes_only_the_events_asked_for(coded: Any) -> None:
    db, _ = coded
    nothing = "nothing to review"
    assert nothing in run("review", "--db", str(db), "--max-confidence", "0.5")
    assert nothing in run("review", "--db", str(db), "--alliance", "NATO")
    assert nothing in run("review", "--db", str(db), "--origin", "gdelt")
    output = run("review", "--db", str(db), "--alliance", "CSTO", "--limit", "2", input="q\n")
    assert output.startswith("2 events to review")
    assert "0 decisions stored (none), 0 skipped, 2 not reached" in output
    run("review", "--db", str(db), "--min-confidence", "2", code=1)


def test_apply_reports_refused_rows_and_exits_1(coded: Any, tmp_path: Path) -> None:
    db, ids = coded
    path = tmp_path / "d.csv"
    path.write_text(
        f"id,decision,type\n{ids[('ARM', 'ACCUSE', 'CSTO')]},confirm,\nnope,reject,\n",
        encoding="utf-8",
    )
    output = run("review", "--db", str(db), "--apply", str(path), code=1)
    assert "1 decisions stored (1 confirm), 0 already in effect, 1 refused" in output
    assert f"{path}:3: no event 'nope'" in output
    body = data("review", "--db", str(db), "--apply", str(path), "-f", "json", code=1)
    assert (len(body["stored"]), len(body["unchanged"]), body["refused"][0]["line"]) == (0, 1, 3)
    run("review", "--db", str(db), "--apply", str(tmp_path / "none.csv"), code=1)


REVIEWED = [("ARM", "ACCUSE", "CSTO"), ("KAZ", "CONSULT", "RUS"), ("TJK", "ACCUSE", "KGZ"),
            ("KGZ", "REJECT", "CSTO")]  # fmt: skip


def _review(db: Path, ids: dict[tuple[str, str, str], str]) -> None:
    decide(db, Decision(ids[("ARM", "ACCUSE", "CSTO")], "confirm", reviewer="ana"))
    decide(db, Decision(ids[("KAZ", "CONSULT", "RUS")], "reject", reviewer="ana"))
    decide(db, Decision(ids[("TJK", "ACCUSE", "KGZ")], "correct", type="ASSAULT", reviewer="ana"))
    decide(db, Decision(ids[("KGZ", "REJECT", "CSTO")], "correct", date="2023-04", reviewer="ana"))


def test_events_show_the_review_and_as_coded_shows_the_events_without_it(coded: Any) -> None:
    db, ids = coded
    _review(db, ids)
    reviewed = data("events", "--origin", "text", "--db", str(db), "-f", "json")
    coded_ = data("events", "--origin", "text", "--db", str(db), "-f", "json", "--as-coded")
    assert len(coded_) == len(reviewed) + 1
    by_id = {e["id"]: e for e in reviewed}
    assert ids[("KAZ", "CONSULT", "RUS")] not in by_id
    tjk = by_id[ids[("TJK", "ACCUSE", "KGZ")]]
    assert tjk["type"] == "ASSAULT" and tjk["review"]["coded"]["type"] == "ACCUSE"
    assert {e["review"]["decision"] for e in coded_} == {"confirm", "reject", "correct"}
    assert {e["type"] for e in coded_ if e["id"] == tjk["id"]} == {"ACCUSE"}
    table = run("events", "--origin", "text", "--db", str(db), "--type", "ASSAULT")
    assert "correct: type ACCUSE->ASSAULT" in re.sub(r"\s*│\s*", " ", table).replace("\n", "")
    rows = run("events", "--origin", "text", "--db", str(db), "-f", "csv").splitlines()
    assert rows[0].endswith(",review") and any(",confirm" in r for r in rows[1:])


def test_measures_use_the_decisions_unless_as_coded(coded: Any) -> None:
    db, ids = coded

    def risk(*extra: str) -> dict[str, float]:
        args = ["risk", "CSTO", "--on", "2023-12-31", "--db", str(db), "-f", "json", *extra]
        return {r["member"]: r["score"] for r in data(*args)}

    before = risk()
    decide(db, Decision(ids[("ARM", "ACCUSE", "CSTO")], "reject", reviewer="ana"))
    decide(db, Decision(ids[("KGZ", "REJECT", "CSTO")], "reject", reviewer="ana"))
    after = risk()
    assert risk("--as-coded") == before
    assert after["ARM"] < before["ARM"] and after["KGZ"] < before["KGZ"]
    assert after["BLR"] == before["BLR"]  # untouched by the two decisions
    cohesion = ["cohesion", "CSTO", "--by", "year", "--since", "2023-01-01", "--db", str(db)]
    assert run(*cohesion, "-f", "json") != run(*cohesion, "-f", "json", "--as-coded")


def test_accuracy_counts_each_decision_and_exports_the_reviewed_sentences(
    coded: Any, tmp_path: Path
) -> None:
    db, ids = coded
    empty = run("accuracy", "--db", str(db))
    assert "no reviewed events of the coder yet" in empty
    _review(db, ids)
    rows = data("accuracy", "--db", str(db), "-f", "json")
    every = {(r["group"], r["key"]): r for r in rows}
    total = every[("all", "all")]
    assert [total[k] for k in ("reviewed", "confirmed", "corrected", "rejected")] == [4, 1, 2, 1]
    assert total["precision"] == 1 / 4  # the confirmation
    assert total["who_did_what"] == 2 / 4  # and the correction of the date alone
    assert (total["wrong_type"], total["wrong_date"], total["wrong_source"]) == (1, 1, 0)
    assert (
        every[("type", "ACCUSE")]["reviewed"] == 2 and every[("type", "ACCUSE")]["precision"] == 0.5
    )
    assert every[("type", "CONSULT")]["rejected"] == 1
    bands = [r for r in rows if r["group"] == "confidence"]
    assert sum(r["reviewed"] for r in bands) == 4
    # Each reviewed event counts in the band its confidence as coded falls in.
    coded_ = data("events", "--origin", "text", "--db", str(db), "-f", "json", "--as-coded")
    reviewed_ids = {ids[k] for k in REVIEWED}
    expected: dict[str, int] = {}
    for event in coded_:
        if event["id"] in reviewed_ids:
            label = next(name for low, high, name in BANDS if low <= event["confidence"] < high)
            expected[label] = expected.get(label, 0) + 1
    assert {r["key"]: r["reviewed"] for r in bands} == expected
    table = run("accuracy", "--db", str(db))
    assert "Recall is not measured" in table and "Corrections changed: type 1" in table

    gold = tmp_path / "gold.jsonl"
    run("accuracy", "--db", str(db), "--export", str(gold))
    lines = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["event"] for r in lines) == sorted(
        ids[k]
        for k in (("ARM", "ACCUSE", "CSTO"), ("TJK", "ACCUSE", "KGZ"), ("KGZ", "REJECT", "CSTO"))
    )
    tjk = next(r for r in lines if r["event"] == ids[("TJK", "ACCUSE", "KGZ")])
    assert (tjk["type"], tjk["source"], tjk["target"]) == ("ASSAULT", ["TJK"], ["KGZ"])
    assert tjk["text"] in ARTICLES[1]["text"] and tjk["text"].startswith("Tajikistan accused")
    kgz = next(r for r in lines if r["event"] == ids[("KGZ", "REJECT", "CSTO")])
    assert kgz["date"] == "2023-04" and kgz["decision"] == "correct"
    run("accuracy", "--db", str(db), "--export", str(gold), "--with-rejected")
    lines = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    rejected = [r for r in lines if r["decision"] == "reject"]
    assert len(lines) == 4 and [(r["type"], r["target"]) for r in rejected] == [
        ("CONSULT", ["RUS"])
    ]


def test_export_leaves_rejected_events_out_and_writes_the_decisions(
    coded: Any, tmp_path: Path
) -> None:
    db, ids = coded
    _review(db, ids)
    rejected = ids[("KAZ", "CONSULT", "RUS")]

    def exported(*extra: str) -> dict[str, list[dict[str, Any]]]:
        folder = tmp_path / ("coded" if extra else "reviewed")
        run("export", str(folder), "--format", "jsonl", "--db", str(db), *extra)
        return {
            t: [json.loads(line) for line in (folder / f"{t}.jsonl").read_text().splitlines()]
            for t in ("events", "evidence", "decisions")
        }

    reviewed, as_coded = exported(), exported("--as-coded")
    assert len(as_coded["events"]) == len(reviewed["events"]) + 1
    assert rejected not in {e["id"] for e in reviewed["events"]}
    assert rejected not in {v["event_id"] for v in reviewed["evidence"]}
    assert rejected in {v["event_id"] for v in as_coded["evidence"]}
    tjk = ids[("TJK", "ACCUSE", "KGZ")]
    assert {e["type"] for e in reviewed["events"] if e["id"] == tjk} == {"ASSAULT"}
    assert {e["type"] for e in as_coded["events"] if e["id"] == tjk} == {"ACCUSE"}
    assert "decision_id" not in reviewed["events"][0]  # the columns of the events table
    assert len(reviewed["decisions"]) == len(as_coded["decisions"]) == 4


def test_serve_is_read_only_unless_asked_and_says_how_to_sign_in(
    coded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bloc.web import app as web
    from bloc.web.review_gate import ReviewGate

    started: list[Any] = []
    monkeypatch.setattr(web, "serve", lambda *a, **k: started.append(k["review"]))
    monkeypatch.delenv("BLOC_REVIEW_TOKEN", raising=False)
    db, _ = coded
    assert "read-only" in run("serve", "--db", str(db)) and started.pop() is None
    output = run("serve", "--db", str(db), "--review")
    token = re.search(r"review token \(sign in at http://127\.0\.0\.1:8000/review\): (\S+)", output)
    gate = started.pop()
    assert token and isinstance(gate, ReviewGate) and gate.token_ok(token.group(1))
    assert "warning" not in output
    monkeypatch.setenv("BLOC_REVIEW_TOKEN", "short")
    output = run("serve", "--db", str(db), "--review", "--host", "0.0.0.0")
    assert started.pop().token_ok("short") and "short" not in output.replace("shorter", "")
    assert "shorter than 16 characters" in output
    assert "open to anyone who can reach 0.0.0.0:8000" in re.sub(r"\s+", " ", output)
