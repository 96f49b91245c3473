"""Event datasets: GDELT, POLECAT and ACLED files imported as PLOVER events (`bloc import`).

Each file is read by DuckDB's own CSV reader into an in-memory database
(`gdelt`, `polecat`, `acled`: one module per format), its codes mapped to
PLOVER types and modes and its actors to bloc's codes (`mappings.yaml`,
`mappings`, `actors`), its rows sorted into malformed, unknown, unmapped,
left out and ready (`stage`), and the ready rows stored in batches, each
merged into the events already stored by ingest's own rule (`write`).

By default only rows whose source or target is a member (at any time) of an
alliance bloc models, an alliance, or one of the outside powers that matter
to one (its rivals) are kept; `keep_all` keeps every row whose actors map.
"""

from __future__ import annotations

import logging
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from bloc.errors import BlocError
from bloc.ingest.datasets import acled, gdelt, overrides, polecat, sniff
from bloc.ingest.datasets.mappings import Mappings, load_mappings, mappings
from bloc.ingest.datasets.stage import FileReport, cleared, triage
from bloc.ingest.datasets.write import BATCH_ROWS, store_rows
from bloc.store import DATASETS, View, opened, store_path

log = logging.getLogger(__name__)

Reader = Callable[[duckdb.DuckDBPyConnection, Path, FileReport], None]
READERS: dict[str, Reader] = {
    "gdelt": gdelt.stage,
    "gdelt1": gdelt.stage_v1,
    "polecat": polecat.stage,
    "acled": acled.stage,
}
ORIGIN = {"gdelt1": "gdelt"}
"""The origin a dataset's events are stored under, where it is not the dataset's name:
GDELT 1.0's rows are GDELT's (`gdelt:<GLOBALEVENTID>`)."""
MAX_BAD = 0.01
"""The share of a file's rows that may be malformed before the file is refused."""

__all__ = [
    "BATCH_ROWS",
    "DATASETS",
    "FileReport",
    "ImportSummary",
    "Mappings",
    "import_files",
    "load_mappings",
    "mappings",
]


@dataclass
class ImportSummary:
    """What an import did, file by file, for the closing report."""

    dataset: str
    keep_all: bool
    files: list[FileReport] = field(default_factory=list)
    seconds: float = 0.0
    actors_file: Path | None = None  # where the labels left unmapped were added

    def total(self, name: str) -> int:
        return sum(int(getattr(f, name)) for f in self.files)

    def changed(self) -> set[str]:
        """The ids of the events the import made or merged into (for alerts)."""
        return set().union(*(f.changed for f in self.files))

    def watched(self) -> bool:
        """Whether the alerts have anything to do after this import (a rule to evaluate on
        its changes, or a delivery pending): when not, the command skips loading them."""
        return any(f.watched for f in self.files) and bool(self.changed())

    def counted(self, name: str) -> Counter[str]:
        total: Counter[str] = Counter()
        for f in self.files:
            total.update(getattr(f, name))
        return total

    def records(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per file (`bloc import --format json`)."""
        return [f.record() for f in self.files]

    def lines(self) -> list[str]:
        """The closing report `bloc import` prints: per file, what became of its rows."""
        kind = "CAMEO codes" if self.dataset in ("gdelt", "gdelt1") else "event types"
        lines: list[str] = []
        for f in self.files:
            lines += f.lines(kind, self.keep_all)
        if len(self.files) > 1:
            lines.append(
                f"{len(self.files)} files: {self.total('rows'):,} rows, "
                f"{self.total('stored'):,} stored, {self.total('events_new'):,} new events, "
                f"{self.total('events_merged'):,} merged; {self.seconds:.2f}s"
            )
        if self.actors_file:
            lines.append(
                f"unmapped actors added to {self.actors_file}: give them a code (RUS, "
                "UKR:militia, ...) and import again"
            )
        return lines


def _files(paths: Iterable[Path | str]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        else:
            found.append(path)
    return found


def import_files(
    dataset: str,
    paths: Iterable[Path | str],
    db: Path | str | View | None = None,
    *,
    keep_all: bool = False,
    batch_rows: int = BATCH_ROWS,
    merge_reports: bool = False,
    max_bad: float = MAX_BAD,
    encoding: str | None = None,
    actors_file: Path | None = None,
    record_unmapped: bool = False,
) -> ImportSummary:
    """Import dataset files into the store; each file's rows counted by what became of them.

    A file that cannot be read at all, is empty, is of another format, or has more
    than `max_bad` of its rows malformed is reported (`FileReport.failed`, with
    why and what to do; nothing of it is stored) and the others are imported. A
    file that is not UTF-8 is read in `encoding`, or the one detected. The user's
    actor mappings (`actors_file`, by default `overrides.actors_file()`) are read
    first; `record_unmapped` adds the labels left unmapped to that file, to fill in.
    Rerunning an import stores nothing twice.
    """
    if dataset not in READERS:
        raise BlocError(f"unknown dataset {dataset!r}: use one of {', '.join(READERS)}")
    if not 0 <= max_bad <= 1:
        raise BlocError(f"--max-bad {max_bad!r} is not a share of rows: give 0 to 100%")
    began = time.perf_counter()
    confidence = mappings().confidence[ORIGIN.get(dataset, dataset)]
    target = store_path(db)
    summary = ImportSummary(dataset, keep_all)
    origin = ORIGIN.get(dataset, dataset)
    user = overrides.load_overrides(origin, actors_file)
    # One in-memory database reads every file, each in a cursor of its own: making one
    # costs 15 to 25 ms of processor time, a tenth of a small file's import.
    staging = duckdb.connect()
    how = _How(keep_all, batch_rows, confidence, merge_reports, staging, max_bad, encoding, user)
    try:
        for path in _files(paths):
            if path.suffix.lower() == ".zip":
                summary.files += _import_zip(dataset, path, target, how)
            else:
                summary.files.append(_import_one(dataset, path, str(path), target, how))
    finally:
        staging.close()
    if not how.prepared:  # no batch opened it: created, upgraded, its knowledge base loaded
        with opened(target, write=True):
            pass
    if record_unmapped:
        labels = sorted({label for f in summary.files for label in f.unmapped_actors})
        summary.actors_file = overrides.record_unmapped(origin, labels, actors_file)
    summary.seconds = time.perf_counter() - began
    return summary


@dataclass(frozen=True)
class _How:
    keep_all: bool
    batch_rows: int
    confidence: float
    merge_reports: bool
    staging: duckdb.DuckDBPyConnection  # the database files are read in
    max_bad: float = MAX_BAD
    encoding: str | None = None
    overrides: dict[str, str] = field(default_factory=dict)
    prepared: list[bool] = field(default_factory=list)  # a batch opened the store (once)


def _import_zip(dataset: str, path: Path, target: Path, how: _How) -> list[FileReport]:
    """A zip archive (as GDELT publishes its files): each member imported in turn."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return [FileReport(str(path), failed=f"cannot be read as a zip archive: {exc}")]
    reports = []
    with archive, tempfile.TemporaryDirectory(prefix="bloc-import-") as tmp:
        for member in archive.infolist():
            if member.is_dir():
                continue
            name = f"{path}:{member.filename}"
            try:
                extracted = Path(archive.extract(member, tmp))
            except (OSError, zipfile.BadZipFile) as exc:
                reports.append(FileReport(name, failed=f"cannot be extracted: {exc}"))
                continue
            reports.append(_import_one(dataset, extracted, name, target, how))
    return reports


def _import_one(dataset: str, path: Path, name: str, target: Path, how: _How) -> FileReport:
    report = FileReport(name)
    began = time.perf_counter()
    origin = ORIGIN.get(dataset, dataset)
    try:
        if not path.is_file():
            raise FileNotFoundError("no such file")
        sniff.check_shape(path, dataset)
        with sniff.as_utf8(path, how.encoding) as (readable, assumed):
            report.encoding = assumed
            con = how.staging.cursor()
            try:
                READERS[dataset](con, readable, report)
                ready = triage(con, origin, report, how.keep_all, how.merge_reports, how.overrides)
            finally:
                cleared(con)
        _too_bad(report, dataset, how.max_bad)
    except sniff.Refused as exc:
        report.failed = f"refused as a {dataset} file: {exc}"
        log.warning("%s: %s", name, report.failed)
    except (OSError, ValueError, UnicodeError, duckdb.Error) as exc:
        report.failed = f"cannot be read as a {dataset} file: {_reason(exc)}"
        log.warning("%s: %s", name, report.failed)
    else:
        if store_rows(target, ready, origin, how.confidence, report, how.batch_rows):
            how.prepared.append(True)
        log.info(
            "%s: %d rows, %d stored (%d new events, %d merged)",
            name,
            report.rows,
            report.stored,
            report.events_new,
            report.events_merged,
        )
    report.seconds = time.perf_counter() - began
    return report


def _too_bad(report: FileReport, dataset: str, max_bad: float) -> None:
    """Refuse a file with no rows, or more than `max_bad` of them malformed, saying why."""
    if report.rows == 0:
        raise sniff.Refused("no rows: the file holds a header or blank lines only")
    share = report.malformed / report.rows
    if report.malformed and share > max_bad:
        first = (
            f" (line {report.problems[0][0]}: {report.problems[0][1]})" if report.problems else ""
        )
        hint = (
            "it is not in this dataset's layout"
            if report.malformed == report.rows
            else "fix those rows, or pass --max-bad to accept them"
        )
        raise sniff.Refused(
            f"{report.malformed:,} of {report.rows:,} rows malformed ({share:.1%}, more than "
            f"--max-bad {max_bad:.1%}){first}: {hint}; nothing of it was stored"
        )


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:300]
