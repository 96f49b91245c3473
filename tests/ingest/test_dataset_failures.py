"""Files that yield nothing fail, saying why: another format, another encoding, empty,
binary, a truncated archive, too many malformed rows. Rows are invented here."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from bloc import api
from bloc.cli import app
from bloc.ingest.datasets import import_files
from bloc.ingest.datasets.gdelt import COLUMNS, COLUMNS_1
from dataset_files import ACLED_HEADER, Gdelt, acled_row, write_acled, write_gdelt

AZE = ("AZE", "AZERBAIJAN", "AZE")
ARM = ("ARM", "ARMENIA", "ARM")
ROWS = [Gdelt(5000 + i, "20130301", "193", AZE, ARM) for i in range(3)]


def _gdelt1(path: Path, rows: list[Gdelt], url: bool = True) -> Path:
    """A GDELT 1.0 daily file: 58 columns (57 without SOURCEURL), DATEADDED a day."""
    columns = COLUMNS_1 if url else COLUMNS_1[:-1]
    lines = []
    for row in rows:
        cells = dict(zip(COLUMNS, row.cells(), strict=True))
        cells["DATEADDED"] = row.day
        lines.append("\t".join(cells[c] for c in columns))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stored(db: Path) -> list[str]:
    frame = api.events(db=db)
    return sorted(str(i) for i in frame[frame.origin != "curated"]["id"])


def test_a_gdelt_1_file_is_refused_as_gdelt_2_and_read_as_gdelt1(db: Path, tmp_path: Path) -> None:
    path = _gdelt1(tmp_path / "20130301.export.CSV", ROWS)
    report = import_files("gdelt", [path], db).files[0]
    assert report.failed is not None
    assert "58 columns: this looks like a GDELT 1.0 events file" in report.failed
    assert "bloc import gdelt1" in report.failed and _stored(db) == []
    for url in (True, False):
        old = _gdelt1(tmp_path / f"old-{url}.CSV", ROWS, url=url)
        report = import_files("gdelt1", [old], db).files[0]
        assert report.failed is None and report.malformed == 0, report.failed
    assert _stored(db) == ["gdelt-5000"]  # one clash, reported three times; rerun: nothing
    (event,) = api.to_records(api.events(origin="gdelt", db=db))
    assert [e["document"] for e in event["evidence"]] == ["gdelt:5000", "gdelt:5001", "gdelt:5002"]
    gdelt2 = write_gdelt(tmp_path / "new.CSV", ROWS)
    assert "looks like a GDELT 2.0 events file" in str(
        import_files("gdelt1", [gdelt2], db).files[0].failed
    )


def _latin1_acled(path: Path) -> Path:
    rows = [
        acled_row("ARM201", "2022-09-13", "Battles", "Armed clash",
                  "Military Forces of Azerbaijan (2003-)", "Military Forces of Armenia (2018-)"),
        acled_row("ARM202", "2022-09-14", "Battles", "Armed clash",
                  "Military Forces of Azerbaijan (2003-)", "Military Forces of Armenia (2018-)"),
    ]  # fmt: skip
    rows[1]["location"] = "Vill\u00e9-sur-Test"  # an accented place name
    rows[1]["notes"] = "Caf\u00e9 shelled, d\u00e9j\u00e0 vu."
    write_acled(path, rows)
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    return path


def test_a_latin_1_file_is_decoded_and_says_so_or_read_as_told(db: Path, tmp_path: Path) -> None:
    path = _latin1_acled(tmp_path / "acled.csv")
    report = import_files("acled", [path], db).files[0]
    assert report.failed is None and report.malformed == 0 and report.stored == 2
    assert report.encoding and "not UTF-8" in report.encoding
    told = import_files("acled", [path], tmp_path / "b.duckdb", encoding="latin-1").files[0]
    assert told.stored == 2 and "latin-1 (as given" in str(told.encoding)
    wrong = import_files("acled", [path], tmp_path / "c.duckdb", encoding="ascii").files[0]
    assert wrong.failed and "not ascii" in wrong.failed and "--encoding" in wrong.failed


def test_empty_binary_and_truncated_files_fail_with_a_reason(db: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.CSV"
    empty.write_bytes(b"")
    header_only = tmp_path / "header.csv"
    header_only.write_text(",".join(ACLED_HEADER) + "\n", encoding="utf-8")
    binary = tmp_path / "binary.CSV"
    binary.write_bytes(bytes(range(256)) * 8)
    archive = tmp_path / "day.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("day.export.CSV", "\n".join("\t".join(r.cells()) for r in ROWS) * 50)
    truncated = tmp_path / "cut.zip"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    wrong = tmp_path / "wrong.CSV"
    wrong.write_text("\n".join("\t".join(["1", "2", "3"]) for _ in range(5)) + "\n")
    found = {
        p.name: import_files("gdelt", [p], db).files[0].failed
        for p in (empty, binary, truncated, wrong)
    }
    found["header.csv"] = import_files("acled", [header_only], db).files[0].failed
    assert "the file is empty" in str(found["empty.CSV"])
    assert "not a text file" in str(found["binary.CSV"])
    assert "zip archive" in str(found["cut.zip"])
    assert "5 of 5 rows malformed" in str(found["wrong.CSV"])
    assert "has 3 columns where the format has 61" in str(found["wrong.CSV"])
    assert "no rows" in str(found["header.csv"])
    assert _stored(db) == []


def test_too_many_malformed_rows_refuse_the_file_and_a_rerun_adds_what_was_missing(
    db: Path, tmp_path: Path
) -> None:
    rows: list[Gdelt | str] = [Gdelt(6000 + i, "20220913", "042", AZE, ARM) for i in range(40)]
    rows[5] = "6005\t20220913\tcut short"
    path = write_gdelt(tmp_path / "day.CSV", rows)
    report = import_files("gdelt", [path], db).files[0]
    assert "1 of 40 rows malformed (2.5%, more than --max-bad 1.0%)" in str(report.failed)
    assert "line 6" in str(report.failed) and _stored(db) == []
    accepted = import_files("gdelt", [path], db, max_bad=0.05).files[0]
    assert accepted.failed is None and accepted.stored == 39
    rows[5] = Gdelt(6005, "20220913", "042", AZE, ARM)  # the line fixed
    fixed = import_files("gdelt", [write_gdelt(path, rows)], db).files[0]
    assert (fixed.stored, fixed.already) == (1, 39)


def test_the_command_exits_1_when_a_file_fails_and_imports_the_others(
    db: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.CSV"
    empty.write_bytes(b"")
    good = write_gdelt(tmp_path / "good.CSV", ROWS)
    old = _gdelt1(tmp_path / "old.CSV", ROWS)
    result = CliRunner().invoke(
        app, ["import", "gdelt", str(empty), str(old), str(good), "--db", str(db), "-f", "json"]
    )
    assert result.exit_code == 1, result.output
    files = {Path(f["file"]).name: f for f in json.loads(result.stdout)}
    assert "empty" in files["empty.CSV"]["failed"] and "gdelt1" in files["old.CSV"]["failed"]
    assert files["good.CSV"]["failed"] is None and files["good.CSV"]["stored"] == 3
    bad = CliRunner().invoke(app, ["import", "gdelt", str(good), "--max-bad", "lots"])
    assert bad.exit_code != 0 and "--max-bad" in bad.output
